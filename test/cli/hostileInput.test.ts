/**
 * Hostile input to every command that takes a path, hash, address, key, receipt, deployment or keystore: each gets
 * its documented exit code (docs/cli.md) and one `error:` line on stderr, never a stack trace, never a partial output
 * file, never "VERIFIED". Table-driven; the cases run a few at a time, each under a hard time limit (a symlink loop
 * must not hang).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  ftruncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { encryptKeystoreJsonSync, Wallet } from 'ethers';
import { ACCOUNTS, cleanEnv, govanchor, ROOT, sharedSuite, tempDir, type CliResult, type SharedSuite } from './helpers';

const LAUNCHER = join(ROOT, 'bin', 'govanchor.js');
/** No case may take longer than this (a hang fails the case instead of the run). */
const CASE_LIMIT_MS = 45_000;
const HUGE_BYTES = 3 * 1024 ** 3; // sparse: no blocks are written

interface Case {
  name: string;
  args: string[];
  /** The documented exit code(s). */
  code: number | number[];
  env?: Record<string, string>;
  /** What stderr's one line must say. */
  message?: RegExp;
}

/** Every file under `dir`, recursively (relative paths). */
function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('govanchor CLI: hostile input', function () {
  this.timeout(600_000);
  let suite: SharedSuite;
  let work: string;
  const isRoot = process.getuid?.() === 0;

  /** Runs the CLI in `work` with a hard time limit (SIGKILL by pid on expiry: the result then has code -1). */
  function run(args: string[], env: Record<string, string> = {}): Promise<CliResult & { timedOut: boolean }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [LAUNCHER, ...args], {
        cwd: work,
        env: cleanEnv({ GOVANCHOR_RPC_URL: suite.node.url, ...env }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        process.kill(child.pid!, 'SIGKILL');
      }, CASE_LIMIT_MS);
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        let json;
        try {
          json = args.includes('--json') ? JSON.parse(stdout) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ code: code ?? -1, stdout, stderr, json, timedOut });
      });
    });
  }

  /** Runs the cases three at a time and checks each. */
  async function check(cases: Case[]): Promise<void> {
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (next < cases.length) {
          const c = cases[next++];
          const result = await run(c.args, c.env);
          const problems: string[] = [];
          const codes = Array.isArray(c.code) ? c.code : [c.code];
          if (result.timedOut) problems.push(`hung (killed after ${CASE_LIMIT_MS / 1000} s)`);
          if (!codes.includes(result.code)) problems.push(`exit ${result.code}, expected ${codes.join(' or ')}`);
          if (/^\s+at /m.test(result.stderr + result.stdout)) problems.push('stack trace');
          if (/^VERIFIED/m.test(result.stdout) || result.json?.verified === true) problems.push('says VERIFIED');
          if (result.code >= 2) {
            const lines = result.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '));
            if (lines.length !== 1 || !lines[0].startsWith('error: ')) problems.push('stderr is not one error line');
            if (c.message && !c.message.test(lines[0] ?? '')) problems.push(`message does not match ${c.message}`);
          }
          if (problems.length) {
            failures.push(`${c.name}: ${problems.join('; ')}\n    stderr: ${result.stderr.trim().slice(0, 400)}`);
          }
        }
      }),
    );
    expect(failures, failures.join('\n')).to.deep.equal([]);
  }

  // Fresh accounts (an account acts for at most one agency: no clash with the other CLI test files).
  const admin = Wallet.createRandom();
  const operatorWallet = Wallet.createRandom();
  const operator = () => ({ GOVANCHOR_PRIVATE_KEY: operatorWallet.privateKey });
  let filesBefore: string[];

  before(async function () {
    suite = await sharedSuite();
    work = tempDir('govanchor-hostile-');
    mkdirSync(join(work, 'deployments'));
    copyFileSync(suite.deploymentFile, join(work, 'deployments', '31337.json'));
    for (const wallet of [admin, operatorWallet]) {
      await suite.node.rpc('hardhat_setBalance', [wallet.address, '0x56bc75e2d63100000']);
    }
    const setup = [
      await govanchor(['agency', 'register', 'hi.stats', '--name', 'Hostile Stats', '--admin', admin.address], 0),
      await govanchor(['agency', 'add-operator', 'hi.stats', operatorWallet.address], undefined, {
        GOVANCHOR_PRIVATE_KEY: admin.privateKey,
      }),
    ];
    for (const step of setup) expect(step.code, step.stderr).to.equal(0);

    // Genuine anchored content: a file and a tree, with their receipts.
    writeFileSync(join(work, 'good.csv'), 'a,b\n1,2\n');
    mkdirSync(join(work, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(work, 'tree', 'a.csv'), 'x\n1\n');
    writeFileSync(join(work, 'tree', 'sub', 'b.csv'), 'y\n2\n');
    for (const [path, key] of [
      ['good.csv', 'hi.stats/good'],
      ['tree', 'hi.stats/tree'],
    ]) {
      const anchored = await run(['anchor', path, '--dataset', key], operator());
      expect(anchored.code, anchored.stderr).to.equal(0);
    }

    // Paths.
    writeFileSync(join(work, 'empty.json'), '');
    writeFileSync(join(work, 'nul.csv'), 'nul\n');
    mkdirSync(join(work, 'empty-dir'));
    const huge = openSync(join(work, 'huge.json'), 'w');
    ftruncateSync(huge, HUGE_BYTES);
    closeSync(huge);
    symlinkSync('loop-b', join(work, 'loop-a'));
    symlinkSync('loop-a', join(work, 'loop-b'));
    symlinkSync('nowhere', join(work, 'dangling'));
    mkdirSync(join(work, 'cyclic', 'inner'), { recursive: true });
    writeFileSync(join(work, 'cyclic', 'inner', 'f.csv'), 'z\n');
    symlinkSync('..', join(work, 'cyclic', 'inner', 'up'));
    symlinkSync('good.csv', join(work, 'link-to-good.csv'));
    writeFileSync(join(work, 'secret.csv'), 'unreadable\n');
    chmodSync(join(work, 'secret.csv'), 0o000);

    // Receipts: malformed, truncated and tampered copies of genuine ones.
    const fileReceipt = readFileSync(join(work, 'good.csv.receipt.json'), 'utf8');
    const treeReceipt = readFileSync(join(work, 'tree.receipts', 'sub', 'b.csv.receipt.json'), 'utf8');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const tamper = (text: string, edit: (r: Record<string, any>) => void): string => {
      const receipt = JSON.parse(text);
      edit(receipt);
      return JSON.stringify(receipt);
    };
    const receipts: Record<string, string> = {
      'r-notjson.json': '{"format": "govanchor-receipt/1", ',
      'r-truncated.json': treeReceipt.slice(0, Math.floor(treeReceipt.length / 2)),
      'r-array.json': '[]',
      'r-format.json': tamper(treeReceipt, (r) => (r.format = 'govanchor-receipt/99')),
      'r-nofile.json': tamper(treeReceipt, (r) => delete r.file),
      'r-badhash.json': tamper(treeReceipt, (r) => (r.file.sha256 = '0x1234')),
      'r-sha.json': tamper(treeReceipt, (r) => (r.file.sha256 = '0x' + 'ee'.repeat(32))),
      'r-proof.json': tamper(treeReceipt, (r) => (r.proof.siblings[0] = '0x' + '11'.repeat(32))),
      'r-path.json': tamper(treeReceipt, (r) => (r.file.path = 'a.csv')),
      'r-root.json': tamper(treeReceipt, (r) => (r.anchor.contentHash = '0x' + '22'.repeat(32))),
      'r-chain.json': tamper(treeReceipt, (r) => (r.chainId = 11155111)),
      'r-contract.json': tamper(treeReceipt, (r) => (r.contract = ACCOUNTS[5].address)),
      'r-file-sha.json': tamper(fileReceipt, (r) => (r.file.sha256 = r.anchor.contentHash = '0x' + '33'.repeat(32))),
    };
    for (const [name, text] of Object.entries(receipts)) writeFileSync(join(work, name), text);

    // A deployment file for another chain; manifests; keystore.
    const deployment = JSON.parse(readFileSync(suite.deploymentFile, 'utf8'));
    writeFileSync(join(work, 'sepolia.json'), JSON.stringify({ ...deployment, chainId: 11155111 }));
    writeFileSync(join(work, 'm-notjson.json'), '{"items": [');
    writeFileSync(
      join(work, 'm-missing.json'),
      JSON.stringify({ items: [{ dataset: 'hi.stats/x', path: 'nope.csv' }] }),
    );
    writeFileSync(join(work, 'm-loop.json'), JSON.stringify({ items: [{ dataset: 'hi.stats/x', path: 'loop-a' }] }));
    writeFileSync(
      join(work, 'm-nul.json'),
      JSON.stringify({ items: [{ dataset: 'hi.stats/a\u0000b', path: 'nul.csv' }] }),
    );
    writeFileSync(
      join(work, 'm-escape.json'),
      JSON.stringify({ items: [{ dataset: 'hi.stats/x', path: '../../../../../../etc/hostname-nope' }] }),
    );
    const wallet = operatorWallet;
    writeFileSync(
      join(work, 'keystore.json'),
      encryptKeystoreJsonSync({ address: wallet.address, privateKey: wallet.privateKey }, 'right password', {
        scrypt: { N: 1024 },
      }),
    );
    writeFileSync(join(work, 'signed-truncated.json'), '{"format": "govanchor-signed/1", "action": ');
    filesBefore = listTree(work);
  });

  it('paths: nonexistent, unreadable, empty, huge, symlinked, looping', async function () {
    const unreadable = isRoot ? 0 : 2; // root reads a chmod-000 file anyway
    await check([
      {
        name: 'hash nonexistent',
        args: ['hash', 'nope.csv'],
        code: 2,
        message: /nope\.csv: no such file or directory/,
      },
      { name: 'hash dangling symlink', args: ['hash', 'dangling'], code: 2 },
      { name: 'hash symlink loop', args: ['hash', 'loop-a'], code: 2 },
      { name: 'hash directory with a cycle', args: ['hash', 'cyclic'], code: [0, 2] },
      { name: 'hash empty directory', args: ['hash', 'empty-dir'], code: 2 },
      { name: 'hash symlink to a file', args: ['hash', 'link-to-good.csv'], code: 0 },
      { name: 'hash chmod 000 file', args: ['hash', 'secret.csv'], code: unreadable },
      { name: 'verify nonexistent', args: ['verify', 'nope.csv'], code: 2 },
      { name: 'verify symlink loop', args: ['verify', 'loop-a'], code: 2 },
      { name: 'verify empty directory', args: ['verify', 'empty-dir'], code: 2 },
      { name: 'verify nonexistent receipt', args: ['verify', 'good.csv', '--receipt', 'nope.json'], code: 2 },
      { name: 'verify huge receipt', args: ['verify', 'good.csv', '--receipt', 'huge.json'], code: 2 },
      { name: 'verify empty receipt', args: ['verify', 'good.csv', '--receipt', 'empty.json'], code: 2 },
      { name: 'verify receipt is a loop', args: ['verify', 'good.csv', '--receipt', 'loop-a'], code: 2 },
      {
        name: 'anchor nonexistent',
        args: ['anchor', 'nope.csv', '--dataset', 'hi.stats/nope'],
        env: operator(),
        code: 2,
      },
      {
        name: 'anchor symlink loop',
        args: ['anchor', 'loop-a', '--dataset', 'hi.stats/loop'],
        env: operator(),
        code: 2,
      },
      {
        name: 'anchor empty directory',
        args: ['anchor', 'empty-dir', '--dataset', 'hi.stats/empty'],
        env: operator(),
        code: 2,
      },
      { name: 'anchor-many nonexistent manifest', args: ['anchor-many', 'nope.json'], env: operator(), code: 2 },
      { name: 'anchor-many empty manifest', args: ['anchor-many', 'empty.json'], env: operator(), code: 2 },
      { name: 'anchor-many huge manifest', args: ['anchor-many', 'huge.json'], env: operator(), code: 2 },
      { name: 'anchor-many manifest not JSON', args: ['anchor-many', 'm-notjson.json'], env: operator(), code: 2 },
      { name: 'anchor-many item missing', args: ['anchor-many', 'm-missing.json'], env: operator(), code: 2 },
      { name: 'anchor-many item is a loop', args: ['anchor-many', 'm-loop.json'], env: operator(), code: 2 },
      { name: 'anchor-many item outside', args: ['anchor-many', 'm-escape.json'], env: operator(), code: 2 },
      { name: 'anchor-many manifest is a loop', args: ['anchor-many', 'loop-a'], env: operator(), code: 2 },
      { name: 'withdraw nonexistent', args: ['withdraw', 'nope.csv', '--reason', 'x'], env: operator(), code: 2 },
      { name: 'relay nonexistent', args: ['relay', 'nope.json'], env: operator(), code: 2 },
      { name: 'relay empty', args: ['relay', 'empty.json'], env: operator(), code: [1, 2] },
      { name: 'relay huge', args: ['relay', 'huge.json'], env: operator(), code: [1, 2] },
      { name: 'relay truncated', args: ['relay', 'signed-truncated.json'], env: operator(), code: [1, 2] },
      { name: 'keystore address nonexistent', args: ['keystore', 'address', 'nope.json'], code: 2 },
      { name: 'keystore address empty', args: ['keystore', 'address', 'empty.json'], code: 2 },
      { name: 'keystore address huge', args: ['keystore', 'address', 'huge.json'], code: 2 },
      { name: 'keystore address loop', args: ['keystore', 'address', 'loop-a'], code: 2 },
      {
        name: '--keystore huge',
        args: ['anchor', 'good.csv', '--dataset', 'hi.stats/good', '--keystore', 'huge.json'],
        env: { GOVANCHOR_KEYSTORE_PASSWORD: 'x' },
        code: 2,
      },
      {
        name: '--deployment nonexistent',
        args: ['lookup', '0x' + '00'.repeat(32), '--deployment', 'nope.json'],
        code: 2,
      },
      {
        name: '--deployment huge',
        args: ['lookup', '0x' + '00'.repeat(32), '--deployment', 'huge.json'],
        code: 2,
        message: /larger than/,
      },
      { name: '--deployment empty', args: ['lookup', '0x' + '00'.repeat(32), '--deployment', 'empty.json'], code: 2 },
    ]);
  });

  it('receipts: malformed and truncated (exit 2), tampered (exit 1 with the reason); never verified', async function () {
    const treeFile = join('tree', 'sub', 'b.csv');
    await check([
      { name: 'receipt not JSON', args: ['verify', treeFile, '--receipt', 'r-notjson.json'], code: 2 },
      { name: 'receipt truncated', args: ['verify', treeFile, '--receipt', 'r-truncated.json'], code: 2 },
      { name: 'receipt is an array', args: ['verify', treeFile, '--receipt', 'r-array.json'], code: 2 },
      { name: 'receipt unknown format', args: ['verify', treeFile, '--receipt', 'r-format.json'], code: 2 },
      { name: 'receipt without file', args: ['verify', treeFile, '--receipt', 'r-nofile.json', '--json'], code: 2 },
      { name: 'receipt sha256 too short', args: ['verify', treeFile, '--receipt', 'r-badhash.json'], code: 2 },
      { name: 'receipt other sha256', args: ['verify', treeFile, '--receipt', 'r-sha.json'], code: 1 },
      { name: 'receipt forged proof', args: ['verify', treeFile, '--receipt', 'r-proof.json', '--json'], code: 1 },
      { name: 'receipt other path', args: ['verify', treeFile, '--receipt', 'r-path.json'], code: 1 },
      { name: 'receipt other root', args: ['verify', treeFile, '--receipt', 'r-root.json'], code: 1 },
      { name: 'receipt other chain', args: ['verify', treeFile, '--receipt', 'r-chain.json'], code: 1 },
      { name: 'receipt other contract', args: ['verify', treeFile, '--receipt', 'r-contract.json'], code: 1 },
      { name: 'file receipt other hash', args: ['verify', 'good.csv', '--receipt', 'r-file-sha.json'], code: 1 },
      {
        name: 'receipt of another file',
        args: ['verify', 'good.csv', '--receipt', 'tree.receipts/a.csv.receipt.json'],
        code: 1,
      },
    ]);
  });

  it('hashes, addresses, deployments, keystores', async function () {
    const digest = '0x' + 'ab'.repeat(32);
    await check([
      { name: 'lookup 63 hex digits', args: ['lookup', 'a'.repeat(63)], code: 2, message: /not a SHA-256/ },
      { name: 'lookup 65 hex digits', args: ['lookup', 'a'.repeat(65)], code: 2 },
      { name: 'lookup non-hex', args: ['lookup', 'g'.repeat(64)], code: 2 },
      { name: 'lookup empty', args: ['lookup', ''], code: 2 },
      { name: 'lookup 0x only', args: ['lookup', '0x'], code: 2 },
      {
        name: 'withdraw short hash',
        args: ['withdraw', '0x' + 'ab'.repeat(31), '--reason', 'x'],
        env: operator(),
        code: 2,
      },
      {
        name: 'register: admin with a bad checksum',
        args: [
          'agency',
          'register',
          'hi.bad',
          '--name',
          'Bad',
          '--admin',
          '0x70997970c51812dc3A010C7d01b50e0d17dc79C8',
        ],
        env: { GOVANCHOR_PRIVATE_KEY: ACCOUNTS[0].key },
        code: 2,
        message: /not a valid/,
      },
      {
        name: 'add-operator: bad checksum',
        args: ['agency', 'add-operator', 'hi.stats', '0x90f79bf6EB2c4f870365E785982E1f101E93b906'],
        env: { GOVANCHOR_PRIVATE_KEY: admin.privateKey },
        code: 2,
      },
      {
        name: 'add-operator: 19 bytes',
        args: ['agency', 'add-operator', 'hi.stats', '0x90F79bf6EB2c4f870365E785982E1f101E93b9'],
        env: { GOVANCHOR_PRIVATE_KEY: admin.privateKey },
        code: 2,
      },
      {
        name: 'deployment for another chain',
        args: ['lookup', digest, '--deployment', 'sepolia.json'],
        code: 2,
        message: /chain id mismatch/,
      },
      {
        name: 'deployment for another chain (anchor)',
        args: ['anchor', 'good.csv', '--dataset', 'hi.stats/good', '--deployment', 'sepolia.json'],
        env: operator(),
        code: 2,
      },
      {
        name: 'keystore with a wrong password',
        args: ['anchor', 'good.csv', '--dataset', 'hi.stats/good', '--keystore', 'keystore.json'],
        env: { GOVANCHOR_KEYSTORE_PASSWORD: 'wrong password' },
        code: 2,
        message: /wrong password for keystore keystore\.json/,
      },
      {
        name: 'keystore without a password (no terminal)',
        args: ['anchor', 'good.csv', '--dataset', 'hi.stats/good', '--keystore', 'keystore.json'],
        code: 2,
      },
      {
        name: 'keystore address with the right file',
        args: ['keystore', 'address', 'keystore.json'],
        code: 0,
      },
      {
        name: 'private key malformed',
        args: ['anchor', 'good.csv', '--dataset', 'hi.stats/good'],
        env: { GOVANCHOR_PRIVATE_KEY: '0x1234' },
        code: 2,
      },
    ]);
  });

  it('dataset keys with odd Unicode: rejected in the agency code, kept byte-exact in the name', async function () {
    await check([
      { name: 'RTL override in the agency code', args: ['history', 'hi.st\u202Eats/x'], code: 2 },
      { name: 'emoji agency code', args: ['history', '\u{1F600}/x'], code: 2 },
      { name: 'fullwidth agency code', args: ['history', '\uFF48i.stats/x'], code: 2 },
      { name: 'NUL in a manifest key', args: ['anchor-many', 'm-nul.json'], env: operator(), code: [0, 2] },
      { name: 'key of 201 bytes', args: ['history', 'hi.stats/' + '\u00e9'.repeat(96)], code: 2 },
    ]);
    // Names are free text: each variant is its own dataset, stored byte for byte (no silent normalisation).
    const variants = ['caf\u00e9', 'cafe\u0301', 'r\u202Etl\u200F', 'emoji-\u{1F600}'];
    for (const [i, name] of variants.entries()) {
      const file = join(work, `u${i}.csv`);
      writeFileSync(file, `unicode ${i}\n`);
      const anchored = await run(['anchor', file, '--dataset', `hi.stats/${name}`, '--json'], operator());
      expect(anchored.code, anchored.stderr).to.equal(0);
      const receipt = JSON.parse(readFileSync(`${file}.receipt.json`, 'utf8'));
      expect(receipt.dataset.key).to.equal(`hi.stats/${name}`);
      const history = await run(['history', `hi.stats/${name}`, '--json']);
      expect(history.code, history.stderr).to.equal(0);
      expect(history.json.versions).to.have.length(1);
    }
    const nfc = await run(['history', 'hi.stats/caf\u00e9', '--json']);
    const nfd = await run(['history', 'hi.stats/cafe\u0301', '--json']);
    expect(nfc.json.dataset.id).to.match(/^0x[0-9a-f]{24}$/);
    expect(nfc.json.dataset.id).to.not.equal(nfd.json.dataset.id);
  });

  it('left no partial or temporary file behind', function () {
    const added = listTree(work).filter((f) => !filesBefore.includes(f));
    const expected = /^u\d\.csv(\.receipt\.json)?$/; // the Unicode case's own files
    const allowedNul = /^nul\.csv\.receipt\.json$/;
    expect(added.filter((f) => !expected.test(f) && !allowedNul.test(f))).to.deep.equal([]);
  });
});

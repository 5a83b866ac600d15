import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildTree } from '../../src/core/tree';
import { buildTreeReceipts } from '../../src/core/receipt';
import { ACCOUNTS, govanchor, runCli, sharedSuite, tempDir, type SharedSuite } from './helpers';

const ADMIN = 10;
const OPERATOR = 11;
const OTHER_OPERATOR = 12;

/** Writes files (relative path → content) under `dir`. */
function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

describe('govanchor CLI: hash, anchor, verify, withdraw, history', function () {
  let suite: SharedSuite;
  let work: string;
  let census: string;
  let single: string;

  before(async function () {
    this.timeout(300_000);
    suite = await sharedSuite();
    work = tempDir();
    census = join(work, 'census-2020');
    writeTree(census, {
      'README.txt': 'Census 2020, county tables\n',
      'tables/population.csv': 'county,population\nchangsha,10047914\nzhuzhou,3902738\n',
      'tables/households.csv': 'county,households\nchangsha,3703000\n',
      'maps/counties.geojson': '{"type":"FeatureCollection","features":[]}\n',
    });
    single = join(work, 'budget-2024.csv');
    writeFileSync(single, 'item,amount\nroads,120000000\n');
    const setup = [
      await govanchor(
        ['agency', 'register', 'av.stats', '--name', 'AV Statistics', '--admin', ACCOUNTS[ADMIN].address],
        0,
      ),
      await govanchor(['agency', 'add-operator', 'av.stats', ACCOUNTS[OPERATOR].address], ADMIN),
      await govanchor(['agency', 'register', 'av.other', '--name', 'AV Other', '--admin', ACCOUNTS[ADMIN].address], 0),
      await govanchor(['agency', 'add-operator', 'av.other', ACCOUNTS[OTHER_OPERATOR].address], ADMIN),
    ];
    for (const step of setup) expect(step.code, step.stderr).to.equal(0);
  });

  describe('hash', function () {
    it("prints a file's SHA-256 exactly as sha256sum does", async function () {
      const expected = execFileSync('sha256sum', [single]).toString();
      const result = await runCli(['hash', single], { cwd: work });
      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal(expected);
      const json = await runCli(['hash', single, '--json'], { cwd: work });
      expect(json.json.sha256).to.equal(expected.split(' ')[0]);
    });

    it("lists a directory's files (POSIX paths, sorted) with their SHA-256 and the tree root", async function () {
      const result = await runCli(['hash', census, '--json'], { cwd: work });
      expect(result.code).to.equal(0);
      const paths = ['README.txt', 'maps/counties.geojson', 'tables/households.csv', 'tables/population.csv'];
      expect(result.json.files.map((f: { path: string }) => f.path)).to.deep.equal(paths);
      for (const file of result.json.files) {
        expect(file.sha256).to.equal(
          execFileSync('sha256sum', [join(census, file.path)])
            .toString()
            .split(' ')[0],
        );
      }
      expect(result.json.root).to.equal(buildTree(result.json.files).root);
      expect(result.json.fileCount).to.equal(4);
    });

    it('fails with one line for a missing file or an empty directory (exit 2)', async function () {
      const missing = await runCli(['hash', join(work, 'nope.csv')], { cwd: work });
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.equal(`error: ${join(work, 'nope.csv')}: no such file or directory\n`);
      const empty = join(work, 'empty');
      mkdirSync(empty);
      const result = await runCli(['hash', empty], { cwd: work });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/^error: directory .*empty is empty: it holds no regular file to hash/);
    });
  });

  describe('anchor', function () {
    it('anchors a file as the first version of a new dataset and writes <file>.receipt.json', async function () {
      const result = await govanchor(
        ['anchor', single, '--dataset', 'av.stats/budget-2024', '--uri', 'https://data.example/budget', '--json'],
        OPERATOR,
      );
      expect(result.code, result.stderr).to.equal(0);
      expect(result.json).to.include({ sent: true, created: true, kind: 'file', fileCount: 1 });
      expect(result.json.dataset).to.include({ key: 'av.stats/budget-2024', version: 1 });
      const receipt = JSON.parse(readFileSync(`${single}.receipt.json`, 'utf8'));
      expect(receipt.format).to.equal('govanchor-receipt/1');
      expect(receipt).to.include({ chainId: 31337 });
      expect(receipt.file).to.deep.equal({ path: 'budget-2024.csv', sha256: result.json.contentHash });
      expect(receipt.transaction.hash).to.equal(result.json.transaction.hash);
      expect(receipt.agency).to.deep.equal({ code: 'av.stats', name: 'AV Statistics' });
    });

    it('anchors a directory tree and writes one receipt per file under <dir>.receipts/', async function () {
      const result = await govanchor(['anchor', census, '--dataset', 'av.stats/census-2020', '--json'], OPERATOR);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.json).to.include({ sent: true, kind: 'tree', fileCount: 4 });
      expect(result.json.receipts).to.deep.equal({ location: `${census}.receipts`, written: 4, kept: 0 });
      const receipt = JSON.parse(
        readFileSync(join(`${census}.receipts`, 'tables', 'population.csv.receipt.json'), 'utf8'),
      );
      expect(receipt.anchor).to.include({ kind: 'tree', contentHash: result.json.contentHash, fileCount: 4 });
      expect(receipt.proof.leafEncoding).to.deep.equal(['string', 'bytes32']);
      expect(receipt.proof.siblings).to.have.length(2);
      expect(existsSync(join(`${census}.receipts`, 'maps', 'counties.geojson.receipt.json'))).to.equal(true);
    });

    it('anchors a new version of an existing dataset (anchorVersion)', async function () {
      const v2 = join(work, 'budget-2024-v2.csv');
      writeFileSync(v2, 'item,amount\nroads,125000000\n');
      const result = await govanchor(['anchor', v2, '--dataset', 'av.stats/budget-2024', '--json'], OPERATOR);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.json).to.include({ sent: true, created: false });
      expect(result.json.dataset.version).to.equal(2);
    });

    it('reports content anchored already and sends nothing (exit 0)', async function () {
      const before = await suite.node.rpc<string>('eth_blockNumber');
      const result = await govanchor(['anchor', census, '--dataset', 'av.stats/census-2020'], OPERATOR);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(
        /^already anchored: .*census-2020 is version 1 of av\.stats\/census-2020 \(av\.stats\), anchored .*; nothing sent/,
      );
      expect(await suite.node.rpc<string>('eth_blockNumber')).to.equal(before);
    });

    it('rejects a malformed dataset key (exit 2) and an unknown agency (exit 2)', async function () {
      const malformed = await govanchor(['anchor', single, '--dataset', 'no-slash'], OPERATOR);
      expect(malformed.code).to.equal(2);
      expect(malformed.stderr).to.include('"no-slash" is not a dataset key: expected <agency code>/<name>');
      const fresh = join(work, 'fresh.csv');
      writeFileSync(fresh, 'fresh\n');
      const unknown = await govanchor(['anchor', fresh, '--dataset', 'nobody.here/data'], OPERATOR);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.include('unknown agency "nobody.here"');
    });

    it("decodes a revert for another agency's namespace (exit 3)", async function () {
      const fresh = join(work, 'other-namespace.csv');
      writeFileSync(fresh, 'namespace\n');
      const result = await govanchor(['anchor', fresh, '--dataset', 'av.stats/not-mine'], OTHER_OPERATOR);
      expect(result.code).to.equal(3);
      expect(result.stderr).to.include('DatasetKeyOutsideNamespace(datasetKey=av.stats/not-mine');
    });

    it('fails on a missing file (exit 2)', async function () {
      const result = await govanchor(['anchor', join(work, 'missing.csv'), '--dataset', 'av.stats/x'], OPERATOR);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('missing.csv: no such file or directory');
    });
  });

  describe('verify', function () {
    it('verifies every file of the tree through its receipt (found by default)', async function () {
      for (const path of ['README.txt', 'tables/population.csv', 'tables/households.csv', 'maps/counties.geojson']) {
        const result = await govanchor(['verify', join(census, path), '--json']);
        expect(result.code, `${path}: ${result.stdout}${result.stderr}`).to.equal(0);
        expect(result.json).to.include({ verified: true, chainId: 31337, contractFromDeployment: true });
        expect(result.json.dataset).to.deep.equal({
          key: 'av.stats/census-2020',
          id: result.json.dataset.id,
          version: 1,
        });
        expect(result.json.agency).to.deep.equal({ code: 'av.stats', name: 'AV Statistics', status: 'active' });
        expect(result.json.transaction.hash).to.match(/^0x[0-9a-f]{64}$/);
      }
    });

    it('verifies a single file directly and a directory by its root, in readable form', async function () {
      const file = await govanchor(['verify', single]);
      expect(file.code).to.equal(0);
      expect(file.stdout).to.include(`VERIFIED  ${single}`);
      expect(file.stdout).to.include('dataset     av.stats/budget-2024 (version 1)');
      expect(file.stdout).to.include('agency      av.stats — AV Statistics (active)');
      const dir = await govanchor(['verify', census, '--json']);
      expect(dir.code).to.equal(0);
      expect(dir.json).to.include({ verified: true });
      expect(dir.json.anchor).to.include({ kind: 'tree', fileCount: 4 });
    });

    it('rejects a tampered file (exit 1, content differs)', async function () {
      const copy = join(tempDir(), 'census-2020');
      writeTree(copy, { 'tables/population.csv': 'county,population\nchangsha,99999999\n' });
      const receipt = join(`${census}.receipts`, 'tables', 'population.csv.receipt.json');
      const result = await govanchor(['verify', join(copy, 'tables/population.csv'), '--receipt', receipt, '--json']);
      expect(result.code).to.equal(1);
      expect(result.json).to.include({ verified: false, reason: 'content-differs' });
      const human = await govanchor(['verify', join(copy, 'tables/population.csv'), '--receipt', receipt]);
      expect(human.stdout).to.match(/^NOT VERIFIED .*\n {2}content differs: /);
    });

    it('rejects a directory with a changed file, naming the file (exit 1)', async function () {
      const copy = join(tempDir(), 'census-2020');
      for (const path of ['README.txt', 'tables/population.csv', 'tables/households.csv', 'maps/counties.geojson']) {
        mkdirSync(join(copy, path, '..'), { recursive: true });
        copyFileSync(join(census, path), join(copy, path));
      }
      writeFileSync(join(copy, 'tables/households.csv'), 'county,households\nchangsha,1\n');
      execFileSync('cp', ['-r', `${census}.receipts`, `${copy}.receipts`]);
      const result = await govanchor(['verify', copy, '--json']);
      expect(result.code).to.equal(1);
      expect(result.json).to.include({ verified: false, reason: 'content-differs' });
      expect(result.json.differences).to.deep.equal({ changed: ['tables/households.csv'], missing: [], added: [] });
    });

    it('rejects a file verified with a receipt from another tree (exit 1)', async function () {
      const otherTree = join(work, 'other-tree');
      writeTree(otherTree, { 'README.txt': 'another tree\n', 'data.csv': 'a,b\n' });
      expect((await govanchor(['anchor', otherTree, '--dataset', 'av.other/tree'], OTHER_OPERATOR)).code).to.equal(0);
      const result = await govanchor([
        'verify',
        join(census, 'README.txt'),
        '--receipt',
        join(`${otherTree}.receipts`, 'README.txt.receipt.json'),
        '--json',
      ]);
      expect(result.code).to.equal(1);
      expect(result.json.verified).to.equal(false);
      expect(result.json.reason).to.equal('content-differs');
    });

    it("rejects a receipt whose proof does not lead to the receipt's root (exit 1)", async function () {
      const receipt = JSON.parse(readFileSync(join(`${census}.receipts`, 'README.txt.receipt.json'), 'utf8'));
      const other = JSON.parse(readFileSync(join(work, 'other-tree.receipts', 'README.txt.receipt.json'), 'utf8'));
      receipt.anchor.contentHash = other.anchor.contentHash; // an anchored root, but not this file's
      const forged = join(tempDir(), 'forged.receipt.json');
      writeFileSync(forged, JSON.stringify(receipt));
      const result = await govanchor(['verify', join(census, 'README.txt'), '--receipt', forged, '--json']);
      expect(result.code).to.equal(1);
      expect(result.json).to.include({ verified: false, reason: 'proof-invalid' });
    });

    it('rejects a receipt whose proof leads to a root that is not anchored (exit 1)', async function () {
      const receipt = JSON.parse(readFileSync(join(`${census}.receipts`, 'README.txt.receipt.json'), 'utf8'));
      const files = [
        { path: 'README.txt', sha256: receipt.file.sha256 },
        { path: 'never-anchored.csv', sha256: '0x' + '11'.repeat(32) },
      ];
      const tree = buildTree(files);
      const record = {
        ...receipt,
        kind: 'tree' as const,
        contentHash: tree.root,
        fileCount: 2,
        uri: '',
        transaction: { ...receipt.transaction },
      };
      const [unanchored] = buildTreeReceipts(record, tree);
      const file = join(tempDir(), 'unanchored.receipt.json');
      writeFileSync(file, JSON.stringify(unanchored));
      const result = await govanchor(['verify', join(census, 'README.txt'), '--receipt', file, '--json']);
      expect(result.code).to.equal(1);
      expect(result.json).to.include({ verified: false, reason: 'root-not-anchored' });
    });

    it('rejects a receipt for another chain (exit 1) and a malformed receipt (exit 2)', async function () {
      const receipt = JSON.parse(readFileSync(join(`${census}.receipts`, 'README.txt.receipt.json'), 'utf8'));
      const dir = tempDir();
      writeFileSync(join(dir, 'sepolia.json'), JSON.stringify({ ...receipt, chainId: 11155111 }));
      const wrongChain = await govanchor([
        'verify',
        join(census, 'README.txt'),
        '--receipt',
        join(dir, 'sepolia.json'),
        '--json',
      ]);
      expect(wrongChain.code).to.equal(1);
      expect(wrongChain.json).to.include({ verified: false, reason: 'wrong-chain' });
      expect(wrongChain.json.message).to.include('the receipt is for chain 11155111, but the node serves chain 31337');
      writeFileSync(
        join(dir, 'bad.json'),
        JSON.stringify({ ...receipt, proof: { leafEncoding: ['bytes32'], siblings: [] } }),
      );
      const malformed = await govanchor(['verify', join(census, 'README.txt'), '--receipt', join(dir, 'bad.json')]);
      expect(malformed.code).to.equal(2);
      expect(malformed.stderr).to.match(
        /^error: receipt .*bad\.json is not a valid govanchor receipt: proof\.leafEncoding must be/,
      );
    });

    it('verifies with the receipt alone when no deployment file is at hand, with a warning', async function () {
      const cwd = tempDir();
      const result = await runCli(['verify', join(census, 'tables/population.csv'), '--json'], { cwd, env: suite.env });
      expect(result.code, result.stderr).to.equal(0);
      expect(result.json).to.include({ verified: true, contractFromDeployment: false });
      expect(result.stderr).to.include('was taken from the receipt');
    });

    it('reports a file that was never anchored (exit 1)', async function () {
      const file = join(tempDir(), 'never.csv');
      writeFileSync(file, 'never anchored\n');
      const result = await govanchor(['verify', file, '--json']);
      expect(result.code).to.equal(1);
      expect(result.json).to.include({ verified: false, reason: 'not-anchored' });
    });
  });

  describe('lookup', function () {
    it('looks up a sha256sum digest, and rejects a malformed one (exit 2)', async function () {
      const digest = execFileSync('sha256sum', [single]).toString().split(' ')[0];
      const result = await govanchor(['lookup', digest, '--json']);
      expect(result.code).to.equal(0);
      expect(result.json.dataset.key).to.equal('av.stats/budget-2024');
      const malformed = await govanchor(['lookup', 'abc123']);
      expect(malformed.code).to.equal(2);
      expect(malformed.stderr).to.equal(
        'error: "abc123" is not a SHA-256 digest: expected 64 hex digits, optionally with 0x\n',
      );
    });
  });

  describe('withdraw and agency status', function () {
    it('a withdrawn version no longer verifies, with the reason (exit 1)', async function () {
      const withdrawn = await govanchor(['withdraw', single, '--reason', 'wrong road totals', '--json'], OPERATOR);
      expect(withdrawn.code, withdrawn.stderr).to.equal(0);
      expect(withdrawn.json.version).to.equal(1);
      const result = await govanchor(['verify', single, '--json']);
      expect(result.code).to.equal(1);
      expect(result.json).to.include({ verified: false, reason: 'withdrawn' });
      expect(result.json.withdrawal.reason).to.equal('wrong road totals');
      const human = await govanchor(['verify', single]);
      expect(human.stdout).to.include(
        'version withdrawn: version 1 of av.stats/budget-2024 was withdrawn by av.stats (reason: wrong road totals)',
      );
      const again = await govanchor(['withdraw', single, '--reason', 'again'], OPERATOR);
      expect(again.code).to.equal(3);
      expect(again.stderr).to.include('AnchorAlreadyWithdrawn(');
    });

    it("a suspended agency's anchors no longer verify (exit 1), and verify again once reinstated", async function () {
      expect((await govanchor(['agency', 'suspend', 'av.stats'], 0)).code).to.equal(0);
      const result = await govanchor(['verify', join(census, 'README.txt'), '--json']);
      expect(result.code).to.equal(1);
      expect(result.json).to.include({ verified: false, reason: 'agency-suspended' });
      expect(result.json.message).to.include(
        'av.stats (AV Statistics), which anchored version 1 of av.stats/census-2020, has been suspended since',
      );
      expect((await govanchor(['agency', 'reinstate', 'av.stats'], 0)).code).to.equal(0);
      expect((await govanchor(['verify', join(census, 'README.txt')])).code).to.equal(0);
    });
  });

  describe('history', function () {
    it('lists every version with hash, kind, time, status and transaction', async function () {
      const result = await govanchor(['history', 'av.stats/budget-2024', '--json']);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.json.dataset).to.include({ key: 'av.stats/budget-2024', versionCount: 2 });
      expect(
        result.json.versions.map((v: { version: number; status: string; kind: string }) => [
          v.version,
          v.kind,
          v.status,
        ]),
      ).to.deep.equal([
        [1, 'file', 'withdrawn'],
        [2, 'file', 'valid'],
      ]);
      expect(result.json.versions[0].withdrawalReason).to.equal('wrong road totals');
      expect(result.json.versions[0].uri).to.equal('https://data.example/budget');
      expect(result.json.versions[1].transaction.hash).to.match(/^0x[0-9a-f]{64}$/);
      const human = await govanchor(['history', 'av.stats/budget-2024']);
      expect(human.stdout).to.include('v1 ');
      expect(human.stdout).to.include('withdrawn (wrong road totals)');
    });

    it('rejects an unknown dataset (exit 2)', async function () {
      const result = await govanchor(['history', 'av.stats/never']);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.equal(
        'error: unknown dataset "av.stats/never": nothing was ever anchored under this key on chain 31337\n',
      );
    });
  });
});

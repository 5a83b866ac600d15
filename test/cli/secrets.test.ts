/**
 * Secrets: no command prints or writes the private key (GOVANCHOR_PRIVATE_KEY) or the keystore password
 * (GOVANCHOR_KEYSTORE_PASSWORD), in any form, on success or failure, with or without --debug and --json; and no
 * command takes a key or password as an argument (an option such as --private-key=<key> is refused without echoing
 * the value).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { encryptKeystoreJsonSync, Wallet } from 'ethers';
import { govanchor, ROOT, runCli, sharedSuite, tempDir, type CliResult, type SharedSuite } from './helpers';

const PASSWORD = 'Pa55-w0rd of the secrets test';
const IGNITION_ID = `secrets-test-${process.pid}`;

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describe('govanchor CLI: secrets never printed or written', function () {
  this.timeout(600_000);
  let suite: SharedSuite;
  let work: string;
  // A fresh, funded agency admin (key in the environment) and operator (key in a keystore).
  const admin = Wallet.createRandom();
  const operator = Wallet.createRandom();
  const outputs: { name: string; result: CliResult }[] = [];

  /** The forms a leaked secret could take. */
  function secretForms(): string[] {
    const forms: string[] = [PASSWORD];
    for (const wallet of [admin, operator]) {
      const bare = wallet.privateKey.slice(2);
      forms.push(bare.toLowerCase(), bare.toUpperCase());
      // Split in halves too: a key wrapped over two lines, or a part of it.
      forms.push(bare.slice(0, 32).toLowerCase(), bare.slice(32).toLowerCase());
    }
    return forms;
  }

  function leaks(text: string): string[] {
    const lower = text.toLowerCase();
    return secretForms().filter((form) => lower.includes(form.toLowerCase()));
  }

  async function run(name: string, args: string[], env: Record<string, string>, expectCode?: number) {
    const result = await runCli([...args, '--debug'], {
      cwd: work,
      env: { GOVANCHOR_RPC_URL: suite.node.url, ...env },
    });
    outputs.push({ name, result });
    if (expectCode !== undefined) expect(result.code, `${name}: ${result.stderr}`).to.equal(expectCode);
    return result;
  }

  const adminKeyEnv = () => ({ GOVANCHOR_PRIVATE_KEY: admin.privateKey });
  const keystoreEnv = () => ({ GOVANCHOR_KEYSTORE_PASSWORD: PASSWORD });

  before(async function () {
    suite = await sharedSuite();
    work = tempDir('govanchor-secrets-');
    mkdirSync(join(work, 'deployments'));
    copyFileSync(suite.deploymentFile, join(work, 'deployments', '31337.json'));
    for (const wallet of [admin, operator]) {
      await suite.node.rpc('hardhat_setBalance', [wallet.address, '0x56bc75e2d63100000']);
    }
    const registered = await govanchor(
      ['agency', 'register', 'sec.stats', '--name', 'Secrets Stats', '--admin', admin.address],
      0,
    );
    expect(registered.code, registered.stderr).to.equal(0);
    writeFileSync(
      join(work, 'operator.keystore.json'),
      encryptKeystoreJsonSync({ address: operator.address, privateKey: operator.privateKey }, PASSWORD, {
        scrypt: { N: 1024 },
      }),
    );
    writeFileSync(join(work, 'data.csv'), 'a,b\n1,2\n');
    writeFileSync(join(work, 'other.csv'), 'a,b\n3,4\n');
    writeFileSync(join(work, 'fresh.csv'), 'never anchored\n');
    mkdirSync(join(work, 'tree'));
    writeFileSync(join(work, 'tree', 'x.csv'), 'x\n');
  });

  after(function () {
    rmSync(join(ROOT, 'ignition', 'deployments', IGNITION_ID), { recursive: true, force: true });
  });

  it('succeeding commands (with --debug, --json) print and write no key or password', async function () {
    const ks = ['--keystore', 'operator.keystore.json'];
    await run('add-operator (env key)', ['agency', 'add-operator', 'sec.stats', operator.address], adminKeyEnv(), 0);
    await run('anchor (keystore)', ['anchor', 'data.csv', '--dataset', 'sec.stats/data', ...ks], keystoreEnv(), 0);
    await run(
      'anchor tree --json (keystore)',
      ['anchor', 'tree', '--dataset', 'sec.stats/tree', '--json', ...ks],
      keystoreEnv(),
      0,
    );
    await run(
      'anchor --sign-only (keystore)',
      ['anchor', 'other.csv', '--dataset', 'sec.stats/other', '--sign-only', '--out', 'other.signed.json', ...ks],
      keystoreEnv(),
      0,
    );
    await run('relay (env key)', ['relay', 'other.signed.json', '--receipts', 'relayed'], adminKeyEnv(), 0);
    await run('verify', ['verify', 'data.csv', '--json'], adminKeyEnv(), 0);
    await run('keystore address', ['keystore', 'address', 'operator.keystore.json'], keystoreEnv(), 0);
    await run(
      'keystore import (env key and password)',
      ['keystore', 'import', 'imported.keystore.json'],
      { ...adminKeyEnv(), ...keystoreEnv() },
      0,
    );
    await run('keystore new', ['keystore', 'new', 'new.keystore.json'], keystoreEnv(), 0);
    await run(
      'deploy --json (env key)',
      ['deploy', '--json', '--deployment-id', IGNITION_ID, '--reset', '--deployment', 'secrets-deployment.json'],
      adminKeyEnv(),
      0,
    );
  });

  it('failing commands (with --debug: stack traces) print no key or password', async function () {
    const ks = ['--keystore', 'operator.keystore.json'];
    // A revert (the admin is no operator), with the key in the environment without 0x and in upper case.
    await run('anchor reverted (bare key)', ['anchor', 'fresh.csv', '--dataset', 'sec.stats/x'], {
      GOVANCHOR_PRIVATE_KEY: admin.privateKey.slice(2),
    });
    await run(
      'anchor reverted (upper-case key) --json',
      ['anchor', 'fresh.csv', '--dataset', 'sec.stats/x', '--json'],
      {
        GOVANCHOR_PRIVATE_KEY: '0x' + admin.privateKey.slice(2).toUpperCase(),
      },
    );
    await run('wrong keystore password', ['anchor', 'fresh.csv', '--dataset', 'sec.stats/x', ...ks], {
      GOVANCHOR_KEYSTORE_PASSWORD: PASSWORD + 'x',
    });
    await run('malformed key (one digit short)', ['anchor', 'fresh.csv', '--dataset', 'sec.stats/x'], {
      GOVANCHOR_PRIVATE_KEY: admin.privateKey.slice(0, -1),
    });
    await run('malformed key (trailing text)', ['anchor', 'fresh.csv', '--dataset', 'sec.stats/x', '--json'], {
      GOVANCHOR_PRIVATE_KEY: admin.privateKey + ' # admin',
    });
    await run('unreachable node', ['anchor', 'fresh.csv', '--dataset', 'sec.stats/x', '--rpc', 'http://127.0.0.1:9'], {
      ...adminKeyEnv(),
    });
    await run('keystore import, password too short', ['keystore', 'import', 'short.keystore.json'], {
      ...adminKeyEnv(),
      GOVANCHOR_KEYSTORE_PASSWORD: 'short',
    });
    await run('keystore address, not a keystore', ['keystore', 'address', 'data.csv'], keystoreEnv());
    await run(
      'relay with a missing deployment',
      ['relay', 'other.signed.json', '--deployment', 'nope.json'],
      adminKeyEnv(),
    );
    await run('withdraw by a non-operator', ['withdraw', 'data.csv', '--reason', 'test'], adminKeyEnv());
    for (const { name, result } of outputs.slice(-10)) expect(result.code, name).to.not.equal(0);
  });

  it('no --private-key, --key or --password option exists; the value given is never echoed', async function () {
    const key = admin.privateKey;
    const attempts = [
      ['anchor', 'data.csv', '--dataset', 'sec.stats/data', '--private-key', key],
      ['anchor', 'data.csv', '--dataset', 'sec.stats/data', `--private-key=${key}`],
      ['anchor', 'data.csv', '--dataset', 'sec.stats/data', `--key=${key.slice(2)}`, '--json'],
      [`--private-key=${key}`, 'hash', 'data.csv'],
      ['keystore', 'address', 'operator.keystore.json', `--password=${PASSWORD}`],
      ['anchor', 'data.csv', '--dataset', 'sec.stats/data', '--keystore-password', PASSWORD],
    ];
    for (const args of attempts) {
      const result = await run(`option ${args.find((a) => a.startsWith('--'))}`, args, {});
      expect(result.code, result.stderr).to.equal(2);
      expect(result.stderr).to.match(/^error: (unknown option|too many arguments)/);
    }
  });

  it('nothing printed or written anywhere holds a key or the password', function () {
    const found: string[] = [];
    for (const { name, result } of outputs) {
      for (const [stream, text] of [
        ['stdout', result.stdout],
        ['stderr', result.stderr],
      ]) {
        const leaked = leaks(text);
        if (leaked.length) found.push(`${name}: ${stream} holds ${leaked.length} secret form(s)`);
      }
    }
    const written = [...filesUnder(work), ...filesUnder(join(ROOT, 'ignition', 'deployments', IGNITION_ID))];
    expect(written.filter((f) => f.endsWith('.receipt.json')).length, 'receipts were written').to.be.at.least(3);
    expect(
      written.some((f) => f.endsWith('other.signed.json')),
      'a signed-request file was written',
    ).to.equal(true);
    for (const file of written) {
      const leaked = leaks(readFileSync(file, 'latin1'));
      if (leaked.length) found.push(`${file} holds ${leaked.length} secret form(s)`);
    }
    expect(found, found.join('\n')).to.deep.equal([]);
    expect(outputs.length).to.be.at.least(25);
  });
});

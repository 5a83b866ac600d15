import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptKeystoreJson, Wallet } from 'ethers';
import { ACCOUNTS, govanchor, runCli, sharedSuite, tempDir, type SharedSuite } from './helpers';

describe('govanchor CLI: deploy, agencies, configuration errors', function () {
  let suite: SharedSuite;
  /** cli.stats's id: other CLI test files may register agencies first on the shared chain. */
  let statsId: number;
  const [deployer, admin, operator] = [ACCOUNTS[0], ACCOUNTS[1], ACCOUNTS[2]];

  before(async function () {
    this.timeout(300_000);
    suite = await sharedSuite();
  });

  describe('--help', function () {
    it('works without any configuration and documents the exit codes and environment', async function () {
      const result = await runCli(['--help'], { cwd: tempDir() });
      expect(result.code).to.equal(0);
      expect(result.stdout).to.include('Exit codes:');
      expect(result.stdout).to.include('3  network or transaction failure');
      expect(result.stdout).to.include('GOVANCHOR_PRIVATE_KEY');
    });

    it('exits 2 on a usage error, with one line', async function () {
      const result = await runCli(['anchor', 'x.csv'], { cwd: tempDir() });
      expect(result.code).to.equal(2);
      expect(result.stderr.trim().split('\n')).to.have.length(1);
      expect(result.stderr).to.include("required option '--dataset <key>' not specified");
    });
  });

  describe('deploy', function () {
    it('deploys through Ignition, writes deployments/<chainId>.json and makes the deployer admin and registrar', async function () {
      const { deployOutput } = suite;
      expect(deployOutput.code).to.equal(0);
      expect(deployOutput.json.chainId).to.equal(31337);
      expect(deployOutput.json.deployer).to.equal(deployer.address);
      const record = JSON.parse(readFileSync(suite.deploymentFile, 'utf8'));
      expect(record.format).to.equal('govanchor-deployment/1');
      expect(record.contracts.DatasetRegistry.address).to.equal(deployOutput.json.contracts.DatasetRegistry.address);
      expect(record.contracts.DatasetRegistry.constructorArguments.slice(1)).to.deep.equal([
        deployer.address,
        deployer.address,
      ]);
    });

    it('needs a key (exit 2, nothing deployed)', async function () {
      const result = await runCli(['deploy'], { cwd: tempDir(), env: suite.env });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/^error: no deployer key: set GOVANCHOR_PRIVATE_KEY/);
    });
  });

  describe('agency', function () {
    it('registers an agency (registrar) and the admin adds an operator', async function () {
      const registered = await govanchor(
        [
          'agency',
          'register',
          'cli.stats',
          '--name',
          'CLI Statistics',
          '--admin',
          admin.address,
          '--uri',
          'https://stats.example',
          '--json',
        ],
        0,
      );
      expect(registered.code, registered.stderr).to.equal(0);
      expect(registered.json.agencyId).to.be.a('number');
      statsId = registered.json.agencyId;
      expect(registered.json.transaction.hash).to.match(/^0x[0-9a-f]{64}$/);

      const added = await govanchor(['agency', 'add-operator', 'cli.stats', operator.address, '--json'], 1);
      expect(added.code, added.stderr).to.equal(0);
      expect(added.json.operator).to.equal(operator.address);
    });

    it('shows the agency', async function () {
      const shown = await govanchor(['agency', 'show', 'cli.stats', '--json']);
      expect(shown.code).to.equal(0);
      expect(shown.json).to.include({
        code: 'cli.stats',
        name: 'CLI Statistics',
        status: 'active',
        admin: admin.address,
      });
      expect(shown.json.operators).to.deep.equal([operator.address]);
      const human = await govanchor(['agency', 'show', 'cli.stats']);
      expect(human.stdout).to.include('cli.stats — CLI Statistics');
    });

    it('suspends, reinstates and retires an agency, and the admin removes an operator', async function () {
      const registered = await govanchor(
        ['agency', 'register', 'cli.old', '--name', 'Old Office', '--admin', ACCOUNTS[3].address],
        0,
      );
      expect(registered.code, registered.stderr).to.equal(0);
      expect((await govanchor(['agency', 'add-operator', 'cli.old', ACCOUNTS[4].address], 3)).code).to.equal(0);
      const suspended = await govanchor(['agency', 'suspend', 'cli.old', '--json'], 0);
      expect(suspended.json).to.include({ previousStatus: 'active', status: 'suspended' });
      const reinstated = await govanchor(['agency', 'reinstate', 'cli.old', '--json'], 0);
      expect(reinstated.json).to.include({ previousStatus: 'suspended', status: 'active' });
      const removed = await govanchor(['agency', 'remove-operator', 'cli.old', ACCOUNTS[4].address, '--json'], 3);
      expect(removed.code, removed.stderr).to.equal(0);
      const retired = await govanchor(['agency', 'retire', 'cli.old', '--json'], 0);
      expect(retired.json).to.include({ previousStatus: 'active', status: 'retired' });
      const shown = await govanchor(['agency', 'show', 'cli.old', '--json']);
      expect(shown.json).to.include({ status: 'retired' });
      expect(shown.json.operators).to.deep.equal([]);
    });

    it('decodes a revert to its custom error name and arguments (exit 3, one line)', async function () {
      const result = await govanchor(['agency', 'add-operator', 'cli.stats', ACCOUNTS[5].address], 2);
      expect(result.code).to.equal(3);
      expect(
        result.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('error:')),
      ).to.have.length(1);
      expect(result.stderr).to.include(`NotAgencyAdmin(agencyId=`);
      expect(result.stderr).to.include(`account=${operator.address}`);
      expect(result.stderr).not.to.match(/\n\s+at /); // no stack trace
    });

    it('reports the revert in the JSON error document with --json', async function () {
      const result = await govanchor(
        ['agency', 'register', 'cli.stats', '--name', 'Again', '--admin', admin.address, '--json'],
        0,
      );
      expect(result.code).to.equal(3);
      expect(result.json.error.revert).to.deep.include({ name: 'AgencyCodeTaken' });
      expect(result.json.error.revert.args).to.deep.equal({ code: 'cli.stats', agencyId: String(statsId) });
    });

    it('refuses an agency status change that is not allowed (InvalidAgencyStatusTransition)', async function () {
      const result = await govanchor(['agency', 'reinstate', 'cli.stats'], 0);
      expect(result.code).to.equal(3);
      expect(result.stderr).to.include('InvalidAgencyStatusTransition(');
      expect(result.stderr).to.include('from=Active');
    });

    it('rejects an unknown agency (exit 2)', async function () {
      const result = await govanchor(['agency', 'show', 'no.such.agency']);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.equal(
        'error: unknown agency "no.such.agency": no agency has this code on chain 31337 (check the spelling)\n',
      );
    });

    it('rejects a malformed address or agency code before anything is sent (exit 2)', async function () {
      const badAddress = await govanchor(['agency', 'register', 'cli.x', '--name', 'X', '--admin', '0x1234'], 0);
      expect(badAddress.code).to.equal(2);
      expect(badAddress.stderr).to.include('"0x1234" is not a valid admin address');
      const badCode = await govanchor(['agency', 'show', 'Bad Code']);
      expect(badCode.code).to.equal(2);
      expect(badCode.stderr).to.include('"Bad Code" is not an agency code');
    });
  });

  describe('configuration and network errors', function () {
    it('has no deployment for the chain (exit 2)', async function () {
      const result = await runCli(['agency', 'show', 'cli.stats'], { cwd: tempDir(), env: suite.env });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('error: no deployment for chain 31337: deployments/31337.json not found');
    });

    it('refuses a deployment file for another chain before any transaction (exit 2)', async function () {
      const record = JSON.parse(readFileSync(suite.deploymentFile, 'utf8'));
      const file = join(tempDir(), 'sepolia.json');
      writeFileSync(file, JSON.stringify({ ...record, chainId: 11155111 }));
      const before = await suite.node.rpc<string>('eth_blockNumber');
      const result = await govanchor(
        ['agency', 'register', 'cli.y', '--name', 'Y', '--admin', admin.address, '--deployment', file],
        0,
      );
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('chain id mismatch');
      expect(result.stderr).to.include('is for chain 11155111, but the node at');
      expect(await suite.node.rpc<string>('eth_blockNumber')).to.equal(before);
    });

    it('needs a key for transactions (exit 2), but not for reads', async function () {
      const write = await govanchor(['agency', 'suspend', 'cli.stats']);
      expect(write.code).to.equal(2);
      expect(write.stderr).to.equal(
        'error: no signing key: set GOVANCHOR_PRIVATE_KEY (environment or .env) or pass --keystore <file>\n',
      );
      expect((await govanchor(['agency', 'show', 'cli.stats'])).code).to.equal(0);
    });

    it('reads the key from .env in the working directory', async function () {
      const cwd = tempDir();
      writeFileSync(
        join(cwd, '.env'),
        `GOVANCHOR_PRIVATE_KEY=${ACCOUNTS[0].key}\nGOVANCHOR_RPC_URL=${suite.node.url}\n`,
      );
      writeFileSync(join(cwd, 'd.json'), readFileSync(suite.deploymentFile));
      const result = await runCli(
        ['agency', 'register', 'cli.dotenv', '--name', 'Dotenv', '--admin', admin.address, '--deployment', 'd.json'],
        {
          cwd,
        },
      );
      expect(result.code, result.stderr).to.equal(0);
    });

    it('rejects a malformed key without printing it, also with --debug', async function () {
      const badKey = 'not-a-key-0123456789';
      const result = await govanchor(['agency', 'suspend', 'cli.stats', '--debug'], undefined, {
        GOVANCHOR_PRIVATE_KEY: badKey,
      });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('GOVANCHOR_PRIVATE_KEY is not a private key');
      expect(result.stderr).not.to.include(badKey);
    });

    it('never prints the key, even with --debug on a failing transaction', async function () {
      const result = await govanchor(['agency', 'add-operator', 'cli.stats', ACCOUNTS[5].address, '--debug'], 2);
      expect(result.code).to.equal(3);
      expect(result.stderr).to.include('NotAgencyAdmin');
      expect(result.stderr).to.match(/\n\s+at /); // --debug prints the stack trace
      expect(result.stdout + result.stderr).not.to.include(ACCOUNTS[2].key.slice(2));
    });

    it('signs with an encrypted keystore, and rejects a wrong password (exit 2)', async function () {
      const dir = tempDir();
      const keystore = join(dir, 'registrar.json');
      writeFileSync(
        keystore,
        await encryptKeystoreJson({ address: deployer.address, privateKey: deployer.key }, 'correct horse', {
          scrypt: { N: 1024 },
        }),
      );
      const wrong = await govanchor(
        ['agency', 'register', 'cli.ks', '--name', 'KS', '--admin', admin.address, '--keystore', keystore],
        undefined,
        {
          GOVANCHOR_KEYSTORE_PASSWORD: 'battery staple',
        },
      );
      expect(wrong.code).to.equal(2);
      expect(wrong.stderr).to.equal(
        `error: wrong password for keystore ${keystore}: check GOVANCHOR_KEYSTORE_PASSWORD\n`,
      );
      const noPassword = await govanchor(['agency', 'suspend', 'cli.stats', '--keystore', keystore]);
      expect(noPassword.code).to.equal(2);
      expect(noPassword.stderr).to.include('needs a password: set GOVANCHOR_KEYSTORE_PASSWORD');
      const right = await govanchor(
        [
          'agency',
          'register',
          'cli.ks',
          '--name',
          'KS',
          '--admin',
          new Wallet(ACCOUNTS[9].key).address,
          '--keystore',
          keystore,
          '--json',
        ],
        undefined,
        { GOVANCHOR_KEYSTORE_PASSWORD: 'correct horse' },
      );
      expect(right.code, right.stderr).to.equal(0);
      expect(right.json.code).to.equal('cli.ks');
    });

    it('creates keystores: `keystore import` encrypts GOVANCHOR_PRIVATE_KEY, `keystore new` makes a new account', async function () {
      const dir = tempDir();
      const imported = await runCli(['keystore', 'import', join(dir, 'imported.json'), '--json'], {
        cwd: dir,
        env: { GOVANCHOR_PRIVATE_KEY: ACCOUNTS[9].key, GOVANCHOR_KEYSTORE_PASSWORD: 'long enough' },
      });
      expect(imported.code, imported.stderr).to.equal(0);
      expect(imported.json.address).to.equal(ACCOUNTS[9].address);
      expect(imported.stdout).not.to.include(ACCOUNTS[9].key.slice(2));
      const shown = await runCli(['keystore', 'address', join(dir, 'imported.json')], { cwd: dir });
      expect(shown.stdout).to.equal(`${ACCOUNTS[9].address}\n`);
      const created = await runCli(['keystore', 'new', join(dir, 'imported.json')], {
        cwd: dir,
        env: { GOVANCHOR_KEYSTORE_PASSWORD: 'long enough' },
      });
      expect(created.code).to.equal(2);
      expect(created.stderr).to.include('exists already');
    });

    it('reports an unreachable node (exit 3)', async function () {
      const result = await govanchor(['agency', 'show', 'cli.stats', '--rpc', 'http://127.0.0.1:9']);
      expect(result.code).to.equal(3);
      expect(result.stderr).to.match(
        /^error: cannot reach the node at http:\/\/127\.0\.0\.1:9 .*check --rpc or GOVANCHOR_RPC_URL\n$/,
      );
    });

    it('needs an RPC URL (exit 2)', async function () {
      const result = await runCli(['agency', 'show', 'cli.stats'], { cwd: suite.cwd });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('no RPC endpoint: pass --rpc <url> or set GOVANCHOR_RPC_URL');
    });

    it('reports insufficient funds (exit 3)', async function () {
      const broke = ACCOUNTS[8];
      expect(
        (await govanchor(['agency', 'register', 'cli.broke', '--name', 'Broke', '--admin', broke.address], 0)).code,
      ).to.equal(0);
      await suite.node.rpc('hardhat_setBalance', [broke.address, '0x0']);
      const result = await govanchor(['agency', 'add-operator', 'cli.broke', broke.address], 8);
      expect(result.code).to.equal(3);
      expect(result.stderr).to.include('insufficient funds for gas');
    });
  });
});

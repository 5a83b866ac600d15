import { expect } from 'chai';
import { Wallet } from 'ethers';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNTS, govanchor, runCli, sharedSuite, tempDir, type SharedSuite } from './helpers';

const ADMIN = 18;
const RELAYER = 19;
/** Nothing listens here: a command that tried to use the network would fail. */
const NO_NODE = 'http://127.0.0.1:9';

/** Writes files (relative path → content) under `dir`. */
function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

describe('govanchor CLI: signed (gasless) submission with --sign-only and relay', function () {
  let suite: SharedSuite;
  let work: string;
  /** Fresh operators: never funded. */
  const statsOperator = Wallet.createRandom();
  const healthOperator = Wallet.createRandom();
  const leavingOperator = Wallet.createRandom();
  const relayer = ACCOUNTS[RELAYER];
  const census = () => join(work, 'census-2020');
  const FILES = {
    'README.txt': 'Census 2020, signed offline\n',
    'tables/population.csv': 'county,population\nchangsha,10047914\n',
    'tables/households.csv': 'county,households\nchangsha,3703000\n',
  };

  /** Runs the CLI in the work directory with the shared deployment. */
  function cli(args: string[], key: string | undefined, rpc: string = suite.node.url) {
    return runCli([...args, '--deployment', suite.deploymentFile], {
      cwd: work,
      env: { GOVANCHOR_RPC_URL: rpc, GOVANCHOR_PRIVATE_KEY: key },
    });
  }
  const relay = (files: string[], ...extra: string[]) => cli(['relay', ...files, '--json', ...extra], relayer.key);
  const balance = async (address: string) =>
    BigInt(await suite.node.rpc<string>('eth_getBalance', [address, 'latest']));
  const blockNumber = () => suite.node.rpc<string>('eth_blockNumber');

  before(async function () {
    this.timeout(300_000);
    suite = await sharedSuite();
    work = tempDir();
    writeTree(census(), FILES);
    const admin = ACCOUNTS[ADMIN].address;
    const setup = [
      await govanchor(['agency', 'register', 'sr.stats', '--name', 'SR Statistics', '--admin', admin], 0),
      await govanchor(['agency', 'register', 'sr.health', '--name', 'SR Health', '--admin', admin], 0),
      await govanchor(['agency', 'add-operator', 'sr.stats', statsOperator.address], ADMIN),
      await govanchor(['agency', 'add-operator', 'sr.stats', leavingOperator.address], ADMIN),
      await govanchor(['agency', 'add-operator', 'sr.health', healthOperator.address], ADMIN),
    ];
    for (const step of setup) expect(step.code, step.stderr).to.equal(0);
    for (const operator of [statsOperator, healthOperator, leavingOperator]) {
      expect(await balance(operator.address)).to.equal(0n);
    }
  });

  it('an operator with no funds signs a directory anchor offline (no node at all)', async function () {
    const before = await blockNumber();
    const result = await cli(
      [
        'anchor',
        census(),
        '--dataset',
        'sr.stats/census-2020',
        '--uri',
        'https://data.example/census-2020',
        '--sign-only',
        '--out',
        join(work, 'census-2020.signed.json'),
        '--chain-id',
        '31337',
        '--deadline',
        '30d',
        '--json',
      ],
      statsOperator.privateKey,
      NO_NODE,
    );
    expect(result.code, result.stderr).to.equal(0);
    expect(result.json).to.include({ signOnly: true, action: 'Anchor', chainId: 31337, signer: statsOperator.address });
    expect(result.json.args).to.include({ datasetKey: 'sr.stats/census-2020', kind: 2, fileCount: 3 });
    expect(await blockNumber()).to.equal(before);

    const file = JSON.parse(readFileSync(join(work, 'census-2020.signed.json'), 'utf8'));
    expect(file.format).to.equal('govanchor-signed/1');
    expect(file.requests).to.have.length(1);
    expect(file.requests[0].contract).to.equal(suite.deployOutput.json.contracts.DatasetRegistry.address);
    expect(file.requests[0].content.name).to.equal('census-2020');
    expect(file.requests[0].content.files.map((f: { path: string }) => f.path)).to.deep.equal([
      'README.txt',
      'tables/households.csv',
      'tables/population.csv',
    ]);

    const again = await cli(
      ['anchor', census(), '--dataset', 'sr.stats/census-2020', '--sign-only', '--out', 'census-2020.signed.json'],
      statsOperator.privateKey,
      NO_NODE,
    );
    expect(again.code).to.equal(2);
    expect(again.stderr).to.match(/^error: --out census-2020\.signed\.json exists already/);
  });

  it('a relayer submits it and pays; receipts are written next to the signed file', async function () {
    const relayerBefore = await balance(relayer.address);
    const result = await relay([join(work, 'census-2020.signed.json')]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.json).to.include({ total: 1, relayed: 1, alreadyRelayed: 0, rejected: 0, relayer: relayer.address });
    const [item] = result.json.items;
    expect(item).to.include({ status: 'relayed', action: 'Anchor', signer: statsOperator.address });
    expect(item.result).to.include({ datasetKey: 'sr.stats/census-2020', version: 1, created: true, kind: 'tree' });
    expect(item.receipts).to.deep.equal([{ location: join(work, 'census-2020.receipts'), written: 3, kept: 0 }]);
    expect(result.json.transactions).to.have.length(1);
    expect(result.json.transactions[0].method).to.equal('anchorBySig');
    expect(await balance(statsOperator.address)).to.equal(0n);
    expect((await balance(relayer.address)) < relayerBefore).to.equal(true);
  });

  it("a reviewer's verify shows the agency and the operator who signed, for every file", async function () {
    for (const path of Object.keys(FILES)) {
      const result = await cli(['verify', join(census(), path), '--json'], undefined);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.json).to.include({ verified: true, operator: statsOperator.address });
      expect(result.json.agency).to.deep.equal({ code: 'sr.stats', name: 'SR Statistics', status: 'active' });
      expect(result.json.dataset).to.include({ key: 'sr.stats/census-2020', version: 1 });
      expect(result.json.transaction.from).to.equal(relayer.address);
    }
    const human = await cli(['verify', join(census(), 'tables', 'population.csv')], undefined);
    expect(human.code).to.equal(0);
    expect(human.stdout).to.include('agency      sr.stats — SR Statistics (active)');
    expect(human.stdout).to.include(
      `operator    ${statsOperator.address} (signed; transaction sent by ${relayer.address})`,
    );
    const tree = await cli(['verify', census(), '--json'], undefined);
    expect(tree.code).to.equal(0);
    expect(tree.json.operator).to.equal(statsOperator.address);
  });

  it('a replayed relay is reported as already relayed, and nothing is sent', async function () {
    const before = await blockNumber();
    const result = await relay([join(work, 'census-2020.signed.json')]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.json).to.include({ relayed: 0, alreadyRelayed: 1, rejected: 0 });
    expect(result.json.items[0].status).to.equal('already-relayed');
    expect(result.json.items[0].receipts).to.deep.equal([
      { location: join(work, 'census-2020.receipts'), written: 0, kept: 3 },
    ]);
    expect(result.json.transactions).to.deep.equal([]);
    expect(await blockNumber()).to.equal(before);
    const human = await cli(['relay', join(work, 'census-2020.signed.json')], relayer.key);
    expect(human.code).to.equal(0);
    expect(human.stdout).to.match(/already-relayed .*census-2020\.signed\.json/);
    expect(human.stdout).to.include('nonce already used: relayed before; nothing sent');
  });

  it('a signature relayed after its deadline is rejected with its reason (exit 1)', async function () {
    writeFileSync(join(work, 'late.csv'), 'late\n');
    const signed = await cli(
      ['anchor', 'late.csv', '--dataset', 'sr.stats/late', '--sign-only', '--out', 'late.signed.json'].concat([
        '--deadline',
        '1m',
      ]),
      statsOperator.privateKey,
    );
    expect(signed.code, signed.stderr).to.equal(0);
    await suite.node.rpc('evm_increaseTime', [120]);
    await suite.node.rpc('evm_mine', []);
    const result = await relay([join(work, 'late.signed.json')]);
    expect(result.code, result.stderr).to.equal(1);
    expect(result.json).to.include({ relayed: 0, rejected: 1 });
    expect(result.json.items[0].status).to.equal('rejected');
    expect(result.json.items[0].error.name).to.equal('SignatureExpired');
    const { deadline, currentTime } = result.json.items[0].error.args;
    expect(Number(deadline)).to.be.lessThan(Number(currentTime));
    expect(existsSync(join(work, 'late.csv.receipt.json'))).to.equal(false);
    const human = await cli(['relay', join(work, 'late.signed.json')], relayer.key);
    expect(human.code).to.equal(1);
    expect(human.stdout).to.match(/rejected +.*late\.signed\.json/);
    expect(human.stdout).to.match(/SignatureExpired\(deadline=\d+, currentTime=\d+\)/);
  });

  it("a removed operator's signature is rejected; the other requests of the batch still go through", async function () {
    writeFileSync(join(work, 'leaving.csv'), 'signed before removal\n');
    writeFileSync(join(work, 'staying.csv'), 'signed by a current operator\n');
    const signedLeaving = await cli(
      ['anchor', 'leaving.csv', '--dataset', 'sr.stats/leaving', '--sign-only', '--out', 'leaving.signed.json'],
      leavingOperator.privateKey,
    );
    expect(signedLeaving.code, signedLeaving.stderr).to.equal(0);
    const signedStaying = await cli(
      ['anchor', 'staying.csv', '--dataset', 'sr.stats/staying', '--sign-only', '--out', 'staying.signed.json'],
      statsOperator.privateKey,
    );
    expect(signedStaying.code, signedStaying.stderr).to.equal(0);
    const removed = await govanchor(['agency', 'remove-operator', 'sr.stats', leavingOperator.address], ADMIN);
    expect(removed.code, removed.stderr).to.equal(0);

    const result = await relay([join(work, 'leaving.signed.json'), join(work, 'staying.signed.json')]);
    expect(result.code, result.stderr).to.equal(1);
    expect(result.json).to.include({ total: 2, relayed: 1, rejected: 1 });
    const [leaving, staying] = result.json.items;
    expect(leaving).to.include({ status: 'rejected', signer: leavingOperator.address });
    expect(leaving.error.name).to.equal('NotAnOperator');
    expect(leaving.transaction).to.equal(undefined); // simulated first: the relayer paid nothing for it
    expect(staying).to.include({ status: 'relayed' });
    expect(staying.receipts).to.deep.equal([{ location: join(work, 'staying.csv.receipt.json'), written: 1, kept: 0 }]);
    const verified = await cli(['verify', join(work, 'staying.csv'), '--json'], undefined);
    expect(verified.code).to.equal(0);
    expect(verified.json.operator).to.equal(statsOperator.address);
  });

  it('a grant signed offline is relayed; a revocation and an access request too, in one relayBatch', async function () {
    const shown = await govanchor(['agency', 'show', 'sr.health', '--json']);
    const granteeId = String(shown.json.id);
    const grant = await cli(
      ['grant', 'sr.stats/census-2020', 'sr.health', '--purpose', 'hospital planning', '--expires', '2y'].concat([
        '--sign-only',
        '--out',
        'grant.signed.json',
        '--chain-id',
        '31337',
        '--grantee-id',
        granteeId,
        '--deadline',
        '30d',
        '--json',
      ]),
      statsOperator.privateKey,
      NO_NODE,
    );
    expect(grant.code, grant.stderr).to.equal(0);
    expect(grant.json).to.include({
      action: 'GrantAccess',
      contract: suite.deployOutput.json.contracts.AccessGrants.address,
    });
    const offlineWithoutId = await cli(
      ['grant', 'sr.stats/census-2020', 'sr.health', '--purpose', 'x', '--expires', '2y', '--sign-only'].concat([
        '--out',
        'grant2.signed.json',
        '--chain-id',
        '31337',
      ]),
      statsOperator.privateKey,
      NO_NODE,
    );
    expect(offlineWithoutId.code).to.equal(2);
    expect(offlineWithoutId.stderr).to.include('pass --grantee-id <id>');

    const granted = await relay([join(work, 'grant.signed.json')]);
    expect(granted.code, granted.stderr).to.equal(0);
    const grantId = granted.json.items[0].result.grantId;
    expect(granted.json.items[0].result).to.include({ granteeAgencyId: Number(granteeId) });
    expect(grantId).to.match(/^\d+$/);
    const access = await govanchor(['access', 'sr.stats/census-2020', 'sr.health', '--json']);
    expect(access.code, access.stdout).to.equal(0);

    // The owner revokes, and the health agency asks again: both AccessGrants actions, so one relayBatch.
    const revoke = await cli(
      ['revoke', grantId, '--reason', 'agreement ended', '--sign-only', '--out', 'revoke.signed.json'],
      statsOperator.privateKey,
    );
    expect(revoke.code, revoke.stderr).to.equal(0);
    const request = await cli(
      ['request', 'sr.stats/census-2020', '--purpose', 'renewal', '--sign-only', '--out', 'request.signed.json'],
      healthOperator.privateKey,
    );
    expect(request.code, request.stderr).to.equal(0);
    const both = await relay([join(work, 'revoke.signed.json'), join(work, 'request.signed.json')]);
    expect(both.code, both.stderr).to.equal(0);
    expect(both.json.transactions).to.have.length(1);
    expect(both.json.transactions[0].method).to.equal('relayBatch');
    expect(both.json.items.map((i: { status: string }) => i.status)).to.deep.equal(['relayed', 'relayed']);
    const requestId = both.json.items[1].result.requestId;
    expect(requestId).to.match(/^\d+$/);
    const revoked = await govanchor(['access', 'sr.stats/census-2020', 'sr.health', '--json']);
    expect(revoked.code).to.equal(1);

    const approve = await cli(
      ['approve', requestId, '--expires', '90d', '--sign-only', '--out', 'approve.signed.json'],
      statsOperator.privateKey,
    );
    expect(approve.code, approve.stderr).to.equal(0);
    const approved = await relay([join(work, 'approve.signed.json')]);
    expect(approved.code, approved.stderr).to.equal(0);
    expect(approved.json.items[0].result.grantId).to.match(/^\d+$/);
    expect((await govanchor(['access', 'sr.stats/census-2020', 'sr.health'])).code).to.equal(0);
    for (const operator of [statsOperator, healthOperator]) expect(await balance(operator.address)).to.equal(0n);
  });

  it('withdraws and denials are signed and relayed too', async function () {
    const withdraw = await cli(
      ['withdraw', 'staying.csv', '--reason', 'superseded', '--sign-only', '--out', 'withdraw.signed.json'],
      statsOperator.privateKey,
    );
    expect(withdraw.code, withdraw.stderr).to.equal(0);
    const request = await cli(
      ['request', 'sr.stats/staying', '--purpose', 'curiosity', '--sign-only', '--out', 'request2.signed.json'],
      healthOperator.privateKey,
    );
    expect(request.code, request.stderr).to.equal(0);
    const relayed = await relay([join(work, 'withdraw.signed.json'), join(work, 'request2.signed.json')]);
    expect(relayed.code, relayed.stderr).to.equal(0);
    expect(relayed.json.items[0].result).to.include({ version: 1 });
    const verified = await cli(['verify', join(work, 'staying.csv'), '--json'], undefined);
    expect(verified.code).to.equal(1);
    expect(verified.json.reason).to.equal('withdrawn');

    const requestId = relayed.json.items[1].result.requestId;
    const deny = await cli(
      ['deny', requestId, '--reason', 'not covered', '--sign-only', '--out', 'deny.signed.json'],
      statsOperator.privateKey,
    );
    expect(deny.code, deny.stderr).to.equal(0);
    const denied = await relay([join(work, 'deny.signed.json')]);
    expect(denied.code, denied.stderr).to.equal(0);
    expect(denied.json.items[0]).to.include({ status: 'relayed', action: 'DenyRequest' });
  });

  it('a malformed signed file is refused with one line (exit 2), and nothing is sent', async function () {
    const good = JSON.parse(readFileSync(join(work, 'census-2020.signed.json'), 'utf8'));
    const cases: [string, string, RegExp][] = [
      [
        'not-json.signed.json',
        '{"format": "govanchor-signed/1", ',
        /not a govanchor signed-request file: not valid JSON/,
      ],
      [
        'bad-hash.signed.json',
        JSON.stringify({
          ...good,
          requests: [{ ...good.requests[0], args: { ...good.requests[0].args, contentHash: '0x1234' } }],
        }),
        /is not a valid govanchor signed-request file: requests\[0\]\.args\.contentHash must be 0x followed by 64 hex digits/,
      ],
      [
        'edited-list.signed.json',
        JSON.stringify({
          ...good,
          requests: [
            {
              ...good.requests[0],
              content: { name: 'census-2020', files: good.requests[0].content.files.slice(1) },
            },
          ],
        }),
        /requests\[0\]\.content\.files lists 2 files, but the signed anchor says 3/,
      ],
      [
        'escaping-name.signed.json',
        JSON.stringify({
          ...good,
          requests: [{ ...good.requests[0], content: { ...good.requests[0].content, name: '../x' } }],
        }),
        /requests\[0\]\.content\.name must be a file or directory name without directories/,
      ],
      [
        'other-format.signed.json',
        JSON.stringify({ format: 'govanchor-signed/9', requests: [] }),
        /format "govanchor-signed\/9" is not supported/,
      ],
    ];
    const before = await blockNumber();
    for (const [name, text, message] of cases) {
      writeFileSync(join(work, name), text);
      // A good file first: nothing of it is sent either.
      const result = await cli(['relay', join(work, 'staying.signed.json'), join(work, name)], relayer.key);
      expect(result.code, `${name}: ${result.stderr}`).to.equal(2);
      expect(result.stderr.split('\n').filter(Boolean), name).to.have.length(1);
      expect(result.stderr, name).to.match(/^error: /);
      expect(result.stderr, name).to.match(message);
    }
    const missing = await relay([join(work, 'nope.signed.json')]);
    expect(missing.code).to.equal(2);
    expect(missing.json.error.message).to.include('no such file or directory');
    expect(await blockNumber()).to.equal(before);
  });

  it('exit 3 when the node cannot be reached; usage errors for --sign-only without --out', async function () {
    const unreachable = await cli(['relay', join(work, 'census-2020.signed.json')], relayer.key, NO_NODE);
    expect(unreachable.code).to.equal(3);
    expect(unreachable.stderr).to.match(/^error: cannot reach the node/);
    const noOut = await cli(
      ['anchor', 'late.csv', '--dataset', 'sr.stats/late', '--sign-only'],
      statsOperator.privateKey,
    );
    expect(noOut.code).to.equal(2);
    expect(noOut.stderr).to.equal('error: --sign-only needs --out <file>: where to write it\n');
  });
});

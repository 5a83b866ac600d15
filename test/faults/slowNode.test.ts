/**
 * Fault injection between the CLI and a real node (the shared `hardhat node` of the CLI tests), through a loopback TCP
 * proxy: a node that answers slowly, one that never answers, and connections closed mid-request, before and after a
 * transaction is sent. Each run either completes correctly or fails with exit 3 and one `error:` line, no stack, and
 * never reports success for something not on chain.
 */
import { expect } from 'chai';
import { Wallet } from 'ethers';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, sharedSuite, govanchor, tempDir, type CliResult, type SharedSuite } from '../cli/helpers';
import { expectOneLineError, startProxy, type Proxy, type ProxyMode } from './helpers';

describe('fault injection: slow, silent and dropping node connections', function () {
  this.timeout(300_000);
  let suite: SharedSuite;
  let work: string;
  const proxies: Proxy[] = [];
  // Fresh accounts (an account acts for at most one agency: no clash with the CLI test files on the shared node).
  const admin = Wallet.createRandom();
  const operator = Wallet.createRandom();
  let silentRun: Promise<CliResult>;
  let silentSeconds = 0;

  async function through(mode: ProxyMode): Promise<Proxy> {
    const proxy = await startProxy(Number(new URL(suite.node.url).port), mode);
    proxies.push(proxy);
    return proxy;
  }

  function cli(proxy: Proxy, args: string[], key?: string, onStderr?: (chunk: string) => void): Promise<CliResult> {
    return runCli(args, {
      cwd: suite.cwd,
      env: { GOVANCHOR_RPC_URL: proxy.url, ...(key ? { GOVANCHOR_PRIVATE_KEY: key } : {}) },
      onStderr,
    });
  }

  before(async function () {
    suite = await sharedSuite();
    work = tempDir();
    for (const wallet of [admin, operator]) {
      await suite.node.rpc('hardhat_setBalance', [wallet.address, '0x56bc75e2d63100000']);
    }
    const setup = [
      await govanchor(['agency', 'register', 'slow.stats', '--name', 'Slow Stats', '--admin', admin.address], 0),
      await govanchor(['agency', 'add-operator', 'slow.stats', operator.address], undefined, {
        GOVANCHOR_PRIVATE_KEY: admin.privateKey,
      }),
    ];
    for (const step of setup) expect(step.code, step.stderr).to.equal(0);
    // Started now, checked last: the other cases run while this one waits out the request timeout.
    const silent = await through({ kind: 'hang' });
    const started = Date.now();
    silentRun = cli(silent, ['lookup', '0x' + 'ab'.repeat(32)]).then((result) => {
      silentSeconds = (Date.now() - started) / 1000;
      return result;
    });
  });

  after(async function () {
    for (const proxy of proxies) await proxy.close();
  });

  it('a node that answers slowly (every answer held back 250 ms): anchor completes and verifies', async function () {
    const slow = await through({ kind: 'delay', ms: 250 });
    const file = join(work, 'slow.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    const anchored = await cli(slow, ['anchor', file, '--dataset', 'slow.stats/slow', '--json'], operator.privateKey);
    expect(anchored.code, anchored.stderr).to.equal(0);
    expect(existsSync(`${file}.receipt.json`)).to.equal(true);
    const verified = await cli(slow, ['verify', file, '--json']);
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.json.verified).to.equal(true);
  });

  it('connections closed on every request: exit 3, one line, no stack (read and send)', async function () {
    const dropping = await through({ kind: 'drop' });
    const file = join(work, 'dropped.csv');
    writeFileSync(file, 'a,b\n3,4\n');
    const results = await Promise.all([
      cli(dropping, ['lookup', '0x' + 'cd'.repeat(32)]),
      cli(dropping, ['anchor', file, '--dataset', 'slow.stats/dropped'], operator.privateKey),
      cli(dropping, ['history', 'slow.stats/slow', '--json']),
    ]);
    for (const result of results) expectOneLineError(result, 3);
    expect(results[2].json.error.exitCode).to.equal(3);
    expect(existsSync(`${file}.receipt.json`)).to.equal(false);
  });

  it('connection cut right after a transaction is sent: exit 3, no receipt; a re-run finds it anchored', async function () {
    const proxy = await through({ kind: 'pass' });
    const file = join(work, 'cut.csv');
    writeFileSync(file, 'a,b\n5,6\n');
    const result = await cli(
      proxy,
      ['anchor', file, '--dataset', 'slow.stats/cut', '--timeout', '5'],
      operator.privateKey,
      (chunk) => {
        if (chunk.includes('sent: ')) {
          proxy.mode = { kind: 'drop' };
          proxy.cutAll();
        }
      },
    );
    expectOneLineError(result, 3);
    expect(result.stdout).to.not.match(/anchored/);
    expect(existsSync(`${file}.receipt.json`)).to.equal(false);
    proxy.mode = { kind: 'pass' };
    const again = await cli(proxy, ['anchor', file, '--dataset', 'slow.stats/cut', '--json'], operator.privateKey);
    expect(again.code, again.stderr).to.equal(0);
    expect(existsSync(`${file}.receipt.json`)).to.equal(true);
    const history = await cli(proxy, ['history', 'slow.stats/cut', '--json']);
    expect(history.json.versions, 'anchored once').to.have.length(1);
    const verified = await cli(proxy, ['verify', file, '--json']);
    expect(verified.json.verified).to.equal(true);
  });
  it('a node that never answers: exit 3 with one line within the 30 s request timeout', async function () {
    const result = await silentRun;
    expectOneLineError(result, 3);
    expect(result.stderr).to.match(/^error: cannot reach the node at http:\/\/127\.0\.0\.1:\d+ \(.*\)/);
    expect(silentSeconds).to.be.below(60);
  });
});

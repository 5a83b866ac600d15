import { expect } from 'chai';
import { ACCOUNTS, govanchor, sharedSuite, type SharedSuite } from './helpers';

/** Transactions that never make it: dropped from the mempool, or replaced by another with the same nonce. */
describe('govanchor CLI: dropped and replaced transactions', function () {
  let suite: SharedSuite;
  const registrar = ACCOUNTS[0];

  before(async function () {
    this.timeout(300_000);
    suite = await sharedSuite();
    await suite.node.rpc('evm_setAutomine', [false]);
  });

  after(async function () {
    await suite.node.rpc('evm_setAutomine', [true]);
    await suite.node.rpc('evm_mine', []);
  });

  /** Runs a registration and calls `whenSent` with the transaction hash once the CLI reports it sent. */
  function registerWhile(code: string, whenSent: (hash: string) => Promise<void>, extra: string[] = []) {
    let acted: Promise<void> | undefined;
    const run = govanchor(
      ['agency', 'register', code, '--name', 'Pending', '--admin', ACCOUNTS[1].address, ...extra],
      0,
      {},
      (chunk) => {
        const hash = /transaction (0x[0-9a-f]{64})/.exec(chunk)?.[1];
        if (hash && !acted) acted = whenSent(hash);
      },
    );
    return run.then(async (result) => {
      await acted;
      return result;
    });
  }

  it('reports a transaction dropped from the mempool (exit 3)', async function () {
    const result = await registerWhile(
      'tx.dropped',
      async (hash) => {
        await suite.node.rpc('hardhat_dropTransaction', [hash]);
      },
      ['--timeout', '3'],
    );
    expect(result.code).to.equal(3);
    expect(result.stderr).to.match(
      /error: register agency tx\.dropped: transaction 0x[0-9a-f]{64} was dropped by the node/,
    );
  });

  it('reports a transaction replaced by another with the same nonce (exit 3)', async function () {
    // ethers notices a replacement when it sees a new block; with automine off, keep blocks coming as a live chain
    // would, or a CLI that starts waiting after the replacement's block was mined waits for its timeout.
    let ticker: NodeJS.Timeout | undefined;
    const result = await registerWhile('tx.replaced', async (hash) => {
      const pending = await suite.node.rpc<{ nonce: string; maxFeePerGas: string; maxPriorityFeePerGas: string }>(
        'eth_getTransactionByHash',
        [hash],
      );
      await suite.node.rpc('eth_sendTransaction', [
        {
          from: registrar.address,
          to: registrar.address,
          value: '0x0',
          nonce: pending.nonce,
          maxFeePerGas: '0x' + (BigInt(pending.maxFeePerGas) * 2n).toString(16),
          maxPriorityFeePerGas: '0x' + (BigInt(pending.maxPriorityFeePerGas) * 2n).toString(16),
        },
      ]);
      await suite.node.rpc('evm_mine', []);
      ticker = setInterval(() => void suite.node.rpc('evm_mine', []).catch(() => undefined), 1000);
    }).finally(() => clearInterval(ticker));
    expect(result.code).to.equal(3);
    expect(result.stderr).to.match(
      /error: register agency tx\.replaced: transaction 0x[0-9a-f]{64} was cancelled by 0x[0-9a-f]{64}/,
    );
  });
});

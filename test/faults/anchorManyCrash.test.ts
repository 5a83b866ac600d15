/**
 * Fault injection against a real `hardhat node`: `govanchor anchor-many` over 1,000 datasets is interrupted twice,
 * once by killing the node (SIGKILL, by pid) and once by cutting every connection mid-request, and then re-run until
 * done. Hardhat 2 cannot save and restore a node's state, so the node comes back as a fresh chain with the same
 * deployment (same deployer and nonces, hence the same addresses) and the agency registered again; what was anchored
 * on the lost chain must be anchored again, and receipts of the lost chain must not survive as if they were valid.
 *
 * Checked: every dataset ends anchored exactly once (version 1, one version) on the final chain; every receipt file
 * parses and matches the final chain (content, version, block time, a transaction of the final chain); 20 receipts
 * verify with `govanchor verify`; no interrupted run reported success; no partial or temporary receipt file is left.
 * Dropped and replaced transactions are covered by test/cli/transactions.test.ts.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { DatasetRegistry__factory } from '../../src/client/contracts';
import { datasetIdOf } from '../../src/core/identifiers';
import { parseReceiptJson, type Receipt } from '../../src/core/receipt';
import { ACCOUNTS, ROOT, runCli, tempDir, type CliResult } from '../cli/helpers';
import { expectOneLineError, freePort, startNode, startProxy, type OwnNode, type Proxy } from './helpers';

const COUNT = 1000;
const BATCH = 50;
const AGENCY = 'flt.stats';
const ADMIN = ACCOUNTS[1];
const OPERATOR = ACCOUNTS[2];
const IGNITION_ID = `faults-${process.pid}`;

/** Every `*.receipt.json` and every other file under `dir`, recursively. */
function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('fault injection: anchor-many over 1,000 datasets, node killed and connection cut mid-run', function () {
  this.timeout(600_000);
  let port: number;
  let node: OwnNode;
  let proxy: Proxy;
  let work: string;
  let manifest: string;
  let registryAddress: string;
  const hashes: string[] = [];

  async function cli(args: string[], key?: string, onStderr?: (chunk: string) => void): Promise<CliResult> {
    return runCli(args, {
      cwd: work,
      env: { GOVANCHOR_RPC_URL: proxy.url, ...(key ? { GOVANCHOR_PRIVATE_KEY: key } : {}) },
      onStderr,
    });
  }

  /** Deploys the suite and registers the agency with its operator, on a fresh chain. */
  async function setUpChain(): Promise<void> {
    const deployed = await cli(['deploy', '--json', '--deployment-id', IGNITION_ID, '--reset'], ACCOUNTS[0].key);
    expect(deployed.code, deployed.stderr).to.equal(0);
    const file = JSON.parse(readFileSync(join(work, 'deployments', '31337.json'), 'utf8'));
    const registry: string = file.contracts.DatasetRegistry.address;
    if (registryAddress) expect(registry, 'same deployment after the restart').to.equal(registryAddress);
    registryAddress = registry;
    const registered = await cli(
      ['agency', 'register', AGENCY, '--name', 'Fault Statistics', '--admin', ADMIN.address],
      ACCOUNTS[0].key,
    );
    expect(registered.code, registered.stderr).to.equal(0);
    const added = await cli(['agency', 'add-operator', AGENCY, OPERATOR.address], ADMIN.key);
    expect(added.code, added.stderr).to.equal(0);
  }

  /** Runs anchor-many and calls `fault` once `afterBatches` transactions were reported sent. */
  function anchorManyUntil(afterBatches: number, fault: () => Promise<void> | void): Promise<CliResult> {
    let sent = 0;
    let injected: Promise<void> | undefined;
    return cli(['anchor-many', manifest, '--batch-size', String(BATCH), '--timeout', '10'], OPERATOR.key, (chunk) => {
      sent += chunk.split('\n').filter((l) => l.startsWith('sent: ')).length;
      if (sent >= afterBatches && !injected) injected = Promise.resolve(fault());
    }).then(async (result) => {
      await injected;
      expect(injected, 'the fault was injected').to.not.equal(undefined);
      return result;
    });
  }

  /** Every file under the receipts directory is a complete receipt (no partial or temporary files). */
  function receiptFiles(): Map<string, Receipt> {
    const receipts = new Map<string, Receipt>();
    for (const file of listFiles(join(work, 'receipts'))) {
      expect(file, 'only complete receipt files').to.match(/\.receipt\.json$/);
      receipts.set(file, parseReceiptJson(readFileSync(file, 'utf8'), file));
    }
    return receipts;
  }

  before(async function () {
    work = tempDir('govanchor-faults-');
    mkdirSync(join(work, 'data'));
    const items = [];
    for (let i = 0; i < COUNT; i++) {
      const path = `data/d${String(i).padStart(4, '0')}.csv`;
      const content = `id,value\n${i},${i * 7}\n`;
      writeFileSync(join(work, path), content);
      hashes.push('0x' + createHash('sha256').update(content).digest('hex'));
      items.push({ dataset: `${AGENCY}/d${i}`, path });
    }
    manifest = join(work, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ format: 'govanchor-manifest/1', receipts: 'receipts', items }));
    port = await freePort();
    node = await startNode(port);
    proxy = await startProxy(port);
    await setUpChain();
  });

  after(async function () {
    await proxy?.close();
    await node?.kill();
    rmSync(join(ROOT, 'ignition', 'deployments', IGNITION_ID), { recursive: true, force: true });
  });

  it('node killed (SIGKILL) mid-run: exit 3, one line, no success, no partial receipt', async function () {
    const result = await anchorManyUntil(4, () => node.kill());
    expectOneLineError(result, 3);
    expect(result.stdout).to.not.match(/anchored \d+ of/);
    const receipts = receiptFiles();
    // Batches mined before the kill have their receipts; the run stopped well before the end.
    expect(receipts.size).to.be.within(BATCH * 2, COUNT - BATCH);
  });

  it('a fresh node with the same deployment; connection cut mid-run: exit 3, one line, no success', async function () {
    node = await startNode(port);
    await setUpChain();
    const result = await anchorManyUntil(3, () => {
      proxy.mode = { kind: 'drop' };
      proxy.cutAll();
    });
    proxy.mode = { kind: 'pass' };
    expectOneLineError(result, 3);
    expect(result.stdout).to.not.match(/anchored \d+ of/);
    expect(proxy.cuts).to.be.greaterThan(0);
    receiptFiles();
  });

  it('the re-run anchors the rest: every dataset anchored exactly once, every receipt matches the final chain', async function () {
    const result = await cli(['anchor-many', manifest, '--batch-size', String(BATCH), '--json'], OPERATOR.key);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.json.total).to.equal(COUNT);
    expect(result.json.alreadyAnchored, 'batches of the cut run were kept').to.be.at.least(2 * BATCH);
    expect(result.json.anchored + result.json.alreadyAnchored).to.equal(COUNT);

    const provider = new JsonRpcProvider(node.url, 31337, { staticNetwork: true });
    const registry = DatasetRegistry__factory.connect(registryAddress, provider);
    const receipts = receiptFiles();
    expect(receipts.size).to.equal(COUNT);
    const byHash = new Map([...receipts.values()].map((r) => [r.file.sha256.toLowerCase(), r]));
    const blockTimes = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < COUNT) {
          const i = next++;
          const info = await registry.lookup(hashes[i]);
          expect(info.anchored, `item ${i} anchored`).to.equal(true);
          expect(info.withdrawn).to.equal(false);
          expect(Number(info.version)).to.equal(1);
          expect(info.datasetId.toLowerCase()).to.equal(datasetIdOf(`${AGENCY}/d${i}`));
          const dataset = await registry.getDataset(datasetIdOf(`${AGENCY}/d${i}`));
          expect(Number(dataset.versionCount), `dataset d${i} has one version`).to.equal(1);
          const receipt = byHash.get(hashes[i]);
          expect(receipt, `receipt of item ${i}`).to.not.equal(undefined);
          expect(receipt!.dataset.key).to.equal(`${AGENCY}/d${i}`);
          expect(receipt!.dataset.version).to.equal(1);
          expect(receipt!.contract.toLowerCase()).to.equal(registryAddress.toLowerCase());
          expect(receipt!.transaction.timestamp, `receipt of item ${i} is of the final chain`).to.equal(
            Number(info.anchoredAt),
          );
          const block = receipt!.transaction.blockNumber;
          if (!blockTimes.has(block)) {
            const tx = await provider.getTransactionReceipt(receipt!.transaction.hash);
            expect(tx?.blockNumber, `transaction of item ${i} on the final chain`).to.equal(block);
            blockTimes.set(block, (await provider.getBlock(block))!.timestamp);
          }
          expect(receipt!.transaction.timestamp).to.equal(blockTimes.get(block));
        }
      }),
    );
    provider.destroy();
  });

  it('a sample of 20 receipts verifies with `govanchor verify`', async function () {
    const sample = Array.from({ length: 20 }, (_, k) => Math.floor((k * COUNT) / 20) + (k % 7));
    const results: CliResult[] = [];
    for (let start = 0; start < sample.length; start += 4) {
      results.push(
        ...(await Promise.all(
          sample.slice(start, start + 4).map((i) => {
            const name = `d${String(i).padStart(4, '0')}.csv`;
            return cli([
              'verify',
              join(work, 'data', name),
              '--receipt',
              join(work, 'receipts', 'data', `${name}.receipt.json`),
              '--json',
            ]);
          }),
        )),
      );
    }
    for (const result of results) {
      expect(result.code, result.stderr).to.equal(0);
      expect(result.json.verified).to.equal(true);
    }
  });
});

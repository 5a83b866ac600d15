/**
 * anchor-many with many small batches, so that several are under way at once (the next batch is estimated, signed
 * and sent with the next nonce while the previous one is mined): every receipt is written and matches the chain, a
 * re-run anchors nothing twice, and a batch that reverts partway stops the run after the batches already sent have
 * their receipts. Also: lookupAnchors (many hashes per eth_call) says what lookupAnchor says, item by item.
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { anchorBatch } from '../../src/client/anchorBatch';
import { anchorVersionBatch } from '../../src/client/anchorVersionBatch';
import { connectProvider, createClient, type GovanchorClient } from '../../src/client/connection';
import { TransactionError } from '../../src/core/errors';
import { lookupAnchor } from '../../src/client/lookupAnchor';
import { lookupAnchors } from '../../src/client/lookupAnchors';
import { parseReceiptJson, type Receipt } from '../../src/core/receipt';
import { loadDeployment } from '../../src/node/deploymentFile';
import { govanchor, runCli, sharedSuite, tempDir, type CliResult, type SharedSuite } from './helpers';

const AGENCY = 'pipe.stats';

describe('govanchor CLI: anchor-many with several batches in flight', function () {
  this.timeout(300_000);
  let suite: SharedSuite;
  let client: GovanchorClient;
  let dir: string;
  // Fresh accounts: an account acts for at most one agency, and no other test file uses these.
  const admin = Wallet.createRandom();
  const operator = Wallet.createRandom();
  const contents = new Map<string, string>(); // path → content hash

  /** Writes `count` new files under `name/` and a manifest of them; returns the manifest's path. */
  function manifestOf(name: string, count: number, key: (i: number) => string = (i) => `${AGENCY}/${name}-${i}`) {
    mkdirSync(join(dir, name), { recursive: true });
    const items = [];
    for (let i = 0; i < count; i++) {
      const path = `${name}/f${String(i).padStart(3, '0')}.csv`;
      const content = `n,value\n${i},${randomBytes(8).toString('hex')}\n`;
      writeFileSync(join(dir, path), content);
      contents.set(path, '0x' + createHash('sha256').update(content).digest('hex'));
      items.push({ dataset: key(i), path, uri: `https://data.example/${name}/${i}` });
    }
    const manifest = join(dir, `${name}.json`);
    writeFileSync(manifest, JSON.stringify({ format: 'govanchor-manifest/1', receipts: 'receipts', items }));
    return { manifest, items };
  }

  function anchorMany(manifest: string, batchSize: number): Promise<CliResult> {
    return runCli(['anchor-many', manifest, '--batch-size', String(batchSize), '--json'], {
      cwd: dir,
      env: { ...suite.env, GOVANCHOR_PRIVATE_KEY: operator.privateKey },
    });
  }

  function receiptOf(path: string): Receipt | undefined {
    const file = join(dir, 'receipts', `${path}.receipt.json`);
    return existsSync(file) ? parseReceiptJson(readFileSync(file, 'utf8'), file) : undefined;
  }

  before(async function () {
    suite = await sharedSuite();
    dir = tempDir();
    mkdirSync(join(dir, 'deployments'));
    writeFileSync(join(dir, 'deployments', '31337.json'), readFileSync(suite.deploymentFile));
    for (const wallet of [admin, operator]) {
      await suite.node.rpc('hardhat_setBalance', [wallet.address, '0x56bc75e2d63100000']);
    }
    const setup = [
      await govanchor(['agency', 'register', AGENCY, '--name', 'Pipeline Statistics', '--admin', admin.address], 0),
      await govanchor(['agency', 'add-operator', AGENCY, operator.address], undefined, {
        GOVANCHOR_PRIVATE_KEY: admin.privateKey,
      }),
    ];
    for (const step of setup) expect(step.code, step.stderr).to.equal(0);
    const { provider, chainId } = await connectProvider({ rpcUrl: suite.node.url });
    client = createClient({
      provider,
      rpcUrl: suite.node.url,
      chainId,
      suite: loadDeployment({ path: suite.deploymentFile, chainId })!,
    });
  });

  after(function () {
    client?.provider.destroy();
  });

  it('anchors 60 items in 20 batches of 3: every receipt written, in batch order, matching the chain; a re-run sends nothing', async function () {
    const { manifest, items } = manifestOf('many', 60);
    const result = await anchorMany(manifest, 3);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.json).to.include({ total: 60, anchored: 60, alreadyAnchored: 0 });
    const transactions: { hash: string; blockNumber: number; items: number }[] = result.json.transactions;
    expect(transactions.map((t) => t.items)).to.deep.equal(new Array(20).fill(3));
    // One transaction per block (automine), in the order the batches were sent.
    for (let k = 1; k < transactions.length; k++) {
      expect(transactions[k].blockNumber).to.equal(transactions[k - 1].blockNumber + 1);
    }
    const facts = await lookupAnchors(client, { contentHashes: items.map((item) => contents.get(item.path)!) });
    for (const [i, item] of items.entries()) {
      const receipt = receiptOf(item.path);
      expect(receipt, `receipt of ${item.path}`).to.not.equal(undefined);
      expect(receipt!.dataset.key).to.equal(item.dataset);
      expect(receipt!.dataset.version).to.equal(1);
      expect(receipt!.anchor.uri).to.equal(item.uri);
      expect(receipt!.file.sha256).to.equal(contents.get(item.path));
      expect(receipt!.transaction.hash).to.equal(transactions[Math.floor(i / 3)].hash);
      expect(receipt!.transaction.blockNumber).to.equal(transactions[Math.floor(i / 3)].blockNumber);
      expect(result.json.items[i]).to.include({
        status: 'anchored',
        version: 1,
        transaction: receipt!.transaction.hash,
      });
      expect(facts[i]).to.include({ anchored: true, version: 1, anchoredAt: receipt!.transaction.timestamp });
    }
    const again = await anchorMany(manifest, 3);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.json).to.include({ total: 60, anchored: 0, alreadyAnchored: 60 });
    expect(again.json.transactions).to.have.length(0);
  });

  it('a batch that reverts partway: exit 3 with the decoded error, the batches sent before it keep their receipts, none after it is sent; the corrected re-run anchors the rest once', async function () {
    // Item 13 (in the fifth batch of 3) names another agency's namespace: that batch's estimate reverts.
    const bad = (i: number) => (i === 13 ? `other.agency/partway-${i}` : `${AGENCY}/partway-${i}`);
    const { manifest, items } = manifestOf('partway', 30, bad);
    const result = await anchorMany(manifest, 3);
    expect(result.code).to.equal(3);
    expect(result.json.error.exitCode).to.equal(3);
    expect(result.json.error.message).to.match(/^anchor a batch of 3 reverted: DatasetKeyOutsideNamespace\(/);
    expect(result.stderr).to.match(/^error: anchor a batch of 3 reverted: DatasetKeyOutsideNamespace\(.*\n$/);
    const facts = await lookupAnchors(client, { contentHashes: items.map((item) => contents.get(item.path)!) });
    for (const [i, item] of items.entries()) {
      expect(facts[i].anchored, `item ${i} anchored`).to.equal(i < 12);
      expect(receiptOf(item.path) !== undefined, `receipt of item ${i}`).to.equal(i < 12);
    }

    const fixed = JSON.parse(readFileSync(manifest, 'utf8'));
    fixed.items[13].dataset = `${AGENCY}/partway-13`;
    writeFileSync(manifest, JSON.stringify(fixed));
    const rerun = await anchorMany(manifest, 3);
    expect(rerun.code, rerun.stderr).to.equal(0);
    expect(rerun.json).to.include({ total: 30, anchored: 18, alreadyAnchored: 12 });
    expect(rerun.json.transactions).to.have.length(6);
    const after = await lookupAnchors(client, { contentHashes: items.map((item) => contents.get(item.path)!) });
    for (const [i, item] of items.entries()) {
      expect(after[i]).to.include({ anchored: true, version: 1 });
      expect(receiptOf(item.path)!.dataset).to.include({ key: `${AGENCY}/partway-${i}`, version: 1 });
    }
  });

  it('anchorVersionBatch (client action) anchors new versions by id, with and without URIs, and refuses an unknown dataset', async function () {
    const signed = createClient({
      provider: client.provider,
      rpcUrl: client.rpcUrl,
      chainId: client.chainId,
      suite: client.suite,
      signer: operator.connect(client.provider),
    });
    const digest = () => '0x' + randomBytes(32).toString('hex');
    const keys = [0, 1, 2].map((i) => `${AGENCY}/versioned-${i}`);
    const item = (datasetKey: string, uri?: string) => ({
      datasetKey,
      contentHash: digest(),
      kind: 'file' as const,
      fileCount: 1,
      uri,
    });
    await anchorBatch(signed, { items: keys.map((key) => item(key)) });
    const withUris = keys.map((key, i) => item(key, i === 1 ? '' : `https://data.example/${i}`));
    const first = await anchorVersionBatch(signed, { items: withUris });
    expect(first.records.map((r) => [r.dataset.key, r.dataset.version, r.uri])).to.deep.equal([
      [keys[0], 2, 'https://data.example/0'],
      [keys[1], 2, ''],
      [keys[2], 2, 'https://data.example/2'],
    ]);
    expect(
      first.records.every((r) => r.agency.code === AGENCY && r.transaction.hash === first.transaction.hash),
    ).to.equal(true);
    const second = await anchorVersionBatch(signed, { items: keys.map((key) => item(key)) });
    expect(second.records.map((r) => r.dataset.version)).to.deep.equal([3, 3, 3]);
    for (const record of [...first.records, ...second.records]) {
      expect(await lookupAnchor(client, { contentHash: record.contentHash })).to.include({
        anchored: true,
        datasetId: record.dataset.id,
        version: record.dataset.version,
      });
    }
    await expect(anchorVersionBatch(signed, { items: [item(`${AGENCY}/never-created`)] })).to.be.rejectedWith(
      TransactionError,
      'UnknownDataset',
    );
  });

  it('lookupAnchors says what lookupAnchor says, across chunks of 256, anchored or not', async function () {
    const anchored = [...contents.values()];
    const hashes = Array.from({ length: 600 }, (_, i) =>
      i % 7 === 3 ? anchored[i % anchored.length] : '0x' + randomBytes(32).toString('hex'),
    );
    const many = await lookupAnchors(client, { contentHashes: hashes });
    const single = await Promise.all(hashes.map((contentHash) => lookupAnchor(client, { contentHash })));
    expect(many).to.deep.equal(single);
    expect(many.filter((f) => f.anchored).length).to.be.greaterThan(50);
  });
});

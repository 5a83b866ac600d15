/**
 * Part 1 of the benchmark: gas of the suite's operations beside the peers' nearest operations, all on one in-process
 * Hardhat chain in one run, with the storage slots each call creates (for Conflux eSpace repricing).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HardhatRuntimeEnvironment } from 'hardhat/types';
import { Signature, keccak256, toUtf8Bytes, sha256, type Signer } from 'ethers';
import { deploySuite } from '../src/deploy/deploySuite';
import { buildTree, proofFor, type FileEntry } from '../src/core/tree';
import { AnchorKind } from '../src/core/anchorKind';
import { breakdownTx, countNewSlots, measureTx, type GasBreakdown, type Measured } from './measure';
import {
  ANCHOR_SCHEMA,
  DOCUMENT_STORE_VERSION,
  EAS_VERSION,
  GRANT_SCHEMA,
  ZERO_UID,
  anchorRequest,
  attestedUids,
  deployPeers,
  type AttestationData,
} from './peers';

/** One measured operation, per item (a batch's gas and slots divided by its size). */
export interface Op {
  label: string;
  gas: number;
  newSlots: number;
  note?: string;
}

export type System = 'EAS' | 'OpenAttestation';

/** A govanchor operation beside the peers' nearest operations. */
export interface Comparison {
  id: string;
  govanchor: Op;
  peers: { system: System; op: Op }[];
  /** The issue's target for this operation, in gas (at most). */
  target?: number;
}

export interface TreeRow {
  files: number;
  buildSeconds: number;
  gas: number;
  newSlots: number;
  proofLength: number;
  isFileInTreeGas: number;
}

export interface GasResults {
  comparisons: Comparison[];
  trees: TreeRow[];
  /** The figures the chart's per-item lines use. */
  chart: {
    govanchorBatchPerItem: number;
    easAttest: number;
    easMultiAttestPerItem: number;
    easRootAttest: number;
    oaIssue: number;
    oaBulkIssuePerItem: number;
  };
  /** Largest EAS multiAttest that fits one transaction under the per-transaction gas cap (EIP-7825). */
  easMultiAttestChunk: number;
  deployGas: Record<string, number>;
  /**
   * Where the gas goes: a single anchorVersion (with URI), and one item of 100-item batches of new versions of existing
   * datasets, by id (anchorVersionBatch: the batch for existing datasets) and by key (anchorBatch), with and without
   * URIs.
   */
  breakdowns: {
    single: GasBreakdown;
    versionBatchItem: GasBreakdown;
    versionBatchItemNoUri: GasBreakdown;
    keyBatchItem: GasBreakdown;
    keyBatchItemNoUri: GasBreakdown;
  };
  /** Byte lengths of what the benchmark anchors, for the report's arithmetic. */
  sizes: {
    key: number;
    batchKey: number;
    uri: number;
    batchUri: number;
    /** Calldata bytes per item of the anchorBatch (by key, with URIs) and anchorVersionBatch (with URIs) batches. */
    batchCalldataPerItem: number;
    versionBatchCalldataPerItem: number;
  };
  /** Checks of what the hand-written (assembly) code wrote, and the tests that cover anchorVersionBatch. */
  checks: {
    /**
     * The anchoring transactions above sent by one operator (anchor, anchorVersion, anchorBatch, anchorVersionBatch,
     * the tree anchors), checked right after each: every Anchored log (encoded by hand, and by an assembly loop in
     * anchorVersionBatch) is the ABI encoding of the values in the call's calldata, and every record and version count
     * reads back as expected.
     */
    anchoredLogs: { transactions: number; logs: number; problems: string[] };
    /** The files under test/ that call anchorVersionBatch (the tests that guard its assembly). */
    versionBatchTestFiles: string[];
  };
  versions: { eas: string; documentStore: string; hardfork: string; txGasCap: number };
}

const STATS = { code: 'hunan.stats', name: 'Hunan Provincial Bureau of Statistics', uri: 'https://tjj.hunan.gov.cn' };
const HEALTH = { code: 'hunan.health', name: 'Hunan Provincial Health Commission', uri: 'https://wjw.hunan.gov.cn' };
const KEY = 'hunan.stats/census-2020';
const KEY_NO_URI = 'hunan.stats/census-2020-summary';
const TREE_KEY = 'hunan.stats/economy-tables';
const BATCH_SIZE = 100;
const TREE_SIZES = [1, 100, 10_000, 100_000];
/** EIP-7825 (Osaka, the default hardfork of Hardhat 2.29): no transaction may use more than 2^24 gas. */
export const TX_GAS_CAP = 2 ** 24;

function uriOf(name: string, version: number): string {
  return `https://data.hunan.gov.cn/${name}/v${version}.csv`;
}

let digestCounter = 0;
/** A fresh, distinct SHA-256-shaped digest. */
function freshDigest(label = 'content'): string {
  digestCounter++;
  return sha256(toUtf8Bytes(`${label} #${digestCounter}`));
}

function perItem(measured: Measured, items: number): { gas: number; newSlots: number } {
  return { gas: measured.gas / items, newSlots: measured.newSlots / items };
}

function op(label: string, measured: Measured, items = 1, note?: string): Op {
  return { label, ...perItem(measured, items), note };
}

/** Synthetic files for a tree of `count` files: realistic paths, distinct SHA-256s. */
export function syntheticFiles(count: number): FileEntry[] {
  const files: FileEntry[] = [];
  for (let i = 0; i < count; i++) {
    const path = `tables/${String(Math.floor(i / 1000)).padStart(3, '0')}/table-${String(i).padStart(6, '0')}.csv`;
    files.push({ path, sha256: '0x' + createHash('sha256').update(path).digest('hex') });
  }
  return files;
}

export async function measureGas(hre: HardhatRuntimeEnvironment, log: (line: string) => void): Promise<GasResults> {
  const provider = hre.network.provider;
  const measure = (sent: Parameters<typeof measureTx>[1]) => measureTx(provider, sent);
  const signers = await hre.ethers.getSigners();
  const [governance, statsAdmin, statsOperator, healthAdmin, healthOperator, relayer, signingOperator, spare] = signers;
  const comparisons: Comparison[] = [];

  log('deploying the suite (Ignition) and the peers (published artifacts)');
  const { datasetRegistry, accessGrants } = await deploySuite(hre);
  const peers = await deployPeers(governance, statsOperator);
  const { eas, schemaRegistry, documentStore } = peers;
  const registry = datasetRegistry.connect(statsOperator);
  const grants = accessGrants.connect(statsOperator);
  const registryAddress = await datasetRegistry.getAddress();
  const chainId = (await hre.ethers.provider.getNetwork()).chainId;

  // Onboarding.
  const registerAgency = await measure(
    datasetRegistry.connect(governance).registerAgency(STATS.code, STATS.name, STATS.uri, statsAdmin.address),
  );
  await (
    await datasetRegistry.connect(governance).registerAgency(HEALTH.code, HEALTH.name, HEALTH.uri, healthAdmin.address)
  ).wait();
  const statsId = await datasetRegistry.agencyIdOf(STATS.code);
  const healthId = await datasetRegistry.agencyIdOf(HEALTH.code);
  const addOperator = await measure(datasetRegistry.connect(statsAdmin).addOperator(statsId, statsOperator.address));
  await (await datasetRegistry.connect(statsAdmin).addOperator(statsId, signingOperator.address)).wait();
  await (await datasetRegistry.connect(healthAdmin).addOperator(healthId, healthOperator.address)).wait();

  const registerSchema = await measure(schemaRegistry.register(ANCHOR_SCHEMA, '0x' + '00'.repeat(20), true));
  const schemaUid = registerSchema.receipt.logs
    .map((entry) => schemaRegistry.interface.parseLog({ topics: [...entry.topics], data: entry.data }))
    .find((parsed) => parsed?.name === 'Registered')!.args.uid as string;
  const grantSchemaTx = await measure(schemaRegistry.register(GRANT_SCHEMA, '0x' + '00'.repeat(20), true));
  const grantSchemaUid = grantSchemaTx.receipt.logs
    .map((entry) => schemaRegistry.interface.parseLog({ topics: [...entry.topics], data: entry.data }))
    .find((parsed) => parsed?.name === 'Registered')!.args.uid as string;
  const storeDeploySlots = await countNewSlots(provider, peers.documentStoreDeployTx);
  const issuerRole = (await documentStore.getFunction('ISSUER_ROLE').staticCall()) as string;
  const grantIssuer = await measure(
    documentStore.connect(statsOperator).getFunction('grantRole')(issuerRole, spare.address),
  );

  comparisons.push({
    id: 'register-agency',
    govanchor: op('Agency registration (registerAgency: code, name, metadata URI, admin)', registerAgency),
    peers: [
      {
        system: 'EAS',
        op: op('SchemaRegistry.register (once per use case; attesters register nothing)', registerSchema),
      },
      {
        system: 'OpenAttestation',
        op: {
          label: 'deploy a DocumentStore (each issuer deploys its own)',
          gas: peers.deployGas.documentStore,
          newSlots: storeDeploySlots,
        },
      },
    ],
  });
  comparisons.push({
    id: 'add-operator',
    govanchor: op('Add an operator (addOperator)', addOperator),
    peers: [{ system: 'OpenAttestation', op: op('grantRole(ISSUER_ROLE, account)', grantIssuer) }],
  });

  /**
   * Checks a mined anchoring transaction sent by statsOperator, whose Anchored log is encoded by hand (and, in
   * anchorVersionBatch, whose loop is written in assembly): each item's log must be exactly the ABI encoding (topics
   * and data bytes) of what the call's calldata says, decoded with the ABI, and its record and its dataset's version
   * count must read back as expected. Run right after the transaction, so that the version count is the item's.
   */
  const anchoredLogs = { transactions: 0, logs: 0, problems: [] as string[] };
  const checkAnchored = async (measured: Measured, version: number): Promise<void> => {
    const tx = await hre.ethers.provider.getTransaction(measured.hash);
    const call = datasetRegistry.interface.parseTransaction({ data: tx!.data })!;
    const idOf = (key: string) => keccak256(toUtf8Bytes(key)).slice(0, 26); // bytes12: the key hash's first 12 bytes
    type Item = { datasetId: string; contentHash: string; kind: bigint; fileCount: bigint; uri: string };
    type KeyRequest = { datasetKey: string; contentHash: string; kind: bigint; fileCount: bigint; uri: string };
    type IdRequest = { datasetId: string; contentHash: string; kind: bigint; fileCount: bigint };
    const a = call.args;
    const items: Item[] =
      call.name === 'anchor'
        ? [{ datasetId: idOf(a[0]), contentHash: a[1], kind: a[2], fileCount: a[3], uri: a[4] }]
        : call.name === 'anchorVersion'
          ? [{ datasetId: a[0], contentHash: a[1], kind: a[2], fileCount: a[3], uri: a[4] }]
          : call.name === 'anchorBatch'
            ? (a[0] as KeyRequest[]).map((r) => ({
                datasetId: idOf(r.datasetKey),
                contentHash: r.contentHash,
                kind: r.kind,
                fileCount: r.fileCount,
                uri: r.uri,
              }))
            : (a[0] as IdRequest[]).map((r, i) => ({
                datasetId: r.datasetId,
                contentHash: r.contentHash,
                kind: r.kind,
                fileCount: r.fileCount,
                uri: i < (a[1] as string[]).length ? (a[1] as string[])[i] : '', // an empty array: no URIs
              }));
    const label = `${call.name} (version ${version})`;
    const problems = anchoredLogs.problems;
    const event = datasetRegistry.interface.getEvent('Anchored');
    const logs = measured.receipt.logs.filter(
      (entry) => entry.address === registryAddress && entry.topics[0] === event.topicHash,
    );
    anchoredLogs.transactions++;
    anchoredLogs.logs += logs.length;
    if (logs.length !== items.length) problems.push(`${label}: ${logs.length} Anchored logs for ${items.length} items`);
    const { timestamp } = (await hre.ethers.provider.getBlock(measured.receipt.blockNumber))!;
    for (const [i, item] of items.entries()) {
      const expected = datasetRegistry.interface.encodeEventLog(event, [
        item.contentHash,
        item.datasetId,
        statsId,
        version,
        item.kind,
        item.fileCount,
        statsOperator.address,
        item.uri,
      ]);
      const entry = logs[i];
      if (!entry || entry.data !== expected.data || entry.topics.join() !== expected.topics.join()) {
        const topics = entry ? entry.topics.map((topic, t) => (topic === expected.topics[t] ? 'same' : topic)) : [];
        problems.push(
          `${label}, item ${i}: the Anchored log is not the ABI encoding of the call's values` +
            (entry ? ` (topics: ${topics.join(', ')}; data ${entry.data === expected.data ? 'same' : 'differs'})` : ''),
        );
      }
      const record = await registry.getAnchor(item.contentHash);
      const dataset = await registry.getDataset(item.datasetId);
      if (
        record.datasetId !== item.datasetId ||
        Number(record.version) !== version ||
        record.agencyId !== statsId ||
        Number(record.anchoredAt) !== timestamp ||
        record.fileCount !== item.fileCount ||
        record.kind !== item.kind ||
        record.withdrawn ||
        Number(dataset.versionCount) !== version
      ) {
        problems.push(`${label}, item ${i}: the record or the dataset's version count is not as expected`);
      }
    }
  };
  /** Measures an anchoring transaction of statsOperator's and checks it (checkAnchored). */
  const measureAnchor = async (sent: Parameters<typeof measureTx>[1], version: number): Promise<Measured> => {
    const measured = await measure(sent);
    await checkAnchored(measured, version);
    return measured;
  };

  // Single anchors.
  log('single-file anchors');
  const attest = (data: AttestationData, from: Signer = statsOperator) =>
    measure(eas.connect(from).getFunction('attest')({ schema: schemaUid, data }));
  const issue = (hash: string) => measure(documentStore.connect(statsOperator).getFunction('issue')(hash));

  const first = await measureAnchor(
    registry.anchor(KEY, freshDigest(), AnchorKind.File, 1, uriOf('census-2020', 1)),
    1,
  );
  const firstNoUri = await measureAnchor(registry.anchor(KEY_NO_URI, freshDigest(), AnchorKind.File, 1, ''), 1);
  const easFirst = await attest(anchorRequest(freshDigest(), KEY, 1, uriOf('census-2020', 1)));
  const easFirstUid = attestedUids(eas, easFirst.receipt.logs)[0];
  const easFirstNoUri = await attest(anchorRequest(freshDigest(), KEY_NO_URI, 1, ''));
  const easFirstNoUriUid = attestedUids(eas, easFirstNoUri.receipt.logs)[0];
  const oaIssue = await issue(freshDigest());
  const easTimestamp = await measure(eas.connect(statsOperator).getFunction('timestamp')(freshDigest()));
  const timestamps = Array.from({ length: BATCH_SIZE }, () => freshDigest());
  const easMultiTimestamp = await measure(eas.connect(statsOperator).getFunction('multiTimestamp')(timestamps));

  const datasetId = await registry.datasetIdOf(KEY);
  const datasetIdNoUri = await registry.datasetIdOf(KEY_NO_URI);
  const byKey = await measureAnchor(
    registry.anchor(KEY, freshDigest(), AnchorKind.File, 1, uriOf('census-2020', 2)),
    2,
  );
  const byKeyNoUri = await measureAnchor(registry.anchor(KEY_NO_URI, freshDigest(), AnchorKind.File, 1, ''), 2);
  const byId = await measureAnchor(
    registry.anchorVersion(datasetId, freshDigest(), AnchorKind.File, 1, uriOf('census-2020', 3)),
    3,
  );
  const byIdNoUri = await measureAnchor(
    registry.anchorVersion(datasetIdNoUri, freshDigest(), AnchorKind.File, 1, ''),
    3,
  );
  const easNext = await attest(anchorRequest(freshDigest(), KEY, 2, uriOf('census-2020', 2), easFirstUid));
  const easNextNoUri = await attest(anchorRequest(freshDigest(), KEY_NO_URI, 2, '', easFirstNoUriUid));

  const hashOnlyPeers = (easLabel: string): Comparison['peers'] => [
    { system: 'EAS', op: op(easLabel, easNext) },
    {
      system: 'EAS',
      op: op('timestamp(hash) (the hash alone: no dataset, version, agency or URI)', easTimestamp),
    },
    { system: 'OpenAttestation', op: op('issue(hash) (the hash alone)', oaIssue) },
  ];
  comparisons.push({
    id: 'new-version-by-id',
    govanchor: op('New version of an existing dataset: anchorVersion(id), with URI', byId),
    peers: hashOnlyPeers('attest, same data, refUID = previous version, with URI'),
    target: 60_000,
  });
  comparisons.push({
    id: 'new-version-by-id-no-uri',
    govanchor: op('New version of an existing dataset: anchorVersion(id), no URI', byIdNoUri),
    peers: [{ system: 'EAS', op: op('attest, same data, refUID = previous version, no URI', easNextNoUri) }],
    target: 60_000,
  });
  comparisons.push({
    id: 'new-version-by-key',
    govanchor: op('New version of an existing dataset: anchor(key), with URI', byKey),
    peers: [{ system: 'EAS', op: op('attest, same data, refUID = previous version, with URI', easNext) }],
    target: 60_000,
  });
  comparisons.push({
    id: 'new-version-by-key-no-uri',
    govanchor: op('New version of an existing dataset: anchor(key), no URI', byKeyNoUri),
    peers: [{ system: 'EAS', op: op('attest, same data, refUID = previous version, no URI', easNextNoUri) }],
    target: 60_000,
  });
  comparisons.push({
    id: 'first-version',
    govanchor: op('First version of a new dataset: anchor(key), with URI', first),
    peers: [
      { system: 'EAS', op: op('attest, same data, no refUID, with URI', easFirst) },
      { system: 'OpenAttestation', op: op('issue(hash)', oaIssue) },
    ],
    target: 90_000,
  });
  comparisons.push({
    id: 'first-version-no-uri',
    govanchor: op('First version of a new dataset: anchor(key), no URI', firstNoUri),
    peers: [{ system: 'EAS', op: op('attest, same data, no refUID, no URI', easFirstNoUri) }],
    target: 90_000,
  });

  // Batches of 100 datasets.
  log(`batches of ${BATCH_SIZE} datasets`);
  const batchKeys = Array.from(
    { length: BATCH_SIZE },
    (_, i) => `hunan.stats/regional-table-${String(i).padStart(3, '0')}`,
  );
  const batchUri = (i: number, version: number) => uriOf(`regional-table-${String(i).padStart(3, '0')}`, version);
  const batchRequests = (version: number, withUri: boolean) =>
    batchKeys.map((datasetKey, i) => ({
      datasetKey,
      contentHash: freshDigest(),
      kind: AnchorKind.File,
      fileCount: 1,
      uri: withUri ? batchUri(i, version) : '',
    }));
  const batchNew = await measureAnchor(registry.anchorBatch(batchRequests(1, true)), 1);
  const batchExisting = await measureAnchor(registry.anchorBatch(batchRequests(2, true)), 2);
  const batchExistingNoUri = await measureAnchor(registry.anchorBatch(batchRequests(3, false)), 3);
  // The same datasets by id (anchorVersionBatch): static items, the URIs in a separate array (empty for none).
  const batchIds = await Promise.all(batchKeys.map((datasetKey) => registry.datasetIdOf(datasetKey)));
  const runVersionBatch = async (version: number, withUri: boolean) =>
    measureAnchor(
      registry.anchorVersionBatch(
        batchIds.map((datasetId) => ({ datasetId, contentHash: freshDigest(), kind: AnchorKind.File, fileCount: 1 })),
        withUri ? batchKeys.map((_, i) => batchUri(i, version)) : [],
      ),
      version,
    );
  const versionBatch = await runVersionBatch(4, true);
  const versionBatchNoUri = await runVersionBatch(5, false);

  // EAS multiAttest: as many items per transaction as fit under the per-transaction gas cap.
  const easItems = (version: number, refUIDs?: string[]) =>
    batchKeys.map((datasetKey, i) =>
      anchorRequest(
        freshDigest(),
        datasetKey,
        version,
        uriOf(`regional-table-${String(i).padStart(3, '0')}`, version),
        refUIDs?.[i] ?? ZERO_UID,
      ),
    );
  const multiAttest = eas.connect(statsOperator).getFunction('multiAttest');
  // The largest divisor of the batch size whose new-attestation estimate leaves 20% headroom under the cap (items
  // with a refUID cost a little more).
  let chunk = 1;
  for (const size of [100, 50, 25, 20, 10, 5, 4, 2, 1].filter((size) => BATCH_SIZE % size === 0)) {
    const probe = easItems(1).slice(0, size);
    const estimate = await multiAttest.estimateGas([{ schema: schemaUid, data: probe }]).catch(() => null);
    if (estimate !== null && Number(estimate) <= TX_GAS_CAP * 0.8) {
      chunk = size;
      break;
    }
  }
  const runMultiAttest = async (items: AttestationData[]) => {
    let gas = 0;
    let newSlots = 0;
    const uids: string[] = [];
    for (let start = 0; start < items.length; start += chunk) {
      const part = await measure(multiAttest([{ schema: schemaUid, data: items.slice(start, start + chunk) }]));
      gas += part.gas;
      newSlots += part.newSlots;
      uids.push(...attestedUids(eas, part.receipt.logs));
    }
    return { gas, newSlots, uids };
  };
  const easBatchNew = await runMultiAttest(easItems(1));
  const easBatchExisting = await runMultiAttest(easItems(2, easBatchNew.uids));
  const oaBulk = await measure(
    documentStore.connect(statsOperator).getFunction('bulkIssue')(
      Array.from({ length: BATCH_SIZE }, () => freshDigest()),
    ),
  );
  const transactions = BATCH_SIZE / chunk;
  const chunkNote =
    transactions > 1
      ? `${transactions} transactions of ${chunk}: ${BATCH_SIZE} do not fit under the 2^24 per-transaction gas cap`
      : undefined;
  const easMulti = (label: string, run: typeof easBatchNew): Op => ({
    label,
    gas: run.gas / BATCH_SIZE,
    newSlots: run.newSlots / BATCH_SIZE,
    note: chunkNote,
  });
  const easTimestampPeer = {
    system: 'EAS' as const,
    op: op(`multiTimestamp, per hash (${BATCH_SIZE} hashes alone)`, easMultiTimestamp, BATCH_SIZE),
  };
  const oaBulkPeer = {
    system: 'OpenAttestation' as const,
    op: op(`bulkIssue, per hash (${BATCH_SIZE} hashes)`, oaBulk, BATCH_SIZE),
  };
  const easMultiExistingPeer = {
    system: 'EAS' as const,
    op: easMulti(`multiAttest, per item (${BATCH_SIZE}, refUID = previous version)`, easBatchExisting),
  };
  // The targets for batches of existing datasets are measured on anchorVersionBatch, the batch for existing datasets;
  // anchorBatch (by key, which also creates datasets) is measured beside it, without a target.
  comparisons.push({
    id: 'batch-existing',
    govanchor: op(
      `Batch of ${BATCH_SIZE} new versions of existing datasets, per item (anchorVersionBatch, by dataset id, with URIs)`,
      versionBatch,
      BATCH_SIZE,
    ),
    peers: [easMultiExistingPeer, easTimestampPeer, oaBulkPeer],
    target: 33_000,
  });
  comparisons.push({
    id: 'batch-existing-no-uri',
    govanchor: op(
      `Batch of ${BATCH_SIZE} new versions of existing datasets, per item (anchorVersionBatch, by dataset id, no URIs)`,
      versionBatchNoUri,
      BATCH_SIZE,
    ),
    peers: [],
    target: 33_000,
  });
  comparisons.push({
    id: 'batch-existing-by-key',
    govanchor: op(
      `Batch of ${BATCH_SIZE} new versions of existing datasets by key, per item (anchorBatch, with URIs; for comparison, no target)`,
      batchExisting,
      BATCH_SIZE,
    ),
    peers: [easMultiExistingPeer],
  });
  comparisons.push({
    id: 'batch-existing-by-key-no-uri',
    govanchor: op(
      `Batch of ${BATCH_SIZE} new versions of existing datasets by key, per item (anchorBatch, no URIs; for comparison, no target)`,
      batchExistingNoUri,
      BATCH_SIZE,
    ),
    peers: [],
  });
  comparisons.push({
    id: 'batch-new',
    govanchor: op(`Batch of ${BATCH_SIZE} new datasets, per item (anchorBatch, with URIs)`, batchNew, BATCH_SIZE),
    peers: [
      { system: 'EAS', op: easMulti(`multiAttest, per item (${BATCH_SIZE}, no refUID)`, easBatchNew) },
      oaBulkPeer,
    ],
  });

  // Trees.
  log('trees of 1 to 100,000 files (buildTree for real)');
  await (
    await registry.anchor(TREE_KEY, freshDigest('tree seed'), AnchorKind.Tree, 1, uriOf('economy-tables', 0))
  ).wait();
  const trees: TreeRow[] = [];
  let version = 1;
  for (const files of TREE_SIZES) {
    const entries = syntheticFiles(files);
    const started = performance.now();
    const tree = buildTree(entries);
    const buildSeconds = (performance.now() - started) / 1000;
    // The dataset's version: the seed is version 1, the tree of URI vN version N + 1.
    const anchored = await measureAnchor(
      registry.anchor(TREE_KEY, tree.root, AnchorKind.Tree, files, uriOf('economy-tables', version)),
      ++version,
    );
    const probe = entries[Math.floor(files / 2)];
    const proof = proofFor(tree, probe.path);
    const isFileInTreeGas = Number(
      await datasetRegistry.isFileInTree.estimateGas(tree.root, probe.path, probe.sha256, proof),
    );
    trees.push({
      files,
      buildSeconds,
      gas: anchored.gas,
      newSlots: anchored.newSlots,
      proofLength: proof.length,
      isFileInTreeGas,
    });
    log(`  ${files} files: tree built in ${buildSeconds.toFixed(1)} s, anchored for ${anchored.gas} gas`);
  }
  const largest = trees[trees.length - 1];
  comparisons.push({
    id: 'tree',
    govanchor: {
      label: `Tree of ${largest.files.toLocaleString('en-US')} files (anchor(key) of the root, with URI)`,
      gas: largest.gas,
      newSlots: largest.newSlots,
    },
    peers: [
      { system: 'EAS', op: op('attest of the root, same data, refUID = previous version', easNext) },
      { system: 'OpenAttestation', op: op('issue(root) (OpenAttestation batches documents under one root)', oaIssue) },
    ],
  });

  // Signed, relayed anchors.
  log('signed anchors relayed by a third party');
  const deadline = BigInt((await hre.ethers.provider.getBlock('latest'))!.timestamp + 3600);
  const govanchorDomain = {
    name: 'govanchor DatasetRegistry',
    version: '1',
    chainId,
    verifyingContract: registryAddress,
  };
  const anchorTypes = {
    Anchor: [
      { name: 'datasetKey', type: 'string' },
      { name: 'contentHash', type: 'bytes32' },
      { name: 'kind', type: 'uint8' },
      { name: 'fileCount', type: 'uint32' },
      { name: 'uri', type: 'string' },
      { name: 'nonce', type: 'uint256' },
      { name: 'deadline', type: 'uint48' },
    ],
  };
  const bySig = async (nonce: bigint, version: number) => {
    const request = {
      datasetKey: KEY,
      contentHash: freshDigest(),
      kind: AnchorKind.File,
      fileCount: 1,
      uri: uriOf('census-2020', version),
    };
    const signature = await signingOperator.signTypedData(govanchorDomain, anchorTypes, {
      ...request,
      nonce,
      deadline,
    });
    return measure(
      datasetRegistry
        .connect(relayer)
        .anchorBySig(request, { signer: signingOperator.address, nonce, deadline, signature }),
    );
  };
  const signedFirst = await bySig(0n, 10);
  const signedNext = await bySig(1n, 11);

  const easDomain = {
    name: 'EAS',
    version: (await eas.getFunction('version').staticCall()) as string,
    chainId,
    verifyingContract: await eas.getAddress(),
  };
  const attestTypes = {
    Attest: [
      { name: 'attester', type: 'address' },
      { name: 'schema', type: 'bytes32' },
      { name: 'recipient', type: 'address' },
      { name: 'expirationTime', type: 'uint64' },
      { name: 'revocable', type: 'bool' },
      { name: 'refUID', type: 'bytes32' },
      { name: 'data', type: 'bytes' },
      { name: 'value', type: 'uint256' },
      { name: 'nonce', type: 'uint256' },
      { name: 'deadline', type: 'uint64' },
    ],
  };
  const byDelegation = async (version: number) => {
    const data = anchorRequest(freshDigest(), KEY, version, uriOf('census-2020', version), easFirstUid);
    const nonce = (await eas.getFunction('getNonce').staticCall(signingOperator.address)) as bigint;
    const signature = Signature.from(
      await signingOperator.signTypedData(easDomain, attestTypes, {
        attester: signingOperator.address,
        schema: schemaUid,
        ...data,
        nonce,
        deadline,
      }),
    );
    return measure(
      eas.connect(relayer).getFunction('attestByDelegation')({
        schema: schemaUid,
        data,
        signature: { v: signature.v, r: signature.r, s: signature.s },
        attester: signingOperator.address,
        deadline,
      }),
    );
  };
  const delegatedFirst = await byDelegation(10);
  const delegatedNext = await byDelegation(11);
  comparisons.push({
    id: 'signed-first',
    govanchor: op("Relayed signed anchor (anchorBySig), a signer's first signature", signedFirst),
    peers: [{ system: 'EAS', op: op("attestByDelegation, an attester's first signature", delegatedFirst) }],
  });
  comparisons.push({
    id: 'signed-next',
    govanchor: op('Relayed signed anchor (anchorBySig), later signatures (nonce word exists)', signedNext),
    peers: [{ system: 'EAS', op: op('attestByDelegation, later signatures', delegatedNext) }],
  });

  // Access grants, withdrawals and checks.
  log('grants, revocations, withdrawals and checks');
  const now = (await hre.ethers.provider.getBlock('latest'))!.timestamp;
  const expiresAt = now + 90 * 24 * 3600;
  const purpose = 'Joint health-economy report 2025';
  const grant = await measure(grants.grantAccess(datasetId, healthId, expiresAt, purpose));
  const grantId = (await grants.counts()).grants;
  const hasAccessGas = Number(await grants.hasAccess.estimateGas(datasetId, healthId));
  const easGrant = await measure(
    eas.connect(statsOperator).getFunction('attest')({
      schema: grantSchemaUid,
      data: {
        recipient: healthOperator.address,
        expirationTime: BigInt(expiresAt),
        revocable: true,
        refUID: ZERO_UID,
        data: hre.ethers.AbiCoder.defaultAbiCoder().encode(
          ['bytes12', 'uint32', 'string'],
          [datasetId, healthId, purpose],
        ),
        value: 0n,
      },
    }),
  );
  const easGrantUid = attestedUids(eas, easGrant.receipt.logs)[0];
  const getAttestationGas = Number(await eas.getFunction('getAttestation').estimateGas(easGrantUid));
  const isValidGas = Number(await eas.getFunction('isAttestationValid').estimateGas(easGrantUid));
  const revoke = await measure(grants.revokeGrant(grantId, 'Project finished'));
  const easRevoke = await measure(
    eas.connect(statsOperator).getFunction('revoke')({
      schema: grantSchemaUid,
      data: { uid: easGrantUid, value: 0n },
    }),
  );
  const withdrawnHash = freshDigest();
  await (await registry.anchorVersion(datasetId, withdrawnHash, AnchorKind.File, 1, '')).wait();
  const withdraw = await measure(registry.withdraw(withdrawnHash, 'Superseded: household count corrected'));
  const easWithdrawn = await attest(anchorRequest(freshDigest(), KEY, 20, '', easFirstUid));
  const easWithdraw = await measure(
    eas.connect(statsOperator).getFunction('revoke')({
      schema: schemaUid,
      data: { uid: attestedUids(eas, easWithdrawn.receipt.logs)[0], value: 0n },
    }),
  );
  const oaRevokedHash = freshDigest();
  await (await documentStore.connect(statsOperator).getFunction('issue')(oaRevokedHash)).wait();
  const oaRevoke = await measure(documentStore.connect(statsOperator).getFunction('revoke')(oaRevokedHash));
  const lookupGas = Number(await datasetRegistry.lookup.estimateGas(withdrawnHash));
  const easAnchorLookupGas = Number(await eas.getFunction('getAttestation').estimateGas(easFirstUid));
  const oaIsIssuedGas = Number(await documentStore.getFunction('isIssued').estimateGas(oaRevokedHash));
  const oaIsRevokedGas = Number(await documentStore.getFunction('isRevoked').estimateGas(oaRevokedHash));
  const view = (label: string, gas: number, note?: string): Op => ({ label, gas, newSlots: 0, note });

  comparisons.push({
    id: 'grant',
    govanchor: op('Grant access for 90 days (grantAccess)', grant),
    peers: [{ system: 'EAS', op: op('attest a grant (grant schema, expirationTime, revocable)', easGrant) }],
  });
  comparisons.push({
    id: 'revoke',
    govanchor: op('Revoke a grant (revokeGrant)', revoke),
    peers: [{ system: 'EAS', op: op('revoke the grant attestation', easRevoke) }],
  });
  comparisons.push({
    id: 'access-check',
    govanchor: view('Access check (hasAccess, estimateGas)', hasAccessGas),
    peers: [
      {
        system: 'EAS',
        op: view('getAttestation(uid), estimateGas (expiry and revocation checked by the caller)', getAttestationGas),
      },
      { system: 'EAS', op: view('isAttestationValid(uid), estimateGas (existence only)', isValidGas) },
    ],
  });
  comparisons.push({
    id: 'withdraw',
    govanchor: op('Withdraw a version (withdraw, with a reason)', withdraw),
    peers: [
      { system: 'EAS', op: op('revoke the anchor attestation', easWithdraw) },
      { system: 'OpenAttestation', op: op('revoke(hash)', oaRevoke) },
    ],
  });
  comparisons.push({
    id: 'lookup',
    govanchor: view('Look a hash up (lookup, estimateGas)', lookupGas),
    peers: [
      {
        system: 'EAS',
        op: view(
          'getAttestation(uid), estimateGas (needs the uid: finding it from a hash needs an indexer)',
          easAnchorLookupGas,
        ),
      },
      {
        system: 'OpenAttestation',
        op: view('isIssued(hash), estimateGas (+ isRevoked: ' + oaIsRevokedGas + ')', oaIsIssuedGas),
      },
    ],
  });

  const { problems } = anchoredLogs;
  log(
    `checked ${anchoredLogs.logs} Anchored logs of ${anchoredLogs.transactions} anchoring transactions: ` +
      (problems.length === 0 ? 'all as expected' : `${problems.length} problems`),
  );
  for (const problem of problems.slice(0, 5)) log(`  ${problem}`);
  if (problems.length > 5) log(`  ... and ${problems.length - 5} more`);
  log('gas breakdowns from opcode traces');
  const breakdownOf = async (measured: Measured, items = 1): Promise<GasBreakdown> => {
    const tx = await hre.ethers.provider.getTransaction(measured.hash);
    const whole = await breakdownTx(provider, measured.receipt, tx!.data, items === 1);
    return Object.fromEntries(
      Object.entries(whole).map(([part, gas]) => [part, gas / items]),
    ) as unknown as GasBreakdown;
  };
  const breakdowns = {
    single: await breakdownOf(byId),
    versionBatchItem: await breakdownOf(versionBatch, BATCH_SIZE),
    versionBatchItemNoUri: await breakdownOf(versionBatchNoUri, BATCH_SIZE),
    keyBatchItem: await breakdownOf(batchExisting, BATCH_SIZE),
    keyBatchItemNoUri: await breakdownOf(batchExistingNoUri, BATCH_SIZE),
  };
  const calldataPerItem = async (measured: Measured) => {
    const tx = await hre.ethers.provider.getTransaction(measured.hash);
    return (tx!.data.length - 2) / 2 / BATCH_SIZE;
  };

  return {
    comparisons,
    trees,
    breakdowns,
    sizes: {
      key: Buffer.byteLength(KEY),
      batchKey: Buffer.byteLength(batchKeys[0]),
      uri: Buffer.byteLength(uriOf('census-2020', 3)),
      batchUri: Buffer.byteLength(uriOf('regional-table-000', 2)),
      batchCalldataPerItem: await calldataPerItem(batchExisting),
      versionBatchCalldataPerItem: await calldataPerItem(versionBatch),
    },
    checks: { anchoredLogs, versionBatchTestFiles: testFilesCalling('anchorVersionBatch') },
    chart: {
      govanchorBatchPerItem: versionBatch.gas / BATCH_SIZE,
      easAttest: easNext.gas,
      easMultiAttestPerItem: easBatchExisting.gas / BATCH_SIZE,
      easRootAttest: easNext.gas,
      oaIssue: oaIssue.gas,
      oaBulkIssuePerItem: oaBulk.gas / BATCH_SIZE,
    },
    easMultiAttestChunk: chunk,
    deployGas: {
      'govanchor DatasetRegistry + AccessGrants': await suiteDeployGas(hre, [
        registryAddress,
        await accessGrants.getAddress(),
      ]),
      'EAS SchemaRegistry + EAS': peers.deployGas.schemaRegistry + peers.deployGas.eas,
      'OpenAttestation DocumentStore': peers.deployGas.documentStore,
    },
    versions: {
      eas: EAS_VERSION,
      documentStore: DOCUMENT_STORE_VERSION,
      hardfork: hre.config.networks.hardhat.hardfork,
      txGasCap: TX_GAS_CAP,
    },
  };
}

/** The files under test/ (relative to the repository) whose text mentions `name`. */
function testFilesCalling(name: string): string[] {
  const root = join(__dirname, '..');
  return readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
    .map((file) => join('test', file))
    .filter((file) => /\.ts$/.test(file) && readFileSync(join(root, file), 'utf8').includes(name))
    .sort();
}

/** Gas of the transactions that created `addresses` (searched from the start of the in-process chain). */
async function suiteDeployGas(hre: HardhatRuntimeEnvironment, addresses: string[]): Promise<number> {
  const wanted = new Set(addresses.map((address) => address.toLowerCase()));
  let total = 0;
  const latest = await hre.ethers.provider.getBlockNumber();
  for (let number = 0; number <= latest && wanted.size > 0; number++) {
    const block = await hre.ethers.provider.getBlock(number, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.to !== null) continue;
      const receipt = await hre.ethers.provider.getTransactionReceipt(tx.hash);
      const address = receipt?.contractAddress?.toLowerCase();
      if (address && wanted.has(address)) {
        total += Number(receipt!.gasUsed);
        wanted.delete(address);
      }
    }
  }
  return total;
}

/**
 * Part 1 of the benchmark: gas of the suite's operations beside the peers' nearest operations, all on one in-process
 * Hardhat chain in one run, with the storage slots each call creates (for Conflux eSpace repricing).
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HardhatRuntimeEnvironment } from 'hardhat/types';
import { Signature, toUtf8Bytes, sha256, type Signer } from 'ethers';
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
  /** Where the gas of a single anchorVersion (with URI) and of one item of a 100-dataset batch goes. */
  breakdowns: { single: GasBreakdown; batchItem: GasBreakdown; batchItemNoUri: GasBreakdown };
  /** Byte lengths of what the benchmark anchors, for the proposals' arithmetic. */
  sizes: { key: number; batchKey: number; uri: number; batchUri: number; batchCalldataPerItem: number };
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

  // Single anchors.
  log('single-file anchors');
  const attest = (data: AttestationData, from: Signer = statsOperator) =>
    measure(eas.connect(from).getFunction('attest')({ schema: schemaUid, data }));
  const issue = (hash: string) => measure(documentStore.connect(statsOperator).getFunction('issue')(hash));

  const first = await measure(registry.anchor(KEY, freshDigest(), AnchorKind.File, 1, uriOf('census-2020', 1)));
  const firstNoUri = await measure(registry.anchor(KEY_NO_URI, freshDigest(), AnchorKind.File, 1, ''));
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
  const byKey = await measure(registry.anchor(KEY, freshDigest(), AnchorKind.File, 1, uriOf('census-2020', 2)));
  const byKeyNoUri = await measure(registry.anchor(KEY_NO_URI, freshDigest(), AnchorKind.File, 1, ''));
  const byId = await measure(
    registry.anchorVersion(datasetId, freshDigest(), AnchorKind.File, 1, uriOf('census-2020', 3)),
  );
  const byIdNoUri = await measure(registry.anchorVersion(datasetIdNoUri, freshDigest(), AnchorKind.File, 1, ''));
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
  const batchRequests = (version: number, withUri: boolean) =>
    batchKeys.map((datasetKey, i) => ({
      datasetKey,
      contentHash: freshDigest(),
      kind: AnchorKind.File,
      fileCount: 1,
      uri: withUri ? uriOf(`regional-table-${String(i).padStart(3, '0')}`, version) : '',
    }));
  const batchNew = await measure(registry.anchorBatch(batchRequests(1, true)));
  const batchExisting = await measure(registry.anchorBatch(batchRequests(2, true)));
  const batchExistingNoUri = await measure(registry.anchorBatch(batchRequests(3, false)));

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
  comparisons.push({
    id: 'batch-existing',
    govanchor: op(
      `Batch of ${BATCH_SIZE} new versions of existing datasets, per item (anchorBatch, with URIs)`,
      batchExisting,
      BATCH_SIZE,
    ),
    peers: [
      {
        system: 'EAS',
        op: easMulti(`multiAttest, per item (${BATCH_SIZE}, refUID = previous version)`, easBatchExisting),
      },
      easTimestampPeer,
      oaBulkPeer,
    ],
    target: 33_000,
  });
  comparisons.push({
    id: 'batch-existing-no-uri',
    govanchor: op(
      `Batch of ${BATCH_SIZE} new versions of existing datasets, per item (anchorBatch, no URIs)`,
      batchExistingNoUri,
      BATCH_SIZE,
    ),
    peers: [],
    target: 33_000,
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
    const anchored = await measure(
      registry.anchor(TREE_KEY, tree.root, AnchorKind.Tree, files, uriOf('economy-tables', version++)),
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
    batchItem: await breakdownOf(batchExisting, BATCH_SIZE),
    batchItemNoUri: await breakdownOf(batchExistingNoUri, BATCH_SIZE),
  };
  const batchTx = await hre.ethers.provider.getTransaction(batchExisting.hash);

  return {
    comparisons,
    trees,
    breakdowns,
    sizes: {
      key: Buffer.byteLength(KEY),
      batchKey: Buffer.byteLength(batchKeys[0]),
      uri: Buffer.byteLength(uriOf('census-2020', 3)),
      batchUri: Buffer.byteLength(uriOf('regional-table-000', 2)),
      batchCalldataPerItem: (batchTx!.data.length - 2) / 2 / BATCH_SIZE,
    },
    chart: {
      govanchorBatchPerItem: batchExisting.gas / BATCH_SIZE,
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

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'chai';
import hre from 'hardhat';
import {
  Interface,
  JsonRpcProvider,
  id,
  zeroPadBytes,
  zeroPadValue,
  type JsonRpcSigner,
  type Log,
  type LogDescription,
  type ParamType,
} from 'ethers';
import { AccessGrants__factory, DatasetRegistry__factory } from '../../typechain-types';
import type { AccessGrants, DatasetRegistry } from '../../typechain-types';
import type { DeploymentRecord } from '../../src/deploy/deploymentRecord';
import { AnchorKind } from '../../src/core/anchorKind';
import { proofFor, verifyFileProof } from '../../src/core/tree';
import { signAuthorization, signedActionDomain } from '../../src/core/signedActions';
import { hashDirectory } from '../../src/node/hashDirectory';
import { hashFile } from '../../src/node/hashFile';
import { deploySuiteOnNode, startHardhatNode, type LocalNode } from './helpers/localNode';

/** True under `hardhat coverage` (which measures the in-process chain only). */
const UNDER_COVERAGE = Boolean(
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING,
);

const SAMPLE = join(__dirname, '..', '..', 'data', 'sample');
const TREE_KEY = 'hunan.stats/economy-2024';
const FILE_KEY = 'hunan.stats/census-summary-2020';
const SIGNED_KEY = 'hunan.health/clinics-2024';
const DAY = 24 * 60 * 60;

/** Solidity enum names, for display: the ABI says `enum IAgencyRegistry.AgencyStatus` but not the members. */
const ENUMS: Record<string, string[]> = {
  'enum IDatasetRegistry.AnchorKind': ['None', 'File', 'Tree'],
  'enum IAgencyRegistry.AgencyStatus': ['None', 'Active', 'Suspended', 'Retired'],
};
const ROLES: Record<string, string> = {
  [zeroPadValue('0x', 32)]: 'DEFAULT_ADMIN_ROLE',
  [id('REGISTRAR_ROLE')]: 'REGISTRAR_ROLE',
};

/** One decoded log of the timeline. */
interface Entry {
  block: number;
  contract: string;
  event: LogDescription;
  args: Record<string, unknown>;
}

interface AbiFragment {
  type: string;
  name?: string;
  inputs?: { name: string; type: string; internalType?: string }[];
}

/** `Event.param` → the parameter's Solidity type (the ABI JSON's `internalType`, e.g. an enum's name). */
const internalTypes = new Map<string, string>();

/** The ABIs of both contracts as one interface (events they share, such as SignedActionRelayed, appear once). */
async function suiteInterface(): Promise<Interface> {
  const fragments = new Map<string, AbiFragment>();
  for (const name of ['DatasetRegistry', 'AccessGrants']) {
    const { abi } = await hre.artifacts.readArtifact(name);
    for (const fragment of abi as AbiFragment[]) {
      const key = `${fragment.type}:${fragment.name ?? ''}(${(fragment.inputs ?? []).map((i) => i.type).join(',')})`;
      if (fragment.type !== 'constructor') fragments.set(key, fragment);
      if (fragment.type !== 'event') continue;
      for (const input of fragment.inputs ?? []) {
        internalTypes.set(`${fragment.name}.${input.name}`, input.internalType ?? input.type);
      }
    }
  }
  return new Interface([...fragments.values()] as never);
}

function display(value: unknown, param: ParamType, event: string): string {
  if (param.type === 'bytes32' && typeof value === 'string' && ROLES[value]) return ROLES[value];
  const members = ENUMS[internalTypes.get(`${event}.${param.name}`) ?? ''];
  if (members && typeof value === 'bigint') return `${members[Number(value)]}(${value})`;
  if (typeof value === 'string' && param.type === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.join(',')}]`;
  return String(value);
}

function line(entry: Entry): string {
  const fields = entry.event.fragment.inputs.map((input, i) => {
    const value = display(entry.event.args[i], input, entry.event.name);
    return `${input.name}${input.indexed ? '*' : ''}=${value.length > 26 ? value.slice(0, 24) + '…' : value}`;
  });
  return `#${String(entry.block).padStart(3)} ${entry.contract}.${entry.event.name}(${fields.join(', ')})`;
}

/**
 * The demo's story on a real `hardhat node`, then every log of that chain decoded with nothing but the contracts'
 * ABIs (from the artifacts), as a block explorer's Events tab does once the sources are verified.
 */
describe('Event timeline of a full story, decoded with the ABIs only', function () {
  this.timeout(300_000);
  let node: LocalNode | undefined;
  let record: DeploymentRecord;
  let provider: JsonRpcProvider;
  let registry: DatasetRegistry;
  let grants: AccessGrants;
  let accounts: Record<
    'governance' | 'statsAdmin' | 'statsOperator' | 'healthAdmin' | 'healthOperator' | 'relayer',
    JsonRpcSigner
  >;
  let logs: Log[];
  let timeline: Entry[];
  const story: Record<string, string> = {};

  before(async function () {
    if (UNDER_COVERAGE) this.skip();
    node = await startHardhatNode();
    record = await deploySuiteOnNode(node);
    provider = new JsonRpcProvider(node.url, undefined, { pollingInterval: 50, cacheTimeout: -1 });
    const signers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => provider.getSigner(i)));
    const [governance, statsAdmin, statsOperator, healthAdmin, healthOperator, relayer] = signers;
    accounts = { governance, statsAdmin, statsOperator, healthAdmin, healthOperator, relayer };
    registry = DatasetRegistry__factory.connect(record.contracts.DatasetRegistry.address, governance);
    grants = AccessGrants__factory.connect(record.contracts.AccessGrants.address, governance);
    await runStory();

    const iface = await suiteInterface();
    const names: Record<string, string> = {
      [record.contracts.DatasetRegistry.address.toLowerCase()]: 'DatasetRegistry',
      [record.contracts.AccessGrants.address.toLowerCase()]: 'AccessGrants',
    };
    logs = await provider.getLogs({ fromBlock: 0, toBlock: 'latest' });
    timeline = logs.map((log) => {
      const event = iface.parseLog({ topics: [...log.topics], data: log.data });
      if (!event) throw new Error(`log ${log.index} of block ${log.blockNumber} matches no event of the ABIs`);
      const args = Object.fromEntries(event.fragment.inputs.map((input, i) => [input.name, event.args[i]]));
      return { block: log.blockNumber, contract: names[log.address.toLowerCase()] ?? log.address, event, args };
    });
    console.log(`\n      Timeline: every log of chain ${record.chainId} (* = indexed topic)`);
    for (const entry of timeline) console.log(`      ${line(entry)}`);
    console.log();
  });

  after(async () => {
    provider?.destroy();
    await node?.stop();
  });

  /** Sends a transaction and waits for it (the node mines one block per transaction). */
  async function send(tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
    await (await tx).wait();
  }

  async function runStory(): Promise<void> {
    const { governance, statsAdmin, statsOperator, healthAdmin, healthOperator, relayer } = accounts;
    // Agencies and operators.
    await send(
      registry.registerAgency('hunan.stats', 'Hunan Bureau of Statistics', 'https://example.org/s', statsAdmin),
    );
    await send(
      registry.registerAgency('hunan.health', 'Hunan Health Commission', 'https://example.org/h', healthAdmin),
    );
    await send(registry.connect(statsAdmin).addOperator(1, statsOperator));
    await send(registry.connect(healthAdmin).addOperator(2, healthOperator));

    // hunan.stats anchors a directory tree, a file, and a corrected second version of the file.
    const stats = registry.connect(statsOperator);
    const { files, tree } = await hashDirectory(join(SAMPLE, 'economy-2024'));
    await send(stats.anchor(TREE_KEY, tree.root, AnchorKind.Tree, files.length, 'https://data.example.org/eco/'));
    const fileHash = await hashFile(join(SAMPLE, 'census-summary-2020.csv'));
    await send(stats.anchor(FILE_KEY, fileHash, AnchorKind.File, 1, ''));
    const corrected = '0x' + createHash('sha256').update('census-summary-2020.csv, corrected').digest('hex');
    const fileId = await registry.datasetIdOf(FILE_KEY);
    await send(stats.anchorVersion(fileId, corrected, AnchorKind.File, 1, ''));
    const treeId = await registry.datasetIdOf(TREE_KEY);
    Object.assign(story, { root: tree.root, fileHash, corrected, treeId, fileId });

    // Access: a request approved, a direct grant revoked, a grant superseded, a request denied.
    const now = (await provider.getBlock('latest'))!.timestamp;
    const statsGrants = grants.connect(statsOperator);
    const healthGrants = grants.connect(healthOperator);
    await send(healthGrants.requestAccess(treeId, 'Joint health-economy report'));
    await send(statsGrants.approveRequest(1, now + 90 * DAY));
    await send(statsGrants.grantAccess(fileId, 2, now + 30 * DAY, 'Census cross-check'));
    await send(statsGrants.revokeGrant(2, 'Cross-check finished early'));
    await send(statsGrants.grantAccess(treeId, 2, now + 180 * DAY, 'Report extended to 2025'));
    await send(healthGrants.requestAccess(fileId, 'Household survey sampling'));
    await send(statsGrants.denyRequest(2, 'Use the published v2'));

    // A reviewer checks one file of the tree (reads only: no log).
    const target = files.find((file) => file.path === 'quarterly/retail_sales_2024q4.csv')!;
    const proof = proofFor(tree, target.path);
    expect(await registry.isFileInTree(tree.root, target.path, target.sha256, proof)).to.equal(true);
    expect(verifyFileProof(tree.root, target.path, target.sha256, proof)).to.equal(true);

    // hunan.stats withdraws census v1; hunan.health anchors by signature through a relayer.
    await send(stats.withdraw(fileHash, 'Superseded by v2: household count corrected'));
    const signedHash = '0x' + createHash('sha256').update('clinics-2024.csv').digest('hex');
    const request = { datasetKey: SIGNED_KEY, contentHash: signedHash, kind: AnchorKind.File, fileCount: 1, uri: '' };
    const auth = await signAuthorization(
      healthOperator,
      signedActionDomain('DatasetRegistry', record.chainId, record.contracts.DatasetRegistry.address),
      'Anchor',
      request,
      { deadline: now + DAY, nonce: 7n },
    );
    await send(registry.connect(relayer).anchorBySig(request, auth));
    Object.assign(story, { signedHash, signedId: await registry.datasetIdOf(SIGNED_KEY) });

    // The registrar suspends and reinstates hunan.health; hunan.stats renames itself.
    await send(registry.connect(governance).suspendAgency(2));
    await send(registry.connect(governance).reinstateAgency(2));
    await send(registry.connect(statsAdmin).updateAgencyMetadata(1, 'Hunan Provincial Bureau of Statistics', ''));
  }

  it('decodes every log of the chain with the ABIs', () => {
    expect(timeline).to.have.length(logs.length);
    expect(logs.length).to.be.greaterThan(20);
  });

  it('tells the story in order', () => {
    expect(timeline.map((e) => `${e.contract}.${e.event.name}`)).to.deep.equal([
      'DatasetRegistry.RoleGranted', // deployment: governance admin
      'DatasetRegistry.RoleGranted', // deployment: first registrar
      'DatasetRegistry.AgencyRegistered',
      'DatasetRegistry.AgencyRegistered',
      'DatasetRegistry.OperatorAdded',
      'DatasetRegistry.OperatorAdded',
      'DatasetRegistry.DatasetCreated', // the tree
      'DatasetRegistry.Anchored',
      'DatasetRegistry.DatasetCreated', // the file
      'DatasetRegistry.Anchored',
      'DatasetRegistry.Anchored', // its v2
      'AccessGrants.AccessRequested',
      'AccessGrants.AccessGranted', // approval of request 1
      'AccessGrants.AccessGranted', // direct grant 2
      'AccessGrants.AccessRevoked',
      'AccessGrants.AccessGranted', // grant 3 replaces grant 1
      'AccessGrants.AccessGrantSuperseded',
      'AccessGrants.AccessRequested',
      'AccessGrants.AccessRequestDenied',
      'DatasetRegistry.AnchorWithdrawn',
      'DatasetRegistry.DatasetCreated', // signed by hunan.health's operator
      'DatasetRegistry.Anchored',
      'DatasetRegistry.SignedActionRelayed',
      'DatasetRegistry.AgencyStatusChanged',
      'DatasetRegistry.AgencyStatusChanged',
      'DatasetRegistry.AgencyMetadataUpdated',
    ]);
  });

  it('carries the fields a reviewer reads', async () => {
    const { governance, statsAdmin, statsOperator, healthOperator, relayer } = accounts;
    const of = (event: string) => timeline.filter((e) => e.event.name === event).map((e) => e.args);
    expect(of('RoleGranted').map((a) => [ROLES[a.role as string], a.account])).to.deep.equal([
      ['DEFAULT_ADMIN_ROLE', governance.address],
      ['REGISTRAR_ROLE', governance.address],
    ]);
    expect(of('AgencyRegistered').map((a) => [a.agencyId, a.code, a.admin])).to.deep.equal([
      [1n, 'hunan.stats', statsAdmin.address],
      [2n, 'hunan.health', accounts.healthAdmin.address],
    ]);
    expect(of('DatasetCreated').map((a) => [a.datasetId, a.agencyId, a.datasetKey])).to.deep.equal([
      [story.treeId, 1n, TREE_KEY],
      [story.fileId, 1n, FILE_KEY],
      [story.signedId, 2n, SIGNED_KEY],
    ]);
    expect(
      of('Anchored').map((a) => [a.contentHash, a.datasetId, a.agencyId, a.version, a.kind, a.operator]),
    ).to.deep.equal([
      [story.root, story.treeId, 1n, 1n, 2n, statsOperator.address],
      [story.fileHash, story.fileId, 1n, 1n, 1n, statsOperator.address],
      [story.corrected, story.fileId, 1n, 2n, 1n, statsOperator.address],
      [story.signedHash, story.signedId, 2n, 1n, 1n, healthOperator.address],
    ]);
    expect(of('AccessGranted').map((a) => [a.grantId, a.datasetId, a.granteeAgencyId, a.requestId])).to.deep.equal([
      [1n, story.treeId, 2n, 1n],
      [2n, story.fileId, 2n, 0n],
      [3n, story.treeId, 2n, 0n],
    ]);
    expect(of('AccessRevoked').map((a) => [a.grantId, a.reason])).to.deep.equal([[2n, 'Cross-check finished early']]);
    expect(of('AccessGrantSuperseded').map((a) => [a.grantId, a.newGrantId])).to.deep.equal([[1n, 3n]]);
    expect(of('AccessRequestDenied').map((a) => [a.requestId, a.requesterAgencyId, a.reason])).to.deep.equal([
      [2n, 2n, 'Use the published v2'],
    ]);
    expect(of('AnchorWithdrawn').map((a) => [a.contentHash, a.version, a.reason])).to.deep.equal([
      [story.fileHash, 1n, 'Superseded by v2: household count corrected'],
    ]);
    expect(of('SignedActionRelayed').map((a) => [a.signer, a.agencyId, a.relayer, a.nonce])).to.deep.equal([
      [healthOperator.address, 2n, relayer.address, 7n],
    ]);
    expect(of('AgencyStatusChanged').map((a) => [a.agencyId, a.previousStatus, a.newStatus])).to.deep.equal([
      [2n, 1n, 2n],
      [2n, 2n, 1n],
    ]);
  });

  describe('filtering by indexed topics, as an explorer or eth_getLogs does', () => {
    const anchored = () => registry.interface.getEvent('Anchored')!.topicHash;

    it('finds a file by its SHA-256 (topic 1 of Anchored and AnchorWithdrawn)', async () => {
      const found = await provider.getLogs({ fromBlock: 0, topics: [null, story.fileHash] });
      expect(found.map((log) => registry.interface.parseLog(log)!.name)).to.deep.equal(['Anchored', 'AnchorWithdrawn']);
    });

    it('finds the versions of a dataset by its id, right-padded to 32 bytes (topic 2)', async () => {
      const topic = zeroPadBytes(story.fileId, 32);
      const found = await provider.getLogs({ fromBlock: 0, topics: [anchored(), null, topic] });
      expect(found.map((log) => registry.interface.parseLog(log)!.args.version)).to.deep.equal([1n, 2n]);
    });

    it("finds an agency's anchors by its id, left-padded to 32 bytes (topic 3)", async () => {
      const topic = zeroPadValue('0x02', 32);
      const found = await provider.getLogs({ fromBlock: 0, topics: [anchored(), null, null, topic] });
      expect(found.map((log) => registry.interface.parseLog(log)!.args.contentHash)).to.deep.equal([story.signedHash]);
    });

    it("finds a grantee's grants by agency id (topic 3 of AccessGranted)", async () => {
      const granted = grants.interface.getEvent('AccessGranted')!.topicHash;
      const found = await provider.getLogs({ fromBlock: 0, topics: [granted, null, null, zeroPadValue('0x02', 32)] });
      expect(found).to.have.length(3);
    });
  });

  describe('what the reads say at the end', () => {
    it('shows census v1 withdrawn and v2 current, by hash alone', async () => {
      const v1 = await registry.lookup(story.fileHash);
      const v2 = await registry.lookup(story.corrected);
      expect([v1.anchored, v1.withdrawn, v1.version, v1.agencyCode]).to.deep.equal([true, true, 1n, 'hunan.stats']);
      expect([v2.anchored, v2.withdrawn, v2.version]).to.deep.equal([true, false, 2n]);
      expect((await registry.getDataset(story.fileId)).versionCount).to.equal(2n);
    });

    it('shows the current grant and access of hunan.health', async () => {
      expect(await grants.currentGrantId(story.treeId, 2)).to.equal(3n);
      expect(await grants.hasAccess(story.treeId, 2)).to.equal(true);
      expect(await grants.hasAccess(story.fileId, 2)).to.equal(false);
    });
  });
});

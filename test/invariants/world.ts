/**
 * The chain side of the stateful property tests: the suite deployed through the Ignition `Suite` module on the
 * in-process Hardhat network, the accounts that act on it, a one-call state reader, and a sender that turns a model
 * {@link Action} into one transaction (one JSON-RPC request) and reports success or the custom error it reverted with.
 *
 * Every transaction is mined in a block of its own (automine) whose timestamp is set first, so the model knows the
 * `block.timestamp` each call sees; `eth_call` on "latest" sees the latest block's timestamp.
 */
import hre, { ethers } from 'hardhat';
import { HDNodeWallet, Interface, type Log, type TypedDataDomain } from 'ethers';
import SuiteModule from '../../ignition/modules/Suite';
import {
  AccessGrants__factory,
  DatasetRegistry__factory,
  MinimalERC1271Wallet__factory,
  SuiteStateReader__factory,
  type AccessGrants,
  type DatasetRegistry,
  type SuiteStateReader,
} from '../../typechain-types';
import {
  bySigCallArgs,
  signAuthorization,
  signedActionDomain,
  SIGNED_ACTIONS,
  type SignedActionArgs,
  type SignedActionName,
  type SignedRequest,
} from '../../src/core/signedActions';
import type { Action, RelayItem, SignableAction, SignedAuth, SignedTarget } from './model';

/** Gas for every transaction: sent without estimation, so a reverting call is mined (and fails) like any other. */
const GAS = '0x' + (16_000_000).toString(16);

export interface WalletAccount {
  /** The MinimalERC1271Wallet's address. */
  address: string;
  /** The EOA whose signatures it accepts. */
  owner: string;
}

/** The result of sending one transaction. */
export type Sent = { ok: true; hash: string } | { ok: false; error: string; hash?: string };

export class World {
  readonly registryInterface: Interface;
  readonly grantsInterface: Interface;
  private readonly keys = new Map<string, HDNodeWallet>();
  private readonly errorNames = new Map<string, string>();
  private readonly relayItemFailedTopic: string;

  private constructor(
    readonly registry: DatasetRegistry,
    readonly grants: AccessGrants,
    readonly reader: SuiteStateReader,
    readonly readerAddress: string,
    readonly registryAddress: string,
    readonly grantsAddress: string,
    readonly chainId: bigint,
    /** Accounts that send transactions (Hardhat's unlocked accounts, whose keys we also hold for signing). */
    readonly eoas: string[],
    /** Smart-contract wallets (ERC-1271) that act only through signatures. */
    readonly wallets: WalletAccount[],
    keys: HDNodeWallet[],
  ) {
    this.registryInterface = registry.interface as unknown as Interface;
    this.grantsInterface = grants.interface as unknown as Interface;
    for (const key of keys) this.keys.set(key.address, key);
    // Selectors computed once: ethers recomputes a fragment's selector (a keccak256) on every parseError.
    for (const iface of [this.registryInterface, this.grantsInterface]) {
      iface.forEachError((fragment) => this.errorNames.set(fragment.selector, fragment.name));
    }
    this.relayItemFailedTopic = this.registryInterface.getEvent('RelayItemFailed')!.topicHash;
  }

  /**
   * Deploys the suite through the Ignition Suite module (account 0 is governance admin and registrar), the state
   * reader, and one MinimalERC1271Wallet for each of `walletOwners` (indexes into the EOAs).
   */
  static async deploy(eoaCount: number, walletOwners: number[]): Promise<World> {
    const signers = await ethers.getSigners();
    const deployed = await hre.ignition.deploy(SuiteModule, { displayUi: false });
    const registryAddress = await deployed.datasetRegistry.getAddress();
    const grantsAddress = await deployed.accessGrants.getAddress();
    const registry = DatasetRegistry__factory.connect(registryAddress, signers[0]);
    const grants = AccessGrants__factory.connect(grantsAddress, signers[0]);
    const reader = await new SuiteStateReader__factory(signers[0]).deploy();
    const wallets: WalletAccount[] = [];
    for (const index of walletOwners) {
      const wallet = await new MinimalERC1271Wallet__factory(signers[0]).deploy(signers[index].address);
      wallets.push({ address: await wallet.getAddress(), owner: signers[index].address });
    }
    const eoas = signers.slice(0, eoaCount).map((s) => s.address);
    const { chainId } = await ethers.provider.getNetwork();
    const readerAddress = await reader.getAddress();
    return new World(
      registry,
      grants,
      reader,
      readerAddress,
      registryAddress,
      grantsAddress,
      chainId,
      eoas,
      wallets,
      hardhatKeys(eoaCount),
    );
  }

  /** Every address that can hold a role: the EOAs and the wallets. */
  get accounts(): string[] {
    return [...this.eoas, ...this.wallets.map((w) => w.address)];
  }

  async request(method: string, params: unknown[] = []): Promise<unknown> {
    return hre.network.provider.request({ method, params });
  }

  async latestTimestamp(): Promise<number> {
    return (await ethers.provider.getBlock('latest'))!.timestamp;
  }

  async snapshot(): Promise<string> {
    return (await this.request('evm_snapshot')) as string;
  }

  async revert(id: string): Promise<void> {
    if (!(await this.request('evm_revert', [id]))) throw new Error(`evm_revert ${id} failed`);
  }

  /** Mines an empty block at `timestamp`. */
  async mineAt(timestamp: number): Promise<void> {
    await this.request('evm_setNextBlockTimestamp', [timestamp]);
    await this.request('evm_mine');
  }

  /** Sends `action` as one transaction mined at `timestamp`. */
  async send(action: Action, timestamp: number): Promise<Sent> {
    const { to, data } = await this.encode(action);
    await this.request('evm_setNextBlockTimestamp', [timestamp]);
    try {
      const hash = (await this.request('eth_sendTransaction', [{ from: action.from, to, data, gas: GAS }])) as string;
      return { ok: true, hash };
    } catch (error) {
      const e = error as { data?: unknown; transactionHash?: string; message?: string };
      if (e.transactionHash === undefined) throw error; // not a revert: a bug in the harness
      return { ok: false, error: this.errorName(typeof e.data === 'string' ? e.data : '0x'), hash: e.transactionHash };
    }
  }

  async receiptLogs(hash: string): Promise<Log[]> {
    const receipt = await ethers.provider.getTransactionReceipt(hash);
    return receipt === null ? [] : [...receipt.logs];
  }

  /** The name of the custom error in revert data ('' for none, the selector if no contract declares it). */
  errorName(data: string): string {
    if (data === '0x' || data.length < 10) return '';
    const selector = data.slice(0, 10).toLowerCase();
    return this.errorNames.get(selector) ?? selector;
  }

  addressOf(target: SignedTarget): string {
    return target === 'registry' ? this.registryAddress : this.grantsAddress;
  }

  interfaceOf(target: SignedTarget): Interface {
    return target === 'registry' ? this.registryInterface : this.grantsInterface;
  }

  /** The transaction `action` makes: destination and calldata (signing what needs signing). */
  async encode(action: Action): Promise<{ to: string; data: string }> {
    switch (action.fn) {
      case 'bySig': {
        const target = signedTarget(action.action);
        return { to: this.addressOf(target), data: await this.encodeSigned(action.action, action.auth) };
      }
      case 'relayBatch': {
        const calls = await Promise.all(action.items.map((item) => this.encodeRelayItem(item)));
        return {
          to: this.addressOf(action.target),
          data: this.interfaceOf(action.target).encodeFunctionData('relayBatch', [calls]),
        };
      }
      case 'registerAgency':
        return this.onRegistry('registerAgency', [action.code, action.name, action.metadataURI, action.admin]);
      case 'suspendAgency':
      case 'reinstateAgency':
      case 'retireAgency':
      case 'acceptAgencyAdmin':
        return this.onRegistry(action.fn, [action.agencyId]);
      case 'updateAgencyMetadata':
        return this.onRegistry(action.fn, [action.agencyId, action.name, action.metadataURI]);
      case 'addOperator':
      case 'removeOperator':
        return this.onRegistry(action.fn, [action.agencyId, action.operator]);
      case 'beginAgencyAdminTransfer':
        return this.onRegistry(action.fn, [action.agencyId, action.newAdmin]);
      case 'beginDefaultAdminTransfer':
        return this.onRegistry(action.fn, [action.newAdmin]);
      case 'cancelDefaultAdminTransfer':
      case 'acceptDefaultAdminTransfer':
      case 'rollbackDefaultAdminDelay':
        return this.onRegistry(action.fn, []);
      case 'changeDefaultAdminDelay':
        return this.onRegistry(action.fn, [action.newDelay]);
      case 'grantRole':
      case 'revokeRole':
      case 'renounceRole':
        return this.onRegistry(action.fn, [action.role, action.account]);
      case 'anchorVersion':
        return this.onRegistry(action.fn, [
          action.datasetId,
          action.contentHash,
          action.kind,
          action.fileCount,
          action.uri,
        ]);
      case 'anchorVersionBatch':
        return this.onRegistry(action.fn, [action.items, action.uris]);
      case 'cancelRequest':
        return { to: this.grantsAddress, data: this.grantsInterface.encodeFunctionData(action.fn, [action.requestId]) };
      case 'invalidateNonce':
        return {
          to: this.addressOf(action.target),
          data: this.interfaceOf(action.target).encodeFunctionData('invalidateNonce', [action.nonce]),
        };
      default: {
        const target = signedTarget(action);
        return { to: this.addressOf(target), data: this.encodeDirect(action) };
      }
    }
  }

  private onRegistry(fn: string, args: unknown[]) {
    return { to: this.registryAddress, data: this.registryInterface.encodeFunctionData(fn, args) };
  }

  private encodeDirect(action: SignableAction): string {
    const iface = this.interfaceOf(signedTarget(action));
    switch (action.fn) {
      case 'anchor':
        return iface.encodeFunctionData('anchor', [
          action.datasetKey,
          action.contentHash,
          action.kind,
          action.fileCount,
          action.uri,
        ]);
      case 'anchorBatch':
        return iface.encodeFunctionData('anchorBatch', [action.items]);
      case 'withdraw':
        return iface.encodeFunctionData('withdraw', [action.contentHash, action.reason]);
      case 'requestAccess':
        return iface.encodeFunctionData('requestAccess', [action.datasetId, action.purpose]);
      case 'approveRequest':
        return iface.encodeFunctionData('approveRequest', [action.requestId, action.expiresAt]);
      case 'denyRequest':
        return iface.encodeFunctionData('denyRequest', [action.requestId, action.reason]);
      case 'grantAccess':
        return iface.encodeFunctionData('grantAccess', [
          action.datasetId,
          action.granteeAgencyId,
          action.expiresAt,
          action.purpose,
        ]);
      case 'revokeGrant':
        return iface.encodeFunctionData('revokeGrant', [action.grantId, action.reason]);
    }
  }

  private async encodeRelayItem(item: RelayItem): Promise<string> {
    if (item.kind === 'garbage') return '0xdeadbeef'; // no such function: the item reverts without data
    if (item.kind === 'direct') return this.encodeDirect(item.action);
    return this.encodeSigned(item.action, item.auth);
  }

  /**
   * The calldata of the action's `...BySig` function, signed as `auth.variant` says: by the signer's key (or the
   * wallet owner's), by another key, for another chain, for the other contract's address, or over other arguments.
   */
  async encodeSigned(action: SignableAction, auth: SignedAuth): Promise<string> {
    const name = signedActionName(action);
    const target = signedTarget(action);
    const args = signedArgs(action);
    let domain: TypedDataDomain = signedActionDomain(
      SIGNED_ACTIONS[name].contract,
      this.chainId,
      this.addressOf(target),
    );
    let key = this.signingKeyOf(auth.signer);
    let signedDeadline = auth.deadline;
    switch (auth.variant) {
      case 'wrongKey':
        key = this.otherKey(key.address);
        break;
      case 'otherChain':
        domain = { ...domain, chainId: this.chainId + 1n };
        break;
      case 'otherContract':
        domain = { ...domain, verifyingContract: this.addressOf(target === 'registry' ? 'grants' : 'registry') };
        break;
      case 'tampered': // signed over another deadline than the one submitted
        signedDeadline = auth.deadline - 1;
        break;
    }
    const authorization = await signAuthorization(key, domain, name, args, {
      deadline: signedDeadline,
      nonce: auth.nonce,
      account: auth.signer,
    });
    authorization.deadline = auth.deadline;
    const request = {
      chainId: Number(this.chainId),
      contract: this.addressOf(target),
      action: name,
      args,
      authorization,
    } as SignedRequest;
    return this.interfaceOf(target).encodeFunctionData(SIGNED_ACTIONS[name].function, bySigCallArgs(request));
  }

  /** The key that signs for `signer`: its own, or its wallet owner's. */
  signingKeyOf(signer: string): HDNodeWallet {
    const wallet = this.wallets.find((w) => w.address === signer);
    const key = this.keys.get(wallet === undefined ? signer : wallet.owner);
    if (key === undefined) throw new Error(`no key for ${signer}`);
    return key;
  }

  private otherKey(address: string): HDNodeWallet {
    const keys = [...this.keys.values()];
    const index = keys.findIndex((k) => k.address === address);
    return keys[(index + 1) % keys.length];
  }

  /**
   * Reads, in one `eth_call`, the counts and what `query` names. Calls into the registry are what makes a read slow
   * on the in-process network (about ten times a call into AccessGrants), so the query names only what may have
   * changed.
   */
  async read(query: ReaderQuery): Promise<ChainRead> {
    const data = this.reader.interface.encodeFunctionData('read', [
      {
        registry: this.registryAddress,
        grants: this.grantsAddress,
        withGovernance: query.withGovernance,
        withRoles: query.withRoles,
        agencyIds: query.agencyIds,
        accounts: query.accounts,
        hashes: query.hashes,
        datasetIds: query.datasetIds,
        withAccess: query.withAccess,
        accessAgencyIds: query.accessAgencyIds,
        requestIds: query.requestIds,
        grantIds: query.grantIds,
        registryNonces: query.registryNonces,
        grantsNonces: query.grantsNonces,
      },
    ]);
    // An explicit gas limit: without one, Hardhat's eth_call is many times slower.
    const result = (await this.request('eth_call', [{ to: this.readerAddress, data, gas: GAS }, 'latest'])) as string;
    const [snapshot] = this.reader.interface.decodeFunctionResult('read', result);
    return toChainRead(snapshot as RawSnapshot, query, this);
  }

  /** Decodes the RelayItemFailed events of a relayBatch transaction: item index → error name. */
  relayFailures(target: SignedTarget, logs: Log[]): Map<number, string> {
    const failures = new Map<number, string>();
    const iface = this.interfaceOf(target);
    for (const log of logs) {
      if (log.address !== this.addressOf(target) || log.topics[0] !== this.relayItemFailedTopic) continue;
      const parsed = iface.parseLog(log)!;
      failures.set(Number(parsed.args[0]), this.errorName(parsed.args[1]));
    }
    return failures;
  }
}

export interface NonceProbe {
  signer: string;
  nonce: bigint;
}

/** What to read besides the counts, which are always read. */
export interface ReaderQuery {
  /** Read governance (it is time-dependent, so also after time passes). */
  withGovernance: boolean;
  /** Read each account's roles (registrar, DEFAULT_ADMIN_ROLE). */
  withRoles: boolean;
  agencyIds: number[];
  accounts: string[];
  hashes: string[];
  datasetIds: string[];
  /** For each dataset: also read hasAccess and currentGrantId, for the agencies of `accessAgencyIds`. */
  withAccess: boolean[];
  /** The agencies whose access to read; empty: every id from 0 to agencyCount + 1. */
  accessAgencyIds: number[];
  requestIds: number[];
  grantIds: number[];
  registryNonces: NonceProbe[];
  grantsNonces: NonceProbe[];
}

export interface GovernanceState {
  defaultAdmin: string;
  owner: string;
  pendingAdmin: string;
  pendingAdminSchedule: number;
  /** Time-dependent: a scheduled delay change takes effect when its schedule passes. */
  delay: number;
  pendingDelay: number;
  pendingDelaySchedule: number;
}

/** An agency; all zero (status None) for an unknown id. */
export interface AgencyState {
  admin: string;
  status: number;
  code: string;
  name: string;
  metadataURI: string;
  pendingAdmin: string;
  operators: string[];
}

export interface AccountState {
  operatorAgency: number;
  activeOperator: boolean;
  activeAgency: number;
  /** The error activeAgencyOf reverts with, or null. */
  activeAgencyError: string | null;
  registrar: boolean;
  defaultAdminRole: boolean;
}

export interface AnchorState {
  datasetId: string;
  version: number;
  agencyId: number;
  anchoredAt: number;
  fileCount: number;
  kind: number;
  withdrawn: boolean;
}

export interface DatasetState {
  exists: boolean;
  agencyId: number;
  versionCount: number;
  createdAt: number;
  /** The agency ids whose access was read (none if not read). */
  accessIds: number[];
  /** hasAccess for each of `accessIds` (time-dependent). */
  access: boolean[];
  /** currentGrantId for each of `accessIds`. */
  currentGrants: number[];
}

export interface RequestState {
  datasetId: string;
  requesterAgencyId: number;
  requestedAt: number;
  status: number;
  grantId: number;
}

export interface GrantState {
  datasetId: string;
  granteeAgencyId: number;
  grantedAt: number;
  expiresAt: number;
  status: number;
}

/** One read: the always-read parts, and arrays aligned with the query's lists. Numbers, not bigints (all fit). */
export interface ChainRead {
  blockTimestamp: number;
  governance: GovernanceState;
  agencyCount: number;
  agencies: AgencyState[];
  requestCount: number;
  grantCount: number;
  accounts: AccountState[];
  anchors: AnchorState[];
  datasets: DatasetState[];
  requests: RequestState[];
  grants: GrantState[];
  registryNonces: boolean[];
  grantsNonces: boolean[];
}

/** Everything read so far in a run, the latest value of each item: what the invariants compare step to step. */
export interface ChainView {
  blockTimestamp: number;
  governance: GovernanceState;
  agencyCount: number;
  agencies: Map<number, AgencyState>;
  requestCount: number;
  grantCount: number;
  accounts: Map<string, AccountState>;
  anchors: Map<string, AnchorState>;
  datasets: Map<string, DatasetState>;
  requests: Map<number, RequestState>;
  grants: Map<number, GrantState>;
  /** `${target}:${signer}:${nonce}` → used. */
  nonces: Map<string, boolean>;
}

export function nonceKey(target: SignedTarget, probe: NonceProbe): string {
  return `${target}:${probe.signer}:${probe.nonce}`;
}

/** The view after `read`: the previous view with the items read replaced. Does not modify `view`. */
export function mergeView(view: ChainView | undefined, query: ReaderQuery, read: ChainRead): ChainView {
  const next: ChainView = {
    blockTimestamp: read.blockTimestamp,
    governance: query.withGovernance || view === undefined ? read.governance : view.governance,
    agencyCount: read.agencyCount,
    agencies: new Map(view?.agencies),
    requestCount: read.requestCount,
    grantCount: read.grantCount,
    accounts: new Map(view?.accounts),
    anchors: new Map(view?.anchors),
    datasets: new Map(view?.datasets),
    requests: new Map(view?.requests),
    grants: new Map(view?.grants),
    nonces: new Map(view?.nonces),
  };
  query.agencyIds.forEach((id, i) => next.agencies.set(id, read.agencies[i]));
  query.accounts.forEach((a, i) => {
    const previous = next.accounts.get(a);
    const roles = query.withRoles || previous === undefined ? read.accounts[i] : previous;
    next.accounts.set(a, { ...read.accounts[i], registrar: roles.registrar, defaultAdminRole: roles.defaultAdminRole });
  });
  query.hashes.forEach((h, i) => next.anchors.set(h, read.anchors[i]));
  query.datasetIds.forEach((d, i) => {
    const previous = next.datasets.get(d);
    const dataset = read.datasets[i];
    // Without access read this time, keep the last access read (the invariants only look at fresh ones).
    if (query.withAccess[i] || previous === undefined) next.datasets.set(d, dataset);
    else {
      const { accessIds, access, currentGrants } = previous;
      next.datasets.set(d, { ...dataset, accessIds, access, currentGrants });
    }
  });
  query.requestIds.forEach((r, i) => next.requests.set(r, read.requests[i]));
  query.grantIds.forEach((g, i) => next.grants.set(g, read.grants[i]));
  query.registryNonces.forEach((p, i) => next.nonces.set(nonceKey('registry', p), read.registryNonces[i]));
  query.grantsNonces.forEach((p, i) => next.nonces.set(nonceKey('grants', p), read.grantsNonces[i]));
  return next;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawSnapshot = any;

function toChainRead(raw: RawSnapshot, query: ReaderQuery, world: World): ChainRead {
  const agencyCount = Number(raw.agencyCount);
  const allIds = Array.from({ length: agencyCount + 2 }, (_, i) => i);
  const accessIds = query.accessAgencyIds.length > 0 ? query.accessAgencyIds : allIds;
  const n = (v: bigint) => Number(v);
  return {
    blockTimestamp: n(raw.blockTimestamp),
    governance: {
      defaultAdmin: raw.governance.defaultAdmin,
      owner: raw.governance.owner,
      pendingAdmin: raw.governance.pendingAdmin,
      pendingAdminSchedule: n(raw.governance.pendingAdminSchedule),
      delay: n(raw.governance.delay),
      pendingDelay: n(raw.governance.pendingDelay),
      pendingDelaySchedule: n(raw.governance.pendingDelaySchedule),
    },
    agencyCount: n(raw.agencyCount),
    agencies: raw.agencies.map((a: RawSnapshot) => ({
      admin: a.agency.admin,
      status: n(a.agency.status),
      code: a.agency.code,
      name: a.agency.name,
      metadataURI: a.agency.metadataURI,
      pendingAdmin: a.pendingAdmin,
      operators: [...a.operators],
    })),
    requestCount: n(raw.requestCount),
    grantCount: n(raw.grantCount),
    accounts: raw.accounts.map((a: RawSnapshot) => ({
      operatorAgency: n(a.operatorAgency),
      activeOperator: a.activeOperator,
      activeAgency: n(a.activeAgency),
      activeAgencyError: a.activeOperator ? null : world.errorName(a.activeAgencyError),
      registrar: a.registrar,
      defaultAdminRole: a.defaultAdminRole,
    })),
    anchors: raw.anchors.map((a: RawSnapshot) => ({
      datasetId: a.datasetId,
      version: n(a.version),
      agencyId: n(a.agencyId),
      anchoredAt: n(a.anchoredAt),
      fileCount: n(a.fileCount),
      kind: n(a.kind),
      withdrawn: a.withdrawn,
    })),
    datasets: raw.datasets.map((d: RawSnapshot, i: number) => ({
      exists: d.exists,
      accessIds: d.exists && query.withAccess[i] ? accessIds : [],
      agencyId: n(d.dataset.agencyId),
      versionCount: n(d.dataset.versionCount),
      createdAt: n(d.dataset.createdAt),
      access: [...d.access],
      currentGrants: d.currentGrants.map(n),
    })),
    requests: raw.requests.map((r: RawSnapshot) => ({
      datasetId: r.datasetId,
      requesterAgencyId: n(r.requesterAgencyId),
      requestedAt: n(r.requestedAt),
      status: n(r.status),
      grantId: n(r.grantId),
    })),
    grants: raw.grants.map((g: RawSnapshot) => ({
      datasetId: g.datasetId,
      granteeAgencyId: n(g.granteeAgencyId),
      grantedAt: n(g.grantedAt),
      expiresAt: n(g.expiresAt),
      status: n(g.status),
    })),
    registryNonces: [...raw.registryNonces],
    grantsNonces: [...raw.grantsNonces],
  };
}

/** The keys of Hardhat's default accounts (the network's configured mnemonic). */
function hardhatKeys(count: number): HDNodeWallet[] {
  const config = hre.network.config.accounts as { mnemonic: string; path: string; passphrase?: string };
  const root = HDNodeWallet.fromPhrase(config.mnemonic, config.passphrase ?? '', config.path);
  return Array.from({ length: count }, (_, i) => root.deriveChild(i));
}

export function signedTarget(action: SignableAction): SignedTarget {
  return SIGNED_ACTIONS[signedActionName(action)].contract === 'DatasetRegistry' ? 'registry' : 'grants';
}

export function signedActionName(action: SignableAction): SignedActionName {
  const names: Record<SignableAction['fn'], SignedActionName> = {
    anchor: 'Anchor',
    anchorBatch: 'AnchorBatch',
    withdraw: 'Withdraw',
    requestAccess: 'RequestAccess',
    approveRequest: 'ApproveRequest',
    denyRequest: 'DenyRequest',
    grantAccess: 'GrantAccess',
    revokeGrant: 'RevokeGrant',
  };
  return names[action.fn];
}

/** The action's arguments in the JSON-safe form of `src/core/signedActions`. */
function signedArgs(action: SignableAction): SignedActionArgs[SignedActionName] {
  switch (action.fn) {
    case 'anchor':
      return {
        datasetKey: action.datasetKey,
        contentHash: action.contentHash,
        kind: action.kind,
        fileCount: action.fileCount,
        uri: action.uri,
      };
    case 'anchorBatch':
      return { items: action.items.map((i) => ({ ...i })) };
    case 'withdraw':
      return { contentHash: action.contentHash, reason: action.reason };
    case 'requestAccess':
      return { datasetId: action.datasetId, purpose: action.purpose };
    case 'approveRequest':
      return { requestId: String(action.requestId), expiresAt: action.expiresAt };
    case 'denyRequest':
      return { requestId: String(action.requestId), reason: action.reason };
    case 'grantAccess':
      return {
        datasetId: action.datasetId,
        granteeAgencyId: action.granteeAgencyId,
        expiresAt: action.expiresAt,
        purpose: action.purpose,
      };
    case 'revokeGrant':
      return { grantId: String(action.grantId), reason: action.reason };
  }
}

/**
 * A plain TypeScript model of the rules of the govanchor suite (DatasetRegistry with AgencyRegistry, SignedActions
 * and OpenZeppelin's AccessControlDefaultAdminRules, and AccessGrants), written from the interfaces' NatSpec and
 * OpenZeppelin's documented behaviour, not from the Solidity. The stateful property tests run every call against the
 * model and the chain and require the same outcome: success, or a revert with the same custom error.
 *
 * Pure: no chain, no ethers provider. `execute` works on a copy of the state and returns the copy only on success, so
 * a failed call leaves the model exactly as it was, as a reverted transaction leaves the chain.
 */
import { keccak256, toUtf8Bytes, toUtf8String, ZeroAddress, ZeroHash } from 'ethers';

export const ZERO = ZeroAddress;
export const DEFAULT_ADMIN_ROLE = ZeroHash;
export const REGISTRAR_ROLE = keccak256(toUtf8Bytes('REGISTRAR_ROLE'));

/** Contract limits, as documented in the interfaces. */
export const MAX_OPERATORS = 32;
export const MAX_CODE_BYTES = 64;
export const MAX_KEY_BYTES = 200;
export const MAX_BATCH_SIZE = 256;
export const MAX_RELAY_BATCH = 256;
/** OpenZeppelin's `defaultAdminDelayIncreaseWait()`. */
export const DELAY_INCREASE_WAIT = 5 * 24 * 60 * 60;
export const UINT40_MAX = 2 ** 40 - 1;

export enum AgencyStatus {
  None = 0,
  Active = 1,
  Suspended = 2,
  Retired = 3,
}
export enum RequestStatus {
  None = 0,
  Pending = 1,
  Approved = 2,
  Denied = 3,
  Cancelled = 4,
}
export enum GrantStatus {
  None = 0,
  Active = 1,
  Revoked = 2,
  Superseded = 3,
}

export interface AgencyModel {
  code: string;
  name: string;
  metadataURI: string;
  admin: string;
  status: AgencyStatus;
  /** In the contract's order (swap-and-pop on removal). */
  operators: string[];
  pendingAdmin: string;
}

export interface AnchorModel {
  datasetId: string;
  version: number;
  agencyId: number;
  anchoredAt: number;
  fileCount: number;
  kind: number;
  withdrawn: boolean;
}

export interface DatasetModel {
  agencyId: number;
  versionCount: number;
  createdAt: number;
}

export interface RequestModel {
  datasetId: string;
  requesterAgencyId: number;
  requestedAt: number;
  status: RequestStatus;
  grantId: number;
}

export interface GrantModel {
  datasetId: string;
  granteeAgencyId: number;
  grantedAt: number;
  expiresAt: number;
  status: GrantStatus;
}

/** OpenZeppelin AccessControlDefaultAdminRules storage, field for field. */
export interface GovernanceModel {
  currentAdmin: string;
  pendingAdmin: string;
  pendingAdminSchedule: number;
  currentDelay: number;
  pendingDelay: number;
  pendingDelaySchedule: number;
}

export type SignedTarget = 'registry' | 'grants';

export interface ModelState {
  /** Timestamp of the latest block: `eth_call` on "latest" sees this one. */
  now: number;
  governance: GovernanceModel;
  registrars: Set<string>;
  /** Index = agency id - 1. */
  agencies: AgencyModel[];
  codeToId: Map<string, number>;
  operatorOf: Map<string, number>;
  /** Keyed by lowercase content hash. */
  anchors: Map<string, AnchorModel>;
  /** Keyed by lowercase bytes12 dataset id. */
  datasets: Map<string, DatasetModel>;
  /** Index = id - 1. */
  requests: RequestModel[];
  /** Index = id - 1. */
  grants: GrantModel[];
  /** `${datasetId}:${agencyId}` → grant id. */
  currentGrants: Map<string, number>;
  /** `${signer}:${nonce}` per contract. */
  nonces: Record<SignedTarget, Set<string>>;
}

/** The state right after deployment through the Ignition Suite module. */
export function initialState(now: number, governance: string, registrar: string, delay: number): ModelState {
  return {
    now,
    governance: {
      currentAdmin: governance,
      pendingAdmin: ZERO,
      pendingAdminSchedule: 0,
      currentDelay: delay,
      pendingDelay: 0,
      pendingDelaySchedule: 0,
    },
    registrars: new Set([registrar]),
    agencies: [],
    codeToId: new Map(),
    operatorOf: new Map(),
    anchors: new Map(),
    datasets: new Map(),
    requests: [],
    grants: [],
    currentGrants: new Map(),
    nonces: { registry: new Set(), grants: new Set() },
  };
}

export function cloneState(state: ModelState): ModelState {
  return structuredClone(state);
}

// ---------------------------------------------------------------------------------------------------------------
// Actions

export interface AnchorItemArgs {
  datasetKey: string;
  contentHash: string;
  kind: number;
  fileCount: number;
  uri: string;
}

/** One item of `anchorVersionBatch`: the next version of an existing dataset, by id (the URIs travel apart). */
export interface VersionItemArgs {
  datasetId: string;
  contentHash: string;
  kind: number;
  fileCount: number;
}

/** A call that can also be signed offline and relayed (the `...BySig` functions). */
export type SignableAction =
  | ({ fn: 'anchor' } & AnchorItemArgs)
  | { fn: 'anchorBatch'; items: AnchorItemArgs[] }
  | { fn: 'withdraw'; contentHash: string; reason: string }
  | { fn: 'requestAccess'; datasetId: string; purpose: string }
  | { fn: 'approveRequest'; requestId: number; expiresAt: number }
  | { fn: 'denyRequest'; requestId: number; reason: string }
  | { fn: 'grantAccess'; datasetId: string; granteeAgencyId: number; expiresAt: number; purpose: string }
  | { fn: 'revokeGrant'; grantId: number; reason: string };

export type DirectAction =
  | SignableAction
  | { fn: 'registerAgency'; code: string; name: string; metadataURI: string; admin: string }
  | { fn: 'suspendAgency' | 'reinstateAgency' | 'retireAgency'; agencyId: number }
  | { fn: 'updateAgencyMetadata'; agencyId: number; name: string; metadataURI: string }
  | { fn: 'addOperator' | 'removeOperator'; agencyId: number; operator: string }
  | { fn: 'beginAgencyAdminTransfer'; agencyId: number; newAdmin: string }
  | { fn: 'acceptAgencyAdmin'; agencyId: number }
  | { fn: 'beginDefaultAdminTransfer'; newAdmin: string }
  | { fn: 'cancelDefaultAdminTransfer' | 'acceptDefaultAdminTransfer' | 'rollbackDefaultAdminDelay' }
  | { fn: 'changeDefaultAdminDelay'; newDelay: number }
  | { fn: 'grantRole' | 'revokeRole' | 'renounceRole'; role: string; account: string }
  | { fn: 'anchorVersion'; datasetId: string; contentHash: string; kind: number; fileCount: number; uri: string }
  | { fn: 'anchorVersionBatch'; items: VersionItemArgs[]; uris: string[] }
  | { fn: 'cancelRequest'; requestId: number }
  | { fn: 'invalidateNonce'; target: SignedTarget; nonce: bigint };

/** How the signature of a signed action was made: only `valid` is the signer's signature over this very action. */
export type SignatureVariant = 'valid' | 'wrongKey' | 'otherChain' | 'otherContract' | 'tampered';

export interface SignedAuth {
  signer: string;
  nonce: bigint;
  deadline: number;
  variant: SignatureVariant;
}

/** One call inside `relayBatch`: a signed action, a plain call made as the relayer, or calldata that matches nothing. */
export type RelayItem =
  | { kind: 'signed'; action: SignableAction; auth: SignedAuth }
  | { kind: 'direct'; action: SignableAction }
  | { kind: 'garbage' };

/** A transaction: `from` sends it. */
export type Action =
  | ({ from: string } & DirectAction)
  | { from: string; fn: 'bySig'; action: SignableAction; auth: SignedAuth }
  | { from: string; fn: 'relayBatch'; target: SignedTarget; items: RelayItem[] };

/** Which contract a signable action goes to. */
export function targetOf(action: SignableAction): SignedTarget {
  return action.fn === 'anchor' || action.fn === 'anchorBatch' || action.fn === 'withdraw' ? 'registry' : 'grants';
}

/** The outcome of a call: the new state, or the custom error it reverts with ('' for a revert without data). */
export type Outcome = { ok: true; state: ModelState; relayResults?: (string | null)[] } | { ok: false; error: string };

class Revert extends Error {
  constructor(readonly errorName: string) {
    super(errorName);
  }
}

function revert(errorName: string): never {
  throw new Revert(errorName);
}

/**
 * Runs `action` in a block with timestamp `time` against a copy of `state`. Does not advance `now`: the caller
 * does that for every mined block, reverted or not.
 */
export function execute(state: ModelState, action: Action, time: number): Outcome {
  const next = cloneState(state);
  try {
    const relayResults = apply(next, action, time);
    return { ok: true, state: next, relayResults };
  } catch (error) {
    if (error instanceof Revert) return { ok: false, error: error.errorName };
    throw error;
  }
}

function apply(s: ModelState, action: Action, t: number): (string | null)[] | undefined {
  const from = action.from;
  switch (action.fn) {
    case 'bySig':
      authorize(s, targetOf(action.action), action.auth, t);
      applySignable(s, action.auth.signer, action.action, t);
      return undefined;
    case 'relayBatch':
      return relayBatch(s, from, action.target, action.items, t);
    default:
      applyDirect(s, from, action, t);
      return undefined;
  }
}

function relayBatch(s: ModelState, relayer: string, target: SignedTarget, items: RelayItem[], t: number) {
  if (items.length === 0 || items.length > MAX_RELAY_BATCH) revert('RelayBatchSizeOutOfRange');
  const results: (string | null)[] = [];
  for (const item of items) {
    // Each item runs as a delegatecall of its own: a failure undoes that item only.
    let outcome: Outcome;
    if (item.kind === 'garbage') outcome = { ok: false, error: '' };
    else if (item.kind === 'direct') {
      outcome =
        targetOf(item.action) === target ? execute(s, { from: relayer, ...item.action }, t) : { ok: false, error: '' };
    } else {
      outcome =
        targetOf(item.action) === target
          ? execute(s, { from: relayer, fn: 'bySig', action: item.action, auth: item.auth }, t)
          : { ok: false, error: '' };
    }
    if (outcome.ok) {
      Object.assign(s, outcome.state);
      results.push(null);
    } else results.push(outcome.error);
  }
  return results;
}

function authorize(s: ModelState, target: SignedTarget, auth: SignedAuth, t: number) {
  if (t > auth.deadline) revert('SignatureExpired');
  useNonce(s, target, auth.signer, auth.nonce);
  if (auth.variant !== 'valid') revert('InvalidSignature');
}

function useNonce(s: ModelState, target: SignedTarget, signer: string, nonce: bigint) {
  const key = `${signer}:${nonce}`;
  if (s.nonces[target].has(key)) revert('NonceAlreadyUsed');
  s.nonces[target].add(key);
}

function applyDirect(s: ModelState, from: string, action: { from: string } & DirectAction, t: number) {
  switch (action.fn) {
    case 'registerAgency': {
      onlyRole(s, REGISTRAR_ROLE, from);
      if (!isValidAgencyCode(action.code)) revert('InvalidAgencyCode');
      if (action.name.length === 0) revert('EmptyAgencyName');
      if (action.admin === ZERO) revert('ZeroAddress');
      if (s.codeToId.has(action.code)) revert('AgencyCodeTaken');
      s.agencies.push({
        code: action.code,
        name: action.name,
        metadataURI: action.metadataURI,
        admin: action.admin,
        status: AgencyStatus.Active,
        operators: [],
        pendingAdmin: ZERO,
      });
      s.codeToId.set(action.code, s.agencies.length);
      return;
    }
    case 'suspendAgency':
      return changeStatus(s, from, action.agencyId, AgencyStatus.Active, AgencyStatus.Suspended);
    case 'reinstateAgency':
      return changeStatus(s, from, action.agencyId, AgencyStatus.Suspended, AgencyStatus.Active);
    case 'retireAgency': {
      const status = agencyStatus(s, action.agencyId);
      const fromStatus = status === AgencyStatus.Suspended ? status : AgencyStatus.Active;
      return changeStatus(s, from, action.agencyId, fromStatus, AgencyStatus.Retired);
    }
    case 'updateAgencyMetadata': {
      const agency = checkAgencyAdmin(s, action.agencyId, from);
      if (action.name.length === 0) revert('EmptyAgencyName');
      agency.name = action.name;
      agency.metadataURI = action.metadataURI;
      return;
    }
    case 'addOperator': {
      const agency = checkAgencyAdmin(s, action.agencyId, from);
      if (action.operator === ZERO) revert('ZeroAddress');
      if (agency.status === AgencyStatus.Retired) revert('AgencyNotActive');
      if (s.operatorOf.has(action.operator)) revert('OperatorAlreadyAssigned');
      if (agency.operators.length >= MAX_OPERATORS) revert('TooManyOperators');
      agency.operators.push(action.operator);
      s.operatorOf.set(action.operator, action.agencyId);
      return;
    }
    case 'removeOperator': {
      const agency = checkAgencyAdmin(s, action.agencyId, from);
      if (s.operatorOf.get(action.operator) !== action.agencyId) revert('NotAgencyOperator');
      const position = agency.operators.indexOf(action.operator);
      agency.operators[position] = agency.operators[agency.operators.length - 1];
      agency.operators.pop();
      s.operatorOf.delete(action.operator);
      return;
    }
    case 'beginAgencyAdminTransfer': {
      checkAgencyAdmin(s, action.agencyId, from).pendingAdmin = action.newAdmin;
      return;
    }
    case 'acceptAgencyAdmin': {
      const agency = s.agencies[action.agencyId - 1];
      if (agency === undefined || agency.pendingAdmin !== from) revert('NotPendingAgencyAdmin');
      agency.pendingAdmin = ZERO;
      agency.admin = from;
      return;
    }
    case 'beginDefaultAdminTransfer': {
      onlyRole(s, DEFAULT_ADMIN_ROLE, from);
      setPendingDefaultAdmin(s, action.newAdmin, t + defaultAdminDelay(s.governance, t));
      return;
    }
    case 'cancelDefaultAdminTransfer':
      onlyRole(s, DEFAULT_ADMIN_ROLE, from);
      setPendingDefaultAdmin(s, ZERO, 0);
      return;
    case 'acceptDefaultAdminTransfer': {
      const g = s.governance;
      if (from !== g.pendingAdmin) revert('AccessControlInvalidDefaultAdmin');
      if (g.pendingAdminSchedule === 0 || !(g.pendingAdminSchedule < t))
        revert('AccessControlEnforcedDefaultAdminDelay');
      g.currentAdmin = from;
      g.pendingAdmin = ZERO;
      g.pendingAdminSchedule = 0;
      return;
    }
    case 'changeDefaultAdminDelay': {
      onlyRole(s, DEFAULT_ADMIN_ROLE, from);
      const current = defaultAdminDelay(s.governance, t);
      const wait =
        action.newDelay > current ? Math.min(action.newDelay, DELAY_INCREASE_WAIT) : current - action.newDelay;
      setPendingDelay(s.governance, action.newDelay, t + wait, t);
      return;
    }
    case 'rollbackDefaultAdminDelay':
      onlyRole(s, DEFAULT_ADMIN_ROLE, from);
      setPendingDelay(s.governance, 0, 0, t);
      return;
    case 'grantRole':
    case 'revokeRole': {
      if (action.role === DEFAULT_ADMIN_ROLE) revert('AccessControlEnforcedDefaultAdminRules');
      onlyRole(s, DEFAULT_ADMIN_ROLE, from); // the admin role of every other role
      if (action.role !== REGISTRAR_ROLE) throw new Error('the model only knows REGISTRAR_ROLE');
      if (action.fn === 'grantRole') s.registrars.add(action.account);
      else s.registrars.delete(action.account);
      return;
    }
    case 'renounceRole': {
      const g = s.governance;
      if (action.role === DEFAULT_ADMIN_ROLE && action.account === g.currentAdmin) {
        if (g.pendingAdmin !== ZERO || g.pendingAdminSchedule === 0 || !(g.pendingAdminSchedule < t)) {
          revert('AccessControlEnforcedDefaultAdminDelay');
        }
        g.pendingAdminSchedule = 0;
      }
      if (action.account !== from) revert('AccessControlBadConfirmation');
      if (action.role === DEFAULT_ADMIN_ROLE) {
        if (from === g.currentAdmin) g.currentAdmin = ZERO;
      } else if (action.role === REGISTRAR_ROLE) s.registrars.delete(from);
      else throw new Error('the model only knows REGISTRAR_ROLE');
      return;
    }
    case 'anchorVersion':
      anchorVersion(s, activeAgencyOf(s, from), action, t);
      return;
    case 'anchorVersionBatch': {
      // All or nothing, like anchorBatch: `uris` is empty (no URIs) or one per item.
      const agencyId = activeAgencyOf(s, from);
      const count = action.items.length;
      if (count === 0 || count > MAX_BATCH_SIZE) revert('BatchSizeOutOfRange');
      if (action.uris.length !== 0 && action.uris.length !== count) revert('BatchSizeOutOfRange');
      for (const item of action.items) anchorVersion(s, agencyId, item, t);
      return;
    }
    case 'cancelRequest': {
      const agencyId = activeAgencyOf(s, from);
      const request = pendingRequest(s, action.requestId);
      if (request.requesterAgencyId !== agencyId) revert('NotRequester');
      request.status = RequestStatus.Cancelled;
      return;
    }
    case 'invalidateNonce':
      useNonce(s, action.target, from, action.nonce);
      return;
    default:
      applySignable(s, from, action, t);
  }
}

/** A signable action by `operator` (the sender of a direct call, or the signer of a signed one). */
function applySignable(s: ModelState, operator: string, action: SignableAction, t: number) {
  switch (action.fn) {
    case 'anchor':
      record(s, activeAgencyOf(s, operator), action, t);
      return;
    case 'anchorBatch': {
      const agencyId = activeAgencyOf(s, operator);
      if (action.items.length === 0 || action.items.length > MAX_BATCH_SIZE) revert('BatchSizeOutOfRange');
      for (const item of action.items) record(s, agencyId, item, t);
      return;
    }
    case 'withdraw': {
      const agencyId = activeAgencyOf(s, operator);
      const anchor = s.anchors.get(action.contentHash);
      if (anchor === undefined) revert('UnknownContentHash');
      if (anchor.agencyId !== agencyId) revert('DatasetOwnedByAnotherAgency');
      if (anchor.withdrawn) revert('AnchorAlreadyWithdrawn');
      if (action.reason.length === 0) revert('EmptyReason');
      anchor.withdrawn = true;
      return;
    }
    case 'requestAccess': {
      if (action.purpose.length === 0) revert('EmptyText');
      const agencyId = activeAgencyOf(s, operator);
      if (datasetOwner(s, action.datasetId) === agencyId) revert('OwnAgencyAccess');
      s.requests.push({
        datasetId: action.datasetId,
        requesterAgencyId: agencyId,
        requestedAt: t,
        status: RequestStatus.Pending,
        grantId: 0,
      });
      return;
    }
    case 'approveRequest': {
      const request = pendingRequest(s, action.requestId);
      checkOwnerOperator(s, operator, request.datasetId);
      request.status = RequestStatus.Approved;
      request.grantId = grant(s, request.datasetId, request.requesterAgencyId, action.expiresAt, t);
      return;
    }
    case 'denyRequest': {
      if (action.reason.length === 0) revert('EmptyText');
      const request = pendingRequest(s, action.requestId);
      checkOwnerOperator(s, operator, request.datasetId);
      request.status = RequestStatus.Denied;
      return;
    }
    case 'grantAccess': {
      if (action.purpose.length === 0) revert('EmptyText');
      const agencyId = checkOwnerOperator(s, operator, action.datasetId);
      if (action.granteeAgencyId === agencyId) revert('OwnAgencyAccess');
      grant(s, action.datasetId, action.granteeAgencyId, action.expiresAt, t);
      return;
    }
    case 'revokeGrant': {
      const existing = s.grants[action.grantId - 1];
      if (existing === undefined) revert('UnknownGrant');
      checkOwnerOperator(s, operator, existing.datasetId);
      if (existing.status !== GrantStatus.Active) revert('GrantNotActive');
      existing.status = GrantStatus.Revoked;
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rules

function hasRole(s: ModelState, role: string, account: string): boolean {
  if (role === DEFAULT_ADMIN_ROLE) return account !== ZERO && account === s.governance.currentAdmin;
  return s.registrars.has(account);
}

function onlyRole(s: ModelState, role: string, account: string) {
  if (!hasRole(s, role, account)) revert('AccessControlUnauthorizedAccount');
}

/** OpenZeppelin `defaultAdminDelay()` at time `t`. */
export function defaultAdminDelay(g: GovernanceModel, t: number): number {
  return g.pendingDelaySchedule !== 0 && g.pendingDelaySchedule < t ? g.pendingDelay : g.currentDelay;
}

/** OpenZeppelin `pendingDefaultAdminDelay()` at time `t`. */
export function pendingDefaultAdminDelay(g: GovernanceModel, t: number): [number, number] {
  return g.pendingDelaySchedule !== 0 && !(g.pendingDelaySchedule < t)
    ? [g.pendingDelay, g.pendingDelaySchedule]
    : [0, 0];
}

function setPendingDefaultAdmin(s: ModelState, newAdmin: string, schedule: number) {
  s.governance.pendingAdmin = newAdmin;
  s.governance.pendingAdminSchedule = schedule;
}

function setPendingDelay(g: GovernanceModel, newDelay: number, schedule: number, t: number) {
  if (g.pendingDelaySchedule !== 0 && g.pendingDelaySchedule < t) g.currentDelay = g.pendingDelay;
  g.pendingDelay = newDelay;
  g.pendingDelaySchedule = schedule;
}

/** 1-64 bytes of `a-z 0-9 . _ -` (bytes, so any non-ASCII character is refused). */
export function isValidAgencyCode(code: string): boolean {
  const bytes = toUtf8Bytes(code);
  if (bytes.length === 0 || bytes.length > MAX_CODE_BYTES) return false;
  return /^[a-z0-9._-]+$/.test(code);
}

export function agencyStatus(s: ModelState, agencyId: number): AgencyStatus {
  return s.agencies[agencyId - 1]?.status ?? AgencyStatus.None;
}

function changeStatus(s: ModelState, from: string, agencyId: number, expected: AgencyStatus, to: AgencyStatus) {
  onlyRole(s, REGISTRAR_ROLE, from);
  const agency = s.agencies[agencyId - 1];
  if (agency === undefined) revert('UnknownAgency');
  if (agency.status !== expected) revert('InvalidAgencyStatusTransition');
  agency.status = to;
}

function checkAgencyAdmin(s: ModelState, agencyId: number, account: string): AgencyModel {
  const agency = s.agencies[agencyId - 1];
  if (account === ZERO || agency === undefined || agency.admin !== account) revert('NotAgencyAdmin');
  return agency;
}

/** The registry's `activeAgencyOf`: the agency `account` operates for, which must be active. */
export function activeAgencyOf(s: ModelState, account: string): number {
  const agencyId = s.operatorOf.get(account) ?? 0;
  if (agencyId === 0) revert('NotAnOperator');
  if (agencyStatus(s, agencyId) !== AgencyStatus.Active) revert('AgencyNotActive');
  return agencyId;
}

/** The error `activeAgencyOf(account)` reverts with, or null if it returns. */
export function activeAgencyError(s: ModelState, account: string): string | null {
  try {
    activeAgencyOf(s, account);
    return null;
  } catch (error) {
    if (error instanceof Revert) return error.errorName;
    throw error;
  }
}

const datasetIds = new Map<string, string>();

/** First 12 bytes of keccak256 of the key's UTF-8 bytes, lowercase hex (memoized: keys come from a small pool). */
export function datasetIdOf(key: string): string {
  let id = datasetIds.get(key);
  if (id === undefined) {
    id = keccak256(toUtf8Bytes(key)).slice(0, 26);
    datasetIds.set(key, id);
  }
  return id;
}

function checkNewAnchor(s: ModelState, contentHash: string, kind: number, fileCount: number) {
  if (contentHash === ZeroHash) revert('ZeroContentHash');
  if (!((kind === 1 && fileCount === 1) || (kind === 2 && fileCount !== 0))) revert('InvalidAnchorShape');
  if (s.anchors.has(contentHash)) revert('ContentAlreadyAnchored');
}

function record(s: ModelState, agencyId: number, item: AnchorItemArgs, t: number) {
  checkNewAnchor(s, item.contentHash, item.kind, item.fileCount);
  const datasetId = datasetIdOf(item.datasetKey);
  const dataset = s.datasets.get(datasetId);
  let version: number;
  if (dataset === undefined) {
    checkNewDatasetKey(s, item.datasetKey, agencyId);
    s.datasets.set(datasetId, { agencyId, versionCount: 1, createdAt: t });
    version = 1;
  } else version = bumpVersion(dataset, agencyId);
  store(s, item.contentHash, datasetId, version, agencyId, item.kind, item.fileCount, t);
}

/** The next version of an existing dataset, named by id (anchorVersion, and each item of anchorVersionBatch). */
function anchorVersion(s: ModelState, agencyId: number, item: VersionItemArgs, t: number) {
  checkNewAnchor(s, item.contentHash, item.kind, item.fileCount);
  const dataset = s.datasets.get(item.datasetId);
  if (dataset === undefined) revert('UnknownDataset');
  const version = bumpVersion(dataset, agencyId);
  store(s, item.contentHash, item.datasetId, version, agencyId, item.kind, item.fileCount, t);
}

function checkNewDatasetKey(s: ModelState, key: string, agencyId: number) {
  const bytes = toUtf8Bytes(key);
  if (bytes.length > MAX_KEY_BYTES) revert('InvalidDatasetKey');
  const slash = bytes.indexOf(0x2f);
  const prefixLength = slash === -1 ? bytes.length : slash;
  if (prefixLength === 0 || prefixLength + 1 >= bytes.length) revert('InvalidDatasetKey');
  // The prefix ends before an ASCII "/", so it is valid UTF-8 on its own.
  const prefix = toUtf8String(bytes.slice(0, prefixLength));
  if ((s.codeToId.get(prefix) ?? 0) !== agencyId) revert('DatasetKeyOutsideNamespace');
}

function bumpVersion(dataset: DatasetModel, agencyId: number): number {
  if (dataset.agencyId !== agencyId) revert('DatasetOwnedByAnotherAgency');
  return ++dataset.versionCount;
}

function store(
  s: ModelState,
  contentHash: string,
  datasetId: string,
  version: number,
  agencyId: number,
  kind: number,
  fileCount: number,
  t: number,
) {
  s.anchors.set(contentHash, { datasetId, version, agencyId, anchoredAt: t, fileCount, kind, withdrawn: false });
}

function datasetOwner(s: ModelState, datasetId: string): number {
  const dataset = s.datasets.get(datasetId);
  if (dataset === undefined) revert('UnknownDataset');
  return dataset.agencyId;
}

function checkOwnerOperator(s: ModelState, operator: string, datasetId: string): number {
  const agencyId = activeAgencyOf(s, operator);
  if (datasetOwner(s, datasetId) !== agencyId) revert('NotDatasetOwner');
  return agencyId;
}

function pendingRequest(s: ModelState, requestId: number): RequestModel {
  const request = s.requests[requestId - 1];
  if (request === undefined) revert('UnknownRequest');
  if (request.status !== RequestStatus.Pending) revert('RequestNotPending');
  return request;
}

function grant(s: ModelState, datasetId: string, granteeAgencyId: number, expiresAt: number, t: number): number {
  if (expiresAt <= t) revert('InvalidExpiry');
  if (agencyStatus(s, granteeAgencyId) !== AgencyStatus.Active) revert('GranteeNotActive');
  s.grants.push({ datasetId, granteeAgencyId, grantedAt: t, expiresAt, status: GrantStatus.Active });
  const grantId = s.grants.length;
  const key = `${datasetId}:${granteeAgencyId}`;
  const previous = s.currentGrants.get(key) ?? 0;
  s.currentGrants.set(key, grantId);
  if (previous !== 0 && s.grants[previous - 1].status === GrantStatus.Active) {
    s.grants[previous - 1].status = GrantStatus.Superseded;
  }
  return grantId;
}

/**
 * The rule for access, as the issue states it: the owner while it is active, or an agency holding a current grant
 * (active: not revoked, not superseded) that has not expired at time `t`, while both it and the owner are active.
 */
export function hasAccess(s: ModelState, datasetId: string, agencyId: number, t: number): boolean {
  const dataset = s.datasets.get(datasetId);
  if (dataset === undefined) throw new Error('hasAccess of an unknown dataset reverts');
  if (agencyStatus(s, dataset.agencyId) !== AgencyStatus.Active) return false;
  if (agencyStatus(s, agencyId) !== AgencyStatus.Active) return false;
  if (dataset.agencyId === agencyId) return true;
  const grantId = s.currentGrants.get(`${datasetId}:${agencyId}`) ?? 0;
  const current = s.grants[grantId - 1];
  return current !== undefined && current.status === GrantStatus.Active && t < current.expiresAt;
}

/** Who holds any role at all (the complement is "outsiders"). */
export function hasAnyRole(s: ModelState, account: string): boolean {
  const g = s.governance;
  if (account === g.currentAdmin || account === g.pendingAdmin || s.registrars.has(account)) return true;
  if (s.operatorOf.has(account)) return true;
  return s.agencies.some((a) => a.admin === account || a.pendingAdmin === account);
}

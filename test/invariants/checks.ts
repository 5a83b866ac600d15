/**
 * What is checked after every step of the stateful property tests:
 * - {@link compareWithModel}: every item read from the chain equals what the model predicts;
 * - {@link checkInvariants}: the suite's invariants, checked on the chain's own state (independently of the model)
 *   by comparing what was read before and after the step.
 *
 * Each step reads governance, every agency, every account and the counts, plus the items the step touched
 * ({@link stepQuery}); every few steps and at the end of each run, everything ({@link fullQuery}).
 */
import { ZeroAddress } from 'ethers';
import {
  activeAgencyError,
  AgencyStatus,
  datasetIdOf,
  defaultAdminDelay,
  GrantStatus,
  hasAccess,
  pendingDefaultAdminDelay,
  targetOf,
  type Action,
  type ModelState,
  type SignableAction,
  type SignedTarget,
} from './model';
import {
  nonceKey,
  type AgencyState,
  type AnchorState,
  type ChainRead,
  type ChainView,
  type DatasetState,
  type GovernanceState,
  type GrantState,
  type NonceProbe,
  type ReaderQuery,
  type RequestState,
} from './world';
import type { Universe } from './commands';

const ZERO_DATASET_ID = '0x' + '00'.repeat(12);
const NO_ANCHOR: AnchorState = {
  datasetId: ZERO_DATASET_ID,
  version: 0,
  agencyId: 0,
  anchoredAt: 0,
  fileCount: 0,
  kind: 0,
  withdrawn: false,
};
const NO_AGENCY: AgencyState = {
  admin: ZeroAddress,
  status: 0,
  code: '',
  name: '',
  metadataURI: '',
  pendingAdmin: ZeroAddress,
  operators: [],
};
const NO_GOVERNANCE: GovernanceState = {
  defaultAdmin: ZeroAddress,
  owner: ZeroAddress,
  pendingAdmin: ZeroAddress,
  pendingAdminSchedule: 0,
  delay: 0,
  pendingDelay: 0,
  pendingDelaySchedule: 0,
};
const NO_REQUEST: RequestState = {
  datasetId: ZERO_DATASET_ID,
  requesterAgencyId: 0,
  requestedAt: 0,
  status: 0,
  grantId: 0,
};
const NO_GRANT: GrantState = { datasetId: ZERO_DATASET_ID, granteeAgencyId: 0, grantedAt: 0, expiresAt: 0, status: 0 };

// ---------------------------------------------------------------------------------------------------------------
// What to read

/** Steps that may change governance or roles. */
const GOVERNANCE_FUNCTIONS: string[] = [
  'beginDefaultAdminTransfer',
  'cancelDefaultAdminTransfer',
  'acceptDefaultAdminTransfer',
  'changeDefaultAdminDelay',
  'rollbackDefaultAdminDelay',
  'grantRole',
  'revokeRole',
  'renounceRole',
];

/** Everything: every account, hash, dataset key, request, grant and nonce of the universe. */
export function fullQuery(s: ModelState, u: Universe): ReaderQuery {
  const signers = [...u.eoas, ...u.wallets];
  const probes = (target: SignedTarget) =>
    signers.flatMap((signer) => {
      const extra = [...s.nonces[target]]
        .filter((key) => key.startsWith(`${signer}:`))
        .map((key) => BigInt(key.slice(signer.length + 1)));
      return [...new Set([...u.nonces, ...extra])].map((nonce) => ({ signer, nonce }));
    });
  return {
    withGovernance: true,
    withRoles: true,
    agencyIds: Array.from({ length: s.agencies.length + 2 }, (_, i) => i),
    accounts: [...signers, ZeroAddress],
    hashes: u.hashes,
    datasetIds: [...new Set(u.keys.map(datasetIdOf))],
    withAccess: [...new Set(u.keys.map(datasetIdOf))].map(() => true),
    accessAgencyIds: [],
    requestIds: Array.from({ length: s.requests.length + 1 }, (_, i) => i + 1),
    grantIds: Array.from({ length: s.grants.length + 1 }, (_, i) => i + 1),
    registryNonces: probes('registry'),
    grantsNonces: probes('grants'),
  };
}

/**
 * What a step may have changed: the agencies, accounts, hashes, datasets, requests and grants it names or creates,
 * the grants of those datasets, the nonces of its signers and sender; after a status change or time passing, every
 * dataset's access. Governance and roles after governance steps (and governance after time passes). The counts are
 * always read. Accounts are read when a step may change them (operators added or removed, agency statuses, roles).
 */
export function stepQuery(before: ModelState, after: ModelState, action: Action | undefined, u: Universe): ReaderQuery {
  const agencies = new Set<number>();
  const accounts = new Set<string>();
  const hashes = new Set<string>();
  const datasets = new Set<string>();
  /** Datasets whose access may have changed, and for which agencies (all of them if `accessAll`). */
  const access = new Set<string>();
  const accessAgencies = new Set<number>();
  let accessAll = action === undefined; // time passed
  const ownerOf = (datasetId: string) => before.datasets.get(datasetId)?.agencyId ?? 0;
  const requests = new Set<number>();
  const grants = new Set<number>();
  const nonces: Record<SignedTarget, Set<string>> = { registry: new Set(), grants: new Set() };

  const touchSignable = (a: SignableAction) => {
    switch (a.fn) {
      case 'anchor':
        hashes.add(a.contentHash);
        datasets.add(datasetIdOf(a.datasetKey));
        break;
      case 'anchorBatch':
        for (const item of a.items) {
          hashes.add(item.contentHash);
          datasets.add(datasetIdOf(item.datasetKey));
        }
        break;
      case 'withdraw': {
        hashes.add(a.contentHash);
        // Earlier in the step (an item of the same relayBatch) is as good as before it.
        const anchor = before.anchors.get(a.contentHash) ?? after.anchors.get(a.contentHash);
        if (anchor !== undefined) datasets.add(anchor.datasetId);
        break;
      }
      case 'requestAccess':
        datasets.add(a.datasetId);
        break;
      case 'grantAccess':
        datasets.add(a.datasetId);
        access.add(a.datasetId);
        accessAgencies.add(a.granteeAgencyId).add(ownerOf(a.datasetId));
        break;
      case 'approveRequest':
      case 'denyRequest': {
        requests.add(a.requestId);
        const request = before.requests[a.requestId - 1] ?? after.requests[a.requestId - 1];
        if (request !== undefined) datasets.add(request.datasetId);
        if (request !== undefined && a.fn === 'approveRequest') {
          access.add(request.datasetId);
          accessAgencies.add(request.requesterAgencyId).add(ownerOf(request.datasetId));
        }
        break;
      }
      case 'revokeGrant': {
        grants.add(a.grantId);
        const grant = before.grants[a.grantId - 1] ?? after.grants[a.grantId - 1];
        if (grant !== undefined) datasets.add(grant.datasetId);
        if (grant !== undefined) {
          access.add(grant.datasetId);
          accessAgencies.add(grant.granteeAgencyId).add(ownerOf(grant.datasetId));
        }
        break;
      }
    }
  };
  const touchSigner = (target: SignedTarget, signer: string) => nonces[target].add(signer);
  const touchAgency = (id: number) => {
    agencies.add(id);
    for (const state of [before, after]) for (const op of state.agencies[id - 1]?.operators ?? []) accounts.add(op);
  };

  let allDatasets = action === undefined; // time passed
  const governance = action !== undefined && GOVERNANCE_FUNCTIONS.includes(action.fn);
  if (action !== undefined) {
    switch (action.fn) {
      case 'bySig':
        touchSignable(action.action);
        touchSigner(targetOf(action.action), action.auth.signer);
        break;
      case 'relayBatch':
        for (const item of action.items) {
          if (item.kind === 'garbage') continue;
          touchSignable(item.action);
          if (item.kind === 'signed') touchSigner(action.target, item.auth.signer);
        }
        break;
      case 'invalidateNonce':
        touchSigner(action.target, action.from);
        break;
      case 'anchorVersion':
        hashes.add(action.contentHash);
        datasets.add(action.datasetId);
        break;
      case 'anchorVersionBatch':
        for (const item of action.items) {
          hashes.add(item.contentHash);
          datasets.add(item.datasetId);
        }
        break;
      case 'cancelRequest': {
        requests.add(action.requestId);
        const request = before.requests[action.requestId - 1];
        if (request !== undefined) datasets.add(request.datasetId);
        break;
      }
      case 'suspendAgency':
      case 'reinstateAgency':
      case 'retireAgency':
        touchAgency(action.agencyId);
        allDatasets = true;
        break;
      case 'registerAgency':
        agencies.add(before.agencies.length + 1);
        accounts.add(action.admin);
        break;
      case 'updateAgencyMetadata':
        agencies.add(action.agencyId);
        break;
      case 'addOperator':
      case 'removeOperator':
        agencies.add(action.agencyId);
        accounts.add(action.operator);
        break;
      case 'beginAgencyAdminTransfer':
        agencies.add(action.agencyId);
        accounts.add(action.newAdmin);
        break;
      case 'acceptAgencyAdmin':
        agencies.add(action.agencyId);
        accounts.add(action.from);
        if (before.agencies[action.agencyId - 1] !== undefined) {
          accounts.add(before.agencies[action.agencyId - 1].admin);
        }
        break;
      case 'beginDefaultAdminTransfer':
        accounts.add(action.newAdmin);
        break;
      case 'grantRole':
      case 'revokeRole':
      case 'renounceRole':
        accounts.add(action.account);
        break;
      case 'anchor':
      case 'anchorBatch':
      case 'withdraw':
      case 'requestAccess':
      case 'grantAccess':
      case 'approveRequest':
      case 'denyRequest':
      case 'revokeGrant':
        touchSignable(action);
        break;
      default:
        break;
    }
    if (governance) {
      // The sender and the governance admins before and after, whose roles a governance step may move.
      accounts.add(action.from);
      for (const g of [before.governance, after.governance]) accounts.add(g.currentAdmin).add(g.pendingAdmin);
    }
  }
  if (allDatasets) {
    accessAll = true;
    for (const id of after.datasets.keys()) access.add(id);
  }
  for (const id of after.datasets.keys()) {
    if (before.datasets.has(id)) continue;
    access.add(id); // created: the owner has access now
    accessAll = true;
  }
  for (const id of access) datasets.add(id);
  for (let id = before.requests.length + 1; id <= after.requests.length + 1; id++) requests.add(id);
  for (let id = before.grants.length + 1; id <= after.grants.length + 1; id++) grants.add(id);
  after.grants.forEach((g, i) => {
    if (datasets.has(g.datasetId)) grants.add(i + 1);
  });
  const probes = (target: SignedTarget): NonceProbe[] =>
    [...nonces[target]].flatMap((signer) => {
      const extra = [...after.nonces[target]]
        .filter((key) => key.startsWith(`${signer}:`))
        .map((key) => BigInt(key.slice(signer.length + 1)));
      return [...new Set([...u.nonces, ...extra])].map((nonce) => ({ signer, nonce }));
    });
  return {
    withGovernance: governance || action === undefined,
    withRoles: governance,
    agencyIds: [...agencies],
    accounts: [...accounts],
    hashes: [...hashes],
    datasetIds: [...datasets],
    withAccess: [...datasets].map((id) => access.has(id)),
    accessAgencyIds: accessAll ? [] : [...accessAgencies],
    requestIds: [...requests],
    grantIds: [...grants],
    registryNonces: probes('registry'),
    grantsNonces: probes('grants'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The model's prediction

/** What the model says `query` reads at the model's current time. */
export function expectedRead(s: ModelState, query: ReaderQuery): ChainRead {
  const t = s.now;
  const g = s.governance;
  const [pendingDelay, pendingDelaySchedule] = pendingDefaultAdminDelay(g, t);
  const allIds = Array.from({ length: s.agencies.length + 2 }, (_, i) => i);
  const accessIds = query.accessAgencyIds.length > 0 ? query.accessAgencyIds : allIds;
  const nonces = (target: SignedTarget, probes: NonceProbe[]) =>
    probes.map((p) => s.nonces[target].has(`${p.signer}:${p.nonce}`));
  return {
    blockTimestamp: t,
    governance: query.withGovernance
      ? {
          defaultAdmin: g.currentAdmin,
          owner: g.currentAdmin,
          pendingAdmin: g.pendingAdmin,
          pendingAdminSchedule: g.pendingAdminSchedule,
          delay: defaultAdminDelay(g, t),
          pendingDelay,
          pendingDelaySchedule,
        }
      : NO_GOVERNANCE,
    agencyCount: s.agencies.length,
    agencies: query.agencyIds.map((id) => {
      const a = s.agencies[id - 1];
      if (a === undefined) return { ...NO_AGENCY, operators: [] };
      return {
        admin: a.admin,
        status: a.status,
        code: a.code,
        name: a.name,
        metadataURI: a.metadataURI,
        pendingAdmin: a.pendingAdmin,
        operators: [...a.operators],
      };
    }),
    requestCount: s.requests.length,
    grantCount: s.grants.length,
    accounts: query.accounts.map((account) => {
      const error = activeAgencyError(s, account);
      return {
        operatorAgency: s.operatorOf.get(account) ?? 0,
        activeOperator: error === null,
        activeAgency: error === null ? s.operatorOf.get(account)! : 0,
        activeAgencyError: error,
        registrar: query.withRoles && s.registrars.has(account),
        defaultAdminRole: query.withRoles && account !== ZeroAddress && account === g.currentAdmin,
      };
    }),
    anchors: query.hashes.map((hash) => ({ ...(s.anchors.get(hash) ?? NO_ANCHOR) })),
    datasets: query.datasetIds.map((id, i): DatasetState => {
      const d = s.datasets.get(id);
      if (d === undefined) {
        return {
          exists: false,
          agencyId: 0,
          versionCount: 0,
          createdAt: 0,
          accessIds: [],
          access: [],
          currentGrants: [],
        };
      }
      const ids = query.withAccess[i] ? accessIds : [];
      return {
        exists: true,
        agencyId: d.agencyId,
        versionCount: d.versionCount,
        createdAt: d.createdAt,
        accessIds: ids,
        access: ids.map((a) => hasAccess(s, id, a, t)),
        currentGrants: ids.map((a) => s.currentGrants.get(`${id}:${a}`) ?? 0),
      };
    }),
    requests: query.requestIds.map((id) => ({ ...(s.requests[id - 1] ?? NO_REQUEST) })),
    grants: query.grantIds.map((id) => ({ ...(s.grants[id - 1] ?? NO_GRANT) })),
    registryNonces: nonces('registry', query.registryNonces),
    grantsNonces: nonces('grants', query.grantsNonces),
  };
}

/** Throws, naming every differing field (up to 12), unless what was read equals the model's prediction. */
export function compareWithModel(s: ModelState, query: ReaderQuery, actual: ChainRead): void {
  const differences: string[] = [];
  diff('chain', actual, expectedRead(s, query), differences, query);
  if (differences.length > 0) {
    throw new Error(`chain state differs from the model:\n  ${differences.slice(0, 12).join('\n  ')}`);
  }
}

function diff(path: string, actual: unknown, expected: unknown, out: string[], query: ReaderQuery): void {
  if (out.length >= 12) return;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${path}: chain ${short(actual)}, model ${short(expected)}`);
      return;
    }
    expected.forEach((e, i) => diff(`${path}[${itemName(path, i, query)}]`, actual[i], e, out, query));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    for (const [key, e] of Object.entries(expected)) {
      diff(`${path}.${key}`, (actual as Record<string, unknown>)[key], e, out, query);
    }
    return;
  }
  if (actual !== expected) out.push(`${path}: chain ${short(actual)}, model ${short(expected)}`);
}

/** Names array items by what they are (the hash, the account, ...) rather than by index. */
function itemName(path: string, i: number, query: ReaderQuery): string {
  const lists: Record<string, unknown[]> = {
    'chain.agencies': query.agencyIds.map((id) => `agency ${id}`),
    'chain.accounts': query.accounts,
    'chain.anchors': query.hashes,
    'chain.datasets': query.datasetIds,
    'chain.requests': query.requestIds,
    'chain.grants': query.grantIds,
  };
  const list = lists[path];
  if (list !== undefined) return String(list[i]);
  return String(i);
}

function short(v: unknown): string {
  const text = JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
  return text === undefined ? String(v) : text.length > 200 ? text.slice(0, 200) + '...' : text;
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants on the chain's own state

/** One step as the invariants see it. */
export interface StepInfo {
  /** The function called (`xBySig` and `relayBatch` for signed submissions, `timePasses`, `fullCheck`). */
  fn: string;
  /** The transaction's sender. */
  from: string;
  /** Whose authority the step used: the sender of a direct call, the signers of signed actions. */
  actors: string[];
  /** Accounts that may have written anchors in this step: the sender of a direct call, valid signers. */
  writers: string[];
  /** The block timestamp the step ran at. */
  time: number;
}

/** How many times each invariant was checked (for the report). */
export const invariantChecks: Record<string, number> = {};

function count(name: string) {
  invariantChecks[name] = (invariantChecks[name] ?? 0) + 1;
}

/**
 * The suite's invariants, checked on the chain's own state before (`prev`) and after (`next`, which includes what
 * `query` just read) a step, without the model. Throws naming the broken invariant.
 */
export function checkInvariants(prev: ChainView, next: ChainView, query: ReaderQuery, step: StepInfo): void {
  const fail = (name: string, detail: string): never => {
    throw new Error(`invariant "${name}" broken by ${step.fn}: ${detail}`);
  };

  // 1. An anchored hash's record never changes, except that it can become withdrawn (once, for good).
  count('anchor records never change (but withdrawal)');
  for (const hash of query.hashes) {
    const before = prev.anchors.get(hash);
    const after = next.anchors.get(hash)!;
    if (before === undefined || before.anchoredAt === 0) continue;
    const same =
      after.datasetId === before.datasetId &&
      after.version === before.version &&
      after.agencyId === before.agencyId &&
      after.anchoredAt === before.anchoredAt &&
      after.fileCount === before.fileCount &&
      after.kind === before.kind &&
      (after.withdrawn || !before.withdrawn);
    if (!same) fail('anchor records never change (but withdrawal)', `${hash}: ${short(before)} -> ${short(after)}`);
  }

  // 2. The versions of a dataset are exactly 1..versionCount (no gaps, no duplicates), all of the owner; a dataset's
  // owner and creation time never change.
  count('versions are 1..n without gaps');
  const anchors = [...next.anchors.values()].filter((a) => a.anchoredAt !== 0);
  for (const id of query.datasetIds) {
    const d = next.datasets.get(id)!;
    const mine = anchors.filter((a) => a.datasetId === id);
    const versions = mine.map((a) => a.version).sort((x, y) => x - y);
    const expected = d.exists ? Array.from({ length: d.versionCount }, (_, i) => i + 1) : [];
    if (versions.join() !== expected.join()) {
      fail('versions are 1..n without gaps', `${id}: versions [${versions}] but versionCount ${d.versionCount}`);
    }
    if (mine.some((a) => a.agencyId !== d.agencyId)) fail('versions are 1..n without gaps', `${id}: foreign version`);
    const before = prev.datasets.get(id);
    if (before?.exists && (!d.exists || d.agencyId !== before.agencyId || d.createdAt !== before.createdAt)) {
      fail('versions are 1..n without gaps', `${id}: owner or creation time changed`);
    }
  }

  // 3. Only an active operator of the owning agency writes to a dataset (anchors a version or withdraws one).
  count('only active operators of the owner write');
  for (const hash of query.hashes) {
    const before = prev.anchors.get(hash) ?? NO_ANCHOR;
    const after = next.anchors.get(hash)!;
    const written = (before.anchoredAt === 0 && after.anchoredAt !== 0) || (!before.withdrawn && after.withdrawn);
    if (!written) continue;
    const by = step.writers.find((w) => {
      const account = prev.accounts.get(w);
      return account !== undefined && account.activeOperator && account.activeAgency === after.agencyId;
    });
    if (by === undefined) {
      fail(
        'only active operators of the owner write',
        `${hash} written for agency ${after.agencyId} by ${step.writers.join(', ') || 'nobody'}`,
      );
    }
  }

  // 4. hasAccess is true exactly for the active owner, and for an active agency whose current grant of an active
  // owner's dataset is active (not revoked, not superseded) and unexpired.
  const ACCESS = 'access is exactly: active owner, or current unexpired grant with both agencies active';
  count(ACCESS);
  const statusOf = (id: number) => next.agencies.get(id)?.status ?? AgencyStatus.None;
  query.datasetIds.forEach((id, i) => {
    const d = next.datasets.get(id)!;
    if (!d.exists || !query.withAccess[i]) return;
    d.access.forEach((access, k) => {
      const a = d.accessIds[k];
      const grantId = d.currentGrants[k];
      const grant = grantId === 0 ? undefined : next.grants.get(grantId);
      if (grantId !== 0 && (grant === undefined || grant.datasetId !== id || grant.granteeAgencyId !== a)) {
        fail(ACCESS, `current grant ${grantId} of ${id} for ${a} is unknown or for something else`);
      }
      const current =
        grant !== undefined && grant.status === GrantStatus.Active && next.blockTimestamp < grant.expiresAt;
      const expected =
        statusOf(d.agencyId) === AgencyStatus.Active &&
        statusOf(a) === AgencyStatus.Active &&
        (a === d.agencyId || current);
      if (access !== expected) fail(ACCESS, `hasAccess(${id}, ${a}) = ${access}`);
    });
  });

  // 5. Roles change only by the two-step rules.
  count('roles change only by the two-step rules');
  checkRoleChanges(prev, next, step, fail);

  // 6. A call whose actors hold no role changes nothing (but the caller's own nonces, and what time alone changes).
  const outsider = (a: string) => {
    const account = prev.accounts.get(a);
    return (
      account !== undefined &&
      account.operatorAgency === 0 &&
      !account.registrar &&
      !account.defaultAdminRole &&
      prev.governance.pendingAdmin !== a &&
      ![...prev.agencies.values()].some((ag) => ag.admin === a || ag.pendingAdmin === a)
    );
  };
  if (step.actors.length > 0 && step.actors.every(outsider)) {
    count('a call by outsiders changes nothing');
    const changed = changedItems(prev, next, query, step.actors);
    if (changed.length > 0) {
      fail(
        'a call by outsiders changes nothing',
        `${step.actors.join(', ')} changed ${changed.slice(0, 5).join(', ')}`,
      );
    }
  }
}

function checkRoleChanges(
  prev: ChainView,
  next: ChainView,
  step: StepInfo,
  fail: (name: string, detail: string) => never,
): void {
  const name = 'roles change only by the two-step rules';
  const p = prev.governance;
  const c = next.governance;
  if (c.defaultAdmin !== p.defaultAdmin) {
    const scheduled = p.pendingAdminSchedule !== 0 && p.pendingAdminSchedule < step.time;
    const accepted =
      step.fn === 'acceptDefaultAdminTransfer' &&
      step.from === c.defaultAdmin &&
      p.pendingAdmin === c.defaultAdmin &&
      scheduled;
    const renounced =
      c.defaultAdmin === ZeroAddress &&
      step.fn === 'renounceRole' &&
      step.from === p.defaultAdmin &&
      p.pendingAdmin === ZeroAddress &&
      scheduled;
    if (!accepted && !renounced) fail(name, `governance admin ${p.defaultAdmin} -> ${c.defaultAdmin}`);
  }
  if (c.owner !== c.defaultAdmin) fail(name, `owner() ${c.owner} is not defaultAdmin() ${c.defaultAdmin}`);
  for (const [account, state] of next.accounts) {
    if (state.defaultAdminRole !== (account !== ZeroAddress && account === c.defaultAdmin)) {
      fail(
        name,
        `${account} ${state.defaultAdminRole ? 'holds' : 'lacks'} DEFAULT_ADMIN_ROLE; defaultAdmin ${c.defaultAdmin}`,
      );
    }
    const before = prev.accounts.get(account);
    if (before === undefined || before.registrar === state.registrar) continue;
    const byGovernance =
      (step.fn === 'grantRole' || step.fn === 'revokeRole') && prev.accounts.get(step.from)?.defaultAdminRole === true;
    const renounced = step.fn === 'renounceRole' && step.from === account && !state.registrar;
    if (!byGovernance && !renounced) fail(name, `registrar role of ${account} changed`);
  }
  for (const [id, before] of prev.agencies) {
    const after = next.agencies.get(id)!;
    if (before.status !== AgencyStatus.None && after.status === AgencyStatus.None)
      fail(name, `agency ${id} disappeared`);
    if (before.status !== AgencyStatus.None && after.admin !== before.admin) {
      const accepted =
        step.fn === 'acceptAgencyAdmin' && step.from === after.admin && before.pendingAdmin === after.admin;
      if (!accepted) fail(name, `agency ${id} admin ${before.admin} -> ${after.admin}`);
    }
  }
}

/**
 * What differs between two views, among the always-read state and the items of `query` that `prev` knew, leaving
 * out what time alone changes (delays, access) and the actors' own nonces.
 */
function changedItems(prev: ChainView, next: ChainView, query: ReaderQuery, actors: string[]): string[] {
  const changed: string[] = [];
  const same = (a: unknown, b: unknown) => short(a) === short(b);
  const timeless = (g: ChainView['governance']) => ({ ...g, delay: 0, pendingDelay: 0, pendingDelaySchedule: 0 });
  if (!same(timeless(prev.governance), timeless(next.governance))) changed.push('governance');
  const counts = (v: ChainView) => [v.agencyCount, v.requestCount, v.grantCount];
  if (!same(counts(prev), counts(next))) changed.push('counts');
  const compare = <K, V>(what: string, keys: K[], a: Map<K, V>, b: Map<K, V>, strip: (v: V) => unknown = (v) => v) => {
    for (const key of keys) {
      const before = a.get(key);
      if (before !== undefined && !same(strip(before), strip(b.get(key)!))) changed.push(`${what} ${key}`);
    }
  };
  compare('agency', query.agencyIds, prev.agencies, next.agencies);
  compare('account', query.accounts, prev.accounts, next.accounts);
  compare('anchor', query.hashes, prev.anchors, next.anchors);
  // Access is time-dependent; current grants are compared for the agencies read both times.
  for (const id of query.datasetIds) {
    const before = prev.datasets.get(id);
    const after = next.datasets.get(id)!;
    if (before === undefined) continue;
    const strip = (d: DatasetState) => ({
      exists: d.exists,
      agencyId: d.agencyId,
      versionCount: d.versionCount,
      createdAt: d.createdAt,
    });
    if (!same(strip(before), strip(after))) changed.push(`dataset ${id}`);
    before.accessIds.forEach((a, k) => {
      const j = after.accessIds.indexOf(a);
      if (j >= 0 && before.currentGrants[k] !== after.currentGrants[j]) changed.push(`current grant of ${id} for ${a}`);
    });
  }
  compare('request', query.requestIds, prev.requests, next.requests);
  compare('grant', query.grantIds, prev.grants, next.grants);
  const nonceKeys = [
    ...query.registryNonces.filter((p) => !actors.includes(p.signer)).map((p) => nonceKey('registry', p)),
    ...query.grantsNonces.filter((p) => !actors.includes(p.signer)).map((p) => nonceKey('grants', p)),
  ];
  compare('nonce', nonceKeys, prev.nonces, next.nonces);
  return changed;
}

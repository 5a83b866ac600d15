/**
 * The commands of the stateful property tests: one fast-check command per state-changing call of the suite (and one
 * that lets time pass). A command is generated as a *spec* of small choices ("an active operator", "a fresh hash",
 * "a key in the actor's namespace", "an expiry one second from now", ...) and resolved against the model when it
 * runs, so that random sequences reach deep states (agencies with datasets, grants, suspended agencies, ...) instead
 * of failing at the first access check, while still hitting every error path. Resolution is deterministic: the same
 * spec in the same model state gives the same call, so fast-check can replay and shrink sequences.
 */
import fc from 'fast-check';
import { ZeroHash } from 'ethers';
import {
  AgencyStatus,
  datasetIdOf,
  DEFAULT_ADMIN_ROLE,
  GrantStatus,
  hasAnyRole,
  REGISTRAR_ROLE,
  RequestStatus,
  UINT40_MAX,
  ZERO,
  type Action,
  type AnchorItemArgs,
  type ModelState,
  type RelayItem,
  type SignableAction,
  type SignatureVariant,
  type SignedAuth,
  type SignedTarget,
  type VersionItemArgs,
} from './model';
import type { ChainView } from './world';

const DAY = 24 * 60 * 60;

/** The fixed pools every run draws from (the state reader reads all of them after every step). */
export interface Universe {
  /** Accounts that send transactions. */
  eoas: string[];
  /** ERC-1271 wallets: they act only through signatures. */
  wallets: string[];
  /** Agency codes, valid and invalid, that registerAgency tries. */
  codes: string[];
  /** Dataset keys, valid and invalid. */
  keys: string[];
  /** Content hashes (non-zero). */
  hashes: string[];
  /** Nonces signers use. */
  nonces: bigint[];
}

/** What a command does once resolved: one transaction, or letting time pass. */
export type Resolved = { kind: 'call'; action: Action } | { kind: 'time'; seconds: number };

export interface Context {
  s: ModelState;
  u: Universe;
  /** The timestamp the transaction will be mined at. */
  T: number;
}

/** Runs resolved steps; implemented by the property test. */
export interface Runner {
  universe: Universe;
  step(model: ModelBox, resolved: Resolved, label: string): Promise<void>;
}

/** The model as fast-check holds it, with the chain state read after the previous step (for the invariants). */
export interface ModelBox {
  state: ModelState;
  chain: ChainView;
}

export class Step implements fc.AsyncCommand<ModelBox, Runner> {
  constructor(
    private readonly label: string,
    private readonly spec: unknown,
    private readonly resolver: (ctx: Context) => Resolved,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: ModelBox, runner: Runner): Promise<void> {
    const resolved = this.resolver({ s: model.state, u: runner.universe, T: model.state.now + 1 });
    await runner.step(model, resolved, this.toString());
  }

  toString(): string {
    return `${this.label}${compact(this.spec)}`;
  }
}

export function compact(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

// ---------------------------------------------------------------------------------------------------------------
// Choosing accounts, agencies, datasets, hashes, ids

type Role =
  | 'gov'
  | 'pendingGov'
  | 'registrar'
  | 'admin'
  | 'pendingAdmin'
  | 'operator'
  | 'activeOperator'
  | 'inactiveOperator'
  | 'outsider'
  | 'wallet'
  | 'zero'
  | 'any';

interface Who {
  role: Role;
  i: number;
}

const nat = fc.nat({ max: 0xffff });

function weighted<T>(weights: [T, number][]): fc.Arbitrary<T> {
  return fc.oneof(...weights.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })));
}

function who(weights: Partial<Record<Role, number>>): fc.Arbitrary<Who> {
  return fc.record({ role: weighted(Object.entries(weights) as [Role, number][]), i: nat });
}

function is(s: ModelState, role: Role, a: string, u: Universe): boolean {
  switch (role) {
    case 'gov':
      return a === s.governance.currentAdmin;
    case 'pendingGov':
      return a === s.governance.pendingAdmin;
    case 'registrar':
      return s.registrars.has(a);
    case 'admin':
      return s.agencies.some((ag) => ag.admin === a);
    case 'pendingAdmin':
      return s.agencies.some((ag) => ag.pendingAdmin === a);
    case 'operator':
      return s.operatorOf.has(a);
    case 'activeOperator':
      return s.operatorOf.has(a) && s.agencies[s.operatorOf.get(a)! - 1].status === AgencyStatus.Active;
    case 'inactiveOperator':
      return s.operatorOf.has(a) && s.agencies[s.operatorOf.get(a)! - 1].status !== AgencyStatus.Active;
    case 'outsider':
      return a !== ZERO && !hasAnyRole(s, a);
    case 'wallet':
      return u.wallets.includes(a);
    case 'zero':
      return a === ZERO;
    case 'any':
      return a !== ZERO;
  }
}

/** A sender of transactions (an EOA). */
function sender(ctx: Context, w: Who): string {
  return pick(ctx, w, ctx.u.eoas);
}

/** A signer (an EOA or an ERC-1271 wallet). */
function signer(ctx: Context, w: Who): string {
  return pick(ctx, w, [...ctx.u.eoas, ...ctx.u.wallets]);
}

/** An address argument (any account, or zero). */
function target(ctx: Context, w: Who): string {
  return pick(ctx, w, [...ctx.u.eoas, ...ctx.u.wallets, ZERO]);
}

function pick(ctx: Context, w: Who, pool: string[]): string {
  const matching = pool.filter((a) => is(ctx.s, w.role, a, ctx.u));
  const list = matching.length > 0 ? matching : pool.filter((a) => a !== ZERO);
  return list[w.i % list.length];
}

function choose<T>(list: T[], i: number, fallback: () => T): T {
  return list.length > 0 ? list[i % list.length] : fallback();
}

/** Any agency id from 0 (never valid) to count + 1 (not registered yet). */
function anyAgencyId(s: ModelState, i: number): number {
  return i % (s.agencies.length + 2);
}

interface AgencySel {
  mode: 'administered' | 'pending' | 'any';
  i: number;
}
const agencySel = (administered: number, pending: number, any: number): fc.Arbitrary<AgencySel> =>
  fc.record({
    mode: weighted<AgencySel['mode']>([
      ['administered', administered],
      ['pending', pending],
      ['any', any],
    ]),
    i: nat,
  });

function agencyFor(ctx: Context, sel: AgencySel, actor: string): number {
  const ids = ctx.s.agencies.map((_, k) => k + 1);
  const fallback = () => anyAgencyId(ctx.s, sel.i);
  switch (sel.mode) {
    case 'administered':
      return choose(
        ids.filter((id) => ctx.s.agencies[id - 1].admin === actor),
        sel.i,
        fallback,
      );
    case 'pending':
      return choose(
        ids.filter((id) => ctx.s.agencies[id - 1].pendingAdmin === actor),
        sel.i,
        fallback,
      );
    case 'any':
      return fallback();
  }
}

interface KeySel {
  mode: 'own' | 'ownExisting' | 'otherExisting' | 'anyExisting' | 'pool';
  i: number;
}
const keySel = (weights: [KeySel['mode'], number][]): fc.Arbitrary<KeySel> =>
  fc.record({ mode: weighted(weights), i: nat });

function keyFor(ctx: Context, sel: KeySel, actor: string): string {
  const { s, u } = ctx;
  const agencyId = s.operatorOf.get(actor) ?? 0;
  const code = s.agencies[agencyId - 1]?.code;
  const pool = () => u.keys[sel.i % u.keys.length];
  const existing = u.keys.filter((k) => s.datasets.has(datasetIdOf(k)));
  const owner = (k: string) => s.datasets.get(datasetIdOf(k))?.agencyId;
  switch (sel.mode) {
    case 'own':
      return choose(
        u.keys.filter((k) => code !== undefined && k.startsWith(`${code}/`)),
        sel.i,
        pool,
      );
    case 'ownExisting':
      return choose(
        existing.filter((k) => owner(k) === agencyId),
        sel.i,
        () => keyFor(ctx, { mode: 'own', i: sel.i }, actor),
      );
    case 'otherExisting':
      return choose(
        existing.filter((k) => owner(k) !== agencyId),
        sel.i,
        pool,
      );
    case 'anyExisting':
      return choose(existing, sel.i, pool);
    case 'pool':
      return pool();
  }
}

interface HashSel {
  mode: 'fresh' | 'anchored' | 'ownAnchored' | 'pool' | 'zero' | 'previous';
  i: number;
}
const hashSel = (weights: [HashSel['mode'], number][]): fc.Arbitrary<HashSel> =>
  fc.record({ mode: weighted(weights), i: nat });

/** `taken`: hashes already used by earlier items of the same batch. */
function hashFor(ctx: Context, sel: HashSel, actor: string, taken: string[]): string {
  const { s, u } = ctx;
  const anchored = u.hashes.filter((h) => s.anchors.has(h));
  switch (sel.mode) {
    case 'fresh': {
      for (let k = 0; k < u.hashes.length; k++) {
        const h = u.hashes[(sel.i + k) % u.hashes.length];
        if (!s.anchors.has(h) && !taken.includes(h)) return h;
      }
      return u.hashes[sel.i % u.hashes.length];
    }
    case 'anchored':
      return choose(anchored, sel.i, () => u.hashes[sel.i % u.hashes.length]);
    case 'ownAnchored': {
      const agencyId = s.operatorOf.get(actor) ?? -1;
      return choose(
        anchored.filter((h) => s.anchors.get(h)!.agencyId === agencyId && !s.anchors.get(h)!.withdrawn),
        sel.i,
        () => hashFor(ctx, { mode: 'anchored', i: sel.i }, actor, taken),
      );
    }
    case 'pool':
      return u.hashes[sel.i % u.hashes.length];
    case 'zero':
      return ZeroHash;
    case 'previous':
      return taken.length > 0 ? taken[taken.length - 1] : hashFor(ctx, { mode: 'fresh', i: sel.i }, actor, taken);
  }
}

/** [kind, fileCount]: mostly valid, sometimes not. */
const shape = weighted<[number, number]>([
  [[1, 1], 8],
  [[2, 3], 3],
  [[2, 1], 1],
  [[1, 2], 1],
  [[2, 0], 1],
  [[0, 1], 1],
]);

const uri = weighted<string>([
  ['ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi', 4],
  ['', 1],
  ['https://data.example.gov/census.csv', 2],
]);

/**
 * URIs of anchorVersionBatch items, whose logs are written in assembly: lengths at and around word boundaries
 * (0, 1, 31, 32, 33, 64, 65), a long one and a non-ASCII one, in any order within a batch.
 */
const BATCH_URIS = [
  '',
  'a',
  'ipfs://' + 'b'.repeat(24),
  'ipfs://' + 'c'.repeat(25),
  'ipfs://' + 'd'.repeat(26),
  'ipfs://' + 'e'.repeat(57),
  'ipfs://' + 'f'.repeat(58),
  'https://data.example.gov/' + 'g'.repeat(275),
  'https://tjj.hunan.gov.cn/统计年鉴/é',
];

const text = (value: string) =>
  weighted<string>([
    [value, 9],
    ['', 1],
  ]);

type ExpirySel = 'zero' | 'past' | 'now' | 'next' | 'soon' | 'hour' | 'month' | 'max';
const expiry = weighted<ExpirySel>([
  ['zero', 1],
  ['past', 1],
  ['now', 2],
  ['next', 2],
  ['soon', 3],
  ['hour', 5],
  ['month', 4],
  ['max', 1],
]);

function expiryAt(sel: ExpirySel, T: number): number {
  const values: Record<ExpirySel, number> = {
    zero: 0,
    past: T - 1,
    now: T,
    next: T + 1,
    soon: T + 2,
    hour: T + 3600,
    month: T + 30 * DAY,
    max: UINT40_MAX,
  };
  return values[sel];
}

interface IdSel {
  mode: 'relevant' | 'any';
  i: number;
}
const idSel = fc.record({
  mode: weighted<IdSel['mode']>([
    ['relevant', 6],
    ['any', 2],
  ]),
  i: nat,
});

/** A request id: "relevant" = pending and, for `side` owner, of the actor's agency's dataset; for requester, its own. */
function requestFor(ctx: Context, sel: IdSel, actor: string, side: 'owner' | 'requester'): number {
  const { s } = ctx;
  const agencyId = s.operatorOf.get(actor) ?? -1;
  const any = () => sel.i % (s.requests.length + 2);
  if (sel.mode === 'any') return any();
  const ids = s.requests
    .map((r, k) => ({ r, id: k + 1 }))
    .filter(({ r }) => r.status === RequestStatus.Pending)
    .filter(({ r }) =>
      side === 'owner' ? s.datasets.get(r.datasetId)?.agencyId === agencyId : r.requesterAgencyId === agencyId,
    )
    .map(({ id }) => id);
  return choose(ids, sel.i, any);
}

/** A grant id: "relevant" = active and of the actor's agency's dataset. */
function grantFor(ctx: Context, sel: IdSel, actor: string): number {
  const { s } = ctx;
  const agencyId = s.operatorOf.get(actor) ?? -1;
  const any = () => sel.i % (s.grants.length + 2);
  if (sel.mode === 'any') return any();
  const ids = s.grants
    .map((g, k) => ({ g, id: k + 1 }))
    .filter(({ g }) => g.status === GrantStatus.Active && s.datasets.get(g.datasetId)?.agencyId === agencyId)
    .map(({ id }) => id);
  return choose(ids, sel.i, any);
}

/** A grantee: "relevant" = another active agency. */
function granteeFor(ctx: Context, sel: IdSel, actor: string): number {
  const { s } = ctx;
  const agencyId = s.operatorOf.get(actor) ?? -1;
  if (sel.mode === 'any') return anyAgencyId(s, sel.i);
  const ids = s.agencies
    .map((a, k) => ({ a, id: k + 1 }))
    .filter(({ a, id }) => a.status === AgencyStatus.Active && id !== agencyId)
    .map(({ id }) => id);
  return choose(ids, sel.i, () => anyAgencyId(s, sel.i));
}

// ---------------------------------------------------------------------------------------------------------------
// Signable actions: the same spec serves a direct call (actor = sender) and a signed one (actor = signer)

interface ItemSpec {
  key: KeySel;
  hash: HashSel;
  shape: [number, number];
  uri: string;
}

const itemSpec = (hashWeights: [HashSel['mode'], number][]): fc.Arbitrary<ItemSpec> =>
  fc.record({
    key: keySel([
      ['own', 4],
      ['ownExisting', 4],
      ['otherExisting', 1],
      ['pool', 1],
    ]),
    hash: hashSel(hashWeights),
    shape,
    uri,
  });

function itemFor(ctx: Context, spec: ItemSpec, actor: string, taken: string[]): AnchorItemArgs {
  const contentHash = hashFor(ctx, spec.hash, actor, taken);
  taken.push(contentHash);
  return {
    datasetKey: keyFor(ctx, spec.key, actor),
    contentHash,
    kind: spec.shape[0],
    fileCount: spec.shape[1],
    uri: spec.uri,
  };
}

const operatorWho = who({ activeOperator: 12, inactiveOperator: 2, operator: 1, admin: 1, outsider: 1, any: 1 });

/**
 * anchorVersionBatch: items that are mostly valid new versions of the actor's datasets (a dataset several times, files
 * and trees), with or without URIs, and up to two faults put in at any position: a zero, already anchored or
 * repeated hash, a bad shape, a dataset that does not exist (the zero id too) or is another agency's. A batch is all
 * or nothing, so every item would rarely be valid if each had its own odds of being bad.
 */
type VersionFault =
  'zeroHash' | 'anchoredHash' | 'repeatedHash' | 'badShape' | 'unknownDataset' | 'otherDataset' | 'zeroId';
type UrisSel = 'none' | 'each' | 'fewer' | 'more';

interface VersionItemSpec {
  dataset: KeySel;
  hash: HashSel;
  shape: [number, number];
  uri: number;
}

const versionItemSpec: fc.Arbitrary<VersionItemSpec> = fc.record({
  dataset: keySel([
    ['ownExisting', 10],
    ['anyExisting', 1],
  ]),
  hash: hashSel([['fresh', 1]]),
  shape: weighted<[number, number]>([
    [[1, 1], 8],
    [[2, 3], 3],
    [[2, 1], 1],
    [[2, 2 ** 32 - 1], 1],
  ]),
  uri: nat,
});

const versionBatchSpec = fc.record({
  who: operatorWho,
  items: fc.oneof(
    { arbitrary: fc.constant([] as VersionItemSpec[]), weight: 1 },
    { arbitrary: fc.array(versionItemSpec, { minLength: 1, maxLength: 8 }), weight: 24 },
  ),
  faults: fc.oneof(
    { arbitrary: fc.constant([] as { fault: VersionFault; at: number }[]), weight: 3 },
    {
      arbitrary: fc.array(
        fc.record({
          fault: weighted<VersionFault>([
            ['zeroHash', 1],
            ['anchoredHash', 2],
            ['repeatedHash', 2],
            ['badShape', 2],
            ['unknownDataset', 2],
            ['otherDataset', 2],
            ['zeroId', 1],
          ]),
          at: nat,
        }),
        { minLength: 1, maxLength: 2 },
      ),
      weight: 2,
    },
  ),
  uris: weighted<UrisSel>([
    ['none', 4],
    ['each', 6],
    ['fewer', 1],
    ['more', 1],
  ]),
});

const BAD_SHAPES: [number, number][] = [
  [1, 2],
  [2, 0],
  [0, 1],
  [1, 0],
  [0, 0],
];

function resolveVersionBatch(ctx: Context, spec: typeof versionBatchSpec extends fc.Arbitrary<infer T> ? T : never) {
  const from = sender(ctx, spec.who);
  const taken: string[] = [];
  const items: VersionItemArgs[] = spec.items.map((item) => {
    const contentHash = hashFor(ctx, item.hash, from, taken);
    taken.push(contentHash);
    return {
      datasetId: datasetIdOf(keyFor(ctx, item.dataset, from)),
      contentHash,
      kind: item.shape[0],
      fileCount: item.shape[1],
    };
  });
  for (const { fault, at } of spec.faults) {
    if (items.length === 0) break;
    const i = at % items.length;
    const item = items[i];
    switch (fault) {
      case 'zeroHash':
        item.contentHash = ZeroHash;
        break;
      case 'anchoredHash':
        item.contentHash = hashFor(ctx, { mode: 'anchored', i: at }, from, taken);
        break;
      case 'repeatedHash':
        item.contentHash =
          i > 0 ? items[(at >> 4) % i].contentHash : hashFor(ctx, { mode: 'anchored', i: at }, from, taken);
        break;
      case 'badShape':
        [item.kind, item.fileCount] = BAD_SHAPES[at % BAD_SHAPES.length];
        break;
      case 'unknownDataset': {
        const unknown = ctx.u.keys.filter((k) => !ctx.s.datasets.has(datasetIdOf(k)));
        item.datasetId = datasetIdOf(choose(unknown, at, () => ctx.u.keys[at % ctx.u.keys.length]));
        break;
      }
      case 'otherDataset':
        item.datasetId = datasetIdOf(keyFor(ctx, { mode: 'otherExisting', i: at }, from));
        break;
      case 'zeroId':
        item.datasetId = '0x' + '00'.repeat(12);
        break;
    }
  }
  const n = items.length;
  const uriCount = { none: 0, each: n, fewer: n > 1 ? n - 1 : n + 1, more: n + 1 }[spec.uris as UrisSel];
  const uris = Array.from({ length: uriCount }, (_, i) => BATCH_URIS[(spec.items[i]?.uri ?? i) % BATCH_URIS.length]);
  return call({ from, fn: 'anchorVersionBatch', items, uris });
}

interface SignableSpec {
  fn: SignableAction['fn'];
  who: Who;
  // The remaining fields depend on fn.
  [field: string]: unknown;
}

const signableSpecs: Record<SignableAction['fn'], fc.Arbitrary<SignableSpec>> = {
  anchor: fc.record({
    fn: fc.constant('anchor' as const),
    who: operatorWho,
    item: itemSpec([
      ['fresh', 8],
      ['anchored', 1],
      ['zero', 1],
    ]),
  }),
  anchorBatch: fc.record({
    fn: fc.constant('anchorBatch' as const),
    who: operatorWho,
    items: fc.oneof(
      { arbitrary: fc.constant([] as ItemSpec[]), weight: 1 },
      {
        arbitrary: fc.array(
          itemSpec([
            ['fresh', 12],
            ['previous', 1],
            ['anchored', 1],
          ]),
          { minLength: 1, maxLength: 6 },
        ),
        weight: 20,
      },
    ),
  }),
  withdraw: fc.record({
    fn: fc.constant('withdraw' as const),
    who: operatorWho,
    hash: hashSel([
      ['ownAnchored', 8],
      ['anchored', 2],
      ['pool', 1],
    ]),
    reason: text('superseded by a corrected file'),
  }),
  requestAccess: fc.record({
    fn: fc.constant('requestAccess' as const),
    who: operatorWho,
    key: keySel([
      ['otherExisting', 8],
      ['ownExisting', 1],
      ['pool', 1],
    ]),
    purpose: text('epidemiology study'),
  }),
  approveRequest: fc.record({
    fn: fc.constant('approveRequest' as const),
    who: operatorWho,
    request: idSel,
    expiry,
  }),
  denyRequest: fc.record({
    fn: fc.constant('denyRequest' as const),
    who: operatorWho,
    request: idSel,
    reason: text('no legal basis'),
  }),
  grantAccess: fc.record({
    fn: fc.constant('grantAccess' as const),
    who: operatorWho,
    key: keySel([
      ['ownExisting', 8],
      ['otherExisting', 1],
      ['pool', 1],
    ]),
    grantee: idSel,
    expiry,
    purpose: text('joint report'),
  }),
  revokeGrant: fc.record({
    fn: fc.constant('revokeGrant' as const),
    who: operatorWho,
    grant: idSel,
    reason: weighted<string>([
      ['project ended', 3],
      ['', 1],
    ]),
  }),
};

/* eslint-disable @typescript-eslint/no-explicit-any */
function resolveSignable(ctx: Context, spec: SignableSpec, actor: string): SignableAction {
  const x = spec as any;
  switch (spec.fn) {
    case 'anchor':
      return { fn: 'anchor', ...itemFor(ctx, x.item, actor, []) };
    case 'anchorBatch': {
      const taken: string[] = [];
      return { fn: 'anchorBatch', items: (x.items as ItemSpec[]).map((item) => itemFor(ctx, item, actor, taken)) };
    }
    case 'withdraw':
      return { fn: 'withdraw', contentHash: hashFor(ctx, x.hash, actor, []), reason: x.reason };
    case 'requestAccess':
      return { fn: 'requestAccess', datasetId: datasetIdOf(keyFor(ctx, x.key, actor)), purpose: x.purpose };
    case 'approveRequest':
      return {
        fn: 'approveRequest',
        requestId: requestFor(ctx, x.request, actor, 'owner'),
        expiresAt: expiryAt(x.expiry, ctx.T),
      };
    case 'denyRequest':
      return { fn: 'denyRequest', requestId: requestFor(ctx, x.request, actor, 'owner'), reason: x.reason };
    case 'grantAccess':
      return {
        fn: 'grantAccess',
        datasetId: datasetIdOf(keyFor(ctx, x.key, actor)),
        granteeAgencyId: granteeFor(ctx, x.grantee, actor),
        expiresAt: expiryAt(x.expiry, ctx.T),
        purpose: x.purpose,
      };
    case 'revokeGrant':
      return { fn: 'revokeGrant', grantId: grantFor(ctx, x.grant, actor), reason: x.reason };
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const REGISTRY_SIGNABLE: SignableAction['fn'][] = ['anchor', 'anchorBatch', 'withdraw'];
const GRANTS_SIGNABLE: SignableAction['fn'][] = [
  'requestAccess',
  'approveRequest',
  'denyRequest',
  'grantAccess',
  'revokeGrant',
];

// ---------------------------------------------------------------------------------------------------------------
// Signatures

interface AuthSpec {
  nonce: { mode: 'fresh' | 'used' | 'pool'; i: number };
  deadline: 'past' | 'now' | 'later' | 'max';
  variant: SignatureVariant;
}

const authSpec: fc.Arbitrary<AuthSpec> = fc.record({
  nonce: fc.record({
    mode: weighted<AuthSpec['nonce']['mode']>([
      ['fresh', 8],
      ['used', 1],
      ['pool', 1],
    ]),
    i: nat,
  }),
  deadline: weighted<AuthSpec['deadline']>([
    ['past', 1],
    ['now', 1],
    ['later', 8],
    ['max', 1],
  ]),
  variant: weighted<SignatureVariant>([
    ['valid', 16],
    ['wrongKey', 1],
    ['otherChain', 1],
    ['otherContract', 1],
    ['tampered', 1],
  ]),
});

function nonceFor(ctx: Context, spec: AuthSpec['nonce'], target: SignedTarget, signerAddress: string): bigint {
  const { s, u } = ctx;
  const used = (n: bigint) => s.nonces[target].has(`${signerAddress}:${n}`);
  switch (spec.mode) {
    case 'fresh':
      for (let k = 0; k < u.nonces.length; k++) {
        const n = u.nonces[(spec.i + k) % u.nonces.length];
        if (!used(n)) return n;
      }
      return 1000n + BigInt(spec.i);
    case 'used':
      return choose(u.nonces.filter(used), spec.i, () => u.nonces[spec.i % u.nonces.length]);
    case 'pool':
      return u.nonces[spec.i % u.nonces.length];
  }
}

function authFor(ctx: Context, spec: AuthSpec, target: SignedTarget, signerAddress: string): SignedAuth {
  const deadlines = { past: ctx.T - 1, now: ctx.T, later: ctx.T + 3600, max: 2 ** 48 - 1 };
  return {
    signer: signerAddress,
    nonce: nonceFor(ctx, spec.nonce, target, signerAddress),
    deadline: deadlines[spec.deadline],
    variant: spec.variant,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The commands

type Spec = Record<string, unknown>;

function command<S extends Spec>(
  label: string,
  weight: number,
  arb: fc.Arbitrary<S>,
  resolve: (ctx: Context, spec: S) => Resolved,
): fc.WeightedArbitrary<Step> {
  return { weight, arbitrary: arb.map((spec) => new Step(label, spec, (ctx) => resolve(ctx, spec))) };
}

const call = (action: Action): Resolved => ({ kind: 'call', action });

const registrarWho = who({ registrar: 8, gov: 1, admin: 1, outsider: 1, any: 1 });
const govWho = who({ gov: 8, registrar: 1, pendingGov: 1, outsider: 1, any: 1 });
const adminWho = who({ admin: 10, pendingAdmin: 1, operator: 1, outsider: 1, any: 1 });
const relayerWho = who({ outsider: 3, any: 3, operator: 1 });

/** Every command with its weight. */
export function commandArbitraries(): fc.WeightedArbitrary<Step>[] {
  const direct = (fn: SignableAction['fn'], weight: number) =>
    command(fn, weight, signableSpecs[fn] as fc.Arbitrary<SignableSpec & Spec>, (ctx, spec) => {
      const from = sender(ctx, spec.who);
      return call({ from, ...resolveSignable(ctx, spec, from) } as Action);
    });

  const signedSpec = (fns: SignableAction['fn'][]) =>
    fc.record({
      relayer: relayerWho,
      action: fc.oneof(...fns.map((fn) => signableSpecs[fn])),
      auth: authSpec,
    });

  const resolveSignedItem = (ctx: Context, spec: { action: SignableSpec; auth: AuthSpec }) => {
    const signerAddress = signer(ctx, spec.action.who);
    const action = resolveSignable(ctx, spec.action, signerAddress);
    const target: SignedTarget = REGISTRY_SIGNABLE.includes(action.fn) ? 'registry' : 'grants';
    return { action, auth: authFor(ctx, spec.auth, target, signerAddress) };
  };

  const relayItemSpec = (fns: SignableAction['fn'][]) =>
    fc.record({
      kind: weighted<RelayItem['kind']>([
        ['signed', 8],
        ['direct', 1],
        ['garbage', 1],
      ]),
      action: fc.oneof(...fns.map((fn) => signableSpecs[fn])),
      auth: authSpec,
    });

  return [
    // Agencies
    command(
      'registerAgency',
      3,
      fc.record({
        who: registrarWho,
        code: nat,
        name: weighted<string>([
          ['Provincial Water Resources Department', 8],
          ['水利厅', 1],
          ['', 1],
        ]),
        uri,
        admin: who({ outsider: 6, any: 3, zero: 1 }),
      }),
      (ctx, spec) =>
        call({
          from: sender(ctx, spec.who),
          fn: 'registerAgency',
          code: ctx.u.codes[spec.code % ctx.u.codes.length],
          name: spec.name,
          metadataURI: spec.uri,
          admin: target(ctx, spec.admin),
        }),
    ),
    command(
      'setAgencyStatus',
      5,
      fc.record({
        who: registrarWho,
        fn: weighted<'suspendAgency' | 'reinstateAgency' | 'retireAgency'>([
          ['suspendAgency', 4],
          ['reinstateAgency', 5],
          ['retireAgency', 1],
        ]),
        agency: nat,
      }),
      (ctx, spec) =>
        call({ from: sender(ctx, spec.who), fn: spec.fn, agencyId: 1 + (spec.agency % (ctx.s.agencies.length + 1)) }),
    ),
    command(
      'updateAgencyMetadata',
      2,
      fc.record({
        who: adminWho,
        agency: agencySel(8, 0, 1),
        name: weighted<string>([
          ['Renamed Bureau', 4],
          ['', 1],
        ]),
        uri,
      }),
      (ctx, spec) => {
        const from = sender(ctx, spec.who);
        return call({
          from,
          fn: 'updateAgencyMetadata',
          agencyId: agencyFor(ctx, spec.agency, from),
          name: spec.name,
          metadataURI: spec.uri,
        });
      },
    ),
    command(
      'addOperator',
      4,
      fc.record({
        who: adminWho,
        agency: agencySel(8, 0, 1),
        operator: who({ outsider: 6, wallet: 1, operator: 1, admin: 1, zero: 1, any: 1 }),
      }),
      (ctx, spec) => {
        const from = sender(ctx, spec.who);
        return call({
          from,
          fn: 'addOperator',
          agencyId: agencyFor(ctx, spec.agency, from),
          operator: target(ctx, spec.operator),
        });
      },
    ),
    command(
      'removeOperator',
      3,
      fc.record({ who: adminWho, agency: agencySel(8, 0, 1), operator: nat, other: who({ any: 1 }) }),
      (ctx, spec) => {
        const from = sender(ctx, spec.who);
        const agencyId = agencyFor(ctx, spec.agency, from);
        const operators = ctx.s.agencies[agencyId - 1]?.operators ?? [];
        const operator = choose(operators, spec.operator, () => target(ctx, spec.other));
        return call({ from, fn: 'removeOperator', agencyId, operator });
      },
    ),
    command(
      'beginAgencyAdminTransfer',
      2,
      fc.record({ who: adminWho, agency: agencySel(8, 0, 1), newAdmin: who({ outsider: 4, any: 2, zero: 1 }) }),
      (ctx, spec) => {
        const from = sender(ctx, spec.who);
        return call({
          from,
          fn: 'beginAgencyAdminTransfer',
          agencyId: agencyFor(ctx, spec.agency, from),
          newAdmin: target(ctx, spec.newAdmin),
        });
      },
    ),
    command(
      'acceptAgencyAdmin',
      2,
      fc.record({ who: who({ pendingAdmin: 8, admin: 1, any: 1 }), agency: agencySel(0, 8, 1) }),
      (ctx, spec) => {
        const from = sender(ctx, spec.who);
        return call({ from, fn: 'acceptAgencyAdmin', agencyId: agencyFor(ctx, spec.agency, from) });
      },
    ),

    // Governance (OpenZeppelin AccessControlDefaultAdminRules) and the registrar role
    command(
      'beginDefaultAdminTransfer',
      2,
      fc.record({ who: govWho, newAdmin: who({ any: 6, gov: 1, zero: 2 }) }),
      (ctx, spec) =>
        call({ from: sender(ctx, spec.who), fn: 'beginDefaultAdminTransfer', newAdmin: target(ctx, spec.newAdmin) }),
    ),
    command('cancelDefaultAdminTransfer', 1, fc.record({ who: govWho }), (ctx, spec) =>
      call({ from: sender(ctx, spec.who), fn: 'cancelDefaultAdminTransfer' }),
    ),
    command('acceptDefaultAdminTransfer', 2, fc.record({ who: who({ pendingGov: 8, gov: 1, any: 1 }) }), (ctx, spec) =>
      call({ from: sender(ctx, spec.who), fn: 'acceptDefaultAdminTransfer' }),
    ),
    command(
      'changeDefaultAdminDelay',
      1,
      fc.record({ who: govWho, delay: fc.constantFrom(0, 1, 3600, DAY, 2 * DAY, 3 * DAY, 10 * DAY) }),
      (ctx, spec) => call({ from: sender(ctx, spec.who), fn: 'changeDefaultAdminDelay', newDelay: spec.delay }),
    ),
    command('rollbackDefaultAdminDelay', 1, fc.record({ who: govWho }), (ctx, spec) =>
      call({ from: sender(ctx, spec.who), fn: 'rollbackDefaultAdminDelay' }),
    ),
    command(
      'grantOrRevokeRole',
      3,
      fc.record({
        who: govWho,
        fn: weighted<'grantRole' | 'revokeRole'>([
          ['grantRole', 3],
          ['revokeRole', 2],
        ]),
        role: weighted<string>([
          [REGISTRAR_ROLE, 8],
          [DEFAULT_ADMIN_ROLE, 1],
        ]),
        account: who({ any: 4, registrar: 3, outsider: 2 }),
      }),
      (ctx, spec) =>
        call({ from: sender(ctx, spec.who), fn: spec.fn, role: spec.role, account: target(ctx, spec.account) }),
    ),
    command(
      'renounceRole',
      1,
      fc.record({
        who: who({ registrar: 6, gov: 2, any: 1 }),
        role: weighted<string>([
          [REGISTRAR_ROLE, 6],
          [DEFAULT_ADMIN_ROLE, 2],
        ]),
        confirmation: weighted<'self' | 'other'>([
          ['self', 6],
          ['other', 1],
        ]),
        other: who({ any: 1, gov: 1 }),
      }),
      (ctx, spec) => {
        const from = sender(ctx, spec.who);
        const account = spec.confirmation === 'self' ? from : target(ctx, spec.other);
        return call({ from, fn: 'renounceRole', role: spec.role, account });
      },
    ),

    // Anchors, direct
    direct('anchor', 10),
    command(
      'anchorVersion',
      5,
      fc.record({
        who: operatorWho,
        key: keySel([
          ['ownExisting', 8],
          ['otherExisting', 1],
          ['pool', 1],
        ]),
        item: itemSpec([
          ['fresh', 8],
          ['anchored', 1],
          ['zero', 1],
        ]),
      }),
      (ctx, spec) => {
        const from = sender(ctx, spec.who);
        const item = itemFor(ctx, spec.item, from, []);
        return call({
          from,
          fn: 'anchorVersion',
          datasetId: datasetIdOf(keyFor(ctx, spec.key, from)),
          contentHash: item.contentHash,
          kind: item.kind,
          fileCount: item.fileCount,
          uri: item.uri,
        });
      },
    ),
    direct('anchorBatch', 6),
    command('anchorVersionBatch', 6, versionBatchSpec, resolveVersionBatch),
    direct('withdraw', 4),

    // Access, direct
    direct('requestAccess', 6),
    command('cancelRequest', 3, fc.record({ who: operatorWho, request: idSel }), (ctx, spec) => {
      const from = sender(ctx, spec.who);
      return call({ from, fn: 'cancelRequest', requestId: requestFor(ctx, spec.request, from, 'requester') });
    }),
    direct('approveRequest', 6),
    direct('denyRequest', 3),
    direct('grantAccess', 6),
    direct('revokeGrant', 4),

    // Signed submissions
    command('bySig', 12, signedSpec([...REGISTRY_SIGNABLE, ...GRANTS_SIGNABLE]), (ctx, spec) => {
      const { action, auth } = resolveSignedItem(ctx, spec);
      return call({ from: sender(ctx, spec.relayer), fn: 'bySig', action, auth });
    }),
    command(
      'relayBatch',
      5,
      fc.oneof(
        fc.record({
          relayer: relayerWho,
          target: fc.constant('registry' as const),
          items: fc.array(relayItemSpec(REGISTRY_SIGNABLE), { minLength: 0, maxLength: 4 }),
        }),
        fc.record({
          relayer: relayerWho,
          target: fc.constant('grants' as const),
          items: fc.array(relayItemSpec(GRANTS_SIGNABLE), { minLength: 0, maxLength: 4 }),
        }),
      ),
      (ctx, spec) => {
        const from = sender(ctx, spec.relayer);
        const items: RelayItem[] = spec.items.map((item) => {
          if (item.kind === 'garbage') return { kind: 'garbage' };
          if (item.kind === 'direct') return { kind: 'direct', action: resolveSignable(ctx, item.action, from) };
          return { kind: 'signed', ...resolveSignedItem(ctx, item) };
        });
        return call({ from, fn: 'relayBatch', target: spec.target, items });
      },
    ),
    command(
      'invalidateNonce',
      2,
      fc.record({
        who: who({ operator: 3, any: 1 }),
        target: fc.constantFrom<SignedTarget>('registry', 'grants'),
        nonce: fc.record({
          mode: weighted<AuthSpec['nonce']['mode']>([
            ['fresh', 3],
            ['used', 1],
          ]),
          i: nat,
        }),
      }),
      (ctx, spec) => {
        const from = sender(ctx, spec.who);
        const nonce = nonceFor(ctx, spec.nonce, spec.target, from);
        return call({ from, fn: 'invalidateNonce', target: spec.target, nonce });
      },
    ),

    // Time
    command(
      'timePasses',
      4,
      fc.record({ seconds: fc.constantFrom(1, 2, 59, 3600, DAY, 2 * DAY, 2 * DAY + 1, 5 * DAY, 31 * DAY) }),
      (_ctx, spec) => ({ kind: 'time', seconds: spec.seconds }),
    ),
  ];
}

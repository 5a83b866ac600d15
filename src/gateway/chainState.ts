/**
 * The chain reads behind every access decision, cached for a short time: the staleness bound. A value read from the
 * chain is used for at most `ttlMs` after the read started; then the next request reads again. So a revocation, a
 * suspension or a removed operator takes effect at most `ttlMs` after the node has the block that did it. Failed reads
 * are not cached (the next request retries) and fail closed: no decision without a fresh enough answer.
 */
import { checkAccess, type CheckAccessReturnType } from '../client/checkAccess';
import { agencyStatusName } from '../client/agencyStatus';
import type { GovanchorClient } from '../client/connection';
import { guard } from '../client/errors';
import { lookupAnchor } from '../client/lookupAnchor';
import type { AgencyStatusName, AnchorFacts } from '../core/verdict';

/** A value cache with a time to live, one read in flight per key, and a size bound. */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value of `key` if it is younger than the time to live, else the result of `load` (cached). */
  async get(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.now()) return entry.value;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    // The entry's age counts from the start of the read: the answer reflects the chain at or after that moment.
    const startedAt = this.now();
    const read = (async () => {
      try {
        const value = await load();
        this.store(key, value, startedAt + this.ttlMs);
        return value;
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, read);
    return read;
  }

  /** Forgets every value (e.g. after an operator asks for a fresh view). */
  clear(): void {
    this.entries.clear();
  }

  private store(key: string, value: T, expiresAt: number): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const now = this.now();
      for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
      // Still full: drop the oldest insertions (Map iterates in insertion order).
      for (const k of this.entries.keys()) {
        if (this.entries.size < this.maxEntries) break;
        this.entries.delete(k);
      }
    }
    this.entries.set(key, { value, expiresAt });
  }
}

/** An agency as the gateway needs it. */
export interface AgencySummary {
  id: number;
  code: string;
  name: string;
  status: AgencyStatusName;
}

/** The cached chain reads of one gateway. */
export class ChainState {
  private readonly operators: TtlCache<number>;
  private readonly agencies: TtlCache<AgencySummary>;
  private readonly access: TtlCache<CheckAccessReturnType>;
  private readonly anchors: TtlCache<AnchorFacts>;

  /**
   * @param client The connection to the chain (no signer needed).
   * @param ttlMs The staleness bound: how long a read answers for.
   */
  constructor(
    readonly client: GovanchorClient,
    readonly ttlMs: number,
  ) {
    this.operators = new TtlCache(ttlMs);
    this.agencies = new TtlCache(ttlMs);
    this.access = new TtlCache(ttlMs);
    this.anchors = new TtlCache(ttlMs);
  }

  /** The agency `account` acts for (`AgencyRegistry.operatorAgency`), or 0 if it is no operator. */
  operatorAgency(account: string): Promise<number> {
    return this.operators.get(account.toLowerCase(), async () => {
      const id = await guard(`look up operator ${account}`, this.client.rpcUrl, () =>
        this.client.registry.operatorAgency(account),
      );
      return Number(id);
    });
  }

  /** An agency's code, name and status now. */
  agency(agencyId: number): Promise<AgencySummary> {
    return this.agencies.get(String(agencyId), async () => {
      const agency = await guard(`read agency ${agencyId}`, this.client.rpcUrl, () =>
        this.client.registry.getAgency(agencyId),
      );
      return { id: agencyId, code: agency.code, name: agency.name, status: agencyStatusName(agency.status) };
    });
  }

  /** Whether the agency may access the dataset now, and why (`src/client/checkAccess.ts`). */
  checkAccess(datasetKey: string, agencyCode: string): Promise<CheckAccessReturnType> {
    return this.access.get(`${datasetKey}\n${agencyCode}`, () =>
      checkAccess(this.client, { datasetKey, granteeCode: agencyCode }),
    );
  }

  /** What the registry says about a content hash now (`src/client/lookupAnchor.ts`). */
  anchor(contentHash: string): Promise<AnchorFacts> {
    return this.anchors.get(contentHash.toLowerCase(), () => lookupAnchor(this.client, { contentHash }));
  }

  /** Forgets every cached read. */
  clear(): void {
    for (const cache of [this.operators, this.agencies, this.access, this.anchors]) cache.clear();
  }
}

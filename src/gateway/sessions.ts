/**
 * Challenges and sessions, in memory. A challenge is issued for one dataset, lives `challengeTtlMs`, and can be
 * answered once: its nonce is remembered as used until the challenge would have expired (after that its signed
 * `expiresAt` refuses it). A session is a random bearer token for one signer and one dataset; every request made with
 * it is checked against the chain again (within the staleness bound), so a session gives no access the chain no longer
 * grants.
 */
import { randomBytes } from 'node:crypto';
import type { GatewayChallenge } from '../core/gatewayProtocol';
import { GatewayRefusal } from './refusal';

/** Seconds, rounded up (challenge times are signed as whole unix seconds). */
function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

export class ChallengeStore {
  private readonly pending = new Map<string, GatewayChallenge>();
  private readonly used = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxPending: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Issues a challenge. @throws GatewayRefusal `busy` if too many challenges are pending. */
  issue(origin: string, datasetKey: string): GatewayChallenge {
    const now = this.now();
    if (this.pending.size >= this.maxPending) this.prune(now);
    if (this.pending.size >= this.maxPending) {
      throw new GatewayRefusal('busy', 'too many challenges are pending; retry in a minute', { 'retry-after': '60' });
    }
    const challenge: GatewayChallenge = {
      origin,
      datasetKey,
      nonce: '0x' + randomBytes(32).toString('hex'),
      issuedAt: Math.floor(now / 1000),
      expiresAt: seconds(now + this.ttlMs),
    };
    this.pending.set(challenge.nonce, challenge);
    return challenge;
  }

  /**
   * Checks that `message` is a challenge this gateway issued, unexpired and not answered yet.
   * @throws GatewayRefusal `replayed`, `challenge-expired`, `unknown-challenge` or `challenge-mismatch`.
   */
  check(message: GatewayChallenge): void {
    const now = this.now();
    if (this.used.has(message.nonce)) {
      throw new GatewayRefusal('replayed', `challenge ${message.nonce} was already used to open a session`);
    }
    const issued = this.pending.get(message.nonce);
    if (!issued) {
      if (message.expiresAt * 1000 <= now) {
        throw new GatewayRefusal(
          'challenge-expired',
          `the challenge expired at ${new Date(message.expiresAt * 1000).toISOString()}`,
        );
      }
      throw new GatewayRefusal(
        'unknown-challenge',
        'this gateway did not issue this challenge (or has restarted since)',
      );
    }
    const same =
      issued.origin === message.origin &&
      issued.datasetKey === message.datasetKey &&
      issued.issuedAt === message.issuedAt &&
      issued.expiresAt === message.expiresAt;
    if (!same) throw new GatewayRefusal('challenge-mismatch', 'the signed challenge differs from the one issued');
    if (issued.expiresAt * 1000 <= now) {
      this.pending.delete(message.nonce);
      throw new GatewayRefusal(
        'challenge-expired',
        `the challenge expired at ${new Date(issued.expiresAt * 1000).toISOString()}`,
      );
    }
  }

  /** Marks a checked challenge as answered: it can never open another session. */
  consume(message: GatewayChallenge): void {
    this.pending.delete(message.nonce);
    this.used.set(message.nonce, message.expiresAt * 1000);
  }

  private prune(now: number): void {
    for (const [nonce, challenge] of this.pending) if (challenge.expiresAt * 1000 <= now) this.pending.delete(nonce);
    for (const [nonce, expiresAt] of this.used) if (expiresAt <= now) this.used.delete(nonce);
  }

  /** Drops expired challenges and used nonces past their expiry. */
  sweep(): void {
    this.prune(this.now());
  }
}

/** A session: who signed, for which agency and dataset, until when. */
export interface Session {
  token: string;
  signer: string;
  agencyId: number;
  agencyCode: string;
  datasetKey: string;
  createdAt: number;
  /** Unix milliseconds. */
  expiresAt: number;
  /** File transfers in progress. */
  activeDownloads: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxSessions: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens a session. @throws GatewayRefusal `busy` if too many sessions are open. */
  create(fields: Pick<Session, 'signer' | 'agencyId' | 'agencyCode' | 'datasetKey'>): Session {
    const now = this.now();
    if (this.sessions.size >= this.maxSessions) this.sweep();
    if (this.sessions.size >= this.maxSessions) {
      throw new GatewayRefusal('busy', 'too many sessions are open; retry later', { 'retry-after': '60' });
    }
    const session: Session = {
      ...fields,
      token: randomBytes(32).toString('base64url'),
      createdAt: now,
      expiresAt: now + this.ttlMs,
      activeDownloads: 0,
    };
    this.sessions.set(session.token, session);
    return session;
  }

  /**
   * The session of a bearer token.
   * @throws GatewayRefusal `invalid-session` or `session-expired`.
   */
  get(token: string): Session {
    const session = this.sessions.get(token);
    if (!session) throw new GatewayRefusal('invalid-session', 'unknown session token: open a new session');
    if (session.expiresAt <= this.now()) {
      if (session.activeDownloads === 0) this.sessions.delete(token);
      throw new GatewayRefusal('session-expired', 'the session has expired: open a new session');
    }
    return session;
  }

  /** Drops expired sessions without transfers in progress. */
  sweep(): void {
    const now = this.now();
    for (const [token, session] of this.sessions) {
      if (session.expiresAt <= now && session.activeDownloads === 0) this.sessions.delete(token);
    }
  }
}

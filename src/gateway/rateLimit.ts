/** Per-address request limits over fixed one-minute windows: one for all requests, a lower one for authentication. */

export interface RateLimitOptions {
  /** Requests per address per window. */
  requests: number;
  /** Authentication requests (challenges and sessions) per address per window. */
  auth: number;
  windowMs?: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; requests: number; auth: number }>();
  private readonly windowMs: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = options.windowMs ?? 60_000;
  }

  /**
   * Counts a request from `address`.
   * @returns undefined if it is within the limits, else the seconds until the window ends (for `Retry-After`).
   */
  take(address: string, auth: boolean): number | undefined {
    const now = this.now();
    let window = this.windows.get(address);
    if (!window || now - window.startedAt >= this.windowMs) {
      if (this.windows.size > 100_000) this.prune(now);
      window = { startedAt: now, requests: 0, auth: 0 };
      this.windows.set(address, window);
    }
    window.requests++;
    if (auth) window.auth++;
    if (window.requests > this.options.requests || (auth && window.auth > this.options.auth)) {
      return Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
    }
    return undefined;
  }

  private prune(now: number): void {
    for (const [address, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(address);
    }
  }
}

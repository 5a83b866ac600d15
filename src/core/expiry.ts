/**
 * Parsing `--expires`: an absolute date (`2027-01-31`, `2027-01-31T12:00:00Z`) or a duration from now
 * (`90d`, `12h`, `30m`, `2w`, `45s`, combinations such as `1d12h`). Pure; "now" is passed in, so that the
 * command-line tool can use the chain's clock rather than the local one.
 */
import { UsageError } from './errors';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };
const DURATION = /^(\d+(?:s|m|h|d|w|y))+$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** The contracts store expiry as uint40 seconds. */
const MAX_EXPIRY = 2 ** 40 - 1;

/** Seconds in a duration such as `90d` or `1d12h`, or undefined if `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (!DURATION.test(value)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)([smhdwy])/g)) seconds += Number(amount) * UNIT_SECONDS[unit];
  return seconds;
}

/**
 * The unix time (seconds) an `--expires` value stands for.
 * @param text A date (`YYYY-MM-DD`, midnight UTC; or ISO 8601 with a time and zone) or a duration (`90d`).
 * @param now The current unix time in seconds (the chain's latest block time).
 * @throws UsageError if `text` is neither, or the time is not in the future.
 */
export function parseExpiry(text: string, now: number): number {
  const value = text.trim();
  let expiresAt: number;
  const duration = parseDuration(value);
  if (duration !== undefined) {
    if (duration === 0) throw new UsageError(`--expires ${text}: a duration must be longer than zero`);
    expiresAt = now + duration;
  } else if (DATE_ONLY.test(value) || DATE_TIME.test(value)) {
    const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(ms)) throw new UsageError(`--expires ${text}: not a valid date`);
    expiresAt = Math.floor(ms / 1000);
  } else {
    throw new UsageError(
      `--expires ${text}: expected a date (2027-01-31 or 2027-01-31T12:00:00Z) or a duration (90d, 12h, 2w, 1d12h)`,
    );
  }
  if (expiresAt <= now) {
    throw new UsageError(
      `--expires ${text}: ${new Date(expiresAt * 1000).toISOString()} is not in the future (chain time is ${new Date(now * 1000).toISOString()})`,
    );
  }
  if (expiresAt > MAX_EXPIRY) throw new UsageError(`--expires ${text}: too far in the future`);
  return expiresAt;
}

/** A unix time (seconds) as an ISO 8601 UTC string. */
export function isoTime(seconds: number | bigint): string {
  return new Date(Number(seconds) * 1000).toISOString();
}

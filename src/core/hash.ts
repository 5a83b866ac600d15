/** SHA-256 digests as the contracts and `sha256sum` see them: 32 bytes, written as 0x + 64 lowercase hex digits. */

const HEX64 = /^(0x)?[0-9a-fA-F]{64}$/;
const CANONICAL = /^0x[0-9a-f]{64}$/;

/** True if `value` is a 64-digit hex digest, with or without 0x. */
export function isDigest(value: string): boolean {
  return HEX64.test(value);
}

/**
 * Normalises a digest as printed by `sha256sum` (bare hex) or by this tool (0x-prefixed) to `0x` + lowercase hex.
 * @throws Error with a one-line message if `value` is not 64 hex digits.
 */
export function toDigest(value: string): string {
  if (CANONICAL.test(value)) return value; // already normalised (most calls: a tree's 10,000 digests, twice)
  const trimmed = value.trim();
  if (!HEX64.test(trimmed)) {
    throw new Error(`"${value}" is not a SHA-256 digest: expected 64 hex digits, optionally with 0x`);
  }
  return ('0x' + trimmed.replace(/^0x/, '')).toLowerCase();
}

/** The digest as `sha256sum` prints it: 64 lowercase hex digits, no 0x. */
export function toSha256sumHex(digest: string): string {
  return toDigest(digest).slice(2);
}

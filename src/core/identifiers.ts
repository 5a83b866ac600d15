/**
 * The identifiers users type: agency codes, dataset keys, addresses, digests and ids. Each parser checks the same
 * rules as the contracts, so a malformed value fails with a clear message before anything is sent.
 */
import { getAddress, isAddress, keccak256, toUtf8Bytes } from 'ethers';
import { UsageError } from './errors';
import { isDigest, toDigest } from './hash';

/** Agency codes: 1-64 bytes of `a-z 0-9 . _ -` (the contract's rule). */
const AGENCY_CODE = /^[a-z0-9._-]{1,64}$/;
/** The contract's limit on dataset keys, in bytes. */
export const MAX_DATASET_KEY_BYTES = 200;

/** Checks an agency code. @throws UsageError naming the allowed characters. */
export function parseAgencyCode(code: string): string {
  if (!AGENCY_CODE.test(code)) {
    throw new UsageError(`"${code}" is not an agency code: use 1-64 characters of a-z 0-9 . _ - (e.g. hunan.stats)`);
  }
  return code;
}

/** A dataset key split into its agency code and name. */
export interface DatasetKey {
  key: string;
  agencyCode: string;
  name: string;
  /** bytes12: the first 12 bytes of keccak256(key), as the contract computes it. */
  id: string;
}

/**
 * Parses a dataset key `<agency code>/<name>`, e.g. `hunan.stats/census-2020`.
 * @throws UsageError if the key is malformed.
 */
export function parseDatasetKey(key: string): DatasetKey {
  const slash = key.indexOf('/');
  const length = toUtf8Bytes(key).length;
  if (slash <= 0 || slash === key.length - 1 || length > MAX_DATASET_KEY_BYTES) {
    throw new UsageError(
      `"${key}" is not a dataset key: expected <agency code>/<name> of at most ${MAX_DATASET_KEY_BYTES} bytes, e.g. hunan.stats/census-2020`,
    );
  }
  const agencyCode = parseAgencyCode(key.slice(0, slash));
  return { key, agencyCode, name: key.slice(slash + 1), id: datasetIdOf(key) };
}

/** The dataset id of a key: the first 12 bytes of keccak256(key), as `DatasetRegistry.datasetIdOf` computes it. */
export function datasetIdOf(key: string): string {
  return keccak256(toUtf8Bytes(key)).slice(0, 26);
}

/** Checks and checksums an address. @throws UsageError if it is not a 20-byte hex address. */
export function parseAddress(value: string, what = 'address'): string {
  if (!isAddress(value)) {
    throw new UsageError(`"${value}" is not a valid ${what}: expected 0x followed by 40 hex digits`);
  }
  return getAddress(value);
}

/** Checks a SHA-256 digest (bare hex as `sha256sum` prints it, or 0x-prefixed). @throws UsageError. */
export function parseDigest(value: string, what = 'SHA-256 digest'): string {
  if (!isDigest(value.trim())) {
    throw new UsageError(`"${value}" is not a ${what}: expected 64 hex digits, optionally with 0x`);
  }
  return toDigest(value);
}

/** Parses a positive integer id (request id, grant id). @throws UsageError. */
export function parseId(value: string, what: string): bigint {
  if (!/^\d+$/.test(value.trim()) || BigInt(value.trim()) === 0n || BigInt(value.trim()) >= 2n ** 64n) {
    throw new UsageError(`"${value}" is not a ${what}: expected a positive whole number such as 1`);
  }
  return BigInt(value.trim());
}

/** Parses a non-negative integer option such as `--confirmations`. @throws UsageError. */
export function parseCount(value: string, option: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new UsageError(`${option} ${value}: expected a whole number from ${min} to ${max}`);
  }
  return n;
}

import { toDigest } from '../core/hash';
import type { Receipt } from '../core/receipt';
import type { GovanchorClient } from './connection';
import { verifySubject, type VerificationReport } from './verification';

export interface VerifyFileParameters {
  /** How to name the file in messages (e.g. the path the user typed). */
  path: string;
  /** The file's SHA-256, recomputed from its content. */
  sha256: string;
  /** The file's receipt: needed for a file inside an anchored tree (its proof), optional for a single file. */
  receipt?: Receipt;
}

export type VerifyFileReturnType = VerificationReport;

/**
 * Verifies a file: directly by its SHA-256 for a single-file anchor, or through the receipt's Merkle proof for a file
 * inside an anchored tree. Negative verdicts say why: not anchored, content differs, withdrawn, agency suspended or
 * retired since, receipt for another chain or contract, proof not leading to an anchored root.
 * @param client A connected client (no signer needed).
 * @param parameters The file's name, SHA-256 and receipt.
 * @returns The report; `verified` is the answer.
 * @example
 * const report = await verifyFile(client, { path: 'census.csv', sha256: await hashFile('census.csv') });
 */
export async function verifyFile(
  client: GovanchorClient,
  { path, sha256, receipt }: VerifyFileParameters,
): Promise<VerifyFileReturnType> {
  return verifySubject(client, { kind: 'file', path, sha256: toDigest(sha256) }, receipt);
}

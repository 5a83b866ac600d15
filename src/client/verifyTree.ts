import { toDigest } from '../core/hash';
import type { TreeDifferences } from '../core/verdict';
import type { GovanchorClient } from './connection';
import { verifySubject, type VerificationReport } from './verification';

export interface VerifyTreeParameters {
  /** How to name the directory in messages. */
  path: string;
  /** The Merkle root recomputed from the directory's files (`buildTree(...).root`). */
  root: string;
  /** How the files differ from the receipts of an earlier anchor (`treeDifferences`), to explain a miss. */
  differences?: TreeDifferences;
}

export type VerifyTreeReturnType = VerificationReport;

/**
 * Verifies a directory tree by its recomputed root: anchored as a tree, not withdrawn, agency still active.
 * @param client A connected client (no signer needed).
 * @param parameters The directory's name and root.
 * @returns The report; `verified` is the answer.
 * @example
 * const report = await verifyTree(client, { path: 'census-2020/', root: buildTree(files).root });
 */
export async function verifyTree(
  client: GovanchorClient,
  { path, root, differences }: VerifyTreeParameters,
): Promise<VerifyTreeReturnType> {
  return verifySubject(client, { kind: 'tree', path, root: toDigest(root) }, undefined, differences);
}

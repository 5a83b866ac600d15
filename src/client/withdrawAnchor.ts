import { NotFoundError, UsageError } from '../core/errors';
import { toDigest } from '../core/hash';
import type { GovanchorClient } from './connection';
import { lookupAnchor } from './lookupAnchor';
import { sendTransaction, type SentTransaction } from './transactions';

export interface WithdrawAnchorParameters {
  /** The version's content hash (file SHA-256 or tree root). */
  contentHash: string;
  /** Why; emitted in the `AnchorWithdrawn` event. */
  reason: string;
}

export interface WithdrawAnchorReturnType {
  datasetId: string;
  version: number;
  transaction: SentTransaction;
}

/**
 * Marks an anchored version withdrawn. It stays readable; verification of it fails with the reason.
 * @param client A client whose signer is an operator of the owning agency.
 * @param parameters The content hash and the reason.
 * @returns The dataset id, version and transaction.
 * @throws UsageError (empty reason), NotFoundError (never anchored), TransactionError (e.g. `AnchorAlreadyWithdrawn`).
 * @example
 * await withdrawAnchor(client, { contentHash, reason: 'superseded: wrong county totals' });
 */
export async function withdrawAnchor(
  client: GovanchorClient,
  { contentHash, reason }: WithdrawAnchorParameters,
): Promise<WithdrawAnchorReturnType> {
  if (reason.trim() === '') throw new UsageError('--reason must not be empty');
  const hash = toDigest(contentHash);
  const facts = await lookupAnchor(client, { contentHash: hash });
  if (!facts.anchored)
    throw new NotFoundError(`${hash} is not anchored on chain ${client.chainId}: nothing to withdraw`);
  const transaction = await sendTransaction(client, `withdraw ${hash}`, () =>
    client.registry.withdraw.populateTransaction(hash, reason),
  );
  return { datasetId: facts.datasetId, version: facts.version, transaction };
}

import { readGrant } from './accessRecords';
import type { GovanchorClient } from './connection';
import { sendTransaction, type SentTransaction } from './transactions';

export interface RevokeGrantParameters {
  grantId: bigint;
  /** Why (emitted, not stored; may be empty). */
  reason?: string;
}

export interface RevokeGrantReturnType {
  grantId: bigint;
  transaction: SentTransaction;
}

/**
 * Revokes a grant at once.
 * @param client A client whose signer is an operator of the dataset's owning agency.
 * @param parameters The grant id and an optional reason.
 * @returns The transaction.
 * @throws NotFoundError (unknown grant), TransactionError (e.g. `GrantNotActive`).
 * @example
 * await revokeGrant(client, { grantId: 1n, reason: 'project ended' });
 */
export async function revokeGrant(
  client: GovanchorClient,
  { grantId, reason = '' }: RevokeGrantParameters,
): Promise<RevokeGrantReturnType> {
  await readGrant(client, grantId);
  const transaction = await sendTransaction(client, `revoke grant ${grantId}`, () =>
    client.accessGrants.revokeGrant.populateTransaction(grantId, reason),
  );
  return { grantId, transaction };
}

import { UsageError } from '../core/errors';
import { readRequest } from './accessRecords';
import type { GovanchorClient } from './connection';
import { sendTransaction, type SentTransaction } from './transactions';

export interface DenyRequestParameters {
  requestId: bigint;
  /** Why (emitted, not stored). */
  reason: string;
}

export interface DenyRequestReturnType {
  requestId: bigint;
  transaction: SentTransaction;
}

/**
 * Denies a pending access request with a reason.
 * @param client A client whose signer is an operator of the dataset's owning agency.
 * @param parameters The request id and the reason.
 * @returns The transaction.
 * @throws UsageError (empty reason), NotFoundError (unknown request), TransactionError (e.g. `RequestNotPending`).
 * @example
 * await denyRequest(client, { requestId: 2n, reason: 'purpose not covered by the data-sharing agreement' });
 */
export async function denyRequest(
  client: GovanchorClient,
  { requestId, reason }: DenyRequestParameters,
): Promise<DenyRequestReturnType> {
  if (reason.trim() === '') throw new UsageError('--reason must not be empty');
  await readRequest(client, requestId);
  const transaction = await sendTransaction(client, `deny request ${requestId}`, () =>
    client.accessGrants.denyRequest.populateTransaction(requestId, reason),
  );
  return { requestId, transaction };
}

import { isoTime } from '../core/expiry';
import { readRequest } from './accessRecords';
import type { GovanchorClient } from './connection';
import { eventsOf, sendTransaction, type SentTransaction } from './transactions';

export interface ApproveRequestParameters {
  requestId: bigint;
  /** When access ends (unix seconds, exclusive). */
  expiresAt: number;
}

export interface ApproveRequestReturnType {
  grantId: bigint;
  expiresAt: string;
  transaction: SentTransaction;
}

/**
 * Approves a pending access request, creating a grant that expires.
 * @param client A client whose signer is an operator of the dataset's owning agency.
 * @param parameters The request id and the expiry.
 * @returns The new grant's id and the transaction.
 * @throws NotFoundError (unknown request), TransactionError (e.g. `RequestNotPending`, `InvalidExpiry`).
 * @example
 * const { grantId } = await approveRequest(client, { requestId: 1n, expiresAt: now + 90 * 86400 });
 */
export async function approveRequest(
  client: GovanchorClient,
  { requestId, expiresAt }: ApproveRequestParameters,
): Promise<ApproveRequestReturnType> {
  await readRequest(client, requestId);
  const grants = client.accessGrants;
  const transaction = await sendTransaction(client, `approve request ${requestId}`, () =>
    grants.approveRequest.populateTransaction(requestId, expiresAt),
  );
  const [event] = eventsOf(grants, await grants.getAddress(), transaction.receipt, 'AccessGranted');
  return { grantId: BigInt(event?.args.grantId ?? 0), expiresAt: isoTime(expiresAt), transaction };
}

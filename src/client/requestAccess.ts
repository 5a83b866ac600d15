import { UsageError } from '../core/errors';
import type { GovanchorClient } from './connection';
import { requireDataset } from './getDataset';
import { eventsOf, sendTransaction, type SentTransaction } from './transactions';

export interface RequestAccessParameters {
  /** The dataset, owned by another agency. */
  datasetKey: string;
  /** What the data is for (emitted, not stored). */
  purpose: string;
}

export interface RequestAccessReturnType {
  requestId: bigint;
  datasetId: string;
  transaction: SentTransaction;
}

/**
 * Asks a dataset's owning agency for access, for the signer's agency.
 * @param client A client whose signer is an operator of an active agency other than the owner.
 * @param parameters The dataset key and the purpose.
 * @returns The new request's id and the transaction.
 * @throws UsageError (empty purpose), NotFoundError (unknown dataset), TransactionError (e.g. `OwnAgencyAccess`).
 * @example
 * const { requestId } = await requestAccess(client, { datasetKey: 'hunan.stats/census-2020', purpose: 'audit' });
 */
export async function requestAccess(
  client: GovanchorClient,
  { datasetKey, purpose }: RequestAccessParameters,
): Promise<RequestAccessReturnType> {
  if (purpose.trim() === '') throw new UsageError('--purpose must not be empty');
  const dataset = await requireDataset(client, { datasetKey });
  const grants = client.accessGrants;
  const transaction = await sendTransaction(client, `request access to ${dataset.key}`, () =>
    grants.requestAccess.populateTransaction(dataset.id, purpose),
  );
  const [event] = eventsOf(grants, await grants.getAddress(), transaction.receipt, 'AccessRequested');
  return { requestId: BigInt(event?.args.requestId ?? 0), datasetId: dataset.id, transaction };
}

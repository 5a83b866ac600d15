import { UsageError } from '../core/errors';
import { isoTime } from '../core/expiry';
import type { GovanchorClient } from './connection';
import { requireDataset } from './getDataset';
import { resolveAgency } from './resolveAgency';
import { eventsOf, sendTransaction, type SentTransaction } from './transactions';

export interface GrantAccessParameters {
  datasetKey: string;
  /** The agency to give access, by code. */
  granteeCode: string;
  /** When access ends (unix seconds, exclusive). */
  expiresAt: number;
  /** Why (emitted, not stored). */
  purpose: string;
}

export interface GrantAccessReturnType {
  grantId: bigint;
  granteeAgencyId: number;
  expiresAt: string;
  transaction: SentTransaction;
}

/**
 * Grants an agency access to a dataset without a request; a current grant for the same agency is superseded.
 * @param client A client whose signer is an operator of the dataset's owning agency.
 * @param parameters Dataset, grantee, expiry and purpose.
 * @returns The new grant's id and the transaction.
 * @throws UsageError, NotFoundError (unknown dataset or agency), TransactionError (e.g. `GranteeNotActive`).
 * @example
 * const { grantId } = await grantAccess(client, { datasetKey, granteeCode: 'hunan.health', expiresAt, purpose: 'study' });
 */
export async function grantAccess(
  client: GovanchorClient,
  { datasetKey, granteeCode, expiresAt, purpose }: GrantAccessParameters,
): Promise<GrantAccessReturnType> {
  if (purpose.trim() === '') throw new UsageError('--purpose must not be empty');
  const dataset = await requireDataset(client, { datasetKey });
  const granteeAgencyId = await resolveAgency(client, { code: granteeCode });
  const grants = client.accessGrants;
  const transaction = await sendTransaction(client, `grant ${granteeCode} access to ${dataset.key}`, () =>
    grants.grantAccess.populateTransaction(dataset.id, granteeAgencyId, expiresAt, purpose),
  );
  const [event] = eventsOf(grants, await grants.getAddress(), transaction.receipt, 'AccessGranted');
  return { grantId: BigInt(event?.args.grantId ?? 0), granteeAgencyId, expiresAt: isoTime(expiresAt), transaction };
}

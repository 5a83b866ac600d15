import type { AgencyStatusName } from '../core/verdict';
import { agencyStatusName } from './agencyStatus';
import type { GovanchorClient } from './connection';
import { guard } from './errors';
import { resolveAgency } from './resolveAgency';
import { sendTransaction, type SentTransaction } from './transactions';

export interface SetAgencyStatusParameters {
  code: string;
  /** `suspended` (from active), `active` (reinstate a suspended agency) or `retired` (final). */
  status: Exclude<AgencyStatusName, 'none'>;
}

export interface SetAgencyStatusReturnType {
  agencyId: number;
  previousStatus: AgencyStatusName;
  status: AgencyStatusName;
  transaction: SentTransaction;
}

/**
 * Suspends, reinstates or retires an agency (registrars only).
 * @param client A client whose signer holds `REGISTRAR_ROLE`.
 * @param parameters The agency code and the new status.
 * @returns The previous and new status and the transaction.
 * @throws NotFoundError for an unknown code; TransactionError on revert (e.g. `InvalidAgencyStatusTransition`).
 * @example
 * await setAgencyStatus(client, { code: 'hunan.stats', status: 'suspended' });
 */
export async function setAgencyStatus(
  client: GovanchorClient,
  { code, status }: SetAgencyStatusParameters,
): Promise<SetAgencyStatusReturnType> {
  const agencyId = await resolveAgency(client, { code });
  const previousStatus = agencyStatusName(
    await guard(`read agency ${code}`, client.rpcUrl, () => client.registry.agencyStatus(agencyId)),
  );
  const registry = client.registry;
  const verb = status === 'suspended' ? 'suspend' : status === 'active' ? 'reinstate' : 'retire';
  const transaction = await sendTransaction(client, `${verb} agency ${code}`, () =>
    status === 'suspended'
      ? registry.suspendAgency.populateTransaction(agencyId)
      : status === 'active'
        ? registry.reinstateAgency.populateTransaction(agencyId)
        : registry.retireAgency.populateTransaction(agencyId),
  );
  return { agencyId, previousStatus, status, transaction };
}

import { parseAddress } from '../core/identifiers';
import type { GovanchorClient } from './connection';
import { resolveAgency } from './resolveAgency';
import { sendTransaction, type SentTransaction } from './transactions';

export interface RemoveOperatorParameters {
  /** The agency code. */
  code: string;
  /** The operator account. */
  operator: string;
}

export interface RemoveOperatorReturnType {
  agencyId: number;
  operator: string;
  transaction: SentTransaction;
}

/**
 * Stops an account acting for the agency; what it anchored stays valid. Agency admins only.
 * @param client A client whose signer is the agency's admin.
 * @param parameters The agency code and the operator account.
 * @returns The agency id, the operator and the transaction.
 * @throws UsageError for a malformed address; NotFoundError for an unknown agency; TransactionError on revert.
 * @example
 * await removeOperator(client, { code: 'hunan.stats', operator: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' });
 */
export async function removeOperator(
  client: GovanchorClient,
  { code, operator }: RemoveOperatorParameters,
): Promise<RemoveOperatorReturnType> {
  const address = parseAddress(operator, 'operator address');
  const agencyId = await resolveAgency(client, { code });
  const transaction = await sendTransaction(client, `remove operator ${address} from ${code}`, () =>
    client.registry.removeOperator.populateTransaction(agencyId, address),
  );
  return { agencyId, operator: address, transaction };
}

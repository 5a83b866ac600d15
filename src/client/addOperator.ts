import { parseAddress } from '../core/identifiers';
import type { GovanchorClient } from './connection';
import { resolveAgency } from './resolveAgency';
import { sendTransaction, type SentTransaction } from './transactions';

export interface AddOperatorParameters {
  /** The agency code. */
  code: string;
  /** The operator account. */
  operator: string;
}

export interface AddOperatorReturnType {
  agencyId: number;
  operator: string;
  transaction: SentTransaction;
}

/**
 * Lets an account act for the agency: anchor, withdraw, request and grant access. Agency admins only.
 * @param client A client whose signer is the agency's admin.
 * @param parameters The agency code and the operator account.
 * @returns The agency id, the operator and the transaction.
 * @throws UsageError for a malformed address; NotFoundError for an unknown agency; TransactionError on revert.
 * @example
 * await addOperator(client, { code: 'hunan.stats', operator: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' });
 */
export async function addOperator(
  client: GovanchorClient,
  { code, operator }: AddOperatorParameters,
): Promise<AddOperatorReturnType> {
  const address = parseAddress(operator, 'operator address');
  const agencyId = await resolveAgency(client, { code });
  const transaction = await sendTransaction(client, `add operator ${address} to ${code}`, () =>
    client.registry.addOperator.populateTransaction(agencyId, address),
  );
  return { agencyId, operator: address, transaction };
}

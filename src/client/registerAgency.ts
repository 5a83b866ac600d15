import { UsageError } from '../core/errors';
import { parseAddress, parseAgencyCode } from '../core/identifiers';
import type { GovanchorClient } from './connection';
import { eventsOf, sendTransaction, type SentTransaction } from './transactions';

export interface RegisterAgencyParameters {
  /** Unique code, 1-64 characters of `a-z 0-9 . _ -`, e.g. `hunan.stats`. */
  code: string;
  name: string;
  /** The agency's admin account, who manages its operators. */
  admin: string;
  /** Where the agency publishes more about itself (may be empty). */
  metadataURI?: string;
}

export interface RegisterAgencyReturnType {
  agencyId: number;
  transaction: SentTransaction;
}

/**
 * Registers an agency (registrars only).
 * @param client A client whose signer holds `REGISTRAR_ROLE`.
 * @param parameters Code, name, admin and metadata URI.
 * @returns The new agency's id and the transaction.
 * @throws UsageError for a malformed code, name or admin; TransactionError on revert (e.g. `AgencyCodeTaken`).
 * @example
 * const { agencyId } = await registerAgency(client, { code: 'hunan.stats', name: 'Hunan Statistics', admin });
 */
export async function registerAgency(
  client: GovanchorClient,
  { code, name, admin, metadataURI = '' }: RegisterAgencyParameters,
): Promise<RegisterAgencyReturnType> {
  parseAgencyCode(code);
  if (name.trim() === '') throw new UsageError('--name must not be empty');
  const adminAddress = parseAddress(admin, 'admin address');
  const transaction = await sendTransaction(client, `register agency ${code}`, () =>
    client.registry.registerAgency.populateTransaction(code, name, metadataURI, adminAddress),
  );
  const [event] = eventsOf(client.registry, client.suite.datasetRegistry, transaction.receipt, 'AgencyRegistered');
  return { agencyId: Number(event?.args.agencyId ?? 0), transaction };
}

import { NotFoundError } from '../core/errors';
import { parseAgencyCode } from '../core/identifiers';
import type { GovanchorClient } from './connection';
import { guard } from './errors';

export interface ResolveAgencyParameters {
  /** The agency code, e.g. `hunan.stats`. */
  code: string;
}

/** The agency's id. */
export type ResolveAgencyReturnType = number;

/**
 * Finds an agency's id by its code.
 * @param client A connected client.
 * @param parameters The code.
 * @returns The agency's id.
 * @throws NotFoundError if no agency has this code.
 * @example
 * const agencyId = await resolveAgency(client, { code: 'hunan.stats' });
 */
export async function resolveAgency(
  client: GovanchorClient,
  { code }: ResolveAgencyParameters,
): Promise<ResolveAgencyReturnType> {
  parseAgencyCode(code);
  const id = await guard(`look up agency ${code}`, client.rpcUrl, () => client.registry.agencyIdOf(code));
  if (id === 0n) {
    throw new NotFoundError(
      `unknown agency "${code}": no agency has this code on chain ${client.chainId} (check the spelling)`,
    );
  }
  return Number(id);
}

import type { AgencyStatusName } from '../core/verdict';
import { agencyStatusName } from './agencyStatus';
import type { GovanchorClient } from './connection';
import { guard } from './errors';
import { resolveAgency } from './resolveAgency';

export interface GetAgencyParameters {
  /** The agency code. */
  code: string;
}

export interface GetAgencyReturnType {
  id: number;
  code: string;
  name: string;
  status: AgencyStatusName;
  admin: string;
  metadataURI: string;
  operators: string[];
  /** The proposed next admin, if a handover is under way. */
  pendingAdmin?: string;
}

/**
 * Reads an agency: name, status, admin, metadata URI and operators.
 * @param client A connected client.
 * @param parameters The agency code.
 * @returns The agency.
 * @throws NotFoundError if no agency has this code.
 * @example
 * const agency = await getAgency(client, { code: 'hunan.stats' });
 */
export async function getAgency(client: GovanchorClient, { code }: GetAgencyParameters): Promise<GetAgencyReturnType> {
  const id = await resolveAgency(client, { code });
  const [agency, operators, pendingAdmin] = await guard(`read agency ${code}`, client.rpcUrl, () =>
    Promise.all([
      client.registry.getAgency(id),
      client.registry.operatorsOf(id),
      client.registry.pendingAgencyAdmin(id),
    ]),
  );
  return {
    id,
    code: agency.code,
    name: agency.name,
    status: agencyStatusName(agency.status),
    admin: agency.admin,
    metadataURI: agency.metadataURI,
    operators: [...operators],
    pendingAdmin: /^0x0{40}$/.test(pendingAdmin) ? undefined : pendingAdmin,
  };
}

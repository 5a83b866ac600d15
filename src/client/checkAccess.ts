import { isoTime } from '../core/expiry';
import { readGrant, type GrantRecord } from './accessRecords';
import { agencyStatusName } from './agencyStatus';
import type { GovanchorClient } from './connection';
import { guard } from './errors';
import { requireDataset } from './getDataset';
import { resolveAgency } from './resolveAgency';
import { chainTime } from './transactions';

export interface CheckAccessParameters {
  datasetKey: string;
  /** The agency whose access is checked, by code. */
  granteeCode: string;
}

/** Why access is or is not current. */
export type AccessReason =
  | 'owner' // the agency owns the dataset
  | 'granted' // an active, unexpired grant
  | 'no-grant'
  | 'expired'
  | 'revoked'
  | 'superseded'
  | 'agency-inactive'; // the grantee or the owner is suspended or retired

export interface CheckAccessReturnType {
  hasAccess: boolean;
  reason: AccessReason;
  datasetKey: string;
  datasetId: string;
  granteeCode: string;
  granteeAgencyId: number;
  /** The grant that governs access, if any, even if expired. */
  grant?: { id: string; status: GrantRecord['status']; grantedAt: string; expiresAt: string };
  /** The chain time the answer refers to. */
  checkedAt: string;
}

/**
 * Whether an agency may access a dataset now (`AccessGrants.hasAccess`), and why.
 * @param client A connected client.
 * @param parameters The dataset key and the agency code.
 * @returns The answer, its reason and the governing grant.
 * @throws NotFoundError (unknown dataset or agency).
 * @example
 * const { hasAccess } = await checkAccess(client, { datasetKey: 'hunan.stats/census-2020', granteeCode: 'hunan.health' });
 */
export async function checkAccess(
  client: GovanchorClient,
  { datasetKey, granteeCode }: CheckAccessParameters,
): Promise<CheckAccessReturnType> {
  const dataset = await requireDataset(client, { datasetKey });
  const agencyId = await resolveAgency(client, { code: granteeCode });
  const grants = client.accessGrants;
  const [hasAccess, grantId, granteeStatus, ownerStatus, now] = await guard('check access', client.rpcUrl, () =>
    Promise.all([
      grants.hasAccess(dataset.id, agencyId),
      grants.currentGrantId(dataset.id, agencyId),
      client.registry.agencyStatus(agencyId),
      client.registry.agencyStatus(dataset.agencyId),
      chainTime(client),
    ]),
  );
  const grant = grantId === 0n ? undefined : await readGrant(client, grantId);
  let reason: AccessReason;
  if (agencyId === dataset.agencyId) reason = hasAccess ? 'owner' : 'agency-inactive';
  else if (hasAccess) reason = 'granted';
  else if (agencyStatusName(granteeStatus) !== 'active' || agencyStatusName(ownerStatus) !== 'active') {
    reason = 'agency-inactive';
  } else if (!grant) reason = 'no-grant';
  else if (grant.status === 'revoked') reason = 'revoked';
  else if (grant.status === 'superseded') reason = 'superseded';
  else reason = 'expired';
  return {
    hasAccess,
    reason,
    datasetKey: dataset.key,
    datasetId: dataset.id,
    granteeCode,
    granteeAgencyId: agencyId,
    grant: grant && {
      id: grant.id.toString(),
      status: grant.status,
      grantedAt: isoTime(grant.grantedAt),
      expiresAt: isoTime(grant.expiresAt),
    },
    checkedAt: isoTime(now),
  };
}

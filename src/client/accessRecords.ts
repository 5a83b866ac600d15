/** Reading access requests and grants by id, with "unknown id" as a clear error rather than a revert. */
import { NotFoundError } from '../core/errors';
import type { GovanchorClient } from './connection';
import { guard } from './errors';

export const REQUEST_STATUS_NAMES = ['none', 'pending', 'approved', 'denied', 'cancelled'] as const;
export const GRANT_STATUS_NAMES = ['none', 'active', 'revoked', 'superseded'] as const;

export interface AccessRequestRecord {
  id: bigint;
  datasetId: string;
  requesterAgencyId: number;
  requestedAt: number;
  status: (typeof REQUEST_STATUS_NAMES)[number];
  grantId: bigint;
}

export interface GrantRecord {
  id: bigint;
  datasetId: string;
  granteeAgencyId: number;
  grantedAt: number;
  expiresAt: number;
  status: (typeof GRANT_STATUS_NAMES)[number];
}

/** A request by id. @throws NotFoundError if there is none. */
export async function readRequest(client: GovanchorClient, requestId: bigint): Promise<AccessRequestRecord> {
  const [requests] = await guard('read request counts', client.rpcUrl, () => client.accessGrants.counts());
  if (requestId < 1n || requestId > requests) {
    throw new NotFoundError(
      `unknown request ${requestId}: there are ${requests} access requests on chain ${client.chainId}`,
    );
  }
  const r = await guard(`read request ${requestId}`, client.rpcUrl, () => client.accessGrants.getRequest(requestId));
  return {
    id: requestId,
    datasetId: r.datasetId.toLowerCase(),
    requesterAgencyId: Number(r.requesterAgencyId),
    requestedAt: Number(r.requestedAt),
    status: REQUEST_STATUS_NAMES[Number(r.status)] ?? 'none',
    grantId: r.grantId,
  };
}

/** A grant by id. @throws NotFoundError if there is none. */
export async function readGrant(client: GovanchorClient, grantId: bigint): Promise<GrantRecord> {
  const [, grants] = await guard('read grant counts', client.rpcUrl, () => client.accessGrants.counts());
  if (grantId < 1n || grantId > grants) {
    throw new NotFoundError(`unknown grant ${grantId}: there are ${grants} grants on chain ${client.chainId}`);
  }
  const g = await guard(`read grant ${grantId}`, client.rpcUrl, () => client.accessGrants.getGrant(grantId));
  return {
    id: grantId,
    datasetId: g.datasetId.toLowerCase(),
    granteeAgencyId: Number(g.granteeAgencyId),
    grantedAt: Number(g.grantedAt),
    expiresAt: Number(g.expiresAt),
    status: GRANT_STATUS_NAMES[Number(g.status)] ?? 'none',
  };
}

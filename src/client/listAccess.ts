import { explorerTxUrl } from '../core/explorer';
import { isoTime } from '../core/expiry';
import type { AgencyStatusName } from '../core/verdict';
import { readGrant } from './accessRecords';
import { agencyStatusName } from './agencyStatus';
import type { GovanchorClient } from './connection';
import { guard } from './errors';
import { requireDataset } from './getDataset';
import { findBlockAtTime, queryLogs } from './logs';
import { chainTime } from './transactions';

export interface ListAccessParameters {
  /** The dataset key. */
  datasetKey: string;
  /** Called while events are searched in chunks (public endpoints limit ranges). */
  onProgress?: (done: number, total: number) => void;
}

/** An agency that may access the dataset now. */
export interface AgencyAccess {
  agency: { id: number; code: string; name: string; status: AgencyStatusName };
  /** `owner`: the publishing agency (always has access while active); `grantee`: through a grant. */
  role: 'owner' | 'grantee';
  /** The grant that gives access (grantees only). */
  grant?: {
    id: string;
    grantedAt: string;
    expiresAt: string;
    purpose: string;
    transaction?: { hash: string; blockNumber: number; explorer?: string };
  };
}

export interface ListAccessReturnType {
  datasetKey: string;
  datasetId: string;
  /** The agencies with current access: the owner first (if active), then grantees by agency id. */
  agencies: AgencyAccess[];
  /** The chain time the answer refers to. */
  checkedAt: string;
}

/**
 * The agencies that may access a dataset now: its owner while active, and every agency holding an active, unexpired
 * grant while both it and the owner are active (`AccessGrants.hasAccess`). Grantees are found from the dataset's
 * `AccessGranted` events; each is then checked against the contract, so revoked, superseded and expired grants and
 * suspended agencies drop out.
 * @param client A connected client.
 * @param parameters The dataset key.
 * @returns The agencies with current access.
 * @throws NotFoundError for an unknown dataset.
 * @example
 * const { agencies } = await listAccess(client, { datasetKey: 'hunan.stats/economy-2024' });
 */
export async function listAccess(
  client: GovanchorClient,
  { datasetKey, onProgress }: ListAccessParameters,
): Promise<ListAccessReturnType> {
  const dataset = await requireDataset(client, { datasetKey });
  const grants = client.accessGrants;
  const fromBlock =
    (await findBlockAtTime(client, dataset.createdAt, client.suite.startBlock)) ?? client.suite.startBlock;
  const topics = grants.interface.encodeFilterTopics('AccessGranted', [null, dataset.id]);
  const logs = await queryLogs(
    client,
    { address: await grants.getAddress(), topics },
    fromBlock,
    undefined,
    onProgress,
  );
  const granted = new Map<bigint, { purpose: string; hash: string; blockNumber: number }>();
  const grantees = new Set<number>();
  for (const log of logs) {
    const parsed = grants.interface.parseLog(log);
    if (!parsed) continue;
    granted.set(BigInt(parsed.args.grantId), {
      purpose: String(parsed.args.purpose),
      hash: log.transactionHash,
      blockNumber: log.blockNumber,
    });
    grantees.add(Number(parsed.args.granteeAgencyId));
  }
  grantees.delete(dataset.agencyId);

  const candidates = [dataset.agencyId, ...[...grantees].sort((a, b) => a - b)];
  const [now, answers] = await Promise.all([
    chainTime(client),
    guard('check access', client.rpcUrl, () =>
      Promise.all(
        candidates.map(async (agencyId) => {
          const [hasAccess, grantId] = await Promise.all([
            grants.hasAccess(dataset.id, agencyId),
            agencyId === dataset.agencyId ? Promise.resolve(0n) : grants.currentGrantId(dataset.id, agencyId),
          ]);
          return { agencyId, hasAccess, grantId };
        }),
      ),
    ),
  ]);
  const agencies: AgencyAccess[] = [];
  for (const { agencyId, hasAccess, grantId } of answers) {
    if (!hasAccess) continue;
    const agency = await guard(`read agency ${agencyId}`, client.rpcUrl, () => client.registry.getAgency(agencyId));
    const entry: AgencyAccess = {
      agency: { id: agencyId, code: agency.code, name: agency.name, status: agencyStatusName(agency.status) },
      role: agencyId === dataset.agencyId ? 'owner' : 'grantee',
    };
    if (grantId !== 0n) {
      const grant = await readGrant(client, grantId);
      const event = granted.get(grantId);
      entry.grant = {
        id: grantId.toString(),
        grantedAt: isoTime(grant.grantedAt),
        expiresAt: isoTime(grant.expiresAt),
        purpose: event?.purpose ?? '',
        transaction: event && {
          hash: event.hash,
          blockNumber: event.blockNumber,
          explorer: explorerTxUrl(client.chainId, event.hash),
        },
      };
    }
    agencies.push(entry);
  }
  return { datasetKey: dataset.key, datasetId: dataset.id, agencies, checkedAt: isoTime(now) };
}

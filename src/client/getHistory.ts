import { explorerTxUrl } from '../core/explorer';
import { isoTime } from '../core/expiry';
import type { AnchorKindName } from '../core/receipt';
import type { AgencyStatusName } from '../core/verdict';
import { agencyStatusName, anchorKindName } from './agencyStatus';
import type { GovanchorClient } from './connection';
import { guard } from './errors';
import { requireDataset } from './getDataset';
import { findBlockAtTime, queryLogs } from './logs';

export interface GetHistoryParameters {
  /** The dataset key. */
  datasetKey: string;
  /** Called while events are searched in chunks (public endpoints limit ranges). */
  onProgress?: (done: number, total: number) => void;
}

export interface DatasetVersion {
  version: number;
  contentHash: string;
  kind: AnchorKindName | 'none';
  fileCount: number;
  anchoredAt: string;
  status: 'valid' | 'withdrawn';
  withdrawalReason?: string;
  uri: string;
  operator: string;
  transaction: { hash: string; blockNumber: number; explorer?: string };
}

export interface GetHistoryReturnType {
  dataset: {
    key: string;
    id: string;
    versionCount: number;
    createdAt: string;
    agency: { id: number; code: string; name: string; status: AgencyStatusName };
  };
  /** Oldest first. */
  versions: DatasetVersion[];
}

/**
 * Every version of a dataset, from its `Anchored` and `AnchorWithdrawn` events plus the current anchor records.
 * @param client A connected client.
 * @param parameters The dataset key.
 * @returns The dataset and its versions, oldest first.
 * @throws NotFoundError for an unknown dataset.
 * @example
 * const { versions } = await getHistory(client, { datasetKey: 'hunan.stats/census-2020' });
 */
export async function getHistory(
  client: GovanchorClient,
  { datasetKey, onProgress }: GetHistoryParameters,
): Promise<GetHistoryReturnType> {
  const dataset = await requireDataset(client, { datasetKey });
  const registry = client.registry;
  const agency = await guard(`read agency ${dataset.agencyId}`, client.rpcUrl, () =>
    registry.getAgency(dataset.agencyId),
  );
  const fromBlock =
    (await findBlockAtTime(client, dataset.createdAt, client.suite.startBlock)) ?? client.suite.startBlock;
  const address = client.suite.datasetRegistry;
  const anchoredTopics = registry.interface.encodeFilterTopics('Anchored', [null, dataset.id]);
  const withdrawnTopics = registry.interface.encodeFilterTopics('AnchorWithdrawn', [null, dataset.id]);
  const [anchoredLogs, withdrawnLogs] = await Promise.all([
    queryLogs(client, { address, topics: anchoredTopics }, fromBlock, undefined, onProgress),
    queryLogs(client, { address, topics: withdrawnTopics }, fromBlock),
  ]);
  const reasons = new Map<string, string>();
  for (const log of withdrawnLogs) {
    const parsed = registry.interface.parseLog(log);
    if (parsed) reasons.set(String(parsed.args.contentHash).toLowerCase(), String(parsed.args.reason));
  }
  const versions = await Promise.all(
    anchoredLogs.map(async (log): Promise<DatasetVersion> => {
      const parsed = registry.interface.parseLog(log)!;
      const contentHash = String(parsed.args.contentHash).toLowerCase();
      const anchor = await guard(`read anchor ${contentHash}`, client.rpcUrl, () => registry.getAnchor(contentHash));
      return {
        version: Number(parsed.args.version),
        contentHash,
        kind: anchorKindName(parsed.args.kind),
        fileCount: Number(parsed.args.fileCount),
        anchoredAt: isoTime(anchor.anchoredAt),
        status: anchor.withdrawn ? 'withdrawn' : 'valid',
        withdrawalReason: reasons.get(contentHash),
        uri: String(parsed.args.uri),
        operator: String(parsed.args.operator),
        transaction: {
          hash: log.transactionHash,
          blockNumber: log.blockNumber,
          explorer: explorerTxUrl(client.chainId, log.transactionHash),
        },
      };
    }),
  );
  versions.sort((a, b) => a.version - b.version);
  return {
    dataset: {
      key: dataset.key,
      id: dataset.id,
      versionCount: dataset.versionCount,
      createdAt: isoTime(dataset.createdAt),
      agency: { id: dataset.agencyId, code: agency.code, name: agency.name, status: agencyStatusName(agency.status) },
    },
    versions,
  };
}

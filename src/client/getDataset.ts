import { NotFoundError } from '../core/errors';
import { parseDatasetKey } from '../core/identifiers';
import type { GovanchorClient } from './connection';
import { guard } from './errors';

export interface GetDatasetParameters {
  /** The dataset key, `<agency code>/<name>`. */
  datasetKey: string;
}

export interface DatasetInfo {
  key: string;
  id: string;
  agencyId: number;
  versionCount: number;
  /** Unix seconds. */
  createdAt: number;
}

/** The dataset, or undefined if no version of it was ever anchored. */
export type GetDatasetReturnType = DatasetInfo | undefined;

/**
 * Reads a dataset by its key.
 * @param client A connected client.
 * @param parameters The dataset key.
 * @returns The dataset, or undefined if it does not exist.
 * @throws UsageError for a malformed key.
 * @example
 * const dataset = await getDataset(client, { datasetKey: 'hunan.stats/census-2020' });
 */
export async function getDataset(
  client: GovanchorClient,
  { datasetKey }: GetDatasetParameters,
): Promise<GetDatasetReturnType> {
  const { key, id } = parseDatasetKey(datasetKey);
  // getDataset reverts for unknown ids; getAnchor-style zero reads are not available, so the revert means "none".
  const dataset = await guard(`read dataset ${key}`, client.rpcUrl, async () => {
    try {
      return await client.registry.getDataset(id);
    } catch (error) {
      if ((error as { revert?: { name?: string } }).revert?.name === 'UnknownDataset') return undefined;
      throw error;
    }
  });
  if (!dataset) return undefined;
  return {
    key,
    id,
    agencyId: Number(dataset.agencyId),
    versionCount: Number(dataset.versionCount),
    createdAt: Number(dataset.createdAt),
  };
}

/** {@link getDataset}, failing for a dataset that does not exist. @throws NotFoundError. */
export async function requireDataset(client: GovanchorClient, parameters: GetDatasetParameters): Promise<DatasetInfo> {
  const dataset = await getDataset(client, parameters);
  if (!dataset) {
    throw new NotFoundError(
      `unknown dataset "${parameters.datasetKey}": nothing was ever anchored under this key on chain ${client.chainId}`,
    );
  }
  return dataset;
}

import type { GovanchorClient } from './connection';
import { guard } from './errors';
import { queryLogsAtTime } from './logs';

export interface DatasetKeyOfParameters {
  /** The dataset id (bytes12). */
  datasetId: string;
}

/** The key, or undefined if the node has no `DatasetCreated` event for the id. */
export type DatasetKeyOfReturnType = string | undefined;

/**
 * Finds a dataset's key from its id: the chain stores ids; the key is in the `DatasetCreated` event.
 * @param client A connected client.
 * @param parameters The dataset id.
 * @returns The key, e.g. `hunan.stats/census-2020`.
 * @example
 * const key = await datasetKeyOf(client, { datasetId: facts.datasetId });
 */
export async function datasetKeyOf(
  client: GovanchorClient,
  { datasetId }: DatasetKeyOfParameters,
): Promise<DatasetKeyOfReturnType> {
  const dataset = await guard(`read dataset ${datasetId}`, client.rpcUrl, () => client.registry.getDataset(datasetId));
  const topics = client.registry.interface.encodeFilterTopics('DatasetCreated', [datasetId]);
  const logs = await queryLogsAtTime(
    client,
    { address: client.suite.datasetRegistry, topics },
    Number(dataset.createdAt),
  );
  const parsed = logs[0] ? client.registry.interface.parseLog(logs[0]) : null;
  return parsed ? String(parsed.args.datasetKey) : undefined;
}

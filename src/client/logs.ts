/**
 * Event searches that work on public endpoints too: many limit `eth_getLogs` to a few thousand blocks, so a search
 * that fails over a wide range is retried in chunks; a search for the block of a known timestamp narrows the range
 * first.
 */
import type { Log } from 'ethers';
import type { GovanchorClient } from './connection';
import { guard } from './errors';

/** A log filter: the registry or grants contract address and topics. */
export interface LogFilter {
  address: string;
  topics: (string | string[] | null)[];
}

/** Blocks per request when a node refuses the whole range. */
const CHUNK = 5_000;

/**
 * All logs matching `filter` from `fromBlock` to `toBlock` (default: latest), oldest first.
 * @param onChunk Called with (blocks done, blocks total) while searching in chunks.
 */
export async function queryLogs(
  client: GovanchorClient,
  filter: LogFilter,
  fromBlock: number,
  toBlock?: number,
  onChunk?: (done: number, total: number) => void,
): Promise<Log[]> {
  const latest = await guard('read the latest block', client.rpcUrl, () => client.provider.getBlockNumber());
  const last = Math.min(toBlock ?? latest, latest);
  if (last < fromBlock) return [];
  try {
    return await client.provider.getLogs({ ...filter, fromBlock, toBlock: last });
  } catch {
    // Fall back to chunks below; a real network problem fails there with a clear message.
  }
  const logs: Log[] = [];
  for (let start = fromBlock; start <= last; start += CHUNK) {
    const end = Math.min(start + CHUNK - 1, last);
    logs.push(
      ...(await guard(`search events in blocks ${start}-${end}`, client.rpcUrl, () =>
        client.provider.getLogs({ ...filter, fromBlock: start, toBlock: end }),
      )),
    );
    onChunk?.(end - fromBlock + 1, last - fromBlock + 1);
  }
  return logs;
}

/**
 * The first block at or after `fromBlock` whose timestamp is >= `timestamp` (binary search), or undefined if the
 * chain has none yet.
 */
export async function findBlockAtTime(
  client: GovanchorClient,
  timestamp: number,
  fromBlock: number,
): Promise<number | undefined> {
  let low = fromBlock;
  let high = await guard('read the latest block', client.rpcUrl, () => client.provider.getBlockNumber());
  const timeOf = async (n: number) =>
    (await guard(`read block ${n}`, client.rpcUrl, () => client.provider.getBlock(n)))?.timestamp ?? Infinity;
  if ((await timeOf(high)) < timestamp) return undefined;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if ((await timeOf(mid)) < timestamp) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Logs of the block(s) stamped `timestamp` (where an anchor or a dataset was recorded), found without scanning the
 * whole chain. Falls back to a full search if the narrow one finds nothing.
 */
export async function queryLogsAtTime(client: GovanchorClient, filter: LogFilter, timestamp: number): Promise<Log[]> {
  const start = await findBlockAtTime(client, timestamp, client.suite.startBlock);
  if (start !== undefined) {
    const logs = await queryLogs(client, filter, start, start + 20);
    if (logs.length > 0) return logs;
  }
  return queryLogs(client, filter, client.suite.startBlock);
}

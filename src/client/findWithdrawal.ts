import { toDigest } from '../core/hash';
import type { GovanchorClient } from './connection';
import { queryLogs } from './logs';

export interface FindWithdrawalParameters {
  contentHash: string;
  /** Search from this block (the anchoring block, if known). */
  fromBlock?: number;
}

export interface Withdrawal {
  reason: string;
  operator: string;
  transactionHash: string;
  blockNumber: number;
}

export type FindWithdrawalReturnType = Withdrawal | undefined;

/**
 * Finds why and when a version was withdrawn, from its `AnchorWithdrawn` event.
 * @param client A connected client.
 * @param parameters The content hash.
 * @returns The withdrawal, or undefined if none was found.
 * @example
 * const withdrawal = await findWithdrawal(client, { contentHash });
 */
export async function findWithdrawal(
  client: GovanchorClient,
  { contentHash, fromBlock }: FindWithdrawalParameters,
): Promise<FindWithdrawalReturnType> {
  const topics = client.registry.interface.encodeFilterTopics('AnchorWithdrawn', [toDigest(contentHash)]);
  const logs = await queryLogs(
    client,
    { address: client.suite.datasetRegistry, topics },
    fromBlock ?? client.suite.startBlock,
  );
  const log = logs[0];
  const parsed = log ? client.registry.interface.parseLog(log) : null;
  if (!log || !parsed) return undefined;
  return {
    reason: String(parsed.args.reason),
    operator: String(parsed.args.operator),
    transactionHash: log.transactionHash,
    blockNumber: log.blockNumber,
  };
}

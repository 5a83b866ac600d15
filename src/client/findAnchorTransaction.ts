import { toDigest } from '../core/hash';
import type { GovanchorClient } from './connection';
import { guard } from './errors';
import { queryLogsAtTime } from './logs';

export interface FindAnchorTransactionParameters {
  contentHash: string;
  /** The anchor's `anchoredAt` (from {@link lookupAnchor}): narrows the search to that block. */
  anchoredAt: number;
}

export interface AnchorTransaction {
  hash: string;
  blockNumber: number;
  timestamp: number;
  datasetId: string;
  version: number;
  operator: string;
  uri: string;
}

export type FindAnchorTransactionReturnType = AnchorTransaction | undefined;

/**
 * Finds the transaction that anchored a content hash, from its `Anchored` event.
 * @param client A connected client.
 * @param parameters The content hash and its anchoring time.
 * @returns The transaction, or undefined if the node has no such event (e.g. pruned logs).
 * @example
 * const tx = await findAnchorTransaction(client, { contentHash, anchoredAt: facts.anchoredAt });
 */
export async function findAnchorTransaction(
  client: GovanchorClient,
  { contentHash, anchoredAt }: FindAnchorTransactionParameters,
): Promise<FindAnchorTransactionReturnType> {
  const registry = client.registry;
  const topics = registry.interface.encodeFilterTopics('Anchored', [toDigest(contentHash)]);
  const logs = await queryLogsAtTime(client, { address: client.suite.datasetRegistry, topics }, anchoredAt);
  const log = logs[0];
  if (!log) return undefined;
  const parsed = registry.interface.parseLog(log);
  return {
    hash: log.transactionHash,
    blockNumber: log.blockNumber,
    timestamp: anchoredAt,
    datasetId: String(parsed?.args.datasetId ?? '').toLowerCase(),
    version: Number(parsed?.args.version ?? 0),
    operator: String(parsed?.args.operator ?? ''),
    uri: String(parsed?.args.uri ?? ''),
  };
}

/**
 * Checks that a given transaction anchored `contentHash` (e.g. the one named in a receipt), and describes it.
 * @returns The transaction, or undefined if it does not exist or did not anchor this hash.
 */
export async function anchorTransactionOf(
  client: GovanchorClient,
  { transactionHash, contentHash }: { transactionHash: string; contentHash: string },
): Promise<FindAnchorTransactionReturnType> {
  const receipt = await guard(`read transaction ${transactionHash}`, client.rpcUrl, () =>
    client.provider.getTransactionReceipt(transactionHash),
  );
  if (!receipt) return undefined;
  const hash = toDigest(contentHash);
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== client.suite.datasetRegistry.toLowerCase()) continue;
    const parsed = client.registry.interface.parseLog(log);
    if (parsed?.name !== 'Anchored' || String(parsed.args.contentHash).toLowerCase() !== hash) continue;
    const block = await guard(`read block ${receipt.blockNumber}`, client.rpcUrl, () =>
      client.provider.getBlock(receipt.blockNumber),
    );
    return {
      hash: receipt.hash,
      blockNumber: receipt.blockNumber,
      timestamp: block?.timestamp ?? 0,
      datasetId: String(parsed.args.datasetId).toLowerCase(),
      version: Number(parsed.args.version),
      operator: String(parsed.args.operator),
      uri: String(parsed.args.uri),
    };
  }
  return undefined;
}

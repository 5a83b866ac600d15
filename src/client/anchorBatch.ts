import { UsageError } from '../core/errors';
import { toDigest } from '../core/hash';
import { parseDatasetKey } from '../core/identifiers';
import type { AnchorKindName, AnchorRecord } from '../core/receipt';
import { anchorKindValue } from './agencyStatus';
import { requireSigner, type GovanchorClient } from './connection';
import { guard } from './errors';
import { eventsOf, sendTransaction, type SentTransaction } from './transactions';

/** The contract's `MAX_BATCH_SIZE`. */
export const MAX_BATCH_SIZE = 256;

export interface AnchorBatchItem {
  datasetKey: string;
  contentHash: string;
  kind: AnchorKindName;
  fileCount: number;
  uri?: string;
}

export interface AnchorBatchParameters {
  /** 1 to 256 items, of one agency's datasets; all or nothing. */
  items: AnchorBatchItem[];
}

export interface AnchorBatchReturnType {
  transaction: SentTransaction;
  /** One anchor record per item, in item order. */
  records: AnchorRecord[];
}

/**
 * Anchors many versions in one transaction (`anchorBatch`): all or nothing. Callers skip content that is anchored
 * already (see `anchor-many`), since one such item reverts the whole batch with `ContentAlreadyAnchored`.
 * @param client A client whose signer is an operator of the datasets' agency.
 * @param parameters The items.
 * @returns The transaction and an anchor record per item.
 * @throws UsageError (bad size or key, duplicate content), TransactionError (revert decoded by name).
 * @example
 * const { records } = await anchorBatch(client, { items: [{ datasetKey, contentHash, kind: 'file', fileCount: 1 }] });
 */
export async function anchorBatch(
  client: GovanchorClient,
  { items }: AnchorBatchParameters,
): Promise<AnchorBatchReturnType> {
  if (items.length === 0 || items.length > MAX_BATCH_SIZE) {
    throw new UsageError(`a batch holds 1 to ${MAX_BATCH_SIZE} items, not ${items.length}`);
  }
  const seen = new Map<string, number>();
  const requests = items.map((item, index) => {
    const key = parseDatasetKey(item.datasetKey);
    const contentHash = toDigest(item.contentHash);
    if (seen.has(contentHash)) {
      throw new UsageError(
        `batch items ${seen.get(contentHash)! + 1} and ${index + 1} have the same content ${contentHash}`,
      );
    }
    seen.set(contentHash, index);
    return {
      datasetKey: key.key,
      contentHash,
      kind: anchorKindValue(item.kind),
      fileCount: item.fileCount,
      uri: item.uri ?? '',
    };
  });
  const registry = client.registry;
  const transaction = await sendTransaction(client, `anchor a batch of ${items.length}`, () =>
    registry.anchorBatch.populateTransaction(requests),
  );
  const events = eventsOf(registry, client.suite.datasetRegistry, transaction.receipt, 'Anchored');
  const versions = new Map(events.map((e) => [String(e.args.contentHash).toLowerCase(), Number(e.args.version)]));
  const signer = requireSigner(client);
  const agency = await guard('read the signing agency', client.rpcUrl, async () =>
    registry.getAgency(await registry.operatorAgency(await signer.getAddress())),
  );
  const records = items.map((item, index): AnchorRecord => {
    const key = parseDatasetKey(item.datasetKey);
    return {
      chainId: client.chainId,
      contract: client.suite.datasetRegistry,
      agency: { code: agency.code, name: agency.name },
      dataset: { key: key.key, id: key.id, version: versions.get(requests[index].contentHash) ?? 0 },
      kind: item.kind,
      contentHash: requests[index].contentHash,
      fileCount: item.fileCount,
      uri: requests[index].uri,
      transaction: { hash: transaction.hash, blockNumber: transaction.blockNumber, timestamp: transaction.timestamp },
    };
  });
  return { transaction, records };
}

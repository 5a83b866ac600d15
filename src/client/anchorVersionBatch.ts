import { UsageError } from '../core/errors';
import { toDigest } from '../core/hash';
import { parseDatasetKey } from '../core/identifiers';
import type { AnchorRecord } from '../core/receipt';
import { anchorKindValue } from './agencyStatus';
import { MAX_BATCH_SIZE, type AnchorBatchItem, type AnchorBatchReturnType } from './anchorBatch';
import { requireSigner, type GovanchorClient } from './connection';
import { guard } from './errors';
import { eventsOf, sendTransaction } from './transactions';

export interface AnchorVersionBatchParameters {
  /** 1 to 256 new versions of datasets that exist already, all of one agency; all or nothing. */
  items: AnchorBatchItem[];
}

/**
 * Anchors new versions of existing datasets in one transaction (`anchorVersionBatch`): the cheapest batch, since
 * items name their dataset by id and carry no key. All or nothing: an item whose dataset does not exist yet reverts
 * the batch with `UnknownDataset` (use {@link anchorBatch} for first versions), and content anchored already with
 * `ContentAlreadyAnchored`. The URIs travel as a separate array, left empty when no item has one.
 * @param client A client whose signer is an operator of the datasets' agency.
 * @param parameters The items (keys are kept for the records; only their ids are sent).
 * @returns The transaction and an anchor record per item, in item order.
 * @throws UsageError (bad size or key, duplicate content), TransactionError (revert decoded by name).
 * @example
 * const { records } = await anchorVersionBatch(client, { items: [{ datasetKey, contentHash, kind: 'file', fileCount: 1 }] });
 */
export async function anchorVersionBatch(
  client: GovanchorClient,
  { items }: AnchorVersionBatchParameters,
): Promise<AnchorBatchReturnType> {
  if (items.length === 0 || items.length > MAX_BATCH_SIZE) {
    throw new UsageError(`a batch holds 1 to ${MAX_BATCH_SIZE} items, not ${items.length}`);
  }
  const seen = new Map<string, number>();
  const keys = items.map((item) => parseDatasetKey(item.datasetKey));
  const requests = items.map((item, index) => {
    const contentHash = toDigest(item.contentHash);
    if (seen.has(contentHash)) {
      throw new UsageError(
        `batch items ${seen.get(contentHash)! + 1} and ${index + 1} have the same content ${contentHash}`,
      );
    }
    seen.set(contentHash, index);
    return { datasetId: keys[index].id, contentHash, kind: anchorKindValue(item.kind), fileCount: item.fileCount };
  });
  const uris = items.map((item) => item.uri ?? '');
  const registry = client.registry;
  const transaction = await sendTransaction(client, `anchor a batch of ${items.length} new versions`, () =>
    registry.anchorVersionBatch.populateTransaction(
      requests,
      uris.some((uri) => uri !== '') ? uris : [], // no URI at all: an empty array saves calldata
    ),
  );
  const events = eventsOf(registry, client.suite.datasetRegistry, transaction.receipt, 'Anchored');
  const versions = new Map(events.map((e) => [String(e.args.contentHash).toLowerCase(), Number(e.args.version)]));
  const signer = requireSigner(client);
  const agency = await guard('read the signing agency', client.rpcUrl, async () =>
    registry.getAgency(await registry.operatorAgency(await signer.getAddress())),
  );
  const records = items.map((item, index): AnchorRecord => ({
    chainId: client.chainId,
    contract: client.suite.datasetRegistry,
    agency: { code: agency.code, name: agency.name },
    dataset: { key: keys[index].key, id: keys[index].id, version: versions.get(requests[index].contentHash) ?? 0 },
    kind: item.kind,
    contentHash: requests[index].contentHash,
    fileCount: item.fileCount,
    uri: uris[index],
    transaction: { hash: transaction.hash, blockNumber: transaction.blockNumber, timestamp: transaction.timestamp },
  }));
  return { transaction, records };
}

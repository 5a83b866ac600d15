import {
  batchRecords,
  checkBatch,
  signingAgency,
  type AnchorBatchItem,
  type AnchorBatchReturnType,
} from './anchorBatch';
import type { GovanchorClient } from './connection';
import { sendTransaction } from './transactions';

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
  const batch = checkBatch(items);
  const requests = batch.requests.map(({ contentHash, kind, fileCount }, index) => ({
    datasetId: batch.keys[index].id,
    contentHash,
    kind,
    fileCount,
  }));
  const uris = batch.requests.map((request) => request.uri);
  const transaction = await sendTransaction(client, `anchor a batch of ${items.length} new versions`, () =>
    client.registry.anchorVersionBatch.populateTransaction(
      requests,
      uris.some((uri) => uri !== '') ? uris : [], // no URI at all: an empty array saves calldata
    ),
  );
  return { transaction, records: batchRecords(client, batch, transaction, await signingAgency(client)) };
}

import { toDigest } from '../core/hash';
import { parseDatasetKey } from '../core/identifiers';
import type { AnchorKindName, AnchorRecord } from '../core/receipt';
import type { AnchorFacts } from '../core/verdict';
import { anchorKindValue } from './agencyStatus';
import type { GovanchorClient } from './connection';
import { datasetKeyOf } from './datasetKeyOf';
import { guard } from './errors';
import { findAnchorTransaction } from './findAnchorTransaction';
import { getDataset } from './getDataset';
import { lookupAnchor } from './lookupAnchor';
import { resolveAgency } from './resolveAgency';
import { eventsOf, sendTransaction } from './transactions';

export interface AnchorDatasetParameters {
  /** `<agency code>/<name>`; the dataset is created with its first version. */
  datasetKey: string;
  /** The file's SHA-256 or the tree's Merkle root. */
  contentHash: string;
  kind: AnchorKindName;
  /** 1 for a file; the number of files of a tree. */
  fileCount: number;
  /** Where the data lives (emitted, not stored). */
  uri?: string;
}

export interface AnchorDatasetReturnType {
  /** False if the content was anchored already: nothing was sent and `record` says where it is. */
  sent: boolean;
  /** Whether this anchor created the dataset. */
  created: boolean;
  record: AnchorRecord;
}

/**
 * Anchors a content hash as the next version of a dataset: `anchorVersion` when the dataset exists (cheaper),
 * `anchor` for its first version. Content that is anchored already is reported, not sent again.
 * @param client A client whose signer is an operator of the dataset's agency.
 * @param parameters Dataset key, content hash, kind, file count and URI.
 * @returns Whether a transaction was sent, and the anchor record (for receipts).
 * @throws UsageError (malformed key), NotFoundError (unknown agency), TransactionError (revert decoded by name).
 * @example
 * const { record } = await anchorDataset(client, { datasetKey: 'hunan.stats/census', contentHash, kind: 'file', fileCount: 1 });
 */
export async function anchorDataset(
  client: GovanchorClient,
  { datasetKey, contentHash, kind, fileCount, uri = '' }: AnchorDatasetParameters,
): Promise<AnchorDatasetReturnType> {
  const key = parseDatasetKey(datasetKey);
  const hash = toDigest(contentHash);
  const facts = await lookupAnchor(client, { contentHash: hash });
  if (facts.anchored) {
    const record = await existingAnchorRecord(client, { datasetKey, contentHash: hash, kind }, facts);
    return { sent: false, created: false, record };
  }
  const agencyId = await resolveAgency(client, { code: key.agencyCode });
  const dataset = await getDataset(client, { datasetKey: key.key });
  const registry = client.registry;
  const kindValue = anchorKindValue(kind);
  const transaction = await sendTransaction(client, `anchor ${key.key}`, () =>
    dataset
      ? registry.anchorVersion.populateTransaction(key.id, hash, kindValue, fileCount, uri)
      : registry.anchor.populateTransaction(key.key, hash, kindValue, fileCount, uri),
  );
  const [event] = eventsOf(registry, client.suite.datasetRegistry, transaction.receipt, 'Anchored');
  const agency = await guard(`read agency ${key.agencyCode}`, client.rpcUrl, () => registry.getAgency(agencyId));
  return {
    sent: true,
    created: !dataset,
    record: {
      chainId: client.chainId,
      contract: client.suite.datasetRegistry,
      agency: { code: agency.code, name: agency.name },
      dataset: { key: key.key, id: key.id, version: Number(event?.args.version ?? 0) },
      kind,
      contentHash: hash,
      fileCount,
      uri,
      transaction: { hash: transaction.hash, blockNumber: transaction.blockNumber, timestamp: transaction.timestamp },
    },
  };
}

/**
 * The anchor record of content anchored already (what {@link anchorDataset} returns for it, without sending
 * anything): its transaction is found from its `Anchored` event.
 * @param client A connected client.
 * @param parameters The dataset key the caller expected (the content's own key is looked up if it is anchored in
 * another dataset), the content hash, and the kind to report if the chain has none.
 * @param facts What {@link lookupAnchor} said about the content; `facts.anchored` must be true.
 */
export async function existingAnchorRecord(
  client: GovanchorClient,
  { datasetKey, contentHash, kind }: { datasetKey: string; contentHash: string; kind: AnchorKindName },
  facts: AnchorFacts,
): Promise<AnchorRecord> {
  const key = parseDatasetKey(datasetKey);
  const hash = toDigest(contentHash);
  const transaction = await findAnchorTransaction(client, { contentHash: hash, anchoredAt: facts.anchoredAt });
  const existingKey = facts.datasetId === key.id ? key.key : ((await datasetKeyOf(client, facts)) ?? facts.datasetId);
  return {
    chainId: client.chainId,
    contract: client.suite.datasetRegistry,
    agency: { code: facts.agencyCode, name: facts.agencyName },
    dataset: { key: existingKey, id: facts.datasetId, version: facts.version },
    kind: facts.kind === 'none' ? kind : facts.kind,
    contentHash: hash,
    fileCount: facts.fileCount,
    uri: transaction?.uri ?? '',
    transaction: {
      hash: transaction?.hash ?? '',
      blockNumber: transaction?.blockNumber ?? 0,
      timestamp: facts.anchoredAt,
    },
  };
}

import { UsageError } from '../core/errors';
import { toDigest } from '../core/hash';
import { parseDatasetKey, type DatasetKey } from '../core/identifiers';
import type { AnchorKindName, AnchorRecord } from '../core/receipt';
import { anchorKindValue } from './agencyStatus';
import { requireSigner, type GovanchorClient } from './connection';
import type { DatasetRegistry } from './contracts';
import { guard } from './errors';
import { bytesToHex, hexToBytes } from './rawTransaction';
import {
  awaitTransaction,
  eventsOf,
  prepareTransaction,
  sendTransaction,
  submitTransaction,
  type SentTransaction,
} from './transactions';

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

/** One item in the contract's form (`IDatasetRegistry.AnchorRequest`). */
export interface AnchorBatchRequest {
  datasetKey: string;
  contentHash: string;
  kind: number;
  fileCount: number;
  uri: string;
}

/** A batch's items checked and in the contract's form. */
export interface CheckedBatch {
  items: AnchorBatchItem[];
  keys: DatasetKey[];
  requests: AnchorBatchRequest[];
}

/** Checks a batch (size, keys, hashes, no content twice) and converts it to `AnchorRequest`s. */
export function checkBatch(items: AnchorBatchItem[]): CheckedBatch {
  if (items.length === 0 || items.length > MAX_BATCH_SIZE) {
    throw new UsageError(`a batch holds 1 to ${MAX_BATCH_SIZE} items, not ${items.length}`);
  }
  const seen = new Map<string, number>();
  const keys = items.map((item) => parseDatasetKey(item.datasetKey));
  const requests = items.map((item, index) => {
    const key = keys[index];
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
  return { items, keys, requests };
}

const utf8 = new TextEncoder();
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * `anchorBatch(requests)` calldata, encoded directly: ethers' ABI coder took about 16 ms for a batch of 100 (its
 * UTF-8 and hex conversions are JavaScript loops), here well under 1 ms. It follows the ABI's field order and knows
 * only what `AnchorRequest` holds (strings, bytes32, unsigned integers); for anything else, or a value out of range,
 * it returns undefined and ethers encodes (and reports the problem its way). {@link anchorBatches} compares its first
 * batch with ethers' encoding and keeps to ethers on any difference.
 */
export function encodeAnchorBatch(
  registry: DatasetRegistry['interface'],
  requests: AnchorBatchRequest[],
): string | undefined {
  const fragment = registry.getFunction('anchorBatch');
  const tuple = fragment?.inputs.length === 1 ? fragment.inputs[0] : undefined;
  if (!fragment || tuple?.baseType !== 'array' || tuple.arrayLength !== -1) return undefined;
  const fields = tuple.arrayChildren?.components;
  if (!fields || tuple.arrayChildren?.baseType !== 'tuple') return undefined;
  if (!fields.every((f) => f.type === 'string' || f.type === 'bytes32' || /^uint(8|16|32|64)$/.test(f.type))) {
    return undefined;
  }
  // Each tuple: a head word per field (strings: the offset of their tail), then each string's length and bytes.
  const strings = requests.map((request) =>
    fields.map((f) =>
      f.type === 'string' ? String((request as unknown as Record<string, unknown>)[f.name]) : undefined,
    ),
  );
  // A lone surrogate: ethers refuses it, TextEncoder would write U+FFFD. Leave such strings to ethers.
  if (strings.some((row) => row.some((text) => text !== undefined && LONE_SURROGATE.test(text)))) return undefined;
  const encoded = strings.map((row) => row.map((text) => (text === undefined ? undefined : utf8.encode(text))));
  const tupleSize = (row: (Uint8Array | undefined)[]) =>
    32 * fields.length + row.reduce((sum, b) => sum + (b ? 32 + Math.ceil(b.length / 32) * 32 : 0), 0);
  const sizes = encoded.map(tupleSize);
  const total = 4 + 32 + 32 + 32 * requests.length + sizes.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const putWord = (offset: number, value: number | bigint) => {
    const n = BigInt(value);
    if (n < 0n || n >= 1n << 64n) throw new RangeError('value out of range');
    view.setBigUint64(offset + 24, n);
  };
  try {
    out.set(hexToBytes(fragment.selector), 0);
    putWord(4, 32); // offset of the array
    putWord(36, requests.length);
    const base = 68; // offsets of the tuples count from here
    let tupleOffset = 32 * requests.length;
    requests.forEach((request, i) => {
      putWord(base + 32 * i, tupleOffset);
      const start = base + tupleOffset;
      let tail = 32 * fields.length;
      fields.forEach((f, j) => {
        const head = start + 32 * j;
        const value = (request as unknown as Record<string, unknown>)[f.name];
        if (f.type === 'string') {
          const bytes = encoded[i][j]!;
          putWord(head, tail);
          putWord(start + tail, bytes.length);
          out.set(bytes, start + tail + 32);
          tail += 32 + Math.ceil(bytes.length / 32) * 32;
        } else if (f.type === 'bytes32') {
          const bytes = hexToBytes(String(value));
          if (bytes.length !== 32) throw new RangeError('bytes32 of another length');
          out.set(bytes, head);
        } else {
          const bits = Number(f.type.slice(4));
          if (BigInt(value as number) >= 1n << BigInt(bits)) throw new RangeError(`${f.name} out of range`);
          putWord(head, value as number);
        }
      });
      tupleOffset += sizes[i];
    });
  } catch {
    return undefined; // a value out of range or malformed: ethers encodes, and reports it its way
  }
  return bytesToHex(out);
}

/** The signing operator's agency, as receipts name it. */
export async function signingAgency(client: GovanchorClient): Promise<{ code: string; name: string }> {
  const registry = client.registry;
  const signer = requireSigner(client);
  const agency = await guard('read the signing agency', client.rpcUrl, async () =>
    registry.getAgency(await registry.operatorAgency(await signer.getAddress())),
  );
  return { code: agency.code, name: agency.name };
}

/**
 * Where `Anchored` keeps what a batch needs: the topic holding `contentHash` and the data word holding `version`
 * (each earlier field one static word), from the ABI; undefined if the event is laid out otherwise.
 */
function anchoredLayout(
  client: GovanchorClient,
): { topic: string; hashTopic: number; versionWord: number } | undefined {
  const event = client.registry.interface.getEvent('Anchored');
  if (!event) return undefined;
  const indexed = event.inputs.filter((input) => input.indexed);
  const data = event.inputs.filter((input) => !input.indexed);
  const hashTopic = indexed.findIndex((input) => input.name === 'contentHash' && input.type === 'bytes32');
  const versionWord = data.findIndex((input) => input.name === 'version' && /^uint\d*$/.test(input.type));
  const simple = (type: string) => !/^(string|bytes|tuple)$|\[/.test(type);
  if (event.anonymous || hashTopic < 0 || versionWord < 0 || !data.slice(0, versionWord).every((i) => simple(i.type))) {
    return undefined;
  }
  return { topic: event.topicHash, hashTopic: 1 + hashTopic, versionWord };
}

/**
 * The version each content hash got, from a batch's `Anchored` events. Read straight from the logs' topics and first
 * data words: parsing 100 events with the ABI coder took about 28 ms a batch (their URIs are decoded too).
 */
function anchoredVersions(client: GovanchorClient, transaction: SentTransaction): Map<string, number> {
  const layout = anchoredLayout(client);
  if (!layout) {
    const events = eventsOf(client.registry, client.suite.datasetRegistry, transaction.receipt, 'Anchored');
    return new Map(events.map((e) => [String(e.args.contentHash).toLowerCase(), Number(e.args.version)]));
  }
  const registry = client.suite.datasetRegistry.toLowerCase();
  const versions = new Map<string, number>();
  const start = 2 + 64 * layout.versionWord;
  for (const log of transaction.receipt.logs) {
    if (log.address.toLowerCase() !== registry || log.topics[0]?.toLowerCase() !== layout.topic) continue;
    const hash = log.topics[layout.hashTopic];
    if (!hash || log.data.length < start + 64) continue;
    versions.set(hash.toLowerCase(), Number(BigInt('0x' + log.data.slice(start, start + 64))));
  }
  return versions;
}

/** One anchor record per item of a mined batch, with the versions its `Anchored` events gave. */
export function batchRecords(
  client: GovanchorClient,
  { items, keys, requests }: CheckedBatch,
  transaction: SentTransaction,
  agency: { code: string; name: string },
): AnchorRecord[] {
  const versions = anchoredVersions(client, transaction);
  return items.map((item, index): AnchorRecord => {
    const key = keys[index];
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
  const batch = checkBatch(items);
  const registry = client.registry;
  const transaction = await sendTransaction(client, `anchor a batch of ${items.length}`, () =>
    registry.anchorBatch.populateTransaction(batch.requests),
  );
  return { transaction, records: batchRecords(client, batch, transaction, await signingAgency(client)) };
}

/**
 * Default of {@link AnchorBatchesParameters.inFlight}: one batch mined while the next is sent is enough to keep a
 * local node busy, and when a batch is sent every batch but the one before it already has its receipts.
 */
export const BATCHES_IN_FLIGHT = 2;

export interface AnchorBatchesParameters {
  /** The batches, in order, each as {@link AnchorBatchParameters.items}. */
  batches: AnchorBatchItem[][];
  /**
   * How many batches may be sent and not yet done (mined, and `onMined` finished) at once: while one batch is being
   * mined the next is estimated, signed and sent, with the next nonce. Default {@link BATCHES_IN_FLIGHT}.
   */
  inFlight?: number;
  /**
   * Called once per mined batch, in batch order (e.g. to write its receipts); the next batches wait for it within
   * the `inFlight` limit. A batch that failed is skipped; the batches mined after it are still reported.
   */
  onMined?: (index: number, result: AnchorBatchReturnType) => Promise<void> | void;
}

/**
 * Anchors batches one transaction each (see {@link anchorBatch}), pipelined: batch k+1 is estimated (a revert is
 * still decoded before anything is signed), signed with the next nonce and sent while batch k is being mined, with
 * at most `inFlight` batches under way. On the first failure (a revert in an estimate, a node error, a transaction
 * dropped or reverted) nothing more is sent; the batches already sent are awaited and reported through `onMined`,
 * then the failure is thrown. Every batch is checked before the first is sent.
 * @param client A client whose signer is an operator of the datasets' agency.
 * @param parameters The batches, the pipeline depth and the per-batch callback.
 * @returns How many batches were anchored (all of them; otherwise it throws).
 * @throws UsageError (bad size or key, duplicate content within a batch: nothing sent), TransactionError,
 * NetworkError (after the batches in flight are done).
 * @example
 * await anchorBatches(client, { batches, onMined: (i, { records }) => save(records) });
 */
export async function anchorBatches(
  client: GovanchorClient,
  { batches, inFlight = BATCHES_IN_FLIGHT, onMined }: AnchorBatchesParameters,
): Promise<number> {
  const checked = batches.map(checkBatch);
  if (!Number.isInteger(inFlight) || inFlight < 1) throw new UsageError(`inFlight must be 1 or more, not ${inFlight}`);
  const registry = client.registry;
  const signer = requireSigner(client);
  let nonce: number | undefined;
  let agency: Promise<{ code: string; name: string }> | undefined;
  let failure: { error: unknown } | undefined;
  let anchored = 0;
  // Batch k+1 is estimated as soon as batch k is sent, while k is mined and its receipts are written. Estimating
  // against the chain before the batches in flight are mined is safe: they only add datasets and versions, which
  // makes a later estimate for the same dataset's next version higher, never too low. (Estimating k+1 before k is
  // sent gives a hardhat node two requests at once; it was slower when tried.)
  let encode = true;
  const populate = async (batch: CheckedBatch) => {
    const data = encode ? encodeAnchorBatch(registry.interface, batch.requests) : undefined;
    if (data === undefined) return registry.anchorBatch.populateTransaction(batch.requests);
    if (batch === checked[0]) {
      const reference = await registry.anchorBatch.populateTransaction(batch.requests);
      if (reference.data !== data) {
        encode = false;
        return reference;
      }
    }
    return { to: client.suite.datasetRegistry, data };
  };
  const prepare = (batch: CheckedBatch) => {
    const preparing = prepareTransaction(client, `anchor a batch of ${batch.items.length}`, () => populate(batch));
    preparing.catch(() => undefined); // awaited in turn
    return preparing;
  };
  let next = checked.length > 0 ? prepare(checked[0]) : undefined;
  // done[k] settles (never rejects) once batch k is mined and reported, or failed.
  const done: Promise<void>[] = [];
  for (const [index, batch] of checked.entries()) {
    const description = `anchor a batch of ${batch.items.length}`;
    let response;
    try {
      const request = await next!;
      nonce ??= await guard('read the account nonce', client.rpcUrl, async () =>
        client.provider.getTransactionCount(await signer.getAddress(), 'pending'),
      );
      if (index >= inFlight) await done[index - inFlight];
      if (failure) break;
      response = await submitTransaction(client, description, request, nonce);
      next = index + 1 < checked.length ? prepare(checked[index + 1]) : undefined;
      nonce++;
    } catch (error) {
      failure ??= { error };
      break;
    }
    const mined = awaitTransaction(client, description, response);
    mined.catch(() => undefined); // awaited below, after the batches before it
    const previous = done[index - 1];
    done[index] = (async () => {
      try {
        const transaction = await mined;
        await previous;
        agency ??= signingAgency(client);
        const result = { transaction, records: batchRecords(client, batch, transaction, await agency) };
        await onMined?.(index, result);
        anchored++;
      } catch (error) {
        failure ??= { error };
      }
    })();
  }
  await Promise.all(done);
  if (failure) throw failure.error;
  return anchored;
}

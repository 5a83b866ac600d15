/**
 * Receipts: self-contained JSON proofs that a file was anchored. A reviewer checks one with nothing but the file and
 * any RPC endpoint of the chain. This module defines the format, builds receipts and parses them with clear reasons.
 * Pure: writing and reading files is `src/node/receiptFiles.ts`.
 */
import { InputError } from './errors';
import { isDigest, toDigest } from './hash';
import { datasetIdOf } from './identifiers';
import { LEAF_ENCODING, isCanonicalPath, type DatasetTree } from './tree';

/** Format tag of version 1 receipts. A reader rejects tags it does not know. */
export const RECEIPT_FORMAT = 'govanchor-receipt/1';

/** What an anchored content hash stands for. */
export type AnchorKindName = 'file' | 'tree';

/** A receipt for one file, anchored on its own (`kind: "file"`) or as part of a directory tree (`kind: "tree"`). */
export interface Receipt {
  format: typeof RECEIPT_FORMAT;
  /** The chain the anchor lives on. */
  chainId: number;
  /** The DatasetRegistry contract (checksummed address). */
  contract: string;
  agency: { code: string; name: string };
  dataset: { key: string; id: string; version: number };
  /** The anchored version: a file's SHA-256, or the tree's Merkle root and number of files. */
  anchor: { kind: AnchorKindName; contentHash: string; fileCount: number; uri: string };
  /** The file: its path relative to the tree's top directory (a file anchored on its own: its name) and SHA-256. */
  file: { path: string; sha256: string };
  /**
   * The Merkle proof from the leaf `(file.path, file.sha256)` to `anchor.contentHash` (empty for a single file).
   * Leaves are OpenZeppelin StandardMerkleTree leaves: keccak256(keccak256(abi.encode(string path, bytes32 sha256))).
   */
  proof: { leafEncoding: typeof LEAF_ENCODING; siblings: string[] };
  transaction: { hash: string; blockNumber: number; blockTime: string; timestamp: number };
}

/** Where and how a version was anchored: what every receipt of that version shares. */
export interface AnchorRecord {
  chainId: number;
  contract: string;
  agency: { code: string; name: string };
  dataset: { key: string; id: string; version: number };
  kind: AnchorKindName;
  contentHash: string;
  fileCount: number;
  uri: string;
  transaction: { hash: string; blockNumber: number; timestamp: number };
}

/** A receipt in its documented field order: where, what, which file, how it connects, when. */
function receiptOf(record: AnchorRecord, file: Receipt['file'], siblings: string[]): Receipt {
  return {
    format: RECEIPT_FORMAT,
    chainId: record.chainId,
    contract: record.contract,
    agency: { ...record.agency },
    dataset: { ...record.dataset },
    anchor: { kind: record.kind, contentHash: record.contentHash, fileCount: record.fileCount, uri: record.uri },
    file,
    proof: { leafEncoding: LEAF_ENCODING, siblings },
    transaction: {
      hash: record.transaction.hash,
      blockNumber: record.transaction.blockNumber,
      blockTime: new Date(record.transaction.timestamp * 1000).toISOString(),
      timestamp: record.transaction.timestamp,
    },
  };
}

/** The receipt of a file anchored on its own. `name` is the file's name (no directories). */
export function buildFileReceipt(record: AnchorRecord, name: string): Receipt {
  if (record.kind !== 'file') throw new Error('buildFileReceipt needs a file anchor');
  return receiptOf(record, { path: name, sha256: toDigest(record.contentHash) }, []);
}

/** One receipt per file of an anchored tree, in the tree's path order. */
export function buildTreeReceipts(record: AnchorRecord, tree: DatasetTree): Receipt[] {
  if (record.kind !== 'tree') throw new Error('buildTreeReceipts needs a tree anchor');
  if (toDigest(tree.root) !== toDigest(record.contentHash)) throw new Error('the tree does not match the anchor');
  const receipts: Receipt[] = [];
  for (const [index, [path, sha256]] of tree.entries()) {
    receipts.push(receiptOf(record, { path, sha256: toDigest(sha256) }, tree.getProof(index)));
  }
  return receipts.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
}

/** Thrown by {@link parseReceipt}: the receipt is malformed; the message says which field and why. */
export class ReceiptError extends InputError {}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const BYTES12 = /^0x[0-9a-fA-F]{24}$/;
const TX_HASH = /^0x[0-9a-fA-F]{64}$/;

type Json = Record<string, unknown>;

/**
 * Parses and checks a receipt (the parsed JSON of a receipt file).
 * @param value The parsed JSON.
 * @param source Where it came from, for messages (e.g. its file name).
 * @throws ReceiptError naming the first problem: unknown format, missing or malformed field, inconsistent fields.
 */
export function parseReceipt(value: unknown, source = 'receipt'): Receipt {
  const fail = (problem: string): never => {
    throw new ReceiptError(`${source} is not a valid govanchor receipt: ${problem}`);
  };
  const object = (v: unknown, field: string): Json =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : fail(`${field} must be an object`);
  const string = (v: unknown, field: string): string => (typeof v === 'string' ? v : fail(`${field} must be a string`));
  const integer = (v: unknown, field: string, min = 0): number =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min
      ? v
      : fail(`${field} must be a whole number >= ${min}`);
  const digest = (v: unknown, field: string): string =>
    typeof v === 'string' && isDigest(v) ? toDigest(v) : fail(`${field} must be 64 hex digits`);
  const matching = (v: unknown, field: string, pattern: RegExp, what: string): string => {
    const s = string(v, field);
    return pattern.test(s) ? s : fail(`${field} must be ${what}`);
  };

  const root = object(value, 'the document');
  if (root.format !== RECEIPT_FORMAT) {
    if (typeof root.format === 'string' && root.format.startsWith('govanchor-receipt/')) {
      fail(`format "${root.format}" is not supported by this version of govanchor (it reads ${RECEIPT_FORMAT})`);
    }
    fail(`format must be "${RECEIPT_FORMAT}"`);
  }
  const chainId = integer(root.chainId, 'chainId', 1);
  const contract = matching(root.contract, 'contract', ADDRESS, 'an address (0x + 40 hex digits)');
  const agency = object(root.agency, 'agency');
  const dataset = object(root.dataset, 'dataset');
  const anchor = object(root.anchor, 'anchor');
  const file = object(root.file, 'file');
  const proof = object(root.proof, 'proof');
  const transaction = object(root.transaction, 'transaction');

  const kind =
    anchor.kind === 'file' || anchor.kind === 'tree' ? anchor.kind : fail('anchor.kind must be "file" or "tree"');
  const receipt: Receipt = {
    format: RECEIPT_FORMAT,
    chainId,
    contract,
    agency: { code: string(agency.code, 'agency.code'), name: string(agency.name, 'agency.name') },
    dataset: {
      key: string(dataset.key, 'dataset.key'),
      id: matching(dataset.id, 'dataset.id', BYTES12, 'a bytes12 id (0x + 24 hex digits)').toLowerCase(),
      version: integer(dataset.version, 'dataset.version', 1),
    },
    anchor: {
      kind,
      contentHash: digest(anchor.contentHash, 'anchor.contentHash'),
      fileCount: integer(anchor.fileCount, 'anchor.fileCount', 1),
      uri: anchor.uri === undefined ? '' : string(anchor.uri, 'anchor.uri'),
    },
    file: { path: string(file.path, 'file.path'), sha256: digest(file.sha256, 'file.sha256') },
    proof: { leafEncoding: LEAF_ENCODING, siblings: [] },
    transaction: {
      hash: matching(transaction.hash, 'transaction.hash', TX_HASH, 'a transaction hash (0x + 64 hex digits)'),
      blockNumber: integer(transaction.blockNumber, 'transaction.blockNumber'),
      blockTime: string(transaction.blockTime, 'transaction.blockTime'),
      timestamp: integer(transaction.timestamp, 'transaction.timestamp'),
    },
  };
  const encoding = proof.leafEncoding;
  if (!Array.isArray(encoding) || encoding.join(',') !== LEAF_ENCODING.join(',')) {
    fail(`proof.leafEncoding must be ${JSON.stringify(LEAF_ENCODING)}`);
  }
  if (!Array.isArray(proof.siblings)) fail('proof.siblings must be an array');
  receipt.proof.siblings = (proof.siblings as unknown[]).map((s, i) => digest(s, `proof.siblings[${i}]`));
  if (!isCanonicalPath(receipt.file.path)) fail(`file.path "${receipt.file.path}" is not a relative POSIX path`);
  if (kind === 'file') {
    if (receipt.anchor.contentHash !== receipt.file.sha256) fail('a file anchor must have contentHash = file.sha256');
    if (receipt.anchor.fileCount !== 1) fail('a file anchor must have fileCount 1');
    if (receipt.proof.siblings.length !== 0) fail('a file anchor has no proof siblings');
  }
  if (!receipt.dataset.key.startsWith(`${receipt.agency.code}/`)) {
    fail(`dataset.key "${receipt.dataset.key}" does not start with agency.code "${receipt.agency.code}/"`);
  }
  if (datasetIdOf(receipt.dataset.key) !== receipt.dataset.id) fail('dataset.id is not the id of dataset.key');
  return receipt;
}

/** Parses a receipt from JSON text. @throws ReceiptError if the text is not JSON or not a valid receipt. */
export function parseReceiptJson(text: string, source = 'receipt'): Receipt {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ReceiptError(`${source} is not a valid govanchor receipt: it is not JSON`);
  }
  return parseReceipt(value, source);
}

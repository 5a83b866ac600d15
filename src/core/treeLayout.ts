/**
 * The dataset tree computed on raw bytes: the same leaves, node order and node hashes as
 * `StandardMerkleTree.of(values, ['string', 'bytes32'])` from @openzeppelin/merkle-tree 1.0.x, without that library's
 * cost (ABI encoding through validating parsers, a hex string between every step, leaves sorted by BigInt), and
 * without loading it (it pulls in about 180 ms of modules). `tree.ts` builds the library's tree from this layout;
 * `govanchor hash` needs only the root. `test/core/treeLayout.test.ts` checks both against `StandardMerkleTree.of`.
 *
 * How StandardMerkleTree lays a tree out: leaf = keccak256(keccak256(abi.encode(string path, bytes32 sha256))); the
 * leaves are sorted by hash (stable) and stored from the end of an array of 2n − 1 nodes, the smallest last; node i
 * has children 2i + 1 and 2i + 2 and is keccak256 of the two, the smaller first; node 0 is the root.
 */
import { toDigest } from './hash';
import { fillParents, KECCAK256_RATE, keccakPad, leavesInto } from './keccak';

/** One file of a tree: its path relative to the tree's top directory (POSIX separators) and its SHA-256. */
export interface FileEntry {
  path: string;
  sha256: string;
}

/** A part of a path that is empty (`a//b`, `a/`), `.` or `..`. */
const NOT_CANONICAL_PART = /(^|\/)\.{0,2}(\/|$)/;

/** Checks that a relative path is in the canonical form used in trees: POSIX separators, no `.`/`..`, no leading /. */
export function isCanonicalPath(path: string): boolean {
  if (path.length === 0 || path.startsWith('/') || path.includes('\\')) return false;
  return !NOT_CANONICAL_PART.test(path);
}

/**
 * The entries of a tree in its order: sorted by path (so the same files always give the same root, whatever order the
 * file system listed them in), digests as 0x + lowercase hex.
 * @throws Error if there are no files, a path is not canonical, a path appears twice, or a digest is malformed.
 */
export function treeEntries(files: readonly FileEntry[]): FileEntry[] {
  if (files.length === 0) throw new Error('a tree needs at least one file');
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 0; i < sorted.length; i++) {
    if (!isCanonicalPath(sorted[i].path)) throw new Error(`"${sorted[i].path}" is not a relative POSIX path`);
    if (i > 0 && sorted[i].path === sorted[i - 1].path) throw new Error(`"${sorted[i].path}" appears twice`);
  }
  return sorted.map((file) => ({ path: file.path, sha256: toDigest(file.sha256) }));
}

/** The tree's nodes in StandardMerkleTree's order. */
export interface TreeLayout {
  /** 32 bytes per node, 2n − 1 nodes; node 0 is the root. */
  nodes: Uint8Array;
  /** For each entry, in the order given, the index of its leaf among the nodes (StandardMerkleTree's `treeIndex`). */
  treeIndices: number[];
}

const utf8 = new TextEncoder();

/** The value of each ASCII hex digit, -1 for any other character code below 128. */
const HEX_VALUES = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUES['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX_VALUES['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}

/**
 * Writes abi.encode(string path, bytes32 sha256) at `at` in `buffer`, whose bytes there must be zero: the string's
 * offset (0x40), the digest, the string's length, its UTF-8 bytes padded to 32.
 * @param sha256 0x + 64 hex digits.
 * @returns The encoding's length.
 */
function writeEncoding(buffer: Uint8Array, at: number, path: string, sha256: string): number {
  buffer[at + 31] = 0x40;
  let invalid = sha256.length !== 66;
  for (let i = 0; i < 32; i++) {
    const high = HEX_VALUES[sha256.charCodeAt(2 + 2 * i)] ?? -1;
    const low = HEX_VALUES[sha256.charCodeAt(3 + 2 * i)] ?? -1;
    invalid ||= (high | low) < 0;
    buffer[at + 32 + i] = (high << 4) | low;
  }
  if (invalid) throw new Error(`"${sha256}" is not a SHA-256 digest: expected 0x and 64 hex digits`);
  // ASCII, the usual case, char by char; anything else through TextEncoder (lone surrogates become U+FFFD, as in
  // the library's encoder, which uses TextEncoder too).
  let size = path.length;
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code >= 0x80) {
      size = utf8.encodeInto(path, buffer.subarray(at + 96)).written;
      break;
    }
    buffer[at + 96 + i] = code;
  }
  buffer[at + 92] = size >>> 24;
  buffer[at + 93] = size >>> 16;
  buffer[at + 94] = size >>> 8;
  buffer[at + 95] = size;
  return 96 + Math.ceil(size / 32) * 32;
}

/**
 * The StandardMerkleTree leaves of `entries`, in their order, 32 bytes each:
 * keccak256(keccak256(abi.encode(string path, bytes32 sha256))). The encodings are written, padded, into one buffer
 * and hashed in one call.
 * @throws Error if a digest is not 0x and 64 hex digits.
 */
export function leavesOf(entries: readonly FileEntry[]): Uint8Array {
  const blocks = new Uint32Array(entries.length);
  let messages = new Uint8Array(entries.length * 2 * KECCAK256_RATE);
  let end = 0;
  for (let i = 0; i < entries.length; i++) {
    const { path, sha256 } = entries[i];
    const room = 96 + 3 * path.length + 32 + KECCAK256_RATE; // the encoding at most, and its padding
    if (end + room > messages.length) {
      const larger = new Uint8Array(2 * (end + room));
      larger.set(messages.subarray(0, end));
      messages = larger;
    }
    blocks[i] = keccakPad(messages, end, writeEncoding(messages, end, path, sha256));
    end += blocks[i] * KECCAK256_RATE;
  }
  const leaves = new Uint8Array(32 * entries.length);
  leavesInto(messages.subarray(0, end), blocks, leaves);
  return leaves;
}

/** Compares the 32 bytes at `a` with those at `b` in `bytes`, as unsigned big-endian numbers. */
function compareNodes(bytes: Uint8Array, a: number, b: number): number {
  for (let i = 0; i < 32; i++) {
    const difference = bytes[a + i] - bytes[b + i];
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Up to 2^21 leaves, a leaf's index and its first 4 bytes fit in one exact float64 sort key. */
const INDEX_BITS = 2 ** 21;

/**
 * The leaves' indices sorted by leaf, as unsigned big-endian numbers, equal leaves in index order (the order of
 * StandardMerkleTree.of's stable sort). The leaves are sorted by their first 4 bytes and index packed into numbers
 * (a native numeric sort, several times faster than a comparator), then any run of leaves sharing their first 4
 * bytes by the whole leaf.
 */
function leafOrder(leaves: Uint8Array, count: number): number[] {
  const byLeaf = (a: number, b: number): number => compareNodes(leaves, 32 * a, 32 * b) || a - b;
  if (count > INDEX_BITS) return Array.from({ length: count }, (_, i) => i).sort(byLeaf);
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = 32 * i;
    const prefix = ((leaves[at] << 24) | (leaves[at + 1] << 16) | (leaves[at + 2] << 8) | leaves[at + 3]) >>> 0;
    keys[i] = prefix * INDEX_BITS + i;
  }
  keys.sort();
  const order = Array.from(keys, (key) => key % INDEX_BITS);
  for (let start = 0; start < count;) {
    const prefix = Math.floor(keys[start] / INDEX_BITS);
    let end = start + 1;
    while (end < count && Math.floor(keys[end] / INDEX_BITS) === prefix) end++;
    if (end - start > 1) order.splice(start, end - start, ...order.slice(start, end).sort(byLeaf));
    start = end;
  }
  return order;
}

/**
 * Lays out the tree of `entries` (in the order given: use {@link treeEntries} first) exactly as
 * `StandardMerkleTree.of(entries.map((e) => [e.path, e.sha256]), ['string', 'bytes32'])` does.
 */
export function treeLayout(entries: readonly FileEntry[]): TreeLayout {
  return layoutOfLeaves(leavesOf(entries));
}

/**
 * {@link treeLayout} from the entries' leaves ({@link leavesOf}), 32 bytes each, in the entries' order (for
 * callers whose entries are already in the tree's order, e.g. a directory listing).
 */
export function layoutOfLeaves(leaves: Uint8Array): TreeLayout {
  const count = leaves.length / 32;
  if (count === 0) throw new Error('a tree needs at least one file');
  const order = leafOrder(leaves, count);
  const length = 2 * count - 1;
  const nodes = new Uint8Array(32 * length);
  const treeIndices = new Array<number>(count);
  for (let k = 0; k < count; k++) {
    const index = length - 1 - k;
    for (let j = 0; j < 32; j++) nodes[32 * index + j] = leaves[32 * order[k] + j];
    treeIndices[order[k]] = index;
  }
  fillParents(nodes, count);
  return { nodes, treeIndices };
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Node `index` of a layout as 0x + 64 lowercase hex digits. */
export function nodeHex(nodes: Uint8Array, index: number): string {
  let hex = '0x';
  for (let i = 32 * index; i < 32 * index + 32; i++) hex += HEX[nodes[i]];
  return hex;
}

/**
 * The Merkle root of a directory's files: `buildTree(files).root`, without building the tree.
 * @throws Error as {@link treeEntries}.
 */
export function treeRoot(files: readonly FileEntry[]): string {
  return nodeHex(treeLayout(treeEntries(files)).nodes, 0);
}

/**
 * An investigation aid, not used by the suite: the root of the same tree as `src/core/tree.ts` `buildTree`
 * (OpenZeppelin StandardMerkleTree over `(string path, bytes32 sha256)` leaves, leaves sorted by hash, pairs hashed
 * sorted), computed on raw bytes. The benchmark checks that both give the same root and times both: the difference is
 * the cost of the general-purpose library (ABI encoding through validating parsers, hex strings between every step).
 */
import { keccak256 } from 'ethers';
import type { FileEntry } from '../src/core/tree';

/** keccak256 of raw bytes, as raw bytes (ethers hashes with @noble/hashes; only its hex result is converted). */
function keccak(data: Uint8Array): Buffer {
  return Buffer.from(keccak256(data).slice(2), 'hex');
}

/** keccak256(keccak256(abi.encode(string path, bytes32 sha256))), as StandardMerkleTree hashes a leaf. */
function leafHash(path: string, sha256: string): Buffer {
  const pathBytes = Buffer.from(path, 'utf8');
  const padded = Math.ceil(pathBytes.length / 32) * 32;
  const encoded = Buffer.alloc(96 + padded);
  encoded[31] = 0x40; // offset of the string's tail
  Buffer.from(sha256.replace(/^0x/, ''), 'hex').copy(encoded, 32);
  encoded.writeUInt32BE(pathBytes.length, 92); // the string's length, in the last 4 bytes of its 32-byte word
  pathBytes.copy(encoded, 96);
  return keccak(keccak(encoded));
}

/** The Merkle root of `files`, equal to `buildTree(files).root`. */
export function fastTreeRoot(files: readonly FileEntry[]): string {
  if (files.length === 0) throw new Error('a tree needs at least one file');
  const leaves = files.map((file) => leafHash(file.path, file.sha256));
  leaves.sort((a, b) => Buffer.compare(a, b));
  const tree = new Array<Buffer>(2 * leaves.length - 1);
  for (let i = 0; i < leaves.length; i++) tree[tree.length - 1 - i] = leaves[i];
  const pair = new Uint8Array(64);
  for (let i = tree.length - 1 - leaves.length; i >= 0; i--) {
    const left = tree[2 * i + 1];
    const right = tree[2 * i + 2];
    const ordered = Buffer.compare(left, right) <= 0;
    pair.set(ordered ? left : right, 0);
    pair.set(ordered ? right : left, 32);
    tree[i] = keccak(pair);
  }
  return '0x' + Buffer.from(tree[0]).toString('hex');
}

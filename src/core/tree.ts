import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { toDigest } from './hash';

/**
 * The leaf encoding shared with `DatasetRegistry.isFileInTree`: OpenZeppelin's StandardMerkleTree over values
 * `(string path, bytes32 sha256)`, i.e. leaf = keccak256(keccak256(abi.encode(path, sha256))).
 */
export const LEAF_ENCODING: ['string', 'bytes32'] = ['string', 'bytes32'];

/** One file of a tree: its path relative to the tree's top directory (POSIX separators) and its SHA-256. */
export interface FileEntry {
  path: string;
  sha256: string;
}

export type DatasetTree = StandardMerkleTree<[string, string]>;

/** Checks that a relative path is in the canonical form used in trees: POSIX separators, no `.`/`..`, no leading /. */
export function isCanonicalPath(path: string): boolean {
  if (path.length === 0 || path.startsWith('/') || path.includes('\\')) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/**
 * Builds the Merkle tree of a directory's files. Entries are sorted by path first, so the same files always give
 * the same root whatever order the file system listed them in.
 * @throws Error if there are no files, a path is not canonical, or a path appears twice.
 */
export function buildTree(files: readonly FileEntry[]): DatasetTree {
  if (files.length === 0) throw new Error('a tree needs at least one file');
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 0; i < sorted.length; i++) {
    if (!isCanonicalPath(sorted[i].path)) throw new Error(`"${sorted[i].path}" is not a relative POSIX path`);
    if (i > 0 && sorted[i].path === sorted[i - 1].path) throw new Error(`"${sorted[i].path}" appears twice`);
  }
  return StandardMerkleTree.of(
    sorted.map((file) => [file.path, toDigest(file.sha256)] as [string, string]),
    LEAF_ENCODING,
  );
}

/** The proof for the file at `path` in `tree`. @throws Error if the tree has no such file. */
export function proofFor(tree: DatasetTree, path: string): string[] {
  for (const [index, [leafPath]] of tree.entries()) {
    if (leafPath === path) return tree.getProof(index);
  }
  throw new Error(`"${path}" is not in the tree`);
}

/** True if `proof` leads from the leaf `(path, sha256)` to `root`. Pure: it says nothing about the chain. */
export function verifyFileProof(root: string, path: string, sha256: string, proof: readonly string[]): boolean {
  try {
    return StandardMerkleTree.verify(toDigest(root), LEAF_ENCODING, [path, toDigest(sha256)], [...proof]);
  } catch {
    return false;
  }
}

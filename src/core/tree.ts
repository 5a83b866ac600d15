import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { toDigest } from './hash';
import { nodeHex, treeEntries, treeLayout, type FileEntry } from './treeLayout';

export { isCanonicalPath, treeRoot, type FileEntry } from './treeLayout';

/**
 * The leaf encoding shared with `DatasetRegistry.isFileInTree`: OpenZeppelin's StandardMerkleTree over values
 * `(string path, bytes32 sha256)`, i.e. leaf = keccak256(keccak256(abi.encode(path, sha256))).
 */
export const LEAF_ENCODING: ['string', 'bytes32'] = ['string', 'bytes32'];

export type DatasetTree = StandardMerkleTree<[string, string]>;

/**
 * Builds the Merkle tree of a directory's files. Entries are sorted by path first, so the same files always give
 * the same root whatever order the file system listed them in. The tree is `StandardMerkleTree.of(entries,
 * LEAF_ENCODING)`, node for node: its nodes are computed on raw bytes (`treeLayout.ts`) and loaded with
 * `StandardMerkleTree.load`, which checks every leaf and node with the library's own hashing. When only the root is
 * needed, `treeRoot` is much faster.
 * @throws Error if there are no files, a path is not canonical, or a path appears twice.
 */
export function buildTree(files: readonly FileEntry[]): DatasetTree {
  const entries = treeEntries(files);
  const { nodes, treeIndices } = treeLayout(entries);
  return StandardMerkleTree.load<[string, string]>({
    format: 'standard-v1',
    leafEncoding: LEAF_ENCODING,
    tree: Array.from({ length: nodes.length / 32 }, (_, index) => nodeHex(nodes, index)),
    values: entries.map((entry, i) => ({ value: [entry.path, entry.sha256], treeIndex: treeIndices[i] })),
  });
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

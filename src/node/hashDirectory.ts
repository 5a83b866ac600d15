import type { DatasetTree } from '../core/tree';
import { isCanonicalPath, layoutOfLeaves, leavesOf, nodeHex, treeRoot, type FileEntry } from '../core/treeLayout';
import { hashFiles } from './hashFile';
import { listFiles } from './listFiles';

export interface HashDirectoryReturnType {
  /** Every regular file, sorted by relative path, with its SHA-256. */
  files: FileEntry[];
  /** The Merkle root over `files` (what gets anchored): `tree.root`. */
  root: string;
  /**
   * The Merkle tree over `files`, for proofs and receipts. Built on first use: `govanchor hash` needs only the root,
   * and the tree costs several times the hashing (it loads @openzeppelin/merkle-tree, whose `load` checks every
   * leaf and node: about a second for 10,000 files).
   */
  readonly tree: DatasetTree;
  /** Entries that were not hashed: symbolic links and other non-regular files. */
  skipped: string[];
}

/**
 * Hashes every regular file under `dir` (small files read whole, large ones streamed) and computes the tree's root.
 * @param onFile Called after each file with the number of files done and the total.
 * @throws Error if the directory has no regular file.
 */
export async function hashDirectory(
  dir: string,
  onFile?: (done: number, total: number) => void,
): Promise<HashDirectoryReturnType> {
  const { files: listed, skipped } = await listFiles(dir, { sync: true });
  if (listed.length === 0) throw new Error(`${dir} contains no regular file to anchor`);
  const digests = await hashFiles(
    listed.map((file) => file.location),
    onFile,
  );
  const files: FileEntry[] = listed.map((file, i) => ({ path: file.path, sha256: digests[i] }));
  let tree: DatasetTree | undefined;
  return {
    files,
    root: rootOfListing(files),
    get tree(): DatasetTree {
      tree ??= (require('../core/tree') as typeof import('../core/tree')).buildTree(files);
      return tree;
    },
    skipped,
  };
}

/**
 * `treeRoot(files)` for a listing's files: they are sorted as the tree sorts its entries, their paths are unique and
 * their digests normalised, so only the paths' form needs checking before their leaves are the tree's, in its order.
 */
function rootOfListing(files: readonly FileEntry[]): string {
  // A path that is not canonical (a name with a backslash): treeRoot throws the error buildTree gives.
  if (!files.every((file) => isCanonicalPath(file.path))) return treeRoot(files);
  return nodeHex(layoutOfLeaves(leavesOf(files)).nodes, 0);
}

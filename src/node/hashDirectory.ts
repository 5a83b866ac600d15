import type { DatasetTree } from '../core/tree';
import { isCanonicalPath, layoutOfLeaves, leafHashInto, nodeHex, treeRoot, type FileEntry } from '../core/treeLayout';
import { HashWorker, hashFiles } from './hashFile';
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
  // A worker thread for a second core starts while the directory is listed; hashFiles stops it if there are few files.
  const worker = HashWorker.start();
  let listing: Awaited<ReturnType<typeof listFiles>>;
  try {
    listing = await listFiles(dir, { sync: true });
    if (listing.files.length === 0) throw new Error(`${dir} contains no regular file to anchor`);
  } catch (error) {
    worker?.stop();
    throw error;
  }
  const { files: listed, skipped } = listing;
  // The tree's leaves as the digests come in. The listing is sorted as the tree sorts its entries, its paths are
  // unique and the digests normalised: these are the tree's leaves in its order.
  const leaves = new Uint8Array(32 * listed.length);
  let canonical = true;
  const digests = await hashFiles(
    listed.map((file) => file.location),
    {
      onFile,
      worker: worker ?? false,
      onDigest: (i, sha256) => {
        if (canonical && isCanonicalPath(listed[i].path)) leafHashInto(listed[i].path, sha256, leaves, 32 * i);
        else canonical = false;
      },
    },
  );
  const files: FileEntry[] = listed.map((file, i) => ({ path: file.path, sha256: digests[i] }));
  let tree: DatasetTree | undefined;
  return {
    files,
    // A path that is not canonical (a name with a backslash): treeRoot throws the error buildTree gives.
    root: canonical ? nodeHex(layoutOfLeaves(leaves).nodes, 0) : treeRoot(files),
    get tree(): DatasetTree {
      tree ??= (require('../core/tree') as typeof import('../core/tree')).buildTree(files);
      return tree;
    },
    skipped,
  };
}

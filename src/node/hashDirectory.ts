import { buildTree, type DatasetTree, type FileEntry } from '../core/tree';
import { hashFile } from './hashFile';
import { listFiles } from './listFiles';

export interface HashDirectoryReturnType {
  /** Every regular file, sorted by relative path, with its SHA-256. */
  files: FileEntry[];
  /** The Merkle tree over `files` (its `root` is what gets anchored). */
  tree: DatasetTree;
  /** Entries that were not hashed: symbolic links and other non-regular files. */
  skipped: string[];
}

/**
 * Hashes every regular file under `dir` (streaming) and builds the dataset tree.
 * @param onFile Called after each file with the number of files done and the total.
 * @throws Error if the directory has no regular file.
 */
export async function hashDirectory(
  dir: string,
  onFile?: (done: number, total: number) => void,
): Promise<HashDirectoryReturnType> {
  const { files: listed, skipped } = await listFiles(dir);
  if (listed.length === 0) throw new Error(`${dir} contains no regular file to anchor`);
  const files: FileEntry[] = [];
  for (const file of listed) {
    files.push({ path: file.path, sha256: await hashFile(file.location) });
    onFile?.(files.length, listed.length);
  }
  return { files, tree: buildTree(files), skipped };
}

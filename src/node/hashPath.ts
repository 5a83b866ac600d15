/**
 * Hashing what a user points at: a file (its SHA-256) or a directory (every file's SHA-256 and the tree root), with
 * errors that name the path and the problem (missing, empty, unreadable).
 */
import { stat } from 'node:fs/promises';
import { InputError } from '../core/errors';
import type { DatasetTree, FileEntry } from '../core/tree';
import { hashDirectory } from './hashDirectory';
import { hashFile } from './hashFile';

export type HashPathReturnType =
  | { kind: 'file'; path: string; sha256: string; size: number }
  | { kind: 'tree'; path: string; root: string; files: FileEntry[]; readonly tree: DatasetTree; skipped: string[] };

export interface HashPathParameters {
  /** Bytes hashed so far of a single file, and its size. */
  onBytes?: (done: number, total: number) => void;
  /** Files hashed so far of a directory, and their number. */
  onFiles?: (done: number, total: number) => void;
}

/**
 * Hashes a file or a directory tree (streaming; a 2 GB file is never held in memory). A tree's `tree` (for proofs
 * and receipts) is built on first use; its `root` is computed at once.
 * @throws InputError if the path does not exist, is neither file nor directory, is unreadable, or is an empty
 * directory.
 */
export async function hashPath(
  path: string,
  { onBytes, onFiles }: HashPathParameters = {},
): Promise<HashPathReturnType> {
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw fsError(path, error);
  });
  try {
    if (stats.isFile()) {
      const sha256 = await hashFile(path, onBytes && ((done) => onBytes(done, stats.size)));
      return { kind: 'file', path, sha256, size: stats.size };
    }
    if (stats.isDirectory()) {
      const hashed = await hashDirectory(path, onFiles);
      const { root, files, skipped } = hashed;
      // `tree` stays lazy (see hashDirectory): only receipts and proofs need it.
      return {
        kind: 'tree',
        path,
        root,
        files,
        get tree() {
          return hashed.tree;
        },
        skipped,
      };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw fsError(path, error as NodeJS.ErrnoException);
    const message = (error as Error).message;
    if (/no regular file/.test(message)) {
      throw new InputError(`directory ${path} is empty: it holds no regular file to hash (symbolic links are skipped)`);
    }
    throw new InputError(`cannot hash ${path}: ${message}`, { cause: error });
  }
  throw new InputError(`${path} is neither a regular file nor a directory`);
}

/** A one-line message for a file-system error on `path`. */
export function fsError(path: string, error: NodeJS.ErrnoException): InputError {
  const where = error.path && error.path !== path ? `${error.path} (under ${path})` : path;
  switch (error.code) {
    case 'ENOENT':
      return new InputError(`${where}: no such file or directory`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new InputError(`${where}: permission denied (cannot read it)`, { cause: error });
    case 'ENOTDIR':
      return new InputError(`${where}: a part of the path is not a directory`, { cause: error });
    case 'EISDIR':
      return new InputError(`${where} is a directory, a file was expected`, { cause: error });
    default:
      return new InputError(`${where}: ${error.message}`, { cause: error });
  }
}

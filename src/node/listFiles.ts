import { readdirSync, type Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** A regular file found under a tree's top directory. */
export interface ListedFile {
  /** Path relative to the top directory, with POSIX separators. */
  path: string;
  /** Absolute or caller-relative path to open it. */
  location: string;
}

export interface ListFilesParameters {
  /**
   * Read the directories synchronously: for callers that then read the files synchronously anyway (hashing a tree),
   * where waiting on the thread pool for each directory in turn is most of the listing's time. Not for servers.
   */
  sync?: boolean;
}

/**
 * Lists the regular files under `dir`, sorted by relative path. Symbolic links are not followed (a link could point
 * outside the tree or into a loop) and are returned in `skipped`, as are other non-regular entries. The entries' types
 * come from the directory listing itself (Node lstat's only entries whose type the file system does not report).
 */
export async function listFiles(
  dir: string,
  { sync = false }: ListFilesParameters = {},
): Promise<{ files: ListedFile[]; skipped: string[] }> {
  const files: ListedFile[] = [];
  const skipped: string[] = [];
  // `location` is what readdir opens (the top directory as given, so that errors name it as the user wrote it);
  // `base`, its normalised form, is what the entries' locations are built on.
  async function walk(location: string, base: string, prefix: string): Promise<void> {
    const entries: Dirent[] = sync
      ? readdirSync(location, { withFileTypes: true })
      : await readdir(location, { withFileTypes: true });
    for (const entry of entries) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      const child = childOf(base, entry.name);
      if (entry.isDirectory()) await walk(child, child, path);
      else if (entry.isFile()) files.push({ path, location: child });
      else skipped.push(path);
    }
  }
  await walk(dir, join(dir, '.'), '');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped };
}

/**
 * `join(location, name)` for a normalised `location` and an entry name from `readdir` (no separator, never `.` or
 * `..`), without `join`'s normalisation (a quarter of the listing's time on 10,000 files).
 */
function childOf(location: string, name: string): string {
  if (location === '.') return name;
  return location.endsWith(sep) ? location + name : location + sep + name;
}

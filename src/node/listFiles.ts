import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A regular file found under a tree's top directory. */
export interface ListedFile {
  /** Path relative to the top directory, with POSIX separators. */
  path: string;
  /** Absolute or caller-relative path to open it. */
  location: string;
  size: number;
}

/**
 * Lists the regular files under `dir`, sorted by relative path. Symbolic links are not followed (a link could point
 * outside the tree or into a loop) and are returned in `skipped`, as are other non-regular entries.
 */
export async function listFiles(dir: string): Promise<{ files: ListedFile[]; skipped: string[] }> {
  const files: ListedFile[] = [];
  const skipped: string[] = [];
  async function walk(location: string, prefix: string): Promise<void> {
    const entries = await readdir(location, { withFileTypes: true });
    for (const entry of entries) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      const child = join(location, entry.name);
      if (entry.isDirectory()) await walk(child, path);
      else if (entry.isFile()) files.push({ path, location: child, size: (await lstat(child)).size });
      else skipped.push(path);
    }
  }
  await walk(dir, '');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped };
}

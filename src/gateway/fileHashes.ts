/**
 * The SHA-256 of the files the gateway serves, re-hashed whenever a file may have changed. A cached hash is reused only
 * while the file's inode, size, modification time and status-change time (ctime) are all unchanged, at nanosecond
 * precision. ctime cannot be set back by ordinary tools (`touch -d` sets mtime but moves ctime to now), so a file
 * rewritten in place with its old size and mtime is still re-hashed.
 */
import { stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { hashFile } from '../node/hashFile';

/** A file's identity as the cache compares it. */
function fingerprint(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

/** The current hash of a file and its size. */
export interface HashedFile {
  sha256: string;
  size: number;
  /** True if the file was read and hashed now, false if the cached hash was reused. */
  hashed: boolean;
}

export class FileHashes {
  private readonly cache = new Map<string, { fingerprint: string; sha256: string; size: number }>();
  private readonly inFlight = new Map<string, Promise<HashedFile>>();

  /**
   * The file's SHA-256 now: from the cache if the file is unchanged, else streamed from disk (concurrent requests for
   * one file share one read).
   * @throws The file-system error if the file is missing or unreadable, or an Error if it keeps changing while hashed.
   */
  async current(location: string): Promise<HashedFile> {
    const stats = await stat(location, { bigint: true });
    if (!stats.isFile()) throw Object.assign(new Error(`${location} is not a regular file`), { code: 'ENOTFILE' });
    const cached = this.cache.get(location);
    if (cached && cached.fingerprint === fingerprint(stats)) {
      return { sha256: cached.sha256, size: cached.size, hashed: false };
    }
    const pending = this.inFlight.get(location);
    if (pending) return pending;
    const read = this.rehash(location).finally(() => this.inFlight.delete(location));
    this.inFlight.set(location, read);
    return read;
  }

  /** Forgets a file's hash (e.g. after bytes that were streamed did not match it). */
  forget(location: string): void {
    this.cache.delete(location);
  }

  private async rehash(location: string): Promise<HashedFile> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = await stat(location, { bigint: true });
      const sha256 = await hashFile(location);
      const after = await stat(location, { bigint: true });
      if (fingerprint(before) === fingerprint(after)) {
        const size = Number(after.size);
        this.cache.set(location, { fingerprint: fingerprint(after), sha256, size });
        return { sha256, size, hashed: true };
      }
    }
    throw new Error(`${location} kept changing while it was hashed`);
  }
}

import * as crypto from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Read size for hashing: large reads keep up with `sha256sum` without holding the file in memory. */
const CHUNK_SIZE = 1 << 20;

/**
 * Streams a file through SHA-256.
 * @param path The file.
 * @param onProgress Called with the number of bytes read so far.
 * @returns The digest as 0x + 64 lowercase hex digits.
 */
export async function hashFile(path: string, onProgress?: (bytesRead: number) => void): Promise<string> {
  const hash = crypto.createHash('sha256');
  let bytesRead = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_SIZE })) {
    hash.update(chunk as Buffer);
    bytesRead += (chunk as Buffer).length;
    onProgress?.(bytesRead);
  }
  return '0x' + hash.digest('hex');
}

/** SHA-256 of bytes in memory, as lowercase hex (one call where Node has `crypto.hash`, 20.12 and later). */
const sha256Hex: (data: Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** How long hashing may hold the event loop before it lets timers (progress bars) and I/O run. */
const TURN_MS = 50;

/**
 * Hashes many files one after another, for directory trees of many small files. A stream costs far more than a
 * small file's bytes (about half a millisecond per file), so each file is first read synchronously into one reused
 * buffer of {@link CHUNK_SIZE} bytes: a file that ends within it is hashed at once; a larger one is streamed from the
 * start with {@link hashFile}, so no file is ever held in memory whole. The event loop gets a turn every
 * {@link TURN_MS} ms.
 * @param locations The files.
 * @param onFile Called after each file with the number of files done and the total.
 * @returns The digests, in the order of `locations`, as 0x + 64 lowercase hex digits.
 */
export async function hashFiles(
  locations: readonly string[],
  onFile?: (done: number, total: number) => void,
): Promise<string[]> {
  const digests = new Array<string>(locations.length);
  const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
  let turnStarted = Date.now();
  for (let i = 0; i < locations.length; i++) {
    const digest = hashIfSmall(locations[i], buffer);
    digests[i] = digest ?? (await hashFile(locations[i]));
    onFile?.(i + 1, locations.length);
    if (Date.now() - turnStarted >= TURN_MS) {
      await nextTurn();
      turnStarted = Date.now();
    }
  }
  return digests;
}

/** The file's digest if it ends within `buffer` (read until end of file), undefined if it is larger. */
function hashIfSmall(location: string, buffer: Buffer): string | undefined {
  const fd = openSync(location, 'r');
  try {
    let size = 0;
    for (;;) {
      if (size === buffer.length) return undefined;
      const bytesRead = readSync(fd, buffer, size, buffer.length - size, null);
      if (bytesRead === 0) return '0x' + sha256Hex(buffer.subarray(0, size));
      size += bytesRead;
    }
  } finally {
    closeSync(fd);
  }
}

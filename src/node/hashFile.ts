import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Read size for hashing: large reads keep up with `sha256sum` without holding the file in memory. */
const CHUNK_SIZE = 1 << 20;

/**
 * Streams a file through SHA-256.
 * @param path The file.
 * @param onProgress Called with the number of bytes read so far.
 * @returns The digest as 0x + 64 lowercase hex digits.
 */
export async function hashFile(path: string, onProgress?: (bytesRead: number) => void): Promise<string> {
  const hash = createHash('sha256');
  let bytesRead = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_SIZE })) {
    hash.update(chunk as Buffer);
    bytesRead += (chunk as Buffer).length;
    onProgress?.(bytesRead);
  }
  return '0x' + hash.digest('hex');
}

/**
 * Streamed SHA-256 of a `Blob` (a browser `File`, or a Node 20+ `Blob`): the web page's counterpart of
 * `src/node/hashFile.ts`. WebCrypto's `crypto.subtle.digest` needs the whole content in memory, so the blob is read
 * in slices and fed to an incremental SHA-256; memory stays at one slice whatever the file's size.
 * No Node-only API: it runs in browsers and in Node alike.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

/** Bytes read per slice: large enough to keep up with the hash, small enough to keep the page responsive. */
export const HASH_CHUNK_SIZE = 4 << 20;

export interface HashBlobParameters {
  /** Bytes per slice; default {@link HASH_CHUNK_SIZE}. */
  chunkSize?: number;
  /** Called after each slice with the bytes hashed so far and the blob's size. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Stops hashing: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The digest as 0x + 64 lowercase hex digits, as `src/node/hashFile.ts` returns it. */
export type HashBlobReturnType = string;

/**
 * Streams a blob through SHA-256.
 * @param blob The file (or any blob).
 * @param parameters Slice size, progress callback and abort signal.
 * @returns The digest as 0x + 64 lowercase hex digits (`sha256sum` prints the same digits without 0x).
 * @example
 * const digest = await hashBlob(file, { onProgress: (done, total) => (bar.value = done / total) });
 */
export async function hashBlob(blob: Blob, parameters: HashBlobParameters = {}): Promise<HashBlobReturnType> {
  const { chunkSize = HASH_CHUNK_SIZE, onProgress, signal } = parameters;
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) throw new RangeError('chunkSize must be a positive integer');
  const hash = sha256.create();
  const total = blob.size;
  let done = 0;
  onProgress?.(0, total);
  while (done < total) {
    signal?.throwIfAborted();
    const end = Math.min(done + chunkSize, total);
    const bytes = new Uint8Array(await blob.slice(done, end).arrayBuffer());
    hash.update(bytes);
    done = end;
    onProgress?.(done, total);
  }
  signal?.throwIfAborted();
  return '0x' + bytesToHex(hash.digest());
}

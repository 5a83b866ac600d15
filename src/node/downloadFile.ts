/**
 * Streaming a download to a temporary file next to its destination, hashing it on the way: the file appears under its
 * real name only after the caller has verified it (`rename`), so an interrupted or rejected download never leaves a
 * file that looks complete.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

/** Suffix of temporary download files: `.<name>.<random>.govanchor-part`. */
export const PARTIAL_SUFFIX = '.govanchor-part';

/** A hidden temporary name next to `destination`, in the same directory (so that `rename` is atomic). */
export function temporaryPathFor(destination: string): string {
  return join(dirname(destination), `.${basename(destination)}.${randomBytes(6).toString('hex')}${PARTIAL_SUFFIX}`);
}

export interface DownloadToFileReturnType {
  /** 0x + 64 lowercase hex digits. */
  sha256: string;
  size: number;
}

/**
 * Writes a response body to `temporary` (created; never overwritten) while hashing it. On any failure the temporary
 * file is removed before the error is thrown.
 * @param body The response body.
 * @param temporary Where to write (see {@link temporaryPathFor}).
 * @param onBytes Called with each chunk's length.
 * @param signal Aborts the download.
 */
export async function downloadToFile(
  body: ReadableStream<Uint8Array>,
  temporary: string,
  onBytes?: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<DownloadToFileReturnType> {
  await mkdir(dirname(temporary), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      onBytes?.(chunk.length);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body), hashing, createWriteStream(temporary, { flags: 'wx', mode: 0o644 }), {
      signal,
    });
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { sha256: '0x' + hash.digest('hex'), size };
}

/**
 * HTTP range requests (RFC 9110 §14): one byte range per request. A header with several ranges is answered with the
 * whole file (allowed by the RFC; multipart/byteranges is not worth its complexity for dataset files).
 */

/** What a `Range` header asks for, given the file's size. */
export type RangeRequest =
  | { kind: 'full' } // no Range header, an unsupported unit, several ranges, or a header to ignore
  | { kind: 'range'; start: number; end: number } // inclusive byte positions
  | { kind: 'unsatisfiable' }; // answer 416 with `Content-Range: bytes */<size>`

const SINGLE = /^bytes=(\d*)-(\d*)$/;

/**
 * Parses a `Range` header against a file of `size` bytes.
 * @param header The header's value, if any.
 * @param size The file's size in bytes.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'full' };
  const value = header.trim().replace(/\s+/g, '');
  if (!value.startsWith('bytes=') || value.includes(',')) return { kind: 'full' };
  const match = SINGLE.exec(value);
  if (!match) return { kind: 'full' };
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (!Number.isSafeInteger(length) || length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(end) || end < start) return { kind: 'full' };
  return { kind: 'range', start, end };
}

import * as crypto from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

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

/** From this many files on, a worker thread on another core takes its share of the files. */
const WORKER_THRESHOLD = 4000;

/** States of a file in {@link hashFiles}, shared with its worker (src/node/hashFilesWorker.js). */
const PENDING = 0;
const WORKER_DONE = 1; // its digest is in the shared digests
const WORKER_DECLINED = 2; // larger than CHUNK_SIZE, or unreadable: the main thread hashes it and reports any error
const MAIN_DONE = 3;

export interface HashFilesParameters {
  /** Called after each file with the number of files done and the total. */
  onFile?: (done: number, total: number) => void;
  /** Called with each file's index and digest as soon as it is known, in no particular order. */
  onDigest?: (index: number, sha256: string) => void;
  /**
   * Share the files with a worker thread: one started beforehand with {@link HashWorker.start} (used from
   * {@link WORKER_THRESHOLD} files, stopped below), a new one (true) or none (false). Default: a new one from
   * {@link WORKER_THRESHOLD} files, with two cores or more.
   */
  worker?: boolean | HashWorker;
}

/**
 * Hashes many files, for directory trees of many small files. A stream costs far more than a small file's bytes
 * (about half a millisecond per file), so each file is read synchronously into one reused buffer of
 * {@link CHUNK_SIZE} bytes and hashed at once if it ends within it. Larger files (and any file that cannot be read)
 * are left to the end and streamed with {@link hashFile} in their order, so no file is ever held in memory whole and
 * the first unreadable file is the one whose error is thrown. With many files, a worker thread takes files from the
 * same queue on another core. The event loop gets a turn every {@link TURN_MS} ms.
 * @param parameters The callbacks and the worker setting, or just `onFile`.
 * @returns The digests, in the order of `locations`, as 0x + 64 lowercase hex digits.
 */
export async function hashFiles(
  locations: readonly string[],
  parameters: HashFilesParameters | HashFilesParameters['onFile'] = {},
): Promise<string[]> {
  const {
    onFile,
    onDigest,
    worker = locations.length >= WORKER_THRESHOLD && availableParallelism() > 1,
  } = typeof parameters === 'function' ? { onFile: parameters } : parameters;
  const count = locations.length;
  const digests = new Array<string>(count);
  let helper: SharedQueue | undefined;
  if (worker instanceof HashWorker) {
    if (count >= WORKER_THRESHOLD) helper = worker.assign(locations);
    else worker.stop();
  } else if (worker) {
    helper = HashWorker.start(true)?.assign(locations);
  }
  const next = helper?.next ?? new Int32Array(1); // the queue: the next file to take
  const states = helper?.states ?? new Int32Array(count);
  const deferred: number[] = [];
  let done = 0;
  let collected = 0; // files before this one are done or deferred
  const finish = (index: number, digest: string): void => {
    digests[index] = digest;
    onDigest?.(index, digest);
    onFile?.(++done, count);
  };
  /** Takes the worker's results in order, up to the first file still pending. */
  const collect = (): void => {
    for (; collected < count; collected++) {
      const state = Atomics.load(states, collected);
      if (state === PENDING) return;
      if (state === WORKER_DONE)
        finish(collected, '0x' + helper!.digests.toString('hex', 32 * collected, 32 * collected + 32));
      else if (state === WORKER_DECLINED) deferred.push(collected);
    }
  };
  const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
  let turnStarted = Date.now();
  try {
    for (let index = Atomics.add(next, 0, 1); index < count; index = Atomics.add(next, 0, 1)) {
      let digest: string | undefined;
      try {
        digest = hashIfSmall(locations[index], buffer);
      } catch {
        // Hashed again at the end, where its error is thrown in order.
      }
      if (digest === undefined) deferred.push(index);
      else finish(index, digest);
      Atomics.store(states, index, MAIN_DONE);
      if (helper) collect();
      if (Date.now() - turnStarted >= TURN_MS) {
        await nextTurn();
        turnStarted = Date.now();
      }
    }
    // The worker's last files: it took each one before the queue ran out, so it is finishing them (or it stopped:
    // then they are hashed here).
    for (collect(); collected < count; collect()) {
      if (helper!.worker.stopped) Atomics.compareExchange(states, collected, PENDING, WORKER_DECLINED);
      else await new Promise((resolve) => setTimeout(resolve, 1));
    }
    deferred.sort((a, b) => a - b);
    for (const index of deferred) finish(index, await hashFile(locations[index]));
  } finally {
    Atomics.store(next, 0, count); // after an error: the worker takes no more files
  }
  return digests;
}

/** What {@link hashFiles} shares with its worker: the queue, the files' states, their digests. */
interface SharedQueue {
  next: Int32Array;
  states: Int32Array;
  digests: Buffer;
  worker: HashWorker;
}

/**
 * A worker thread (src/node/hashFilesWorker.js) that takes its share of {@link hashFiles}' files on another core.
 * A worker takes some 30 ms to start: {@link HashWorker.start} it before listing the files, then pass it to
 * hashFiles, which gives it the files or stops it.
 */
export class HashWorker {
  private readonly worker: Worker | undefined;
  private assigned = false;
  private exited = false;
  private states: Int32Array | undefined;

  private constructor() {
    try {
      // No execArgv: plain JavaScript needs no loader (under ts-node, inheriting its --require costs seconds).
      this.worker = new Worker(join(__dirname, 'hashFilesWorker.js'), { execArgv: [] });
      this.worker.on('error', () => undefined); // it only ever leaves files to the main thread
      this.worker.on('exit', () => (this.exited = true));
      this.worker.unref();
    } catch {
      this.exited = true;
    }
  }

  /** A new worker, waiting for its files; undefined with a single core (unless `always`). */
  static start(always = false): HashWorker | undefined {
    return always || availableParallelism() > 1 ? new HashWorker() : undefined;
  }

  /** True once the worker has stopped (or if it never started): the files it left pending are the caller's. */
  get stopped(): boolean {
    return this.exited;
  }

  /** How many files the worker has hashed. */
  get filesHashed(): number {
    return this.states?.reduce((count, state) => count + (state === WORKER_DONE ? 1 : 0), 0) ?? 0;
  }

  /** Gives the worker `locations`: it takes files from the queue it shares with the caller until the queue is empty. */
  assign(locations: readonly string[]): SharedQueue {
    const queue: SharedQueue = {
      next: new Int32Array(new SharedArrayBuffer(4)),
      states: new Int32Array(new SharedArrayBuffer(4 * locations.length)),
      digests: Buffer.from(new SharedArrayBuffer(32 * locations.length)),
      worker: this,
    };
    if (this.assigned || !this.worker || this.exited) {
      this.exited = true;
      return queue;
    }
    this.assigned = true;
    this.states = queue.states;
    this.worker.postMessage({
      locations: locations.join('\0'), // one string: cloned in one copy (a path never holds a NUL)
      chunkSize: CHUNK_SIZE,
      next: queue.next,
      states: queue.states,
      digests: queue.digests.buffer,
    });
    return queue;
  }

  /** Stops a worker that was given no files (one that was stops by itself when the queue is empty). */
  stop(): void {
    if (!this.assigned) void this.worker?.terminate();
    this.exited = true;
  }
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

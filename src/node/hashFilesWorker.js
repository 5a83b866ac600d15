'use strict';
/**
 * The worker thread of `hashFiles` (src/node/hashFile.ts), in plain JavaScript so that it loads without the CLI's
 * TypeScript hook. Once given its files (one message), it takes files from the queue it shares with the main thread
 * and hashes each one that ends within its buffer; it leaves the others (larger, or unreadable) to the main thread,
 * which streams them and reports errors. Then it exits.
 * States: 0 pending, 1 done (digest in `digests`), 2 left to the main thread, 3 done by the main thread.
 */
const { Buffer } = require('node:buffer');
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync } = require('node:fs');
const { parentPort } = require('node:worker_threads');

parentPort.once('message', ({ locations: joined, chunkSize, next, states, digests: shared }) => {
  parentPort.unref(); // nothing more to wait for: the thread ends with the loop
  const locations = joined.split('\0');
  const digests = Buffer.from(shared);
  const buffer = Buffer.allocUnsafe(chunkSize);
  for (let index = Atomics.add(next, 0, 1); index < locations.length; index = Atomics.add(next, 0, 1)) {
    let state = 2;
    try {
      const fd = openSync(locations[index], 'r');
      try {
        let size = 0;
        while (size < buffer.length) {
          const bytesRead = readSync(fd, buffer, size, buffer.length - size, null);
          if (bytesRead === 0) {
            createHash('sha256')
              .update(buffer.subarray(0, size))
              .digest()
              .copy(digests, 32 * index);
            state = 1;
            break;
          }
          size += bytesRead;
        }
      } finally {
        closeSync(fd);
      }
    } catch {
      // Left to the main thread, which reports the error.
    }
    Atomics.store(states, index, state);
  }
});

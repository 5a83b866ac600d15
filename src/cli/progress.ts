/** Progress bars on stderr, only on a terminal and never with --json. */
import type { SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/**
 * A progress bar for long work (hashing, batches, event searches).
 * @param label What is being done, e.g. "hashing".
 * @param unit What is counted, e.g. "files" or "bytes".
 */
export function progressBar(options: { json?: boolean }, label: string, unit: string): Progress {
  if (options.json || !process.stderr.isTTY) return SILENT;
  // Loaded only for a terminal (about 20 ms of start-up otherwise).
  const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
  let bar: SingleBar | undefined;
  const format =
    unit === 'bytes'
      ? `${label} [{bar}] {percentage}% | {mb}/{totalMb} MB`
      : `${label} [{bar}] {value}/{total} ${unit}`;
  return {
    update(done: number, total?: number) {
      const payload = unit === 'bytes' ? { mb: (done / 1e6).toFixed(0), totalMb: ((total ?? 0) / 1e6).toFixed(0) } : {};
      if (!bar) {
        bar = new SingleBar(
          { format, stream: process.stderr, clearOnComplete: true, hideCursor: true },
          Presets.shades_classic,
        );
        bar.start(total ?? done, done, payload);
      } else {
        if (total !== undefined) bar.setTotal(total);
        bar.update(done, payload);
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

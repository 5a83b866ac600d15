/** Writing the receipts of an anchored file or tree where `anchor` and `anchor-many` put them. */
import { basename } from 'node:path';
import { buildFileReceipt, buildTreeReceipts, type AnchorRecord, type Receipt } from '../core/receipt';
import type { HashPathReturnType } from '../node/hashPath';
import { fileReceiptPath, holdsReceipt, treeReceiptPath, treeReceiptsDir, writeReceipt } from '../node/receiptFiles';

/** Receipt files of one tree written at once. */
const WRITES_IN_FLIGHT = 16;

export interface WrittenReceipts {
  /** The receipt file (single file) or the receipts directory (tree). */
  location: string;
  /** Receipts written now. */
  written: number;
  /** Receipts that existed already and were kept. */
  kept: number;
}

/**
 * Writes one receipt per file of `hashed` (atomically). With `onlyMissing`, receipts that exist and are exactly the
 * receipt for `record` are kept (a re-run after a crash completes what is missing without touching the rest); a
 * differing one (e.g. left from a reset chain or another deployment) is replaced.
 */
export async function writeReceipts(
  hashed: HashPathReturnType,
  record: AnchorRecord,
  receiptsDir: string | undefined,
  onlyMissing: boolean,
): Promise<WrittenReceipts> {
  let pairs: [string, Receipt][];
  let location: string;
  if (hashed.kind === 'file') {
    location = fileReceiptPath(hashed.path, receiptsDir);
    pairs = [[location, buildFileReceipt(record, basename(hashed.path))]];
  } else {
    location = treeReceiptsDir(hashed.path, receiptsDir);
    pairs = buildTreeReceipts(record, hashed.tree).map((r) => [treeReceiptPath(location, r.file.path), r]);
  }
  let written = 0;
  let kept = 0;
  // A tree's receipts (one per file, each its own path) are written several at a time.
  // After a failure no new write starts, and the failure is thrown once the writes under way are done.
  let next = 0;
  const failures: unknown[] = [];
  await Promise.all(
    Array.from({ length: Math.min(WRITES_IN_FLIGHT, pairs.length) }, async () => {
      while (next < pairs.length && failures.length === 0) {
        const [path, receipt] = pairs[next++];
        try {
          if (onlyMissing && (await holdsReceipt(path, receipt))) {
            kept++;
            continue;
          }
          await writeReceipt(path, receipt);
          written++;
        } catch (error) {
          failures.push(error);
        }
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
  return { location, written, kept };
}

/** Writing the receipts of an anchored file or tree where `anchor` and `anchor-many` put them. */
import { basename } from 'node:path';
import { eachLimited } from '../core/eachLimited';
import { buildFileReceipt, buildTreeReceipts, type AnchorRecord, type Receipt } from '../core/receipt';
import type { HashPathReturnType } from '../node/hashPath';
import { fileReceiptPath, holdsReceipt, treeReceiptPath, treeReceiptsDir, writeReceipt } from '../node/receiptFiles';

/** Receipt files written at once (a tree's here, a batch's in anchor-many). */
export const WRITES_IN_FLIGHT = 16;

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
  await eachLimited(pairs, WRITES_IN_FLIGHT, async ([path, receipt]) => {
    if (onlyMissing && (await holdsReceipt(path, receipt))) {
      kept++;
      return;
    }
    await writeReceipt(path, receipt);
    written++;
  });
  return { location, written, kept };
}

/**
 * Receipts the reviewer added (single files or a whole folder), parsed by `src/core/receipt.ts`, and the choice of
 * the receipt that goes with a file.
 */
import { parseReceiptJson, type Receipt } from '../../src/core/receipt';
import { errorText } from './wording';

export interface LoadedReceipt {
  receipt: Receipt;
  /** The receipt file's name (or path inside the folder). */
  source: string;
}

export interface LoadReceiptsReturnType {
  loaded: LoadedReceipt[];
  /** Files that looked like receipts but are not valid ones, with why. */
  rejected: { source: string; problem: string }[];
  /** Files that were not JSON at all (e.g. other files in the folder): skipped without complaint. */
  skipped: number;
}

/** Reads and checks receipt files. Files not ending in `.json` are skipped. */
export async function loadReceipts(files: Iterable<File>): Promise<LoadReceiptsReturnType> {
  const result: LoadReceiptsReturnType = { loaded: [], rejected: [], skipped: 0 };
  for (const file of files) {
    const source = file.webkitRelativePath || file.name;
    if (!/\.json$/i.test(file.name)) {
      result.skipped++;
      continue;
    }
    try {
      result.loaded.push({ receipt: parseReceiptJson(await file.text(), source), source });
    } catch (error) {
      result.rejected.push({ source, problem: errorText(error) });
    }
  }
  return result;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The receipt for a file: one whose recorded SHA-256 is the file's (preferring the connected chain and the same
 * path), else one recorded for a file of the same name (then the verdict will say the content differs), else none.
 * @param receipts The receipts added.
 * @param file The file's path as added (a name, or a path inside a dropped folder) and its SHA-256.
 * @param chainId The connected chain, if any.
 */
export function receiptFor(
  receipts: readonly LoadedReceipt[],
  file: { path: string; sha256: string },
  chainId?: number,
): LoadedReceipt | undefined {
  const sha256 = file.sha256.toLowerCase();
  const samePath = (r: LoadedReceipt) =>
    file.path === r.receipt.file.path || file.path.endsWith(`/${r.receipt.file.path}`);
  const sameName = (r: LoadedReceipt) => baseName(r.receipt.file.path) === baseName(file.path);
  const rank = (r: LoadedReceipt) => (r.receipt.chainId === chainId ? 2 : 0) + (samePath(r) ? 1 : 0);
  const byContent = receipts.filter((r) => r.receipt.file.sha256 === sha256).sort((a, b) => rank(b) - rank(a));
  if (byContent.length > 0) return byContent[0];
  const byName = receipts.filter(sameName).sort((a, b) => rank(b) - rank(a));
  return byName[0];
}

/**
 * The receipts of the registered folder that `paths` most likely are: tree receipts grouped by the anchor they
 * belong to, the group sharing the most paths with the folder (preferring the connected chain). Empty if none share
 * a path. They let `treeDifferences` (src/core/verdict.ts) say which files differ when the folder does not verify.
 */
export function treeReceiptsFor(
  receipts: readonly LoadedReceipt[],
  paths: readonly string[],
  chainId?: number,
): Receipt[] {
  const present = new Set(paths);
  const groups = new Map<string, Receipt[]>();
  for (const { receipt } of receipts) {
    if (receipt.anchor.kind !== 'tree') continue;
    const key = `${receipt.chainId}:${receipt.contract.toLowerCase()}:${receipt.anchor.contentHash}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(receipt);
  }
  let best: Receipt[] = [];
  let bestScore = 0;
  for (const group of groups.values()) {
    const shared = group.filter((receipt) => present.has(receipt.file.path)).length;
    const score = shared === 0 ? 0 : shared * 2 + (group[0].chainId === chainId ? 1 : 0);
    if (score > bestScore) [best, bestScore] = [group, score];
  }
  return best;
}

/**
 * Receipt files on disk: where they go by default, atomic writes (a crash never leaves half a receipt), reading
 * with clear errors, and finding the receipt of a file inside an anchored tree.
 */
import { rename as renameCallback, writeFile as writeFileCallback } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../core/errors';
import { parseReceiptJson, type Receipt } from '../core/receipt';
import { fsError } from './hashPath';

/** Suffix of a receipt file. */
export const RECEIPT_SUFFIX = '.receipt.json';
/** Suffix of the directory holding a tree's receipts, next to the tree. */
export const RECEIPTS_DIR_SUFFIX = '.receipts';

/** `data/census/` → `data/census` (so that the receipts directory is `data/census.receipts`). */
function trimSlashes(path: string): string {
  const trimmed = path.replace(/[/\\]+$/, '');
  return trimmed === '' ? path : trimmed;
}

/**
 * Where a file's receipt goes: `<receiptsDir>/<name>.receipt.json` if a directory is given, else next to the file as
 * `<file>.receipt.json`.
 */
export function fileReceiptPath(file: string, receiptsDir?: string): string {
  return receiptsDir ? join(receiptsDir, basename(file) + RECEIPT_SUFFIX) : file + RECEIPT_SUFFIX;
}

/** The directory of a tree's receipts: `receiptsDir` if given, else `<dir>.receipts` next to the tree. */
export function treeReceiptsDir(dir: string, receiptsDir?: string): string {
  return receiptsDir ?? trimSlashes(dir) + RECEIPTS_DIR_SUFFIX;
}

/** Where the receipt of the tree file at relative path `rel` goes: the tree's receipts directory mirrors the tree. */
export function treeReceiptPath(receiptsDir: string, rel: string): string {
  return join(receiptsDir, ...rel.split('/')) + RECEIPT_SUFFIX;
}

/** A receipt as it is written to its file. */
function receiptText(receipt: Receipt): string {
  return JSON.stringify(receipt, null, 2) + '\n';
}

/** Numbers this process's temporary files: receipts written side by side never share one. */
let temporaries = 0;
// The callback API: for thousands of small files it costs about half the CPU of fs/promises' FileHandle path.
const writeFile = promisify(writeFileCallback);
const rename = promisify(renameCallback);

/**
 * Writes a receipt atomically: a temporary file in the same directory, then a rename. The directory is created when
 * it is missing (not tried before every file: `anchor-many` writes thousands of receipts into a few directories).
 */
export async function writeReceipt(path: string, receipt: Receipt): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.${++temporaries}.tmp`;
  const text = receiptText(receipt);
  try {
    await writeFile(temporary, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, text);
  }
  await rename(temporary, path);
}

/** True if the file at `path` holds exactly `receipt` (a stale receipt, e.g. of a reset chain, is not it). */
export async function holdsReceipt(path: string, receipt: Receipt): Promise<boolean> {
  return readFile(path, 'utf8').then(
    (text) => text === receiptText(receipt),
    () => false,
  );
}

/** True if a file exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Reads and checks a receipt file.
 * @throws InputError if the file is missing or unreadable; ReceiptError (an InputError) if it is malformed.
 */
export async function readReceipt(path: string): Promise<Receipt> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw fsError(path, error);
  });
  return parseReceiptJson(text, `receipt ${path}`);
}

/**
 * Finds the receipt of `file` where `govanchor anchor` writes it by default: `<file>.receipt.json` for a file anchored
 * on its own, or `<dir>.receipts/<path inside dir>.receipt.json` for a file inside an anchored directory `dir`
 * (any ancestor of the file).
 * @returns The receipt's path, or undefined if there is none.
 */
export async function findReceiptFor(file: string): Promise<string | undefined> {
  const own = file + RECEIPT_SUFFIX;
  if (await exists(own)) return own;
  const absolute = resolve(file);
  let dir = dirname(absolute);
  for (;;) {
    const rel = relative(dir, absolute).split(sep).join('/');
    const candidate = treeReceiptPath(dir + RECEIPTS_DIR_SUFFIX, rel);
    if (await exists(candidate)) return relative(process.cwd(), candidate) || candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Throws an InputError unless `path` names an existing directory or nothing (so it can be created). */
export async function checkReceiptsDir(path: string): Promise<void> {
  const stats = await stat(path).catch(() => undefined);
  if (stats && !stats.isDirectory()) throw new InputError(`--receipts ${path} exists and is not a directory`);
}

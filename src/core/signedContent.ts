/**
 * What a relayer needs, besides the signed anchor, to write the agency's receipts: the `content` field of an `Anchor`
 * (or `AnchorBatch`) request in a `govanchor-signed/1` file. `govanchor anchor --sign-only` writes it; `govanchor
 * relay` reads it and writes one receipt per file once the anchor is on chain.
 *
 * `content` is not signed. It is checked against what is: a file's name is only a name (no directories), and a tree's
 * file list must give exactly the signed root and file count, so an edited list is refused rather than turned into
 * receipts that do not verify. Pure: no Node-only API.
 *
 * ```json
 * "content": { "name": "economy-2024", "files": [{ "path": "gdp.csv", "sha256": "0x…" }, …] }
 * "content": { "name": "census-summary-2020.csv" }
 * ```
 */
import { SignedRequestError, type AnchorItem } from './signedActions';
import { isDigest, toDigest } from './hash';
import { buildTree, isCanonicalPath, type DatasetTree, type FileEntry } from './tree';

/** The `content` of one anchor item, as written in the file. */
export interface SignedContent {
  /** The anchored file's or directory's name (its last path component, no directories). */
  name: string;
  /** A tree's files: path relative to the directory (POSIX) and SHA-256. Absent for a single file. */
  files?: FileEntry[];
}

/** A checked `content`: the file's name, or the directory's name and its tree (whose root is the signed root). */
export type CheckedContent = { kind: 'file'; name: string } | { kind: 'tree'; name: string; tree: DatasetTree };

/** The `content` to write for a hashed file (`files` omitted) or tree (every file, sorted by path). */
export function signedContentOf(name: string, files?: readonly FileEntry[]): SignedContent {
  if (!files) return { name };
  const sorted = files
    .map((f) => ({ path: f.path, sha256: toDigest(f.sha256) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { name, files: sorted };
}

/** True if `name` can name a file or directory next to the signed file: one path component, not `.` or `..`. */
export function isPlainName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[/\\\0]/.test(name) && name !== '.' && name !== '..';
}

/**
 * Checks the `content` of one anchor item against the signed item.
 * @param value The `content` value from the file (undefined: none given).
 * @param item The signed anchor item.
 * @param at Where it is, for messages, e.g. `requests[0].content`.
 * @param source The file, for messages.
 * @returns The checked content, or undefined when there is none.
 * @throws SignedRequestError naming the problem.
 */
export function checkSignedContent(
  value: unknown,
  item: AnchorItem,
  at: string,
  source: string,
): CheckedContent | undefined {
  const fail = (problem: string): never => {
    throw new SignedRequestError(`${source} is not a valid govanchor signed-request file: ${at}${problem}`);
  };
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(' must be an object');
  const content = value as Record<string, unknown>;
  for (const key of Object.keys(content)) if (key !== 'name' && key !== 'files') fail(`.${key} is not a known field`);
  const name = content.name;
  if (typeof name !== 'string' || !isPlainName(name)) {
    fail('.name must be a file or directory name without directories');
  }
  if (item.kind === 1) {
    if (content.files !== undefined) fail('.files is only for a directory tree (kind 2)');
    return { kind: 'file', name: name as string };
  }
  if (!Array.isArray(content.files) || content.files.length === 0) fail(".files must list the tree's files");
  const files = (content.files as unknown[]).map((entry, i): FileEntry => {
    const file = entry as Record<string, unknown> | null;
    if (typeof file !== 'object' || file === null || Array.isArray(file)) fail(`.files[${i}] must be an object`);
    const { path, sha256 } = file as Record<string, unknown>;
    if (typeof path !== 'string' || !isCanonicalPath(path)) fail(`.files[${i}].path must be a relative POSIX path`);
    if (typeof sha256 !== 'string' || !isDigest(sha256)) fail(`.files[${i}].sha256 must be 64 hex digits`);
    return { path: path as string, sha256: toDigest(sha256 as string) };
  });
  if (files.length !== item.fileCount) {
    fail(`.files lists ${files.length} files, but the signed anchor says ${item.fileCount}`);
  }
  let tree: DatasetTree;
  try {
    tree = buildTree(files);
  } catch (error) {
    return fail(`.files: ${(error as Error).message}`);
  }
  if (toDigest(tree.root) !== toDigest(item.contentHash)) {
    fail(`.files gives root ${tree.root}, but the signed anchor is for ${item.contentHash}`);
  }
  return { kind: 'tree', name: name as string, tree };
}

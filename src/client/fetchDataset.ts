/**
 * Downloading a dataset version from a data gateway and verifying every file against the chain before it is put in
 * place. Node-only (it writes files): the browser-safe part of the protocol is `gatewaySession.ts`.
 */
import { rename, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { ReadableStream } from 'node:stream/web';
import { GovanchorError } from '../core/errors';
import { ExitCode } from '../core/exitCodes';
import {
  FetchVerificationError,
  GATEWAY_HEADERS,
  fileUrlPath,
  filesUrlPath,
  receiptUrlPath,
  type ChallengeSigner,
} from '../core/gatewayProtocol';
import { toDigest } from '../core/hash';
import { parseDatasetKey } from '../core/identifiers';
import { parseReceipt, type AnchorKindName, type Receipt } from '../core/receipt';
import { buildTree, isCanonicalPath } from '../core/tree';
import { decideVerdict, type AnchorFacts } from '../core/verdict';
import { downloadToFile, temporaryPathFor } from '../node/downloadFile';
import { hashFile } from '../node/hashFile';
import { fileReceiptPath, treeReceiptPath, treeReceiptsDir, writeReceipt } from '../node/receiptFiles';
import type { GovanchorClient } from './connection';
import { gatewayJson, gatewayRequest, openGatewaySession, type GatewaySession } from './gatewaySession';
import { lookupAnchor } from './lookupAnchor';

export interface FetchDatasetParameters {
  /** The gateway's URL. */
  gatewayUrl: string;
  /** The dataset key. */
  datasetKey: string;
  /** The version; default: the latest the gateway serves that is not withdrawn. */
  version?: number;
  /** Where the files go: `<outDir>/<path>` (a tree's receipts go to `<outDir>.receipts/`). */
  outDir: string;
  /** The operator's key (signs the gateway's challenge). */
  signer: ChallengeSigner;
  /** Write each file's receipt where `govanchor verify` finds it (default true). */
  writeReceipts?: boolean;
  /** Called as bytes arrive: bytes so far of all files, and their total. */
  onProgress?: (done: number, total: number) => void;
  /** Called after each file is verified and in place. */
  onFile?: (file: FetchedFile) => void;
  /** Aborts the download; the file in progress is removed. */
  signal?: AbortSignal;
}

/** A file verified and in place. */
export interface FetchedFile {
  path: string;
  /** Where it was written. */
  location: string;
  size: number;
  /** 0x + 64 hex digits. */
  sha256: string;
  /** `downloaded`, or `unchanged` if an identical file was already there. */
  status: 'downloaded' | 'unchanged';
  /** Its receipt file, if written. */
  receipt?: string;
}

export interface FetchDatasetReturnType {
  gatewayUrl: string;
  datasetKey: string;
  version: number;
  kind: AnchorKindName;
  /** The anchored content hash (file SHA-256 or tree root), as read from the chain. */
  contentHash: string;
  fileCount: number;
  /** The owning agency (the chain's answer). */
  agency: { code: string; name: string };
  /** The session's agency and signer. */
  fetchedAs: { agency: string; signer: string };
  outDir: string;
  /** The receipts directory (tree) or the single receipt file (file), if receipts were written. */
  receipts?: string;
  files: FetchedFile[];
  message: string;
}

/** The file listing of `GET .../versions/<n>/files`. */
interface FileListing {
  dataset: string;
  version: number;
  kind: AnchorKindName;
  contentHash: string;
  fileCount: number;
  files: { path: string; size: number | null; sha256: string }[];
}

/**
 * Fetches a dataset version from a gateway: opens a session with the operator's signature, lists the version's files,
 * checks on the client's own chain that the version is anchored as that version of that dataset, then downloads each
 * file to a temporary name, verifies its SHA-256 through its receipt against the anchor (`src/core/verdict.ts`), and
 * only then renames it into place. For a tree, the files together must rebuild the anchored root.
 * @param client A connected client: the chain the files are verified against.
 * @param parameters Gateway, dataset, version, output directory, key, callbacks.
 * @returns What was fetched.
 * @throws GatewayDeniedError (exit 1) if access is refused; FetchVerificationError (exit 1) if anything does not
 * verify; NetworkError (exit 3) if the gateway or the node cannot be reached. Files verified before a failure stay in
 * place; the file in progress is removed.
 * @example
 * const result = await fetchDataset(client, { gatewayUrl, datasetKey: 'hunan.stats/economy-2024', outDir: 'economy', signer });
 */
export async function fetchDataset(
  client: GovanchorClient,
  parameters: FetchDatasetParameters,
): Promise<FetchDatasetReturnType> {
  const { gatewayUrl, datasetKey, outDir, signer, onProgress, onFile, signal } = parameters;
  const key = parseDatasetKey(datasetKey);
  const session = await openGatewaySession(client, { gatewayUrl, datasetKey: key.key, signer });
  const base = session.gatewayUrl;
  const listing = await gatewayJson<FileListing>(
    base,
    filesUrlPath(key.key, parameters.version ?? 'latest'),
    `list version ${parameters.version ?? 'latest'} of ${key.key}`,
    { token: session.token, signal },
  );
  const version = listing.version;
  checkListing(listing, key.key, parameters.version);

  // The chain, not the gateway, says what this version is.
  const facts = await lookupAnchor(client, { contentHash: listing.contentHash });
  const where = `version ${version} of ${key.key}`;
  if (!facts.anchored || facts.datasetId !== key.id || facts.version !== version) {
    throw new FetchVerificationError(
      `the gateway offers content hash ${listing.contentHash} as ${where}, but on chain ${client.chainId} it is ${facts.anchored ? `version ${facts.version} of dataset ${facts.datasetId}` : 'not anchored'}`,
      { reason: 'not-this-version' },
    );
  }
  if (facts.kind !== listing.kind || facts.fileCount !== listing.fileCount) {
    throw new FetchVerificationError(
      `the chain records ${where} as a ${facts.kind} of ${facts.fileCount} files; the gateway lists a ${listing.kind} of ${listing.fileCount}`,
      { reason: 'not-this-version' },
    );
  }
  if (listing.files.length !== facts.fileCount) {
    throw new FetchVerificationError(
      `the gateway serves ${listing.files.length} of the ${facts.fileCount} files anchored as ${where}: nothing fetched`,
      { reason: 'incomplete' },
    );
  }

  const root = resolve(outDir);
  const receiptsDir = facts.kind === 'tree' ? treeReceiptsDir(root) : undefined;
  const writeReceipts = parameters.writeReceipts ?? true;
  const total = listing.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  let done = 0;
  const files: FetchedFile[] = [];
  for (const entry of listing.files) {
    if (signal?.aborted) throw interrupted();
    const location = join(root, ...entry.path.split('/'));
    if (!location.startsWith(root + sep)) {
      throw new FetchVerificationError(`the gateway lists an unsafe path ${entry.path}`, { path: entry.path });
    }
    const fetched = await fetchFile(client, session, {
      facts,
      listing,
      entry,
      location,
      onBytes: (n) => {
        done += n;
        onProgress?.(done, total);
      },
      signal,
    });
    if (writeReceipts) {
      fetched.file.receipt = receiptsDir ? treeReceiptPath(receiptsDir, entry.path) : fileReceiptPath(location);
      await writeReceipt(fetched.file.receipt, fetched.receipt);
    }
    files.push(fetched.file);
    onFile?.(fetched.file);
  }
  if (facts.kind === 'tree') {
    const rebuilt = buildTree(files.map((f) => ({ path: f.path, sha256: f.sha256 }))).root;
    if (toDigest(rebuilt) !== toDigest(listing.contentHash)) {
      throw new FetchVerificationError(
        `the files fetched rebuild root ${rebuilt}, not the anchored root ${listing.contentHash} of ${where}`,
        { reason: 'root-differs' },
      );
    }
  }
  return {
    gatewayUrl: base,
    datasetKey: key.key,
    version,
    kind: facts.kind === 'tree' ? 'tree' : 'file',
    contentHash: toDigest(listing.contentHash),
    fileCount: facts.fileCount,
    agency: { code: facts.agencyCode, name: facts.agencyName },
    fetchedAs: { agency: session.agency.code, signer: session.signer },
    outDir: root,
    receipts: writeReceipts ? (receiptsDir ?? files[0]?.receipt) : undefined,
    files,
    message: `verified: ${files.length} file${files.length === 1 ? '' : 's'} of ${where}, anchored by ${facts.agencyCode}, fetched as ${session.agency.code}`,
  };
}

/** Checks the listing's shape: the version asked for, canonical unique paths, digests. */
function checkListing(listing: FileListing, datasetKey: string, asked: number | undefined): void {
  const fail = (problem: string): never => {
    throw new FetchVerificationError(`the gateway's file listing for ${datasetKey} is not acceptable: ${problem}`, {
      reason: 'bad-listing',
    });
  };
  if (listing.dataset !== datasetKey) fail(`it is for ${listing.dataset}`);
  if (!Number.isSafeInteger(listing.version) || listing.version < 1) fail('no version number');
  if (asked !== undefined && listing.version !== asked) fail(`it is for version ${listing.version}, not ${asked}`);
  if (listing.kind !== 'file' && listing.kind !== 'tree') fail(`unknown kind ${String(listing.kind)}`);
  if (!Array.isArray(listing.files)) fail('no files');
  const seen = new Set<string>();
  for (const file of listing.files) {
    if (typeof file.path !== 'string' || !isCanonicalPath(file.path)) fail(`unsafe path ${JSON.stringify(file.path)}`);
    if (seen.has(file.path)) fail(`${file.path} listed twice`);
    seen.add(file.path);
    if (typeof file.sha256 !== 'string' || !/^(0x)?[0-9a-fA-F]{64}$/.test(file.sha256))
      fail(`no SHA-256 for ${file.path}`);
  }
}

interface FetchFileParameters {
  facts: AnchorFacts;
  listing: FileListing;
  entry: FileListing['files'][number];
  location: string;
  onBytes: (bytes: number) => void;
  signal?: AbortSignal;
}

/** Downloads (unless an identical file is in place), verifies and places one file. */
async function fetchFile(
  client: GovanchorClient,
  session: GatewaySession,
  { facts, listing, entry, location, onBytes, signal }: FetchFileParameters,
): Promise<{ file: FetchedFile; receipt: Receipt }> {
  const { datasetKey, gatewayUrl: base, token } = session;
  const version = listing.version;
  const expected = toDigest(entry.sha256);
  const existing = await stat(location).then(
    (s) => (s.isFile() ? s.size : undefined),
    () => undefined,
  );
  if (existing !== undefined && (await hashFile(location)) === expected) {
    const receipt = await fetchReceipt(base, token, datasetKey, version, entry.path, signal);
    verify(client, facts, receipt, entry.path, expected, listing);
    onBytes(existing);
    return { file: { path: entry.path, location, size: existing, sha256: expected, status: 'unchanged' }, receipt };
  }

  const response = await gatewayRequest(base, fileUrlPath(datasetKey, version, entry.path), `download ${entry.path}`, {
    token,
    signal,
  });
  if (!response.body) throw new FetchVerificationError(`the gateway sent no content for ${entry.path}`);
  const temporary = temporaryPathFor(location);
  let downloaded;
  try {
    downloaded = await downloadToFile(response.body as ReadableStream<Uint8Array>, temporary, onBytes, signal);
  } catch (error) {
    if (signal?.aborted) throw interrupted();
    throw new GovanchorError(
      `download ${entry.path}: the transfer broke off (${(error as Error).message}); nothing was kept`,
      ExitCode.Failure,
      { cause: error },
    );
  }
  try {
    const announced = response.headers.get(GATEWAY_HEADERS.sha256);
    if (announced && toDigest(announced) !== downloaded.sha256) {
      throw new FetchVerificationError(
        `content differs: ${entry.path} arrived with SHA-256 ${downloaded.sha256.slice(2)}, the gateway announced ${toDigest(announced).slice(2)}`,
        { path: entry.path, reason: 'content-differs' },
      );
    }
    const header = response.headers.get(GATEWAY_HEADERS.receipt);
    const receipt = header
      ? parseGatewayReceipt(decodeReceiptHeader(header, entry.path), entry.path)
      : await fetchReceipt(base, token, datasetKey, version, entry.path, signal);
    verify(client, facts, receipt, entry.path, downloaded.sha256, listing);
    await rename(temporary, location);
    return {
      file: { path: entry.path, location, size: downloaded.size, sha256: downloaded.sha256, status: 'downloaded' },
      receipt,
    };
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Verifies a file's hash through its receipt against the chain's facts (`decideVerdict`), and that the receipt is
 * this version's. @throws FetchVerificationError. */
function verify(
  client: GovanchorClient,
  facts: AnchorFacts,
  receipt: Receipt,
  path: string,
  sha256: string,
  listing: FileListing,
): void {
  const same =
    receipt.dataset.key === listing.dataset &&
    receipt.dataset.version === listing.version &&
    receipt.file.path === path &&
    receipt.anchor.contentHash === toDigest(listing.contentHash);
  if (!same) {
    throw new FetchVerificationError(
      `the receipt the gateway sent for ${path} is for ${receipt.file.path} of version ${receipt.dataset.version} of ${receipt.dataset.key} (content hash ${receipt.anchor.contentHash})`,
      { path, reason: 'wrong-receipt' },
    );
  }
  const verdict = decideVerdict({
    subject: { kind: 'file', path, sha256 },
    chain: { chainId: client.chainId, contract: client.suite.datasetRegistry },
    receipt,
    anchor: facts,
    datasetKey: listing.dataset,
  });
  if (!verdict.verified) throw new FetchVerificationError(verdict.message, { path, reason: verdict.reason });
}

async function fetchReceipt(
  base: string,
  token: string,
  datasetKey: string,
  version: number,
  path: string,
  signal?: AbortSignal,
): Promise<Receipt> {
  const value = await gatewayJson<unknown>(
    base,
    receiptUrlPath(datasetKey, version, path),
    `read the receipt of ${path}`,
    {
      token,
      signal,
    },
  );
  return parseGatewayReceipt(value, path);
}

function decodeReceiptHeader(header: string, path: string): unknown {
  try {
    return JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    throw new FetchVerificationError(`the receipt header the gateway sent for ${path} is not base64url JSON`, {
      path,
      reason: 'bad-receipt',
    });
  }
}

function parseGatewayReceipt(value: unknown, path: string): Receipt {
  try {
    return parseReceipt(value, `the receipt the gateway sent for ${path}`);
  } catch (error) {
    throw new FetchVerificationError((error as Error).message, { path, reason: 'bad-receipt' });
  }
}

function interrupted(): GovanchorError {
  return new GovanchorError('interrupted: the file in progress was removed', ExitCode.Failure);
}

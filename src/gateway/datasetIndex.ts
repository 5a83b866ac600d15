/**
 * What the gateway serves: the files under `--data` that have a receipt where `govanchor anchor` writes it, grouped by
 * dataset key and version, each version checked against the chain.
 *
 * A file anchored on its own is served with the receipt next to it:
 *   <data>/.../census-2020.csv
 *   <data>/.../census-2020.csv.receipt.json
 * A directory anchored as a tree is served with the receipts directory next to it:
 *   <data>/.../economy-2024/quarterly/gdp.csv
 *   <data>/.../economy-2024.receipts/quarterly/gdp.csv.receipt.json
 * The receipts say which dataset and version each file belongs to, and under which path it is served (the receipt's
 * `file.path`). The recommended layout is `<data>/<agency code>/<name>/v<version>/...`, but only the receipts count.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseReceiptJson, type AnchorKindName, type Receipt } from '../core/receipt';
import { listFiles } from '../node/listFiles';
import { RECEIPT_SUFFIX, RECEIPTS_DIR_SUFFIX } from '../node/receiptFiles';
import type { ChainState } from './chainState';

/** A file the gateway serves. */
export interface ServedFile {
  /** Its path within the version (the receipt's `file.path`): the URL path under `.../files/`. */
  path: string;
  /** Where it lies on disk (absolute). */
  location: string;
  /** Its receipt file (absolute). */
  receiptLocation: string;
  /** The anchored SHA-256 (from the receipt, whose proof leads to the anchored content hash). */
  sha256: string;
  receipt: Receipt;
}

/** An anchored version the gateway serves. */
export interface ServedVersion {
  datasetKey: string;
  datasetId: string;
  version: number;
  kind: AnchorKindName;
  /** The anchored content hash: a file's SHA-256, or the tree root. */
  contentHash: string;
  /** How many files the anchor covers (a tree's files may be served only in part: see `files.size`). */
  fileCount: number;
  uri: string;
  agency: { code: string; name: string };
  /** Unix seconds, from the chain. */
  anchoredAt: number;
  files: Map<string, ServedFile>;
}

export interface ServedDataset {
  key: string;
  id: string;
  versions: Map<number, ServedVersion>;
}

export interface DatasetIndex {
  datasets: Map<string, ServedDataset>;
  /** Receipts and versions left out, and incomplete trees: one line each, for the operations log. */
  problems: string[];
  versionCount: number;
  fileCount: number;
}

export interface ScanDataDirectoryParameters {
  /** The `--data` directory. */
  dataDir: string;
  /** The chain and registry the gateway serves: receipts for others are left out. */
  chainId: number;
  contract: string;
  /** Cached chain reads: each version's content hash is looked up. */
  state: ChainState;
}

/** Where the data file of a receipt at `receiptPath` (relative, POSIX) lies, by `govanchor anchor`'s conventions. */
function dataPathOf(receiptPath: string, receipt: Receipt): string | undefined {
  if (!receiptPath.endsWith(RECEIPT_SUFFIX)) return undefined;
  if (receipt.anchor.kind === 'file') return receiptPath.slice(0, -RECEIPT_SUFFIX.length);
  const tail = `${RECEIPTS_DIR_SUFFIX}/${receipt.file.path}${RECEIPT_SUFFIX}`;
  if (!receiptPath.endsWith(tail)) return undefined;
  const tree = receiptPath.slice(0, -tail.length);
  return tree === '' ? undefined : `${tree}/${receipt.file.path}`;
}

/**
 * Scans the data directory for receipts and their files, and checks each version against the chain: the content hash
 * must be anchored as that version of that dataset, with the receipts' kind and file count. Withdrawn versions are
 * kept (requests for them are answered 410, from fresh chain reads).
 * @throws The file-system error if the directory cannot be read; NetworkError if the chain cannot be read.
 */
export async function scanDataDirectory({
  dataDir,
  chainId,
  contract,
  state,
}: ScanDataDirectoryParameters): Promise<DatasetIndex> {
  const root = resolve(dataDir);
  const { files } = await listFiles(root);
  const regular = new Map(files.map((f) => [f.path, f]));
  const problems: string[] = [];
  const versions = new Map<string, ServedVersion>();

  for (const file of files) {
    if (!file.path.endsWith(RECEIPT_SUFFIX)) continue;
    let receipt: Receipt;
    try {
      receipt = parseReceiptJson(await readFile(file.location, 'utf8'), file.path);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    if (receipt.chainId !== chainId || receipt.contract.toLowerCase() !== contract.toLowerCase()) {
      problems.push(
        `${file.path}: receipt for chain ${receipt.chainId}, registry ${receipt.contract}; not served here`,
      );
      continue;
    }
    const dataPath = dataPathOf(file.path, receipt);
    const data = dataPath === undefined ? undefined : regular.get(dataPath);
    if (!data) {
      problems.push(
        `${file.path}: no data file ${dataPath ?? '(the receipt is not where govanchor anchor writes it)'}; not served`,
      );
      continue;
    }
    const id = `${receipt.dataset.key}\n${receipt.dataset.version}`;
    let version = versions.get(id);
    if (!version) {
      version = {
        datasetKey: receipt.dataset.key,
        datasetId: receipt.dataset.id,
        version: receipt.dataset.version,
        kind: receipt.anchor.kind,
        contentHash: receipt.anchor.contentHash,
        fileCount: receipt.anchor.fileCount,
        uri: receipt.anchor.uri,
        agency: { ...receipt.agency },
        anchoredAt: 0,
        files: new Map(),
      };
      versions.set(id, version);
    }
    if (receipt.anchor.contentHash !== version.contentHash || receipt.anchor.kind !== version.kind) {
      problems.push(
        `${file.path}: version ${receipt.dataset.version} of ${receipt.dataset.key} already has content hash ${version.contentHash}; this receipt says ${receipt.anchor.contentHash}; not served`,
      );
      continue;
    }
    if (version.files.has(receipt.file.path)) {
      problems.push(
        `${file.path}: a second copy of ${receipt.file.path} in ${receipt.dataset.key} v${receipt.dataset.version}; not served`,
      );
      continue;
    }
    version.files.set(receipt.file.path, {
      path: receipt.file.path,
      location: data.location,
      receiptLocation: file.location,
      sha256: receipt.file.sha256,
      receipt,
    });
  }

  const datasets = new Map<string, ServedDataset>();
  let versionCount = 0;
  let fileCount = 0;
  for (const version of versions.values()) {
    const where = `${version.datasetKey} v${version.version}`;
    const facts = await state.anchor(version.contentHash);
    const mismatch = !facts.anchored
      ? `content hash ${version.contentHash} is not anchored on chain ${chainId}`
      : facts.datasetId !== version.datasetId || facts.version !== version.version
        ? `content hash ${version.contentHash} is anchored as version ${facts.version} of dataset ${facts.datasetId}, not as the receipts say`
        : facts.kind !== version.kind || facts.fileCount !== version.fileCount
          ? `the chain records a ${facts.kind} of ${facts.fileCount} files, the receipts a ${version.kind} of ${version.fileCount}`
          : undefined;
    if (mismatch) {
      problems.push(`${where}: ${mismatch}; not served`);
      continue;
    }
    version.anchoredAt = facts.anchoredAt;
    if (version.files.size < version.fileCount) {
      problems.push(`${where}: only ${version.files.size} of the ${version.fileCount} anchored files are present`);
    }
    let dataset = datasets.get(version.datasetKey);
    if (!dataset) {
      dataset = { key: version.datasetKey, id: version.datasetId, versions: new Map() };
      datasets.set(version.datasetKey, dataset);
    }
    dataset.versions.set(version.version, version);
    versionCount++;
    fileCount += version.files.size;
  }
  return { datasets, problems, versionCount, fileCount };
}

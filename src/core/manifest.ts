/**
 * The manifest of `govanchor anchor-many`: many datasets, each a file or a directory, anchored in batches.
 *
 * ```json
 * {
 *   "format": "govanchor-manifest/1",
 *   "receipts": "receipts",
 *   "items": [
 *     { "dataset": "hunan.stats/census-2020", "path": "census-2020.csv", "uri": "https://data.example.gov/census-2020" },
 *     { "dataset": "hunan.stats/roads", "path": "roads/" }
 *   ]
 * }
 * ```
 * Paths are relative to the manifest's directory. `format` is optional; `receipts` (optional) collects every
 * receipt under one directory, mirroring the items' paths. Pure: reading the file is `src/node/manifestFile.ts`.
 */
import { InputError, UsageError } from './errors';
import { parseDatasetKey } from './identifiers';

export const MANIFEST_FORMAT = 'govanchor-manifest/1';

export interface ManifestItem {
  /** The dataset key, `<agency code>/<name>`. */
  dataset: string;
  /** A file or a directory, relative to the manifest. */
  path: string;
  /** Where the data lives (emitted, not stored). */
  uri?: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** One directory for all receipts, relative to the manifest; default: next to each item as `anchor` does. */
  receipts?: string;
  items: ManifestItem[];
}

/**
 * Parses and checks a manifest.
 * @throws InputError naming the first problem (and the item's index).
 */
export function parseManifest(value: unknown, source = 'manifest'): Manifest {
  const fail = (problem: string): never => {
    throw new InputError(`${source} is not a valid govanchor manifest: ${problem}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('expected a JSON object with "items"');
  const root = value as Record<string, unknown>;
  if (root.format !== undefined && root.format !== MANIFEST_FORMAT) fail(`format must be "${MANIFEST_FORMAT}"`);
  if (root.receipts !== undefined && (typeof root.receipts !== 'string' || root.receipts === '')) {
    fail('receipts must be a directory path');
  }
  if (!Array.isArray(root.items) || root.items.length === 0) fail('items must be a non-empty array');
  const items = (root.items as unknown[]).map((raw, i): ManifestItem => {
    const where = `items[${i}]`;
    if (typeof raw !== 'object' || raw === null) fail(`${where} must be an object`);
    const item = raw as Record<string, unknown>;
    if (typeof item.dataset !== 'string')
      fail(`${where}.dataset must be a dataset key such as "hunan.stats/census-2020"`);
    try {
      parseDatasetKey(item.dataset as string);
    } catch (error) {
      if (error instanceof UsageError) fail(`${where}.dataset: ${error.message}`);
      throw error;
    }
    if (typeof item.path !== 'string' || item.path === '') fail(`${where}.path must be a file or directory path`);
    if (item.uri !== undefined && typeof item.uri !== 'string') fail(`${where}.uri must be a string`);
    return { dataset: item.dataset as string, path: item.path as string, uri: item.uri as string | undefined };
  });
  return { format: MANIFEST_FORMAT, receipts: root.receipts as string | undefined, items };
}

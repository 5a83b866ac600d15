import { Command } from 'commander';
import { dirname, join, relative, resolve } from 'node:path';
import { anchorBatch, MAX_BATCH_SIZE } from '../../client/anchorBatch';
import { anchorDataset } from '../../client/anchorDataset';
import type { GovanchorClient } from '../../client/connection';
import { lookupAnchor } from '../../client/lookupAnchor';
import { UsageError } from '../../core/errors';
import { explorerTxUrl } from '../../core/explorer';
import { parseCount } from '../../core/identifiers';
import type { AnchorRecord } from '../../core/receipt';
import type { AnchorFacts } from '../../core/verdict';
import type { HashPathReturnType } from '../../node/hashPath';
import { hashPath } from '../../node/hashPath';
import { readManifest } from '../../node/manifestFile';
import { exists, fileReceiptPath, readReceipt, treeReceiptPath, treeReceiptsDir } from '../../node/receiptFiles';
import { action, openClient, withTransactionOptions } from '../context';
import { emit, note } from '../output';
import { progressBar } from '../progress';
import { writeReceipts, type WrittenReceipts } from '../receipts';

interface Item {
  index: number;
  dataset: string;
  path: string;
  uri: string;
  receiptsDir?: string;
  hashed: HashPathReturnType;
  contentHash: string;
  status: 'pending' | 'anchored' | 'already-anchored';
  /** The version, once known (from the chain for content anchored already). */
  version?: number;
  /** What the chain says, for content anchored already. */
  facts?: AnchorFacts;
  record?: AnchorRecord;
  receipts?: WrittenReceipts;
}

/**
 * Whether every receipt of an item exists already and fits what the chain says (chain, registry, content, version,
 * anchoring time): a receipt left from a reset chain or another deployment does not count.
 */
async function receiptsComplete(item: Item, client: GovanchorClient, facts: AnchorFacts): Promise<boolean> {
  const { hashed } = item;
  const paths =
    hashed.kind === 'file'
      ? [fileReceiptPath(hashed.path, item.receiptsDir)]
      : hashed.files.map((file) => treeReceiptPath(treeReceiptsDir(hashed.path, item.receiptsDir), file.path));
  for (const path of paths) {
    if (!(await exists(path))) return false;
    const receipt = await readReceipt(path).catch(() => undefined);
    if (
      !receipt ||
      receipt.chainId !== client.chainId ||
      receipt.contract.toLowerCase() !== client.suite.datasetRegistry.toLowerCase() ||
      receipt.anchor.contentHash.toLowerCase() !== item.contentHash.toLowerCase() ||
      receipt.dataset.version !== facts.version ||
      receipt.transaction.timestamp !== facts.anchoredAt
    ) {
      return false;
    }
  }
  return true;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** `govanchor anchor-many <manifest.json>`: many datasets in batched transactions, resumable. */
export const anchorMany = withTransactionOptions(
  new Command('anchor-many')
    .description(
      'anchor the files and directories of a manifest in batched transactions (resumable: re-run after a failure)',
    )
    .argument(
      '<manifest>',
      'manifest JSON file (see docs/cli.md: {"items": [{"dataset", "path", "uri"?}], "receipts"?})',
    )
    .option('--batch-size <n>', `items per transaction, 1-${MAX_BATCH_SIZE}`, '100')
    .option('--dry-run', 'hash and check, report what would be sent, send nothing'),
).action(
  action<[string]>(async (manifestPath, options) => {
    const batchSize = parseCount(String(options.batchSize), '--batch-size', { min: 1, max: MAX_BATCH_SIZE });
    const manifest = await readManifest(manifestPath);
    const client = await openClient(options, { signer: !options.dryRun });
    const receiptsRoot = manifest.receipts ? resolve(manifest.baseDir, manifest.receipts) : undefined;

    // 1. Hash every item.
    const hashing = progressBar(options, 'hashing', 'items');
    const items: Item[] = [];
    try {
      for (const [index, entry] of manifest.items.entries()) {
        const path = resolve(manifest.baseDir, entry.path);
        const hashed = await hashPath(path);
        const receiptsDir = receiptsRoot
          ? hashed.kind === 'file'
            ? dirname(join(receiptsRoot, entry.path))
            : join(receiptsRoot, entry.path)
          : undefined;
        const contentHash = hashed.kind === 'file' ? hashed.sha256 : hashed.root;
        items.push({
          index,
          dataset: entry.dataset,
          path: entry.path,
          uri: entry.uri ?? '',
          receiptsDir,
          hashed,
          contentHash,
          status: 'pending',
        });
        hashing.update(index + 1, manifest.items.length);
      }
    } finally {
      hashing.stop();
    }
    const byHash = new Map<string, Item>();
    for (const item of items) {
      const other = byHash.get(item.contentHash);
      if (other) {
        throw new UsageError(
          `manifest items ${other.index} (${other.path}) and ${item.index} (${item.path}) have the same content ${item.contentHash}: content is anchored once`,
        );
      }
      byHash.set(item.contentHash, item);
    }

    // 2. Skip what is anchored already (a re-run after a crash), completing missing receipts.
    const checking = progressBar(options, 'checking', 'items');
    let checked = 0;
    await eachLimited(items, 8, async (item) => {
      const facts = await lookupAnchor(client, { contentHash: item.contentHash });
      if (facts.anchored) {
        item.status = 'already-anchored';
        item.version = facts.version;
        item.facts = facts;
      }
      checking.update(++checked, items.length);
    });
    checking.stop();
    for (const item of items.filter((i) => i.status === 'already-anchored')) {
      if (options.dryRun || (await receiptsComplete(item, client, item.facts!))) continue;
      const { record } = await anchorDataset(client, {
        datasetKey: item.dataset,
        contentHash: item.contentHash,
        kind: item.hashed.kind,
        fileCount: item.hashed.kind === 'file' ? 1 : item.hashed.files.length,
      });
      item.record = record;
      if (record.transaction.hash) item.receipts = await writeReceipts(item.hashed, record, item.receiptsDir, true);
    }
    const pending = items.filter((i) => i.status === 'pending');
    const batches = Math.ceil(pending.length / batchSize);
    note(
      options,
      `${items.length} items: ${items.length - pending.length} anchored already, ${pending.length} to anchor in ${batches} transaction(s)`,
    );

    // 3. Send the rest in batches; write each batch's receipts as soon as it is mined.
    const transactions: { hash: string; blockNumber: number; items: number; explorer?: string }[] = [];
    if (!options.dryRun) {
      const sending = progressBar(options, 'anchoring', 'items');
      try {
        for (let start = 0; start < pending.length; start += batchSize) {
          const batch = pending.slice(start, start + batchSize);
          const { transaction, records } = await anchorBatch(client, {
            items: batch.map((item) => ({
              datasetKey: item.dataset,
              contentHash: item.contentHash,
              kind: item.hashed.kind,
              fileCount: item.hashed.kind === 'file' ? 1 : item.hashed.files.length,
              uri: item.uri,
            })),
          });
          for (const [i, item] of batch.entries()) {
            item.status = 'anchored';
            item.record = records[i];
            item.receipts = await writeReceipts(item.hashed, records[i], item.receiptsDir, false);
          }
          transactions.push({
            hash: transaction.hash,
            blockNumber: transaction.blockNumber,
            items: batch.length,
            explorer: explorerTxUrl(client.chainId, transaction.hash),
          });
          sending.update(start + batch.length, pending.length);
        }
      } finally {
        sending.stop();
      }
    }

    const results = items.map((item) => ({
      dataset: item.dataset,
      path: item.path,
      kind: item.hashed.kind,
      contentHash: item.contentHash,
      status: options.dryRun && item.status === 'pending' ? 'would-anchor' : item.status,
      version: item.record?.dataset.version ?? item.version,
      transaction: item.record?.transaction.hash || undefined,
      receipts: item.receipts && (relative(process.cwd(), item.receipts.location) || item.receipts.location),
    }));
    const anchored = items.filter((i) => i.status === 'anchored').length;
    const already = items.filter((i) => i.status === 'already-anchored').length;
    emit(
      options,
      {
        dryRun: !!options.dryRun,
        total: items.length,
        anchored,
        alreadyAnchored: already,
        pending: options.dryRun ? pending.length : 0,
        transactions,
        items: results,
      },
      () => [
        options.dryRun
          ? `dry run: ${pending.length} of ${items.length} items would be anchored in ${batches} transaction(s); ${already} anchored already`
          : `anchored ${anchored} of ${items.length} items in ${transactions.length} transaction(s); ${already} anchored already`,
        ...results.map(
          (r) =>
            `  ${r.status.padEnd(16)} ${r.dataset}${r.version ? ` v${r.version}` : ''}  ${r.path}${r.receipts ? `  → ${r.receipts}` : ''}`,
        ),
        ...transactions.map(
          (t) =>
            `  transaction ${t.hash} (block ${t.blockNumber}, ${t.items} items)${t.explorer ? ` ${t.explorer}` : ''}`,
        ),
      ],
    );
  }),
);

import { Command } from 'commander';
import { keccak256 as ethersKeccak256 } from 'ethers';
import { statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { anchorBatches, MAX_BATCH_SIZE } from '../../client/anchorBatch';
import { existingAnchorRecord } from '../../client/anchorDataset';
import type { GovanchorClient } from '../../client/connection';
import { LOOKUP_CHUNK, lookupAnchors } from '../../client/lookupAnchors';
import { UsageError } from '../../core/errors';
import { eachLimited } from '../../core/eachLimited';
import { explorerTxUrl } from '../../core/explorer';
import { parseCount } from '../../core/identifiers';
import { keccak256 } from '../../core/keccak';
import type { AnchorRecord } from '../../core/receipt';
import type { AnchorFacts } from '../../core/verdict';
import type { HashPathReturnType } from '../../node/hashPath';
import { hashFiles } from '../../node/hashFile';
import { hashPath } from '../../node/hashPath';
import { readManifest } from '../../node/manifestFile';
import { exists, fileReceiptPath, readReceipt, treeReceiptPath, treeReceiptsDir } from '../../node/receiptFiles';
import { action, openClient, withTransactionOptions } from '../context';
import { emit, note } from '../output';
import { progressBar } from '../progress';
import { writeReceipts, WRITES_IN_FLIGHT, type WrittenReceipts } from '../receipts';

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

/** Directories (or, after an error, items) hashed at once; 8 streams of small files were 3.5 times faster than one. */
const HASHING_IN_FLIGHT = 8;

/** Items hashed, then checked on chain, per chunk: one `lookupAnchors` call (see LOOKUP_CHUNK) each. */
const CHUNK = LOOKUP_CHUNK;

/**
 * Hashes the items, chunk by chunk, calling `onChunk` with each chunk's first index and results (so that the chain
 * can check a chunk while the next is hashed): the regular files through `hashFiles` (read into one reused buffer:
 * a stream per small file cost more than its bytes, and a 1 MiB buffer each kept the garbage collector busy), the
 * directories with `hashPath`, several at a time. On any error, every item goes through `hashPath` again, several at
 * a time, so that the error reported is the earliest item's, with `hashPath`'s message; `onChunk` is then not called
 * again and `chunked` is false.
 */
async function hashItems(
  paths: string[],
  onProgress: (done: number, total: number) => void,
  onChunk: (start: number, results: HashPathReturnType[]) => void,
): Promise<{ results: HashPathReturnType[]; chunked: boolean }> {
  const results: HashPathReturnType[] = new Array(paths.length);
  let done = 0;
  try {
    for (let start = 0; start < paths.length; start += CHUNK) {
      const files: number[] = [];
      const others: number[] = [];
      const sizes: number[] = [];
      for (let index = start; index < Math.min(start + CHUNK, paths.length); index++) {
        const stats = statSync(paths[index]);
        sizes[index] = stats.size;
        (stats.isFile() ? files : others).push(index);
      }
      await eachLimited(others, HASHING_IN_FLIGHT, async (index) => {
        results[index] = await hashPath(paths[index]);
        onProgress(++done, paths.length);
      });
      const digests = await hashFiles(
        files.map((index) => paths[index]),
        () => onProgress(++done, paths.length),
      );
      files.forEach((index, i) => {
        results[index] = { kind: 'file', path: paths[index], sha256: digests[i], size: sizes[index] };
      });
      onChunk(start, results.slice(start, start + CHUNK));
    }
    return { results, chunked: true };
  } catch {
    done = 0;
    await eachLimited(paths, HASHING_IN_FLIGHT, async (path, index) => {
      results[index] = await hashPath(path);
      onProgress(++done, paths.length);
    });
    return { results, chunked: false };
  }
}

const contentHashOf = (hashed: HashPathReturnType) => (hashed.kind === 'file' ? hashed.sha256 : hashed.root);
const contentHashOfItem = (item: Item) => item.contentHash;

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
    // ethers hashes each batch's transaction (tens of KB) several times while signing and sending it, with a
    // general-purpose JavaScript Keccak: about 40 ms a batch. src/core/keccak.ts is the same function, many times
    // faster (WebAssembly in Node; checked against @noble/hashes by test/core/keccak.test.ts).
    ethersKeccak256.register(keccak256);
    const manifest = await readManifest(manifestPath);
    const client = await openClient(options, { signer: !options.dryRun });
    const receiptsRoot = manifest.receipts ? resolve(manifest.baseDir, manifest.receipts) : undefined;

    // 1. Hash every item and 2. check on chain what is anchored already (a re-run after a crash): each chunk of
    // hashes is checked while the next chunk is hashed, one check after another.
    const hashing = progressBar(options, 'hashing', 'items');
    const items: Item[] = new Array(manifest.items.length);
    const facts: AnchorFacts[] = new Array(manifest.items.length);
    const checks: Promise<void>[] = [];
    let previousCheck: Promise<unknown> = Promise.resolve();
    let checked = 0;
    const checking = progressBar(options, 'checking', 'items'); // shown once hashing is done
    let hashingDone = false;
    const check = (start: number, contentHashes: string[]) => {
      const run = previousCheck
        .then(() => lookupAnchors(client, { contentHashes }))
        .then((chunkFacts) => {
          chunkFacts.forEach((fact, i) => (facts[start + i] = fact));
          checked += chunkFacts.length;
          if (hashingDone) checking.update(checked, items.length);
        });
      previousCheck = run.catch(() => undefined); // a failure is reported by awaiting `checks` below
      checks.push(run);
    };
    let hashed: Awaited<ReturnType<typeof hashItems>>;
    try {
      hashed = await hashItems(
        manifest.items.map((entry) => resolve(manifest.baseDir, entry.path)),
        (done, total) => hashing.update(done, total),
        (start, results) => check(start, results.map(contentHashOf)),
      );
    } finally {
      hashing.stop();
    }
    manifest.items.forEach((entry, index) => {
      const result = hashed.results[index];
      const receiptsDir = receiptsRoot
        ? result.kind === 'file'
          ? dirname(join(receiptsRoot, entry.path))
          : join(receiptsRoot, entry.path)
        : undefined;
      items[index] = {
        index,
        dataset: entry.dataset,
        path: entry.path,
        uri: entry.uri ?? '',
        receiptsDir,
        hashed: result,
        contentHash: contentHashOf(result),
        status: 'pending',
      };
    });
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
    hashingDone = true;
    try {
      if (checked > 0) checking.update(checked, items.length);
      if (!hashed.chunked) check(0, items.map(contentHashOfItem));
      await Promise.all(checks);
    } finally {
      checking.stop();
    }
    facts.forEach((fact, i) => {
      if (!fact.anchored) return;
      items[i].status = 'already-anchored';
      items[i].version = fact.version;
      items[i].facts = fact;
    });
    // Receipts missing for content anchored already: only reads (its transaction is found from its event), 8 items at
    // a time.
    await eachLimited(
      items.filter((i) => i.status === 'already-anchored'),
      8,
      async (item) => {
        if (options.dryRun || (await receiptsComplete(item, client, item.facts!))) return;
        const record = await existingAnchorRecord(
          client,
          { datasetKey: item.dataset, contentHash: item.contentHash, kind: item.hashed.kind },
          item.facts!,
        );
        item.record = record;
        if (record.transaction.hash) item.receipts = await writeReceipts(item.hashed, record, item.receiptsDir, true);
      },
    );
    const pending = items.filter((i) => i.status === 'pending');
    const batches = Math.ceil(pending.length / batchSize);
    note(
      options,
      `${items.length} items: ${items.length - pending.length} anchored already, ${pending.length} to anchor in ${batches} transaction(s)`,
    );

    // 3. Send the rest in batches, the next batch sent while the previous one is being mined; write each batch's
    // receipts, in order, as soon as it is mined. On a failure, the batches already sent still get their receipts.
    const transactions: { hash: string; blockNumber: number; items: number; explorer?: string }[] = [];
    if (!options.dryRun) {
      const sending = progressBar(options, 'anchoring', 'items');
      const batchesOfItems: Item[][] = [];
      for (let start = 0; start < pending.length; start += batchSize) {
        batchesOfItems.push(pending.slice(start, start + batchSize));
      }
      let sent = 0;
      try {
        await anchorBatches(client, {
          batches: batchesOfItems.map((batch) =>
            batch.map((item) => ({
              datasetKey: item.dataset,
              contentHash: item.contentHash,
              kind: item.hashed.kind,
              fileCount: item.hashed.kind === 'file' ? 1 : item.hashed.files.length,
              uri: item.uri,
            })),
          ),
          onMined: async (index, { transaction, records }) => {
            const batch = batchesOfItems[index];
            batch.forEach((item, i) => {
              item.status = 'anchored';
              item.record = records[i];
            });
            await eachLimited(batch, WRITES_IN_FLIGHT, async (item, i) => {
              item.receipts = await writeReceipts(item.hashed, records[i], item.receiptsDir, false);
            });
            transactions.push({
              hash: transaction.hash,
              blockNumber: transaction.blockNumber,
              items: batch.length,
              explorer: explorerTxUrl(client.chainId, transaction.hash),
            });
            sent += batch.length;
            sending.update(sent, pending.length);
          },
        });
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

import { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { anchorDataset } from '../../client/anchorDataset';
import { explorerTxUrl } from '../../core/explorer';
import { parseDatasetKey } from '../../core/identifiers';
import { signedContentOf } from '../../core/signedContent';
import { checkReceiptsDir } from '../../node/receiptFiles';
import { action, openClient, withTransactionOptions } from '../context';
import { emit, warn } from '../output';
import { writeReceipts, type WrittenReceipts } from '../receipts';
import {
  checkSignOnlyOptions,
  openSigningContext,
  signedFileLines,
  signToFile,
  withSignOnlyOptions,
} from '../signOnly';
import { hashWithProgress } from './hash';

/** `govanchor anchor <path> --dataset <key>`: anchor a file or a directory tree as the dataset's next version. */
export const anchor = withTransactionOptions(
  new Command('anchor')
    .description("anchor a file or a directory tree as the dataset's next version and write receipts")
    .argument('<path>', 'a file or a directory')
    .requiredOption('--dataset <key>', 'dataset key <agency code>/<name>, e.g. hunan.stats/census-2020')
    .option('--uri <uri>', 'where the data lives (recorded in the event)', '')
    .option('--receipts <dir>', 'where receipts go (default: <file>.receipt.json, or <dir>.receipts/ for a directory)'),
).action(
  action<[string]>(async (path, options) => {
    const key = parseDatasetKey(String(options.dataset));
    checkSignOnlyOptions(options);
    if (options.signOnly) {
      // Signed for a relayer: the file list goes into the signed file, so that `govanchor relay` writes the receipts.
      const context = await openSigningContext(options);
      const hashed = await hashWithProgress(path, options);
      const tree = hashed.kind === 'tree';
      const summary = await signToFile(
        context,
        options,
        'Anchor',
        {
          datasetKey: key.key,
          contentHash: tree ? hashed.root : hashed.sha256,
          kind: tree ? 2 : 1,
          fileCount: tree ? hashed.files.length : 1,
          uri: String(options.uri ?? ''),
        },
        { content: signedContentOf(basename(resolve(path)), tree ? hashed.files : undefined) },
      );
      return emit(options, { ...summary, path, kind: hashed.kind }, () => [
        `signed: anchor ${path} (${hashed.kind}, ${summary.args.fileCount} file${summary.args.fileCount === 1 ? '' : 's'}) as the next version of ${key.key}, for a relayer`,
        `  ${tree ? 'root  ' : 'sha256'} ${summary.args.contentHash}`,
        ...signedFileLines(summary),
      ]);
    }
    const receiptsDir = options.receipts as string | undefined;
    if (receiptsDir) await checkReceiptsDir(receiptsDir);
    // Configuration first (key, node, deployment), so that a long hash is not wasted on a setup error.
    const client = await openClient(options, { signer: true });
    const hashed = await hashWithProgress(path, options);
    const contentHash = hashed.kind === 'file' ? hashed.sha256 : hashed.root;
    const result = await anchorDataset(client, {
      datasetKey: key.key,
      contentHash,
      kind: hashed.kind,
      fileCount: hashed.kind === 'file' ? 1 : hashed.files.length,
      uri: String(options.uri ?? ''),
    });
    const { record } = result;
    if (!result.sent && record.dataset.id !== key.id) {
      warn(`this content is anchored under another dataset (${record.dataset.key}), not ${key.key}`);
    }
    let receipts: WrittenReceipts | undefined;
    if (record.transaction.hash) {
      receipts = await writeReceipts(hashed, record, receiptsDir, !result.sent);
    } else {
      warn('the anchoring transaction was not found on this node (pruned logs?): no receipts written');
    }
    const explorer = record.transaction.hash ? explorerTxUrl(client.chainId, record.transaction.hash) : undefined;
    const output = {
      sent: result.sent,
      alreadyAnchored: !result.sent,
      created: result.created,
      path,
      kind: record.kind,
      contentHash: record.contentHash,
      fileCount: record.fileCount,
      dataset: record.dataset,
      agency: record.agency,
      chainId: record.chainId,
      contract: record.contract,
      anchoredAt: new Date(record.transaction.timestamp * 1000).toISOString(),
      transaction: { hash: record.transaction.hash, blockNumber: record.transaction.blockNumber, explorer },
      receipts,
    };
    emit(options, output, () => [
      result.sent
        ? `anchored ${path} (${record.kind}, ${record.fileCount} file${record.fileCount === 1 ? '' : 's'}) as version ${record.dataset.version} of ${record.dataset.key}${result.created ? ' (new dataset)' : ''}`
        : `already anchored: ${path} is version ${record.dataset.version} of ${record.dataset.key} (${record.agency.code}), anchored ${output.anchoredAt}; nothing sent`,
      `  ${record.kind === 'file' ? 'sha256' : 'root  '} ${record.contentHash}`,
      `  transaction ${record.transaction.hash || '(not found)'} (block ${record.transaction.blockNumber}, chain ${record.chainId})`,
      ...(explorer ? [`  ${explorer}`] : []),
      ...(receipts
        ? [
            `  receipts ${receipts.location} (${receipts.written} written${receipts.kept ? `, ${receipts.kept} kept` : ''})`,
          ]
        : []),
    ]);
  }),
);

// `--sign-only --out <file>` (and `--deadline`, `--chain-id`): sign for a relayer instead of sending.
withSignOnlyOptions(anchor);

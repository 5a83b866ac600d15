import { Command } from 'commander';
import { stat } from 'node:fs/promises';
import type { SuiteAddresses } from '../../client/connection';
import { verifyFile } from '../../client/verifyFile';
import { verifyTree } from '../../client/verifyTree';
import type { VerificationReport } from '../../client/verification';
import { ExitCode } from '../../core/exitCodes';
import type { Receipt } from '../../core/receipt';
import { treeDifferences } from '../../core/verdict';
import { listFiles } from '../../node/listFiles';
import { findReceiptFor, readReceipt, RECEIPT_SUFFIX, treeReceiptsDir } from '../../node/receiptFiles';
import { action, openClient, withChainOptions, type CommonOptions } from '../context';
import { emit, warn } from '../output';
import { hashWithProgress } from './hash';

/** The lines `verify` and `lookup` print for a report. */
export function reportLines(report: VerificationReport): string[] {
  const lines = [
    report.verified ? `VERIFIED  ${report.subject.path}` : `NOT VERIFIED  ${report.subject.path}`,
    `  ${report.message}`,
  ];
  if (report.subject.sha256) lines.push(`  sha256      ${report.subject.sha256}`);
  if (report.subject.root) lines.push(`  root        ${report.subject.root}`);
  if (report.dataset) {
    lines.push(`  dataset     ${report.dataset.key ?? report.dataset.id} (version ${report.dataset.version})`);
  }
  if (report.anchor) {
    lines.push(
      `  kind        ${report.anchor.kind}, ${report.anchor.fileCount} file${report.anchor.fileCount === 1 ? '' : 's'}`,
    );
  }
  if (report.agency)
    lines.push(`  agency      ${report.agency.code} — ${report.agency.name} (${report.agency.status})`);
  if (report.operator) {
    const from = report.transaction?.from;
    const relayed = from && from.toLowerCase() !== report.operator.toLowerCase();
    lines.push(`  operator    ${report.operator}${relayed ? ` (signed; transaction sent by ${from})` : ''}`);
  }
  if (report.anchor)
    lines.push(`  anchored    ${report.anchor.anchoredAt}${report.anchor.withdrawn ? ' (withdrawn)' : ''}`);
  if (report.withdrawal) lines.push(`  withdrawn   reason: ${report.withdrawal.reason}`);
  if (report.transaction) {
    lines.push(
      `  transaction ${report.transaction.hash} (block ${report.transaction.blockNumber}, chain ${report.chainId})`,
    );
    if (report.transaction.explorer) lines.push(`  explorer    ${report.transaction.explorer}`);
  } else {
    lines.push(`  chain       ${report.chainId}, registry ${report.contract}`);
  }
  if (report.reason === 'not-anchored' && report.subject.kind === 'file' && !report.receipt) {
    lines.push('  (a file anchored as part of a directory is verified through its receipt: pass --receipt <file>)');
  }
  return lines;
}

/** Prints a report and returns its exit code: 0 verified, 1 not. */
export function emitReport(options: CommonOptions, report: VerificationReport): number {
  if (!report.contractFromDeployment) {
    warn(
      `no deployment file for chain ${report.chainId}: the registry address ${report.contract} was taken from the receipt; compare it with the agency's published deployment`,
    );
  }
  emit(options, report, () => reportLines(report));
  return report.verified ? ExitCode.Success : ExitCode.Negative;
}

/** The receipts of an earlier anchor of directory `dir` (in `<dir>.receipts/`), or none. */
async function treeReceipts(dir: string): Promise<Receipt[]> {
  const receiptsDir = treeReceiptsDir(dir);
  if (
    !(await stat(receiptsDir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return [];
  const { files } = await listFiles(receiptsDir);
  const receipts: Receipt[] = [];
  for (const file of files.filter((f) => f.path.endsWith(RECEIPT_SUFFIX))) {
    try {
      receipts.push(await readReceipt(file.location));
    } catch {
      // A broken receipt does not explain a difference; skip it.
    }
  }
  return receipts;
}

/** `govanchor verify <path>`: is this file or directory anchored, valid, and by whom? */
export const verify = withChainOptions(
  new Command('verify')
    .description('verify a file (directly, or through its receipt inside a tree) or a directory against the chain')
    .argument('<path>', 'a file or a directory')
    .option(
      '--receipt <file>',
      "the file's receipt (default: <file>.receipt.json, or <dir>.receipts/<path>.receipt.json of an anchored ancestor <dir>)",
    ),
).action(
  action<[string]>(async (path, options) => {
    const hashed = await hashWithProgress(path, options);
    if (hashed.kind === 'tree') {
      const client = await openClient(options);
      const differences = treeDifferences(hashed.files, await treeReceipts(path));
      return emitReport(options, await verifyTree(client, { path, root: hashed.root, differences }));
    }
    const receiptPath = (options.receipt as string | undefined) ?? (await findReceiptFor(path));
    const receipt = receiptPath ? await readReceipt(receiptPath) : undefined;
    const fallbackSuite = receipt
      ? (chainId: number): SuiteAddresses => ({
          chainId,
          datasetRegistry: receipt.contract,
          startBlock: 0,
          source: 'receipt',
        })
      : undefined;
    const client = await openClient(options, { fallbackSuite });
    const report = await verifyFile(client, { path, sha256: hashed.sha256, receipt });
    return emitReport(options, { ...report, ...(receiptPath ? { receiptFile: receiptPath } : {}) });
  }),
);

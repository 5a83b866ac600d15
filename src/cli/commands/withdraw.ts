import { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { withdrawAnchor } from '../../client/withdrawAnchor';
import { UsageError } from '../../core/errors';
import { isDigest } from '../../core/hash';
import { parseDigest } from '../../core/identifiers';
import { action, openClient, withTransactionOptions } from '../context';
import { emit, txLine, txSummary } from '../output';
import {
  checkSignOnlyOptions,
  openSigningContext,
  signedFileLines,
  signToFile,
  withSignOnlyOptions,
} from '../signOnly';
import { hashWithProgress } from './hash';

/** `govanchor withdraw <path|hash> --reason <text>`: mark a version withdrawn. */
export const withdraw = withTransactionOptions(
  new Command('withdraw')
    .description('withdraw an anchored version (it stays readable; verifying it fails with the reason)')
    .argument('<target>', 'the file or directory that was anchored, or its SHA-256 / tree root')
    .requiredOption('--reason <text>', 'why (recorded in the event)'),
).action(
  action<[string]>(async (target, options) => {
    const reason = String(options.reason);
    if (reason.trim() === '') throw new UsageError('--reason must not be empty');
    const isPath = await stat(target).then(
      () => true,
      () => false,
    );
    if (!isPath && !isDigest(target)) parseDigest(target, 'path or SHA-256 digest');
    checkSignOnlyOptions(options);
    if (options.signOnly) {
      const context = await openSigningContext(options);
      const contentHash = isPath
        ? await hashWithProgress(target, options).then((h) => (h.kind === 'file' ? h.sha256 : h.root))
        : parseDigest(target);
      const summary = await signToFile(context, options, 'Withdraw', { contentHash, reason });
      return emit(options, summary, () => [
        `signed: withdraw ${contentHash} (${reason}), for a relayer`,
        ...signedFileLines(summary),
      ]);
    }
    const client = await openClient(options, { signer: true });
    const contentHash = isPath
      ? await hashWithProgress(target, options).then((h) => (h.kind === 'file' ? h.sha256 : h.root))
      : parseDigest(target);
    const result = await withdrawAnchor(client, { contentHash, reason });
    const transaction = txSummary(client.chainId, result.transaction);
    emit(options, { contentHash, datasetId: result.datasetId, version: result.version, reason, transaction }, () => [
      `withdrew version ${result.version} of dataset ${result.datasetId} (${contentHash})`,
      txLine(transaction),
    ]);
  }),
);

// `--sign-only --out <file>` (and `--deadline`, `--chain-id`): sign for a relayer instead of sending.
withSignOnlyOptions(withdraw);

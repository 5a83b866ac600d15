import { Command } from 'commander';
import { requestAccess } from '../../client/requestAccess';
import { UsageError } from '../../core/errors';
import { parseDatasetKey } from '../../core/identifiers';
import { action, openClient, withTransactionOptions } from '../context';
import { emit, txLine, txSummary } from '../output';
import {
  checkSignOnlyOptions,
  openSigningContext,
  signedFileLines,
  signToFile,
  withSignOnlyOptions,
} from '../signOnly';

/** `govanchor request <dataset-key> --purpose <text>`: ask the owning agency for access. */
export const request = withTransactionOptions(
  new Command('request')
    .description("ask a dataset's owning agency for access, for the signing operator's agency")
    .argument('<dataset-key>', '<agency code>/<name>')
    .requiredOption('--purpose <text>', 'what the data is for (recorded in the event)'),
).action(
  action<[string]>(async (datasetKey, options) => {
    const key = parseDatasetKey(datasetKey);
    const purpose = String(options.purpose);
    if (purpose.trim() === '') throw new UsageError('--purpose must not be empty');
    checkSignOnlyOptions(options);
    if (options.signOnly) {
      const context = await openSigningContext(options);
      const summary = await signToFile(context, options, 'RequestAccess', { datasetId: key.id, purpose });
      return emit(options, { ...summary, datasetKey }, () => [
        `signed: request access to ${datasetKey} (dataset ${key.id}), for a relayer`,
        ...signedFileLines(summary),
      ]);
    }
    const client = await openClient(options, { signer: true });
    const result = await requestAccess(client, { datasetKey, purpose });
    const transaction = txSummary(client.chainId, result.transaction);
    emit(
      options,
      { requestId: result.requestId, datasetKey, datasetId: result.datasetId, purpose, transaction },
      () => [
        `requested access to ${datasetKey}: request ${result.requestId}`,
        txLine(transaction),
        `the owning agency approves with \`govanchor approve ${result.requestId} --expires 90d\` or denies it`,
      ],
    );
  }),
);

// `--sign-only --out <file>` (and `--deadline`, `--chain-id`): sign for a relayer instead of sending.
withSignOnlyOptions(request);

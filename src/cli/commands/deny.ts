import { Command } from 'commander';
import { denyRequest } from '../../client/denyRequest';
import { UsageError } from '../../core/errors';
import { parseId } from '../../core/identifiers';
import { action, openClient, withTransactionOptions } from '../context';
import { emit, txLine, txSummary } from '../output';
import {
  checkSignOnlyOptions,
  openSigningContext,
  signedFileLines,
  signToFile,
  withSignOnlyOptions,
} from '../signOnly';

/** `govanchor deny <request-id> --reason <text>`: deny a pending request. */
export const deny = withTransactionOptions(
  new Command('deny')
    .description('deny a pending access request with a reason')
    .argument('<request-id>', 'the request')
    .requiredOption('--reason <text>', 'why (recorded in the event)'),
).action(
  action<[string]>(async (id, options) => {
    const requestId = parseId(id, 'request id');
    const reason = String(options.reason);
    if (reason.trim() === '') throw new UsageError('--reason must not be empty');
    checkSignOnlyOptions(options);
    if (options.signOnly) {
      const context = await openSigningContext(options);
      const summary = await signToFile(context, options, 'DenyRequest', { requestId: requestId.toString(), reason });
      return emit(options, summary, () => [
        `signed: deny request ${requestId}, for a relayer`,
        ...signedFileLines(summary),
      ]);
    }
    const client = await openClient(options, { signer: true });
    const result = await denyRequest(client, { requestId, reason });
    const transaction = txSummary(client.chainId, result.transaction);
    emit(options, { requestId, reason, transaction }, () => [`denied request ${requestId}`, txLine(transaction)]);
  }),
);

// `--sign-only --out <file>` (and `--deadline`, `--chain-id`): sign for a relayer instead of sending.
withSignOnlyOptions(deny);

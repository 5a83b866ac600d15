import { Command } from 'commander';
import { approveRequest } from '../../client/approveRequest';
import { chainTime } from '../../client/transactions';
import { isoTime, parseExpiry } from '../../core/expiry';
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

/** `govanchor approve <request-id> --expires <date|duration>`: approve a pending request. */
export const approve = withTransactionOptions(
  new Command('approve')
    .description('approve a pending access request, creating a grant that expires')
    .argument('<request-id>', 'the request (from `govanchor request`)')
    .requiredOption('--expires <date|duration>', 'when access ends: 2027-01-31, 2027-01-31T12:00:00Z, or 90d, 12h, 2w'),
).action(
  action<[string]>(async (id, options) => {
    const requestId = parseId(id, 'request id');
    checkSignOnlyOptions(options);
    if (options.signOnly) {
      const context = await openSigningContext(options);
      const expiresAt = parseExpiry(String(options.expires), context.now);
      const summary = await signToFile(context, options, 'ApproveRequest', {
        requestId: requestId.toString(),
        expiresAt,
      });
      return emit(options, summary, () => [
        `signed: approve request ${requestId}, access until ${isoTime(expiresAt)}, for a relayer`,
        ...signedFileLines(summary),
      ]);
    }
    const client = await openClient(options, { signer: true });
    const expiresAt = parseExpiry(String(options.expires), await chainTime(client));
    const result = await approveRequest(client, { requestId, expiresAt });
    const transaction = txSummary(client.chainId, result.transaction);
    emit(options, { requestId, grantId: result.grantId, expiresAt: result.expiresAt, transaction }, () => [
      `approved request ${requestId}: grant ${result.grantId}, access until ${result.expiresAt}`,
      txLine(transaction),
    ]);
  }),
);

// `--sign-only --out <file>` (and `--deadline`, `--chain-id`): sign for a relayer instead of sending.
withSignOnlyOptions(approve);

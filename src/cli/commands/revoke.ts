import { Command } from 'commander';
import { revokeGrant } from '../../client/revokeGrant';
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

/** `govanchor revoke <grant-id>`: revoke a grant at once. */
export const revoke = withTransactionOptions(
  new Command('revoke')
    .description('revoke a grant at once')
    .argument('<grant-id>', 'the grant')
    .option('--reason <text>', 'why (recorded in the event)', ''),
).action(
  action<[string]>(async (id, options) => {
    const grantId = parseId(id, 'grant id');
    checkSignOnlyOptions(options);
    if (options.signOnly) {
      const context = await openSigningContext(options);
      const reason = String(options.reason ?? '');
      const summary = await signToFile(context, options, 'RevokeGrant', { grantId: grantId.toString(), reason });
      return emit(options, summary, () => [
        `signed: revoke grant ${grantId}, for a relayer`,
        ...signedFileLines(summary),
      ]);
    }
    const client = await openClient(options, { signer: true });
    const result = await revokeGrant(client, { grantId, reason: String(options.reason ?? '') });
    const transaction = txSummary(client.chainId, result.transaction);
    emit(options, { grantId, transaction }, () => [`revoked grant ${grantId}`, txLine(transaction)]);
  }),
);

// `--sign-only --out <file>` (and `--deadline`, `--chain-id`): sign for a relayer instead of sending.
withSignOnlyOptions(revoke);

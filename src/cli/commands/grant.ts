import { Command } from 'commander';
import { grantAccess } from '../../client/grantAccess';
import { resolveAgency } from '../../client/resolveAgency';
import { chainTime } from '../../client/transactions';
import { UsageError } from '../../core/errors';
import { isoTime, parseExpiry } from '../../core/expiry';
import { parseAgencyCode, parseCount, parseDatasetKey } from '../../core/identifiers';
import { action, openClient, withTransactionOptions } from '../context';
import { emit, txLine, txSummary } from '../output';
import {
  checkSignOnlyOptions,
  openSigningContext,
  signedFileLines,
  signToFile,
  withSignOnlyOptions,
} from '../signOnly';

/** `govanchor grant <dataset-key> <grantee-code> --purpose <text> --expires <date|duration>`. */
export const grant = withTransactionOptions(
  new Command('grant')
    .description('grant an agency access to a dataset without a request (replaces its current grant)')
    .argument('<dataset-key>', '<agency code>/<name>')
    .argument('<grantee-code>', 'the agency to give access')
    .requiredOption('--purpose <text>', 'why (recorded in the event)')
    .requiredOption('--expires <date|duration>', 'when access ends: 2027-01-31, 2027-01-31T12:00:00Z, or 90d, 12h, 2w'),
).action(
  action<[string, string]>(async (datasetKey, granteeCode, options) => {
    const key = parseDatasetKey(datasetKey);
    parseAgencyCode(granteeCode);
    const purpose = String(options.purpose);
    if (purpose.trim() === '') throw new UsageError('--purpose must not be empty');
    checkSignOnlyOptions(options);
    if (options.granteeId !== undefined && !options.signOnly) throw new UsageError('--grantee-id is for --sign-only');
    if (options.signOnly) {
      const context = await openSigningContext(options);
      // The signed grant names the grantee by id: read from the registry, or given with --grantee-id offline.
      const granteeAgencyId =
        options.granteeId !== undefined
          ? parseCount(String(options.granteeId), '--grantee-id', { min: 1, max: 2 ** 32 - 1 })
          : context.client
            ? await resolveAgency(context.client, { code: granteeCode })
            : undefined;
      if (granteeAgencyId === undefined) {
        throw new UsageError(
          `signing offline (--chain-id): pass --grantee-id <id> with the id of ${granteeCode} (\`govanchor agency show ${granteeCode}\`)`,
        );
      }
      const expiresAt = parseExpiry(String(options.expires), context.now);
      const summary = await signToFile(context, options, 'GrantAccess', {
        datasetId: key.id,
        granteeAgencyId,
        expiresAt,
        purpose,
      });
      return emit(options, { ...summary, datasetKey, granteeCode }, () => [
        `signed: grant ${granteeCode} (agency ${granteeAgencyId}) access to ${datasetKey} until ${isoTime(expiresAt)}, for a relayer`,
        ...signedFileLines(summary),
      ]);
    }
    const client = await openClient(options, { signer: true });
    const expiresAt = parseExpiry(String(options.expires), await chainTime(client));
    const result = await grantAccess(client, { datasetKey, granteeCode, expiresAt, purpose });
    const transaction = txSummary(client.chainId, result.transaction);
    emit(
      options,
      {
        grantId: result.grantId,
        datasetKey,
        granteeCode,
        granteeAgencyId: result.granteeAgencyId,
        expiresAt: result.expiresAt,
        purpose,
        transaction,
      },
      () => [
        `granted ${granteeCode} access to ${datasetKey} until ${result.expiresAt}: grant ${result.grantId}`,
        txLine(transaction),
      ],
    );
  }),
);

// `--sign-only --out <file>` (and `--deadline`, `--chain-id`): sign for a relayer instead of sending.
withSignOnlyOptions(grant).option(
  '--grantee-id <id>',
  "with --sign-only --chain-id (offline): the grantee agency's id, as `govanchor agency show <code>` prints it",
);

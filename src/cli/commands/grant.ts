import { Command } from 'commander';
import { grantAccess } from '../../client/grantAccess';
import { chainTime } from '../../client/transactions';
import { UsageError } from '../../core/errors';
import { parseExpiry } from '../../core/expiry';
import { parseAgencyCode, parseDatasetKey } from '../../core/identifiers';
import { action, openClient, withTransactionOptions } from '../context';
import { emit, txLine, txSummary } from '../output';

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
    parseDatasetKey(datasetKey);
    parseAgencyCode(granteeCode);
    const purpose = String(options.purpose);
    if (purpose.trim() === '') throw new UsageError('--purpose must not be empty');
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

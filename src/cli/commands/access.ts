import { Command } from 'commander';
import { checkAccess } from '../../client/checkAccess';
import { ExitCode } from '../../core/exitCodes';
import { parseAgencyCode, parseDatasetKey } from '../../core/identifiers';
import { action, openClient, withChainOptions } from '../context';
import { emit } from '../output';

const EXPLANATION: Record<string, string> = {
  owner: 'the agency owns the dataset',
  granted: 'an active grant',
  'no-grant': 'no grant',
  expired: 'the grant has expired',
  revoked: 'the grant was revoked',
  superseded: 'the grant was superseded',
  'agency-inactive': 'the agency or the owning agency is suspended or retired',
};

/** `govanchor access <dataset-key> <grantee-code>`: exit 0 when access is current, 1 when not. */
export const access = withChainOptions(
  new Command('access')
    .description('check whether an agency may access a dataset now (exit 0 yes, 1 no)')
    .argument('<dataset-key>', '<agency code>/<name>')
    .argument('<grantee-code>', 'the agency'),
).action(
  action<[string, string]>(async (datasetKey, granteeCode, options) => {
    parseDatasetKey(datasetKey);
    parseAgencyCode(granteeCode);
    const client = await openClient(options);
    const result = await checkAccess(client, { datasetKey, granteeCode });
    emit(options, result, () => [
      `${result.hasAccess ? 'ACCESS' : 'NO ACCESS'}  ${granteeCode} → ${datasetKey}: ${EXPLANATION[result.reason]}`,
      ...(result.grant
        ? [
            `  grant ${result.grant.id} (${result.grant.status}), granted ${result.grant.grantedAt}, expires ${result.grant.expiresAt}`,
          ]
        : []),
      `  checked at chain time ${result.checkedAt}`,
    ]);
    return result.hasAccess ? ExitCode.Success : ExitCode.Negative;
  }),
);

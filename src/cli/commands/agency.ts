import { Command } from 'commander';
import { addOperator } from '../../client/addOperator';
import { getAgency } from '../../client/getAgency';
import { registerAgency } from '../../client/registerAgency';
import { removeOperator } from '../../client/removeOperator';
import { setAgencyStatus } from '../../client/setAgencyStatus';
import { parseAddress, parseAgencyCode } from '../../core/identifiers';
import { action, openClient, withChainOptions, withTransactionOptions } from '../context';
import { emit, txLine, txSummary } from '../output';

const register = withTransactionOptions(
  new Command('register')
    .description('register an agency (registrars only)')
    .argument('<code>', 'unique agency code: 1-64 characters of a-z 0-9 . _ - (e.g. hunan.stats)')
    .requiredOption('--name <name>', "the agency's name")
    .requiredOption('--admin <address>', "the agency's admin account (manages its operators)")
    .option('--uri <uri>', 'where the agency publishes more about itself', ''),
).action(
  action<[string]>(async (code, options) => {
    parseAgencyCode(code);
    parseAddress(String(options.admin), 'admin address');
    const client = await openClient(options, { signer: true });
    const result = await registerAgency(client, {
      code,
      name: String(options.name),
      admin: String(options.admin),
      metadataURI: String(options.uri ?? ''),
    });
    const transaction = txSummary(client.chainId, result.transaction);
    emit(options, { agencyId: result.agencyId, code, name: options.name, admin: options.admin, transaction }, () => [
      `registered agency ${code} (id ${result.agencyId}), admin ${String(options.admin)}`,
      txLine(transaction),
      `next: the admin adds operators with \`govanchor agency add-operator ${code} <address>\``,
    ]);
  }),
);

const show = withChainOptions(
  new Command('show').description('show an agency: name, status, admin, operators').argument('<code>', 'agency code'),
).action(
  action<[string]>(async (code, options) => {
    parseAgencyCode(code);
    const client = await openClient(options);
    const agency = await getAgency(client, { code });
    emit(options, agency, () => [
      `${agency.code} — ${agency.name}`,
      `  id         ${agency.id}`,
      `  status     ${agency.status}`,
      `  admin      ${agency.admin}${agency.pendingAdmin ? ` (handover to ${agency.pendingAdmin} pending)` : ''}`,
      `  uri        ${agency.metadataURI || '-'}`,
      `  operators  ${agency.operators.length === 0 ? '-' : agency.operators.join('\n             ')}`,
    ]);
  }),
);

function statusCommand(name: 'suspend' | 'reinstate' | 'retire', description: string): Command {
  const status = name === 'suspend' ? 'suspended' : name === 'reinstate' ? 'active' : 'retired';
  return withTransactionOptions(new Command(name).description(description).argument('<code>', 'agency code')).action(
    action<[string]>(async (code, options) => {
      parseAgencyCode(code);
      const client = await openClient(options, { signer: true });
      const result = await setAgencyStatus(client, { code, status });
      const transaction = txSummary(client.chainId, result.transaction);
      emit(
        options,
        { agencyId: result.agencyId, code, previousStatus: result.previousStatus, status, transaction },
        () => [`agency ${code}: ${result.previousStatus} → ${status}`, txLine(transaction)],
      );
    }),
  );
}

function operatorCommand(name: 'add-operator' | 'remove-operator'): Command {
  const adding = name === 'add-operator';
  return withTransactionOptions(
    new Command(name)
      .description(
        adding
          ? 'let an account act for the agency (agency admin only)'
          : 'stop an account acting for the agency (agency admin only)',
      )
      .argument('<code>', 'agency code')
      .argument('<address>', 'operator account'),
  ).action(
    action<[string, string]>(async (code, address, options) => {
      parseAgencyCode(code);
      parseAddress(address, 'operator address');
      const client = await openClient(options, { signer: true });
      const result = await (adding ? addOperator : removeOperator)(client, { code, operator: address });
      const transaction = txSummary(client.chainId, result.transaction);
      emit(options, { agencyId: result.agencyId, code, operator: result.operator, transaction }, () => [
        `${adding ? 'added' : 'removed'} operator ${result.operator} ${adding ? 'to' : 'from'} ${code}`,
        txLine(transaction),
      ]);
    }),
  );
}

/** `govanchor agency ...`: agency identities. */
export const agency = new Command('agency')
  .description('register and manage agencies')
  .addCommand(register)
  .addCommand(show)
  .addCommand(statusCommand('suspend', 'suspend an active agency: it can write nothing, its anchors stop verifying'))
  .addCommand(statusCommand('reinstate', 'reinstate a suspended agency'))
  .addCommand(statusCommand('retire', 'retire an agency for good (records stay readable)'))
  .addCommand(operatorCommand('add-operator'))
  .addCommand(operatorCommand('remove-operator'));

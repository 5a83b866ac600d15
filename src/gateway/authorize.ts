/**
 * The access decision: is `signer` an operator of an active agency that may access the dataset now? Every answer comes
 * from the chain through the cache (`chainState.ts`), so it is at most the staleness bound old.
 */
import type { CheckAccessReturnType } from '../client/checkAccess';
import { GovanchorError, NotFoundError } from '../core/errors';
import type { AgencySummary, ChainState } from './chainState';
import { GatewayRefusal } from './refusal';

export interface AccessGranted {
  agency: AgencySummary;
  /** `owner` or `granted`, with the governing grant. */
  access: CheckAccessReturnType;
}

/**
 * Runs a chain read; a failure to read (node down, timeout) refuses with `chain-unavailable`: no decision is made
 * without a fresh enough answer.
 */
export async function chainRead<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof GatewayRefusal) throw error;
    if (error instanceof NotFoundError) throw new GatewayRefusal('unknown-dataset', error.message);
    const message = error instanceof GovanchorError ? error.message : String((error as Error)?.message ?? error);
    throw new GatewayRefusal(
      'chain-unavailable',
      `cannot read the chain now (${message.split('\n')[0]}); retry later`,
      {
        'retry-after': '10',
      },
    );
  }
}

/**
 * Decides whether `signer` may read `datasetKey` now.
 * @param onAgency Called with the signer's agency as soon as it is known (for the audit log, also when refused).
 * @returns The signer's agency and the access answer.
 * @throws GatewayRefusal `unknown-signer`, `agency-suspended`, `agency-retired`, `no-grant`, `grant-expired`,
 * `grant-revoked`, `grant-superseded`, `owner-inactive`, `unknown-dataset` or `chain-unavailable`.
 */
export async function decideAccess(
  state: ChainState,
  signer: string,
  datasetKey: string,
  onAgency?: (agency: AgencySummary) => void,
): Promise<AccessGranted> {
  const chainId = state.client.chainId;
  const agencyId = await chainRead(() => state.operatorAgency(signer));
  if (agencyId === 0) {
    throw new GatewayRefusal('unknown-signer', `${signer} is not an operator of any agency on chain ${chainId}`);
  }
  const agency = await chainRead(() => state.agency(agencyId));
  onAgency?.(agency);
  if (agency.status === 'suspended' || agency.status === 'retired') {
    throw new GatewayRefusal(
      agency.status === 'suspended' ? 'agency-suspended' : 'agency-retired',
      `agency ${agency.code} (${agency.name}), for which ${signer} acts, is ${agency.status}`,
    );
  }
  const access = await chainRead(() => state.checkAccess(datasetKey, agency.code));
  if (access.hasAccess) return { agency, access };
  const grant = access.grant ? `grant ${access.grant.id}` : 'no grant';
  switch (access.reason) {
    case 'expired':
      throw new GatewayRefusal(
        'grant-expired',
        `${grant} of ${agency.code} to ${datasetKey} expired at ${access.grant?.expiresAt ?? '?'}`,
      );
    case 'revoked':
      throw new GatewayRefusal('grant-revoked', `${grant} of ${agency.code} to ${datasetKey} was revoked`);
    case 'superseded':
      throw new GatewayRefusal('grant-superseded', `${grant} of ${agency.code} to ${datasetKey} was superseded`);
    case 'agency-inactive':
      throw new GatewayRefusal('owner-inactive', `the agency that owns ${datasetKey} is suspended or retired`);
    default:
      throw new GatewayRefusal('no-grant', `agency ${agency.code} has no grant to ${datasetKey} on chain ${chainId}`);
  }
}

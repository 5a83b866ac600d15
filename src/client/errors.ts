/**
 * Turns what ethers throws into govanchor errors: reverts decoded to the custom error's name and arguments (with a
 * hint for the common ones), insufficient funds, dropped and replaced transactions, unreachable nodes.
 */
import { isError, type Result } from 'ethers';
import { GovanchorError, NetworkError, TransactionError, type DecodedRevert } from '../core/errors';
import { suiteErrorInterface } from './contracts';

const AGENCY_STATUS = ['None', 'Active', 'Suspended', 'Retired'];
const ANCHOR_KIND = ['None', 'File', 'Tree'];
const REQUEST_STATUS = ['None', 'Pending', 'Approved', 'Denied', 'Cancelled'];
const GRANT_STATUS = ['None', 'Active', 'Revoked', 'Superseded'];

/** Enum arguments shown by name rather than number, keyed by `<error>.<argument>`. */
const ENUM_ARGS: Record<string, string[]> = {
  status: AGENCY_STATUS,
  from: AGENCY_STATUS,
  to: AGENCY_STATUS,
  kind: ANCHOR_KIND,
  'RequestNotPending.status': REQUEST_STATUS,
  'GrantNotActive.status': GRANT_STATUS,
};

/** What to do about the custom errors users meet most. */
const HINTS: Record<string, string> = {
  NotAnOperator:
    'the signing account is no agency operator: the agency admin adds it with `govanchor agency add-operator <code> <address>`',
  AgencyNotActive: 'the agency is suspended or retired; a registrar can reinstate a suspended agency',
  NotAgencyAdmin: "only the agency's admin can do this: sign with the admin's key",
  AccessControlUnauthorizedAccount:
    'the signing account lacks the role: registrations and status changes need a registrar key',
  AgencyCodeTaken: 'another agency already uses this code: choose another',
  InvalidAgencyCode: 'use 1-64 characters of a-z 0-9 . _ -',
  InvalidAgencyStatusTransition:
    'this status change is not allowed from the current status (see `govanchor agency show`)',
  OperatorAlreadyAssigned: 'an account acts for at most one agency: remove it from the other agency first',
  NotAgencyOperator: 'the account is not an operator of this agency (see `govanchor agency show`)',
  DatasetKeyOutsideNamespace: 'a new dataset key must start with the signing agency\'s code and "/"',
  DatasetOwnedByAnotherAgency: "the dataset belongs to another agency: sign with one of its operators' keys",
  ContentAlreadyAnchored: 'this content is anchored already: nothing to do',
  AnchorAlreadyWithdrawn: 'this version is withdrawn already',
  UnknownDataset: 'no dataset has this key: check the key or anchor its first version',
  InvalidExpiry: 'the expiry must be in the future (chain time)',
  NotDatasetOwner: "only operators of the dataset's owning agency can do this",
  OwnAgencyAccess: 'an agency always has access to its own datasets',
  GranteeNotActive: 'the agency to be given access is not active',
  UnknownRequest: 'no request has this id',
  RequestNotPending: 'the request was already approved, denied or cancelled',
  UnknownGrant: 'no grant has this id',
  GrantNotActive: 'the grant was already revoked or superseded',
  BatchSizeOutOfRange: 'a batch holds 1 to 256 items: use a smaller --batch-size',
  EmptyText: 'a purpose or reason must not be empty',
  EmptyReason: 'a reason must not be empty',
};

/** Decodes revert data to the suite's custom error, or undefined if it is none of them. */
export function decodeRevertData(data: string | undefined | null): DecodedRevert | undefined {
  if (!data || data === '0x' || data.length < 10) return undefined;
  try {
    const parsed = suiteErrorInterface().parseError(data);
    if (!parsed) return undefined;
    const args: Record<string, string> = {};
    parsed.fragment.inputs.forEach((input, i) => {
      const value = (parsed.args as Result)[i];
      const names =
        ENUM_ARGS[`${parsed.name}.${input.name}`] ?? (input.type === 'uint8' ? ENUM_ARGS[input.name] : undefined);
      args[input.name || `arg${i}`] =
        names && typeof value === 'bigint' ? (names[Number(value)] ?? String(value)) : String(value);
    });
    return { name: parsed.name, signature: parsed.signature, args };
  } catch {
    return undefined;
  }
}

/** `Name(a=1, b=x)`: a decoded revert as one readable token. */
export function formatRevert(revert: DecodedRevert): string {
  const args = Object.entries(revert.args)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return `${revert.name}(${args})`;
}

/** The revert data carried by an ethers error, wherever the node put it. */
function revertDataOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object' && !seen.has(current); depth++) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    if (typeof record.data === 'string' && record.data.startsWith('0x') && record.data.length >= 10) return record.data;
    const inner = record.info ?? record.error ?? record.cause;
    current = (inner as Record<string, unknown>)?.error ?? inner;
  }
  return undefined;
}

/**
 * Maps any error from a chain call or transaction to a {@link GovanchorError}.
 * @param error What was thrown.
 * @param action What was being done, e.g. `anchor hunan.stats/census` (for the message).
 * @param rpcUrl The node's URL, for network messages.
 */
export function toGovanchorError(error: unknown, action: string, rpcUrl?: string): GovanchorError {
  if (error instanceof GovanchorError) return error;
  const revert = decodeRevertData(revertDataOf(error));
  if (revert) {
    const hint = HINTS[revert.name];
    return new TransactionError(`${action} reverted: ${formatRevert(revert)}${hint ? ` — ${hint}` : ''}`, {
      cause: error,
      revert,
    });
  }
  if (isError(error, 'INSUFFICIENT_FUNDS') || /insufficient funds|doesn't have enough funds/i.test(messageOf(error))) {
    return new TransactionError(
      `${action} failed: insufficient funds for gas — send native currency to the signing account and retry`,
      { cause: error },
    );
  }
  if (isError(error, 'TRANSACTION_REPLACED')) {
    const how = error.cancelled ? 'cancelled' : 'replaced';
    return new TransactionError(
      `${action}: transaction ${error.hash} was ${how} by ${error.replacement?.hash ?? 'another transaction'} (reason: ${error.reason}); check the account's recent transactions and retry if needed`,
      { cause: error },
    );
  }
  if (isError(error, 'NONCE_EXPIRED') || isError(error, 'REPLACEMENT_UNDERPRICED')) {
    return new TransactionError(
      `${action} failed: another transaction from this account used the same nonce; wait for it and retry`,
      { cause: error },
    );
  }
  if (isError(error, 'CALL_EXCEPTION')) {
    const receipt = (error as { receipt?: { hash: string; blockNumber: number } }).receipt;
    if (receipt) {
      return new TransactionError(
        `${action}: transaction ${receipt.hash} reverted on chain in block ${receipt.blockNumber}`,
        {
          cause: error,
        },
      );
    }
    return new TransactionError(`${action} reverted${error.reason ? `: ${error.reason}` : ' without a reason'}`, {
      cause: error,
    });
  }
  if (isError(error, 'TIMEOUT')) {
    return new NetworkError(`${action}: the node ${rpcUrl ?? ''} did not answer in time`.replace('  ', ' '), {
      cause: error,
    });
  }
  const message = messageOf(error);
  if (
    isError(error, 'NETWORK_ERROR') ||
    isError(error, 'SERVER_ERROR') ||
    /ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN|fetch failed|socket hang up/i.test(message)
  ) {
    return new NetworkError(
      `${action}: cannot reach the node${rpcUrl ? ` at ${rpcUrl}` : ''} (${shortReason(message)}); check --rpc or GOVANCHOR_RPC_URL`,
      { cause: error },
    );
  }
  return new TransactionError(`${action} failed: ${shortReason(message)}`, { cause: error });
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The first line of an ethers message, without its `(code=..., version=...)` tail. */
function shortReason(message: string): string {
  return message
    .split('\n')[0]
    .replace(/ \(.*(code|version)=.*\)$/, '')
    .slice(0, 300);
}

/**
 * Runs chain reads, mapping failures to govanchor errors.
 * @example
 * const info = await guard('look up the hash', client.rpcUrl, () => client.registry.lookup(hash));
 */
export async function guard<T>(action: string, rpcUrl: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw toGovanchorError(error, action, rpcUrl);
  }
}

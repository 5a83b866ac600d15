/**
 * Relaying signed actions: a relayer (e.g. a provincial data office) submits operators' signed requests and pays the
 * gas. One request goes straight to its `...BySig` function; several go through `relayBatch`, which runs each one on
 * its own and reports the ones that fail with `RelayItemFailed` instead of reverting the batch.
 */
import {
  ErrorFragment,
  Interface,
  getAddress,
  isError,
  type InterfaceAbi,
  type LogDescription,
  type Result,
  type Signer,
  type TransactionReceipt,
} from 'ethers';
import { AccessGrants__factory } from '../../typechain-types/factories/contracts/AccessGrants__factory';
import { DatasetRegistry__factory } from '../../typechain-types/factories/contracts/DatasetRegistry__factory';
import { ConfigError, InputError } from '../core/errors';
import {
  MAX_RELAY_BATCH,
  SIGNED_ACTIONS,
  bySigCallArgs,
  type SignedContractName,
  type SignedRequest,
} from '../core/signedActions';

/** Parameters of {@link relaySignedActions}. */
export interface RelaySignedActionsParameters {
  /**
   * The signed requests (e.g. from `parseSignedRequestFile`), all for one contract on the relayer's chain: the same
   * `chainId` and `contract`, with actions of that contract.
   */
  requests: readonly SignedRequest[];
  /**
   * How to submit them:
   * - `auto` (default): one request directly through its `...BySig` function, several through `relayBatch`;
   * - `batch`: always through `relayBatch`, in transactions of at most `batchSize` requests;
   * - `single`: each request in its own transaction, one after the other.
   */
  mode?: 'auto' | 'batch' | 'single';
  /** Most requests per `relayBatch` transaction: 1 to 256 (default 256). */
  batchSize?: number;
  /** Confirmations to wait for per transaction (default 1). */
  confirmations?: number;
}

/** Why a request did not take effect: the custom error it reverted with, decoded with the contracts' ABIs. */
export interface RelayItemError {
  /** The custom error's name, e.g. `NonceAlreadyUsed`, `Error` (a revert string) or `Panic`; undefined if unknown. */
  name?: string;
  /** The error's signature, e.g. `NonceAlreadyUsed(address,uint256)`. */
  signature?: string;
  /** The error's arguments by name, as strings. */
  args: Record<string, string>;
  /** The raw revert data (`0x` if the revert carried none). */
  data: string;
  /** One line for people: `NonceAlreadyUsed(signer=0x…, nonce=7)`, or what is known when the data is not decodable. */
  message: string;
}

/** The outcome of one request. */
export interface RelayItemResult {
  /** The request's position in `parameters.requests`. */
  index: number;
  request: SignedRequest;
  /** Whether the action took effect. */
  ok: boolean;
  /** Why not, if not. */
  error?: RelayItemError;
  /** The transaction that carried it (undefined if it was rejected before sending: it would have reverted). */
  transactionHash?: string;
  blockNumber?: number;
  /**
   * The events this request emitted, in order, ending with `SignedActionRelayed` (e.g. `DatasetCreated`, `Anchored`,
   * `SignedActionRelayed`): what a receipt for the agency is built from. Empty if it failed.
   */
  events: LogDescription[];
}

/** One transaction the relayer sent. */
export interface RelayTransaction {
  hash: string;
  blockNumber: number;
  /** `relayBatch` or the `...BySig` function called directly. */
  method: string;
  /** Indexes (in `parameters.requests`) of the requests it carried. */
  items: number[];
  gasUsed: bigint;
  /** What the relayer paid: gas used times the effective gas price, in wei. */
  fee: bigint;
}

/** What {@link relaySignedActions} returns. */
export interface RelaySignedActionsReturnType {
  chainId: number;
  /** The contract (checksummed address). */
  contract: string;
  /** The relayer's address. */
  relayer: string;
  /** One result per request, in the order of `parameters.requests`. */
  results: RelayItemResult[];
  /** The transactions sent, in order. */
  transactions: RelayTransaction[];
}

/**
 * Submits signed requests for one contract with the relayer's key and reports, per request, whether it took effect,
 * the events it emitted, or the decoded custom error it failed with (`SignatureExpired`, `NonceAlreadyUsed`,
 * `InvalidSignature`, `NotAnOperator`, `AgencyNotActive`, `ContentAlreadyAnchored`, ...).
 *
 * A request that would revert on its own is not sent (its error comes from gas estimation); in a `relayBatch`, a
 * failing request is reported by the contract with `RelayItemFailed(index, reason)` and the others still take effect.
 * Nothing the relayer does can change what was signed: it only chooses whether and when (before the deadline) to
 * submit.
 *
 * @param relayer The relayer's signer, connected to a provider; it pays the gas and needs no role.
 * @param parameters The requests and how to submit them.
 * @returns Per-request results and the transactions sent.
 * @throws InputError if the requests are empty or not all for one contract; ConfigError if they are for another chain
 * than the relayer's; the ethers error for failures that are not reverts (network, insufficient funds).
 *
 * @example
 * const requests = parseSignedRequestFileText(await readFile('anchor.signed.json', 'utf8'), 'anchor.signed.json');
 * const { results } = await relaySignedActions(relayerWallet, { requests });
 * for (const r of results) console.log(r.index, r.ok ? 'ok' : r.error?.message);
 */
export async function relaySignedActions(
  relayer: Signer,
  parameters: RelaySignedActionsParameters,
): Promise<RelaySignedActionsReturnType> {
  const { requests, mode = 'auto', batchSize = MAX_RELAY_BATCH, confirmations = 1 } = parameters;
  if (requests.length === 0) throw new InputError('relay: no signed requests to submit');
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_RELAY_BATCH) {
    throw new InputError(`relay: batch size ${batchSize} must be a whole number from 1 to ${MAX_RELAY_BATCH}`);
  }
  const { chainId, contract } = requests[0];
  const address = getAddress(contract);
  const kind = SIGNED_ACTIONS[requests[0].action].contract;
  requests.forEach((request, i) => {
    if (request.chainId !== chainId || getAddress(request.contract) !== address) {
      throw new InputError(
        `relay: request ${i} is for chain ${request.chainId} contract ${request.contract}, request 0 for chain ${chainId} contract ${address}: relay each contract's requests separately`,
      );
    }
    if (SIGNED_ACTIONS[request.action].contract !== kind) {
      throw new InputError(
        `relay: request ${i} (${request.action}) is an action of ${SIGNED_ACTIONS[request.action].contract}, request 0 (${requests[0].action}) one of ${kind}, at the same address ${address}: one of them is malformed`,
      );
    }
  });
  if (!relayer.provider) throw new ConfigError('relay: the relayer signer has no provider');
  const network = await relayer.provider.getNetwork();
  if (network.chainId !== BigInt(chainId)) {
    throw new ConfigError(
      `relay: the requests are signed for chain ${chainId} but the node is on chain ${network.chainId}: use that chain's RPC URL`,
    );
  }

  const iface = contractInterface(kind);
  const calls = requests.map((request) =>
    iface.encodeFunctionData(SIGNED_ACTIONS[request.action].function, bySigCallArgs(request)),
  );
  const context: RelayContext = {
    relayer,
    address,
    iface,
    confirmations,
    results: requests.map((request, index) => ({ index, request, ok: false, events: [] })),
    transactions: [],
  };
  const indexes = requests.map((_, i) => i);
  if (mode === 'single' || (mode === 'auto' && requests.length === 1)) {
    for (const i of indexes) await submitDirect(context, i, calls[i], SIGNED_ACTIONS[requests[i].action].function);
  } else {
    for (let start = 0; start < indexes.length; start += batchSize) {
      const chunk = indexes.slice(start, start + batchSize);
      await submitBatch(
        context,
        chunk,
        chunk.map((i) => calls[i]),
      );
    }
  }
  return {
    chainId,
    contract: address,
    relayer: await relayer.getAddress(),
    results: context.results,
    transactions: context.transactions,
  };
}

/**
 * Decodes revert data (e.g. `RelayItemFailed`'s `reason`) with the errors of both contracts: AccessGrants bubbles up
 * the registry's errors, such as `NotAnOperator` and `AgencyNotActive`.
 */
export function decodeRelayError(data: string): RelayItemError {
  if (!data || data === '0x') return { args: {}, data: '0x', message: 'reverted without data' };
  let parsed: ReturnType<Interface['parseError']> = null;
  try {
    parsed = errorInterface().parseError(data);
  } catch {
    parsed = null;
  }
  if (!parsed) return { args: {}, data, message: `reverted with unknown data ${data.slice(0, 10)}…` };
  const args: Record<string, string> = {};
  parsed.fragment.inputs.forEach((input, i) => {
    args[input.name || `arg${i}`] = String((parsed.args as Result)[i]);
  });
  const shown = Object.entries(args)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return { name: parsed.name, signature: parsed.signature, args, data, message: `${parsed.name}(${shown})` };
}

interface RelayContext {
  relayer: Signer;
  address: string;
  iface: Interface;
  confirmations: number;
  results: RelayItemResult[];
  transactions: RelayTransaction[];
}

async function submitDirect(context: RelayContext, index: number, data: string, method: string): Promise<void> {
  const result = context.results[index];
  const sent = await send(context, data, method, [index]);
  if ('error' in sent) {
    result.error = sent.error;
    result.transactionHash = sent.receipt?.hash;
    result.blockNumber = sent.receipt?.blockNumber;
    return;
  }
  result.ok = true;
  result.transactionHash = sent.receipt.hash;
  result.blockNumber = sent.receipt.blockNumber;
  result.events = parseLogs(context, sent.receipt);
}

async function submitBatch(context: RelayContext, chunk: number[], calls: string[]): Promise<void> {
  const sent = await send(context, context.iface.encodeFunctionData('relayBatch', [calls]), 'relayBatch', chunk);
  if ('error' in sent) {
    for (const index of chunk) {
      const result = context.results[index];
      result.error = { ...sent.error, message: `the relayBatch transaction failed: ${sent.error.message}` };
      result.transactionHash = sent.receipt?.hash;
      result.blockNumber = sent.receipt?.blockNumber;
    }
    return;
  }
  const { receipt } = sent;
  const events = parseLogs(context, receipt);
  const failed = new Set<number>();
  for (const event of events) {
    if (event.name === 'RelayItemFailed') {
      const position = Number(event.args.index);
      failed.add(position);
      context.results[chunk[position]].error = decodeRelayError(event.args.reason as string);
    }
  }
  // An item's events end with its SignedActionRelayed; failed items emit RelayItemFailed and nothing else.
  const succeeded = chunk.filter((_, position) => !failed.has(position));
  let next = 0;
  let segment: LogDescription[] = [];
  for (const event of events) {
    if (event.name === 'RelayItemFailed') continue;
    segment.push(event);
    if (event.name === 'SignedActionRelayed' && next < succeeded.length) {
      const result = context.results[succeeded[next++]];
      result.events = segment;
      segment = [];
    }
  }
  for (const index of chunk) {
    const result = context.results[index];
    result.ok = !failed.has(chunk.indexOf(index));
    result.transactionHash = receipt.hash;
    result.blockNumber = receipt.blockNumber;
  }
}

type Sent = { receipt: TransactionReceipt } | { error: RelayItemError; receipt?: TransactionReceipt };

/** Estimates, sends and waits; a revert (at estimation or on chain) is returned as an error, anything else thrown. */
async function send(context: RelayContext, data: string, method: string, items: number[]): Promise<Sent> {
  const { relayer, address } = context;
  let gasLimit: bigint;
  try {
    gasLimit = await relayer.estimateGas({ to: address, data });
  } catch (error) {
    const revert = revertDataOf(error);
    if (revert === undefined && !isError(error, 'CALL_EXCEPTION')) throw error;
    return { error: decodeRelayError(revert ?? '0x') };
  }
  const response = await relayer.sendTransaction({ to: address, data, gasLimit });
  let receipt: TransactionReceipt | null;
  try {
    receipt = await response.wait(context.confirmations);
  } catch (error) {
    if (!isError(error, 'CALL_EXCEPTION') || !error.receipt) throw error;
    receipt = error.receipt;
    record(context, receipt, method, items);
    return {
      receipt,
      error: {
        args: {},
        data: '0x',
        message: `transaction ${receipt.hash} reverted on chain in block ${receipt.blockNumber} (state changed after the estimate, e.g. another relayer submitted it first)`,
      },
    };
  }
  if (!receipt) throw new Error(`relay: transaction ${response.hash} has no receipt`);
  record(context, receipt, method, items);
  return { receipt };
}

function record(context: RelayContext, receipt: TransactionReceipt, method: string, items: number[]): void {
  context.transactions.push({
    hash: receipt.hash,
    blockNumber: receipt.blockNumber,
    method,
    items,
    gasUsed: receipt.gasUsed,
    fee: receipt.fee,
  });
}

function parseLogs(context: RelayContext, receipt: TransactionReceipt): LogDescription[] {
  const events: LogDescription[] = [];
  for (const log of receipt.logs) {
    if (getAddress(log.address) !== context.address) continue;
    const parsed = context.iface.parseLog(log);
    if (parsed) events.push(parsed);
  }
  return events;
}

function contractInterface(kind: SignedContractName): Interface {
  return kind === 'DatasetRegistry'
    ? DatasetRegistry__factory.createInterface()
    : AccessGrants__factory.createInterface();
}

let cachedErrorInterface: Interface | undefined;

function errorInterface(): Interface {
  if (cachedErrorInterface) return cachedErrorInterface;
  const seen = new Set<string>();
  const fragments: ErrorFragment[] = [];
  for (const abi of [DatasetRegistry__factory.abi, AccessGrants__factory.abi] as InterfaceAbi[]) {
    for (const fragment of new Interface(abi).fragments) {
      if (fragment instanceof ErrorFragment && !seen.has(fragment.selector)) {
        seen.add(fragment.selector);
        fragments.push(fragment);
      }
    }
  }
  cachedErrorInterface = new Interface(fragments);
  return cachedErrorInterface;
}

/** The revert data carried by an ethers (or Hardhat) error, wherever the provider put it. */
function revertDataOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object' && !seen.has(current); depth++) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    if (typeof record.data === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(record.data)) return record.data;
    const inner = record.info ?? record.error ?? record.cause;
    current = (inner as Record<string, unknown> | undefined)?.error ?? inner;
  }
  return undefined;
}

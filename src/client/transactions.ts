/**
 * Sending a transaction the way every action does: estimate gas against the node (a revert is decoded before
 * anything is signed), pick fees (EIP-1559 where the chain has a base fee, legacy gasPrice otherwise, e.g. older
 * Conflux eSpace nodes), send, and wait for the configured confirmations, with clear messages for dropped and
 * replaced transactions.
 */
import {
  isError,
  type ContractTransaction,
  type LogDescription,
  type TransactionReceipt,
  type TransactionRequest,
  TransactionResponse,
} from 'ethers';
import { NetworkError, TransactionError } from '../core/errors';
import { requireSigner, type GovanchorClient } from './connection';
import { guard, toGovanchorError } from './errors';
import { signRawTransaction, type RawTransaction } from './rawTransaction';

/** A mined transaction, as actions report it. */
export interface SentTransaction {
  hash: string;
  blockNumber: number;
  /** Block time (unix seconds). */
  timestamp: number;
  gasUsed: bigint;
  receipt: TransactionReceipt;
}

/** Gas limit headroom over the estimate, in percent. */
const GAS_HEADROOM = 20n;

/**
 * The fee fields for a new transaction: EIP-1559 if the latest block has a base fee, legacy otherwise. (ethers'
 * `getFeeData` reads the latest block itself and sets `maxFeePerGas` only when it has a base fee.)
 */
export async function feeFields(client: GovanchorClient): Promise<Partial<TransactionRequest>> {
  const feeData = await client.provider.getFeeData();
  if (feeData.maxFeePerGas != null && feeData.maxPriorityFeePerGas != null) {
    return { type: 2, maxFeePerGas: feeData.maxFeePerGas, maxPriorityFeePerGas: feeData.maxPriorityFeePerGas };
  }
  const gasPrice = feeData.gasPrice ?? (await client.provider.send('eth_gasPrice', []).then(BigInt));
  return { type: 0, gasPrice };
}

/**
 * Estimates, signs, sends and awaits one contract call.
 * @param client A client with a signer.
 * @param description What the transaction does, for messages, e.g. `anchor hunan.stats/census v3`.
 * @param populate Builds the call, e.g. `() => registry.anchor.populateTransaction(...)`.
 * @returns The mined transaction.
 * @throws TransactionError (revert decoded by name, insufficient funds, replaced, dropped, reverted on chain),
 * NetworkError.
 * @example
 * const tx = await sendTransaction(client, 'suspend hunan.stats', () => registry.suspendAgency.populateTransaction(1));
 */
export async function sendTransaction(
  client: GovanchorClient,
  description: string,
  populate: () => Promise<ContractTransaction>,
): Promise<SentTransaction> {
  const request = await prepareTransaction(client, description, populate);
  const response = await submitTransaction(client, description, request);
  return awaitTransaction(client, description, response);
}

/**
 * The first step of {@link sendTransaction}: builds the call, estimates its gas against the node (a revert is
 * decoded here, before anything is signed) and picks the fees, in parallel.
 * @returns The request to sign: the call, its fee fields and its gas limit (the estimate plus headroom).
 * @throws TransactionError (revert decoded by name, insufficient funds), NetworkError.
 */
export async function prepareTransaction(
  client: GovanchorClient,
  description: string,
  populate: () => Promise<ContractTransaction>,
): Promise<TransactionRequest> {
  const signer = requireSigner(client);
  try {
    const [from, call] = await Promise.all([signer.getAddress(), populate()]);
    // A plain call (target and calldata) goes to the node as it is: ethers would convert the calldata between hex
    // and bytes four times first (milliseconds for a batch of anchors). Same request, same error handling.
    const plain = typeof call.data === 'string' && Object.keys(call).every((k) => k === 'to' || k === 'data');
    const estimate = plain
      ? client.provider.send('eth_estimateGas', [{ from, to: call.to, data: call.data }]).then((gas) => BigInt(gas))
      : client.provider.estimateGas({ ...call, from });
    const [gas, fees] = await Promise.all([estimate, feeFields(client)]);
    return { ...call, ...fees, gasLimit: gas + (gas * GAS_HEADROOM) / 100n };
  } catch (error) {
    throw toGovanchorError(error, description, client.rpcUrl);
  }
}

/**
 * Signs and sends a prepared request, then reports it through `client.transactions.onSent`.
 * @param nonce The nonce to use; by default the signer asks the node for the account's pending count. Callers that
 * keep several transactions in flight number them themselves.
 * @throws TransactionError (insufficient funds, nonce used), NetworkError.
 */
export async function submitTransaction(
  client: GovanchorClient,
  description: string,
  request: TransactionRequest,
  nonce?: number,
): Promise<TransactionResponse> {
  const signer = requireSigner(client);
  let response: TransactionResponse;
  try {
    const raw = nonce === undefined ? undefined : signRawTransaction(signer, request, client.chainId, nonce);
    response = raw
      ? await broadcastRawTransaction(client, request, raw)
      : await signer.sendTransaction(nonce === undefined ? request : { ...request, nonce });
  } catch (error) {
    throw toGovanchorError(error, description, client.rpcUrl);
  }
  client.transactions.onSent?.(response.hash, description);
  return response;
}

/**
 * Sends a transaction signed by {@link signRawTransaction}, as ethers' `broadcastTransaction` does (the block number
 * at sending lets `wait` find a replacement), without parsing it back.
 */
async function broadcastRawTransaction(
  client: GovanchorClient,
  request: TransactionRequest,
  raw: RawTransaction,
): Promise<TransactionResponse> {
  const [blockNumber, hash] = await Promise.all([
    client.provider.getBlockNumber(),
    client.provider.send('eth_sendRawTransaction', [raw.serialized]) as Promise<string>,
  ]);
  if (String(hash).toLowerCase() !== raw.hash) {
    throw new TransactionError(`the node answered transaction hash ${hash} for transaction ${raw.hash}`);
  }
  const legacy = request.type === 0;
  return new TransactionResponse(
    {
      blockNumber: null,
      blockHash: null,
      hash: raw.hash,
      index: 0,
      type: legacy ? 0 : 2,
      to: String(request.to),
      from: raw.from,
      nonce: raw.nonce,
      gasLimit: BigInt(request.gasLimit!),
      gasPrice: BigInt((legacy ? request.gasPrice : request.maxFeePerGas) ?? 0),
      maxPriorityFeePerGas: legacy ? null : BigInt(request.maxPriorityFeePerGas!),
      maxFeePerGas: legacy ? null : BigInt(request.maxFeePerGas!),
      maxFeePerBlobGas: null,
      data: String(request.data),
      value: BigInt(request.value ?? 0),
      chainId: raw.chainId,
      signature: raw.signature,
      accessList: legacy ? null : [],
      blobVersionedHashes: null,
      authorizationList: null,
    },
    client.provider,
  ).replaceableTransaction(blockNumber);
}

/**
 * Waits for a sent transaction to be mined with the configured confirmations and reads its block time.
 * @throws TransactionError (replaced, dropped, reverted on chain), NetworkError (not mined in time, node gone).
 */
export async function awaitTransaction(
  client: GovanchorClient,
  description: string,
  response: TransactionResponse,
): Promise<SentTransaction> {
  const { confirmations, timeoutMs } = client.transactions;
  let receipt: TransactionReceipt | null;
  try {
    receipt = await response.wait(Math.max(confirmations, 1), timeoutMs);
  } catch (error) {
    if (isError(error, 'TRANSACTION_REPLACED') && error.reason === 'repriced' && error.receipt) {
      // The same call, re-sent with a higher fee (e.g. by a wallet): its receipt is as good as ours.
      receipt = error.receipt;
    } else if (isError(error, 'TIMEOUT')) {
      const pending = await client.provider.getTransaction(response.hash).catch(() => undefined);
      if (pending === null) {
        throw new TransactionError(
          `${description}: transaction ${response.hash} was dropped by the node (not mined, no longer pending); retry, perhaps with higher fees`,
          { cause: error },
        );
      }
      throw new NetworkError(
        `${description}: transaction ${response.hash} was not mined within ${Math.round(timeoutMs / 1000)} s; it may still be mined — check it before retrying`,
        { cause: error },
      );
    } else {
      throw toGovanchorError(error, description, client.rpcUrl);
    }
  }
  if (!receipt) throw new TransactionError(`${description}: transaction ${response.hash} has no receipt`);
  if (receipt.status !== 1) {
    throw new TransactionError(
      `${description}: transaction ${receipt.hash} reverted on chain in block ${receipt.blockNumber}`,
    );
  }
  const mined = receipt;
  const block = await guard(`${description}: read block ${mined.blockNumber}`, client.rpcUrl, () =>
    client.provider.getBlock(mined.blockNumber),
  );
  return {
    hash: receipt.hash,
    blockNumber: receipt.blockNumber,
    timestamp: block?.timestamp ?? 0,
    gasUsed: receipt.gasUsed,
    receipt,
  };
}

/** The chain's clock: the latest block's timestamp (unix seconds). */
export async function chainTime(client: GovanchorClient): Promise<number> {
  try {
    const block = await client.provider.getBlock('latest');
    return block?.timestamp ?? Math.floor(Date.now() / 1000);
  } catch (error) {
    throw toGovanchorError(error, 'read the chain time', client.rpcUrl);
  }
}

/** The events a contract emitted in a transaction, parsed with its interface, in log order. */
export function eventsOf(
  contract: {
    interface: { parseLog(log: { topics: readonly string[]; data: string }): LogDescription | null };
  },
  address: string,
  receipt: TransactionReceipt,
  name?: string,
): LogDescription[] {
  const events: LogDescription[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed && (!name || parsed.name === name)) events.push(parsed);
  }
  return events;
}

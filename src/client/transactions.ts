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
} from 'ethers';
import { NetworkError, TransactionError } from '../core/errors';
import { requireSigner, type GovanchorClient } from './connection';
import { toGovanchorError } from './errors';

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

/** The fee fields for a new transaction: EIP-1559 if the latest block has a base fee, legacy otherwise. */
export async function feeFields(client: GovanchorClient): Promise<Partial<TransactionRequest>> {
  const [block, feeData] = await Promise.all([client.provider.getBlock('latest'), client.provider.getFeeData()]);
  if (block?.baseFeePerGas != null && feeData.maxFeePerGas != null && feeData.maxPriorityFeePerGas != null) {
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
  const signer = requireSigner(client);
  const { confirmations, timeoutMs, onSent } = client.transactions;
  let response;
  try {
    const from = await signer.getAddress();
    const call = await populate();
    const gas = await client.provider.estimateGas({ ...call, from });
    const fees = await feeFields(client);
    response = await signer.sendTransaction({ ...call, ...fees, gasLimit: gas + (gas * GAS_HEADROOM) / 100n });
  } catch (error) {
    throw toGovanchorError(error, description, client.rpcUrl);
  }
  onSent?.(response.hash, description);
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
  const block = await client.provider.getBlock(receipt.blockNumber);
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

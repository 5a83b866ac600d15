/**
 * Gas and storage-slot measurement of mined transactions on the in-process Hardhat chain.
 */
import type { ContractTransactionResponse, TransactionReceipt } from 'ethers';
import type { EthereumProvider } from 'hardhat/types';

/** Gas a new storage slot costs on Ethereum: SSTORE zero → non-zero (20,000) plus the cold access (2,100). */
export const ETHEREUM_NEW_SLOT_GAS = 22_100;
/** Gas a new storage slot costs on Conflux eSpace (the pricing this benchmark was asked to model). */
export const CONFLUX_NEW_SLOT_GAS = 40_000;

/** What one transaction cost. */
export interface Measured {
  /** Gas used, as the receipt reports it. */
  gas: number;
  /** Storage slots the transaction took from zero to non-zero (SSTOREs charged 20,000 gas). */
  newSlots: number;
  hash: string;
  receipt: TransactionReceipt;
}

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

async function trace(provider: EthereumProvider, hash: string, withStack: boolean): Promise<StructLog[]> {
  // The stack makes traces of large transactions ten times slower: only ask for it when it is needed.
  const result = (await provider.send('debug_traceTransaction', [
    hash,
    { disableMemory: true, disableStorage: true, disableStack: !withStack },
  ])) as { structLogs: StructLog[] };
  return result.structLogs;
}

/**
 * Waits for `sent` to be mined and measures it. New slots are counted from `debug_traceTransaction`: under EIP-2200
 * and EIP-2929 an SSTORE costs 20,000 (+2,100 if cold) exactly when the slot was zero at the start of the transaction,
 * is still zero, and becomes non-zero, which is what "a new storage slot" means for storage pricing.
 */
export async function measureTx(
  provider: EthereumProvider,
  sent: Promise<ContractTransactionResponse> | ContractTransactionResponse,
): Promise<Measured> {
  const tx = await sent;
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
  return { gas: Number(receipt.gasUsed), newSlots: await countNewSlots(provider, tx.hash), hash: tx.hash, receipt };
}

/** The number of storage slots a mined transaction took from zero to non-zero. */
export async function countNewSlots(provider: EthereumProvider, hash: string): Promise<number> {
  return (await trace(provider, hash, false)).filter((log) => log.op === 'SSTORE' && log.gasCost >= 20_000).length;
}

/** `gas` repriced with Conflux eSpace's price for new storage slots. */
export function confluxGas(gas: number, newSlots: number): number {
  return gas + newSlots * (CONFLUX_NEW_SLOT_GAS - ETHEREUM_NEW_SLOT_GAS);
}

/** Where a transaction's gas went, in gas. The parts add up to the receipt's gas used. */
export interface GasBreakdown {
  /** 21,000 per transaction. */
  base: number;
  /** Calldata: 4 gas per zero byte, 16 per non-zero byte (EIP-2028). */
  calldata: number;
  /** SSTOREs creating a slot (20,000, plus 2,100 when cold). */
  newSlots: number;
  /** Other SSTOREs to slots not yet written in the call (updates of existing slots). */
  updates: number;
  /** Cold SLOADs (2,100 each, EIP-2929). */
  coldReads: number;
  /** Writes to a slot already written in this call, and the warm reads of such a slot before them. */
  rewrites: number;
  /** Other warm SLOADs. */
  warmReads: number;
  /** LOG0-LOG4: the events. */
  events: number;
  /** KECCAK256. */
  hashing: number;
  /** Everything else the EVM executed: ABI decoding, checks, memory, jumps, precompile calls. */
  other: number;
  total: number;
}

/**
 * Breaks a mined transaction's gas down by what it paid for, from its opcode trace. Only for transactions that make
 * no calls to other contracts (a CALL's gasCost in the trace includes the gas it forwards).
 */
export async function breakdownTx(
  provider: EthereumProvider,
  receipt: TransactionReceipt,
  data: string,
  withStack: boolean,
): Promise<GasBreakdown> {
  // Without the stack (ten times faster on large transactions) slots cannot be told apart: a 100-gas SSTORE is then
  // counted as a rewrite (under EIP-2200 it is a write to a slot already written in this transaction, or a no-op
  // write), and reads of a slot after writing it stay among the warm reads.
  const logs = await trace(provider, receipt.hash, withStack);
  const bytes = Buffer.from(data.slice(2), 'hex');
  let calldata = 0;
  for (const byte of bytes) calldata += byte === 0 ? 4 : 16;
  const parts = { newSlots: 0, updates: 0, coldReads: 0, rewrites: 0, warmReads: 0, events: 0, hashing: 0 };
  const written = new Set<string>();
  for (const log of logs) {
    const key = `${log.depth}:${log.stack?.[log.stack.length - 1] ?? ''}`;
    if (log.op === 'SSTORE') {
      if (log.gasCost >= 20_000) parts.newSlots += log.gasCost;
      else if (withStack ? written.has(key) : log.gasCost <= 100) parts.rewrites += log.gasCost;
      else parts.updates += log.gasCost;
      written.add(key);
    } else if (log.op === 'SLOAD') {
      if (log.gasCost >= 2_100) parts.coldReads += log.gasCost;
      else if (withStack && written.has(key)) parts.rewrites += log.gasCost;
      else parts.warmReads += log.gasCost;
    } else if (log.op.startsWith('LOG')) parts.events += log.gasCost;
    else if (log.op === 'KECCAK256' || log.op === 'SHA3') parts.hashing += log.gasCost;
  }
  const total = Number(receipt.gasUsed);
  const base = 21_000;
  const execution = total - base - calldata;
  const counted = Object.values(parts).reduce((sum, value) => sum + value, 0);
  return { base, calldata, ...parts, other: execution - counted, total };
}

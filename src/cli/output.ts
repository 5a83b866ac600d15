/**
 * Output of every command: with `--json` exactly one JSON document on stdout; otherwise readable lines on stdout.
 * Notes (sent transactions, warnings) go to stderr so that stdout stays clean for pipes.
 */
import { explorerTxUrl } from '../core/explorer';
import type { SentTransaction } from '../client/transactions';

export interface OutputOptions {
  json?: boolean;
  debug?: boolean;
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** Prints the result: the JSON document, or the human lines. */
export function emit(options: OutputOptions, result: unknown, human: () => string[]): void {
  if (options.json) process.stdout.write(toJson(result) + '\n');
  else {
    // One write: stdout to a pipe or file is synchronous, and a tree's 10,000 lines one by one take tens of ms.
    const lines = human();
    if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
  }
}

/** A note for people on stderr (silent with --json). */
export function note(options: OutputOptions, message: string): void {
  if (!options.json) process.stderr.write(message + '\n');
}

/** A warning on stderr (also with --json: stdout stays one document). */
export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** A debug line on stderr, with --debug only. */
export function debug(options: OutputOptions, message: string): void {
  if (options.debug) process.stderr.write(`debug: ${message}\n`);
}

/** What commands report about a mined transaction. */
export interface TransactionSummary {
  hash: string;
  blockNumber: number;
  blockTime: string;
  gasUsed: string;
  explorer?: string;
}

export function txSummary(chainId: number, tx: SentTransaction): TransactionSummary {
  return {
    hash: tx.hash,
    blockNumber: tx.blockNumber,
    blockTime: new Date(tx.timestamp * 1000).toISOString(),
    gasUsed: tx.gasUsed.toString(),
    explorer: explorerTxUrl(chainId, tx.hash),
  };
}

/** `tx 0xabc… in block 12` plus the explorer link when there is one. */
export function txLine(summary: { hash: string; blockNumber: number; explorer?: string }): string {
  return `  transaction ${summary.hash} (block ${summary.blockNumber})${summary.explorer ? `\n  ${summary.explorer}` : ''}`;
}

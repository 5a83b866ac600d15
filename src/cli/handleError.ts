/**
 * The one error handler of the command-line tool: every failure becomes one line on stderr (a stack trace only with
 * --debug), a JSON error document on stdout with --json, and an exit code: 2 usage, input or configuration; 3 network
 * or transaction failure.
 */
import { ExitCode } from '../core/exitCodes';
import { GovanchorError, TransactionError, exitCodeOf } from '../core/errors';
import { toJson, type OutputOptions } from './output';

/** Prints the error and returns the exit code. */
export function handleError(error: unknown, options: OutputOptions): ExitCode {
  // The chain's error mapping loads ethers and the contracts' bindings: only for errors that need it.
  const mapped: GovanchorError =
    error instanceof GovanchorError
      ? error
      : (require('../client/errors') as typeof import('../client/errors')).toGovanchorError(error, 'govanchor');
  const code = exitCodeOf(mapped);
  const message = mapped.message.split('\n')[0];
  process.stderr.write(`error: ${message}\n`);
  if (options.debug) {
    const original = error instanceof Error ? error : mapped;
    process.stderr.write(`${original.stack ?? String(original)}\n`);
    if (original !== mapped && mapped.cause instanceof Error && mapped.cause !== original) {
      process.stderr.write(`caused by: ${mapped.cause.stack ?? mapped.cause.message}\n`);
    }
  }
  if (options.json) {
    const revert = mapped instanceof TransactionError ? mapped.revert : undefined;
    process.stdout.write(toJson({ error: { type: mapped.name, message, exitCode: code, revert } }) + '\n');
  }
  return code;
}

/**
 * The errors every govanchor layer throws, each with the exit code the command-line tool maps it to.
 * Pure: no Node-only API, so the web page and the gateway can use the same classes.
 */
import { ExitCode } from './exitCodes';

/** Base class: a one-line message naming the problem and what to do, and the exit code it maps to. */
export class GovanchorError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A malformed argument or option (exit 2). */
export class UsageError extends GovanchorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Usage, options);
  }
}

/** An input the user pointed at is missing, unreadable or malformed: a file, a directory, a receipt (exit 2). */
export class InputError extends GovanchorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Usage, options);
  }
}

/** Configuration is missing or inconsistent: RPC URL, key, deployment file, chain id (exit 2). */
export class ConfigError extends GovanchorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Usage, options);
  }
}

/** Something named on chain does not exist: an agency, a dataset, a request, a grant (exit 2). */
export class NotFoundError extends GovanchorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Usage, options);
  }
}

/** The node could not be reached or answered with an error (exit 3). */
export class NetworkError extends GovanchorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Failure, options);
  }
}

/**
 * A transaction failed: it would revert (with the decoded custom error), ran out of funds, was dropped or replaced,
 * or reverted on chain (exit 3).
 */
export class TransactionError extends GovanchorError {
  /** The decoded custom error, if the failure was a revert with known data. */
  readonly revert?: DecodedRevert;
  constructor(message: string, options?: { cause?: unknown; revert?: DecodedRevert }) {
    super(message, ExitCode.Failure, options);
    this.revert = options?.revert;
  }
}

/** A custom error decoded from revert data: its name and its arguments by name, as strings. */
export interface DecodedRevert {
  name: string;
  signature: string;
  args: Record<string, string>;
}

/** The exit code for any thrown value: ours carry one; anything else is an unexpected failure (3). */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof GovanchorError ? error.exitCode : ExitCode.Failure;
}

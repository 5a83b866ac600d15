/** Exit codes of the `govanchor` command-line tool, documented in `--help` and docs/cli.md. */
export enum ExitCode {
  /** Success; for `verify` the content is verified, for `access` access is current. */
  Success = 0,
  /** A negative answer: verification failed, access is not current, or `relay` had a signed request rejected. */
  Negative = 1,
  /** Usage, input or configuration error: nothing was sent. */
  Usage = 2,
  /** Network or transaction failure. */
  Failure = 3,
}

/** The exit-code table as shown in `govanchor --help`. */
export const EXIT_CODE_HELP = [
  'Exit codes:',
  '  0  success; verified; access is current',
  '  1  verification negative; access denied or expired; relay: a signed request was rejected',
  '  2  usage, input or configuration error (nothing was sent)',
  '  3  network or transaction failure',
].join('\n');

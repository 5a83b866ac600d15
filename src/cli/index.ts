/**
 * The `govanchor` command-line tool: a thin shell over `src/client` (chain actions), `src/node` (files, keys) and
 * `src/core` (receipts, verdicts). One command per file in `./commands`; one error handler; exit codes in
 * `src/core/exitCodes.ts`.
 */
import { Command, CommanderError } from 'commander';
import * as dotenv from 'dotenv';
import { EXIT_CODE_HELP, ExitCode } from '../core/exitCodes';
import { access } from './commands/access';
import { agency } from './commands/agency';
import { anchor } from './commands/anchor';
import { anchorMany } from './commands/anchorMany';
import { approve } from './commands/approve';
import { deny } from './commands/deny';
import { deploy } from './commands/deploy';
import { fetchFromGateway } from './commands/fetch';
import { gateway } from './commands/gateway';
import { grant } from './commands/grant';
import { hash } from './commands/hash';
import { history } from './commands/history';
import { keystore } from './commands/keystore';
import { lookup } from './commands/lookup';
import { relay } from './commands/relay';
import { request } from './commands/request';
import { revoke } from './commands/revoke';
import { verify } from './commands/verify';
import { withdraw } from './commands/withdraw';
import { toJson } from './output';

const ENVIRONMENT_HELP = [
  'Environment (also read from ./.env):',
  '  GOVANCHOR_RPC_URL             JSON-RPC endpoint (or --rpc)',
  '  GOVANCHOR_PRIVATE_KEY         signing key for commands that send transactions (never pass a key as an argument)',
  '  GOVANCHOR_KEYSTORE_PASSWORD   password of --keystore <file> (otherwise asked on the terminal)',
].join('\n');

/**
 * Commander echoes an unknown `--option=value` whole; the value may be a secret typed by mistake (e.g.
 * `--private-key=0x…`, which does not exist): only the option's name is shown.
 */
export function redactOptionValues(text: string): string {
  return text.replace(/(unknown option '[^'=]*)=.*'/g, "$1=…'");
}

/** Applies the tool's settings to a command and all its subcommands (commander does not inherit them via addCommand). */
function configure(command: Command): void {
  command.exitOverride();
  command.showSuggestionAfterError(true);
  command.configureOutput({ writeErr: (text) => process.stderr.write(redactOptionValues(text)) });
  for (const sub of command.commands) configure(sub);
}

/** Builds the program. */
export function createProgram(): Command {
  const { version } = require('../../package.json') as { version: string };
  const program = new Command('govanchor')
    .description(
      'Anchor SHA-256 hashes of government datasets on EVM chains; verify files; manage agencies and access grants.',
    )
    .version(version)
    .enablePositionalOptions() // `fetch --version <n>` is the subcommand's option, not the program's
    .addCommand(deploy)
    .addCommand(agency)
    .addCommand(hash)
    .addCommand(anchor)
    .addCommand(anchorMany)
    .addCommand(verify)
    .addCommand(lookup)
    .addCommand(history)
    .addCommand(withdraw)
    .addCommand(request)
    .addCommand(approve)
    .addCommand(deny)
    .addCommand(grant)
    .addCommand(revoke)
    .addCommand(relay)
    .addCommand(access)
    .addCommand(keystore)
    .addCommand(gateway)
    .addCommand(fetchFromGateway)
    .addHelpText(
      'after',
      `\n${EXIT_CODE_HELP}\n\n${ENVIRONMENT_HELP}\n\nEvery command takes --json (one JSON document on stdout) and --debug. See docs/cli.md.`,
    );
  configure(program);
  return program;
}

/**
 * Runs the tool and returns the exit code: 0 success / verified, 1 negative, 2 usage / input / configuration,
 * 3 network or transaction failure.
 */
export async function main(argv: string[] = process.argv): Promise<number> {
  dotenv.config({ quiet: true } as dotenv.DotenvConfigOptions);
  const program = createProgram();
  process.exitCode = 0;
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code))
        return ExitCode.Success;
      if (error.code === 'commander.executeSubCommandAsync') return ExitCode.Success;
      if (argv.includes('--json')) {
        process.stdout.write(
          toJson({
            error: {
              type: 'UsageError',
              message: redactOptionValues(error.message.replace(/^error: /, '')),
              exitCode: ExitCode.Usage,
            },
          }) + '\n',
        );
      }
      return ExitCode.Usage;
    }
    throw error;
  }
  return Number(process.exitCode ?? 0);
}

/**
 * The `govanchor` command-line tool: a thin shell over `src/client` (chain actions), `src/node` (files, keys) and
 * `src/core` (receipts, verdicts). One command per file in `./commands`; one error handler; exit codes in
 * `src/core/exitCodes.ts`.
 */
import { Command, CommanderError } from 'commander';
import * as dotenv from 'dotenv';
import { EXIT_CODE_HELP, ExitCode } from '../core/exitCodes';
import { toJson } from './output';

/**
 * The commands, in the order `--help` lists them. Each is loaded when it runs (most pull in ethers and the contracts'
 * bindings, `gateway` fastify): `govanchor hash <dir>` starts in a fraction of the time. `--help`, an unknown command
 * and a mistyped one load them all, so that help, errors and suggestions are the same as ever.
 */
const COMMANDS: [name: string, load: () => Command][] = [
  ['deploy', () => (require('./commands/deploy') as typeof import('./commands/deploy')).deploy],
  ['agency', () => (require('./commands/agency') as typeof import('./commands/agency')).agency],
  ['hash', () => (require('./commands/hash') as typeof import('./commands/hash')).hash],
  ['anchor', () => (require('./commands/anchor') as typeof import('./commands/anchor')).anchor],
  ['anchor-many', () => (require('./commands/anchorMany') as typeof import('./commands/anchorMany')).anchorMany],
  ['verify', () => (require('./commands/verify') as typeof import('./commands/verify')).verify],
  ['lookup', () => (require('./commands/lookup') as typeof import('./commands/lookup')).lookup],
  ['history', () => (require('./commands/history') as typeof import('./commands/history')).history],
  ['withdraw', () => (require('./commands/withdraw') as typeof import('./commands/withdraw')).withdraw],
  ['request', () => (require('./commands/request') as typeof import('./commands/request')).request],
  ['approve', () => (require('./commands/approve') as typeof import('./commands/approve')).approve],
  ['deny', () => (require('./commands/deny') as typeof import('./commands/deny')).deny],
  ['grant', () => (require('./commands/grant') as typeof import('./commands/grant')).grant],
  ['revoke', () => (require('./commands/revoke') as typeof import('./commands/revoke')).revoke],
  ['relay', () => (require('./commands/relay') as typeof import('./commands/relay')).relay],
  ['access', () => (require('./commands/access') as typeof import('./commands/access')).access],
  ['keystore', () => (require('./commands/keystore') as typeof import('./commands/keystore')).keystore],
  ['gateway', () => (require('./commands/gateway') as typeof import('./commands/gateway')).gateway],
  ['fetch', () => (require('./commands/fetch') as typeof import('./commands/fetch')).fetchFromGateway],
];

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

/**
 * Builds the program.
 * @param argv The command line (as `process.argv`): when it names a command, only that command is loaded; for
 * `--version` alone, none.
 */
export function createProgram(argv?: readonly string[]): Command {
  const { version } = require('../../package.json') as { version: string };
  const program = new Command('govanchor')
    .description(
      'Anchor SHA-256 hashes of government datasets on EVM chains; verify files; manage agencies and access grants.',
    )
    .version(version)
    .enablePositionalOptions(); // `fetch --version <n>` is the subcommand's option, not the program's
  const requested = COMMANDS.find(([name]) => name === argv?.[2]);
  const versionOnly = argv?.length === 3 && ['--version', '-V'].includes(argv[2]);
  if (!versionOnly) for (const [, load] of requested ? [requested] : COMMANDS) program.addCommand(load());
  program.addHelpText(
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
  const program = createProgram(argv);
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

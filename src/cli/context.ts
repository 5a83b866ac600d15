/**
 * What every command shares: the common options, and opening a client from them (RPC URL, deployment, signer,
 * transaction settings), checked before anything is sent.
 */
import { Command, Option } from 'commander';
import type { Signer } from 'ethers';
import type { GovanchorClient, SuiteAddresses } from '../client/connection';
import { ConfigError } from '../core/errors';
import { handleError } from './handleError';
import { debug, note, type OutputOptions } from './output';

// The chain side (ethers, the contracts' bindings, keystores) is loaded by the commands that use it, when they use it:
// `govanchor hash` starts without it.
const identifiers = (): typeof import('../core/identifiers') => require('../core/identifiers');
const connection = (): typeof import('../client/connection') => require('../client/connection');
const deploymentFile = (): typeof import('../node/deploymentFile') => require('../node/deploymentFile');
const signers = (): typeof import('../node/signer') => require('../node/signer');

/** Options every command takes. */
export interface CommonOptions extends OutputOptions {
  rpc?: string;
  deployment?: string;
  keystore?: string;
  confirmations?: string;
  timeout?: string;
}

/** `--json` and `--debug`: on every command. */
export function withOutputOptions(command: Command): Command {
  return command
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--debug', 'print stack traces on errors (never keys)');
}

/** `--rpc` and `--deployment`: commands that read the chain. */
export function withChainOptions(command: Command): Command {
  return withOutputOptions(command)
    .addOption(new Option('--rpc <url>', 'JSON-RPC endpoint of the chain').env('GOVANCHOR_RPC_URL'))
    .option('--deployment <file>', 'deployment record (default: deployments/<chainId>.json)');
}

/** Signer and transaction options: commands that send transactions. */
export function withTransactionOptions(command: Command): Command {
  return withChainOptions(command)
    .option(
      '--keystore <file>',
      'encrypted JSON keystore (password: GOVANCHOR_KEYSTORE_PASSWORD or prompt); default key: GOVANCHOR_PRIVATE_KEY',
    )
    .option('--confirmations <n>', 'blocks to wait for after inclusion', '1')
    .option('--timeout <seconds>', 'how long to wait for a transaction to be mined', '600');
}

/** The signer from the environment or keystore; undefined if none is configured. */
export async function openSigner(options: CommonOptions): Promise<Signer | undefined> {
  const { loadSigner, promptHidden } = signers();
  return loadSigner({
    keystore: options.keystore,
    promptPassword: process.stdin.isTTY ? promptHidden : undefined,
  });
}

export interface OpenClientParameters {
  /** A key is required (commands that send transactions). */
  signer?: boolean;
  /** Use these addresses when no deployment file exists for the chain (verification with a receipt). */
  fallbackSuite?: (chainId: number) => SuiteAddresses | undefined;
}

/**
 * Opens a client: signer first (a missing key fails before any network traffic), then the node's chain id, the
 * deployment for that chain, and a check that the registry exists there.
 * @throws ConfigError (no RPC URL, no key, no deployment, chain-id mismatch), NetworkError (node unreachable).
 */
export async function openClient(
  options: CommonOptions,
  parameters: OpenClientParameters = {},
): Promise<GovanchorClient> {
  const signer = parameters.signer ? await openSigner(options) : undefined;
  if (parameters.signer && !signer) {
    throw new ConfigError('no signing key: set GOVANCHOR_PRIVATE_KEY (environment or .env) or pass --keystore <file>');
  }
  const rpcUrl = options.rpc;
  if (!rpcUrl) {
    throw new ConfigError('no RPC endpoint: pass --rpc <url> or set GOVANCHOR_RPC_URL (e.g. http://127.0.0.1:8545)');
  }
  const { parseCount } = identifiers();
  const confirmations = parseCount(options.confirmations ?? '1', '--confirmations', { min: 1, max: 1000 });
  const timeoutSeconds = parseCount(options.timeout ?? '600', '--timeout', { min: 1 });
  const { checkDeployment, connectProvider, createClient } = connection();
  const { provider, chainId } = await connectProvider({ rpcUrl });
  debug(options, `node ${rpcUrl} serves chain ${chainId}`);
  let suite = deploymentFile().loadDeployment({
    path: options.deployment,
    chainId,
    optional: !!parameters.fallbackSuite,
  });
  if (!suite) {
    suite = parameters.fallbackSuite?.(chainId);
    if (!suite)
      throw new ConfigError(`no deployment for chain ${chainId}: run \`govanchor deploy\` or pass --deployment <file>`);
  }
  debug(options, `registry ${suite.datasetRegistry} from ${suite.source}`);
  const client = createClient({
    provider,
    rpcUrl,
    chainId,
    suite,
    signer,
    transactions: {
      confirmations,
      timeoutMs: timeoutSeconds * 1000,
      onSent: (hash, description) =>
        note(options, `sent: ${description} — transaction ${hash}, waiting for ${confirmations} confirmation(s)`),
    },
  });
  if (suite.source !== 'receipt') await checkDeployment(client);
  if (signer) debug(options, `signing as ${await signer.getAddress()}`);
  return client;
}

/**
 * Wraps a command's action: runs it, prints errors through the one handler, and sets the exit code.
 * The action returns its exit code (0 when it returns nothing).
 */
export function action<A extends unknown[]>(
  run: (...args: [...A, CommonOptions & Record<string, unknown>, Command]) => Promise<number | void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const options = command.opts() as CommonOptions & Record<string, unknown>;
    try {
      const code = await run(...(args.slice(0, -2) as A), options, command);
      process.exitCode = code ?? 0;
    } catch (error) {
      process.exitCode = handleError(error, options);
    }
  };
}

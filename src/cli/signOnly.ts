/**
 * `--sign-only --out <file>`: instead of sending a transaction, the operator signs the action (EIP-712) and writes a
 * `govanchor-signed/1` file that any relayer submits with `govanchor relay` (docs/signed-submission.md). Signing needs
 * no funds. The network is used only to read the chain id, the chain's clock and the contract (deployment file); with
 * `--chain-id <n>` not at all.
 */
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Signer } from 'ethers';
import type { GovanchorClient, SuiteAddresses } from '../client/connection';
import { guard } from '../client/errors';
import { chainTime } from '../client/transactions';
import { ConfigError, UsageError } from '../core/errors';
import { isoTime, parseExpiry } from '../core/expiry';
import { parseCount } from '../core/identifiers';
import {
  SIGNED_ACTIONS,
  SIGNED_REQUEST_FORMAT,
  randomNonce,
  signRequest,
  type SignedActionArgs,
  type SignedActionName,
  type SignedRequest,
} from '../core/signedActions';
import { fsError } from '../node/hashPath';
import { loadDeployment } from '../node/deploymentFile';
import { openClient, openSigner, type CommonOptions } from './context';
import { debug, warn } from './output';

/** Options of a command in sign-only mode. */
export interface SignOnlyOptions extends CommonOptions {
  signOnly?: boolean;
  out?: string;
  deadline?: string;
  chainId?: string;
}

/** Adds `--sign-only`, `--out`, `--deadline` and `--chain-id` to a command that sends a transaction. */
export function withSignOnlyOptions(command: Command): Command {
  return command
    .option('--sign-only', 'sign the action for a relayer (`govanchor relay`) instead of sending it; needs --out')
    .option('--out <file>', 'with --sign-only: the govanchor-signed/1 file to write (never overwritten)')
    .option(
      '--deadline <date|duration>',
      'with --sign-only: until when a relayer may submit it (24h, 2d, 2027-01-31T12:00:00Z)',
      '24h',
    )
    .addOption(
      new Option(
        '--chain-id <n>',
        'with --sign-only: sign fully offline for this chain (no node; contract from --deployment or deployments/<n>.json)',
      ),
    );
}

/** Throws unless `--sign-only` and `--out` come together. Call before anything else. */
export function checkSignOnlyOptions(options: SignOnlyOptions): void {
  if (options.signOnly && !options.out) throw new UsageError('--sign-only needs --out <file>: where to write it');
  if (!options.signOnly && options.out) throw new UsageError('--out is for --sign-only');
  if (!options.signOnly && options.chainId) throw new UsageError('--chain-id is for --sign-only');
  if (options.out && existsSync(options.out)) throw outExists(options.out);
}

function outExists(path: string): UsageError {
  return new UsageError(`--out ${path} exists already: choose another file (signed files are never overwritten)`);
}

/** Where and as whom an action is signed. */
export interface SigningContext {
  signer: Signer;
  signerAddress: string;
  chainId: number;
  suite: SuiteAddresses;
  /** Unix seconds: the chain's latest block time, or the local clock offline. */
  now: number;
  /** The connected client, unless signing offline (`--chain-id`). */
  client?: GovanchorClient;
}

/**
 * Loads the operator's key, then the chain id and deployment: from `--chain-id` and the deployment file offline, else
 * from the node (chain id, clock, and a check that the registry exists).
 * @throws ConfigError (no key, no RPC URL and no --chain-id, no deployment), NetworkError.
 */
export async function openSigningContext(options: SignOnlyOptions): Promise<SigningContext> {
  const signer = await openSigner(options);
  if (!signer) {
    throw new ConfigError(
      'no signing key: set GOVANCHOR_PRIVATE_KEY (environment or .env) or pass --keystore <file> (the operator signs; it needs no funds)',
    );
  }
  const signerAddress = await signer.getAddress();
  if (options.chainId !== undefined) {
    const chainId = parseCount(String(options.chainId), '--chain-id', { min: 1 });
    const suite = loadDeployment({ path: options.deployment, chainId }) as SuiteAddresses;
    if (suite.chainId !== chainId) {
      throw new ConfigError(
        `chain id mismatch: ${suite.source} is for chain ${suite.chainId}, not --chain-id ${chainId}`,
      );
    }
    debug(options, `signing offline for chain ${chainId}, registry ${suite.datasetRegistry} from ${suite.source}`);
    return { signer, signerAddress, chainId, suite, now: Math.floor(Date.now() / 1000) };
  }
  if (!options.rpc) {
    throw new ConfigError(
      'no RPC endpoint: pass --rpc <url> or set GOVANCHOR_RPC_URL, or sign offline with --chain-id <n> (and --deployment <file>)',
    );
  }
  const client = await openClient(options);
  const now = await chainTime(client);
  const agencyId = await guard(`read the agency of ${signerAddress}`, client.rpcUrl, () =>
    client.registry.operatorAgency(signerAddress),
  );
  if (agencyId === 0n) {
    warn(
      `${signerAddress} is not an operator of any agency on chain ${client.chainId} now: a relay will be rejected (NotAnOperator) unless an agency admin adds it first`,
    );
  }
  return { signer, signerAddress, chainId: client.chainId, suite: client.suite, now, client };
}

/** The `--deadline` as unix seconds. @throws UsageError. */
export function parseDeadline(text: string | undefined, now: number): number {
  try {
    return parseExpiry(text ?? '24h', now);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message.replace(/^--expires/, '--deadline'));
    throw error;
  }
}

/** The contract address that takes `action` in this deployment. @throws ConfigError if the deployment has none. */
export function contractFor(context: SigningContext, actionName: SignedActionName): string {
  if (SIGNED_ACTIONS[actionName].contract === 'DatasetRegistry') return context.suite.datasetRegistry;
  const address = context.suite.accessGrants;
  if (!address || /^0x0{40}$/.test(address)) {
    throw new ConfigError(`${context.suite.source} names no AccessGrants contract: it cannot take ${actionName}`);
  }
  return address;
}

/** What {@link signToFile} wrote. */
export interface SignedFileSummary<A extends SignedActionName = SignedActionName> {
  signOnly: true;
  out: string;
  action: A;
  chainId: number;
  contract: string;
  signer: string;
  nonce: string;
  deadline: string;
  args: SignedActionArgs[A];
}

/**
 * Signs one action and writes it as a `govanchor-signed/1` file (with extra unsigned fields such as `content`).
 * @throws UsageError if the file exists (signed files are never overwritten); InputError if it cannot be written.
 */
export async function signToFile<A extends SignedActionName>(
  context: SigningContext,
  options: SignOnlyOptions,
  actionName: A,
  args: SignedActionArgs[A],
  extra: Record<string, unknown> = {},
): Promise<SignedFileSummary<A>> {
  const out = String(options.out);
  const deadline = parseDeadline(options.deadline, context.now);
  const request = await signRequest(context.signer, {
    chainId: context.chainId,
    contract: contractFor(context, actionName),
    action: actionName,
    args,
    deadline,
    nonce: randomNonce(),
  });
  await writeSignedFile(out, [{ ...request, ...extra } as SignedRequest]);
  return {
    signOnly: true,
    out,
    action: actionName,
    chainId: request.chainId,
    contract: request.contract,
    signer: request.authorization.signer,
    nonce: request.authorization.nonce,
    deadline: isoTime(deadline),
    args: request.args,
  };
}

/** Writes a signed-request file, refusing to overwrite one (an unrelayed signature may live only there). */
async function writeSignedFile(path: string, requests: SignedRequest[]): Promise<void> {
  const text = JSON.stringify({ format: SIGNED_REQUEST_FORMAT, requests }, null, 2) + '\n';
  const handle = await open(path, 'wx', 0o644).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') throw outExists(path);
    throw fsError(path, error);
  });
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

/** The lines every sign-only command prints after its own first line. */
export function signedFileLines(summary: SignedFileSummary): string[] {
  return [
    `  signer   ${summary.signer} (chain ${summary.chainId}, contract ${summary.contract})`,
    `  valid until ${summary.deadline}; nonce ${summary.nonce}`,
    `  wrote ${summary.out}: a relayer submits it with \`govanchor relay ${summary.out}\``,
  ];
}

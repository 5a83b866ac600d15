/**
 * Connecting the page to a network through the project's client (`src/client/connection.ts`), with messages worded
 * for reviewers rather than for the command line.
 */
import { checkDeployment, connectProvider, createClient, type GovanchorClient } from '../../src/client/connection';
import { ConfigError, GovanchorError, NetworkError } from '../../src/core/errors';
import type { SuiteAddresses } from '../../src/client/connection';
import { chainName, embeddedDeployments, type NetworkPreset } from './networks';
import { errorText } from './wording';

export interface Connection {
  client: GovanchorClient;
  /** The network's name for people, e.g. "Sepolia (chain 11155111)". */
  network: string;
}

/** A connection failure: a sentence for people and the technical detail. */
export class ConnectError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface ConnectParameters {
  preset: NetworkPreset;
  rpcUrl: string;
  /** From a deployment file the reviewer added; else the page's embedded record for the chain. */
  deployment?: SuiteAddresses;
  /** Last resort: the registry named by a receipt of the chain (as `govanchor verify` does without a deployment). */
  fallbackSuite?: (chainId: number) => SuiteAddresses | undefined;
  timeoutMs?: number;
}

/**
 * Asks the endpoint for its chain, checks it is the chosen network, finds the suite's addresses and checks that the
 * registry lives there.
 * @throws ConnectError with a reviewer-facing message.
 */
export async function connect({
  preset,
  rpcUrl,
  deployment,
  fallbackSuite,
  timeoutMs = 20_000,
}: ConnectParameters): Promise<Connection> {
  const url = rpcUrl.trim();
  if (url === '') throw new ConnectError('Enter the network address (RPC URL) first.');
  let provider;
  let chainId: number;
  try {
    ({ provider, chainId } = await connectProvider({ rpcUrl: url, timeoutMs }));
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConnectError(
        `“${url}” is not a network address: it should look like https://host or http://127.0.0.1:8545.`,
        errorText(error),
      );
    }
    const mixed =
      typeof location !== 'undefined' && location.protocol === 'https:' && url.startsWith('http:')
        ? ' This page was opened over https, so your browser may refuse an http address: use an https address or open the page from your disk.'
        : '';
    throw new ConnectError(
      `Cannot reach ${url}. Check the address and your connection, or try another address for this network.${mixed}`,
      errorText(error),
    );
  }
  const network = chainName(chainId);
  if (preset.chainId !== undefined && preset.chainId !== chainId) {
    provider.destroy();
    throw new ConnectError(
      `Wrong network: ${url} serves ${network}, not ${chainName(preset.chainId)}. Choose the matching network, or change the address.`,
    );
  }
  const suite = deployment ?? embeddedDeployments().get(chainId) ?? fallbackSuite?.(chainId);
  if (!suite) {
    provider.destroy();
    throw new ConnectError(
      `This page does not know where the govanchor contracts live on ${network}. Add the deployment file published with them, or a receipt of a file registered there.`,
    );
  }
  if (suite.chainId !== chainId) {
    provider.destroy();
    throw new ConnectError(
      `Wrong network: the deployment file ${suite.source} is for ${chainName(suite.chainId)}, but ${url} serves ${network}. Choose the matching network or deployment file.`,
    );
  }
  const client = createClient({ provider, rpcUrl: url, chainId, suite });
  // A registry named by a receipt is checked when a file is verified (verifySubject reports a missing contract).
  if (suite.source === 'receipt') return { client, network };
  try {
    await checkDeployment(client);
  } catch (error) {
    provider.destroy();
    if (error instanceof ConfigError) {
      throw new ConnectError(
        `No govanchor registry at ${suite.datasetRegistry} on ${network}. The deployment information (${suite.source}) is out of date or for another network.`,
        errorText(error),
      );
    }
    throw new ConnectError(`Cannot read from ${url}.`, errorText(error));
  }
  return { client, network };
}

/** A reviewer-facing sentence for an error thrown while checking or looking up. */
export function describeFailure(error: unknown): { message: string; detail?: string } {
  if (error instanceof ConnectError) return { message: error.message, detail: error.detail };
  if (error instanceof NetworkError) {
    return { message: 'The network did not answer. Check your connection and try again.', detail: errorText(error) };
  }
  if (error instanceof GovanchorError) return { message: errorText(error) };
  return { message: 'Something went wrong while asking the network.', detail: errorText(error) };
}

/**
 * Connecting to a node and to the suite deployed on it. No Node-only API: the caller (CLI, web page, gateway) finds
 * the RPC URL, the deployment and the signer, and this module checks that they fit together before anything is sent.
 */
import { FetchRequest, JsonRpcProvider, Network, type JsonRpcPayload, type JsonRpcResult, type Signer } from 'ethers';
import { ConfigError, NetworkError } from '../core/errors';
import { AccessGrants__factory, DatasetRegistry__factory, type AccessGrants, type DatasetRegistry } from './contracts';

/** Where the suite lives on one chain: what the client needs from `deployments/<chainId>.json` (or a receipt). */
export interface SuiteAddresses {
  chainId: number;
  datasetRegistry: string;
  accessGrants?: string;
  /** The block the registry was deployed in: event searches start here. */
  startBlock: number;
  /** Where the addresses came from, for messages: a file path, or "receipt". */
  source: string;
}

/** How transactions are sent and awaited. */
export interface TransactionOptions {
  /** Blocks to wait for after inclusion (1 = included). */
  confirmations: number;
  /** How long to wait for inclusion before declaring the transaction dropped. */
  timeoutMs: number;
  /** Called once a transaction is sent, e.g. to print its hash. */
  onSent?: (hash: string, description: string) => void;
}

/** A connection to the suite on one chain, optionally with a signer. Every client action takes one. */
export interface GovanchorClient {
  provider: JsonRpcProvider;
  rpcUrl: string;
  chainId: number;
  suite: SuiteAddresses;
  registry: DatasetRegistry;
  accessGrants: AccessGrants;
  signer?: Signer;
  transactions: TransactionOptions;
}

export interface ConnectProviderParameters {
  rpcUrl: string;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
}

export interface ConnectProviderReturnType {
  provider: JsonRpcProvider;
  chainId: number;
}

/**
 * Asks the node for its chain id once, then returns a provider fixed to that chain (ethers would otherwise retry a
 * missing node forever).
 * @throws ConfigError for a malformed URL, NetworkError if the node does not answer.
 * @example
 * const { provider, chainId } = await connectProvider({ rpcUrl: 'http://127.0.0.1:8545' });
 */
export async function connectProvider({
  rpcUrl,
  timeoutMs = 30_000,
}: ConnectProviderParameters): Promise<ConnectProviderReturnType> {
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch {
    throw new ConfigError(`"${rpcUrl}" is not a URL: pass --rpc http(s)://host:port or set GOVANCHOR_RPC_URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`RPC URL ${rpcUrl} must use http or https`);
  }
  const request = () => {
    const fetchRequest = new FetchRequest(rpcUrl);
    fetchRequest.timeout = timeoutMs;
    return fetchRequest;
  };
  let chainId: number;
  try {
    const probe = request();
    probe.body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] });
    probe.setHeader('content-type', 'application/json');
    const response = await probe.send();
    response.assertOk();
    const body = response.bodyJson as { result?: string; error?: { message?: string } };
    if (typeof body?.result !== 'string') throw new Error(body?.error?.message ?? 'no chain id in the answer');
    chainId = Number(BigInt(body.result));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0].replace(/ \(.*\)$/, '') : String(error);
    throw new NetworkError(
      `cannot reach the node at ${rpcUrl} (${reason}): is it running? check --rpc or GOVANCHOR_RPC_URL`,
      {
        cause: error,
      },
    );
  }
  const network = Network.from(chainId);
  const provider = new GovanchorProvider(request(), network, {
    staticNetwork: network,
    pollingInterval: 1000,
    // No response cache: back-to-back transactions must each see the latest nonce.
    cacheTimeout: -1,
    // Calls made in the same tick still go out as one JSON-RPC batch, but without ethers' default 10 ms wait before
    // each request (a command that makes a few hundred calls one after another would wait seconds for nothing).
    batchStallTime: 0,
  });
  return { provider, chainId };
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * ethers' JSON-RPC provider with the request and answer text converted by the platform's UTF-8 codec instead of
 * ethers' JavaScript loops: a batch of 100 anchors sends about 80 KB twice (estimate, send) and reads back a receipt
 * with 100 logs, and those loops took 10-15 ms a batch. Everything else (batching, errors, timeouts) is ethers'.
 */
class GovanchorProvider extends JsonRpcProvider {
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const request = this._getConnection();
    request.body = utf8Encoder.encode(JSON.stringify(payload));
    request.setHeader('content-type', 'application/json');
    const response = await request.send();
    response.assertOk();
    let answer: unknown;
    try {
      answer = response.body ? JSON.parse(utf8Decoder.decode(response.body)) : undefined;
    } catch {
      answer = response.bodyJson; // throws ethers' own error for an answer that is not JSON
    }
    return (Array.isArray(answer) ? answer : [answer]) as JsonRpcResult[];
  }
}

export interface CreateClientParameters {
  provider: JsonRpcProvider;
  rpcUrl: string;
  chainId: number;
  suite: SuiteAddresses;
  signer?: Signer;
  transactions?: Partial<TransactionOptions>;
}

/**
 * Binds the suite's contracts to a provider (and signer). The deployment must be for the node's chain.
 * @throws ConfigError if the deployment's chain id differs from the node's: nothing is sent to a wrong chain.
 * @example
 * const client = createClient({ provider, rpcUrl, chainId, suite, signer });
 */
export function createClient({
  provider,
  rpcUrl,
  chainId,
  suite,
  signer,
  transactions,
}: CreateClientParameters): GovanchorClient {
  if (suite.chainId !== chainId) {
    throw new ConfigError(
      `chain id mismatch: ${suite.source} is for chain ${suite.chainId}, but the node at ${rpcUrl} is chain ${chainId}; use the matching --rpc or --deployment`,
    );
  }
  const connected = signer && !signer.provider ? signer.connect(provider) : signer;
  const runner = connected ?? provider;
  const accessGrantsAddress = suite.accessGrants ?? '0x0000000000000000000000000000000000000000';
  return {
    provider,
    rpcUrl,
    chainId,
    suite,
    registry: DatasetRegistry__factory.connect(suite.datasetRegistry, runner),
    accessGrants: AccessGrants__factory.connect(accessGrantsAddress, runner),
    signer: connected,
    transactions: { confirmations: 1, timeoutMs: 600_000, ...transactions },
  };
}

/** The signer, or a ConfigError explaining how to provide one (for commands that send transactions). */
export function requireSigner(client: GovanchorClient): Signer {
  if (!client.signer) {
    throw new ConfigError('no signing key: set GOVANCHOR_PRIVATE_KEY (environment or .env) or pass --keystore <file>');
  }
  return client.signer;
}

/**
 * Checks that the registry has code on this chain: a deployment file left over from a restarted local node names
 * addresses where nothing lives now.
 * @throws ConfigError naming the address and what to do.
 */
export async function checkDeployment(client: GovanchorClient): Promise<void> {
  let code: string;
  try {
    code = await client.provider.getCode(client.suite.datasetRegistry);
  } catch (error) {
    throw new NetworkError(
      `cannot read from the node at ${client.rpcUrl}: ${(error as Error).message.split('\n')[0]}`,
      {
        cause: error,
      },
    );
  }
  if (code === '0x') {
    throw new ConfigError(
      `no DatasetRegistry at ${client.suite.datasetRegistry} on chain ${client.chainId} (from ${client.suite.source}): the deployment is stale or for another node; run \`govanchor deploy\` or pass the right --deployment`,
    );
  }
}

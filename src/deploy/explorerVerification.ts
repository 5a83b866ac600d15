/**
 * Source verification on block explorers with hardhat-verify: which explorer API each public network uses, where its
 * key comes from, and the `verify:verify` calls that verify every contract of a deployment record.
 *
 * No Hardhat import: hardhat.config.ts imports this module, and Hardhat cannot be loaded while its config loads.
 */
import { EXPLORERS } from '../core/explorer';
import type { DeploymentRecord } from './deploymentRecord';

/** An explorer with an Etherscan-compatible API, as hardhat-verify's `etherscan.customChains` takes it. */
export interface ExplorerChain {
  network: string;
  chainId: number;
  urls: { apiURL: string; browserURL: string };
}

/**
 * ConfluxScan's Etherscan-compatible APIs for Conflux eSpace; the browser URLs are those of `src/core/explorer`. The
 * `network` names are this project's Hardhat network names, because hardhat-verify looks a per-network API key up by
 * them.
 */
export const CONFLUXSCAN_CHAINS: readonly ExplorerChain[] = [
  {
    network: 'confluxEspaceTestnet',
    chainId: 71,
    urls: { apiURL: 'https://evmapi-testnet.confluxscan.org/api/', browserURL: EXPLORERS[71].url },
  },
  {
    network: 'confluxEspace',
    chainId: 1030,
    urls: { apiURL: 'https://evmapi.confluxscan.org/api/', browserURL: EXPLORERS[1030].url },
  },
];

/** The environment variable that holds each public network's explorer API key (see .env.example). */
export const EXPLORER_API_KEY_ENV: Readonly<Record<string, string>> = {
  sepolia: 'ETHERSCAN_API_KEY',
  confluxEspaceTestnet: 'CONFLUXSCAN_API_KEY',
  confluxEspace: 'CONFLUXSCAN_API_KEY',
};

/** The networks `npm run verify` can verify on. */
export const VERIFIABLE_NETWORKS = Object.keys(EXPLORER_API_KEY_ENV);

/**
 * The `etherscan.apiKey` value hardhat-verify needs to verify on the chain `chainId`.
 *
 * hardhat-verify 2.x sends a single string key to Etherscan's multichain (v2) API whatever the chain, custom chains
 * included; it calls a custom chain's own `apiURL` only when the keys are given per network. So a chain of
 * `customChains` (ConfluxScan) gets `{ [network]: key }` with the key from that network's variable, and any other
 * chain (Sepolia) gets the Etherscan key as a string.
 * @example
 * explorerApiKey(11155111, CONFLUXSCAN_CHAINS, { ETHERSCAN_API_KEY: 'K' }); // 'K'
 * explorerApiKey(1030, CONFLUXSCAN_CHAINS, { CONFLUXSCAN_API_KEY: 'C' }); // { confluxEspace: 'C' }
 */
export function explorerApiKey(
  chainId: number,
  customChains: readonly ExplorerChain[] = CONFLUXSCAN_CHAINS,
  env: NodeJS.ProcessEnv = process.env,
): string | Record<string, string> {
  // hardhat-verify gives the last matching custom chain precedence.
  const custom = [...customChains].reverse().find((chain) => chain.chainId === chainId);
  if (custom) return { [custom.network]: env[EXPLORER_API_KEY_ENV[custom.network] ?? ''] ?? '' };
  return env.ETHERSCAN_API_KEY ?? '';
}

/** Whether `npm run verify` also submits the sources to Sourcify (`SOURCIFY_VERIFY=true`); off by default. */
export function sourcifyEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SOURCIFY_VERIFY === 'true';
}

/** A verification that cannot start; the message is one line that says what to do. */
export class VerifySetupError extends Error {}

/** The fully qualified name of each contract of the suite, which hardhat-verify takes as `contract`. */
export const CONTRACT_NAMES = {
  DatasetRegistry: 'contracts/DatasetRegistry.sol:DatasetRegistry',
  AccessGrants: 'contracts/AccessGrants.sol:AccessGrants',
} as const;

export type SuiteContractName = keyof typeof CONTRACT_NAMES;

/** The arguments of hardhat-verify's `verify:verify` subtask for one contract. */
export interface VerifySubtaskArgs {
  address: string;
  constructorArguments: unknown[];
  contract: string;
}

/** One contract of a deployment to verify. */
export interface VerifyTarget {
  name: SuiteContractName;
  args: VerifySubtaskArgs;
}

/**
 * The `verify:verify` calls that verify every contract of a deployment record, the registry first (AccessGrants'
 * only constructor argument is the registry's address).
 * @throws VerifySetupError if a contract of the record has no address or no constructor argument list.
 */
export function verifyTargets(record: DeploymentRecord): VerifyTarget[] {
  return (Object.keys(CONTRACT_NAMES) as SuiteContractName[]).map((name) => {
    const deployed = record.contracts[name];
    if (!deployed || !/^0x[0-9a-fA-F]{40}$/.test(deployed.address)) {
      throw new VerifySetupError(`the deployment record of chain ${record.chainId} has no address for ${name}`);
    }
    if (!Array.isArray(deployed.constructorArguments)) {
      throw new VerifySetupError(
        `the deployment record of chain ${record.chainId} has no constructorArguments for ${name}`,
      );
    }
    return {
      name,
      args: {
        address: deployed.address,
        constructorArguments: [...deployed.constructorArguments],
        contract: CONTRACT_NAMES[name],
      },
    };
  });
}

/** What the checkout compiles with: `hre.config.solidity.compilers[0]`. */
export interface CompilerInUse {
  version: string;
  settings: unknown;
}

/**
 * Checks that this checkout compiles the way the deployment was compiled (compiler version, optimizer, EVM version):
 * otherwise the explorer's build cannot match the chain, and hardhat-verify's own error says less about why.
 * @throws VerifySetupError naming the first difference.
 */
export function checkCompilerMatches(record: DeploymentRecord, current: CompilerInUse): void {
  const recorded = record.compiler;
  if (recorded.version !== current.version) {
    throw new VerifySetupError(
      `the deployment was compiled with solc ${recorded.version}, this checkout uses ${current.version}: ` +
        'verify from the commit that deployed it',
    );
  }
  const pick = (settings: unknown) => {
    const s = (settings ?? {}) as { optimizer?: unknown; evmVersion?: unknown; viaIR?: unknown };
    return JSON.stringify({
      optimizer: s.optimizer ?? null,
      evmVersion: s.evmVersion ?? null,
      viaIR: s.viaIR ?? false,
    });
  };
  if (pick(recorded.settings) !== pick(current.settings)) {
    throw new VerifySetupError(
      `the deployment was compiled with settings ${pick(recorded.settings)}, this checkout uses ` +
        `${pick(current.settings)}: verify from the commit that deployed it`,
    );
  }
}

/**
 * Checks the compiler version a build names, which hardhat-verify sends as `compilerversion`: explorers know
 * "0.8.30+commit.73712a01", not the ".Emscripten.clang" name that builds made before hardhat.config.ts stripped it
 * carry.
 * @throws VerifySetupError asking for a fresh build.
 */
export function checkBuildLongVersion(solcLongVersion: string): void {
  if (!/^\d+\.\d+\.\d+\+commit\.[0-9a-f]{8}$/.test(solcLongVersion)) {
    throw new VerifySetupError(
      `the build names compiler "${solcLongVersion}", which explorers do not list: run npx hardhat compile --force`,
    );
  }
}

/** @throws VerifySetupError unless `network` has a block explorer that `npm run verify` knows. */
export function checkVerifiableNetwork(network: string): void {
  if (!EXPLORER_API_KEY_ENV[network]) {
    throw new VerifySetupError(
      `network "${network}" has no block explorer to verify on: use --network ${VERIFIABLE_NETWORKS.join(' | ')}`,
    );
  }
}

/**
 * Checks what a verification needs before anything is sent: a network with a known explorer, its API key, and a
 * deployment record of that network's chain.
 * @throws VerifySetupError with a one-line message naming what is missing.
 */
export function checkVerifySetup(
  network: string,
  chainId: number | undefined,
  record: DeploymentRecord,
  env: NodeJS.ProcessEnv = process.env,
): void {
  checkVerifiableNetwork(network);
  const keyVar = EXPLORER_API_KEY_ENV[network];
  if (chainId !== undefined && record.chainId !== chainId) {
    throw new VerifySetupError(
      `the deployment record is for chain ${record.chainId}, network "${network}" is ${chainId}`,
    );
  }
  if (!env[keyVar]) {
    throw new VerifySetupError(
      `${keyVar} is not set: network "${network}" needs it (see .env.example; put it in .env)`,
    );
  }
}

/** How the verification of one contract ended. */
export interface VerifyOutcome {
  name: SuiteContractName;
  address: string;
  ok: boolean;
  /** The first line of hardhat-verify's error, when it failed. */
  error?: string;
}

/** Runs a Hardhat task or subtask: `hre.run`. */
export type TaskRunner = (task: string, args: VerifySubtaskArgs) => Promise<unknown>;

/**
 * Verifies every contract of the deployment with hardhat-verify's `verify:verify` subtask, one after the other. A
 * contract the explorer already shows verified counts as verified (hardhat-verify says so and returns). A failure of
 * one contract does not stop the next.
 * @param record The deployment record.
 * @param run `hre.run`.
 * @param log Where progress goes.
 * @returns One outcome per contract.
 * @example
 * const outcomes = await verifyDeployment(record, hre.run);
 */
export async function verifyDeployment(
  record: DeploymentRecord,
  run: TaskRunner,
  log: (line: string) => void = console.log,
): Promise<VerifyOutcome[]> {
  const outcomes: VerifyOutcome[] = [];
  for (const { name, args } of verifyTargets(record)) {
    log(`Verifying ${name} at ${args.address} (constructor arguments: ${JSON.stringify(args.constructorArguments)})`);
    try {
      await run('verify:verify', args);
      outcomes.push({ name, address: args.address, ok: true });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const firstLine = message.split('\n').find((line) => line.trim() !== '') ?? message;
      outcomes.push({ name, address: args.address, ok: false, error: firstLine.trim() });
    }
  }
  return outcomes;
}

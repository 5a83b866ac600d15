import path from 'node:path';
import { subtask } from 'hardhat/config';
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from 'hardhat/builtin-tasks/task-names';
import type { HardhatUserConfig, NetworkUserConfig } from 'hardhat/types';
import '@nomicfoundation/hardhat-toolbox';
import '@nomicfoundation/hardhat-ignition-ethers';
import { TASK_VERIFY_ETHERSCAN } from '@nomicfoundation/hardhat-verify/internal/task-names';
import * as dotenv from 'dotenv';
import { CONFLUXSCAN_CHAINS, explorerApiKey, sourcifyEnabled } from './src/deploy/explorerVerification';

dotenv.config({ quiet: true } as dotenv.DotenvConfigOptions);

// The compiler is the npm `solc` package (solcjs), pinned in package-lock.json by its integrity hash.
// Hardhat would otherwise download a native compiler, which this offline toolchain cannot do.
// The configured version below must equal the installed package's version.
const SOLC_VERSION = '0.8.30';

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  const solcPackage = require('solc/package.json') as { version: string };
  if (solcPackage.version !== SOLC_VERSION) {
    throw new Error(`npm solc is ${solcPackage.version}, hardhat.config.ts expects ${SOLC_VERSION}: run npm ci`);
  }
  const compilerPath = path.join(path.dirname(require.resolve('solc/package.json')), 'soljson.js');
  const solc = require('solc') as { version(): string };
  // solc.version() ends in ".Emscripten.clang"; Hardhat's own builds, and the explorers' compiler lists that
  // hardhat-verify's `compilerversion` must name, say "0.8.30+commit.73712a01".
  const longVersion = solc.version().replace(/\.Emscripten\.clang$/, '');
  return { compilerPath, isSolcJs: true, version: args.solcVersion, longVersion };
});

// hardhat-verify 2.x sends a single string API key to Etherscan's multichain API for every chain, ConfluxScan's
// included; it calls ConfluxScan's own API only with per-network keys. So the key's shape follows the chain being
// verified (see explorerApiKey), for `npm run verify` and `npx hardhat verify` alike.
subtask(TASK_VERIFY_ETHERSCAN, async (args, hre, runSuper) => {
  const chainId = Number(await hre.network.provider.send('eth_chainId'));
  hre.config.etherscan.apiKey = explorerApiKey(chainId, hre.config.etherscan.customChains);
  return runSuper(args);
});

/**
 * A public network whose RPC URL and deployer key come from the environment (or `.env`).
 * The variables are read lazily so that commands on other networks never need them;
 * scripts call `requireNetworkEnv` to fail with a one-line message naming the missing variable.
 */
function publicNetwork(chainId: number, rpcVar: string): NetworkUserConfig {
  const url = process.env[rpcVar] ?? '';
  const key = process.env.DEPLOYER_PRIVATE_KEY;
  return { chainId, url: url || 'http://127.0.0.1:1', accounts: key ? [key] : [] };
}

/**
 * The network of `govanchor deploy`: the node and key the command-line tool was given (GOVANCHOR_RPC_URL,
 * GOVANCHOR_PRIVATE_KEY or a decrypted --keystore). A malformed key is left out here; the tool reports it.
 */
function govanchorNetwork(): NetworkUserConfig {
  const key = process.env.GOVANCHOR_PRIVATE_KEY?.trim() ?? '';
  const accounts = /^(0x)?[0-9a-fA-F]{64}$/.test(key) ? [key.startsWith('0x') ? key : `0x${key}`] : [];
  return { url: process.env.GOVANCHOR_RPC_URL || 'http://127.0.0.1:8545', accounts };
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      // Cancun: OpenZeppelin 5.7 uses MCOPY. Sepolia has had Cancun since March 2024, and Conflux eSpace
      // implements MCOPY and TSTORE since its v3.0.0 hardfork (CIP-645). Paris would not compile OZ 5.7.
      evmVersion: 'cancun',
    },
  },
  networks: {
    hardhat: {},
    localhost: { url: process.env.LOCALHOST_RPC_URL ?? 'http://127.0.0.1:8545' },
    sepolia: publicNetwork(11155111, 'SEPOLIA_RPC_URL'),
    confluxEspaceTestnet: publicNetwork(71, 'CONFLUX_ESPACE_TESTNET_RPC_URL'),
    confluxEspace: publicNetwork(1030, 'CONFLUX_ESPACE_RPC_URL'),
    govanchor: govanchorNetwork(),
  },
  // Source verification (npm run verify -- --network <name>): Etherscan for Sepolia, ConfluxScan for Conflux eSpace.
  etherscan: { apiKey: process.env.ETHERSCAN_API_KEY ?? '', customChains: [...CONFLUXSCAN_CHAINS] },
  // Sourcify (behind Blockscout explorers) only on request: SOURCIFY_VERIFY=true.
  sourcify: { enabled: sourcifyEnabled() },
  typechain: { outDir: 'typechain-types', target: 'ethers-v6' },
  gasReporter: { enabled: process.env.REPORT_GAS === 'true', outputFile: process.env.GAS_REPORT_FILE },
  mocha: { timeout: 120_000 },
};

export default config;

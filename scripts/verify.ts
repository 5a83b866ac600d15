/**
 * Verifies the source of every contract of a deployment on the network's block explorer, with hardhat-verify:
 *
 *   npm run verify -- --network sepolia                 # Etherscan (multichain API v2), ETHERSCAN_API_KEY
 *   npm run verify -- --network confluxEspaceTestnet    # ConfluxScan eSpace testnet, CONFLUXSCAN_API_KEY
 *   npm run verify -- --network confluxEspace           # ConfluxScan eSpace, CONFLUXSCAN_API_KEY
 *
 * Reads deployments/<chainId>.json (or the file named by GOVANCHOR_DEPLOYMENT) and passes each contract's address and
 * recorded constructor arguments to `verify:verify`. SOURCIFY_VERIFY=true also submits to Sourcify.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import hre from 'hardhat';
import { deploymentPath, readDeploymentRecord } from '../src/deploy/deploymentRecord';
import {
  VerifySetupError,
  checkBuildLongVersion,
  checkCompilerMatches,
  checkVerifiableNetwork,
  checkVerifySetup,
  verifyDeployment,
  verifyTargets,
} from '../src/deploy/explorerVerification';
import { NETWORK_ENV } from '../src/deploy/networkEnv';
import { explorerAddressUrl } from '../src/core/explorer';

async function main(): Promise<void> {
  const network = hre.network.name;
  const chainId = hre.network.config.chainId;
  checkVerifiableNetwork(network);
  const path = process.env.GOVANCHOR_DEPLOYMENT || deploymentPath(chainId ?? 0);
  if (!existsSync(path)) {
    const shown = relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path);
    throw new VerifySetupError(
      `no deployment record at ${shown}: deploy first ` +
        `(npm run deploy -- --network ${network}) or set GOVANCHOR_DEPLOYMENT=<file>`,
    );
  }
  const record = readDeploymentRecord(path);
  checkVerifySetup(network, chainId, record);
  const rpcVar = (NETWORK_ENV[network] ?? []).find((name) => name.endsWith('_RPC_URL'));
  if (rpcVar && !process.env[rpcVar]) {
    throw new VerifySetupError(
      `${rpcVar} is not set: network "${network}" needs it (see .env.example; put it in .env)`,
    );
  }
  checkCompilerMatches(record, hre.config.solidity.compilers[0]);
  for (const target of verifyTargets(record)) {
    const buildInfo = await hre.artifacts.getBuildInfo(target.args.contract);
    if (!buildInfo) throw new VerifySetupError(`no build of ${target.args.contract}: run npx hardhat compile`);
    checkBuildLongVersion(buildInfo.solcLongVersion);
  }

  const outcomes = await verifyDeployment(record, (task, args) => hre.run(task, args));
  console.log(`\nSource verification on ${network} (chain ${record.chainId}):`);
  for (const outcome of outcomes) {
    const status = outcome.ok ? 'verified' : `FAILED: ${outcome.error}`;
    console.log(`  ${outcome.name.padEnd(15)} ${outcome.address}  ${status}`);
    const page = explorerAddressUrl(record.chainId, outcome.address);
    if (page) console.log(`  ${''.padEnd(15)} ${page}`);
  }
  if (outcomes.some((outcome) => !outcome.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  console.error(`verify failed: ${message}`);
  process.exitCode = error instanceof VerifySetupError ? 2 : 1;
});

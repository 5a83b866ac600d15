/**
 * Deploys the govanchor suite to the selected network and writes deployments/<chainId>.json.
 *
 *   npx hardhat run scripts/deploy.ts --network localhost
 *   npx hardhat run scripts/deploy.ts --network confluxEspaceTestnet
 *
 * Optional environment: GOVANCHOR_ADMIN, GOVANCHOR_REGISTRAR (addresses; default: the deployer),
 * GOVANCHOR_ADMIN_DELAY (seconds; default two days).
 */
import hre from 'hardhat';
import { deploySuite } from '../src/deploy/deploySuite';
import { deploymentPath, writeDeploymentRecord } from '../src/deploy/deploymentRecord';
import { requireNetworkEnv } from '../src/deploy/networkEnv';

async function main(): Promise<void> {
  requireNetworkEnv(hre.network.name);
  const delay = process.env.GOVANCHOR_ADMIN_DELAY;
  const { record } = await deploySuite(hre, {
    admin: process.env.GOVANCHOR_ADMIN || undefined,
    registrar: process.env.GOVANCHOR_REGISTRAR || undefined,
    adminDelay: delay ? BigInt(delay) : undefined,
  });
  const path = deploymentPath(record.chainId);
  writeDeploymentRecord(path, record);
  console.log(`Deployed govanchor to ${record.network} (chain ${record.chainId})`);
  console.log(`  DatasetRegistry ${record.contracts.DatasetRegistry.address}`);
  console.log(`  AccessGrants    ${record.contracts.AccessGrants.address}`);
  console.log(`Wrote ${path}`);
}

main().catch((error: unknown) => {
  console.error(`deploy failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exitCode = 1;
});

/**
 * Run by `deploySuiteOnNode` as `hardhat run --network localhost`: deploys the suite with `deploySuite` and writes the
 * deployment record to GOVANCHOR_TEST_DEPLOYMENT_OUT, with Ignition's journal under GOVANCHOR_TEST_IGNITION_DIR.
 * Mocha also loads this file (it lies under test/); it then does nothing.
 */
import hre from 'hardhat';
import { deploySuite } from '../../../src/deploy/deploySuite';
import { writeDeploymentRecord } from '../../../src/deploy/deploymentRecord';

async function main(): Promise<void> {
  const out = process.env.GOVANCHOR_TEST_DEPLOYMENT_OUT;
  const ignitionDir = process.env.GOVANCHOR_TEST_IGNITION_DIR;
  if (!out || !ignitionDir)
    throw new Error('GOVANCHOR_TEST_DEPLOYMENT_OUT and GOVANCHOR_TEST_IGNITION_DIR are required');
  // Ignition keeps a journal per chain; the repository's ignition/deployments/chain-31337 may hold another node's.
  hre.config.paths.ignition = ignitionDir;
  const { record } = await deploySuite(hre);
  writeDeploymentRecord(out, record);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exitCode = 1;
  });
}

import type { HardhatRuntimeEnvironment } from 'hardhat/types';
import SuiteModule from '../../ignition/modules/Suite';
import { DEFAULT_ADMIN_DELAY } from '../../ignition/modules/DatasetRegistry';
import { AccessGrants__factory, DatasetRegistry__factory } from '../../typechain-types';
import type { AccessGrants, DatasetRegistry } from '../../typechain-types';
import { DEPLOYMENT_FORMAT, type DeployedContract, type DeploymentRecord } from './deploymentRecord';

export interface DeploySuiteParameters {
  /** Governance admin; defaults to the deployer. */
  admin?: string;
  /** First registrar; defaults to the deployer. */
  registrar?: string;
  /** Seconds a governance admin transfer waits; defaults to two days. */
  adminDelay?: bigint;
  /** Ignition deployment id (journal in `ignition/deployments/<id>`); defaults to Ignition's `chain-<chainId>`. */
  deploymentId?: string;
}

export interface DeploySuiteReturnType {
  datasetRegistry: DatasetRegistry;
  accessGrants: AccessGrants;
  record: DeploymentRecord;
}

/**
 * Deploys the suite through the Ignition modules (the one deployment path, shared by `scripts/deploy.ts`, the CLI,
 * the demo and the tests) and describes it as a deployment record. Writing the record is the caller's choice.
 * @example
 * const { datasetRegistry, record } = await deploySuite(hre);
 */
export async function deploySuite(
  hre: HardhatRuntimeEnvironment,
  parameters: DeploySuiteParameters = {},
): Promise<DeploySuiteReturnType> {
  const [deployer] = await hre.ethers.getSigners();
  if (!deployer) throw new Error(`no deployer account for network "${hre.network.name}": set its private key`);
  const moduleParameters: Record<string, string | bigint> = {};
  if (parameters.admin) moduleParameters.admin = parameters.admin;
  if (parameters.registrar) moduleParameters.registrar = parameters.registrar;
  if (parameters.adminDelay !== undefined) moduleParameters.adminDelay = parameters.adminDelay;

  const startBlock = await hre.ethers.provider.getBlockNumber();
  const deployed = await hre.ignition.deploy(SuiteModule, {
    parameters: { DatasetRegistry: moduleParameters },
    displayUi: false,
    deploymentId: parameters.deploymentId,
  });
  const datasetRegistry = DatasetRegistry__factory.connect(await deployed.datasetRegistry.getAddress(), deployer);
  const accessGrants = AccessGrants__factory.connect(await deployed.accessGrants.getAddress(), deployer);

  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  const registryAddress = await datasetRegistry.getAddress();
  const registryArgs = [
    (parameters.adminDelay ?? DEFAULT_ADMIN_DELAY).toString(),
    parameters.admin ?? deployer.address,
    parameters.registrar ?? deployer.address,
  ];
  const record: DeploymentRecord = {
    format: DEPLOYMENT_FORMAT,
    chainId,
    network: hre.network.name,
    deployer: deployer.address,
    deployedAt: new Date().toISOString(),
    compiler: {
      version: hre.config.solidity.compilers[0].version,
      settings: hre.config.solidity.compilers[0].settings,
    },
    contracts: {
      DatasetRegistry: await describe(hre, registryAddress, registryArgs, startBlock),
      AccessGrants: await describe(hre, await accessGrants.getAddress(), [registryAddress], startBlock),
    },
  };
  return { datasetRegistry, accessGrants, record };
}

/**
 * Finds the transaction that created `address`. Ignition may have deployed it in an earlier run (it resumes), so the
 * search runs backwards from the newest block to the block where this run started, then further back if needed.
 */
async function describe(
  hre: HardhatRuntimeEnvironment,
  address: string,
  constructorArguments: unknown[],
  startBlock: number,
): Promise<DeployedContract> {
  const provider = hre.ethers.provider;
  const latest = await provider.getBlockNumber();
  const lowest = Math.max(0, Math.min(startBlock, latest) - 5000);
  for (let number = latest; number >= lowest; number--) {
    const block = await provider.getBlock(number, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.to !== null) continue;
      const receipt = await provider.getTransactionReceipt(tx.hash);
      if (receipt?.contractAddress?.toLowerCase() === address.toLowerCase()) {
        return { address, transactionHash: tx.hash, blockNumber: number, constructorArguments };
      }
    }
  }
  // Found neither in this run nor in recent blocks: still record the address, which is what tools need.
  return { address, transactionHash: '', blockNumber: 0, constructorArguments };
}

/** Finding the suite's deployment for the node's chain: `--deployment <file>` or `deployments/<chainId>.json`. */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { SuiteAddresses } from '../client/connection';
import { ConfigError } from '../core/errors';
import { deploymentPath, readDeploymentRecord } from '../deploy/deploymentRecord';

export interface LoadDeploymentParameters {
  /** An explicit deployment file (`--deployment`); otherwise `deployments/<chainId>.json` under `cwd`. */
  path?: string;
  /** The node's chain id. */
  chainId: number;
  cwd?: string;
  /** If true, a missing default file returns undefined instead of failing (verification with a receipt). */
  optional?: boolean;
}

/**
 * Loads the suite's addresses for a chain.
 * @throws ConfigError if the file is missing (no deployment for this chain), unreadable or not a deployment record.
 * The chain-id comparison with the node is `createClient`'s job.
 */
export function loadDeployment({
  path,
  chainId,
  cwd = process.cwd(),
  optional,
}: LoadDeploymentParameters): SuiteAddresses | undefined {
  const file = path ?? deploymentPath(chainId, cwd);
  if (!path && !existsSync(file)) {
    if (optional) return undefined;
    throw new ConfigError(
      `no deployment for chain ${chainId}: ${relative(cwd, file) || file} not found; run \`govanchor deploy\` or pass --deployment <file>`,
    );
  }
  let record;
  try {
    record = readDeploymentRecord(file);
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
  return {
    chainId: record.chainId,
    datasetRegistry: record.contracts.DatasetRegistry.address,
    accessGrants: record.contracts.AccessGrants.address,
    startBlock: record.contracts.DatasetRegistry.blockNumber ?? 0,
    source: relative(cwd, file) || file,
  };
}

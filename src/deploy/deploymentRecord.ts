import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Format tag of `deployments/<chainId>.json`. */
export const DEPLOYMENT_FORMAT = 'govanchor-deployment/1';
/** Larger files are refused unread. */
const MAX_DEPLOYMENT_BYTES = 1024 * 1024;

/** Where one contract of the suite lives and how it got there. */
export interface DeployedContract {
  address: string;
  transactionHash: string;
  blockNumber: number;
  constructorArguments: unknown[];
}

/** The content of `deployments/<chainId>.json`: what every tool needs to find and verify the suite on a chain. */
export interface DeploymentRecord {
  format: typeof DEPLOYMENT_FORMAT;
  chainId: number;
  network: string;
  deployer: string;
  deployedAt: string;
  compiler: { version: string; settings: unknown };
  contracts: {
    DatasetRegistry: DeployedContract;
    AccessGrants: DeployedContract;
  };
}

/** The default place of a chain's deployment record, under the repository's `deployments/` folder. */
export function deploymentPath(chainId: number | bigint, root = process.cwd()): string {
  return join(root, 'deployments', `${chainId}.json`);
}

/** Writes the record atomically (temporary file, then rename), so a crash never leaves half a file. */
export function writeDeploymentRecord(path: string, record: DeploymentRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n');
  renameSync(temporary, path);
}

/**
 * Reads and checks a deployment record.
 * @throws Error with a one-line message if the file is missing, not JSON, or not a deployment record.
 */
export function readDeploymentRecord(path: string): DeploymentRecord {
  let text: string;
  try {
    // A deployment record is a few kilobytes: refuse a huge file instead of reading gigabytes.
    if (statSync(path).size > MAX_DEPLOYMENT_BYTES) {
      throw new Error(`${path} is larger than ${MAX_DEPLOYMENT_BYTES} bytes: not a govanchor deployment record`);
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new Error(`no deployment file at ${path}: deploy the suite first or pass --deployment <file>`);
  }
  let record: DeploymentRecord;
  try {
    record = JSON.parse(text) as DeploymentRecord;
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const ok =
    record?.format === DEPLOYMENT_FORMAT &&
    Number.isInteger(record.chainId) &&
    typeof record.contracts?.DatasetRegistry?.address === 'string' &&
    typeof record.contracts?.AccessGrants?.address === 'string';
  if (!ok) throw new Error(`${path} is not a govanchor deployment record (${DEPLOYMENT_FORMAT})`);
  return record;
}

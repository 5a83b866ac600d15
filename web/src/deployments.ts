/**
 * Reading a deployment record (`deployments/<chainId>.json`, format `govanchor-deployment/1`, written by
 * `src/deploy/deploymentRecord.ts`) in the browser, into the addresses the client connects to.
 */
import { getAddress, isAddress } from 'ethers';
import { ConfigError } from '../../src/core/errors';
import type { SuiteAddresses } from '../../src/client/connection';

/** The format tag of deployment records (`DEPLOYMENT_FORMAT` in src/deploy/deploymentRecord.ts, which is Node-only). */
const DEPLOYMENT_FORMAT = 'govanchor-deployment/1';

/**
 * Checks a parsed deployment record and returns the suite's addresses.
 * @param value The parsed JSON.
 * @param source Where it came from, for messages.
 * @throws ConfigError if it is not a govanchor deployment record.
 */
export function suiteFromDeploymentRecord(value: unknown, source: string): SuiteAddresses {
  const record = value as {
    format?: unknown;
    chainId?: unknown;
    contracts?: {
      DatasetRegistry?: { address?: unknown; blockNumber?: unknown };
      AccessGrants?: { address?: unknown };
    };
  } | null;
  const registry = record?.contracts?.DatasetRegistry;
  const grants = record?.contracts?.AccessGrants;
  const ok =
    record?.format === DEPLOYMENT_FORMAT &&
    Number.isSafeInteger(record.chainId) &&
    (record.chainId as number) > 0 &&
    typeof registry?.address === 'string' &&
    isAddress(registry.address) &&
    typeof grants?.address === 'string' &&
    isAddress(grants.address);
  if (!ok) throw new ConfigError(`${source} is not a govanchor deployment file (${DEPLOYMENT_FORMAT})`);
  const startBlock = Number(registry?.blockNumber);
  return {
    chainId: record?.chainId as number,
    datasetRegistry: getAddress(registry?.address as string),
    accessGrants: getAddress(grants?.address as string),
    startBlock: Number.isSafeInteger(startBlock) && startBlock >= 0 ? startBlock : 0,
    source,
  };
}

/** Reads a deployment file the reviewer picked. @throws ConfigError if it is not JSON or not a deployment record. */
export async function readDeploymentFile(file: File): Promise<SuiteAddresses> {
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch {
    throw new ConfigError(`${file.name} is not a govanchor deployment file: it is not JSON`);
  }
  return suiteFromDeploymentRecord(value, file.name);
}

import hre, { ethers } from 'hardhat';
import SuiteModule from '../ignition/modules/Suite';
import { DEFAULT_ADMIN_DELAY } from '../ignition/modules/DatasetRegistry';
import { AccessGrants__factory, DatasetRegistry__factory } from '../typechain-types';

/** The agencies every fixture registers, in registration order (so their ids are 1 and 2). */
export const STATS = {
  code: 'hunan.stats',
  name: 'Hunan Provincial Bureau of Statistics',
  uri: 'https://tjj.hunan.gov.cn',
};
export const HEALTH = {
  code: 'hunan.health',
  name: 'Hunan Provincial Health Commission',
  uri: 'https://wjw.hunan.gov.cn',
};
export const STATS_ID = 1n;
export const HEALTH_ID = 2n;

/** Solidity enums as ethers v6 returns them (uint8 → bigint). */
export const AgencyStatus = { None: 0n, Active: 1n, Suspended: 2n, Retired: 3n } as const;
export const AnchorKind = { None: 0n, File: 1n, Tree: 2n } as const;
export const RequestStatus = { None: 0n, Pending: 1n, Approved: 2n, Denied: 3n, Cancelled: 4n } as const;
export const GrantStatus = { None: 0n, Active: 1n, Revoked: 2n, Superseded: 3n } as const;

export { DEFAULT_ADMIN_DELAY };

export const DAY = 24n * 60n * 60n;

/** A deterministic, distinct SHA-256-shaped digest for test content `label`. */
export function digest(label: string): string {
  return ethers.sha256(ethers.toUtf8Bytes(label));
}

/** A deterministic address that is none of the test signers (for operators that never send a transaction). */
export function plainAddress(index: number): string {
  return ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0xa9e0000 + index), 20));
}

/**
 * The suite as deployed by the Ignition `Suite` module with its defaults: account 0 is governance admin and
 * registrar, the admin delay is two days. Contracts are re-attached with the TypeChain factories.
 */
export async function deploySuiteFixture() {
  const signers = await ethers.getSigners();
  const [governance] = signers;
  const deployed = await hre.ignition.deploy(SuiteModule, { displayUi: false });
  const registry = DatasetRegistry__factory.connect(await deployed.datasetRegistry.getAddress(), governance);
  const grants = AccessGrants__factory.connect(await deployed.accessGrants.getAddress(), governance);
  return { registry, grants, governance, signers };
}

/**
 * Two registered, active agencies:
 * - `hunan.stats` (id 1): admin account 1, operators accounts 2 and 3;
 * - `hunan.health` (id 2): admin account 4, operator account 5;
 * - account 6 is an outsider with no role; accounts 7-9 are spare (`newcomers`).
 */
export async function deployAgenciesFixture() {
  const { registry, grants, governance, signers } = await deploySuiteFixture();
  const [, statsAdmin, statsOperator, statsOperator2, healthAdmin, healthOperator, outsider, ...newcomers] = signers;

  await registry.registerAgency(STATS.code, STATS.name, STATS.uri, statsAdmin.address);
  await registry.registerAgency(HEALTH.code, HEALTH.name, HEALTH.uri, healthAdmin.address);
  await registry.connect(statsAdmin).addOperator(STATS_ID, statsOperator.address);
  await registry.connect(statsAdmin).addOperator(STATS_ID, statsOperator2.address);
  await registry.connect(healthAdmin).addOperator(HEALTH_ID, healthOperator.address);

  return {
    registry,
    grants,
    governance,
    statsAdmin,
    statsOperator,
    statsOperator2,
    healthAdmin,
    healthOperator,
    outsider,
    newcomers,
  };
}

/** A file dataset of each agency, anchored once: `hunan.stats/census-2020` and `hunan.health/clinics`. */
export const CENSUS = { key: 'hunan.stats/census-2020', hash: digest('census-2020.csv v1'), uri: 'ipfs://census-v1' };
export const CLINICS = { key: 'hunan.health/clinics', hash: digest('clinics.csv v1'), uri: 'ipfs://clinics-v1' };

/** {deployAgenciesFixture} plus one anchored file dataset per agency. */
export async function deployDatasetsFixture() {
  const base = await deployAgenciesFixture();
  const { registry, statsOperator, healthOperator } = base;
  await registry.connect(statsOperator).anchor(CENSUS.key, CENSUS.hash, AnchorKind.File, 1, CENSUS.uri);
  await registry.connect(healthOperator).anchor(CLINICS.key, CLINICS.hash, AnchorKind.File, 1, CLINICS.uri);
  const censusId = await registry.datasetIdOf(CENSUS.key);
  const clinicsId = await registry.datasetIdOf(CLINICS.key);
  return { ...base, censusId, clinicsId };
}

export type SuiteFixture = Awaited<ReturnType<typeof deploySuiteFixture>>;
export type AgenciesFixture = Awaited<ReturnType<typeof deployAgenciesFixture>>;
export type DatasetsFixture = Awaited<ReturnType<typeof deployDatasetsFixture>>;

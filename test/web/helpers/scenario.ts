/**
 * The chain state the web page's tests check against, set up on a running node through the suite's own deployment
 * code (`deploySuite`, the Ignition modules) and writing the files a reviewer would hold:
 *
 * - `hunan.stats/census-summary-2020`: v1 a preliminary copy, withdrawn; v2 the sample census file, valid;
 * - `hunan.stats/economy-2024`: v1 the sample directory as a tree, with one receipt per file;
 * - `hunan.water/reservoir-levels-2024`: v1 a file, then the agency is suspended;
 * - hunan.health is granted access to economy-2024 for 90 days; hunan.water was granted access too, then suspended.
 *
 * Run by the tests as `hardhat run test/web/helpers/scenario.ts --network localhost` with LOCALHOST_RPC_URL and
 * WEB_SCENARIO_DIR set; loading it (as mocha does) runs nothing.
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { HardhatRuntimeEnvironment } from 'hardhat/types';
import { deploySuite } from '../../../src/deploy/deploySuite';
import { AnchorKind } from '../../../src/core/anchorKind';
import { buildTreeReceipts, type AnchorRecord, type Receipt } from '../../../src/core/receipt';
import { hashDirectory } from '../../../src/node/hashDirectory';
import { hashFile } from '../../../src/node/hashFile';

const SAMPLE = join(__dirname, '..', '..', '..', 'data', 'sample');
const DAY = 24 * 60 * 60;

export const AGENCIES = {
  stats: { code: 'hunan.stats', name: 'Hunan Provincial Bureau of Statistics' },
  health: { code: 'hunan.health', name: 'Hunan Provincial Health Commission' },
  water: { code: 'hunan.water', name: 'Hunan Provincial Department of Water Resources' },
};

/** What the tests need to know about the scenario (written to `scenario.json`). */
export interface Scenario {
  chainId: number;
  registry: string;
  deploymentFile: string;
  /** The same deployment, claiming chain 71: a wrong network. */
  wrongChainDeploymentFile: string;
  census: { key: string; file: string; sha256: string; transaction: string };
  preliminary: { key: string; file: string; sha256: string; reason: string };
  economy: { key: string; dir: string; root: string; receiptsDir: string; fileCount: number; transaction: string };
  treeFile: { path: string; file: string; sha256: string };
  tampered: { file: string; sha256: string };
  /** A receipt of `treeFile`, rewritten for chain 71. */
  otherChainReceiptsDir: string;
  reservoir: { key: string; file: string; sha256: string };
  grantPurpose: string;
}

export async function setUpScenario(hre: HardhatRuntimeEnvironment, outDir: string): Promise<Scenario> {
  // Ignition keeps a journal per chain id; a fresh node reuses chain 31337, so each run journals in its own folder.
  hre.config.paths.ignition = await mkdtemp(join(tmpdir(), 'govanchor-web-ignition-'));
  const [, statsAdmin, statsOperator, healthAdmin, healthOperator, waterAdmin, waterOperator] =
    await hre.ethers.getSigners();
  const { datasetRegistry, accessGrants, record } = await deploySuite(hre);
  const registry = datasetRegistry;
  const chainId = record.chainId;
  const contract = record.contracts.DatasetRegistry.address;

  await (await registry.registerAgency(AGENCIES.stats.code, AGENCIES.stats.name, '', statsAdmin.address)).wait();
  await (await registry.registerAgency(AGENCIES.health.code, AGENCIES.health.name, '', healthAdmin.address)).wait();
  await (await registry.registerAgency(AGENCIES.water.code, AGENCIES.water.name, '', waterAdmin.address)).wait();
  const statsId = await registry.agencyIdOf(AGENCIES.stats.code);
  const healthId = await registry.agencyIdOf(AGENCIES.health.code);
  const waterId = await registry.agencyIdOf(AGENCIES.water.code);
  await (await registry.connect(statsAdmin).addOperator(statsId, statsOperator.address)).wait();
  await (await registry.connect(healthAdmin).addOperator(healthId, healthOperator.address)).wait();
  await (await registry.connect(waterAdmin).addOperator(waterId, waterOperator.address)).wait();
  const stats = registry.connect(statsOperator);
  const water = registry.connect(waterOperator);

  const filesDir = join(outDir, 'files');
  await mkdir(join(filesDir, 'tampered'), { recursive: true });

  // Census: a preliminary v1, withdrawn, and the sample file as v2.
  const censusKey = `${AGENCIES.stats.code}/census-summary-2020`;
  const censusFile = join(filesDir, 'census-summary-2020.csv');
  await copyFile(join(SAMPLE, 'census-summary-2020.csv'), censusFile);
  const preliminaryFile = join(filesDir, 'census-summary-2020-preliminary.csv');
  await writeFile(preliminaryFile, (await readFile(censusFile, 'utf8')) + 'note,preliminary count,\n');
  const preliminarySha = await hashFile(preliminaryFile);
  const censusSha = await hashFile(censusFile);
  await (await stats.anchor(censusKey, preliminarySha, AnchorKind.File, 1, '')).wait();
  const censusTx = await (
    await stats.anchor(censusKey, censusSha, AnchorKind.File, 1, 'https://data.example.org/census')
  ).wait();
  const reason = 'Superseded: final household count published as version 2';
  await (await stats.withdraw(preliminarySha, reason)).wait();

  // Economy: the sample directory as one tree version, with its receipts.
  const economyKey = `${AGENCIES.stats.code}/economy-2024`;
  const economyDir = join(SAMPLE, 'economy-2024');
  const { files, tree } = await hashDirectory(economyDir);
  const uri = 'https://data.example.org/economy-2024/';
  const treeTx = await (await stats.anchor(economyKey, tree.root, AnchorKind.Tree, files.length, uri)).wait();
  if (!treeTx) throw new Error('no receipt for the tree anchor');
  const block = await hre.ethers.provider.getBlock(treeTx.blockNumber);
  const anchorRecord: AnchorRecord = {
    chainId,
    contract,
    agency: AGENCIES.stats,
    dataset: { key: economyKey, id: (await registry.datasetIdOf(economyKey)).toLowerCase(), version: 1 },
    kind: 'tree',
    contentHash: tree.root,
    fileCount: files.length,
    uri,
    transaction: { hash: treeTx.hash, blockNumber: treeTx.blockNumber, timestamp: block?.timestamp ?? 0 },
  };
  const receiptsDir = join(outDir, 'economy-2024.receipts');
  for (const receipt of buildTreeReceipts(anchorRecord, tree)) {
    await writeJson(join(receiptsDir, ...receipt.file.path.split('/')) + '.receipt.json', receipt);
  }
  const treePath = 'quarterly/retail_sales_2024q4.csv';
  const treeFile = join(economyDir, ...treePath.split('/'));
  const tamperedFile = join(filesDir, 'tampered', 'retail_sales_2024q4.csv');
  await writeFile(tamperedFile, (await readFile(treeFile, 'utf8')).replace('152.1', '162.1'));
  const otherChainReceiptsDir = join(outDir, 'other-chain.receipts');
  const treeReceipt = JSON.parse(
    await readFile(join(receiptsDir, ...treePath.split('/')) + '.receipt.json', 'utf8'),
  ) as Receipt;
  await writeJson(join(otherChainReceiptsDir, 'retail_sales_2024q4.csv.receipt.json'), { ...treeReceipt, chainId: 71 });

  // Access: hunan.health and hunan.water may use the economy data for 90 days.
  const latest = await hre.ethers.provider.getBlock('latest');
  const expiresAt = (latest?.timestamp ?? 0) + 90 * DAY;
  const economyId = await registry.datasetIdOf(economyKey);
  const grantPurpose = 'Joint health-economy report 2025';
  await (await accessGrants.connect(statsOperator).grantAccess(economyId, healthId, expiresAt, grantPurpose)).wait();
  await (
    await accessGrants.connect(statsOperator).grantAccess(economyId, waterId, expiresAt, 'Flood risk model')
  ).wait();

  // Reservoir levels: anchored by hunan.water, which the registrar then suspends.
  const reservoirKey = `${AGENCIES.water.code}/reservoir-levels-2024`;
  const reservoirFile = join(filesDir, 'reservoir-levels-2024.csv');
  await writeFile(reservoirFile, 'reservoir,level_m,date\nDongting,31.2,2024-12-31\nZhexi,168.4,2024-12-31\n');
  const reservoirSha = await hashFile(reservoirFile);
  await (await water.anchor(reservoirKey, reservoirSha, AnchorKind.File, 1, '')).wait();
  await (await registry.suspendAgency(waterId)).wait();

  const deploymentFile = join(outDir, 'deployment.json');
  await writeJson(deploymentFile, record);
  const wrongChainDeploymentFile = join(outDir, 'deployment-chain-71.json');
  await writeJson(wrongChainDeploymentFile, { ...record, chainId: 71 });

  const scenario: Scenario = {
    chainId,
    registry: contract,
    deploymentFile,
    wrongChainDeploymentFile,
    census: { key: censusKey, file: censusFile, sha256: censusSha, transaction: censusTx?.hash ?? '' },
    preliminary: { key: censusKey, file: preliminaryFile, sha256: preliminarySha, reason },
    economy: {
      key: economyKey,
      dir: economyDir,
      root: tree.root,
      receiptsDir,
      fileCount: files.length,
      transaction: treeTx.hash,
    },
    treeFile: { path: treePath, file: treeFile, sha256: files.find((f) => f.path === treePath)?.sha256 ?? '' },
    tampered: { file: tamperedFile, sha256: await hashFile(tamperedFile) },
    otherChainReceiptsDir,
    reservoir: { key: reservoirKey, file: reservoirFile, sha256: reservoirSha },
    grantPurpose,
  };
  await writeJson(join(outDir, 'scenario.json'), scenario);
  return scenario;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(value, null, 2) + '\n');
}

if (require.main === module) {
  const outDir = process.env.WEB_SCENARIO_DIR;
  if (!outDir) throw new Error('WEB_SCENARIO_DIR is not set');
  const hre = require('hardhat') as HardhatRuntimeEnvironment;
  setUpScenario(hre, outDir).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

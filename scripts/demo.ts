/**
 * The main story on the in-process Hardhat chain (`npm run demo`): deploy the suite, register two agencies,
 * anchor a directory as one tree version and a single file, grant access for 90 days, verify a file of the tree
 * with its proof, show that a tampered copy fails, withdraw a version, and print a summary.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import hre from 'hardhat';
import { time } from '@nomicfoundation/hardhat-network-helpers';
import { deploySuite } from '../src/deploy/deploySuite';
import { proofFor, verifyFileProof } from '../src/core/tree';
import { hashFile } from '../src/node/hashFile';
import { hashDirectory } from '../src/node/hashDirectory';
import { AnchorKind } from '../src/core/anchorKind';

const SAMPLE_DIR = join(__dirname, '..', 'data', 'sample');
const TREE_DIR = join(SAMPLE_DIR, 'economy-2024');
const SINGLE_FILE = join(SAMPLE_DIR, 'census-summary-2020.csv');
const DAY = 24 * 60 * 60;

function step(text: string): void {
  console.log(`\n== ${text}`);
}

function when(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

async function main(): Promise<void> {
  const [governance, statsAdmin, statsOperator, healthAdmin, healthOperator] = await hre.ethers.getSigners();

  step('1. Deploy the suite (Ignition modules) on the in-process chain');
  const { datasetRegistry, accessGrants, record } = await deploySuite(hre);
  console.log(`DatasetRegistry ${record.contracts.DatasetRegistry.address}`);
  console.log(`AccessGrants    ${record.contracts.AccessGrants.address}`);
  console.log(`Governance admin and registrar: ${governance.address}`);

  step('2. The registrar registers two agencies; their admins appoint operators');
  const registry = datasetRegistry.connect(governance);
  await (
    await registry.registerAgency(
      'hunan.stats',
      'Hunan Provincial Bureau of Statistics (demo)',
      'https://example.org/agencies/hunan.stats',
      statsAdmin.address,
    )
  ).wait();
  await (
    await registry.registerAgency(
      'hunan.health',
      'Hunan Provincial Health Commission (demo)',
      'https://example.org/agencies/hunan.health',
      healthAdmin.address,
    )
  ).wait();
  const statsId = await registry.agencyIdOf('hunan.stats');
  const healthId = await registry.agencyIdOf('hunan.health');
  await (await registry.connect(statsAdmin).addOperator(statsId, statsOperator.address)).wait();
  await (await registry.connect(healthAdmin).addOperator(healthId, healthOperator.address)).wait();
  console.log(`hunan.stats  = agency #${statsId}, operator ${statsOperator.address}`);
  console.log(`hunan.health = agency #${healthId}, operator ${healthOperator.address}`);

  step('3. hunan.stats anchors a directory as one tree version');
  const stats = datasetRegistry.connect(statsOperator);
  const { files, tree } = await hashDirectory(TREE_DIR);
  for (const file of files) console.log(`  ${file.sha256.slice(2)}  ${file.path}`);
  const treeKey = 'hunan.stats/economy-2024';
  const treeTx = await stats.anchor(
    treeKey,
    tree.root,
    AnchorKind.Tree,
    files.length,
    'https://data.example.org/economy-2024/',
  );
  const treeReceipt = await treeTx.wait();
  console.log(`root ${tree.root} anchored as ${treeKey} v1 (${files.length} files), gas ${treeReceipt?.gasUsed}`);

  step('4. hunan.stats anchors a single file, then a corrected second version');
  const fileKey = 'hunan.stats/census-summary-2020';
  const fileHash = await hashFile(SINGLE_FILE);
  const fileReceipt = await (await stats.anchor(fileKey, fileHash, AnchorKind.File, 1, '')).wait();
  console.log(`sha256sum ${fileHash.slice(2)} anchored as ${fileKey} v1, gas ${fileReceipt?.gasUsed}`);
  const corrected = (await readFile(SINGLE_FILE, 'utf8')) + 'note,corrected household count,\n';
  const correctedHash = '0x' + createHash('sha256').update(corrected).digest('hex');
  const datasetId = await stats.datasetIdOf(fileKey);
  const v2Receipt = await (await stats.anchorVersion(datasetId, correctedHash, AnchorKind.File, 1, '')).wait();
  console.log(`corrected copy anchored as ${fileKey} v2, gas ${v2Receipt?.gasUsed}`);
  try {
    await stats.anchor(fileKey, fileHash, AnchorKind.File, 1, '');
  } catch (error) {
    const decoded = datasetRegistry.interface.parseError((error as { data?: string }).data ?? '0x');
    console.log(`re-anchoring v1's content is refused: ${decoded?.name}(v${decoded?.args.version})`);
  }

  step('5. hunan.stats grants hunan.health access to the tree for 90 days');
  const treeDatasetId = await stats.datasetIdOf(treeKey);
  const expiresAt = (await time.latest()) + 90 * DAY;
  const grants = accessGrants.connect(statsOperator);
  await (await grants.grantAccess(treeDatasetId, healthId, expiresAt, 'Joint health-economy report 2025')).wait();
  console.log(
    `grant #1 until ${when(expiresAt)}; hunan.health has access now: ${await grants.hasAccess(treeDatasetId, healthId)}`,
  );

  step('6. A reviewer verifies one file of the tree with its proof');
  const target = files.find((file) => file.path === 'quarterly/retail_sales_2024q4.csv')!;
  const proof = proofFor(tree, target.path);
  const onChain = await datasetRegistry.isFileInTree(tree.root, target.path, target.sha256, proof);
  const offChain = verifyFileProof(tree.root, target.path, target.sha256, proof);
  const info = await datasetRegistry.lookup(tree.root);
  console.log(`${target.path}: proof of ${proof.length} hashes; on chain ${onChain}, off chain ${offChain}`);
  console.log(
    `  anchored by ${info.agencyCode} (${info.agencyName}) as v${info.version} at ${when(info.anchoredAt)}, ` +
      `withdrawn: ${info.withdrawn}`,
  );

  step('7. A tampered copy of that file fails');
  const original = await readFile(join(TREE_DIR, target.path), 'utf8');
  const tampered = original.replace('152.1', '162.1');
  const tamperedHash = '0x' + createHash('sha256').update(tampered).digest('hex');
  const tamperedOnChain = await datasetRegistry.isFileInTree(tree.root, target.path, tamperedHash, proof);
  const tamperedLookup = await datasetRegistry.lookup(tamperedHash);
  console.log(
    `tampered sha256 ${tamperedHash.slice(2)}: in tree ${tamperedOnChain}, anchored ${tamperedLookup.anchored}`,
  );
  if (!onChain || !offChain || tamperedOnChain || tamperedLookup.anchored) throw new Error('verification misbehaved');

  step('8. hunan.stats withdraws census v1 (superseded by v2)');
  await (await stats.withdraw(fileHash, 'Superseded: household count corrected in v2')).wait();
  const withdrawn = await datasetRegistry.lookup(fileHash);
  console.log(
    `v1 still readable: anchored ${withdrawn.anchored}, version ${withdrawn.version}, withdrawn ${withdrawn.withdrawn}`,
  );

  step('9. 91 days later the grant has expired');
  await time.increase(91 * DAY);
  const accessLater = await grants.hasAccess(treeDatasetId, healthId);
  console.log(`hunan.health has access: ${accessLater}`);
  if (accessLater) throw new Error('grant did not expire');

  step('Summary');
  const rows = [
    ['agencies registered', `${await registry.agencyCount()} (hunan.stats, hunan.health)`],
    [treeKey, `v1 tree of ${files.length} files, root ${tree.root.slice(0, 18)}…, valid`],
    [fileKey, 'v1 withdrawn, v2 valid'],
    ['access grant #1', `hunan.health → ${treeKey}, expired ${when(expiresAt)}`],
    ['file verified with proof', `${target.path}: yes; tampered copy: no`],
    ['chain', `${record.network} (${record.chainId}), in-process`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exitCode = 1;
});

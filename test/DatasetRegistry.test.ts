import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';
import type { ContractTransactionResponse } from 'ethers';
import type { DatasetRegistry, IDatasetRegistry } from '../typechain-types';
import { buildTree, proofFor, verifyFileProof, type FileEntry } from '../src/core/tree';
import {
  AgencyStatus,
  AnchorKind,
  CENSUS,
  CLINICS,
  HEALTH,
  HEALTH_ID,
  STATS,
  STATS_ID,
  deployAgenciesFixture,
  deployDatasetsFixture,
  digest,
} from './fixtures';
import { shouldBehaveLikeOperatorOnly } from './behaviors/RoleGated.behavior';
import { shouldRejectWritesFromInactiveAgency } from './behaviors/InactiveAgency.behavior';

type AnchorRequest = IDatasetRegistry.AnchorRequestStruct;
type VersionRequest = IDatasetRegistry.VersionRequestStruct;

const loadDatasets = () => loadFixture(deployDatasetsFixture);

/** The dataset id as the contract defines it: the first 12 bytes of keccak256(key). */
function datasetIdOf(key: string): string {
  return ethers.dataSlice(ethers.id(key), 0, 12);
}

function fileRequest(datasetKey: string, label: string, uri = ''): AnchorRequest {
  return { datasetKey, contentHash: digest(label), kind: AnchorKind.File, fileCount: 1, uri };
}

async function blockTimestamp(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await tx.wait();
  const block = await ethers.provider.getBlock(receipt!.blockNumber);
  return BigInt(block!.timestamp);
}

/** The registry's events in a transaction, decoded, in log order. */
async function eventsOf(registry: DatasetRegistry, tx: ContractTransactionResponse) {
  const receipt = await tx.wait();
  return receipt!.logs.map((log) => registry.interface.parseLog(log)!).filter((event) => event !== null);
}

function versionRequest(
  datasetId: string,
  label: string,
  kind: bigint = AnchorKind.File,
  fileCount: bigint | number = 1,
): VersionRequest {
  return { datasetId, contentHash: digest(label), kind, fileCount };
}

/** The values of one Anchored event, in the event's order. */
type AnchoredArgs = [
  contentHash: string,
  datasetId: string,
  agencyId: bigint,
  version: bigint,
  kind: bigint,
  fileCount: bigint,
  operator: string,
  uri: string,
];

/** The raw Anchored logs of a transaction (topics and data as the chain has them), in log order. */
async function anchoredLogs(registry: DatasetRegistry, tx: ContractTransactionResponse) {
  const topic = registry.interface.getEvent('Anchored').topicHash;
  const receipt = await tx.wait();
  return receipt!.logs
    .filter((log) => log.topics[0] === topic)
    .map((log) => ({ topics: [...log.topics], data: log.data }));
}

/**
 * Asserts that the transaction's Anchored logs are, byte for byte, what `emit Anchored(...)` writes for `expected`:
 * the ABI's encoding (ethers' encodeEventLog), topic 0 being the event's selector. The registry writes these logs in
 * assembly, so decoding them (which ignores padding) is not enough.
 */
async function expectAnchoredLogs(
  registry: DatasetRegistry,
  tx: ContractTransactionResponse,
  expected: AnchoredArgs[],
) {
  const logs = await anchoredLogs(registry, tx);
  expect(logs).to.have.lengthOf(expected.length);
  logs.forEach((log, i) => {
    expect(log.topics[0]).to.equal(registry.interface.getEvent('Anchored').topicHash);
    expect(log, `Anchored log ${i}`).to.deep.equal(registry.interface.encodeEventLog('Anchored', expected[i]));
  });
}

/**
 * URIs whose encodings end at every kind of word boundary (0, 1, 31, 32, 33, 64, 65 bytes), a long one and a
 * non-ASCII one; long and short alternate, so that a short one follows a long one in a batch.
 */
const URI_SIZES: string[] = [
  'https://data.example.gov/' + 'l'.repeat(1000 - 25),
  'a',
  'ipfs://' + 'q'.repeat(58),
  '',
  'ipfs://' + 'b'.repeat(26),
  'ipfs://' + 'c'.repeat(57),
  'ipfs://' + 'd'.repeat(24),
  'ipfs://' + 'e'.repeat(25),
  'https://tjj.hunan.gov.cn/统计年鉴/2023 — é ü 🙂',
];

const GDP_KEY = 'hunan.stats/gdp';
const TABLES_KEY = 'hunan.stats/tables';
const UINT32_MAX = 2n ** 32n - 1n;

/**
 * {deployDatasetsFixture} plus two more `hunan.stats` datasets, a file (`gdp`, version 1) and a tree of 12 files
 * (`tables`, version 1); the census is at version 2 (`census v2`).
 */
async function deployVersionsFixture() {
  const fixture = await deployDatasetsFixture();
  const op = fixture.registry.connect(fixture.statsOperator);
  await op.anchor(GDP_KEY, digest('gdp v1'), AnchorKind.File, 1, '');
  await op.anchor(TABLES_KEY, digest('tables v1'), AnchorKind.Tree, 12, '');
  await op.anchorVersion(fixture.censusId, digest('census v2'), AnchorKind.File, 1, '');
  return { ...fixture, gdpId: datasetIdOf(GDP_KEY), tablesId: datasetIdOf(TABLES_KEY) };
}
type VersionsFixture = Awaited<ReturnType<typeof deployVersionsFixture>>;
const loadVersions = () => loadFixture(deployVersionsFixture);

/** The version counts of the census, gdp and tables datasets. */
async function versionCounts(f: VersionsFixture): Promise<bigint[]> {
  const counts: bigint[] = [];
  for (const id of [f.censusId, f.gdpId, f.tablesId]) counts.push((await f.registry.getDataset(id)).versionCount);
  return counts;
}

/**
 * anchorVersionBatch calldata as ethers encodes it, with one 32-byte word (counted from the first word after the
 * selector) replaced: for the tests of malformed calldata, which no ABI encoder produces.
 */
function tamperedVersionBatch(
  registry: DatasetRegistry,
  requests: VersionRequest[],
  uris: string[],
  word: (words: bigint[]) => number,
  value: bigint,
): string {
  const encoded = ethers.getBytes(registry.interface.encodeFunctionData('anchorVersionBatch', [requests, uris]));
  const words = Array.from({ length: (encoded.length - 4) / 32 }, (_, i) =>
    ethers.toBigInt(encoded.slice(4 + 32 * i, 36 + 32 * i)),
  );
  encoded.set(ethers.getBytes(ethers.toBeHex(value, 32)), 4 + 32 * word(words));
  return ethers.hexlify(encoded);
}

/** A directory of five files (an odd count, so the tree is uneven) and its tree. */
const YEARBOOK_FILES: FileEntry[] = [
  { path: 'README.md', sha256: digest('readme') },
  { path: 'population/2023.csv', sha256: digest('population 2023') },
  { path: 'population/2022.csv', sha256: digest('population 2022') },
  { path: 'economy/gdp.csv', sha256: digest('gdp') },
  { path: 'economy/deep/nested/prices.csv', sha256: digest('prices') },
];
const YEARBOOK_KEY = 'hunan.stats/yearbook-2023';
const SINGLE_FILE: FileEntry[] = [{ path: 'only.csv', sha256: digest('only file') }];
const SINGLE_KEY = 'hunan.stats/single';

/**
 * {deployDatasetsFixture} plus two trees anchored by `hunan.stats` (the five-file yearbook, a one-file tree), a tree
 * never anchored, and a tree whose root was anchored as a File.
 */
async function deployTreesFixture() {
  const fixture = await deployDatasetsFixture();
  const { registry, statsOperator } = fixture;
  const yearbook = buildTree(YEARBOOK_FILES);
  const single = buildTree(SINGLE_FILE);
  const unanchored = buildTree([...YEARBOOK_FILES, { path: 'extra.csv', sha256: digest('extra') }]);
  const anchoredAsFile = buildTree([
    { path: 'a.csv', sha256: digest('a') },
    { path: 'b.csv', sha256: digest('b') },
  ]);
  await registry.connect(statsOperator).anchor(YEARBOOK_KEY, yearbook.root, AnchorKind.Tree, 5, 'ipfs://yearbook');
  await registry.connect(statsOperator).anchor(SINGLE_KEY, single.root, AnchorKind.Tree, 1, '');
  await registry.connect(statsOperator).anchor('hunan.stats/misfiled', anchoredAsFile.root, AnchorKind.File, 1, '');
  return { ...fixture, yearbook, single, unanchored, anchoredAsFile };
}

describe('DatasetRegistry', function () {
  describe('MAX_BATCH_SIZE', function () {
    it('is 256', async function () {
      const { registry } = await loadDatasets();
      expect(await registry.MAX_BATCH_SIZE()).to.equal(256n);
    });
  });

  describe('anchor', function () {
    context("when an active agency's operator anchors a new dataset", function () {
      const key = 'hunan.stats/gdp-2024';
      const hash = digest('gdp-2024.csv');

      it('returns the dataset id and version 1', async function () {
        const { registry, statsOperator } = await loadDatasets();
        const [datasetId, version] = await registry
          .connect(statsOperator)
          .anchor.staticCall(key, hash, AnchorKind.File, 1, 'ipfs://gdp');
        expect(datasetId).to.equal(datasetIdOf(key));
        expect(version).to.equal(1n);
      });

      it('emits DatasetCreated, then Anchored', async function () {
        const { registry, statsOperator } = await loadDatasets();
        const tx = await registry.connect(statsOperator).anchor(key, hash, AnchorKind.File, 1, 'ipfs://gdp');
        await expect(tx).to.emit(registry, 'DatasetCreated').withArgs(datasetIdOf(key), STATS_ID, key);
        await expect(tx)
          .to.emit(registry, 'Anchored')
          .withArgs(hash, datasetIdOf(key), STATS_ID, 1n, AnchorKind.File, 1n, statsOperator.address, 'ipfs://gdp');
        expect((await eventsOf(registry, tx)).map((event) => event.name)).to.deep.equal(['DatasetCreated', 'Anchored']);
      });

      it('stores the anchor and the dataset', async function () {
        const { registry, statsOperator } = await loadDatasets();
        const tx = await registry.connect(statsOperator).anchor(key, hash, AnchorKind.File, 1, 'ipfs://gdp');
        const timestamp = await blockTimestamp(tx);
        const anchor = await registry.getAnchor(hash);
        expect(anchor.datasetId).to.equal(datasetIdOf(key));
        expect(anchor.version).to.equal(1n);
        expect(anchor.agencyId).to.equal(STATS_ID);
        expect(anchor.anchoredAt).to.equal(timestamp);
        expect(anchor.fileCount).to.equal(1n);
        expect(anchor.kind).to.equal(AnchorKind.File);
        expect(anchor.withdrawn).to.be.false;
        const dataset = await registry.getDataset(datasetIdOf(key));
        expect(dataset.agencyId).to.equal(STATS_ID);
        expect(dataset.versionCount).to.equal(1n);
        expect(dataset.createdAt).to.equal(timestamp);
      });

      it('accepts a tree with its file count, an empty URI, and a name with slashes', async function () {
        const { registry, statsOperator } = await loadDatasets();
        const treeKey = 'hunan.stats/2024/q1/tables';
        await expect(registry.connect(statsOperator).anchor(treeKey, hash, AnchorKind.Tree, 1234, ''))
          .to.emit(registry, 'Anchored')
          .withArgs(hash, datasetIdOf(treeKey), STATS_ID, 1n, AnchorKind.Tree, 1234n, statsOperator.address, '');
        const anchor = await registry.getAnchor(hash);
        expect(anchor.kind).to.equal(AnchorKind.Tree);
        expect(anchor.fileCount).to.equal(1234n);
      });

      it('accepts a key of exactly 200 bytes', async function () {
        const { registry, statsOperator } = await loadDatasets();
        const longKey = `${STATS.code}/${'n'.repeat(200 - STATS.code.length - 1)}`;
        expect(longKey).to.have.lengthOf(200);
        await registry.connect(statsOperator).anchor(longKey, hash, AnchorKind.File, 1, '');
        expect((await registry.getDataset(datasetIdOf(longKey))).agencyId).to.equal(STATS_ID);
      });
    });

    context('when anchoring further versions of a dataset', function () {
      it('numbers them 2, 3, ... and creates the dataset only once', async function () {
        const { registry, statsOperator, statsOperator2, censusId } = await loadDatasets();
        const createdAt = (await registry.getDataset(censusId)).createdAt;
        for (const version of [2n, 3n, 4n]) {
          // Any operator of the owning agency may add a version.
          const operator = version % 2n === 0n ? statsOperator2 : statsOperator;
          const hash = digest(`census v${version}`);
          expect(
            (await registry.connect(operator).anchor.staticCall(CENSUS.key, hash, AnchorKind.File, 1, ''))[1],
          ).to.equal(version);
          const tx = await registry.connect(operator).anchor(CENSUS.key, hash, AnchorKind.File, 1, `v${version}`);
          await expect(tx)
            .to.emit(registry, 'Anchored')
            .withArgs(hash, censusId, STATS_ID, version, AnchorKind.File, 1n, operator.address, `v${version}`);
          await expect(tx).not.to.emit(registry, 'DatasetCreated');
          expect((await registry.getAnchor(hash)).version).to.equal(version);
        }
        const dataset = await registry.getDataset(censusId);
        expect(dataset.versionCount).to.equal(4n);
        expect(dataset.createdAt).to.equal(createdAt);
        expect((await registry.getAnchor(CENSUS.hash)).version).to.equal(1n);
      });
    });

    context('when the content hash is zero', function () {
      it('reverts with ZeroContentHash', async function () {
        const { registry, statsOperator } = await loadDatasets();
        await expect(
          registry.connect(statsOperator).anchor(CENSUS.key, ethers.ZeroHash, AnchorKind.File, 1, ''),
        ).to.be.revertedWithCustomError(registry, 'ZeroContentHash');
      });
    });

    context('when the content is already anchored', function () {
      it('reverts with ContentAlreadyAnchored naming the dataset and version', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        await expect(registry.connect(statsOperator).anchor(CENSUS.key, CENSUS.hash, AnchorKind.File, 1, ''))
          .to.be.revertedWithCustomError(registry, 'ContentAlreadyAnchored')
          .withArgs(CENSUS.hash, censusId, 1n);
      });

      it('names a later version where it is anchored there', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        const v2 = digest('census v2');
        await registry.connect(statsOperator).anchor(CENSUS.key, v2, AnchorKind.File, 1, '');
        await expect(registry.connect(statsOperator).anchor('hunan.stats/copy', v2, AnchorKind.File, 1, ''))
          .to.be.revertedWithCustomError(registry, 'ContentAlreadyAnchored')
          .withArgs(v2, censusId, 2n);
      });

      it("reverts for another agency too, naming the first agency's dataset", async function () {
        const { registry, healthOperator, censusId } = await loadDatasets();
        await expect(registry.connect(healthOperator).anchor(CLINICS.key, CENSUS.hash, AnchorKind.Tree, 3, ''))
          .to.be.revertedWithCustomError(registry, 'ContentAlreadyAnchored')
          .withArgs(CENSUS.hash, censusId, 1n);
      });

      it('reverts even after the version was withdrawn', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        await registry.connect(statsOperator).withdraw(CENSUS.hash, 'wrong file');
        await expect(registry.connect(statsOperator).anchor(CENSUS.key, CENSUS.hash, AnchorKind.File, 1, ''))
          .to.be.revertedWithCustomError(registry, 'ContentAlreadyAnchored')
          .withArgs(CENSUS.hash, censusId, 1n);
      });
    });

    context('when the kind and file count do not fit', function () {
      const shapes: [bigint, number][] = [
        [AnchorKind.File, 0],
        [AnchorKind.File, 2],
        [AnchorKind.Tree, 0],
        [AnchorKind.None, 0],
        [AnchorKind.None, 1],
      ];
      for (const [kind, fileCount] of shapes) {
        it(`reverts with InvalidAnchorShape for kind ${kind} with ${fileCount} files`, async function () {
          const { registry, statsOperator } = await loadDatasets();
          await expect(registry.connect(statsOperator).anchor(CENSUS.key, digest('shape'), kind, fileCount, ''))
            .to.be.revertedWithCustomError(registry, 'InvalidAnchorShape')
            .withArgs(kind, fileCount);
        });
      }
    });

    context('when a new dataset key is malformed', function () {
      const malformed: [string, string][] = [
        ['', 'empty'],
        [STATS.code, 'without a slash'],
        [`${STATS.code}/`, 'with an empty name'],
        ['/census', 'with an empty code'],
        [`${STATS.code}/${'n'.repeat(201 - STATS.code.length - 1)}`, 'of 201 bytes'],
      ];
      for (const [key, why] of malformed) {
        it(`reverts with InvalidDatasetKey for a key ${why}`, async function () {
          const { registry, statsOperator } = await loadDatasets();
          await expect(registry.connect(statsOperator).anchor(key, digest('key'), AnchorKind.File, 1, ''))
            .to.be.revertedWithCustomError(registry, 'InvalidDatasetKey')
            .withArgs(key);
        });
      }
    });

    context("when a new dataset key lies outside the agency's namespace", function () {
      const outside: [string, string][] = [
        [`${HEALTH.code}/census`, "another agency's code"],
        ['hunan.stat/census', 'a prefix of the code'],
        ['hunan.stats.extra/census', 'the code with a suffix'],
        ['Hunan.stats/census', 'the code in other case'],
        ['hunan.edu/census', 'an unregistered code'],
      ];
      for (const [key, why] of outside) {
        it(`reverts with DatasetKeyOutsideNamespace for ${why}`, async function () {
          const { registry, statsOperator } = await loadDatasets();
          await expect(registry.connect(statsOperator).anchor(key, digest('key'), AnchorKind.File, 1, ''))
            .to.be.revertedWithCustomError(registry, 'DatasetKeyOutsideNamespace')
            .withArgs(key, STATS_ID);
        });
      }
    });

    context('when the dataset exists and belongs to another agency', function () {
      it('reverts with DatasetOwnedByAnotherAgency', async function () {
        const { registry, statsOperator, clinicsId } = await loadDatasets();
        await expect(registry.connect(statsOperator).anchor(CLINICS.key, digest('clinics v2'), AnchorKind.File, 1, ''))
          .to.be.revertedWithCustomError(registry, 'DatasetOwnedByAnotherAgency')
          .withArgs(clinicsId, HEALTH_ID, STATS_ID);
      });
    });

    shouldBehaveLikeOperatorOnly(loadDatasets, (f, caller) =>
      f.registry.connect(caller).anchor(CENSUS.key, digest('census v2'), AnchorKind.File, 1, ''),
    );
  });

  describe('anchorVersion', function () {
    context("when an operator of the owning agency anchors by the dataset's id", function () {
      it('returns the next version and emits Anchored, without DatasetCreated', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        const hash = digest('census v2');
        expect(
          await registry.connect(statsOperator).anchorVersion.staticCall(censusId, hash, AnchorKind.Tree, 9, 'u'),
        ).to.equal(2n);
        const tx = await registry.connect(statsOperator).anchorVersion(censusId, hash, AnchorKind.Tree, 9, 'u');
        await expect(tx)
          .to.emit(registry, 'Anchored')
          .withArgs(hash, censusId, STATS_ID, 2n, AnchorKind.Tree, 9n, statsOperator.address, 'u');
        await expect(tx).not.to.emit(registry, 'DatasetCreated');
        expect((await registry.getDataset(censusId)).versionCount).to.equal(2n);
        const anchor = await registry.getAnchor(hash);
        expect(anchor.version).to.equal(2n);
        expect(anchor.datasetId).to.equal(censusId);
        expect(anchor.anchoredAt).to.equal(await blockTimestamp(tx));
      });

      it('shares the version sequence with anchor', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        await registry.connect(statsOperator).anchorVersion(censusId, digest('v2'), AnchorKind.File, 1, '');
        await registry.connect(statsOperator).anchor(CENSUS.key, digest('v3'), AnchorKind.File, 1, '');
        await registry.connect(statsOperator).anchorVersion(censusId, digest('v4'), AnchorKind.File, 1, '');
        expect((await registry.getAnchor(digest('v4'))).version).to.equal(4n);
        expect((await registry.getDataset(censusId)).versionCount).to.equal(4n);
      });
    });

    context('when the dataset does not exist', function () {
      it('reverts with UnknownDataset', async function () {
        const { registry, statsOperator } = await loadDatasets();
        const unknown = datasetIdOf('hunan.stats/never');
        await expect(registry.connect(statsOperator).anchorVersion(unknown, digest('x'), AnchorKind.File, 1, ''))
          .to.be.revertedWithCustomError(registry, 'UnknownDataset')
          .withArgs(unknown);
      });
    });

    context('when the dataset belongs to another agency', function () {
      it('reverts with DatasetOwnedByAnotherAgency', async function () {
        const { registry, healthOperator, censusId } = await loadDatasets();
        await expect(registry.connect(healthOperator).anchorVersion(censusId, digest('x'), AnchorKind.File, 1, ''))
          .to.be.revertedWithCustomError(registry, 'DatasetOwnedByAnotherAgency')
          .withArgs(censusId, STATS_ID, HEALTH_ID);
      });
    });

    context('when the content is zero, already anchored or of the wrong shape', function () {
      it('reverts with ZeroContentHash', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        await expect(
          registry.connect(statsOperator).anchorVersion(censusId, ethers.ZeroHash, AnchorKind.File, 1, ''),
        ).to.be.revertedWithCustomError(registry, 'ZeroContentHash');
      });

      it('reverts with ContentAlreadyAnchored', async function () {
        const { registry, statsOperator, censusId, clinicsId } = await loadDatasets();
        await expect(registry.connect(statsOperator).anchorVersion(censusId, CLINICS.hash, AnchorKind.File, 1, ''))
          .to.be.revertedWithCustomError(registry, 'ContentAlreadyAnchored')
          .withArgs(CLINICS.hash, clinicsId, 1n);
      });

      it('reverts with InvalidAnchorShape', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        await expect(registry.connect(statsOperator).anchorVersion(censusId, digest('x'), AnchorKind.Tree, 0, ''))
          .to.be.revertedWithCustomError(registry, 'InvalidAnchorShape')
          .withArgs(AnchorKind.Tree, 0n);
      });
    });

    shouldBehaveLikeOperatorOnly(loadDatasets, async (f, caller) =>
      f.registry.connect(caller).anchorVersion(f.censusId, digest('census v2'), AnchorKind.File, 1, ''),
    );
  });

  describe('anchorBatch', function () {
    context('when an operator anchors items of new and existing datasets', function () {
      const requests = (): AnchorRequest[] => [
        fileRequest(CENSUS.key, 'census v2', 'ipfs://c2'),
        fileRequest('hunan.stats/gdp', 'gdp v1', 'ipfs://g1'),
        { datasetKey: 'hunan.stats/gdp', contentHash: digest('gdp v2'), kind: AnchorKind.Tree, fileCount: 4, uri: '' },
        fileRequest(CENSUS.key, 'census v3'),
        fileRequest('hunan.stats/prices', 'prices v1'),
      ];

      it('emits one Anchored per item, in order, and DatasetCreated for each new dataset', async function () {
        const { registry, statsOperator } = await loadDatasets();
        const items = requests();
        const tx = await registry.connect(statsOperator).anchorBatch(items);
        const events = await eventsOf(registry, tx);
        expect(events.map((event) => event.name)).to.deep.equal([
          'Anchored',
          'DatasetCreated',
          'Anchored',
          'Anchored',
          'Anchored',
          'DatasetCreated',
          'Anchored',
        ]);
        const anchored = events.filter((event) => event.name === 'Anchored');
        const expectedVersions = [2n, 1n, 2n, 3n, 1n];
        anchored.forEach((event, i) => {
          expect(event.args.contentHash).to.equal(items[i].contentHash);
          expect(event.args.datasetId).to.equal(datasetIdOf(items[i].datasetKey as string));
          expect(event.args.agencyId).to.equal(STATS_ID);
          expect(event.args.version).to.equal(expectedVersions[i]);
          expect(event.args.kind).to.equal(items[i].kind);
          expect(event.args.fileCount).to.equal(items[i].fileCount);
          expect(event.args.operator).to.equal(statsOperator.address);
          expect(event.args.uri).to.equal(items[i].uri);
        });
        const created = events.filter((event) => event.name === 'DatasetCreated');
        expect(created.map((event) => event.args.datasetKey)).to.deep.equal(['hunan.stats/gdp', 'hunan.stats/prices']);
      });

      it('stores every item', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        const items = requests();
        await registry.connect(statsOperator).anchorBatch(items);
        for (const item of items) {
          const info = await registry.lookup(item.contentHash);
          expect(info.anchored).to.be.true;
          expect(info.datasetId).to.equal(datasetIdOf(item.datasetKey as string));
        }
        expect((await registry.getDataset(censusId)).versionCount).to.equal(3n);
        expect((await registry.getDataset(datasetIdOf('hunan.stats/gdp'))).versionCount).to.equal(2n);
      });
    });

    context('when the batch holds exactly MAX_BATCH_SIZE items', function () {
      it('anchors them all', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        const max = Number(await registry.MAX_BATCH_SIZE());
        const items = Array.from({ length: max }, (_, i) => fileRequest(CENSUS.key, `census item ${i}`));
        const tx = await registry.connect(statsOperator).anchorBatch(items);
        const anchored = (await eventsOf(registry, tx)).filter((event) => event.name === 'Anchored');
        expect(anchored).to.have.lengthOf(max);
        expect((await registry.getDataset(censusId)).versionCount).to.equal(BigInt(max + 1));
        expect((await registry.getAnchor(digest(`census item ${max - 1}`))).version).to.equal(BigInt(max + 1));
      });
    });

    context('when the batch size is out of range', function () {
      it('reverts with BatchSizeOutOfRange for an empty batch', async function () {
        const { registry, statsOperator } = await loadDatasets();
        await expect(registry.connect(statsOperator).anchorBatch([]))
          .to.be.revertedWithCustomError(registry, 'BatchSizeOutOfRange')
          .withArgs(0n, 256n);
      });

      it('reverts with BatchSizeOutOfRange for MAX_BATCH_SIZE + 1 items', async function () {
        const { registry, statsOperator } = await loadDatasets();
        const items = Array.from({ length: 257 }, (_, i) => fileRequest(CENSUS.key, `census item ${i}`));
        await expect(registry.connect(statsOperator).anchorBatch(items))
          .to.be.revertedWithCustomError(registry, 'BatchSizeOutOfRange')
          .withArgs(257n, 256n);
      });
    });

    context('when one item is invalid (all or nothing)', function () {
      it("reverts with a later item's ContentAlreadyAnchored and stores none of the batch", async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        const items = [
          fileRequest('hunan.stats/gdp', 'gdp v1'),
          fileRequest(CENSUS.key, 'census v2'),
          fileRequest(CENSUS.key, 'census v2'), // the same content again: it was version 2 a moment ago
        ];
        await expect(registry.connect(statsOperator).anchorBatch(items))
          .to.be.revertedWithCustomError(registry, 'ContentAlreadyAnchored')
          .withArgs(digest('census v2'), censusId, 2n);
        expect((await registry.lookup(digest('gdp v1'))).anchored).to.be.false;
        expect((await registry.lookup(digest('census v2'))).anchored).to.be.false;
        expect((await registry.getDataset(censusId)).versionCount).to.equal(1n);
        await expect(registry.getDataset(datasetIdOf('hunan.stats/gdp')))
          .to.be.revertedWithCustomError(registry, 'UnknownDataset')
          .withArgs(datasetIdOf('hunan.stats/gdp'));
      });

      it("reverts with a middle item's own error (InvalidDatasetKey, DatasetKeyOutsideNamespace, ...)", async function () {
        const { registry, statsOperator, clinicsId } = await loadDatasets();
        const cases: [AnchorRequest, string, unknown[]][] = [
          [fileRequest('hunan.stats', 'bad key'), 'InvalidDatasetKey', ['hunan.stats']],
          [fileRequest('hunan.health/x', 'outside'), 'DatasetKeyOutsideNamespace', ['hunan.health/x', STATS_ID]],
          [fileRequest(CLINICS.key, 'theirs'), 'DatasetOwnedByAnotherAgency', [clinicsId, HEALTH_ID, STATS_ID]],
          [{ ...fileRequest(CENSUS.key, 'x'), contentHash: ethers.ZeroHash }, 'ZeroContentHash', []],
          [{ ...fileRequest(CENSUS.key, 'x'), fileCount: 2 }, 'InvalidAnchorShape', [AnchorKind.File, 2n]],
        ];
        for (const [bad, error, args] of cases) {
          const items = [fileRequest('hunan.stats/gdp', 'gdp v1'), bad, fileRequest(CENSUS.key, 'census v2')];
          await expect(registry.connect(statsOperator).anchorBatch(items))
            .to.be.revertedWithCustomError(registry, error)
            .withArgs(...args);
        }
        expect((await registry.lookup(digest('gdp v1'))).anchored).to.be.false;
      });
    });

    shouldBehaveLikeOperatorOnly(loadDatasets, (f, caller) =>
      f.registry.connect(caller).anchorBatch([fileRequest(CENSUS.key, 'census v2')]),
    );
  });

  describe('anchorVersionBatch', function () {
    /**
     * Seven new versions of the three `hunan.stats` datasets of {deployVersionsFixture}, files and trees mixed, each
     * dataset several times: census 3, 4, 5; gdp 2, 3; tables 2, 3.
     */
    const mixed = (f: VersionsFixture): { items: VersionRequest[]; versions: bigint[] } => ({
      items: [
        versionRequest(f.censusId, 'census v3'),
        versionRequest(f.gdpId, 'gdp v2', AnchorKind.Tree, 5),
        versionRequest(f.censusId, 'census v4', AnchorKind.Tree, UINT32_MAX),
        versionRequest(f.tablesId, 'tables v2'),
        versionRequest(f.gdpId, 'gdp v3'),
        versionRequest(f.censusId, 'census v5', AnchorKind.Tree, 1),
        versionRequest(f.tablesId, 'tables v3', AnchorKind.Tree, 12),
      ],
      versions: [3n, 2n, 4n, 2n, 3n, 5n, 3n],
    });
    const MIXED_URIS = ['ipfs://c3', '', 'https://data.example.gov/census/v4', 'é', 'x'.repeat(32), '', '统计'];

    /** The Anchored values of item `i` of a batch sent by `operator` of hunan.stats. */
    const argsOf = (
      items: VersionRequest[],
      versions: bigint[],
      uris: string[],
      operator: string,
      agencyId = STATS_ID,
    ): AnchoredArgs[] =>
      items.map((item, i) => [
        item.contentHash as string,
        item.datasetId as string,
        agencyId,
        versions[i],
        BigInt(item.kind),
        BigInt(item.fileCount),
        operator,
        uris.length === 0 ? '' : uris[i],
      ]);

    context("when an operator anchors new versions of its agency's existing datasets", function () {
      for (const withUris of [false, true]) {
        it(`emits one Anchored per item, in order, with each dataset's next versions (${withUris ? 'with' : 'without'} URIs)`, async function () {
          const f = await loadVersions();
          const { items, versions } = mixed(f);
          const uris = withUris ? MIXED_URIS : [];
          const tx = await f.registry.connect(f.statsOperator).anchorVersionBatch(items, uris);
          const expected = argsOf(items, versions, uris, f.statsOperator.address);
          for (const args of expected)
            await expect(tx)
              .to.emit(f.registry, 'Anchored')
              .withArgs(...args);
          await expect(tx).not.to.emit(f.registry, 'DatasetCreated');
          // Only Anchored, exactly these, in item order, and byte for byte the ABI's encoding.
          expect((await eventsOf(f.registry, tx)).map((event) => event.name)).to.deep.equal(
            items.map(() => 'Anchored'),
          );
          await expectAnchoredLogs(f.registry, tx, expected);
        });
      }

      it('stores every field of every item: getAnchor, lookup and getDataset read them back', async function () {
        const f = await loadVersions();
        const { items, versions } = mixed(f);
        const createdAt = await Promise.all(
          [f.censusId, f.gdpId, f.tablesId].map(async (id) => (await f.registry.getDataset(id)).createdAt),
        );
        const tx = await f.registry.connect(f.statsOperator2).anchorVersionBatch(items, MIXED_URIS);
        const timestamp = await blockTimestamp(tx);
        for (const [i, item] of items.entries()) {
          const anchor = await f.registry.getAnchor(item.contentHash);
          expect(anchor.datasetId, `item ${i}`).to.equal(item.datasetId);
          expect(anchor.version, `item ${i}`).to.equal(versions[i]);
          expect(anchor.agencyId, `item ${i}`).to.equal(STATS_ID);
          expect(anchor.anchoredAt, `item ${i}`).to.equal(timestamp);
          expect(anchor.fileCount, `item ${i}`).to.equal(item.fileCount);
          expect(anchor.kind, `item ${i}`).to.equal(item.kind);
          expect(anchor.withdrawn, `item ${i}`).to.be.false;
          const info = await f.registry.lookup(item.contentHash);
          expect([
            info.anchored,
            info.withdrawn,
            info.datasetId,
            info.version,
            info.kind,
            info.fileCount,
            info.anchoredAt,
            info.agencyId,
            info.agencyCode,
            info.agencyName,
            info.agencyStatus,
          ]).to.deep.equal([
            true,
            false,
            item.datasetId,
            versions[i],
            item.kind,
            BigInt(item.fileCount),
            timestamp,
            STATS_ID,
            STATS.code,
            STATS.name,
            AgencyStatus.Active,
          ]);
        }
        expect(await versionCounts(f)).to.deep.equal([5n, 3n, 3n]);
        for (const [i, id] of [f.censusId, f.gdpId, f.tablesId].entries()) {
          const dataset = await f.registry.getDataset(id);
          expect(dataset.agencyId).to.equal(STATS_ID);
          expect(dataset.createdAt).to.equal(createdAt[i]);
        }
        // The records of the earlier versions are untouched.
        expect((await f.registry.getAnchor(digest('census v2'))).version).to.equal(2n);
        expect((await f.registry.getAnchor(digest('tables v1'))).fileCount).to.equal(12n);
      });

      it("anchors another agency's datasets for that agency's operator (agency id 2)", async function () {
        const { registry, healthOperator, clinicsId } = await loadVersions();
        const items = [
          versionRequest(clinicsId, 'clinics v2', AnchorKind.Tree, UINT32_MAX),
          versionRequest(clinicsId, 'clinics v3'),
        ];
        const tx = await registry.connect(healthOperator).anchorVersionBatch(items, ['a', 'b']);
        await expectAnchoredLogs(registry, tx, argsOf(items, [2n, 3n], ['a', 'b'], healthOperator.address, HEALTH_ID));
        const anchor = await registry.getAnchor(digest('clinics v2'));
        expect([anchor.agencyId, anchor.version, anchor.kind, anchor.fileCount]).to.deep.equal([
          HEALTH_ID,
          2n,
          AnchorKind.Tree,
          UINT32_MAX,
        ]);
      });

      it('emits every URI whole: lengths at and around word boundaries, 1,000 bytes, non-ASCII', async function () {
        const f = await loadVersions();
        expect(URI_SIZES.map((uri) => ethers.toUtf8Bytes(uri).length).slice(0, 8)).to.deep.equal([
          1000, 1, 65, 0, 33, 64, 31, 32,
        ]);
        const items = URI_SIZES.map((_, i) => versionRequest(f.censusId, `uri size ${i}`));
        const tx = await f.registry.connect(f.statsOperator).anchorVersionBatch(items, URI_SIZES);
        const expected = argsOf(
          items,
          items.map((_, i) => BigInt(i + 3)),
          URI_SIZES,
          f.statsOperator.address,
        );
        for (const args of expected)
          await expect(tx)
            .to.emit(f.registry, 'Anchored')
            .withArgs(...args);
        await expectAnchoredLogs(f.registry, tx, expected);
        // Reversed, so that every length follows every other one.
        const reversed = [...URI_SIZES].reverse();
        const more = reversed.map((_, i) => versionRequest(f.censusId, `uri size again ${i}`));
        const again = await f.registry.connect(f.statsOperator).anchorVersionBatch(more, reversed);
        const offset = items.length + 3;
        await expectAnchoredLogs(
          f.registry,
          again,
          argsOf(
            more,
            more.map((_, i) => BigInt(i + offset)),
            reversed,
            f.statsOperator.address,
          ),
        );
      });

      it('writes the same logs as anchorVersion item by item, byte for byte, and the same records', async function () {
        const f = await loadVersions();
        const { items } = mixed(f);
        const batch = await f.registry.connect(f.statsOperator).anchorVersionBatch(items, MIXED_URIS);
        const batchLogs = await anchoredLogs(f.registry, batch);
        const batchRecords = await Promise.all(items.map((item) => f.registry.getAnchor(item.contentHash)));
        const batchTime = await blockTimestamp(batch);

        const g = await loadVersions(); // the same chain state again, without the batch
        expect((await g.registry.getAnchor(items[0].contentHash)).anchoredAt).to.equal(0n);
        const singleLogs = [];
        for (const [i, item] of items.entries()) {
          const tx = await g.registry
            .connect(g.statsOperator)
            .anchorVersion(item.datasetId, item.contentHash, item.kind, item.fileCount, MIXED_URIS[i]);
          singleLogs.push(...(await anchoredLogs(g.registry, tx)));
          const record = await g.registry.getAnchor(item.contentHash);
          expect(record.anchoredAt).to.equal(await blockTimestamp(tx));
          expect(batchRecords[i].anchoredAt).to.equal(batchTime);
          // Every field but the time, which is each transaction's block time.
          expect([...record].slice(0, 3).concat([...record].slice(4))).to.deep.equal(
            [...batchRecords[i]].slice(0, 3).concat([...batchRecords[i]].slice(4)),
          );
        }
        expect(batchLogs).to.deep.equal(singleLogs);
        expect(await versionCounts(g)).to.deep.equal([5n, 3n, 3n]);
      });

      it('shares the version sequence with anchor and anchorVersion, and accepts a dataset whose last version was withdrawn', async function () {
        const f = await loadVersions();
        const op = f.registry.connect(f.statsOperator);
        await op.withdraw(digest('census v2'), 'wrong file');
        await op.anchorVersionBatch([versionRequest(f.censusId, 'census v3')], []);
        await op.anchor(CENSUS.key, digest('census v4'), AnchorKind.File, 1, '');
        await op.anchorVersionBatch(
          [versionRequest(f.censusId, 'census v5'), versionRequest(f.censusId, 'census v6')],
          [],
        );
        await op.anchorVersion(f.censusId, digest('census v7'), AnchorKind.File, 1, '');
        for (const version of [3, 4, 5, 6, 7]) {
          expect((await f.registry.getAnchor(digest(`census v${version}`))).version).to.equal(BigInt(version));
        }
        expect((await f.registry.getDataset(f.censusId)).versionCount).to.equal(7n);
      });
    });

    context('when the batch holds exactly MAX_BATCH_SIZE items', function () {
      it('anchors them all, with or without URIs, within the 2^24 gas cap per transaction', async function () {
        const f = await loadVersions();
        const max = Number(await f.registry.MAX_BATCH_SIZE());
        const ids = [f.censusId, f.gdpId, f.tablesId];
        const items = Array.from({ length: max }, (_, i) => versionRequest(ids[i % 3], `max item ${i}`));
        const uris = items.map((_, i) => `ipfs://item-${i}`);
        const tx = await f.registry.connect(f.statsOperator).anchorVersionBatch(items, uris);
        const logs = await anchoredLogs(f.registry, tx);
        expect(logs).to.have.lengthOf(max);
        const parsed = logs.map((log) => f.registry.interface.parseLog(log)!);
        expect(parsed.map((event) => event.args.uri)).to.deep.equal(uris);
        expect(parsed.map((event) => event.args.contentHash)).to.deep.equal(items.map((item) => item.contentHash));
        expect(await versionCounts(f)).to.deep.equal([2n + 86n, 1n + 85n, 1n + 85n]);
        expect((await f.registry.getAnchor(digest(`max item ${max - 1}`))).version).to.equal(88n);
        expect((await tx.wait())!.gasUsed).to.be.lessThan(16_777_216n);

        const same = Array.from({ length: max }, (_, i) => versionRequest(f.censusId, `max again ${i}`));
        const again = await f.registry.connect(f.statsOperator).anchorVersionBatch(same, []);
        expect(await anchoredLogs(f.registry, again)).to.have.lengthOf(max);
        expect((await f.registry.getAnchor(digest(`max again ${max - 1}`))).version).to.equal(88n + 256n);
      });
    });

    context('when every item is valid', function () {
      it('anchors them on the assembly path: an item costs ~27,500 gas, the checked path alone takes ~29,000', async function () {
        const f = await loadVersions();
        const op = f.registry.connect(f.statsOperator);
        const batch = (label: string, n: number) =>
          Array.from({ length: n }, (_, i) => versionRequest(f.censusId, `${label} ${i}`));
        const one = (await (await op.anchorVersionBatch(batch('one', 1), [])).wait())!.gasUsed;
        const hundred = (await (await op.anchorVersionBatch(batch('hundred', 100), [])).wait())!.gasUsed;
        // Each further version of the same dataset: a new anchor slot, the dataset's warm slot, the log and the
        // calldata. Were every item left to the checked Solidity path, this would be about 29,000.
        expect((hundred - one) / 99n).to.be.lessThan(28_300n);
      });
    });

    context('when the batch size is out of range', function () {
      it('reverts with BatchSizeOutOfRange(0, 256) for no items, whatever the URIs', async function () {
        const { registry, statsOperator } = await loadVersions();
        for (const uris of [[], ['ipfs://x']]) {
          await expect(registry.connect(statsOperator).anchorVersionBatch([], uris))
            .to.be.revertedWithCustomError(registry, 'BatchSizeOutOfRange')
            .withArgs(0n, 256n);
        }
      });

      it('reverts with BatchSizeOutOfRange(257, 256) for MAX_BATCH_SIZE + 1 items', async function () {
        const { registry, statsOperator, censusId } = await loadVersions();
        const items = Array.from({ length: 257 }, (_, i) => versionRequest(censusId, `census item ${i}`));
        for (const uris of [[], items.map(() => 'u')]) {
          await expect(registry.connect(statsOperator).anchorVersionBatch(items, uris))
            .to.be.revertedWithCustomError(registry, 'BatchSizeOutOfRange')
            .withArgs(257n, 256n);
        }
      });

      it('reverts with BatchSizeOutOfRange(uris, items) when `uris` is neither empty nor one per item', async function () {
        const f = await loadVersions();
        for (const [count, uriCount] of [
          [1, 2],
          [3, 1],
          [3, 2],
          [3, 4],
          [256, 255],
          [256, 257],
        ]) {
          const items = Array.from({ length: count }, (_, i) => versionRequest(f.censusId, `census item ${i}`));
          const uris = Array.from({ length: uriCount }, (_, i) => `u${i}`);
          await expect(f.registry.connect(f.statsOperator).anchorVersionBatch(items, uris))
            .to.be.revertedWithCustomError(f.registry, 'BatchSizeOutOfRange')
            .withArgs(uriCount, count);
        }
        expect(await versionCounts(f)).to.deep.equal([2n, 1n, 1n]);
      });
    });

    context('when an item cannot be anchored (all or nothing)', function () {
      /** Four good items; a bad one goes first, in the middle or last. */
      const good = (f: VersionsFixture) => [
        versionRequest(f.censusId, 'census v3'),
        versionRequest(f.gdpId, 'gdp v2', AnchorKind.Tree, 4),
        versionRequest(f.censusId, 'census v4'),
        versionRequest(f.tablesId, 'tables v2', AnchorKind.Tree, UINT32_MAX),
      ];
      const POSITIONS: [string, number][] = [
        ['first', 0],
        ['middle', 2],
        ['last', 4],
      ];

      /** Sends the batch with `bad` at each position, with and without URIs; expects `error(args)` and no effect. */
      async function expectEveryPosition(f: VersionsFixture, bad: VersionRequest, error: string, args: unknown[]) {
        const op = f.registry.connect(f.statsOperator);
        const before = await versionCounts(f);
        // anchorVersion with the same values fails alike: the batch reports the item's own error.
        await expect(op.anchorVersion(bad.datasetId, bad.contentHash, bad.kind, bad.fileCount, 'u'))
          .to.be.revertedWithCustomError(f.registry, error)
          .withArgs(...args);
        for (const [where, position] of POSITIONS) {
          const items = good(f);
          items.splice(position, 0, bad);
          for (const uris of [[], items.map((_, i) => `ipfs://item-${i}`)]) {
            await expect(op.anchorVersionBatch(items, uris), `${error} ${where}, ${uris.length} URIs`)
              .to.be.revertedWithCustomError(f.registry, error)
              .withArgs(...args);
          }
        }
        for (const item of good(f)) expect((await f.registry.getAnchor(item.contentHash)).anchoredAt).to.equal(0n);
        expect(await versionCounts(f)).to.deep.equal(before);
      }

      it('reverts with ZeroContentHash for a zero hash at the first, a middle or the last item', async function () {
        const f = await loadVersions();
        const bad = { ...versionRequest(f.censusId, 'x'), contentHash: ethers.ZeroHash };
        await expectEveryPosition(f, bad, 'ZeroContentHash', []);
      });

      const shapes: [bigint, bigint][] = [
        [AnchorKind.None, 0n],
        [AnchorKind.None, 1n],
        [AnchorKind.File, 0n],
        [AnchorKind.File, 2n],
        [AnchorKind.File, UINT32_MAX],
        [AnchorKind.Tree, 0n],
      ];
      for (const [kind, fileCount] of shapes) {
        it(`reverts with InvalidAnchorShape(${kind}, ${fileCount}) at the first, a middle or the last item`, async function () {
          const f = await loadVersions();
          const bad = versionRequest(f.gdpId, 'shape', kind, fileCount);
          await expectEveryPosition(f, bad, 'InvalidAnchorShape', [kind, fileCount]);
        });
      }

      it('reverts with ContentAlreadyAnchored for a hash on chain (any agency, withdrawn too), naming where it is', async function () {
        const f = await loadVersions();
        await f.registry.connect(f.statsOperator).withdraw(digest('tables v1'), 'wrong file');
        const cases: [string, string, bigint][] = [
          [CENSUS.hash, f.censusId, 1n],
          [digest('census v2'), f.censusId, 2n],
          [CLINICS.hash, f.clinicsId, 1n],
          [digest('tables v1'), f.tablesId, 1n],
        ];
        for (const [hash, datasetId, version] of cases) {
          const bad = { ...versionRequest(f.gdpId, 'x'), contentHash: hash };
          await expectEveryPosition(f, bad, 'ContentAlreadyAnchored', [hash, datasetId, version]);
        }
      });

      it('reverts with ContentAlreadyAnchored for a hash twice in the same batch, naming the version it was given', async function () {
        const f = await loadVersions();
        const op = f.registry.connect(f.statsOperator);
        for (const [first, duplicate] of [
          [0, 1],
          [0, 4],
          [1, 2],
          [2, 4],
          [3, 4],
        ]) {
          const items = [...good(f), versionRequest(f.gdpId, 'gdp v3')];
          // Its first occurrence got the version of its item; the second is refused, under any dataset.
          items[duplicate] = { ...items[duplicate], contentHash: items[first].contentHash };
          const versions = [3n, 2n, 4n, 2n, 3n];
          for (const uris of [[], items.map(() => 'u')]) {
            await expect(op.anchorVersionBatch(items, uris))
              .to.be.revertedWithCustomError(f.registry, 'ContentAlreadyAnchored')
              .withArgs(items[first].contentHash, items[first].datasetId, versions[first]);
          }
        }
        const twice = [versionRequest(f.censusId, 'census v3'), versionRequest(f.censusId, 'census v3')];
        await expect(op.anchorVersionBatch(twice, []))
          .to.be.revertedWithCustomError(f.registry, 'ContentAlreadyAnchored')
          .withArgs(digest('census v3'), f.censusId, 3n);
        expect((await f.registry.getAnchor(digest('census v3'))).anchoredAt).to.equal(0n);
        expect(await versionCounts(f)).to.deep.equal([2n, 1n, 1n]);
      });

      it('reverts with UnknownDataset for a dataset id never anchored (the zero id too)', async function () {
        const f = await loadVersions();
        for (const unknown of [datasetIdOf('hunan.stats/never'), '0x' + '00'.repeat(12), '0x' + 'ff'.repeat(12)]) {
          await expectEveryPosition(f, versionRequest(unknown, 'x'), 'UnknownDataset', [unknown]);
        }
      });

      it("reverts with DatasetOwnedByAnotherAgency for another agency's dataset", async function () {
        const f = await loadVersions();
        const bad = versionRequest(f.clinicsId, 'clinics v2');
        await expectEveryPosition(f, bad, 'DatasetOwnedByAnotherAgency', [f.clinicsId, HEALTH_ID, STATS_ID]);
      });

      it("checks an item's rules in anchorVersion's order, and the first failing item decides", async function () {
        const f = await loadVersions();
        const op = f.registry.connect(f.statsOperator);
        const unknown = datasetIdOf('hunan.stats/never');
        const cases: [VersionRequest, string, unknown[]][] = [
          [{ ...versionRequest(unknown, 'x'), contentHash: ethers.ZeroHash }, 'ZeroContentHash', []],
          [versionRequest(f.clinicsId, 'x', AnchorKind.Tree, 0), 'InvalidAnchorShape', [AnchorKind.Tree, 0n]],
          [
            { ...versionRequest(unknown, 'x'), contentHash: CENSUS.hash },
            'ContentAlreadyAnchored',
            [CENSUS.hash, f.censusId, 1n],
          ],
          [
            { ...versionRequest(f.clinicsId, 'x'), contentHash: CLINICS.hash },
            'ContentAlreadyAnchored',
            [CLINICS.hash, f.clinicsId, 1n],
          ],
        ];
        for (const [bad, error, args] of cases) {
          await expect(op.anchorVersionBatch([versionRequest(f.censusId, 'census v3'), bad], []))
            .to.be.revertedWithCustomError(f.registry, error)
            .withArgs(...args);
        }
        const twoBad = [
          versionRequest(f.censusId, 'census v3'),
          versionRequest(unknown, 'x'),
          versionRequest(f.gdpId, 'gdp v2'),
          { ...versionRequest(f.censusId, 'y'), contentHash: ethers.ZeroHash },
        ];
        await expect(op.anchorVersionBatch(twoBad, []))
          .to.be.revertedWithCustomError(f.registry, 'UnknownDataset')
          .withArgs(unknown);
      });
    });

    context('when the calldata is malformed (see also test/attacks/VersionBatchCalldata.test.ts)', function () {
      it("reverts without data for a URI offset that Solidity's calldata access would take as negative", async function () {
        const f = await loadVersions();
        const items = [versionRequest(f.censusId, 'census v3'), versionRequest(f.gdpId, 'gdp v2')];
        for (const offset of [2n ** 255n, 2n ** 256n - 32n, 2n ** 64n]) {
          for (const index of [0, 1]) {
            // Word 1 is the offset of `uris`; its heads follow its length word.
            const data = tamperedVersionBatch(
              f.registry,
              items,
              ['a', 'b'],
              (w) => Number(w[1] / 32n) + 1 + index,
              offset,
            );
            await expect(
              f.statsOperator.sendTransaction({ to: await f.registry.getAddress(), data }),
            ).to.be.revertedWithoutReason();
          }
        }
        expect(await versionCounts(f)).to.deep.equal([2n, 1n, 1n]);
        expect((await f.registry.getAnchor(digest('census v3'))).anchoredAt).to.equal(0n);
      });
    });

    shouldBehaveLikeOperatorOnly(loadVersions, (f, caller) =>
      f.registry.connect(caller).anchorVersionBatch([versionRequest(f.censusId, 'census v3')], []),
    );

    context('when the caller operates for no agency or an inactive one', function () {
      it('reverts with NotAnOperator or AgencyNotActive before looking at the batch', async function () {
        const f = await loadVersions();
        await expect(f.registry.connect(f.outsider).anchorVersionBatch([], ['x']))
          .to.be.revertedWithCustomError(f.registry, 'NotAnOperator')
          .withArgs(f.outsider.address);
        await f.registry.suspendAgency(STATS_ID);
        await expect(f.registry.connect(f.statsOperator).anchorVersionBatch([], []))
          .to.be.revertedWithCustomError(f.registry, 'AgencyNotActive')
          .withArgs(STATS_ID, AgencyStatus.Suspended);
      });
    });
  });

  describe('Anchored logs (written in assembly)', function () {
    it('are the ABI encoding of the event, byte for byte, from anchor, anchorVersion and anchorBatch', async function () {
      const { registry, statsOperator, censusId } = await loadDatasets();
      const op = registry.connect(statsOperator);
      const newKey = 'hunan.stats/gdp';
      const newId = datasetIdOf(newKey);
      let tx = await op.anchor(newKey, digest('gdp v1'), AnchorKind.File, 1, 'ipfs://gdp');
      await expectAnchoredLogs(registry, tx, [
        [digest('gdp v1'), newId, STATS_ID, 1n, AnchorKind.File, 1n, statsOperator.address, 'ipfs://gdp'],
      ]);
      tx = await op.anchor(CENSUS.key, digest('census v2'), AnchorKind.Tree, 2n ** 32n - 1n, '');
      await expectAnchoredLogs(registry, tx, [
        [digest('census v2'), censusId, STATS_ID, 2n, AnchorKind.Tree, 2n ** 32n - 1n, statsOperator.address, ''],
      ]);
      tx = await op.anchorVersion(censusId, digest('census v3'), AnchorKind.Tree, 7, 'u');
      await expectAnchoredLogs(registry, tx, [
        [digest('census v3'), censusId, STATS_ID, 3n, AnchorKind.Tree, 7n, statsOperator.address, 'u'],
      ]);
      tx = await op.anchorBatch([fileRequest('hunan.stats/prices', 'prices v1', 'p'), fileRequest(newKey, 'gdp v2')]);
      await expectAnchoredLogs(registry, tx, [
        [
          digest('prices v1'),
          datasetIdOf('hunan.stats/prices'),
          STATS_ID,
          1n,
          AnchorKind.File,
          1n,
          statsOperator.address,
          'p',
        ],
        [digest('gdp v2'), newId, STATS_ID, 2n, AnchorKind.File, 1n, statsOperator.address, ''],
      ]);
    });

    it("carry the dataset id right-padded with zeros as topic 2 (a new dataset's id is cut from keccak256 of its key)", async function () {
      const { registry, statsOperator, censusId } = await loadDatasets();
      const op = registry.connect(statsOperator);
      await op.anchor('hunan.stats/gdp', digest('gdp v1'), AnchorKind.File, 1, '');
      await op.anchorBatch([fileRequest('hunan.stats/gdp', 'gdp v2'), fileRequest(CENSUS.key, 'census v2')]);
      await op.anchorVersion(censusId, digest('census v3'), AnchorKind.File, 1, '');
      const versionsOf = async (datasetId: string) => {
        const filter = registry.filters.Anchored(undefined, datasetId);
        return (await registry.queryFilter(filter)).map((event) => event.args.version);
      };
      // Filtering by topic, as explorers and eth_getLogs do, finds every version however it was anchored.
      expect(await versionsOf(datasetIdOf('hunan.stats/gdp'))).to.deep.equal([1n, 2n]);
      expect(await versionsOf(censusId)).to.deep.equal([1n, 2n, 3n]);
      const logs = await ethers.provider.getLogs({
        address: await registry.getAddress(),
        topics: [registry.interface.getEvent('Anchored').topicHash],
        fromBlock: 0,
      });
      for (const log of logs) expect(ethers.dataSlice(log.topics[2], 12)).to.equal(ethers.ZeroHash.slice(0, 42));
    });

    it('encode URIs of every length at and around word boundaries, long and non-ASCII ones, in one batch', async function () {
      const { registry, statsOperator, censusId } = await loadDatasets();
      expect(URI_SIZES.map((uri) => ethers.toUtf8Bytes(uri).length).slice(0, 8)).to.deep.equal([
        1000, 1, 65, 0, 33, 64, 31, 32,
      ]);
      const items = URI_SIZES.map((uri, i) => fileRequest(CENSUS.key, `uri size ${i}`, uri));
      const tx = await registry.connect(statsOperator).anchorBatch(items);
      await expectAnchoredLogs(
        registry,
        tx,
        items.map((item, i): AnchoredArgs => [
          item.contentHash as string,
          censusId,
          STATS_ID,
          BigInt(i + 2),
          AnchorKind.File,
          1n,
          statsOperator.address,
          item.uri as string,
        ]),
      );
    });
  });

  describe('withdraw', function () {
    context('when an operator of the owning agency withdraws a version', function () {
      it('emits AnchorWithdrawn with the reason', async function () {
        const { registry, statsOperator2, censusId } = await loadDatasets();
        await expect(registry.connect(statsOperator2).withdraw(CENSUS.hash, 'superseded by the corrected file'))
          .to.emit(registry, 'AnchorWithdrawn')
          .withArgs(CENSUS.hash, censusId, STATS_ID, 1n, statsOperator2.address, 'superseded by the corrected file');
      });

      it('marks it withdrawn and keeps everything else readable', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        const before = await registry.getAnchor(CENSUS.hash);
        await registry.connect(statsOperator).withdraw(CENSUS.hash, 'wrong file');
        const after = await registry.getAnchor(CENSUS.hash);
        expect(after.withdrawn).to.be.true;
        expect([
          after.datasetId,
          after.version,
          after.agencyId,
          after.anchoredAt,
          after.fileCount,
          after.kind,
        ]).to.deep.equal([
          before.datasetId,
          before.version,
          before.agencyId,
          before.anchoredAt,
          before.fileCount,
          before.kind,
        ]);
        const info = await registry.lookup(CENSUS.hash);
        expect(info.anchored).to.be.true;
        expect(info.withdrawn).to.be.true;
        expect(info.datasetId).to.equal(censusId);
        expect((await registry.getDataset(censusId)).versionCount).to.equal(1n);
      });

      it('leaves the dataset open for further versions', async function () {
        const { registry, statsOperator, censusId } = await loadDatasets();
        await registry.connect(statsOperator).withdraw(CENSUS.hash, 'wrong file');
        await registry.connect(statsOperator).anchor(CENSUS.key, digest('census fixed'), AnchorKind.File, 1, '');
        expect((await registry.getAnchor(digest('census fixed'))).version).to.equal(2n);
        expect((await registry.getDataset(censusId)).versionCount).to.equal(2n);
      });
    });

    context('when the version is already withdrawn', function () {
      it('reverts with AnchorAlreadyWithdrawn', async function () {
        const { registry, statsOperator } = await loadDatasets();
        await registry.connect(statsOperator).withdraw(CENSUS.hash, 'wrong file');
        await expect(registry.connect(statsOperator).withdraw(CENSUS.hash, 'again'))
          .to.be.revertedWithCustomError(registry, 'AnchorAlreadyWithdrawn')
          .withArgs(CENSUS.hash);
      });
    });

    context('when the content hash was never anchored', function () {
      it('reverts with UnknownContentHash', async function () {
        const { registry, statsOperator } = await loadDatasets();
        const unknown = digest('never anchored');
        await expect(registry.connect(statsOperator).withdraw(unknown, 'reason'))
          .to.be.revertedWithCustomError(registry, 'UnknownContentHash')
          .withArgs(unknown);
      });
    });

    context("when the caller operates for another agency than the version's owner", function () {
      it('reverts with DatasetOwnedByAnotherAgency', async function () {
        const { registry, healthOperator, censusId } = await loadDatasets();
        await expect(registry.connect(healthOperator).withdraw(CENSUS.hash, 'not ours'))
          .to.be.revertedWithCustomError(registry, 'DatasetOwnedByAnotherAgency')
          .withArgs(censusId, STATS_ID, HEALTH_ID);
      });
    });

    context('when the reason is empty', function () {
      it('reverts with EmptyReason', async function () {
        const { registry, statsOperator } = await loadDatasets();
        await expect(registry.connect(statsOperator).withdraw(CENSUS.hash, '')).to.be.revertedWithCustomError(
          registry,
          'EmptyReason',
        );
      });
    });

    shouldBehaveLikeOperatorOnly(loadDatasets, (f, caller) =>
      f.registry.connect(caller).withdraw(CENSUS.hash, 'wrong file'),
    );
  });

  describe('removeOperator (key rotation)', function () {
    context('when the operator who anchored a version is removed', function () {
      it('keeps the old anchors valid and lets the remaining operators carry on', async function () {
        const { registry, statsAdmin, statsOperator, statsOperator2, newcomers, censusId } = await loadDatasets();
        const infoBefore = await registry.lookup(CENSUS.hash);
        await registry.connect(statsAdmin).removeOperator(STATS_ID, statsOperator.address);

        const info = await registry.lookup(CENSUS.hash);
        expect(info.anchored).to.be.true;
        expect(info.withdrawn).to.be.false;
        expect(info.agencyId).to.equal(STATS_ID);
        expect(info.anchoredAt).to.equal(infoBefore.anchoredAt);

        await expect(registry.connect(statsOperator).anchor(CENSUS.key, digest('v2'), AnchorKind.File, 1, ''))
          .to.be.revertedWithCustomError(registry, 'NotAnOperator')
          .withArgs(statsOperator.address);

        // A new key takes over: it adds versions and can withdraw what the old key anchored.
        const [rotated] = newcomers;
        await registry.connect(statsAdmin).addOperator(STATS_ID, rotated.address);
        await expect(registry.connect(rotated).anchorVersion(censusId, digest('v2'), AnchorKind.File, 1, ''))
          .to.emit(registry, 'Anchored')
          .withArgs(digest('v2'), censusId, STATS_ID, 2n, AnchorKind.File, 1n, rotated.address, '');
        await expect(registry.connect(statsOperator2).withdraw(CENSUS.hash, 'rotated'))
          .to.emit(registry, 'AnchorWithdrawn')
          .withArgs(CENSUS.hash, censusId, STATS_ID, 1n, statsOperator2.address, 'rotated');
      });
    });
  });

  shouldRejectWritesFromInactiveAgency('the anchoring agency', deployDatasetsFixture, STATS_ID, [
    {
      description: 'anchor (new dataset)',
      send: (f) => f.registry.connect(f.statsOperator).anchor('hunan.stats/new', digest('new'), AnchorKind.File, 1, ''),
    },
    {
      description: 'anchor (next version)',
      send: (f) => f.registry.connect(f.statsOperator2).anchor(CENSUS.key, digest('v2'), AnchorKind.File, 1, ''),
    },
    {
      description: 'anchorVersion',
      send: (f) => f.registry.connect(f.statsOperator).anchorVersion(f.censusId, digest('v2'), AnchorKind.File, 1, ''),
    },
    {
      description: 'anchorBatch',
      send: (f) => f.registry.connect(f.statsOperator).anchorBatch([fileRequest(CENSUS.key, 'v2')]),
    },
    {
      description: 'anchorVersionBatch',
      send: (f) =>
        f.registry
          .connect(f.statsOperator2)
          .anchorVersionBatch([versionRequest(f.censusId, 'v2'), versionRequest(f.censusId, 'v3')], ['a', 'b']),
    },
    {
      description: 'withdraw',
      send: (f) => f.registry.connect(f.statsOperator).withdraw(CENSUS.hash, 'wrong file'),
    },
  ]);

  describe('lookup', function () {
    context('when the content hash is anchored', function () {
      it('returns everything about it, with named fields', async function () {
        const { registry, statsOperator } = await loadDatasets();
        const key = 'hunan.stats/tables';
        const hash = digest('tables root');
        const tx = await registry.connect(statsOperator).anchor(key, hash, AnchorKind.Tree, 12, 'ipfs://tables');
        const info = await registry.lookup(hash);
        expect(info.anchored).to.be.true;
        expect(info.withdrawn).to.be.false;
        expect(info.datasetId).to.equal(datasetIdOf(key));
        expect(info.version).to.equal(1n);
        expect(info.kind).to.equal(AnchorKind.Tree);
        expect(info.fileCount).to.equal(12n);
        expect(info.anchoredAt).to.equal(await blockTimestamp(tx));
        expect(info.agencyId).to.equal(STATS_ID);
        expect(info.agencyCode).to.equal(STATS.code);
        expect(info.agencyName).to.equal(STATS.name);
        expect(info.agencyStatus).to.equal(AgencyStatus.Active);
      });

      it("names the owning agency, whichever agency's hash it is", async function () {
        const { registry, clinicsId } = await loadDatasets();
        const info = await registry.lookup(CLINICS.hash);
        expect(info.datasetId).to.equal(clinicsId);
        expect(info.agencyId).to.equal(HEALTH_ID);
        expect(info.agencyCode).to.equal(HEALTH.code);
        expect(info.agencyName).to.equal(HEALTH.name);
      });
    });

    context("when the agency's status or name changed since", function () {
      it("shows the agency's current status and name", async function () {
        const { registry, statsAdmin } = await loadDatasets();
        await registry.suspendAgency(STATS_ID);
        expect((await registry.lookup(CENSUS.hash)).agencyStatus).to.equal(AgencyStatus.Suspended);
        await registry.connect(statsAdmin).updateAgencyMetadata(STATS_ID, 'Renamed bureau', '');
        expect((await registry.lookup(CENSUS.hash)).agencyName).to.equal('Renamed bureau');
        await registry.retireAgency(STATS_ID);
        const info = await registry.lookup(CENSUS.hash);
        expect(info.anchored).to.be.true;
        expect(info.agencyStatus).to.equal(AgencyStatus.Retired);
        expect(info.agencyCode).to.equal(STATS.code);
      });
    });

    context('when the content hash was never anchored', function () {
      it('returns anchored false and empty fields', async function () {
        const { registry } = await loadDatasets();
        for (const hash of [digest('never anchored'), ethers.ZeroHash]) {
          const info = await registry.lookup(hash);
          expect(info.anchored).to.be.false;
          expect(info.withdrawn).to.be.false;
          expect(info.datasetId).to.equal('0x' + '00'.repeat(12));
          expect(info.version).to.equal(0n);
          expect(info.kind).to.equal(AnchorKind.None);
          expect(info.fileCount).to.equal(0n);
          expect(info.anchoredAt).to.equal(0n);
          expect(info.agencyId).to.equal(0n);
          expect(info.agencyCode).to.equal('');
          expect(info.agencyName).to.equal('');
          expect(info.agencyStatus).to.equal(AgencyStatus.None);
        }
      });
    });
  });

  describe('getAnchor', function () {
    it('returns an all-zero record for a hash never anchored', async function () {
      const { registry } = await loadDatasets();
      const anchor = await registry.getAnchor(digest('never anchored'));
      expect(anchor.anchoredAt).to.equal(0n);
      expect(anchor.agencyId).to.equal(0n);
      expect(anchor.version).to.equal(0n);
      expect(anchor.kind).to.equal(AnchorKind.None);
    });
  });

  describe('getDataset', function () {
    context('when the dataset exists', function () {
      it('returns its owner, version count and creation time', async function () {
        const { registry, clinicsId } = await loadDatasets();
        const dataset = await registry.getDataset(clinicsId);
        expect(dataset.agencyId).to.equal(HEALTH_ID);
        expect(dataset.versionCount).to.equal(1n);
        expect(dataset.createdAt).to.equal((await registry.getAnchor(CLINICS.hash)).anchoredAt);
      });
    });

    context('when the dataset does not exist', function () {
      it('reverts with UnknownDataset', async function () {
        const { registry } = await loadDatasets();
        const unknown = datasetIdOf('hunan.stats/never');
        await expect(registry.getDataset(unknown))
          .to.be.revertedWithCustomError(registry, 'UnknownDataset')
          .withArgs(unknown);
      });
    });
  });

  describe('datasetIdOf', function () {
    it('is the first 12 bytes of keccak256 of the key', async function () {
      const { registry } = await loadFixture(deployAgenciesFixture);
      for (const key of [CENSUS.key, CLINICS.key, '', 'any string at all']) {
        expect(await registry.datasetIdOf(key)).to.equal(datasetIdOf(key));
      }
      expect(await registry.datasetIdOf('hunan.stats/a')).not.to.equal(await registry.datasetIdOf('hunan.stats/b'));
    });
  });

  describe('isFileInTree', function () {
    const loadTrees = () => loadFixture(deployTreesFixture);

    context('when a tree built by src/core/tree.ts is anchored', function () {
      it('proves every file of the tree', async function () {
        const { registry, yearbook } = await loadTrees();
        for (const file of YEARBOOK_FILES) {
          const proof = proofFor(yearbook, file.path);
          expect(await registry.isFileInTree(yearbook.root, file.path, file.sha256, proof)).to.be.true;
        }
      });

      it('proves the file of a one-file tree, whose proof is empty', async function () {
        const { registry, single } = await loadTrees();
        const [file] = SINGLE_FILE;
        expect(proofFor(single, file.path)).to.deep.equal([]);
        expect(await registry.isFileInTree(single.root, file.path, file.sha256, [])).to.be.true;
      });

      it('agrees with the off-chain verifier', async function () {
        const { registry, yearbook } = await loadTrees();
        const [file] = YEARBOOK_FILES;
        const proof = proofFor(yearbook, file.path);
        expect(verifyFileProof(yearbook.root, file.path, file.sha256, proof)).to.be.true;
        expect(await registry.isFileInTree(yearbook.root, file.path, file.sha256, proof)).to.be.true;
        expect(verifyFileProof(yearbook.root, file.path, digest('tampered'), proof)).to.be.false;
        expect(await registry.isFileInTree(yearbook.root, file.path, digest('tampered'), proof)).to.be.false;
      });

      it('still proves files after the tree was withdrawn (lookup tells the status)', async function () {
        const { registry, statsOperator, yearbook } = await loadTrees();
        await registry.connect(statsOperator).withdraw(yearbook.root, 'replaced');
        const [file] = YEARBOOK_FILES;
        expect(await registry.isFileInTree(yearbook.root, file.path, file.sha256, proofFor(yearbook, file.path))).to.be
          .true;
        expect((await registry.lookup(yearbook.root)).withdrawn).to.be.true;
      });
    });

    context('when the file hash is tampered with', function () {
      it('returns false', async function () {
        const { registry, yearbook } = await loadTrees();
        for (const file of YEARBOOK_FILES) {
          const proof = proofFor(yearbook, file.path);
          const tampered = ethers.toBeHex(BigInt(file.sha256) ^ 1n, 32);
          expect(await registry.isFileInTree(yearbook.root, file.path, tampered, proof)).to.be.false;
        }
      });
    });

    context('when the path is wrong', function () {
      it("returns false for another file's path, a ./ prefix, other case or separators", async function () {
        const { registry, yearbook } = await loadTrees();
        const file = YEARBOOK_FILES[1]; // population/2023.csv
        const proof = proofFor(yearbook, file.path);
        for (const path of [
          'population/2022.csv',
          './population/2023.csv',
          'Population/2023.csv',
          'population\\2023.csv',
        ]) {
          expect(await registry.isFileInTree(yearbook.root, path, file.sha256, proof)).to.be.false;
        }
      });
    });

    context('when the proof is wrong', function () {
      it("returns false for another file's proof, an empty proof, an altered or truncated proof", async function () {
        const { registry, yearbook } = await loadTrees();
        const file = YEARBOOK_FILES[0];
        const proof = proofFor(yearbook, file.path);
        expect(proof.length).to.be.greaterThan(1);
        const altered = [ethers.toBeHex(BigInt(proof[0]) ^ 1n, 32), ...proof.slice(1)];
        const proofs = [
          proofFor(yearbook, YEARBOOK_FILES[3].path),
          [],
          altered,
          proof.slice(0, -1),
          [...proof, proof[0]],
        ];
        for (const wrong of proofs) {
          expect(await registry.isFileInTree(yearbook.root, file.path, file.sha256, wrong)).to.be.false;
        }
      });
    });

    context('when the root is not anchored', function () {
      it('returns false even though the proof is valid off-chain', async function () {
        const { registry, unanchored } = await loadTrees();
        const file = YEARBOOK_FILES[0];
        const proof = proofFor(unanchored, file.path);
        expect(verifyFileProof(unanchored.root, file.path, file.sha256, proof)).to.be.true;
        expect(await registry.isFileInTree(unanchored.root, file.path, file.sha256, proof)).to.be.false;
      });
    });

    context('when the root is anchored as a File, not a Tree', function () {
      it('returns false even though the proof is valid off-chain', async function () {
        const { registry, anchoredAsFile } = await loadTrees();
        expect((await registry.lookup(anchoredAsFile.root)).kind).to.equal(AnchorKind.File);
        const proof = proofFor(anchoredAsFile, 'a.csv');
        expect(verifyFileProof(anchoredAsFile.root, 'a.csv', digest('a'), proof)).to.be.true;
        expect(await registry.isFileInTree(anchoredAsFile.root, 'a.csv', digest('a'), proof)).to.be.false;
      });
    });

    context('when the root is that of another anchored tree', function () {
      it('returns false', async function () {
        const { registry, yearbook, single } = await loadTrees();
        const file = YEARBOOK_FILES[2];
        expect(await registry.isFileInTree(single.root, file.path, file.sha256, proofFor(yearbook, file.path))).to.be
          .false;
      });
    });
  });
});

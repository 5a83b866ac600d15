/**
 * Attack tests: hand-built calldata for anchorVersionBatch, whose hot loop reads calldata in assembly. Its items are
 * static words (bytes12 datasetId, bytes32 contentHash, uint8 kind, uint32 fileCount) and its URIs a separate
 * string[]; a caller can send any bytes, not only what an ABI encoder writes. Every word that is not a valid
 * encoding (dirty upper bits, out-of-range enums and integers, offsets and lengths past the calldata or "negative")
 * must make the whole batch revert, wherever the item is, and record nothing: never an item anchored with a value
 * the caller did not encode. Encodings that are unusual but valid (shared tails, dirty padding, trailing bytes) are
 * decoded as Solidity decodes them, and the logs stay the ABI's encoding byte for byte.
 */
import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture, takeSnapshot, time } from '@nomicfoundation/hardhat-network-helpers';
import type { ContractTransactionResponse, TransactionResponse } from 'ethers';
import type { IDatasetRegistry } from '../../typechain-types';
import { AnchorKind, CENSUS, STATS_ID, digest } from '../fixtures';
import { attackFixture } from './helpers';

type VersionRequest = IDatasetRegistry.VersionRequestStruct;

const UINT32_MAX = 2n ** 32n - 1n;
const UINT40_MAX = 2n ** 40n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const UINT256_MAX = 2n ** 256n - 1n;

/** The attack fixture plus a second dataset of hunan.stats (`gdp`, version 1); the census is at version 1. */
async function versionBatchFixture() {
  const f = await attackFixture();
  await f.registry.connect(f.statsOperator).anchor('hunan.stats/gdp', digest('gdp v1'), AnchorKind.File, 1, '');
  const censusId = await f.registry.datasetIdOf(CENSUS.key);
  const gdpId = await f.registry.datasetIdOf('hunan.stats/gdp');
  return { ...f, censusId, gdpId };
}
type Fixture = Awaited<ReturnType<typeof versionBatchFixture>>;

/** Three valid new versions: census 2, gdp 2 (a tree), census 3. */
function items(f: Fixture): VersionRequest[] {
  return [
    { datasetId: f.censusId, contentHash: digest('census v2'), kind: AnchorKind.File, fileCount: 1 },
    { datasetId: f.gdpId, contentHash: digest('gdp v2'), kind: AnchorKind.Tree, fileCount: 3 },
    { datasetId: f.censusId, contentHash: digest('census v3'), kind: AnchorKind.File, fileCount: 1 },
  ];
}
const URIS = ['ipfs://census-v2', 'https://data.example.gov/gdp/v2/', 'c'];
const POSITIONS = [0, 1, 2];

/** The ABI encoding of anchorVersionBatch's arguments, as 32-byte words (after the selector). */
function encode(f: Fixture, requests: VersionRequest[], uris: string[]): bigint[] {
  const data = ethers.getBytes(f.registry.interface.encodeFunctionData('anchorVersionBatch', [requests, uris]));
  return Array.from({ length: (data.length - 4) / 32 }, (_, i) => ethers.toBigInt(data.slice(4 + 32 * i, 36 + 32 * i)));
}

/** Where things are in those words. */
const at = {
  /** Field `k` (0 datasetId, 1 contentHash, 2 kind, 3 fileCount) of item `i`. */
  field: (w: bigint[], i: number, k: number) => Number(w[0] / 32n) + 1 + 4 * i + k,
  requestsLength: (w: bigint[]) => Number(w[0] / 32n),
  urisLength: (w: bigint[]) => Number(w[1] / 32n),
  /** The head of `uris[i]`: its offset from the start of the heads. */
  uriHead: (w: bigint[], i: number) => Number(w[1] / 32n) + 1 + i,
  /** The length word of `uris[i]`. */
  uriLength: (w: bigint[], i: number) => Number(w[1] / 32n) + 1 + Number(w[Number(w[1] / 32n) + 1 + i] / 32n),
};

function calldata(f: Fixture, words: bigint[], trailing = '0x'): string {
  const selector = f.registry.interface.getFunction('anchorVersionBatch').selector;
  return ethers.concat([selector, ...words.map((word) => ethers.toBeHex(word, 32)), trailing]);
}

function withWord(words: bigint[], index: number, value: bigint): bigint[] {
  const copy = [...words];
  copy[index] = value;
  return copy;
}

function send(f: Fixture, data: string): Promise<TransactionResponse> {
  return f.statsOperator.sendTransaction({ to: f.registryAddress, data });
}

/** Nothing of the batch is on chain: no item anchored, the version counts as in the fixture. */
async function expectNothingRecorded(f: Fixture) {
  for (const item of items(f)) expect((await f.registry.getAnchor(item.contentHash)).anchoredAt).to.equal(0n);
  expect((await f.registry.getDataset(f.censusId)).versionCount).to.equal(1n);
  expect((await f.registry.getDataset(f.gdpId)).versionCount).to.equal(1n);
}

/** The batch's Anchored logs are exactly `emit Anchored(...)` of the three items with these URIs. */
async function expectAnchoredAsEncoded(
  f: Fixture,
  tx: TransactionResponse | ContractTransactionResponse,
  uris: string[],
) {
  const topic = f.registry.interface.getEvent('Anchored').topicHash;
  const logs = (await tx.wait())!.logs.filter((log) => log.topics[0] === topic);
  const versions = [2n, 2n, 3n];
  const expected = items(f).map((item, i) =>
    f.registry.interface.encodeEventLog('Anchored', [
      item.contentHash,
      item.datasetId,
      STATS_ID,
      versions[i],
      item.kind,
      item.fileCount,
      f.statsOperator.address,
      uris[i],
    ]),
  );
  expect(logs.map((log) => ({ topics: [...log.topics], data: log.data }))).to.deep.equal(expected);
  for (const [i, item] of items(f).entries()) {
    expect((await f.registry.getAnchor(item.contentHash)).version).to.equal(versions[i]);
  }
}

describe('Attack: malformed calldata for anchorVersionBatch', function () {
  it('the untampered calldata is accepted, with and without URIs (the baseline of every test below)', async function () {
    const f = await loadFixture(versionBatchFixture);
    const tx = await send(f, calldata(f, encode(f, items(f), URIS)));
    await expectAnchoredAsEncoded(f, tx, URIS);
    const g = await loadFixture(versionBatchFixture);
    await expectAnchoredAsEncoded(g, await send(g, calldata(g, encode(g, items(g), []))), ['', '', '']);
  });

  describe('item words that are no valid encoding: the whole batch reverts, wherever the item is', function () {
    it('a datasetId (bytes12) with any of its low 20 bytes set, though its 12 bytes name an own dataset', async function () {
      const f = await loadFixture(versionBatchFixture);
      const dirt = [1n, 1n << 159n, (1n << 160n) - 1n, 0xdeadbeefn << 64n];
      for (const uris of [[], URIS]) {
        const words = encode(f, items(f), uris);
        for (const i of POSITIONS) {
          for (const bits of dirt) {
            const index = at.field(words, i, 0);
            await expect(
              send(f, calldata(f, withWord(words, index, words[index] | bits))),
              `item ${i}`,
            ).to.be.revertedWithoutReason();
          }
        }
      }
      await expectNothingRecorded(f);
    });

    it('a kind outside AnchorKind: 3, 255, or 1 and 2 with high bits set', async function () {
      const f = await loadFixture(versionBatchFixture);
      const kinds = [3n, 255n, 256n + 1n, 256n + 2n, (1n << 255n) | 1n, (1n << 32n) | 2n, UINT256_MAX];
      for (const uris of [[], URIS]) {
        const words = encode(f, items(f), uris);
        for (const i of POSITIONS) {
          for (const kind of kinds) {
            const data = calldata(f, withWord(words, at.field(words, i, 2), kind));
            await expect(send(f, data), `item ${i} kind ${kind}`).to.be.revertedWithoutReason();
          }
        }
      }
      await expectNothingRecorded(f);
    });

    it('a fileCount of 2^32 or more, even where its low 32 bits would make a valid shape', async function () {
      const f = await loadFixture(versionBatchFixture);
      // 2^32 + 1 is 1 in 32 bits (a valid File); 2^32 + 3 is 3 (the gdp tree's count).
      const counts = [2n ** 32n, 2n ** 32n + 1n, 2n ** 32n + 3n, 2n ** 64n + 1n, (1n << 255n) | 1n, UINT256_MAX];
      for (const uris of [[], URIS]) {
        const words = encode(f, items(f), uris);
        for (const i of POSITIONS) {
          for (const count of counts) {
            const data = calldata(f, withWord(words, at.field(words, i, 3), count));
            await expect(send(f, data), `item ${i} fileCount ${count}`).to.be.revertedWithoutReason();
          }
        }
      }
      await expectNothingRecorded(f);
    });
  });

  describe('URI offsets and lengths that point outside the calldata', function () {
    it('a uris element offset pointing past the calldata, or so that its length word is cut', async function () {
      const f = await loadFixture(versionBatchFixture);
      const words = encode(f, items(f), URIS);
      const size = BigInt(words.length * 32);
      for (const i of POSITIONS) {
        const base = BigInt(at.uriHead(words, 0) * 32); // offsets count from the first head
        // The length word would start at the end, 16 bytes before it, one byte before it, or far beyond.
        for (const offset of [
          size - base,
          size - base - 16n,
          size - base - 1n,
          size - base + 32n,
          2n ** 32n,
          UINT64_MAX,
        ]) {
          const data = calldata(f, withWord(words, at.uriHead(words, i), offset));
          await expect(send(f, data), `uri ${i} offset ${offset}`).to.be.revertedWithoutReason();
        }
      }
      await expectNothingRecorded(f);
    });

    it('a huge or "negative" uris element offset: 2^64, 2^255, 2^256 - 32 (the word before), 2^256 - 1', async function () {
      const f = await loadFixture(versionBatchFixture);
      const words = encode(f, items(f), URIS);
      for (const i of POSITIONS) {
        for (const offset of [2n ** 64n, 2n ** 128n, 2n ** 255n, UINT256_MAX - 31n, UINT256_MAX - 63n, UINT256_MAX]) {
          const data = calldata(f, withWord(words, at.uriHead(words, i), offset));
          await expect(send(f, data), `uri ${i} offset ${offset}`).to.be.revertedWithoutReason();
        }
      }
      await expectNothingRecorded(f);
    });

    it('a uri length past the end of the calldata, up to 2^256 - 1', async function () {
      const f = await loadFixture(versionBatchFixture);
      const words = encode(f, items(f), URIS);
      for (const i of POSITIONS) {
        const lengthAt = at.uriLength(words, i);
        const left = BigInt((words.length - lengthAt - 1) * 32); // the bytes after the length word
        for (const length of [left + 1n, left + 32n, UINT64_MAX, 2n ** 64n, 2n ** 255n, UINT256_MAX]) {
          const data = calldata(f, withWord(words, lengthAt, length));
          await expect(send(f, data), `uri ${i} length ${length}`).to.be.revertedWithoutReason();
        }
      }
      await expectNothingRecorded(f);
    });

    it('calldata cut inside the last URI reverts; cut in its padding only, it is still that URI', async function () {
      const f = await loadFixture(versionBatchFixture);
      const full = calldata(f, encode(f, items(f), URIS));
      // The last URI is 'c': its word is its one byte and 31 bytes of padding.
      await expect(send(f, ethers.dataSlice(full, 0, ethers.dataLength(full) - 32))).to.be.revertedWithoutReason();
      await expectNothingRecorded(f);
      const tx = await send(f, ethers.dataSlice(full, 0, ethers.dataLength(full) - 31));
      await expectAnchoredAsEncoded(f, tx, URIS);
    });

    it('array heads past the calldata: requests or uris offset or length out of bounds', async function () {
      const f = await loadFixture(versionBatchFixture);
      const words = encode(f, items(f), URIS);
      const tampered: [number, bigint][] = [
        [0, 2n ** 255n], // requests' offset
        [1, 2n ** 255n], // uris' offset
        [1, BigInt(words.length * 32)],
        [at.requestsLength(words), 2n ** 64n],
        [at.requestsLength(words), BigInt(words.length)], // more items than the calldata holds
        [at.urisLength(words), 2n ** 64n],
        [at.urisLength(words), BigInt(words.length)],
      ];
      for (const [index, value] of tampered) {
        await expect(
          send(f, calldata(f, withWord(words, index, value))),
          `word ${index}`,
        ).to.be.revertedWithoutReason();
      }
      await expectNothingRecorded(f);
    });
  });

  describe('unusual but valid encodings: decoded as Solidity decodes them, logged as the ABI encodes them', function () {
    it('two URI heads sharing one tail: both items carry that URI', async function () {
      const f = await loadFixture(versionBatchFixture);
      const words = encode(f, items(f), URIS);
      const shared = withWord(words, at.uriHead(words, 2), words[at.uriHead(words, 0)]);
      await expectAnchoredAsEncoded(f, await send(f, calldata(f, shared)), [URIS[0], URIS[1], URIS[0]]);
    });

    it('non-zero padding after a URI and trailing bytes after the arguments change nothing in the logs', async function () {
      const f = await loadFixture(versionBatchFixture);
      const words = encode(f, items(f), URIS);
      // 'c' is the first byte of its word: fill the 31 padding bytes with ones.
      const lastWord = words.length - 1;
      const dirty = withWord(words, lastWord, words[lastWord] | ((1n << 248n) - 1n));
      const tx = await send(f, calldata(f, dirty, '0x' + 'ff'.repeat(100)));
      await expectAnchoredAsEncoded(f, tx, URIS);
    });
  });

  describe('packed records at their limits', function () {
    it('a dataset at version 2^32 - 2 takes one more version; the next overflows (Panic 0x11), in a batch as alone', async function () {
      const f = await loadFixture(versionBatchFixture);
      // Find the dataset's storage slot: keccak256(id . slot of the mapping) holding agency 1, 1 version.
      const address = f.registryAddress;
      let datasetSlot: string | undefined;
      for (let slot = 0; slot < 64 && datasetSlot === undefined; slot++) {
        const key = ethers.keccak256(ethers.concat([ethers.zeroPadBytes(f.censusId, 32), ethers.toBeHex(slot, 32)]));
        const word = BigInt(await ethers.provider.getStorage(address, key));
        if (word !== 0n && (word & 0xffffffffn) === STATS_ID && ((word >> 32n) & 0xffffffffn) === 1n) datasetSlot = key;
      }
      expect(datasetSlot, 'the census dataset slot').to.not.equal(undefined);
      const word = BigInt(await ethers.provider.getStorage(address, datasetSlot!));
      const nearFull = (word & ~(0xffffffffn << 32n)) | ((UINT32_MAX - 1n) << 32n);
      await ethers.provider.send('hardhat_setStorageAt', [address, datasetSlot, ethers.toBeHex(nearFull, 32)]);
      expect((await f.registry.getDataset(f.censusId)).versionCount).to.equal(UINT32_MAX - 1n);

      const op = f.registry.connect(f.statsOperator);
      const last = { datasetId: f.censusId, contentHash: digest('last'), kind: AnchorKind.File, fileCount: 1 };
      const over = { ...last, contentHash: digest('over') };
      for (const batch of [
        [last, over],
        [items(f)[1], last, over],
        [last, items(f)[1], over],
      ]) {
        await expect(op.anchorVersionBatch(batch, [])).to.be.revertedWithPanic(0x11);
      }
      expect((await f.registry.getAnchor(digest('last'))).anchoredAt).to.equal(0n);
      await expect(op.anchorVersionBatch([last], ['u']))
        .to.emit(f.registry, 'Anchored')
        .withArgs(digest('last'), f.censusId, STATS_ID, UINT32_MAX, AnchorKind.File, 1n, f.statsOperator.address, 'u');
      expect((await f.registry.getDataset(f.censusId)).versionCount).to.equal(UINT32_MAX);
      await expect(op.anchorVersionBatch([over], [])).to.be.revertedWithPanic(0x11);
      await expect(op.anchorVersion(f.censusId, digest('over'), AnchorKind.File, 1, '')).to.be.revertedWithPanic(0x11);
      await expect(op.anchor(CENSUS.key, digest('over'), AnchorKind.File, 1, '')).to.be.revertedWithPanic(0x11);
      // The dataset's other fields are intact.
      const dataset = await f.registry.getDataset(f.censusId);
      expect([dataset.agencyId, dataset.createdAt]).to.deep.equal([STATS_ID, word >> 64n]);
    });

    it('at the last uint40 second, a tree of 2^32 - 1 files: every field of the packed word reads back whole', async function () {
      const f = await loadFixture(versionBatchFixture);
      const op = f.registry.connect(f.statsOperator);
      const tree = {
        datasetId: f.gdpId,
        contentHash: digest('gdp tree'),
        kind: AnchorKind.Tree,
        fileCount: UINT32_MAX,
      };
      const file = { datasetId: f.censusId, contentHash: digest('census file'), kind: AnchorKind.File, fileCount: 1 };
      // Taken back at the end: later test files (the property test) run on this chain after this file and must not
      // start past the uint40 range.
      const beforeTheEnd = await takeSnapshot();
      try {
        await time.setNextBlockTimestamp(UINT40_MAX);
        await op.anchorVersionBatch([tree, file], ['t', 'f']);
        const records = [await f.registry.getAnchor(tree.contentHash), await f.registry.getAnchor(file.contentHash)];
        expect(
          records.map((r) => [r.datasetId, r.version, r.agencyId, r.anchoredAt, r.fileCount, r.kind, r.withdrawn]),
        ).to.deep.equal([
          [f.gdpId, 2n, STATS_ID, UINT40_MAX, UINT32_MAX, AnchorKind.Tree, false],
          [f.censusId, 2n, STATS_ID, UINT40_MAX, 1n, AnchorKind.File, false],
        ]);
        await op.withdraw(tree.contentHash, 'withdrawn: the last field of the word');
        const withdrawn = await f.registry.getAnchor(tree.contentHash);
        expect([withdrawn.withdrawn, withdrawn.kind, withdrawn.fileCount, withdrawn.anchoredAt]).to.deep.equal([
          true,
          AnchorKind.Tree,
          UINT32_MAX,
          UINT40_MAX,
        ]);
      } finally {
        await beforeTheEnd.restore();
      }
    });
  });
});

/**
 * Attack tests (issue #6, item 2): extreme inputs. Empty strings, 100 KB URIs and purposes, keys and agency codes at
 * and past their byte limits (with multi-byte Unicode), the largest and smallest batches, zero and maximum expiry,
 * deadlines, ids, nonces and counts. Each is accepted or refused exactly as documented, and nothing partial is left.
 */
import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture, mine, time } from '@nomicfoundation/hardhat-network-helpers';
import { toUtf8Bytes, ZeroAddress, ZeroHash } from 'ethers';
import {
  signAuthorization,
  signedActionDomain,
  SignedRequestError,
  type AnchorItem,
} from '../../src/core/signedActions';
import { CENSUS, CLINICS, HEALTH_ID, STATS_ID, digest } from '../fixtures';
import { attackFixture, events, fileItem, sign, submit } from './helpers';

const UINT32_MAX = 2n ** 32n - 1n;
const UINT40_MAX = 2n ** 40n - 1n;
const UINT48_MAX = 2n ** 48n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const UINT256_MAX = 2n ** 256n - 1n;

const bytes = (text: string) => toUtf8Bytes(text).length;

/** `n` file items as new versions of the census dataset. */
function versions(n: number, label = 'v'): AnchorItem[] {
  return Array.from({ length: n }, (_, i) => fileItem(CENSUS.key, `${label} ${i}`));
}

async function grantsFixture() {
  const f = await attackFixture();
  const censusId = await f.registry.datasetIdOf(CENSUS.key);
  const clinicsId = await f.registry.datasetIdOf(CLINICS.key);
  return { ...f, censusId, clinicsId };
}

describe('Attack: extreme inputs', function () {
  describe('empty strings', function () {
    it('refuses them where a value is required and accepts them where the interface allows', async function () {
      const f = await loadFixture(grantsFixture);
      const { registry, grants } = f;
      await expect(registry.registerAgency('', 'Name', '', f.newcomers[0].address)).to.be.revertedWithCustomError(
        registry,
        'InvalidAgencyCode',
      );
      await expect(registry.registerAgency('hunan.edu', '', '', f.newcomers[0].address)).to.be.revertedWithCustomError(
        registry,
        'EmptyAgencyName',
      );
      await expect(registry.connect(f.statsAdmin).updateAgencyMetadata(STATS_ID, '', '')).to.be.revertedWithCustomError(
        registry,
        'EmptyAgencyName',
      );
      await expect(registry.connect(f.statsOperator).anchor('', digest('x'), 1, 1, '')).to.be.revertedWithCustomError(
        registry,
        'InvalidDatasetKey',
      );
      await expect(registry.connect(f.statsOperator).withdraw(CENSUS.hash, '')).to.be.revertedWithCustomError(
        registry,
        'EmptyReason',
      );
      await expect(grants.connect(f.statsOperator).requestAccess(f.clinicsId, '')).to.be.revertedWithCustomError(
        grants,
        'EmptyText',
      );
      const expiresAt = (await time.latest()) + 3600;
      await expect(
        grants.connect(f.statsOperator).grantAccess(f.censusId, HEALTH_ID, expiresAt, ''),
      ).to.be.revertedWithCustomError(grants, 'EmptyText');
      await grants.connect(f.healthOperator).requestAccess(f.censusId, 'study');
      await expect(grants.connect(f.statsOperator).denyRequest(1, '')).to.be.revertedWithCustomError(
        grants,
        'EmptyText',
      );
      // Allowed empty: a metadata URI, an anchor URI, a revocation reason.
      await expect(registry.registerAgency('hunan.edu', 'Education', '', f.newcomers[0].address)).to.emit(
        registry,
        'AgencyRegistered',
      );
      await expect(registry.connect(f.statsOperator).anchor(CENSUS.key, digest('v2'), 1, 1, '')).to.emit(
        registry,
        'Anchored',
      );
      await grants.connect(f.statsOperator).approveRequest(1, expiresAt);
      await expect(grants.connect(f.statsOperator).revokeGrant(1, '')).to.emit(grants, 'AccessRevoked');
    });
  });

  describe('very long strings', function () {
    it('anchors with a 100 KB URI, direct and signed: emitted whole, not stored', async function () {
      const f = await loadFixture(attackFixture);
      const uri = 'https://data.example.gov/' + 'x'.repeat(100 * 1024);
      const tx = await f.registry.connect(f.statsOperator).anchor(CENSUS.key, digest('v2'), 1, 1, uri);
      const anchored = events(f, await tx.wait()).find((e) => e.name === 'Anchored')!;
      expect(anchored.args.uri).to.equal(uri);
      const signed = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'v3', uri));
      const relayed = await (await submit(f, signed)).wait();
      expect(events(f, relayed).find((e) => e.name === 'Anchored')!.args.uri).to.equal(uri);
      // The record is the same one-slot record as for a short URI.
      const record = await f.registry.getAnchor(digest('v3'));
      expect([record.version, record.kind, record.fileCount]).to.deep.equal([3n, 1n, 1n]);
    });

    it('takes a 100 KB purpose and reason in AccessGrants (emitted, not stored)', async function () {
      const f = await loadFixture(grantsFixture);
      const purpose = 'p'.repeat(100 * 1024);
      const tx = await f.grants.connect(f.healthOperator).requestAccess(f.censusId, purpose);
      expect(events(f, await tx.wait()).find((e) => e.name === 'AccessRequested')!.args.purpose).to.equal(purpose);
      await expect(f.grants.connect(f.statsOperator).denyRequest(1, 'r'.repeat(100 * 1024))).to.emit(
        f.grants,
        'AccessRequestDenied',
      );
    });

    it('stores and returns an 8 KB agency name and metadata URI byte for byte (Unicode included)', async function () {
      const f = await loadFixture(attackFixture);
      const name = '湖南省教育厅 '.repeat(600).slice(0, 4000);
      const uri = 'https://edu.example.gov/' + 'é'.repeat(2000);
      await f.registry.registerAgency('hunan.edu', name, uri, f.newcomers[0].address);
      const agency = await f.registry.getAgency(3);
      expect([agency.name, agency.metadataURI]).to.deep.equal([name, uri]);
      expect(bytes(name)).to.be.greaterThan(8000);
    });
  });

  describe('dataset keys (at most 200 bytes: `<agency code>/<name>`)', function () {
    it('accepts 200 bytes and refuses 201, counting bytes of multi-byte characters', async function () {
      const f = await loadFixture(attackFixture);
      const op = f.registry.connect(f.statsOperator);
      const prefix = 'hunan.stats/';
      const ascii200 = prefix + 'k'.repeat(200 - bytes(prefix));
      const cjk200 = prefix + '统'.repeat(62) + 'ab'; // 12 + 186 + 2 bytes
      expect([bytes(ascii200), bytes(cjk200)]).to.deep.equal([200, 200]);
      await expect(op.anchor(ascii200, digest('a200'), 1, 1, '')).to.emit(f.registry, 'DatasetCreated');
      await expect(op.anchor(cjk200, digest('c200'), 1, 1, '')).to.emit(f.registry, 'DatasetCreated');
      for (const key of [ascii200 + 'k', cjk200 + 'c', prefix + '统'.repeat(63)]) {
        expect(bytes(key)).to.be.greaterThan(200);
        await expect(op.anchor(key, digest(key), 1, 1, ''))
          .to.be.revertedWithCustomError(f.registry, 'InvalidDatasetKey')
          .withArgs(key);
      }
    });

    it('refuses keys without a name, without a namespace, or in another agency’s or nobody’s namespace', async function () {
      const f = await loadFixture(attackFixture);
      const op = f.registry.connect(f.statsOperator);
      for (const key of ['hunan.stats', 'hunan.stats/', '/census', '/', '//']) {
        await expect(op.anchor(key, digest(key), 1, 1, '')).to.be.revertedWithCustomError(
          f.registry,
          'InvalidDatasetKey',
        );
      }
      for (const key of ['hunan.health/x', 'HUNAN.STATS/x', 'hunan.stats.x/y', 'hunan.stat/x', ' hunan.stats/x']) {
        await expect(op.anchor(key, digest(key), 1, 1, ''))
          .to.be.revertedWithCustomError(f.registry, 'DatasetKeyOutsideNamespace')
          .withArgs(key, STATS_ID);
      }
      // After the first "/" anything goes, byte for byte: these are four different datasets of hunan.stats.
      const keys = ['hunan.stats/a', 'hunan.stats/a ', 'hunan.stats/A', 'hunan.stats/a/../b\u0000'];
      for (const key of keys) await expect(op.anchor(key, digest(key), 1, 1, '')).to.emit(f.registry, 'DatasetCreated');
      const ids = await Promise.all(keys.map((k) => f.registry.datasetIdOf(k)));
      expect(new Set(ids).size).to.equal(4);
    });
  });

  describe('agency codes (1-64 bytes of a-z 0-9 . _ -)', function () {
    it('accepts 64 bytes and single characters, refuses 65 bytes and every other character', async function () {
      const f = await loadFixture(attackFixture);
      const admin = f.newcomers[0].address;
      for (const code of ['a'.repeat(64), 'z', '0', '.', '..', '_', '-', 'a.b_c-d.0']) {
        await expect(f.registry.registerAgency(code, 'Name', '', admin)).to.emit(f.registry, 'AgencyRegistered');
      }
      const refused = [
        'a'.repeat(65),
        'Hunan',
        'hunan stats',
        'hunan/stats',
        'hünan',
        'ｈunan', // full-width h
        'hunan\u0000',
        'hunan\n',
        'hunan%2f',
        'hunan🙂',
        'hunan.stats\u200b', // zero-width space: looks like an existing code
      ];
      for (const code of refused) {
        await expect(f.registry.registerAgency(code, 'Name', '', admin))
          .to.be.revertedWithCustomError(f.registry, 'InvalidAgencyCode')
          .withArgs(code);
      }
      expect(await f.registry.agencyCount()).to.equal(2n + 8n);
    });
  });

  describe('batch sizes', function () {
    it('anchorBatch takes 256 items (as 256 new versions) and refuses 0 and 257 with BatchSizeOutOfRange', async function () {
      const f = await loadFixture(attackFixture);
      const op = f.registry.connect(f.statsOperator);
      await expect(op.anchorBatch([]))
        .to.be.revertedWithCustomError(f.registry, 'BatchSizeOutOfRange')
        .withArgs(0, 256);
      await expect(op.anchorBatch(versions(257)))
        .to.be.revertedWithCustomError(f.registry, 'BatchSizeOutOfRange')
        .withArgs(257, 256);
      const receipt = await (await op.anchorBatch(versions(256))).wait();
      expect(events(f, receipt).filter((e) => e.name === 'Anchored')).to.have.length(256);
      expect((await f.registry.getDataset(await f.registry.datasetIdOf(CENSUS.key))).versionCount).to.equal(257n);
      expect(receipt!.gasUsed).to.be.lessThan(16_777_216n); // fits the per-transaction gas cap (EIP-7825)
    });

    it('a worst-case 256-item batch (new datasets, 200-byte keys, 512-byte URIs) exceeds the 2^24 gas cap per transaction: it fails whole', async function () {
      const f = await loadFixture(attackFixture);
      const key = (i: number) => `hunan.stats/${String(i).padStart(3, '0')}-`.padEnd(200, 'k');
      const items = Array.from({ length: 256 }, (_, i) => fileItem(key(i), `worst ${i}`, 'ipfs://' + 'b'.repeat(505)));
      expect(bytes(items[0].datasetKey)).to.equal(200);
      expect(bytes(items[0].uri)).to.equal(512);
      // The contract's limit is 256 items; the chain's gas cap (EIP-7825) is the tighter one for large items, so
      // clients size batches by gas estimate. All or nothing: not one of the items is recorded.
      await expect(f.registry.connect(f.statsOperator).anchorBatch(items, { gasLimit: 16_777_216 })).to.be.rejected;
      expect((await f.registry.getAnchor(items[0].contentHash)).anchoredAt).to.equal(0n);
      await expect(f.registry.connect(f.statsOperator).anchorBatch(items.slice(0, 128))).to.emit(
        f.registry,
        'DatasetCreated',
      );
    });

    it('anchorBatchBySig takes 256 signed items and refuses 257 (which the signing library already refuses)', async function () {
      const f = await loadFixture(attackFixture);
      await expect(sign(f, f.statsOperator, 'AnchorBatch', { items: versions(257, 'signed') })).to.be.rejectedWith(
        SignedRequestError,
        '1 to 256 items',
      );
      // Signed anyway, below the library's checks: the contract refuses it.
      const items = versions(257, 'signed');
      const domain = signedActionDomain('DatasetRegistry', f.chainId, f.registryAddress);
      const deadline = (await time.latest()) + 3600;
      const auth = await signAuthorization(f.statsOperator, domain, 'AnchorBatch', { items }, { deadline, nonce: 1n });
      await expect(f.registry.connect(f.relayer).anchorBatchBySig(items, { ...auth, nonce: 1n }))
        .to.be.revertedWithCustomError(f.registry, 'BatchSizeOutOfRange')
        .withArgs(257, 256);
      const max = await sign(f, f.statsOperator, 'AnchorBatch', { items: versions(256, 'signed') });
      const receipt = await (await submit(f, max)).wait();
      expect(events(f, receipt).filter((e) => e.name === 'Anchored')).to.have.length(256);
    });
  });

  describe('expiry, deadlines and time', function () {
    it('refuses expiry 0 and "now", accepts now + 1 (access for no block after) and the largest uint40', async function () {
      const f = await loadFixture(grantsFixture);
      const op = f.grants.connect(f.statsOperator);
      for (const offset of [null, -1n, 0n]) {
        const next = BigInt(await time.latest()) + 1n;
        const expiresAt = offset === null ? 0n : next + offset; // 0, a second ago, the very block time
        await time.setNextBlockTimestamp(next);
        await expect(op.grantAccess(f.censusId, HEALTH_ID, expiresAt, 'p'))
          .to.be.revertedWithCustomError(f.grants, 'InvalidExpiry')
          .withArgs(expiresAt, next);
        await mine(); // the refused call mined no block: use up the timestamp
      }
      const t = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(t);
      await op.grantAccess(f.censusId, HEALTH_ID, t + 1n, 'one second');
      expect(await f.grants.hasAccess(f.censusId, HEALTH_ID)).to.equal(true); // seen at time t
      await mine();
      expect(await f.grants.hasAccess(f.censusId, HEALTH_ID)).to.equal(false); // t + 1: expired

      await op.grantAccess(f.censusId, HEALTH_ID, UINT40_MAX, 'forever');
      expect(await f.grants.hasAccess(f.censusId, HEALTH_ID)).to.equal(true);
      await time.setNextBlockTimestamp(UINT40_MAX - 1n); // the year 36812
      await mine();
      expect(await f.grants.hasAccess(f.censusId, HEALTH_ID)).to.equal(true);
      await mine();
      expect(await f.grants.hasAccess(f.censusId, HEALTH_ID)).to.equal(false);
    });

    it('approveRequest refuses expiry 0 and leaves the request pending', async function () {
      const f = await loadFixture(grantsFixture);
      await f.grants.connect(f.healthOperator).requestAccess(f.censusId, 'study');
      await expect(f.grants.connect(f.statsOperator).approveRequest(1, 0)).to.be.revertedWithCustomError(
        f.grants,
        'InvalidExpiry',
      );
      expect((await f.grants.getRequest(1)).status).to.equal(1n);
    });

    it('a signature with deadline 0 is expired; one with the largest uint48 deadline is accepted', async function () {
      const f = await loadFixture(attackFixture);
      const expired = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'v2'), { deadline: 0 });
      await expect(submit(f, expired)).to.be.revertedWithCustomError(f.registry, 'SignatureExpired');
      const forever = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'v2'), {
        deadline: Number(UINT48_MAX),
      });
      await expect(submit(f, forever)).to.emit(f.registry, 'Anchored');
    });
  });

  describe('numbers at their limits', function () {
    it('refuses kind None and out-of-range kinds, empty trees and multi-file files; accepts a tree of 2^32-1 files', async function () {
      const f = await loadFixture(attackFixture);
      const op = f.registry.connect(f.statsOperator);
      for (const [kind, fileCount] of [
        [0, 1],
        [1, 0],
        [1, 2],
        [2, 0],
      ]) {
        await expect(op.anchor(CENSUS.key, digest('x'), kind, fileCount, ''))
          .to.be.revertedWithCustomError(f.registry, 'InvalidAnchorShape')
          .withArgs(kind, fileCount);
      }
      // kind 3 is no AnchorKind: the ABI decoder refuses the call before any code runs.
      const data = f.registry.interface.encodeFunctionData('anchor', [CENSUS.key, digest('x'), 3, 1, '']);
      await expect(f.statsOperator.sendTransaction({ to: f.registryAddress, data })).to.be.revertedWithoutReason();
      await expect(op.anchor(CENSUS.key, digest('huge tree'), 2, UINT32_MAX, '')).to.emit(f.registry, 'Anchored');
      expect((await f.registry.getAnchor(digest('huge tree'))).fileCount).to.equal(UINT32_MAX);
      await expect(op.anchor(CENSUS.key, ZeroHash, 1, 1, '')).to.be.revertedWithCustomError(
        f.registry,
        'ZeroContentHash',
      );
    });

    it('refuses agency, request and grant ids at 0 and at their type maxima', async function () {
      const f = await loadFixture(grantsFixture);
      for (const id of [0n, 3n, UINT32_MAX]) {
        await expect(f.registry.getAgency(id)).to.be.revertedWithCustomError(f.registry, 'UnknownAgency');
        await expect(f.registry.suspendAgency(id)).to.be.revertedWithCustomError(f.registry, 'UnknownAgency');
        expect(await f.grants.hasAccess(f.censusId, id)).to.equal(false);
        await expect(
          f.grants.connect(f.statsOperator).grantAccess(f.censusId, id, UINT40_MAX, 'p'),
        ).to.be.revertedWithCustomError(f.grants, 'GranteeNotActive');
      }
      for (const id of [0n, 1n, UINT64_MAX]) {
        await expect(f.grants.connect(f.statsOperator).approveRequest(id, UINT40_MAX)).to.be.revertedWithCustomError(
          f.grants,
          'UnknownRequest',
        );
        await expect(f.grants.connect(f.statsOperator).revokeGrant(id, '')).to.be.revertedWithCustomError(
          f.grants,
          'UnknownGrant',
        );
      }
    });

    it('uses the largest nonces as any other, each once', async function () {
      const f = await loadFixture(attackFixture);
      for (const nonce of [UINT256_MAX, UINT256_MAX - 255n, 2n ** 255n, 0n]) {
        const signed = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, `nonce ${nonce}`), { nonce });
        await expect(submit(f, signed)).to.emit(f.registry, 'Anchored');
        await expect(submit(f, signed)).to.be.revertedWithCustomError(f.registry, 'NonceAlreadyUsed');
        expect(await f.registry.nonceUsed(f.statsOperator.address, nonce)).to.equal(true);
      }
      expect(await f.registry.nonceUsed(f.statsOperator.address, UINT256_MAX - 1n)).to.equal(false);
    });

    it('refuses the zero address as admin or operator; a zero pending admin cancels a handover', async function () {
      const f = await loadFixture(attackFixture);
      await expect(f.registry.registerAgency('hunan.edu', 'Edu', '', ZeroAddress)).to.be.revertedWithCustomError(
        f.registry,
        'ZeroAddress',
      );
      await expect(f.registry.connect(f.statsAdmin).addOperator(STATS_ID, ZeroAddress)).to.be.revertedWithCustomError(
        f.registry,
        'ZeroAddress',
      );
      await f.registry.connect(f.statsAdmin).beginAgencyAdminTransfer(STATS_ID, f.newcomers[0].address);
      await f.registry.connect(f.statsAdmin).beginAgencyAdminTransfer(STATS_ID, ZeroAddress);
      await expect(f.registry.connect(f.newcomers[0]).acceptAgencyAdmin(STATS_ID)).to.be.revertedWithCustomError(
        f.registry,
        'NotPendingAgencyAdmin',
      );
    });

    it('caps an agency at 32 operators', async function () {
      const f = await loadFixture(attackFixture);
      const admin = f.registry.connect(f.statsAdmin);
      const present = (await f.registry.operatorsOf(STATS_ID)).length;
      for (let i = present; i < 32; i++) await admin.addOperator(STATS_ID, ethers.Wallet.createRandom().address);
      await expect(admin.addOperator(STATS_ID, ethers.Wallet.createRandom().address))
        .to.be.revertedWithCustomError(f.registry, 'TooManyOperators')
        .withArgs(STATS_ID, 32);
    });
  });
});

/**
 * Attack tests (issue #6, item 2): the same content hash twice, inside one batch and across batches, datasets,
 * agencies and submission paths. A hash is anchored once, as one version of one dataset, and its record never moves.
 */
import { expect } from 'chai';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';
import type { AnchorItem } from '../../src/core/signedActions';
import { CENSUS, CLINICS, digest } from '../fixtures';
import { attackFixture, callData, fileItem, relayFailures, sign, submit, type AttackFixture } from './helpers';

async function recordOf(f: AttackFixture, hash: string) {
  const a = await f.registry.getAnchor(hash);
  return { datasetId: a.datasetId, version: a.version, agencyId: a.agencyId, anchoredAt: a.anchoredAt };
}

describe('Attack: duplicate content hashes', function () {
  it('inside one anchorBatch: ContentAlreadyAnchored for the second copy, and nothing of the batch is recorded', async function () {
    const f = await loadFixture(attackFixture);
    const v2 = fileItem(CENSUS.key, 'census v2');
    const prices = fileItem('hunan.stats/prices', 'prices v1');
    const censusId = await f.registry.datasetIdOf(CENSUS.key);
    const pricesId = await f.registry.datasetIdOf(prices.datasetKey);
    // [items, the repeated hash, where its first copy went (dataset, version)]
    const cases: [AnchorItem[], string, string, number][] = [
      [[v2, v2], v2.contentHash, censusId, 2],
      [[v2, prices, { ...v2, datasetKey: prices.datasetKey }], v2.contentHash, censusId, 2],
      [[prices, v2, { ...prices, kind: 2, fileCount: 3 }], prices.contentHash, pricesId, 1],
    ];
    for (const [items, hash, datasetId, version] of cases) {
      await expect(f.registry.connect(f.statsOperator).anchorBatch(items))
        .to.be.revertedWithCustomError(f.registry, 'ContentAlreadyAnchored')
        .withArgs(hash, datasetId, version);
    }
    expect((await f.registry.getAnchor(v2.contentHash)).anchoredAt).to.equal(0n);
    expect((await f.registry.getAnchor(prices.contentHash)).anchoredAt).to.equal(0n);
    expect((await f.registry.getDataset(await f.registry.datasetIdOf(CENSUS.key))).versionCount).to.equal(1n);
  });

  it('inside one signed AnchorBatch: the whole signed batch reverts, and its nonce stays usable', async function () {
    const f = await loadFixture(attackFixture);
    const v2 = fileItem(CENSUS.key, 'census v2');
    const batch = await sign(f, f.statsOperator, 'AnchorBatch', { items: [v2, fileItem(CENSUS.key, 'census v3'), v2] });
    await expect(submit(f, batch)).to.be.revertedWithCustomError(f.registry, 'ContentAlreadyAnchored');
    expect(await f.registry.nonceUsed(f.statsOperator.address, BigInt(batch.authorization.nonce))).to.equal(false);
    expect((await f.registry.getAnchor(v2.contentHash)).anchoredAt).to.equal(0n);
  });

  it('across batches: a later batch repeating one hash reverts entirely; the earlier record does not move', async function () {
    const f = await loadFixture(attackFixture);
    const first: AnchorItem[] = [fileItem(CENSUS.key, 'census v2'), fileItem('hunan.stats/prices', 'prices v1')];
    await f.registry.connect(f.statsOperator).anchorBatch(first);
    const before = await recordOf(f, first[1].contentHash);
    const second: AnchorItem[] = [fileItem(CENSUS.key, 'census v3'), first[1]];
    await expect(f.registry.connect(f.statsOperator2).anchorBatch(second)).to.be.revertedWithCustomError(
      f.registry,
      'ContentAlreadyAnchored',
    );
    // The same hash as a new version of another dataset of the same agency, or of the repeated dataset.
    for (const key of [CENSUS.key, 'hunan.stats/new']) {
      await expect(
        f.registry.connect(f.statsOperator).anchor(key, first[1].contentHash, 2, 5, ''),
      ).to.be.revertedWithCustomError(f.registry, 'ContentAlreadyAnchored');
    }
    expect(await recordOf(f, first[1].contentHash)).to.deep.equal(before);
    expect((await f.registry.getAnchor(second[0].contentHash)).anchoredAt).to.equal(0n);
  });

  it('across agencies: another agency cannot claim a hash already anchored, by any path', async function () {
    const f = await loadFixture(attackFixture);
    const censusRecord = await recordOf(f, CENSUS.hash);
    const clinicsId = await f.registry.datasetIdOf(CLINICS.key);
    const health = f.registry.connect(f.healthOperator);
    await expect(health.anchor(CLINICS.key, CENSUS.hash, 1, 1, '')).to.be.revertedWithCustomError(
      f.registry,
      'ContentAlreadyAnchored',
    );
    await expect(health.anchorVersion(clinicsId, CENSUS.hash, 1, 1, '')).to.be.revertedWithCustomError(
      f.registry,
      'ContentAlreadyAnchored',
    );
    await expect(
      health.anchorBatch([{ datasetKey: CLINICS.key, contentHash: CENSUS.hash, kind: 1, fileCount: 1, uri: '' }]),
    ).to.be.revertedWithCustomError(f.registry, 'ContentAlreadyAnchored');
    const signed = await sign(f, f.healthOperator, 'Anchor', {
      ...fileItem(CLINICS.key, 'x'),
      contentHash: CENSUS.hash,
    });
    await expect(submit(f, signed)).to.be.revertedWithCustomError(f.registry, 'ContentAlreadyAnchored');
    // Nor withdraw it.
    await expect(health.withdraw(CENSUS.hash, 'not ours')).to.be.revertedWithCustomError(
      f.registry,
      'DatasetOwnedByAnotherAgency',
    );
    expect(await recordOf(f, CENSUS.hash)).to.deep.equal(censusRecord);
    expect((await f.registry.lookup(CENSUS.hash)).withdrawn).to.equal(false);
  });

  it('in one relayBatch: two different signatures carrying the same hash, and the same signature twice', async function () {
    const f = await loadFixture(attackFixture);
    const a = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
    const b = await sign(f, f.statsOperator2, 'Anchor', fileItem('hunan.stats/prices', 'census v2'));
    const c = await sign(f, f.healthOperator, 'Anchor', fileItem(CLINICS.key, 'census v2'));
    const tx = await f.registry
      .connect(f.relayer)
      .relayBatch([callData(f, a), callData(f, b), callData(f, c), callData(f, a)]);
    expect([...relayFailures(f, await tx.wait()).entries()]).to.deep.equal([
      [1, 'ContentAlreadyAnchored'],
      [2, 'ContentAlreadyAnchored'],
      [3, 'NonceAlreadyUsed'],
    ]);
    const record = await f.registry.getAnchor(digest('census v2'));
    expect([record.datasetId, record.version]).to.deep.equal([await f.registry.datasetIdOf(CENSUS.key), 2n]);
    // The failed items' nonces stay unused (their signers may re-sign or cancel them).
    expect(await f.registry.nonceUsed(f.statsOperator2.address, BigInt(b.authorization.nonce))).to.equal(false);
  });

  it('a retried anchor of the same content fails with ContentAlreadyAnchored naming where it already is', async function () {
    const f = await loadFixture(attackFixture);
    const datasetId = await f.registry.datasetIdOf(CENSUS.key);
    // A client whose first transaction succeeded but whose receipt was lost retries: the error says it is done.
    await expect(f.registry.connect(f.statsOperator2).anchor(CENSUS.key, CENSUS.hash, 1, 1, CENSUS.uri))
      .to.be.revertedWithCustomError(f.registry, 'ContentAlreadyAnchored')
      .withArgs(CENSUS.hash, datasetId, 1);
  });
});

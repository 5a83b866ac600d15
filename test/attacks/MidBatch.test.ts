/**
 * Attack tests (issue #6, item 2): an operator removed, or its agency suspended, in the middle of a batch. Items
 * signed before the removal and relayed after it fail; items relayed before it keep their effect; a signed anchor
 * batch is all or nothing; and nothing an item does lends the relayer or a later item any authority.
 */
import { expect } from 'chai';
import { loadFixture, time } from '@nomicfoundation/hardhat-network-helpers';
import { CENSUS, HEALTH_ID, STATS_ID, digest } from '../fixtures';
import { attackFixture, callData, events, fileItem, relayFailures, sign, submit } from './helpers';

describe('Attack: operator removed or agency suspended mid-batch', function () {
  it('relayBatch: items signed before the removal succeed until the removal item, and fail after it', async function () {
    const f = await loadFixture(attackFixture);
    // The agency admin relays: it can put its own removeOperator call between the operator's signed items.
    const before = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
    const after = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v3'));
    const colleague = await sign(f, f.statsOperator2, 'Anchor', fileItem(CENSUS.key, 'census v4'));
    const removal = f.registry.interface.encodeFunctionData('removeOperator', [STATS_ID, f.statsOperator.address]);
    const tx = await f.registry
      .connect(f.statsAdmin)
      .relayBatch([callData(f, before), removal, callData(f, after), callData(f, colleague)]);
    const receipt = await tx.wait();
    expect([...relayFailures(f, receipt).entries()]).to.deep.equal([[2, 'NotAnOperator']]);
    const anchored = events(f, receipt).filter((e) => e.name === 'Anchored');
    expect(anchored.map((e) => [e.args.contentHash, e.args.version, e.args.operator])).to.deep.equal([
      [digest('census v2'), 2n, f.statsOperator.address],
      [digest('census v4'), 3n, f.statsOperator2.address],
    ]);
    expect((await f.registry.getAnchor(digest('census v3'))).anchoredAt).to.equal(0n);
    // What the removed operator anchored before stays valid.
    expect((await f.registry.lookup(digest('census v2'))).withdrawn).to.equal(false);
    // The failed item's nonce was not consumed: re-adding the operator would make it relayable until its deadline.
    expect(await f.registry.nonceUsed(f.statsOperator.address, BigInt(after.authorization.nonce))).to.equal(false);
  });

  it('relayBatch: a registrar relaying a suspension stops every later item of that agency, not the others', async function () {
    const f = await loadFixture(attackFixture);
    const stats1 = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
    const stats2 = await sign(f, f.statsOperator2, 'Anchor', fileItem(CENSUS.key, 'census v3'));
    const health = await sign(f, f.healthOperator, 'Anchor', fileItem('hunan.health/clinics', 'clinics v2'));
    const suspension = f.registry.interface.encodeFunctionData('suspendAgency', [STATS_ID]);
    const tx = await f.registry
      .connect(f.governance)
      .relayBatch([callData(f, stats1), suspension, callData(f, stats2), callData(f, health)]);
    expect([...relayFailures(f, await tx.wait()).entries()]).to.deep.equal([[2, 'AgencyNotActive']]);
    expect((await f.registry.getAnchor(digest('census v2'))).version).to.equal(2n);
    expect((await f.registry.getAnchor(digest('clinics v2'))).version).to.equal(2n);
  });

  it('AccessGrants: an approval signed before its operator was removed fails when relayed after; the request stays pending', async function () {
    const f = await loadFixture(attackFixture);
    const clinicsId = await f.registry.datasetIdOf('hunan.health/clinics');
    const request = await sign(f, f.statsOperator, 'RequestAccess', { datasetId: clinicsId, purpose: 'research' });
    const expiresAt = (await time.latest()) + 30 * 86400;
    const approval = await sign(f, f.healthOperator, 'ApproveRequest', { requestId: '1', expiresAt });
    // The health admin removes its operator on the registry between the request and the approval.
    await submit(f, request);
    await f.registry.connect(f.healthAdmin).removeOperator(HEALTH_ID, f.healthOperator.address);
    const tx = await f.grants.connect(f.relayer).relayBatch([callData(f, approval)]);
    expect([...relayFailures(f, await tx.wait()).entries()]).to.deep.equal([[0, 'NotAnOperator']]);
    expect((await f.grants.getRequest(1)).status).to.equal(1n); // Pending
    expect(await f.grants.hasAccess(clinicsId, Number(STATS_ID))).to.equal(false);
  });

  it('a signed anchor batch from before the removal fails as a whole: no item of it is recorded', async function () {
    const f = await loadFixture(attackFixture);
    const items = [fileItem(CENSUS.key, 'census v2'), fileItem('hunan.stats/prices', 'prices v1')];
    const batch = await sign(f, f.statsOperator, 'AnchorBatch', { items });
    await f.registry.connect(f.statsAdmin).removeOperator(STATS_ID, f.statsOperator.address);
    await expect(submit(f, batch)).to.be.revertedWithCustomError(f.registry, 'NotAnOperator');
    const removal = f.registry.interface.encodeFunctionData('removeOperator', [STATS_ID, f.statsOperator2.address]);
    const tx = await f.registry.connect(f.statsAdmin).relayBatch([callData(f, batch), removal]);
    expect([...relayFailures(f, await tx.wait()).entries()]).to.deep.equal([[0, 'NotAnOperator']]);
    for (const item of items) expect((await f.registry.getAnchor(item.contentHash)).anchoredAt).to.equal(0n);
    await expect(
      f.registry.getDataset(await f.registry.datasetIdOf('hunan.stats/prices')),
    ).to.be.revertedWithCustomError(f.registry, 'UnknownDataset');
  });

  it('a direct anchorBatch stops at the first failing item and records none of it', async function () {
    const f = await loadFixture(attackFixture);
    const items = [
      { datasetKey: CENSUS.key, contentHash: digest('census v2'), kind: 1, fileCount: 1, uri: '' },
      { datasetKey: 'hunan.stats/prices', contentHash: digest('prices v1'), kind: 1, fileCount: 1, uri: '' },
      // Another agency's dataset: this item fails, so the batch does.
      { datasetKey: 'hunan.health/clinics', contentHash: digest('clinics v2'), kind: 1, fileCount: 1, uri: '' },
    ];
    await expect(f.registry.connect(f.statsOperator).anchorBatch(items)).to.be.revertedWithCustomError(
      f.registry,
      'DatasetOwnedByAnotherAgency',
    );
    for (const item of items) expect((await f.registry.getAnchor(item.contentHash)).anchoredAt).to.equal(0n);
    expect((await f.registry.getDataset(await f.registry.datasetIdOf(CENSUS.key))).versionCount).to.equal(1n);
  });

  it('items of a relayBatch gain nothing from earlier items: an outsider relayer cannot remove or add operators', async function () {
    const f = await loadFixture(attackFixture);
    const removal = f.registry.interface.encodeFunctionData('removeOperator', [STATS_ID, f.statsOperator.address]);
    const addition = f.registry.interface.encodeFunctionData('addOperator', [STATS_ID, f.relayer.address]);
    const anchor = f.registry.interface.encodeFunctionData('anchor', [CENSUS.key, digest('x'), 1, 1, '']);
    const tx = await f.registry.connect(f.relayer).relayBatch([removal, addition, anchor]);
    expect([...relayFailures(f, await tx.wait()).entries()]).to.deep.equal([
      [0, 'NotAgencyAdmin'],
      [1, 'NotAgencyAdmin'],
      [2, 'NotAnOperator'],
    ]);
    expect(await f.registry.operatorsOf(STATS_ID)).to.deep.equal([f.statsOperator.address, f.statsOperator2.address]);
  });
});

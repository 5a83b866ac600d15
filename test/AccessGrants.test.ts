import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture, time } from '@nomicfoundation/hardhat-network-helpers';
import type { ContractTransactionResponse } from 'ethers';
import {
  AgencyStatus,
  AnchorKind,
  DAY,
  GrantStatus,
  HEALTH_ID,
  RequestStatus,
  STATS_ID,
  deployDatasetsFixture,
} from './fixtures';
import { shouldBehaveLikeOperatorOnly } from './behaviors/RoleGated.behavior';
import { shouldRejectWritesFromInactiveAgency, type AgencyWrite } from './behaviors/InactiveAgency.behavior';

// In the fixtures `hunan.stats` (1) owns the census dataset and `hunan.health` (2) owns the clinics dataset.

const PURPOSE = 'Cross-check hospital catchment populations';
const loadDatasets = () => loadFixture(deployDatasetsFixture);

async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

/** Fixes the next block's timestamp and returns it. */
async function nextTimestamp(): Promise<bigint> {
  const timestamp = (await now()) + 10n;
  await time.setNextBlockTimestamp(timestamp);
  return timestamp;
}

async function blockTimestamp(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await tx.wait();
  return BigInt((await ethers.provider.getBlock(receipt!.blockNumber))!.timestamp);
}

/** `hunan.health` has requested access to the census (request 1). */
async function deployRequestFixture() {
  const fixture = await deployDatasetsFixture();
  await fixture.grants.connect(fixture.healthOperator).requestAccess(fixture.censusId, PURPOSE);
  return { ...fixture, requestId: 1n };
}

/** `hunan.stats` has granted `hunan.health` access to the census for 30 days (grant 1). */
async function deployGrantFixture() {
  const fixture = await deployDatasetsFixture();
  const expiresAt = (await now()) + 30n * DAY;
  await fixture.grants.connect(fixture.statsOperator).grantAccess(fixture.censusId, HEALTH_ID, expiresAt, PURPOSE);
  return { ...fixture, grantId: 1n, expiresAt };
}

/**
 * Traffic both ways, so that each agency has something to approve, deny, revoke and cancel:
 * - request 1: health asks for the census (pending); request 2: stats asks for the clinics (pending);
 * - grant 1: stats gives health the census; grant 2: health gives stats the clinics (both 30 days).
 */
async function deployTwoWayFixture() {
  const fixture = await deployDatasetsFixture();
  const { grants, statsOperator, healthOperator, censusId, clinicsId } = fixture;
  const expiresAt = (await now()) + 30n * DAY;
  await grants.connect(healthOperator).requestAccess(censusId, PURPOSE);
  await grants.connect(statsOperator).requestAccess(clinicsId, 'Population denominators');
  await grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, expiresAt, PURPOSE);
  await grants.connect(healthOperator).grantAccess(clinicsId, STATS_ID, expiresAt, 'Population denominators');
  return { ...fixture, expiresAt };
}

type TwoWayFixture = Awaited<ReturnType<typeof deployTwoWayFixture>>;

/** Every write of `AccessGrants`, each valid while both agencies are active, made by `agency`'s operator. */
function everyWriteOf(agency: 'stats' | 'health'): AgencyWrite<TwoWayFixture>[] {
  const mine = agency === 'stats' ? { requestId: 2n, grantId: 1n } : { requestId: 1n, grantId: 2n };
  const theirs = agency === 'stats' ? { requestId: 1n } : { requestId: 2n };
  const operator = (f: TwoWayFixture) => (agency === 'stats' ? f.statsOperator : f.healthOperator);
  const ownDataset = (f: TwoWayFixture) => (agency === 'stats' ? f.censusId : f.clinicsId);
  const otherDataset = (f: TwoWayFixture) => (agency === 'stats' ? f.clinicsId : f.censusId);
  const otherAgency = agency === 'stats' ? HEALTH_ID : STATS_ID;
  return [
    {
      description: 'requestAccess',
      send: (f) => f.grants.connect(operator(f)).requestAccess(otherDataset(f), 'again'),
    },
    { description: 'cancelRequest', send: (f) => f.grants.connect(operator(f)).cancelRequest(mine.requestId) },
    {
      description: 'approveRequest',
      send: async (f) => f.grants.connect(operator(f)).approveRequest(theirs.requestId, (await now()) + DAY),
    },
    { description: 'denyRequest', send: (f) => f.grants.connect(operator(f)).denyRequest(theirs.requestId, 'no') },
    {
      description: 'grantAccess',
      send: async (f) =>
        f.grants.connect(operator(f)).grantAccess(ownDataset(f), otherAgency, (await now()) + DAY, 'extend'),
    },
    { description: 'revokeGrant', send: (f) => f.grants.connect(operator(f)).revokeGrant(mine.grantId, 'done') },
  ];
}

describe('AccessGrants', function () {
  describe('deployment', function () {
    it('reads the registry deployed by the same Suite module', async function () {
      const { grants, registry } = await loadDatasets();
      expect(await grants.REGISTRY()).to.equal(await registry.getAddress());
    });

    it('starts with no requests and no grants', async function () {
      const { grants } = await loadDatasets();
      const [requests, grantCount] = await grants.counts();
      expect(requests).to.equal(0n);
      expect(grantCount).to.equal(0n);
    });
  });

  describe('requestAccess', function () {
    context("when an operator asks for another agency's dataset", function () {
      it('returns request id 1 and emits AccessRequested with the purpose', async function () {
        const { grants, healthOperator, censusId } = await loadDatasets();
        expect(await grants.connect(healthOperator).requestAccess.staticCall(censusId, PURPOSE)).to.equal(1n);
        await expect(grants.connect(healthOperator).requestAccess(censusId, PURPOSE))
          .to.emit(grants, 'AccessRequested')
          .withArgs(1n, censusId, HEALTH_ID, healthOperator.address, PURPOSE);
      });

      it('stores a pending request', async function () {
        const { grants, healthOperator, censusId } = await loadDatasets();
        const tx = await grants.connect(healthOperator).requestAccess(censusId, PURPOSE);
        const request = await grants.getRequest(1n);
        expect(request.datasetId).to.equal(censusId);
        expect(request.requesterAgencyId).to.equal(HEALTH_ID);
        expect(request.requestedAt).to.equal(await blockTimestamp(tx));
        expect(request.status).to.equal(RequestStatus.Pending);
        expect(request.grantId).to.equal(0n);
        expect((await grants.counts())[0]).to.equal(1n);
      });

      it('numbers further requests 2, 3, ..., also for the same dataset', async function () {
        const { grants, healthOperator, statsOperator, censusId, clinicsId } = await loadDatasets();
        await grants.connect(healthOperator).requestAccess(censusId, PURPOSE);
        await expect(grants.connect(healthOperator).requestAccess(censusId, 'another purpose'))
          .to.emit(grants, 'AccessRequested')
          .withArgs(2n, censusId, HEALTH_ID, healthOperator.address, 'another purpose');
        await expect(grants.connect(statsOperator).requestAccess(clinicsId, PURPOSE))
          .to.emit(grants, 'AccessRequested')
          .withArgs(3n, clinicsId, STATS_ID, statsOperator.address, PURPOSE);
        expect((await grants.getRequest(3n)).requesterAgencyId).to.equal(STATS_ID);
      });
    });

    context('when the purpose is empty', function () {
      it('reverts with EmptyText', async function () {
        const { grants, healthOperator, censusId } = await loadDatasets();
        await expect(grants.connect(healthOperator).requestAccess(censusId, '')).to.be.revertedWithCustomError(
          grants,
          'EmptyText',
        );
      });
    });

    context("when the dataset is the caller's own agency's", function () {
      it('reverts with OwnAgencyAccess', async function () {
        const { grants, statsOperator2, censusId } = await loadDatasets();
        await expect(grants.connect(statsOperator2).requestAccess(censusId, PURPOSE))
          .to.be.revertedWithCustomError(grants, 'OwnAgencyAccess')
          .withArgs(censusId, STATS_ID);
      });
    });

    context('when the dataset does not exist', function () {
      it("reverts with the registry's UnknownDataset", async function () {
        const { grants, registry, healthOperator } = await loadDatasets();
        const unknown = await registry.datasetIdOf('hunan.stats/never');
        await expect(grants.connect(healthOperator).requestAccess(unknown, PURPOSE))
          .to.be.revertedWithCustomError(registry, 'UnknownDataset')
          .withArgs(unknown);
      });
    });

    shouldBehaveLikeOperatorOnly(loadDatasets, (f, caller) =>
      f.grants.connect(caller).requestAccess(f.clinicsId, PURPOSE),
    );
  });

  describe('cancelRequest', function () {
    const loadRequest = () => loadFixture(deployRequestFixture);

    context('when an operator of the requesting agency cancels a pending request', function () {
      it('emits AccessRequestCancelled and marks it cancelled', async function () {
        const { grants, healthOperator, censusId, requestId } = await loadRequest();
        await expect(grants.connect(healthOperator).cancelRequest(requestId))
          .to.emit(grants, 'AccessRequestCancelled')
          .withArgs(requestId, censusId, HEALTH_ID, healthOperator.address);
        expect((await grants.getRequest(requestId)).status).to.equal(RequestStatus.Cancelled);
      });

      it('lets any operator of that agency cancel, not only the one who asked', async function () {
        const { grants, registry, healthAdmin, newcomers, censusId, requestId } = await loadRequest();
        const [colleague] = newcomers;
        await registry.connect(healthAdmin).addOperator(HEALTH_ID, colleague.address);
        await expect(grants.connect(colleague).cancelRequest(requestId))
          .to.emit(grants, 'AccessRequestCancelled')
          .withArgs(requestId, censusId, HEALTH_ID, colleague.address);
      });

      it('leaves the request impossible to approve', async function () {
        const { grants, healthOperator, statsOperator, requestId } = await loadRequest();
        await grants.connect(healthOperator).cancelRequest(requestId);
        await expect(grants.connect(statsOperator).approveRequest(requestId, (await now()) + DAY))
          .to.be.revertedWithCustomError(grants, 'RequestNotPending')
          .withArgs(requestId, RequestStatus.Cancelled);
      });
    });

    context('when the caller operates for another agency', function () {
      it("reverts with NotRequester, also for the dataset owner's operator", async function () {
        const { grants, statsOperator, requestId } = await loadRequest();
        await expect(grants.connect(statsOperator).cancelRequest(requestId))
          .to.be.revertedWithCustomError(grants, 'NotRequester')
          .withArgs(requestId, STATS_ID);
      });
    });

    context('when the request is not pending', function () {
      for (const [status, settle] of [
        [RequestStatus.Cancelled, (f: RequestFixture) => f.grants.connect(f.healthOperator).cancelRequest(1n)],
        [RequestStatus.Denied, (f: RequestFixture) => f.grants.connect(f.statsOperator).denyRequest(1n, 'no')],
        [
          RequestStatus.Approved,
          async (f: RequestFixture) => f.grants.connect(f.statsOperator).approveRequest(1n, (await now()) + DAY),
        ],
      ] as const) {
        it(`reverts with RequestNotPending once it is ${statusName(RequestStatus, status)}`, async function () {
          const fixture = await loadRequest();
          await settle(fixture);
          await expect(fixture.grants.connect(fixture.healthOperator).cancelRequest(1n))
            .to.be.revertedWithCustomError(fixture.grants, 'RequestNotPending')
            .withArgs(1n, status);
        });
      }
    });

    context('when the request does not exist', function () {
      it('reverts with UnknownRequest', async function () {
        const { grants, healthOperator } = await loadRequest();
        for (const requestId of [0n, 2n]) {
          await expect(grants.connect(healthOperator).cancelRequest(requestId))
            .to.be.revertedWithCustomError(grants, 'UnknownRequest')
            .withArgs(requestId);
        }
      });
    });

    shouldBehaveLikeOperatorOnly(
      () => loadFixture(deployRequestFixture),
      (f, caller) => f.grants.connect(caller).cancelRequest(f.requestId),
    );
  });

  describe('approveRequest', function () {
    const loadRequest = () => loadFixture(deployRequestFixture);

    context("when the owner's operator approves a pending request", function () {
      it('returns grant id 1 and emits AccessGranted naming the request', async function () {
        const { grants, statsOperator, censusId, requestId } = await loadRequest();
        const expiresAt = (await now()) + 90n * DAY;
        expect(await grants.connect(statsOperator).approveRequest.staticCall(requestId, expiresAt)).to.equal(1n);
        const tx = await grants.connect(statsOperator).approveRequest(requestId, expiresAt);
        await expect(tx)
          .to.emit(grants, 'AccessGranted')
          .withArgs(1n, censusId, HEALTH_ID, requestId, expiresAt, statsOperator.address, '');
        await expect(tx).not.to.emit(grants, 'AccessGrantSuperseded');
      });

      it('marks the request approved with its grant, and stores an active grant', async function () {
        const { grants, statsOperator, censusId, requestId } = await loadRequest();
        const expiresAt = (await now()) + 90n * DAY;
        const tx = await grants.connect(statsOperator).approveRequest(requestId, expiresAt);
        const request = await grants.getRequest(requestId);
        expect(request.status).to.equal(RequestStatus.Approved);
        expect(request.grantId).to.equal(1n);
        const grant = await grants.getGrant(1n);
        expect(grant.datasetId).to.equal(censusId);
        expect(grant.granteeAgencyId).to.equal(HEALTH_ID);
        expect(grant.grantedAt).to.equal(await blockTimestamp(tx));
        expect(grant.expiresAt).to.equal(expiresAt);
        expect(grant.status).to.equal(GrantStatus.Active);
        expect(await grants.currentGrantId(censusId, HEALTH_ID)).to.equal(1n);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.true;
        const [requests, grantCount] = await grants.counts();
        expect([requests, grantCount]).to.deep.equal([1n, 1n]);
      });

      it('supersedes the grant the requester already held', async function () {
        const { grants, statsOperator, healthOperator, censusId } = await loadFixture(deployGrantFixture);
        await grants.connect(healthOperator).requestAccess(censusId, 'extension');
        const expiresAt = (await now()) + 365n * DAY;
        await expect(grants.connect(statsOperator).approveRequest(1n, expiresAt))
          .to.emit(grants, 'AccessGrantSuperseded')
          .withArgs(1n, 2n);
        expect((await grants.getGrant(1n)).status).to.equal(GrantStatus.Superseded);
        expect(await grants.currentGrantId(censusId, HEALTH_ID)).to.equal(2n);
      });
    });

    context('when the expiry is not in the future', function () {
      it('reverts with InvalidExpiry at the current time and before it', async function () {
        const { grants, statsOperator, requestId } = await loadRequest();
        for (const offset of [0n, 1n, 1000n]) {
          const timestamp = await nextTimestamp();
          await expect(grants.connect(statsOperator).approveRequest(requestId, timestamp - offset))
            .to.be.revertedWithCustomError(grants, 'InvalidExpiry')
            .withArgs(timestamp - offset, timestamp);
        }
      });

      it('accepts one second after the current time', async function () {
        const { grants, statsOperator, requestId } = await loadRequest();
        const timestamp = await nextTimestamp();
        await expect(grants.connect(statsOperator).approveRequest(requestId, timestamp + 1n)).to.emit(
          grants,
          'AccessGranted',
        );
      });
    });

    context('when the requesting agency is no longer active', function () {
      for (const [label, change] of [
        ['suspended', 'suspendAgency'],
        ['retired', 'retireAgency'],
      ] as const) {
        it(`reverts with GranteeNotActive when it is ${label}`, async function () {
          const { grants, registry, statsOperator, requestId } = await loadRequest();
          await registry[change](HEALTH_ID);
          await expect(grants.connect(statsOperator).approveRequest(requestId, (await now()) + DAY))
            .to.be.revertedWithCustomError(grants, 'GranteeNotActive')
            .withArgs(HEALTH_ID);
          expect((await grants.getRequest(requestId)).status).to.equal(RequestStatus.Pending);
        });
      }
    });

    context("when the caller does not operate for the dataset's owner", function () {
      it("reverts with NotDatasetOwner for the requester's own operator", async function () {
        const { grants, healthOperator, censusId, requestId } = await loadRequest();
        await expect(grants.connect(healthOperator).approveRequest(requestId, (await now()) + DAY))
          .to.be.revertedWithCustomError(grants, 'NotDatasetOwner')
          .withArgs(censusId, STATS_ID, HEALTH_ID);
      });
    });

    context('when the request is not pending or does not exist', function () {
      it('reverts with RequestNotPending when approved twice', async function () {
        const { grants, statsOperator, requestId } = await loadRequest();
        await grants.connect(statsOperator).approveRequest(requestId, (await now()) + DAY);
        await expect(grants.connect(statsOperator).approveRequest(requestId, (await now()) + DAY))
          .to.be.revertedWithCustomError(grants, 'RequestNotPending')
          .withArgs(requestId, RequestStatus.Approved);
      });

      it('reverts with UnknownRequest', async function () {
        const { grants, statsOperator } = await loadRequest();
        await expect(grants.connect(statsOperator).approveRequest(9n, (await now()) + DAY))
          .to.be.revertedWithCustomError(grants, 'UnknownRequest')
          .withArgs(9n);
      });
    });

    shouldBehaveLikeOperatorOnly(
      () => loadFixture(deployRequestFixture),
      async (f, caller) => f.grants.connect(caller).approveRequest(f.requestId, (await now()) + DAY),
    );
  });

  describe('denyRequest', function () {
    const loadRequest = () => loadFixture(deployRequestFixture);

    context("when the owner's operator denies a pending request", function () {
      it('emits AccessRequestDenied with the reason and grants nothing', async function () {
        const { grants, statsOperator2, censusId, requestId } = await loadRequest();
        await expect(grants.connect(statsOperator2).denyRequest(requestId, 'Purpose too broad'))
          .to.emit(grants, 'AccessRequestDenied')
          .withArgs(requestId, censusId, HEALTH_ID, statsOperator2.address, 'Purpose too broad');
        const request = await grants.getRequest(requestId);
        expect(request.status).to.equal(RequestStatus.Denied);
        expect(request.grantId).to.equal(0n);
        expect((await grants.counts())[1]).to.equal(0n);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.false;
      });
    });

    context('when the reason is empty', function () {
      it('reverts with EmptyText', async function () {
        const { grants, statsOperator, requestId } = await loadRequest();
        await expect(grants.connect(statsOperator).denyRequest(requestId, '')).to.be.revertedWithCustomError(
          grants,
          'EmptyText',
        );
      });
    });

    context("when the caller does not operate for the dataset's owner", function () {
      it('reverts with NotDatasetOwner', async function () {
        const { grants, healthOperator, censusId, requestId } = await loadRequest();
        await expect(grants.connect(healthOperator).denyRequest(requestId, 'no'))
          .to.be.revertedWithCustomError(grants, 'NotDatasetOwner')
          .withArgs(censusId, STATS_ID, HEALTH_ID);
      });
    });

    context('when the request is not pending or does not exist', function () {
      it('reverts with RequestNotPending when denied twice', async function () {
        const { grants, statsOperator, requestId } = await loadRequest();
        await grants.connect(statsOperator).denyRequest(requestId, 'no');
        await expect(grants.connect(statsOperator).denyRequest(requestId, 'still no'))
          .to.be.revertedWithCustomError(grants, 'RequestNotPending')
          .withArgs(requestId, RequestStatus.Denied);
      });

      it('reverts with UnknownRequest', async function () {
        const { grants, statsOperator } = await loadRequest();
        await expect(grants.connect(statsOperator).denyRequest(0n, 'no'))
          .to.be.revertedWithCustomError(grants, 'UnknownRequest')
          .withArgs(0n);
      });
    });

    shouldBehaveLikeOperatorOnly(
      () => loadFixture(deployRequestFixture),
      (f, caller) => f.grants.connect(caller).denyRequest(f.requestId, 'no'),
    );
  });

  describe('grantAccess', function () {
    context("when the owner's operator grants access directly", function () {
      it('returns the grant id and emits AccessGranted with request id 0 and the purpose', async function () {
        const { grants, statsOperator, censusId } = await loadDatasets();
        const expiresAt = (await now()) + 7n * DAY;
        expect(
          await grants.connect(statsOperator).grantAccess.staticCall(censusId, HEALTH_ID, expiresAt, PURPOSE),
        ).to.equal(1n);
        const tx = await grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, expiresAt, PURPOSE);
        await expect(tx)
          .to.emit(grants, 'AccessGranted')
          .withArgs(1n, censusId, HEALTH_ID, 0n, expiresAt, statsOperator.address, PURPOSE);
        await expect(tx).not.to.emit(grants, 'AccessGrantSuperseded');
        const grant = await grants.getGrant(1n);
        expect(grant.status).to.equal(GrantStatus.Active);
        expect(grant.expiresAt).to.equal(expiresAt);
        expect(grant.grantedAt).to.equal(await blockTimestamp(tx));
        expect(await grants.currentGrantId(censusId, HEALTH_ID)).to.equal(1n);
        expect(await grants.counts()).to.deep.equal([0n, 1n]);
      });
    });

    context('when the grantee already holds a grant for the dataset (supersede)', function () {
      it('emits AccessGrantSuperseded after AccessGranted and marks the old grant superseded', async function () {
        const { grants, statsOperator, censusId } = await loadFixture(deployGrantFixture);
        const expiresAt = (await now()) + 2n * DAY;
        const tx = await grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, expiresAt, 'shorten');
        await expect(tx).to.emit(grants, 'AccessGrantSuperseded').withArgs(1n, 2n);
        const names = (await tx.wait())!.logs.map((log) => grants.interface.parseLog(log)!.name);
        expect(names).to.deep.equal(['AccessGranted', 'AccessGrantSuperseded']);
        expect((await grants.getGrant(1n)).status).to.equal(GrantStatus.Superseded);
        expect((await grants.getGrant(2n)).status).to.equal(GrantStatus.Active);
        expect(await grants.currentGrantId(censusId, HEALTH_ID)).to.equal(2n);
      });

      it('lets the new grant govern access, so access can be shortened', async function () {
        const { grants, statsOperator, censusId, expiresAt } = await loadFixture(deployGrantFixture);
        const shorter = (await now()) + DAY;
        await grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, shorter, 'shorten');
        await time.increaseTo(shorter);
        expect(shorter).to.be.lessThan(expiresAt);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.false;
      });

      it('does not mark a revoked grant superseded', async function () {
        const { grants, statsOperator, censusId } = await loadFixture(deployGrantFixture);
        await grants.connect(statsOperator).revokeGrant(1n, 'paused');
        const tx = await grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, (await now()) + DAY, 'resume');
        await expect(tx).not.to.emit(grants, 'AccessGrantSuperseded');
        expect((await grants.getGrant(1n)).status).to.equal(GrantStatus.Revoked);
        expect(await grants.currentGrantId(censusId, HEALTH_ID)).to.equal(2n);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.true;
      });

      it("leaves other agencies' and other datasets' grants alone", async function () {
        const { grants, registry, governance, statsOperator, healthOperator, outsider, censusId, clinicsId } =
          await loadFixture(deployGrantFixture);
        await registry.connect(governance).registerAgency('hunan.edu', 'Education', '', outsider.address);
        const expiresAt = (await now()) + DAY;
        await grants.connect(statsOperator).grantAccess(censusId, 3n, expiresAt, 'edu');
        await grants.connect(healthOperator).grantAccess(clinicsId, 3n, expiresAt, 'edu');
        expect((await grants.getGrant(1n)).status).to.equal(GrantStatus.Active);
        expect(await grants.currentGrantId(censusId, HEALTH_ID)).to.equal(1n);
        expect(await grants.currentGrantId(censusId, 3n)).to.equal(2n);
        expect(await grants.currentGrantId(clinicsId, 3n)).to.equal(3n);
      });
    });

    context('when the purpose is empty', function () {
      it('reverts with EmptyText', async function () {
        const { grants, statsOperator, censusId } = await loadDatasets();
        await expect(
          grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, (await now()) + DAY, ''),
        ).to.be.revertedWithCustomError(grants, 'EmptyText');
      });
    });

    context('when the grantee is the owning agency itself', function () {
      it('reverts with OwnAgencyAccess', async function () {
        const { grants, statsOperator, censusId } = await loadDatasets();
        await expect(grants.connect(statsOperator).grantAccess(censusId, STATS_ID, (await now()) + DAY, PURPOSE))
          .to.be.revertedWithCustomError(grants, 'OwnAgencyAccess')
          .withArgs(censusId, STATS_ID);
      });
    });

    context('when the grantee is not an active agency', function () {
      it('reverts with GranteeNotActive for an unregistered agency', async function () {
        const { grants, statsOperator, censusId } = await loadDatasets();
        for (const agencyId of [0n, 3n]) {
          await expect(grants.connect(statsOperator).grantAccess(censusId, agencyId, (await now()) + DAY, PURPOSE))
            .to.be.revertedWithCustomError(grants, 'GranteeNotActive')
            .withArgs(agencyId);
        }
      });

      it('reverts with GranteeNotActive for a suspended or retired agency', async function () {
        const { grants, registry, statsOperator, censusId } = await loadDatasets();
        await registry.suspendAgency(HEALTH_ID);
        await expect(grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, (await now()) + DAY, PURPOSE))
          .to.be.revertedWithCustomError(grants, 'GranteeNotActive')
          .withArgs(HEALTH_ID);
        await registry.retireAgency(HEALTH_ID);
        await expect(grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, (await now()) + DAY, PURPOSE))
          .to.be.revertedWithCustomError(grants, 'GranteeNotActive')
          .withArgs(HEALTH_ID);
      });
    });

    context('when the expiry is not in the future', function () {
      it('reverts with InvalidExpiry', async function () {
        const { grants, statsOperator, censusId } = await loadDatasets();
        const timestamp = await nextTimestamp();
        await expect(grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, timestamp, PURPOSE))
          .to.be.revertedWithCustomError(grants, 'InvalidExpiry')
          .withArgs(timestamp, timestamp);
      });
    });

    context("when the caller does not operate for the dataset's owner", function () {
      it('reverts with NotDatasetOwner', async function () {
        const { grants, healthOperator, censusId } = await loadDatasets();
        await expect(grants.connect(healthOperator).grantAccess(censusId, HEALTH_ID, (await now()) + DAY, PURPOSE))
          .to.be.revertedWithCustomError(grants, 'NotDatasetOwner')
          .withArgs(censusId, STATS_ID, HEALTH_ID);
      });
    });

    context('when the dataset does not exist', function () {
      it("reverts with the registry's UnknownDataset", async function () {
        const { grants, registry, statsOperator } = await loadDatasets();
        const unknown = await registry.datasetIdOf('hunan.stats/never');
        await expect(grants.connect(statsOperator).grantAccess(unknown, HEALTH_ID, (await now()) + DAY, PURPOSE))
          .to.be.revertedWithCustomError(registry, 'UnknownDataset')
          .withArgs(unknown);
      });
    });

    shouldBehaveLikeOperatorOnly(loadDatasets, async (f, caller) =>
      f.grants.connect(caller).grantAccess(f.censusId, HEALTH_ID, (await now()) + DAY, PURPOSE),
    );
  });

  describe('revokeGrant', function () {
    const loadGrant = () => loadFixture(deployGrantFixture);

    context("when the owner's operator revokes an active grant", function () {
      it('emits AccessRevoked with the reason and ends access at once', async function () {
        const { grants, statsOperator2, censusId, grantId } = await loadGrant();
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.true;
        await expect(grants.connect(statsOperator2).revokeGrant(grantId, 'Project ended'))
          .to.emit(grants, 'AccessRevoked')
          .withArgs(grantId, censusId, HEALTH_ID, statsOperator2.address, 'Project ended');
        expect((await grants.getGrant(grantId)).status).to.equal(GrantStatus.Revoked);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.false;
        expect(await grants.currentGrantId(censusId, HEALTH_ID)).to.equal(grantId);
      });

      it('accepts an empty reason', async function () {
        const { grants, statsOperator, censusId, grantId } = await loadGrant();
        await expect(grants.connect(statsOperator).revokeGrant(grantId, ''))
          .to.emit(grants, 'AccessRevoked')
          .withArgs(grantId, censusId, HEALTH_ID, statsOperator.address, '');
      });

      it('revokes an expired grant, for the record', async function () {
        const { grants, statsOperator, grantId, expiresAt } = await loadGrant();
        await time.increaseTo(expiresAt + DAY);
        await grants.connect(statsOperator).revokeGrant(grantId, 'tidy up');
        expect((await grants.getGrant(grantId)).status).to.equal(GrantStatus.Revoked);
      });
    });

    context('when the grant is no longer active', function () {
      it('reverts with GrantNotActive once revoked', async function () {
        const { grants, statsOperator, grantId } = await loadGrant();
        await grants.connect(statsOperator).revokeGrant(grantId, 'once');
        await expect(grants.connect(statsOperator).revokeGrant(grantId, 'twice'))
          .to.be.revertedWithCustomError(grants, 'GrantNotActive')
          .withArgs(grantId, GrantStatus.Revoked);
      });

      it('reverts with GrantNotActive once superseded', async function () {
        const { grants, statsOperator, censusId, grantId } = await loadGrant();
        await grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, (await now()) + DAY, 'replace');
        await expect(grants.connect(statsOperator).revokeGrant(grantId, 'old'))
          .to.be.revertedWithCustomError(grants, 'GrantNotActive')
          .withArgs(grantId, GrantStatus.Superseded);
      });
    });

    context('when the grant does not exist', function () {
      it('reverts with UnknownGrant', async function () {
        const { grants, statsOperator } = await loadGrant();
        for (const grantId of [0n, 2n]) {
          await expect(grants.connect(statsOperator).revokeGrant(grantId, 'x'))
            .to.be.revertedWithCustomError(grants, 'UnknownGrant')
            .withArgs(grantId);
        }
      });
    });

    context("when the caller does not operate for the dataset's owner", function () {
      it('reverts with NotDatasetOwner, also for the grantee', async function () {
        const { grants, healthOperator, censusId, grantId } = await loadGrant();
        await expect(grants.connect(healthOperator).revokeGrant(grantId, 'x'))
          .to.be.revertedWithCustomError(grants, 'NotDatasetOwner')
          .withArgs(censusId, STATS_ID, HEALTH_ID);
      });
    });

    shouldBehaveLikeOperatorOnly(
      () => loadFixture(deployGrantFixture),
      (f, caller) => f.grants.connect(caller).revokeGrant(f.grantId, 'x'),
    );
  });

  shouldRejectWritesFromInactiveAgency('the owning agency', deployTwoWayFixture, STATS_ID, everyWriteOf('stats'));
  shouldRejectWritesFromInactiveAgency('the requesting agency', deployTwoWayFixture, HEALTH_ID, everyWriteOf('health'));

  describe('hasAccess', function () {
    const loadGrant = () => loadFixture(deployGrantFixture);

    context('when the agency owns the dataset', function () {
      it('is true while the owner is active, false while suspended or retired', async function () {
        const { grants, registry, censusId, clinicsId } = await loadDatasets();
        expect(await grants.hasAccess(censusId, STATS_ID)).to.be.true;
        expect(await grants.hasAccess(clinicsId, HEALTH_ID)).to.be.true;
        await registry.suspendAgency(STATS_ID);
        expect(await grants.hasAccess(censusId, STATS_ID)).to.be.false;
        await registry.reinstateAgency(STATS_ID);
        expect(await grants.hasAccess(censusId, STATS_ID)).to.be.true;
        await registry.retireAgency(STATS_ID);
        expect(await grants.hasAccess(censusId, STATS_ID)).to.be.false;
      });
    });

    context('when the agency holds no grant', function () {
      it('is false, also for agencies that do not exist', async function () {
        const { grants, censusId } = await loadDatasets();
        for (const agencyId of [HEALTH_ID, 0n, 3n]) {
          expect(await grants.hasAccess(censusId, agencyId)).to.be.false;
        }
      });

      it("is false for a grant on another of the owner's datasets", async function () {
        const { grants, registry, statsOperator, censusId } = await loadGrant();
        await registry.connect(statsOperator).anchor('hunan.stats/other', ethers.id('other'), AnchorKind.File, 1, '');
        const otherId = await registry.datasetIdOf('hunan.stats/other');
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.true;
        expect(await grants.hasAccess(otherId, HEALTH_ID)).to.be.false;
      });
    });

    context('when the agency holds an active grant', function () {
      it('is true until the second before expiry and false from expiresAt on', async function () {
        const { grants, censusId, expiresAt } = await loadGrant();
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.true;
        await time.increaseTo(expiresAt - 1n);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.true;
        await time.increaseTo(expiresAt);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.false;
        await time.increaseTo(expiresAt + 365n * DAY);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.false;
        // Expiry is not a status: the grant is still Active, and still the current one.
        expect((await grants.getGrant(1n)).status).to.equal(GrantStatus.Active);
        expect(await grants.currentGrantId(censusId, HEALTH_ID)).to.equal(1n);
      });

      it('is false while the grantee is suspended, and true again after reinstatement', async function () {
        const { grants, registry, censusId } = await loadGrant();
        await registry.suspendAgency(HEALTH_ID);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.false;
        await registry.reinstateAgency(HEALTH_ID);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.true;
      });

      it('is false while the owner is suspended, and true again after reinstatement', async function () {
        const { grants, registry, censusId } = await loadGrant();
        await registry.suspendAgency(STATS_ID);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.false;
        await registry.reinstateAgency(STATS_ID);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.true;
      });

      it('is false for good once either agency is retired', async function () {
        const { grants, registry, censusId } = await loadGrant();
        await registry.retireAgency(HEALTH_ID);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.false;
        const other = await loadGrant();
        await other.registry.retireAgency(STATS_ID);
        expect(await other.grants.hasAccess(censusId, HEALTH_ID)).to.be.false;
      });

      it('does not come back when reinstated after expiry', async function () {
        const { grants, registry, censusId, expiresAt } = await loadGrant();
        await registry.suspendAgency(HEALTH_ID);
        await time.increaseTo(expiresAt);
        await registry.reinstateAgency(HEALTH_ID);
        expect(await grants.hasAccess(censusId, HEALTH_ID)).to.be.false;
      });
    });

    context('when the dataset does not exist', function () {
      it("reverts with the registry's UnknownDataset", async function () {
        const { grants, registry } = await loadDatasets();
        const unknown = await registry.datasetIdOf('hunan.stats/never');
        await expect(grants.hasAccess(unknown, STATS_ID))
          .to.be.revertedWithCustomError(registry, 'UnknownDataset')
          .withArgs(unknown);
      });
    });
  });

  describe('currentGrantId', function () {
    it('is 0 without a grant and follows the newest grant', async function () {
      const { grants, statsOperator, censusId, clinicsId } = await loadFixture(deployGrantFixture);
      expect(await grants.currentGrantId(clinicsId, STATS_ID)).to.equal(0n);
      expect(await grants.currentGrantId(censusId, STATS_ID)).to.equal(0n);
      expect(await grants.currentGrantId(censusId, HEALTH_ID)).to.equal(1n);
      await grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, (await now()) + DAY, 'renew');
      expect(await grants.currentGrantId(censusId, HEALTH_ID)).to.equal(2n);
    });
  });

  describe('getRequest', function () {
    context('when the request does not exist', function () {
      it('reverts with UnknownRequest', async function () {
        const { grants } = await loadFixture(deployRequestFixture);
        for (const requestId of [0n, 2n, 2n ** 64n - 1n]) {
          await expect(grants.getRequest(requestId))
            .to.be.revertedWithCustomError(grants, 'UnknownRequest')
            .withArgs(requestId);
        }
      });
    });
  });

  describe('getGrant', function () {
    context('when the grant does not exist', function () {
      it('reverts with UnknownGrant', async function () {
        const { grants } = await loadFixture(deployGrantFixture);
        for (const grantId of [0n, 2n, 2n ** 64n - 1n]) {
          await expect(grants.getGrant(grantId))
            .to.be.revertedWithCustomError(grants, 'UnknownGrant')
            .withArgs(grantId);
        }
      });
    });
  });

  describe('counts', function () {
    it('counts every request and every grant, whatever became of them', async function () {
      const { grants, statsOperator, healthOperator, censusId, clinicsId } = await loadDatasets();
      const expiresAt = (await now()) + DAY;
      await grants.connect(healthOperator).requestAccess(censusId, PURPOSE); // 1: approved -> grant 1
      await grants.connect(healthOperator).requestAccess(censusId, PURPOSE); // 2: denied
      await grants.connect(healthOperator).requestAccess(censusId, PURPOSE); // 3: cancelled
      await grants.connect(statsOperator).approveRequest(1n, expiresAt);
      await grants.connect(statsOperator).denyRequest(2n, 'duplicate');
      await grants.connect(healthOperator).cancelRequest(3n);
      await grants.connect(healthOperator).grantAccess(clinicsId, STATS_ID, expiresAt, 'swap'); // grant 2
      await grants.connect(statsOperator).grantAccess(censusId, HEALTH_ID, expiresAt + 1n, 'renew'); // grant 3
      await grants.connect(statsOperator).revokeGrant(3n, 'oops');
      const [requests, grantCount] = await grants.counts();
      expect(requests).to.equal(3n);
      expect(grantCount).to.equal(3n);
      expect((await grants.getRequest(1n)).grantId).to.equal(1n);
    });
  });

  context('when an agency is suspended and reinstated', function () {
    it("keeps its grants' records unchanged", async function () {
      const { grants, registry, censusId, grantId, expiresAt } = await loadFixture(deployGrantFixture);
      await registry.suspendAgency(HEALTH_ID);
      expect(await registry.agencyStatus(HEALTH_ID)).to.equal(AgencyStatus.Suspended);
      const grant = await grants.getGrant(grantId);
      expect(grant.status).to.equal(GrantStatus.Active);
      expect(grant.expiresAt).to.equal(expiresAt);
      expect(grant.datasetId).to.equal(censusId);
    });
  });
});

type RequestFixture = Awaited<ReturnType<typeof deployRequestFixture>>;

function statusName(statuses: Record<string, bigint>, value: bigint): string {
  return Object.entries(statuses)
    .find(([, v]) => v === value)![0]
    .toLowerCase();
}

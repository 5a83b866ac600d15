import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ethers, network } from 'hardhat';
import { loadFixture, time } from '@nomicfoundation/hardhat-network-helpers';
import { anyValue } from '@nomicfoundation/hardhat-chai-matchers/withArgs';
import type { ContractTransactionReceipt, ContractTransactionResponse } from 'ethers';
import type { HardhatEthersSigner } from '@nomicfoundation/hardhat-ethers/signers';
import { MinimalERC1271Wallet__factory } from '../typechain-types';
import {
  SIGNED_ACTION_NAMES,
  SIGNED_ACTION_TYPES,
  SIGNED_REQUEST_FORMAT,
  SignedRequestError,
  bySigCallArgs,
  formatSignedRequestFile,
  nonceSequence,
  parseSignedRequest,
  parseSignedRequestFile,
  parseSignedRequestFileText,
  randomNonce,
  recoverRequestSigner,
  signRequest,
  signedActionDomain,
  signedRequestDigest,
  type AnchorItem,
  type SignedRequest,
} from '../src/core/signedActions';
import { relaySignedActions } from '../src/client/relaySignedActions';
import { callData, fileItem, sign, submit } from './helpers/signedRequests';
import {
  AgencyStatus,
  AnchorKind,
  CENSUS,
  DAY,
  HEALTH_ID,
  RequestStatus,
  STATS_ID,
  GrantStatus,
  deployDatasetsFixture,
  digest,
} from './fixtures';

/** EAS `attestByDelegation` on the same chain, as measured for issue #7. */
const EAS_ATTEST_BY_DELEGATION_GAS = 213_000n;

/**
 * {deployDatasetsFixture} plus: a minimal ERC-1271 wallet owned by account 7 that is an operator of hunan.stats, the
 * relayer (account 6, no role at all), a second relayer (account 9) and a stranger key (account 8, no role).
 */
async function signedActionsFixture() {
  const base = await deployDatasetsFixture();
  const { registry, grants, statsAdmin, outsider, newcomers } = base;
  const [walletOwner, stranger, relayer2, ...spare] = newcomers;
  const wallet = await new MinimalERC1271Wallet__factory(walletOwner).deploy(walletOwner.address);
  const walletAddress = await wallet.getAddress();
  await registry.connect(statsAdmin).addOperator(STATS_ID, walletAddress);
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  return {
    ...base,
    wallet,
    walletAddress,
    walletOwner,
    stranger,
    relayer: outsider,
    relayer2,
    spare,
    chainId,
    registryAddress: await registry.getAddress(),
    grantsAddress: await grants.getAddress(),
  };
}
type Fixture = Awaited<ReturnType<typeof signedActionsFixture>>;
const load = () => loadFixture(signedActionsFixture);

/** Deterministic Fisher-Yates shuffle (a fixed linear congruential generator), so that failures reproduce. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function parsedLogs(f: Fixture, receipt: ContractTransactionReceipt | null) {
  return receipt!.logs
    .map((log) => {
      const iface = log.address === f.registryAddress ? f.registry.interface : f.grants.interface;
      return iface.parseLog(log);
    })
    .filter((event) => event !== null);
}

describe('Signed actions: EIP-712 authorizations submitted by a relayer', function () {
  describe('typed data (src/core/signedActions.ts)', function () {
    it("builds each contract's domain exactly as its ERC-5267 eip712Domain() reports it", async function () {
      const f = await load();
      for (const [name, contract] of [
        ['DatasetRegistry', f.registry],
        ['AccessGrants', f.grants],
      ] as const) {
        const onChain = await contract.eip712Domain();
        const domain = signedActionDomain(name, f.chainId, await contract.getAddress());
        expect(onChain.fields).to.equal('0x0f'); // name, version, chainId, verifyingContract
        expect(onChain.name).to.equal(domain.name);
        expect(onChain.version).to.equal(domain.version);
        expect(onChain.chainId).to.equal(domain.chainId);
        expect(onChain.verifyingContract).to.equal(domain.verifyingContract);
      }
    });

    it('spells every type as the type strings in the interfaces’ NatSpec', function () {
      const sources = ['IDatasetRegistry.sol', 'IAccessGrants.sol']
        .map((file) => readFileSync(path.join(__dirname, '..', 'contracts', 'interfaces', file), 'utf8'))
        .join('\n');
      for (const action of SIGNED_ACTION_NAMES) {
        for (const [name, fields] of Object.entries(SIGNED_ACTION_TYPES[action])) {
          const typeString = `${name}(${fields.map((field) => `${field.type} ${field.name}`).join(',')})`;
          expect(sources, typeString).to.contain('`' + typeString + '`');
        }
      }
      expect(SIGNED_ACTION_NAMES).to.have.length(8);
    });
  });

  describe('DatasetRegistry: anchorBySig, anchorBatchBySig, withdrawBySig', function () {
    it('anchors a new dataset for the signing operator and its agency; the event names the relayer', async function () {
      const f = await load();
      const item = fileItem('hunan.stats/prices-2024', 'prices v1', 'ipfs://prices');
      const request = await sign(f, f.statsOperator, 'Anchor', item);
      const datasetId = await f.registry.datasetIdOf(item.datasetKey);

      expect(await f.registry.operatorAgency(f.relayer.address)).to.equal(0n);
      await expect(submit(f, request))
        .to.emit(f.registry, 'DatasetCreated')
        .withArgs(datasetId, STATS_ID, item.datasetKey)
        .and.to.emit(f.registry, 'Anchored')
        .withArgs(item.contentHash, datasetId, STATS_ID, 1, AnchorKind.File, 1, f.statsOperator.address, item.uri)
        .and.to.emit(f.registry, 'SignedActionRelayed')
        .withArgs(f.statsOperator.address, STATS_ID, f.relayer.address, request.authorization.nonce);

      const info = await f.registry.lookup(item.contentHash);
      expect(info.anchored).to.be.true;
      expect(info.agencyId).to.equal(STATS_ID);
      expect(info.agencyCode).to.equal('hunan.stats');
      expect(await f.registry.nonceUsed(f.statsOperator.address, request.authorization.nonce)).to.be.true;
    });

    it('anchors a new version of an existing dataset', async function () {
      const f = await load();
      const request = await sign(f, f.statsOperator2, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      await expect(submit(f, request))
        .to.emit(f.registry, 'Anchored')
        .withArgs(digest('census v2'), f.censusId, STATS_ID, 2, AnchorKind.File, 1, f.statsOperator2.address, '')
        .and.not.to.emit(f.registry, 'DatasetCreated');
      expect((await f.registry.getDataset(f.censusId)).versionCount).to.equal(2n);
    });

    it('anchors a signed batch: every item in order, one SignedActionRelayed', async function () {
      const f = await load();
      const tree: AnchorItem = {
        datasetKey: 'hunan.stats/yearbook',
        contentHash: digest('yearbook root'),
        kind: 2,
        fileCount: 12,
        uri: 'https://example.org/yearbook',
      };
      const items = [fileItem(CENSUS.key, 'census v2'), tree, fileItem('hunan.stats/gdp', 'gdp v1')];
      const request = await sign(f, f.statsOperator, 'AnchorBatch', { items });
      const tx = await submit(f, request);
      const events = parsedLogs(f, await tx.wait());
      expect(events.map((e) => e!.name)).to.deep.equal([
        'Anchored',
        'DatasetCreated',
        'Anchored',
        'DatasetCreated',
        'Anchored',
        'SignedActionRelayed',
      ]);
      for (const event of events.filter((e) => e!.name === 'Anchored')) {
        expect(event!.args.operator).to.equal(f.statsOperator.address);
        expect(event!.args.agencyId).to.equal(STATS_ID);
      }
      await expect(tx)
        .to.emit(f.registry, 'SignedActionRelayed')
        .withArgs(f.statsOperator.address, STATS_ID, f.relayer.address, request.authorization.nonce);
      expect((await f.registry.lookup(tree.contentHash)).fileCount).to.equal(12n);
    });

    it('withdraws a version with the reason, naming the signing operator', async function () {
      const f = await load();
      const request = await sign(f, f.statsOperator2, 'Withdraw', { contentHash: CENSUS.hash, reason: 'wrong totals' });
      await expect(submit(f, request))
        .to.emit(f.registry, 'AnchorWithdrawn')
        .withArgs(CENSUS.hash, f.censusId, STATS_ID, 1, f.statsOperator2.address, 'wrong totals')
        .and.to.emit(f.registry, 'SignedActionRelayed')
        .withArgs(f.statsOperator2.address, STATS_ID, f.relayer.address, request.authorization.nonce);
      expect((await f.registry.lookup(CENSUS.hash)).withdrawn).to.be.true;
    });

    it('applies the rules of the unsigned functions to the signer (another agency’s dataset)', async function () {
      const f = await load();
      const request = await sign(f, f.healthOperator, 'Anchor', fileItem(CENSUS.key, 'health census?'));
      await expect(submit(f, request))
        .to.be.revertedWithCustomError(f.registry, 'DatasetOwnedByAnotherAgency')
        .withArgs(anyValue, STATS_ID, HEALTH_ID);
    });
  });

  describe('AccessGrants: request, approve, deny, grant and revoke by signature', function () {
    it('requestAccessBySig records the signer’s agency as requester', async function () {
      const f = await load();
      const request = await sign(f, f.healthOperator, 'RequestAccess', {
        datasetId: f.censusId,
        purpose: 'hospital planning',
      });
      await expect(submit(f, request))
        .to.emit(f.grants, 'AccessRequested')
        .withArgs(1, f.censusId, HEALTH_ID, f.healthOperator.address, 'hospital planning')
        .and.to.emit(f.grants, 'SignedActionRelayed')
        .withArgs(f.healthOperator.address, HEALTH_ID, f.relayer.address, request.authorization.nonce);
      const stored = await f.grants.getRequest(1);
      expect(stored.requesterAgencyId).to.equal(HEALTH_ID);
      expect(stored.status).to.equal(RequestStatus.Pending);
    });

    it('approveRequestBySig and denyRequestBySig act for the owning agency', async function () {
      const f = await load();
      for (let i = 0; i < 2; i++) {
        await f.grants.connect(f.healthOperator).requestAccess(f.censusId, `purpose ${i}`);
      }
      const expiresAt = (await time.latest()) + Number(90n * DAY);
      const approve = await sign(f, f.statsOperator, 'ApproveRequest', { requestId: '1', expiresAt });
      await expect(submit(f, approve))
        .to.emit(f.grants, 'AccessGranted')
        .withArgs(1, f.censusId, HEALTH_ID, 1, expiresAt, f.statsOperator.address, '')
        .and.to.emit(f.grants, 'SignedActionRelayed')
        .withArgs(f.statsOperator.address, STATS_ID, f.relayer.address, approve.authorization.nonce);
      expect(await f.grants.hasAccess(f.censusId, HEALTH_ID)).to.be.true;

      const deny = await sign(f, f.statsOperator2, 'DenyRequest', { requestId: '2', reason: 'duplicate' });
      await expect(submit(f, deny))
        .to.emit(f.grants, 'AccessRequestDenied')
        .withArgs(2, f.censusId, HEALTH_ID, f.statsOperator2.address, 'duplicate')
        .and.to.emit(f.grants, 'SignedActionRelayed')
        .withArgs(f.statsOperator2.address, STATS_ID, f.relayer.address, deny.authorization.nonce);
      expect((await f.grants.getRequest(2)).status).to.equal(RequestStatus.Denied);
    });

    it('grantAccessBySig and revokeGrantBySig act for the owning agency', async function () {
      const f = await load();
      const expiresAt = (await time.latest()) + Number(30n * DAY);
      const grant = await sign(f, f.healthOperator, 'GrantAccess', {
        datasetId: f.clinicsId,
        granteeAgencyId: Number(STATS_ID),
        expiresAt,
        purpose: 'census of clinics',
      });
      await expect(submit(f, grant))
        .to.emit(f.grants, 'AccessGranted')
        .withArgs(1, f.clinicsId, STATS_ID, 0, expiresAt, f.healthOperator.address, 'census of clinics')
        .and.to.emit(f.grants, 'SignedActionRelayed')
        .withArgs(f.healthOperator.address, HEALTH_ID, f.relayer.address, grant.authorization.nonce);
      expect(await f.grants.hasAccess(f.clinicsId, STATS_ID)).to.be.true;

      const revoke = await sign(f, f.healthOperator, 'RevokeGrant', { grantId: '1', reason: 'project ended' });
      await expect(submit(f, revoke))
        .to.emit(f.grants, 'AccessRevoked')
        .withArgs(1, f.clinicsId, STATS_ID, f.healthOperator.address, 'project ended')
        .and.to.emit(f.grants, 'SignedActionRelayed')
        .withArgs(f.healthOperator.address, HEALTH_ID, f.relayer.address, revoke.authorization.nonce);
      expect((await f.grants.getGrant(1)).status).to.equal(GrantStatus.Revoked);
      expect(await f.grants.hasAccess(f.clinicsId, STATS_ID)).to.be.false;
    });
  });

  describe('rejections', function () {
    it('rejects a signature relayed after its deadline (and accepts one relayed at it)', async function () {
      const f = await load();
      const deadline = (await time.latest()) + 600;
      const late = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'late'), { deadline });
      const onTime = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'on time'), { deadline });

      await time.setNextBlockTimestamp(deadline);
      await expect(submit(f, onTime)).to.emit(f.registry, 'Anchored');
      await time.setNextBlockTimestamp(deadline + 1);
      await expect(submit(f, late))
        .to.be.revertedWithCustomError(f.registry, 'SignatureExpired')
        .withArgs(deadline, deadline + 1);
    });

    it('rejects the same signature submitted twice, by any relayer, with NonceAlreadyUsed', async function () {
      const f = await load();
      const request = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      await submit(f, request);
      for (const relayer of [f.relayer, f.relayer2]) {
        await expect(submit(f, request, relayer))
          .to.be.revertedWithCustomError(f.registry, 'NonceAlreadyUsed')
          .withArgs(f.statsOperator.address, request.authorization.nonce);
      }
      // The nonce is spent whatever it signed: another action with the same nonce is a replay too.
      const other = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v3'), {
        nonce: BigInt(request.authorization.nonce),
      });
      await expect(submit(f, other)).to.be.revertedWithCustomError(f.registry, 'NonceAlreadyUsed');
    });

    it('keeps one nonce space per contract and per signer', async function () {
      const f = await load();
      const nonce = 42n;
      await submit(f, await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'), { nonce }));
      await submit(f, await sign(f, f.statsOperator2, 'Anchor', fileItem(CENSUS.key, 'census v3'), { nonce }));
      const grant = await sign(
        f,
        f.statsOperator,
        'GrantAccess',
        { datasetId: f.censusId, granteeAgencyId: 2, expiresAt: (await time.latest()) + 1000, purpose: 'p' },
        { nonce },
      );
      await expect(submit(f, grant)).to.emit(f.grants, 'AccessGranted');
      expect(await f.registry.nonceUsed(f.statsOperator.address, nonce)).to.be.true;
      expect(await f.registry.nonceUsed(f.healthOperator.address, nonce)).to.be.false;
    });

    it('rejects a signature whose nonce the signer invalidated first', async function () {
      const f = await load();
      const request = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      const nonce = request.authorization.nonce;
      await expect(f.registry.connect(f.statsOperator).invalidateNonce(nonce))
        .to.emit(f.registry, 'NonceInvalidated')
        .withArgs(f.statsOperator.address, nonce);
      expect(await f.registry.nonceUsed(f.statsOperator.address, nonce)).to.be.true;
      await expect(submit(f, request))
        .to.be.revertedWithCustomError(f.registry, 'NonceAlreadyUsed')
        .withArgs(f.statsOperator.address, nonce);
      await expect(f.registry.connect(f.statsOperator).invalidateNonce(nonce))
        .to.be.revertedWithCustomError(f.registry, 'NonceAlreadyUsed')
        .withArgs(f.statsOperator.address, nonce);
    });

    it('rejects a signature of another key than the named signer with InvalidSignature', async function () {
      const f = await load();
      const bySecond = await sign(f, f.statsOperator2, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      const forged = { ...bySecond, authorization: { ...bySecond.authorization, signer: f.statsOperator.address } };
      await expect(submit(f, forged))
        .to.be.revertedWithCustomError(f.registry, 'InvalidSignature')
        .withArgs(f.statsOperator.address);
      const junk = { ...bySecond, authorization: { ...bySecond.authorization, signature: '0x' + '11'.repeat(65) } };
      await expect(submit(f, junk)).to.be.revertedWithCustomError(f.registry, 'InvalidSignature');
      const short = { ...bySecond, authorization: { ...bySecond.authorization, signature: '0x1234' } };
      await expect(submit(f, short)).to.be.revertedWithCustomError(f.registry, 'InvalidSignature');
    });

    it('rejects every tampered argument, nonce or deadline with InvalidSignature', async function () {
      const f = await load();
      const anchor = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2', 'ipfs://v2'));
      const tamperedAnchors: SignedRequest<'Anchor'>[] = [
        { ...anchor, args: { ...anchor.args, uri: 'ipfs://elsewhere' } },
        { ...anchor, args: { ...anchor.args, contentHash: digest('other content') } },
        { ...anchor, args: { ...anchor.args, kind: 2, fileCount: 1 } },
        { ...anchor, args: { ...anchor.args, datasetKey: 'hunan.stats/other' } },
        { ...anchor, authorization: { ...anchor.authorization, deadline: anchor.authorization.deadline + 1 } },
        { ...anchor, authorization: { ...anchor.authorization, nonce: '1' } },
      ];
      for (const tampered of tamperedAnchors) {
        await expect(submit(f, tampered))
          .to.be.revertedWithCustomError(f.registry, 'InvalidSignature')
          .withArgs(f.statsOperator.address);
      }
      const batch = await sign(f, f.statsOperator, 'AnchorBatch', {
        items: [fileItem(CENSUS.key, 'a'), fileItem(CENSUS.key, 'b')],
      });
      const tamperedBatches: SignedRequest<'AnchorBatch'>[] = [
        { ...batch, args: { items: [batch.args.items[1], batch.args.items[0]] } }, // reordered
        { ...batch, args: { items: [batch.args.items[0]] } }, // an item dropped
        { ...batch, args: { items: [...batch.args.items, fileItem(CENSUS.key, 'c')] } }, // an item added
      ];
      for (const tampered of tamperedBatches) {
        await expect(submit(f, tampered)).to.be.revertedWithCustomError(f.registry, 'InvalidSignature');
      }
      const expiresAt = (await time.latest()) + 1000;
      const grant = await sign(f, f.statsOperator, 'GrantAccess', {
        datasetId: f.censusId,
        granteeAgencyId: 2,
        expiresAt,
        purpose: 'p',
      });
      await expect(
        submit(f, { ...grant, args: { ...grant.args, expiresAt: expiresAt + 365 * 86400 } }),
      ).to.be.revertedWithCustomError(f.grants, 'InvalidSignature');
      // The untouched originals still go through: failed attempts consumed nothing.
      await expect(submit(f, anchor)).to.emit(f.registry, 'Anchored');
      await expect(submit(f, batch)).to.emit(f.registry, 'Anchored');
      await expect(submit(f, grant)).to.emit(f.grants, 'AccessGranted');
    });

    it('rejects a signature made for another contract address or another chain with InvalidSignature', async function () {
      const f = await load();
      const item = fileItem(CENSUS.key, 'census v2');
      const otherContract = await sign(f, f.statsOperator, 'Anchor', item, { contract: f.grantsAddress });
      const otherChain = await sign(f, f.statsOperator, 'Anchor', item, { chainId: 11155111 });
      for (const request of [otherContract, otherChain]) {
        await expect(submit(f, request))
          .to.be.revertedWithCustomError(f.registry, 'InvalidSignature')
          .withArgs(f.statsOperator.address);
      }
      // An AccessGrants action signed for the registry's domain fails on AccessGrants as well.
      const revoke = await sign(
        f,
        f.statsOperator,
        'RevokeGrant',
        { grantId: '1', reason: 'x' },
        {
          contract: f.registryAddress,
        },
      );
      await expect(submit(f, revoke)).to.be.revertedWithCustomError(f.grants, 'InvalidSignature');
    });

    it('rejects the signature of an operator removed before the relay with NotAnOperator', async function () {
      const f = await load();
      const anchor = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      const grant = await sign(f, f.statsOperator, 'GrantAccess', {
        datasetId: f.censusId,
        granteeAgencyId: 2,
        expiresAt: (await time.latest()) + 1000,
        purpose: 'p',
      });
      await f.registry.connect(f.statsAdmin).removeOperator(STATS_ID, f.statsOperator.address);
      await expect(submit(f, anchor))
        .to.be.revertedWithCustomError(f.registry, 'NotAnOperator')
        .withArgs(f.statsOperator.address);
      await expect(submit(f, grant))
        .to.be.revertedWithCustomError(f.registry, 'NotAnOperator')
        .withArgs(f.statsOperator.address);
    });

    it('rejects the signature of an operator whose agency was suspended before the relay with AgencyNotActive', async function () {
      const f = await load();
      const anchor = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      const request = await sign(f, f.healthOperator, 'RequestAccess', { datasetId: f.censusId, purpose: 'p' });
      await f.registry.connect(f.governance).suspendAgency(STATS_ID);
      await f.registry.connect(f.governance).suspendAgency(HEALTH_ID);
      await expect(submit(f, anchor))
        .to.be.revertedWithCustomError(f.registry, 'AgencyNotActive')
        .withArgs(STATS_ID, AgencyStatus.Suspended);
      await expect(submit(f, request))
        .to.be.revertedWithCustomError(f.registry, 'AgencyNotActive')
        .withArgs(HEALTH_ID, AgencyStatus.Suspended);
      // After reinstatement the very same signatures go through: they failed only because of the status.
      await f.registry.connect(f.governance).reinstateAgency(STATS_ID);
      await f.registry.connect(f.governance).reinstateAgency(HEALTH_ID);
      await expect(submit(f, anchor)).to.emit(f.registry, 'Anchored');
      await expect(submit(f, request)).to.emit(f.grants, 'AccessRequested');
    });

    it('rejects the signature of an account that is no operator with NotAnOperator', async function () {
      const f = await load();
      const request = await sign(f, f.stranger, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      await expect(submit(f, request))
        .to.be.revertedWithCustomError(f.registry, 'NotAnOperator')
        .withArgs(f.stranger.address);
    });
  });

  describe('an ERC-1271 wallet as operator', function () {
    it('accepts actions its owner signs for it; the records name the wallet', async function () {
      const f = await load();
      const item = fileItem(CENSUS.key, 'census v2 from the wallet');
      const anchor = await sign(f, f.walletOwner, 'Anchor', item, { account: f.walletAddress });
      expect(anchor.authorization.signer).to.equal(f.walletAddress);
      expect(recoverRequestSigner(anchor)).to.equal(f.walletOwner.address);
      expect(await f.wallet.isValidSignature(signedRequestDigest(anchor), anchor.authorization.signature)).to.equal(
        '0x1626ba7e',
      );
      await expect(submit(f, anchor))
        .to.emit(f.registry, 'Anchored')
        .withArgs(item.contentHash, f.censusId, STATS_ID, 2, AnchorKind.File, 1, f.walletAddress, '')
        .and.to.emit(f.registry, 'SignedActionRelayed')
        .withArgs(f.walletAddress, STATS_ID, f.relayer.address, anchor.authorization.nonce);

      const grant = await sign(
        f,
        f.walletOwner,
        'GrantAccess',
        { datasetId: f.censusId, granteeAgencyId: 2, expiresAt: (await time.latest()) + 1000, purpose: 'wallet' },
        { account: f.walletAddress },
      );
      await expect(submit(f, grant))
        .to.emit(f.grants, 'AccessGranted')
        .withArgs(1, f.censusId, HEALTH_ID, 0, grant.args.expiresAt, f.walletAddress, 'wallet');
    });

    it('rejects a signature by a key that does not own the wallet', async function () {
      const f = await load();
      const request = await sign(f, f.stranger, 'Anchor', fileItem(CENSUS.key, 'census v2'), {
        account: f.walletAddress,
      });
      await expect(submit(f, request))
        .to.be.revertedWithCustomError(f.registry, 'InvalidSignature')
        .withArgs(f.walletAddress);
      // Nor does the owner's signature count for the owner's own address: the owner is no operator.
      const asOwner = await sign(f, f.walletOwner, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      await expect(submit(f, asOwner))
        .to.be.revertedWithCustomError(f.registry, 'NotAnOperator')
        .withArgs(f.walletOwner.address);
    });

    it('lets the wallet cancel a nonce with a call of its own', async function () {
      const f = await load();
      const request = await sign(f, f.walletOwner, 'Anchor', fileItem(CENSUS.key, 'census v2'), {
        account: f.walletAddress,
      });
      const call = f.registry.interface.encodeFunctionData('invalidateNonce', [request.authorization.nonce]);
      await expect(f.wallet.connect(f.walletOwner).execute(f.registryAddress, call))
        .to.emit(f.registry, 'NonceInvalidated')
        .withArgs(f.walletAddress, request.authorization.nonce);
      await expect(submit(f, request)).to.be.revertedWithCustomError(f.registry, 'NonceAlreadyUsed');
      await expect(f.wallet.connect(f.stranger).execute(f.registryAddress, call))
        .to.be.revertedWithCustomError(f.wallet, 'NotWalletOwner')
        .withArgs(f.stranger.address);
      // The wallet bubbles up the target's revert data.
      await expect(f.wallet.connect(f.walletOwner).execute(f.registryAddress, call)).to.be.revertedWithCustomError(
        f.registry,
        'NonceAlreadyUsed',
      );
    });
  });

  describe('parallel relay of many signatures of one operator', function () {
    it('accepts 50 signatures made in 5 parallel sessions, relayed in shuffled order by 3 relayers in one block', async function () {
      const f = await load();
      const deadline = (await time.latest()) + 3600;
      // Five signing sessions of the same operator key at once, each with its own random nonce word.
      const sessions = await Promise.all(
        [0, 1, 2, 3, 4].map(async (session) => {
          const next = nonceSequence();
          const requests: SignedRequest<'Anchor'>[] = [];
          for (let i = 0; i < 10; i++) {
            const item = fileItem(CENSUS.key, `census part ${session}-${i}`);
            requests.push(await sign(f, f.statsOperator, 'Anchor', item, { nonce: next(), deadline }));
          }
          return requests;
        }),
      );
      const requests = shuffled(sessions.flat());
      expect(new Set(requests.map((r) => r.authorization.nonce)).size).to.equal(50);

      const singles = requests.slice(0, 20);
      const batches = [requests.slice(20, 35), requests.slice(35, 50)];
      const relayers: HardhatEthersSigner[] = [f.relayer, f.relayer2, f.spare[0]];
      await network.provider.send('evm_setAutomine', [false]);
      let responses: ContractTransactionResponse[];
      try {
        // Each relayer sends its share one transaction after the other (its own account nonces); relayers in parallel.
        const shares = await Promise.all(
          relayers.map(async (relayer, r) => {
            const sent: ContractTransactionResponse[] = [];
            for (const request of singles.filter((_, i) => i % relayers.length === r)) {
              const contract = f.registry.connect(relayer);
              sent.push(
                await contract.anchorBySig(...(bySigCallArgs(request) as [never, never]), { gasLimit: 300_000 }),
              );
            }
            if (r < batches.length) {
              const calls = batches[r].map((request) => callData(f, request));
              sent.push(await f.registry.connect(relayer).relayBatch(calls, { gasLimit: 5_000_000 }));
            }
            return sent;
          }),
        );
        responses = shares.flat();
        await network.provider.send('evm_mine', []);
      } finally {
        await network.provider.send('evm_setAutomine', [true]);
      }

      const receipts = await Promise.all(responses.map((response) => response.wait()));
      expect(new Set(receipts.map((receipt) => receipt!.blockNumber)).size).to.equal(1);
      const events = receipts.flatMap((receipt) => parsedLogs(f, receipt));
      expect(events.filter((e) => e!.name === 'RelayItemFailed')).to.be.empty;
      const relayed = events.filter((e) => e!.name === 'SignedActionRelayed');
      expect(relayed).to.have.length(50);
      expect(new Set(relayed.map((e) => e!.args.relayer))).to.have.length(3);

      const versions = events.filter((e) => e!.name === 'Anchored').map((e) => Number(e!.args.version));
      expect([...versions].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 2));
      for (const request of requests) {
        const info = await f.registry.lookup(request.args.contentHash);
        expect(info.anchored).to.be.true;
        expect(info.agencyId).to.equal(STATS_ID);
        expect(await f.registry.nonceUsed(f.statsOperator.address, request.authorization.nonce)).to.be.true;
      }
    });
  });

  describe('relayBatch semantics', function () {
    it('reports a replayed and an expired item with RelayItemFailed at their indexes; the others take effect', async function () {
      const f = await load();
      const now = await time.latest();
      const replayed = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'replayed'));
      await submit(f, replayed);
      const expired = await sign(f, f.statsOperator2, 'Anchor', fileItem(CENSUS.key, 'expired'), {
        deadline: now + 30,
      });
      const good = await Promise.all(
        ['a', 'b', 'c'].map((label) => sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, `good ${label}`))),
      );
      await time.increase(60);
      const batch = [good[0], replayed, good[1], expired, good[2]];
      const calls = batch.map((request) => callData(f, request));

      expect(await f.registry.connect(f.relayer).relayBatch.staticCall(calls)).to.deep.equal([
        true,
        false,
        true,
        false,
        true,
      ]);
      const tx = await f.registry.connect(f.relayer).relayBatch(calls);
      const events = parsedLogs(f, await tx.wait());
      const failures = events.filter((e) => e!.name === 'RelayItemFailed');
      expect(failures.map((e) => Number(e!.args.index))).to.deep.equal([1, 3]);
      const reasons = failures.map((e) => f.registry.interface.parseError(e!.args.reason)!);
      expect(reasons.map((r) => r.name)).to.deep.equal(['NonceAlreadyUsed', 'SignatureExpired']);
      expect(reasons[0].args.signer).to.equal(f.statsOperator.address);
      expect(reasons[0].args.nonce).to.equal(BigInt(replayed.authorization.nonce));
      expect(reasons[1].args.deadline).to.equal(BigInt(expired.authorization.deadline));

      for (const request of good) expect((await f.registry.lookup(request.args.contentHash)).anchored).to.be.true;
      expect((await f.registry.lookup(expired.args.contentHash)).anchored).to.be.false;
      const relayed = events.filter((e) => e!.name === 'SignedActionRelayed');
      expect(relayed.map((e) => e!.args.relayer)).to.deep.equal([
        f.relayer.address,
        f.relayer.address,
        f.relayer.address,
      ]);
      expect(relayed.map((e) => e!.args.nonce.toString())).to.deep.equal(good.map((r) => r.authorization.nonce));
    });

    it('runs a signed anchor batch all or nothing, inside relayBatch too', async function () {
      const f = await load();
      const items = [
        fileItem(CENSUS.key, 'new 1'),
        fileItem(CENSUS.key, 'census-2020.csv v1'),
        fileItem(CENSUS.key, 'new 2'),
      ];
      expect(items[1].contentHash).to.equal(CENSUS.hash); // already anchored as version 1
      const batch = await sign(f, f.statsOperator, 'AnchorBatch', { items });
      await expect(submit(f, batch))
        .to.be.revertedWithCustomError(f.registry, 'ContentAlreadyAnchored')
        .withArgs(CENSUS.hash, f.censusId, 1);

      const single = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'single'));
      const tx = await f.registry.connect(f.relayer).relayBatch([callData(f, batch), callData(f, single)]);
      const events = parsedLogs(f, await tx.wait());
      const failures = events.filter((e) => e!.name === 'RelayItemFailed');
      expect(failures.map((e) => Number(e!.args.index))).to.deep.equal([0]);
      expect(f.registry.interface.parseError(failures[0]!.args.reason)!.name).to.equal('ContentAlreadyAnchored');
      expect(events.filter((e) => e!.name === 'Anchored')).to.have.length(1);
      for (const item of [items[0], items[2]]) expect((await f.registry.lookup(item.contentHash)).anchored).to.be.false;
      expect((await f.registry.lookup(single.args.contentHash)).version).to.equal(2n);
      // The failed batch consumed nothing: its nonce is still free.
      expect(await f.registry.nonceUsed(f.statsOperator.address, batch.authorization.nonce)).to.be.false;
    });

    it('takes 1 to 256 calls: 0 and 257 revert with RelayBatchSizeOutOfRange', async function () {
      const f = await load();
      const registry = f.registry.connect(f.relayer);
      await expect(registry.relayBatch([]))
        .to.be.revertedWithCustomError(registry, 'RelayBatchSizeOutOfRange')
        .withArgs(0, 256);
      await expect(registry.relayBatch(Array(257).fill('0x')))
        .to.be.revertedWithCustomError(registry, 'RelayBatchSizeOutOfRange')
        .withArgs(257, 256);
      await expect(f.grants.connect(f.relayer).relayBatch([]))
        .to.be.revertedWithCustomError(f.grants, 'RelayBatchSizeOutOfRange')
        .withArgs(0, 256);
      // 256 calls are accepted; these 256 empty calls match no function, so each is reported, none reverts the batch.
      const tx = await registry.relayBatch(Array(256).fill('0x'));
      const failures = parsedLogs(f, await tx.wait()).filter((e) => e!.name === 'RelayItemFailed');
      expect(failures).to.have.length(256);
      expect(failures[255]!.args.index).to.equal(255n);
      expect(failures[255]!.args.reason).to.equal('0x');
    });

    it('runs each item as the relayer itself: it gains no power from the batch', async function () {
      const f = await load();
      const direct = f.registry.interface.encodeFunctionData('anchor', [CENSUS.key, digest('x'), 1, 1, '']);
      const nonce = 7n;
      const invalidate = f.registry.interface.encodeFunctionData('invalidateNonce', [nonce]);
      const tx = await f.registry.connect(f.relayer).relayBatch([direct, invalidate]);
      const events = parsedLogs(f, await tx.wait());
      const failure = events.find((e) => e!.name === 'RelayItemFailed')!;
      expect(failure.args.index).to.equal(0n);
      const reason = f.registry.interface.parseError(failure.args.reason)!;
      expect(reason.name).to.equal('NotAnOperator');
      expect(reason.args.account).to.equal(f.relayer.address);
      // invalidateNonce in a batch cancels the relayer's own nonce, never an operator's.
      expect(await f.registry.nonceUsed(f.relayer.address, nonce)).to.be.true;
      expect(await f.registry.nonceUsed(f.statsOperator.address, nonce)).to.be.false;
    });

    it('carries dependent AccessGrants actions in order: a request and its approval in one batch', async function () {
      const f = await load();
      const requestAccess = await sign(f, f.healthOperator, 'RequestAccess', { datasetId: f.censusId, purpose: 'p' });
      const approve = await sign(f, f.statsOperator, 'ApproveRequest', {
        requestId: '1',
        expiresAt: (await time.latest()) + 1000,
      });
      const tx = await f.grants.connect(f.relayer).relayBatch([callData(f, requestAccess), callData(f, approve)]);
      await expect(tx).to.emit(f.grants, 'AccessGranted').and.not.to.emit(f.grants, 'RelayItemFailed');
      expect((await f.grants.getRequest(1)).status).to.equal(RequestStatus.Approved);
    });
  });

  describe('relaySignedActions (src/client)', function () {
    it('submits one request directly through its ...BySig function and returns its events', async function () {
      const f = await load();
      const request = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      const result = await relaySignedActions(f.relayer, { requests: [request] });
      expect(result.transactions.map((t) => t.method)).to.deep.equal(['anchorBySig']);
      expect(result.relayer).to.equal(f.relayer.address);
      const [item] = result.results;
      expect(item.ok).to.be.true;
      expect(item.transactionHash).to.equal(result.transactions[0].hash);
      expect(item.events.map((e) => e.name)).to.deep.equal(['Anchored', 'SignedActionRelayed']);
      expect(item.events[0].args.version).to.equal(2n);
      expect(result.transactions[0].fee).to.be.greaterThan(0n);
    });

    it('does not send a request that would revert, and decodes why', async function () {
      const f = await load();
      const request = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      await submit(f, request);
      const result = await relaySignedActions(f.relayer, { requests: [request] });
      expect(result.transactions).to.be.empty;
      const [item] = result.results;
      expect(item.ok).to.be.false;
      expect(item.transactionHash).to.be.undefined;
      expect(item.error!.name).to.equal('NonceAlreadyUsed');
      expect(item.error!.args).to.deep.equal({ signer: f.statsOperator.address, nonce: request.authorization.nonce });
      expect(item.error!.message).to.match(/^NonceAlreadyUsed\(signer=0x[0-9a-fA-F]{40}, nonce=\d+\)$/);
    });

    it('relays many through relayBatch with per-item results, decoding registry errors raised in AccessGrants', async function () {
      const f = await load();
      const requestAccess = await sign(f, f.healthOperator, 'RequestAccess', { datasetId: f.censusId, purpose: 'p' });
      const approve = await sign(f, f.statsOperator, 'ApproveRequest', {
        requestId: '1',
        expiresAt: (await time.latest()) + 1000,
      });
      const byStranger = await sign(f, f.stranger, 'RequestAccess', { datasetId: f.censusId, purpose: 'q' });
      const replayed = await sign(f, f.statsOperator2, 'DenyRequest', { requestId: '1', reason: 'too late' });
      const result = await relaySignedActions(f.relayer, { requests: [requestAccess, byStranger, approve, replayed] });

      expect(result.transactions.map((t) => t.method)).to.deep.equal(['relayBatch']);
      expect(result.results.map((r) => r.ok)).to.deep.equal([true, false, true, false]);
      expect(result.results[1].error!.name).to.equal('NotAnOperator');
      expect(result.results[1].error!.args.account).to.equal(f.stranger.address);
      expect(result.results[3].error!.name).to.equal('RequestNotPending');
      expect(result.results[0].events.map((e) => e.name)).to.deep.equal(['AccessRequested', 'SignedActionRelayed']);
      expect(result.results[2].events.map((e) => e.name)).to.deep.equal(['AccessGranted', 'SignedActionRelayed']);
      expect(result.results[2].events[0].args.operator).to.equal(f.statsOperator.address);
      for (const item of result.results) expect(item.transactionHash).to.equal(result.transactions[0].hash);
    });

    it('splits into transactions of batchSize, or sends each alone in single mode', async function () {
      const f = await load();
      const next = nonceSequence();
      const requests = await Promise.all(
        [1, 2, 3, 4, 5].map((i) =>
          sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, `v${i}`), { nonce: next() }),
        ),
      );
      const batched = await relaySignedActions(f.relayer, { requests: requests.slice(0, 3), batchSize: 2 });
      expect(batched.transactions.map((t) => t.items)).to.deep.equal([[0, 1], [2]]);
      expect(batched.results.every((r) => r.ok)).to.be.true;
      expect(batched.results.map((r) => r.events[0].args.version)).to.deep.equal([2n, 3n, 4n]);

      const singles = await relaySignedActions(f.relayer, { requests: requests.slice(3), mode: 'single' });
      expect(singles.transactions.map((t) => t.method)).to.deep.equal(['anchorBySig', 'anchorBySig']);
      expect(singles.results.every((r) => r.ok)).to.be.true;
    });

    it('refuses requests for several contracts or for another chain, with one-line messages', async function () {
      const f = await load();
      const anchor = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'v2'));
      const grant = await sign(f, f.statsOperator, 'RevokeGrant', { grantId: '1', reason: 'r' });
      const otherChain = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'v3'), { chainId: 5 });
      await expectRejection(relaySignedActions(f.relayer, { requests: [anchor, grant] }), /relay each contract/);
      await expectRejection(relaySignedActions(f.relayer, { requests: [otherChain] }), /signed for chain 5/);
      await expectRejection(relaySignedActions(f.relayer, { requests: [] }), /no signed requests/);
      await expectRejection(relaySignedActions(f.relayer, { requests: [anchor], batchSize: 257 }), /batch size/);
    });
  });

  describe('govanchor-signed/1 files', function () {
    it('round-trips every action through format and parse, and the relay accepts the parsed requests', async function () {
      const f = await load();
      const expiresAt = (await time.latest()) + 1000;
      const requests: SignedRequest[] = [
        await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'v2', 'ipfs://v2')),
        await sign(f, f.statsOperator, 'AnchorBatch', { items: [fileItem(CENSUS.key, 'v3')] }),
        await sign(f, f.statsOperator, 'Withdraw', { contentHash: CENSUS.hash, reason: 'r' }),
        await sign(f, f.healthOperator, 'RequestAccess', { datasetId: f.censusId, purpose: 'p' }),
        await sign(f, f.statsOperator, 'ApproveRequest', { requestId: '1', expiresAt }),
        await sign(f, f.statsOperator, 'DenyRequest', { requestId: '1', reason: 'r' }),
        await sign(f, f.healthOperator, 'GrantAccess', {
          datasetId: f.clinicsId,
          granteeAgencyId: 1,
          expiresAt,
          purpose: 'p',
        }),
        await sign(f, f.healthOperator, 'RevokeGrant', { grantId: '2', reason: 'r' }), // grant 2: the direct grant
      ];
      const text = formatSignedRequestFile(requests);
      expect(JSON.parse(text).format).to.equal(SIGNED_REQUEST_FORMAT);
      const parsed = parseSignedRequestFileText(text, 'all.signed.json');
      expect(parsed).to.deep.equal(requests);
      for (const request of parsed) expect(recoverRequestSigner(request)).to.equal(request.authorization.signer);

      const registryResults = await relaySignedActions(f.relayer, { requests: parsed.slice(0, 3) });
      expect(registryResults.results.map((r) => r.ok)).to.deep.equal([true, true, true]);
      const grantsResults = await relaySignedActions(f.relayer, { requests: parsed.slice(3) });
      // The request is approved, so the denial of the same request fails; the grant and its revocation go through.
      expect(grantsResults.results.map((r) => r.ok)).to.deep.equal([true, true, false, true, true]);
      expect(grantsResults.results[2].error!.name).to.equal('RequestNotPending');
    });

    it('normalises addresses and hex and accepts small integers written as strings', async function () {
      const f = await load();
      const request = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'v2'));
      const loose = JSON.parse(JSON.stringify(request));
      loose.contract = loose.contract.toLowerCase();
      loose.args.contentHash = loose.args.contentHash.toUpperCase().replace('0X', '0x');
      loose.args.fileCount = '1';
      loose.authorization.signer = loose.authorization.signer.toLowerCase();
      expect(parseSignedRequest(loose)).to.deep.equal(request);
    });

    it('rejects malformed files with one-line messages naming the field', async function () {
      const f = await load();
      const good = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'v2'));
      const file = (mutate: (request: LooseRequest) => void, root: Record<string, unknown> = {}) => {
        const request = JSON.parse(JSON.stringify(good));
        mutate(request);
        return { format: SIGNED_REQUEST_FORMAT, requests: [request], ...root };
      };
      const cases: [unknown, RegExp][] = [
        [[], /the document must be an object/],
        [{ format: 'govanchor-signed/2', requests: [] }, /format "govanchor-signed\/2" is not supported/],
        [{ format: 'govanchor-receipt/1' }, /format must be "govanchor-signed\/1"/],
        [{ format: SIGNED_REQUEST_FORMAT, requests: [] }, /requests must be a non-empty array/],
        [file((r) => (r.action = 'Mint')), /requests\[0\]\.action must be one of Anchor, AnchorBatch/],
        [file((r) => (r.chainId = 0)), /requests\[0\]\.chainId must be a whole number >= 1/],
        [file((r) => (r.contract = '0x1234')), /requests\[0\]\.contract must be an address/],
        [file((r) => (r.args.contentHash = '0x1234')), /args\.contentHash must be 0x followed by 64 hex digits/],
        [file((r) => delete r.args.uri), /args\.uri is missing/],
        [file((r) => (r.args.extra = 1)), /args\.extra is not a field of this action/],
        [file((r) => (r.args.kind = 3)), /args\.kind must be 1 \(file\) or 2 \(tree\)/],
        [file((r) => (r.args.fileCount = 2)), /args\.fileCount must be 1 for a file/],
        [file((r) => (r.args.fileCount = -1)), /args\.fileCount must be a whole number from 0 to 4294967295/],
        [
          file((r) => (r.authorization!.nonce = (1n << 256n).toString())),
          /authorization\.nonce must be a whole number/,
        ],
        [file((r) => (r.authorization!.deadline = 2 ** 48)), /authorization\.deadline must be a whole number/],
        [file((r) => (r.authorization!.signature = '0x')), /authorization\.signature must not be empty/],
        [file((r) => (r.authorization!.signature = '0x123')), /authorization\.signature must be hex bytes/],
        [file((r) => delete r.authorization), /requests\[0\]\.authorization must be an object/],
        [
          file((r) => {
            r.action = 'AnchorBatch';
            r.args = { items: [] };
          }),
          /args\.items must hold 1 to 256 items, not 0/,
        ],
        [
          file((r) => {
            r.action = 'AnchorBatch';
            r.args = { items: [{ ...r.args, kind: 2, fileCount: 0 }] };
          }),
          /args\.items\[0\]\.fileCount must be at least 1/,
        ],
      ];
      for (const [value, pattern] of cases) {
        let caught: unknown;
        try {
          parseSignedRequestFile(value, 'x.json');
        } catch (error) {
          caught = error;
        }
        expect(caught, String(pattern)).to.be.instanceOf(SignedRequestError);
        const message = (caught as Error).message;
        expect(message, String(pattern)).to.match(pattern);
        expect(message).to.match(/^x\.json is not a valid govanchor signed-request file: /);
        expect(message).not.to.contain('\n');
      }
      expect(() => parseSignedRequestFileText('{"format":', 'y.json')).to.throw(
        SignedRequestError,
        /^y\.json .*not valid JSON/,
      );
      await expectRejection(
        signRequest(f.statsOperator, {
          chainId: f.chainId,
          contract: f.registryAddress,
          action: 'Anchor',
          args: { ...fileItem(CENSUS.key, 'v2'), kind: 2, fileCount: 0 },
          deadline: 1,
        }),
        /^cannot sign: args\.fileCount must be at least 1$/,
      );
    });

    it('draws random nonces; a session shares one random word for 256 nonces, then takes another', function () {
      const a = randomNonce();
      const b = randomNonce();
      expect(a).to.not.equal(b);
      expect(a < 1n << 256n).to.be.true;
      const next = nonceSequence();
      const nonces = Array.from({ length: 300 }, () => next());
      expect(new Set(nonces).size).to.equal(300);
      expect(nonces.slice(0, 256).map((n) => Number(n & 0xffn))).to.deep.equal(
        Array.from({ length: 256 }, (_, i) => i),
      );
      expect(new Set(nonces.slice(0, 256).map((n) => n >> 8n)).size).to.equal(1);
      expect(nonces[256] >> 8n).to.not.equal(nonces[0] >> 8n);
      expect(nonces[256] & 0xffn).to.equal(0n);
      expect(nonceSequence()() >> 8n).to.not.equal(nonces[0] >> 8n);
    });
  });

  describe('gas', function () {
    it('measures the gas of a relayed anchor (a new version of an existing dataset) against EAS attestByDelegation', async function () {
      const f = await load();
      const gasOf = async (tx: Promise<ContractTransactionResponse>) => (await (await tx).wait())!.gasUsed;
      const directGas = await gasOf(
        f.registry.connect(f.statsOperator2).anchor(CENSUS.key, digest('direct'), AnchorKind.File, 1, ''),
      );

      // A one-off signature: a random nonce, so its bitmap word is new storage.
      const fresh = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'fresh'), { nonce: randomNonce() });
      const freshGas = await gasOf(submit(f, fresh));
      // The next nonce of the same session: its bitmap word is already in use.
      const next = nonceSequence();
      await submit(f, await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'warm-up'), { nonce: next() }));
      const sameWord = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'same word'), { nonce: next() });
      const sameWordGas = await gasOf(submit(f, sameWord));
      // Fifty of one session in one relayBatch.
      const many = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, `batched ${i}`), { nonce: next() }),
        ),
      );
      const batchGas = await gasOf(f.registry.connect(f.relayer).relayBatch(many.map((r) => callData(f, r))));

      const rows = [
        ['anchor() sent by the operator itself (no signature)', directGas],
        ['anchorBySig relayed, random nonce (new nonce word)', freshGas],
        ['anchorBySig relayed, nonce in a used word', sameWordGas],
        ['relayBatch of 50 anchorBySig, per item', batchGas / 50n],
        ['EAS attestByDelegation (reference, issue #7)', EAS_ATTEST_BY_DELEGATION_GAS],
      ] as const;
      console.log('\n      gas per anchored version (new version of an existing dataset, empty URI):');
      for (const [label, gas] of rows) console.log(`        ${label.padEnd(56)} ${gas.toLocaleString('en-US')}`);

      expect(freshGas).to.be.lessThan(EAS_ATTEST_BY_DELEGATION_GAS);
      expect(sameWordGas).to.be.lessThan(freshGas);
      expect(batchGas / 50n).to.be.lessThan(sameWordGas);
    });
  });
});

/** A signed request as loose JSON, for tests that break it. */
interface LooseRequest {
  action: unknown;
  chainId: unknown;
  contract: unknown;
  args: Record<string, unknown>;
  authorization?: Record<string, unknown>;
}

async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a rejection matching ${pattern}`).to.be.instanceOf(Error);
  expect((caught as Error).message).to.match(pattern);
  expect((caught as Error).message).not.to.contain('\n');
}

/**
 * Attack tests (issue #6, item 2): replayed, malleated, cross-chain, cross-contract and cross-account signatures.
 * test/SignedActions.test.ts covers the plain rejections (deadline, replay of one signature, wrong key, tampered
 * arguments); these tests try harder.
 */
import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';
import { Signature, getBytes, toBeHex, type Signer } from 'ethers';
import {
  AccessGrants__factory,
  AddressBoundERC1271Wallet__factory,
  DatasetRegistry__factory,
  MinimalERC1271Wallet__factory,
} from '../../typechain-types';
import { signedRequestDigest, type SignedRequest } from '../../src/core/signedActions';
import { CENSUS, DAY, HEALTH_ID, RequestStatus, STATS_ID, digest } from '../fixtures';
import { attackFixture, callData, fileItem, relayFailures, sign, submit } from './helpers';

/** secp256k1's group order: s and n - s are both valid ECDSA s values for the same signature. */
const SECP256K1_N = BigInt('0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141');

/** A third agency, `hunan.edu` (id 3), with admin and operator from the spare accounts and a dataset of its own. */
async function threeAgenciesFixture() {
  const f = await attackFixture();
  const [eduAdmin, eduOperator, keyHolder, ...spare] = f.newcomers;
  await f.registry.registerAgency('hunan.edu', 'Hunan Education Department', '', eduAdmin.address);
  await f.registry.connect(eduAdmin).addOperator(3, eduOperator.address);
  await f.registry.connect(eduOperator).anchor('hunan.edu/schools', digest('schools v1'), 1, 1, '');
  const schoolsId = await f.registry.datasetIdOf('hunan.edu/schools');
  return { ...f, eduAdmin, eduOperator, keyHolder, spare, schoolsId };
}

/** The same signature with s replaced by n - s and v flipped: the other valid ECDSA encoding of it. */
function malleated(signature: string): string {
  const sig = Signature.from(signature);
  const s = SECP256K1_N - BigInt(sig.s);
  return ethers.concat([sig.r, toBeHex(s, 32), new Uint8Array([sig.v === 27 ? 28 : 27])]);
}

function withSignature<R extends SignedRequest>(request: R, signature: string, signer?: string): R {
  return {
    ...request,
    authorization: { ...request.authorization, signature, signer: signer ?? request.authorization.signer },
  };
}

describe('Attack: replayed and cross-domain signatures', function () {
  describe('replay', function () {
    it('relays a signature once: again directly, by any relayer, or twice in one relayBatch, it fails NonceAlreadyUsed', async function () {
      const f = await loadFixture(attackFixture);
      const anchor = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      await expect(submit(f, anchor)).to.emit(f.registry, 'Anchored');
      for (const relayer of [f.relayer, f.healthOperator, f.governance, f.statsOperator] as Signer[]) {
        await expect(submit(f, anchor, relayer)).to.be.revertedWithCustomError(f.registry, 'NonceAlreadyUsed');
      }
      const fresh = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v3'));
      const tx = await f.registry
        .connect(f.relayer)
        .relayBatch([callData(f, fresh), callData(f, fresh), callData(f, anchor)]);
      expect([...relayFailures(f, await tx.wait()).entries()]).to.deep.equal([
        [1, 'NonceAlreadyUsed'],
        [2, 'NonceAlreadyUsed'],
      ]);
      expect((await f.registry.getDataset(await f.registry.datasetIdOf(CENSUS.key))).versionCount).to.equal(3n);
    });

    it('accepts no second encoding of a signature: the high-s and the 64-byte compact forms are InvalidSignature', async function () {
      const f = await loadFixture(attackFixture);
      const request = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      const signature = request.authorization.signature;
      const compact = Signature.from(signature).compactSerialized;
      expect(getBytes(compact)).to.have.length(64);
      for (const copy of [malleated(signature), compact]) {
        await expect(submit(f, withSignature(request, copy)))
          .to.be.revertedWithCustomError(f.registry, 'InvalidSignature')
          .withArgs(f.statsOperator.address);
      }
      // The rejected copies consumed nothing: the genuine signature still works, once.
      await expect(submit(f, request)).to.emit(f.registry, 'Anchored');
      await expect(submit(f, withSignature(request, malleated(signature)))).to.be.revertedWithCustomError(
        f.registry,
        'NonceAlreadyUsed',
      );
    });

    it('cannot replay a signed AccessGrants action after it took effect, even once the state would allow it again', async function () {
      const f = await loadFixture(attackFixture);
      const request = await sign(f, f.statsOperator, 'RequestAccess', {
        datasetId: await f.registry.datasetIdOf('hunan.health/clinics'),
        purpose: 'epidemiology study',
      });
      await expect(submit(f, request)).to.emit(f.grants, 'AccessRequested');
      // The request is cancelled, so a new identical request would be valid: the old signature still is not.
      await f.grants.connect(f.statsOperator).cancelRequest(1);
      await expect(submit(f, request)).to.be.revertedWithCustomError(f.grants, 'NonceAlreadyUsed');
      expect((await f.grants.counts()).requests).to.equal(1n);
    });
  });

  describe('cross-chain and cross-contract', function () {
    it('rejects signatures made for other chains (mainnet, Sepolia, Conflux eSpace) with InvalidSignature', async function () {
      const f = await loadFixture(attackFixture);
      for (const chainId of [1, 11155111, 71, 1030]) {
        const anchor = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, `census for ${chainId}`), {
          chainId,
        });
        await expect(submit(f, { ...anchor, chainId: f.chainId })).to.be.revertedWithCustomError(
          f.registry,
          'InvalidSignature',
        );
      }
    });

    it('rejects a signature made for another deployment of the suite on the same chain, both ways', async function () {
      const f = await loadFixture(attackFixture);
      // A second deployment with the same agencies and operators (e.g. a staging copy).
      const registry2 = await new DatasetRegistry__factory(f.governance).deploy(2n * DAY, f.governance, f.governance);
      const grants2 = await new AccessGrants__factory(f.governance).deploy(await registry2.getAddress());
      await registry2.registerAgency('hunan.stats', 'Stats', '', f.statsAdmin.address);
      await registry2.registerAgency('hunan.health', 'Health', '', f.healthAdmin.address);
      await registry2.connect(f.statsAdmin).addOperator(STATS_ID, f.statsOperator.address);
      await registry2.connect(f.healthAdmin).addOperator(HEALTH_ID, f.healthOperator.address);
      await registry2
        .connect(f.healthOperator)
        .anchor('hunan.health/clinics', digest('clinics v1 (staging)'), 1, 1, '');

      const forStaging = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'staging census'), {
        contract: await registry2.getAddress(),
      });
      await expect(submit(f, { ...forStaging, contract: f.registryAddress })).to.be.revertedWithCustomError(
        f.registry,
        'InvalidSignature',
      );
      const forProduction = await sign(f, f.statsOperator, 'RequestAccess', {
        datasetId: await f.registry.datasetIdOf('hunan.health/clinics'),
        purpose: 'research',
      });
      const args = [forProduction.args.datasetId, forProduction.args.purpose] as const;
      const auth = { ...forProduction.authorization, nonce: BigInt(forProduction.authorization.nonce) };
      await expect(grants2.connect(f.relayer).requestAccessBySig(...args, auth)).to.be.revertedWithCustomError(
        grants2,
        'InvalidSignature',
      );
      // Each signature works where it was made for.
      await expect(submit(f, forProduction)).to.emit(f.grants, 'AccessRequested');
      const stagingAuth = { ...forStaging.authorization, nonce: BigInt(forStaging.authorization.nonce) };
      await expect(registry2.connect(f.relayer).anchorBySig(forStaging.args, stagingAuth)).to.emit(
        registry2,
        'Anchored',
      );
    });

    it("rejects an AccessGrants action signed with the registry's address in its domain, and the reverse", async function () {
      const f = await loadFixture(attackFixture);
      const request = await sign(
        f,
        f.statsOperator,
        'RequestAccess',
        { datasetId: await f.registry.datasetIdOf('hunan.health/clinics'), purpose: 'research' },
        { contract: f.registryAddress },
      );
      await expect(submit(f, request)).to.be.revertedWithCustomError(f.grants, 'InvalidSignature');
      const anchor = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'v2'), {
        contract: f.grantsAddress,
      });
      await expect(submit(f, anchor)).to.be.revertedWithCustomError(f.registry, 'InvalidSignature');
    });
  });

  describe('signer binding', function () {
    it('rejects an operator’s signature submitted under another operator’s name (same agency or not)', async function () {
      const f = await loadFixture(attackFixture);
      const request = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'census v2'));
      for (const other of [f.statsOperator2, f.healthOperator]) {
        await expect(submit(f, withSignature(request, request.authorization.signature, other.address)))
          .to.be.revertedWithCustomError(f.registry, 'InvalidSignature')
          .withArgs(other.address);
      }
    });

    it('an address-bound ERC-1271 wallet (Safe, ERC-7739) accepts only what its owner signed for that wallet', async function () {
      const f = await loadFixture(threeAgenciesFixture);
      // One key: an EOA operator of hunan.health, and the owner of a wallet that is an operator of hunan.stats.
      const key = ethers.Wallet.createRandom();
      const wallet = await new AddressBoundERC1271Wallet__factory(f.governance).deploy(key.address);
      const walletAddress = await wallet.getAddress();
      await f.registry.connect(f.healthAdmin).addOperator(HEALTH_ID, key.address);
      await f.registry.connect(f.statsAdmin).addOperator(STATS_ID, walletAddress);

      // Signed by the key for itself (hunan.health): cannot be replayed as the wallet (hunan.stats).
      const forSelf = await sign(f, key, 'RequestAccess', { datasetId: f.schoolsId, purpose: 'school health' });
      await expect(submit(f, withSignature(forSelf, forSelf.authorization.signature, walletAddress)))
        .to.be.revertedWithCustomError(f.grants, 'InvalidSignature')
        .withArgs(walletAddress);
      await expect(submit(f, forSelf))
        .to.emit(f.grants, 'AccessRequested')
        .withArgs(1, f.schoolsId, HEALTH_ID, key.address, 'school health');

      // Signed for the wallet (the owner signs the wallet-bound digest): valid as the wallet, not as the key.
      const draft = await sign(
        f,
        key,
        'RequestAccess',
        { datasetId: f.schoolsId, purpose: 'statistics' },
        { account: walletAddress },
      );
      const bound = await wallet.boundHash(signedRequestDigest(draft));
      const forWallet = withSignature(draft, key.signingKey.sign(bound).serialized);
      await expect(
        submit(f, withSignature(forWallet, forWallet.authorization.signature, key.address)),
      ).to.be.revertedWithCustomError(f.grants, 'InvalidSignature');
      await expect(submit(f, forWallet))
        .to.emit(f.grants, 'AccessRequested')
        .withArgs(2, f.schoolsId, STATS_ID, walletAddress, 'statistics');
    });

    it('(known limitation) a wallet that accepts its owner’s raw signatures lets a signature made for the owner be replayed as the wallet', async function () {
      const f = await loadFixture(threeAgenciesFixture);
      // The typed data does not name the signer: the wallet must bind its address (see docs/security.md).
      const wallet = await new MinimalERC1271Wallet__factory(f.keyHolder).deploy(f.keyHolder.address);
      const walletAddress = await wallet.getAddress();
      await f.registry.connect(f.healthAdmin).addOperator(HEALTH_ID, f.keyHolder.address);
      await f.registry.connect(f.statsAdmin).addOperator(STATS_ID, walletAddress);
      const forSelf = await sign(f, f.keyHolder, 'RequestAccess', { datasetId: f.schoolsId, purpose: 'school health' });
      await expect(submit(f, forSelf)).to.emit(f.grants, 'AccessRequested');
      // The same signature, relayed again under the wallet's name, uses the wallet's nonce space and agency.
      await expect(submit(f, withSignature(forSelf, forSelf.authorization.signature, walletAddress)))
        .to.emit(f.grants, 'AccessRequested')
        .withArgs(2, f.schoolsId, STATS_ID, walletAddress, 'school health');
      // What the owner can do about it: cancel the nonce in the wallet's space too (or use address-bound wallets).
      const next = await sign(f, f.keyHolder, 'RequestAccess', { datasetId: f.schoolsId, purpose: 'again' });
      await wallet
        .connect(f.keyHolder)
        .execute(
          f.grantsAddress,
          f.grants.interface.encodeFunctionData('invalidateNonce', [BigInt(next.authorization.nonce)]),
        );
      await expect(
        submit(f, withSignature(next, next.authorization.signature, walletAddress)),
      ).to.be.revertedWithCustomError(f.grants, 'NonceAlreadyUsed');
    });
  });

  describe('after the signer’s roles change', function () {
    it('an unrelayed signature follows its operator to a new agency; invalidateNonce (or a short deadline) stops it', async function () {
      const f = await loadFixture(threeAgenciesFixture);
      const moved = await sign(f, f.statsOperator, 'RequestAccess', {
        datasetId: f.schoolsId,
        purpose: 'census linkage',
      });
      const cancelled = await sign(f, f.statsOperator, 'RequestAccess', { datasetId: f.schoolsId, purpose: 'other' });
      await f.grants.connect(f.statsOperator).invalidateNonce(BigInt(cancelled.authorization.nonce));
      // The operator leaves hunan.stats for hunan.health before the relayer submits.
      await f.registry.connect(f.statsAdmin).removeOperator(STATS_ID, f.statsOperator.address);
      await expect(submit(f, moved)).to.be.revertedWithCustomError(f.registry, 'NotAnOperator');
      await f.registry.connect(f.healthAdmin).addOperator(HEALTH_ID, f.statsOperator.address);
      await expect(submit(f, moved))
        .to.emit(f.grants, 'AccessRequested')
        .withArgs(1, f.schoolsId, HEALTH_ID, f.statsOperator.address, 'census linkage');
      await expect(submit(f, cancelled)).to.be.revertedWithCustomError(f.grants, 'NonceAlreadyUsed');
      expect((await f.grants.getRequest(1)).status).to.equal(RequestStatus.Pending);
    });
  });
});

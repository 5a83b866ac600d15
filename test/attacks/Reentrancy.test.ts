/**
 * Attack tests (issue #6, item 2): reentrancy through every external call the suite makes. There are three kinds:
 * - SignatureChecker's ERC-1271 `isValidSignature` call to a contract signer (a `staticcall`);
 * - AccessGrants' reads of the registry (`view` functions, so `staticcall` too);
 * - relayBatch's `delegatecall` to the contract itself (no other code runs).
 * A hostile wallet and a hostile registry stand-in try to change state from inside those calls; they cannot.
 */
import { expect } from 'chai';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';
import {
  AccessGrants__factory,
  ReentrantERC1271Wallet__factory,
  ReentrantRegistryMock__factory,
} from '../../typechain-types';
import { CENSUS, STATS_ID, digest } from '../fixtures';
import { attackFixture, callData, fileItem, relayFailures, sign, submit, type AttackFixture } from './helpers';

enum Mode {
  Honest,
  Reenter,
  ReenterAndIgnore,
  WriteStorage,
  BurnGas,
}

/** {attackFixture} plus a hostile ERC-1271 wallet (owned by a spare account) that is an operator of hunan.stats. */
async function hostileWalletFixture() {
  const f = await attackFixture();
  const [walletOwner] = f.newcomers;
  const wallet = await new ReentrantERC1271Wallet__factory(walletOwner).deploy(walletOwner.address);
  const walletAddress = await wallet.getAddress();
  await f.registry.connect(f.statsAdmin).addOperator(STATS_ID, walletAddress);
  return { ...f, wallet, walletAddress, walletOwner };
}
type HostileFixture = Awaited<ReturnType<typeof hostileWalletFixture>>;

/** An anchor of `label` into the census dataset, signed by the wallet's owner for the wallet. */
function signForWallet(f: HostileFixture, label: string) {
  return sign(f as unknown as AttackFixture, f.walletOwner, 'Anchor', fileItem(CENSUS.key, label), {
    account: f.walletAddress,
  });
}

async function isAnchored(f: AttackFixture, label: string): Promise<boolean> {
  return (await f.registry.getAnchor(digest(label))).anchoredAt !== 0n;
}

describe('Attack: reentrancy through external calls', function () {
  describe('a hostile ERC-1271 wallet (SignatureChecker calls it with staticcall)', function () {
    it('cannot anchor from inside isValidSignature: the callback fails, so does the signature', async function () {
      const f = await loadFixture(hostileWalletFixture);
      // The wallet is an operator: as itself it tries to anchor another hash during the signature check.
      const callback = f.registry.interface.encodeFunctionData('anchor', [CENSUS.key, digest('reentered'), 1, 1, '']);
      await f.wallet.connect(f.walletOwner).configure(Mode.Reenter, f.registryAddress, callback);
      const request = await signForWallet(f, 'outer');
      await expect(submit(f, request))
        .to.be.revertedWithCustomError(f.registry, 'InvalidSignature')
        .withArgs(f.walletAddress);
      expect(await isAnchored(f, 'reentered')).to.equal(false);
      expect(await isAnchored(f, 'outer')).to.equal(false);
      expect(await f.registry.nonceUsed(f.walletAddress, BigInt(request.authorization.nonce))).to.equal(false);
      // The very same callback, sent by the wallet outside a signature check, works: it is the static context that stops it.
      await f.wallet.connect(f.walletOwner).execute(f.registryAddress, callback);
      expect(await isAnchored(f, 'reentered')).to.equal(true);
    });

    it('cannot relay a second signed action (or a relayBatch) from inside the check; the outer action still counts once', async function () {
      const f = await loadFixture(hostileWalletFixture);
      const inner = await signForWallet(f, 'inner');
      const innerCall = callData(f, inner);
      const batchCall = f.registry.interface.encodeFunctionData('relayBatch', [[innerCall]]);
      for (const callback of [innerCall, batchCall]) {
        await f.wallet.connect(f.walletOwner).configure(Mode.ReenterAndIgnore, f.registryAddress, callback);
        const outer = await signForWallet(f, `outer via ${callback.slice(0, 10)}`);
        await expect(submit(f, outer)).to.emit(f.registry, 'Anchored');
        expect(await isAnchored(f, 'inner')).to.equal(false);
        expect(await f.registry.nonceUsed(f.walletAddress, BigInt(inner.authorization.nonce))).to.equal(false);
      }
      expect((await f.registry.getDataset(await f.registry.datasetIdOf(CENSUS.key))).versionCount).to.equal(3n);
      // Relayed normally afterwards, the inner signature is still good exactly once.
      await f.wallet.connect(f.walletOwner).configure(Mode.Honest, f.registryAddress, '0x');
      await expect(submit(f, inner)).to.emit(f.registry, 'Anchored');
      await expect(submit(f, inner)).to.be.revertedWithCustomError(f.registry, 'NonceAlreadyUsed');
    });

    it('cannot write its own storage during the check (the write reverts the check: InvalidSignature)', async function () {
      const f = await loadFixture(hostileWalletFixture);
      await f.wallet.connect(f.walletOwner).configure(Mode.WriteStorage, f.registryAddress, '0x');
      await expect(submit(f, await signForWallet(f, 'x'))).to.be.revertedWithCustomError(
        f.registry,
        'InvalidSignature',
      );
      expect(await f.wallet.checks()).to.equal(0n);
    });

    it('may read state during the check (a view callback), which changes nothing', async function () {
      const f = await loadFixture(hostileWalletFixture);
      const callback = f.registry.interface.encodeFunctionData('lookup', [CENSUS.hash]);
      await f.wallet.connect(f.walletOwner).configure(Mode.Reenter, f.registryAddress, callback);
      await expect(submit(f, await signForWallet(f, 'read while checking'))).to.emit(f.registry, 'Anchored');
    });

    it('burning all its gas only wastes the relayer’s gas: its item fails, the rest of the batch goes through', async function () {
      const f = await loadFixture(hostileWalletFixture);
      await f.wallet.connect(f.walletOwner).configure(Mode.BurnGas, f.registryAddress, '0x');
      const honest1 = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'honest 1'));
      const hostile = await signForWallet(f, 'hostile');
      const honest2 = await sign(f, f.statsOperator2, 'Anchor', fileItem(CENSUS.key, 'honest 2'));
      const tx = await f.registry
        .connect(f.relayer)
        .relayBatch([callData(f, honest1), callData(f, hostile), callData(f, honest2)], { gasLimit: 8_000_000 });
      const receipt = await tx.wait();
      expect([...relayFailures(f, receipt).entries()]).to.deep.equal([[1, 'InvalidSignature']]);
      expect(await isAnchored(f, 'honest 1')).to.equal(true);
      expect(await isAnchored(f, 'honest 2')).to.equal(true);
      expect(await isAnchored(f, 'hostile')).to.equal(false);
      // The cost: nearly the whole gas limit. A relayer simulates first (eth_estimateGas) and drops such items.
      expect(receipt!.gasUsed).to.be.greaterThan(7_000_000n);
    });
  });

  describe('a hostile registry behind AccessGrants (its reads are staticcalls)', function () {
    it('cannot reenter AccessGrants or write state while AccessGrants reads it', async function () {
      const f = await loadFixture(attackFixture);
      const mock = await new ReentrantRegistryMock__factory(f.governance).deploy();
      const grants = await new AccessGrants__factory(f.governance).deploy(await mock.getAddress());
      await mock.setGrants(await grants.getAddress());
      const datasetId = digest('any dataset').slice(0, 26);
      // Every read the request makes (activeAgencyOf, getDataset) tries a second requestAccess and a storage write.
      await expect(grants.connect(f.outsider).requestAccess(datasetId, 'study'))
        .to.emit(grants, 'AccessRequested')
        .withArgs(1, datasetId, 2, f.outsider.address, 'study');
      expect((await grants.counts()).requests).to.equal(1n);
      expect(await mock.writes()).to.equal(0n);
      // The same for the reads of a grant (activeAgencyOf, getDataset, agencyStatus): one grant, no side effect.
      await expect(
        grants.connect(f.outsider).grantAccess(datasetId, 1, 2n ** 40n - 1n, 'p'),
      ).to.be.revertedWithCustomError(grants, 'NotDatasetOwner');
      expect((await grants.counts()).grants).to.equal(0n);
      expect(await mock.writes()).to.equal(0n);
      // Outside a staticcall the mock can write: the guard above is real.
      await mock.recordWrite();
      expect(await mock.writes()).to.equal(1n);
    });
  });

  describe('relayBatch (delegatecall to the contract itself)', function () {
    it('nested relayBatch gains nothing: a replay inside or after it still fails, items still run as the relayer', async function () {
      const f = await loadFixture(attackFixture);
      const signed = await sign(f, f.statsOperator, 'Anchor', fileItem(CENSUS.key, 'nested'));
      const inner = f.registry.interface.encodeFunctionData('relayBatch', [[callData(f, signed), callData(f, signed)]]);
      const asRelayer = f.registry.interface.encodeFunctionData('anchor', [CENSUS.key, digest('as relayer'), 1, 1, '']);
      const tx = await f.registry.connect(f.relayer).relayBatch([inner, callData(f, signed), asRelayer]);
      const failures = relayFailures(f, await tx.wait());
      // Outer item 0 (the inner batch) succeeds as a call; its own second item failed; outer items 1 and 2 fail.
      expect(failures.get(1)).to.equal('NonceAlreadyUsed');
      expect(failures.get(2)).to.equal('NotAnOperator');
      expect(failures.has(0)).to.equal(false);
      expect(await isAnchored(f, 'nested')).to.equal(true);
      expect(await isAnchored(f, 'as relayer')).to.equal(false);
    });
  });
});

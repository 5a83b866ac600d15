import { expect } from 'chai';
import type { HardhatEthersSigner } from '@nomicfoundation/hardhat-ethers/signers';
import { STATS_ID, type AgenciesFixture } from '../fixtures';

/** Sends the call under test from `caller`; for agency-admin calls, about `agencyId`. */
export type SendAs<F> = (fixture: F, caller: HardhatEthersSigner, agencyId: bigint) => Promise<unknown>;

type Role = 'governance' | 'statsAdmin' | 'statsOperator' | 'healthAdmin' | 'healthOperator' | 'outsider';

const LABELS: Record<Role, string> = {
  governance: 'governance (not an agency admin or operator)',
  statsAdmin: "the agency's admin",
  statsOperator: "one of the agency's operators",
  healthAdmin: "another agency's admin",
  healthOperator: "another agency's operator",
  outsider: 'an account with no role',
};

/**
 * Registrar-only calls: any account without `REGISTRAR_ROLE` gets OpenZeppelin's
 * `AccessControlUnauthorizedAccount(caller, REGISTRAR_ROLE)`.
 */
export function shouldBehaveLikeRegistrarOnly<F extends AgenciesFixture>(load: () => Promise<F>, send: SendAs<F>) {
  context('when the caller is not a registrar', function () {
    for (const role of ['statsAdmin', 'statsOperator', 'outsider'] as const) {
      it(`reverts for ${LABELS[role]}`, async function () {
        const fixture = await load();
        const caller = fixture[role];
        await expect(send(fixture, caller, STATS_ID))
          .to.be.revertedWithCustomError(fixture.registry, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, await fixture.registry.REGISTRAR_ROLE());
      });
    }
  });
}

/**
 * Calls only the agency's admin may make (about agency `hunan.stats`): everyone else, including governance and the
 * agency's own operators, gets `NotAgencyAdmin(agencyId, caller)`; so does the admin about an unknown agency.
 */
export function shouldBehaveLikeAgencyAdminOnly<F extends AgenciesFixture>(load: () => Promise<F>, send: SendAs<F>) {
  context('when the caller is not the agency admin', function () {
    for (const role of ['governance', 'statsOperator', 'healthAdmin', 'outsider'] as const) {
      it(`reverts for ${LABELS[role]}`, async function () {
        const fixture = await load();
        const caller = fixture[role];
        await expect(send(fixture, caller, STATS_ID))
          .to.be.revertedWithCustomError(fixture.registry, 'NotAgencyAdmin')
          .withArgs(STATS_ID, caller.address);
      });
    }
  });

  context('when the agency does not exist', function () {
    for (const agencyId of [0n, 99n]) {
      it(`reverts with NotAgencyAdmin for agency id ${agencyId}`, async function () {
        const fixture = await load();
        await expect(send(fixture, fixture.statsAdmin, agencyId))
          .to.be.revertedWithCustomError(fixture.registry, 'NotAgencyAdmin')
          .withArgs(agencyId, fixture.statsAdmin.address);
      });
    }
  });
}

/**
 * Writes only an agency operator may make: accounts that operate for no agency (governance, an agency admin, an
 * outsider, an operator since removed) get the registry's `NotAnOperator(caller)`, from whichever contract.
 */
export function shouldBehaveLikeOperatorOnly<F extends AgenciesFixture>(load: () => Promise<F>, send: SendAs<F>) {
  context('when the caller operates for no agency', function () {
    for (const role of ['governance', 'statsAdmin', 'outsider'] as const) {
      it(`reverts with NotAnOperator for ${LABELS[role]}`, async function () {
        const fixture = await load();
        const caller = fixture[role];
        await expect(send(fixture, caller, STATS_ID))
          .to.be.revertedWithCustomError(fixture.registry, 'NotAnOperator')
          .withArgs(caller.address);
      });
    }

    it('reverts with NotAnOperator for an operator since removed', async function () {
      const fixture = await load();
      const { registry, statsAdmin, statsOperator2 } = fixture;
      await registry.connect(statsAdmin).removeOperator(STATS_ID, statsOperator2.address);
      await expect(send(fixture, statsOperator2, STATS_ID))
        .to.be.revertedWithCustomError(registry, 'NotAnOperator')
        .withArgs(statsOperator2.address);
    });
  });
}

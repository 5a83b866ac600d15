import { expect } from 'chai';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';
import { AgencyStatus, type AgenciesFixture } from '../fixtures';

/** One write an operator of the agency under test makes; it must succeed while the agency is active. */
export interface AgencyWrite<F> {
  description: string;
  send: (fixture: F) => Promise<unknown>;
}

/**
 * A suspended or retired agency's operators can write nothing: every write reverts with the registry's
 * `AgencyNotActive(agencyId, status)`, while reads keep working and show the status. After reinstatement (from
 * suspension) the very same writes go through, which shows they failed only because of the status.
 *
 * @param agencyName How the agency is called in test titles.
 * @param baseFixture A fixture function (stable identity, for `loadFixture`) in which every write would succeed.
 * @param agencyId The agency whose operators make the writes.
 * @param writes The writes, each sent by one of the agency's operators.
 */
export function shouldRejectWritesFromInactiveAgency<F extends AgenciesFixture>(
  agencyName: string,
  baseFixture: () => Promise<F>,
  agencyId: bigint,
  writes: AgencyWrite<F>[],
) {
  // Created once per call, so that `loadFixture` sees the same functions in every test.
  async function suspendedFixture(): Promise<F> {
    const fixture = await baseFixture();
    await fixture.registry.connect(fixture.governance).suspendAgency(agencyId);
    return fixture;
  }
  async function retiredFixture(): Promise<F> {
    const fixture = await baseFixture();
    await fixture.registry.connect(fixture.governance).retireAgency(agencyId);
    return fixture;
  }

  const cases = [
    { label: 'suspended', status: AgencyStatus.Suspended, fixture: suspendedFixture },
    { label: 'retired', status: AgencyStatus.Retired, fixture: retiredFixture },
  ];

  for (const { label, status, fixture: statusFixture } of cases) {
    context(`when ${agencyName} is ${label}`, function () {
      for (const write of writes) {
        it(`rejects ${write.description} with AgencyNotActive`, async function () {
          const fixture = await loadFixture(statusFixture);
          await expect(write.send(fixture))
            .to.be.revertedWithCustomError(fixture.registry, 'AgencyNotActive')
            .withArgs(agencyId, status);
        });
      }

      it('still answers reads, showing the status', async function () {
        const { registry } = await loadFixture(statusFixture);
        expect(await registry.agencyStatus(agencyId)).to.equal(status);
        expect((await registry.getAgency(agencyId)).status).to.equal(status);
        const operators = await registry.operatorsOf(agencyId);
        expect(operators).to.not.be.empty;
        for (const operator of operators) {
          expect(await registry.operatorAgency(operator)).to.equal(agencyId);
        }
      });
    });
  }

  context(`when ${agencyName} is reinstated after a suspension`, function () {
    for (const write of writes) {
      it(`accepts ${write.description} again`, async function () {
        const fixture = await loadFixture(suspendedFixture);
        await fixture.registry.connect(fixture.governance).reinstateAgency(agencyId);
        await expect(write.send(fixture)).not.to.be.reverted;
      });
    }
  });
}

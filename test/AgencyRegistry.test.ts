import { expect } from 'chai';
import hre, { ethers } from 'hardhat';
import { impersonateAccount, loadFixture, setBalance, time } from '@nomicfoundation/hardhat-network-helpers';
import SuiteModule from '../ignition/modules/Suite';
import {
  DatasetRegistry__factory,
  IAccessControl__factory,
  IAccessControlDefaultAdminRules__factory,
  IERC165__factory,
} from '../typechain-types';
import type { DatasetRegistry } from '../typechain-types';
import {
  AgencyStatus,
  DAY,
  DEFAULT_ADMIN_DELAY,
  HEALTH,
  HEALTH_ID,
  STATS,
  STATS_ID,
  deployAgenciesFixture,
  deploySuiteFixture,
  plainAddress,
} from './fixtures';
import { shouldBehaveLikeAgencyAdminOnly, shouldBehaveLikeRegistrarOnly } from './behaviors/RoleGated.behavior';

// AgencyRegistry is abstract: it is deployed, and tested, as part of DatasetRegistry.

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const REGISTRAR_ROLE = ethers.id('REGISTRAR_ROLE');

const loadAgencies = () => loadFixture(deployAgenciesFixture);

/** Fixes the next block's timestamp and returns it, so that expected schedules and timestamps are exact. */
async function nextTimestamp(): Promise<bigint> {
  const timestamp = BigInt(await time.latest()) + 10n;
  await time.setNextBlockTimestamp(timestamp);
  return timestamp;
}

/** XOR of the selectors: an ERC-165 interface id. */
function interfaceId(selectors: string[]): string {
  return ethers.toBeHex(
    selectors.reduce((id, selector) => id ^ BigInt(selector), 0n),
    4,
  );
}

function selectorsOf(iface: { forEachFunction(callback: (fragment: { selector: string }) => void): void }) {
  const selectors: string[] = [];
  iface.forEachFunction((fragment) => selectors.push(fragment.selector));
  return selectors;
}

/** Compares the operator list with `expected` as sets, and checks each listed operator's record. */
async function expectOperators(registry: DatasetRegistry, agencyId: bigint, expected: string[]) {
  const operators = await registry.operatorsOf(agencyId);
  expect([...operators].sort()).to.deep.equal([...expected].sort());
  for (const operator of operators) {
    expect(await registry.operatorAgency(operator)).to.equal(agencyId);
  }
}

/** `hunan.stats` with five operators: accounts 2 and 3, then three plain addresses. */
async function deployFiveOperatorsFixture() {
  const fixture = await deployAgenciesFixture();
  const extra = [plainAddress(1), plainAddress(2), plainAddress(3)];
  for (const operator of extra) {
    await fixture.registry.connect(fixture.statsAdmin).addOperator(STATS_ID, operator);
  }
  const operators = [fixture.statsOperator.address, fixture.statsOperator2.address, ...extra];
  return { ...fixture, operators };
}

/** Governance (account 0) has started handing the default admin role to account 7. */
async function deployAdminTransferFixture() {
  const fixture = await deployAgenciesFixture();
  const [newGovernance] = fixture.newcomers;
  await fixture.registry.beginDefaultAdminTransfer(newGovernance.address);
  const [, schedule] = await fixture.registry.pendingDefaultAdmin();
  return { ...fixture, newGovernance, schedule };
}

/** The Suite module deployed with explicit parameters: admin account 7, registrar account 8, a one-hour delay. */
async function deployWithParametersFixture() {
  const signers = await ethers.getSigners();
  const [admin, registrar] = [signers[7], signers[8]];
  const deployed = await hre.ignition.deploy(SuiteModule, {
    displayUi: false,
    parameters: { DatasetRegistry: { admin: admin.address, registrar: registrar.address, adminDelay: 3600n } },
  });
  const registry = DatasetRegistry__factory.connect(await deployed.datasetRegistry.getAddress(), admin);
  return { registry, admin, registrar, deployer: signers[0] };
}

describe('AgencyRegistry', function () {
  describe('deployment', function () {
    context('when deployed by the Suite module with its defaults', function () {
      it('makes the deployer governance admin, with the two-day delay', async function () {
        const { registry, governance } = await loadFixture(deploySuiteFixture);
        expect(await registry.defaultAdmin()).to.equal(governance.address);
        expect(await registry.owner()).to.equal(governance.address);
        expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, governance.address)).to.be.true;
        expect(await registry.defaultAdminDelay()).to.equal(DEFAULT_ADMIN_DELAY);
        expect(DEFAULT_ADMIN_DELAY).to.equal(2n * DAY);
      });

      it('makes the deployer registrar', async function () {
        const { registry, governance } = await loadFixture(deploySuiteFixture);
        expect(await registry.hasRole(REGISTRAR_ROLE, governance.address)).to.be.true;
        expect(await registry.getRoleAdmin(REGISTRAR_ROLE)).to.equal(DEFAULT_ADMIN_ROLE);
      });

      it('starts with no agencies and exposes its constants', async function () {
        const { registry } = await loadFixture(deploySuiteFixture);
        expect(await registry.agencyCount()).to.equal(0n);
        expect(await registry.REGISTRAR_ROLE()).to.equal(REGISTRAR_ROLE);
        expect(await registry.MAX_OPERATORS()).to.equal(32n);
      });
    });

    context('when the Ignition parameters name the admin, the registrar and the delay', function () {
      it('uses them instead of the deployer', async function () {
        const { registry, admin, registrar, deployer } = await loadFixture(deployWithParametersFixture);
        expect(await registry.defaultAdmin()).to.equal(admin.address);
        expect(await registry.defaultAdminDelay()).to.equal(3600n);
        expect(await registry.hasRole(REGISTRAR_ROLE, registrar.address)).to.be.true;
        expect(await registry.hasRole(REGISTRAR_ROLE, deployer.address)).to.be.false;
        expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.be.false;
      });
    });

    context('when the registrar is the zero address', function () {
      it('reverts with ZeroAddress', async function () {
        const [deployer] = await ethers.getSigners();
        const factory = new DatasetRegistry__factory(deployer);
        await expect(factory.deploy(DAY, deployer.address, ethers.ZeroAddress)).to.be.revertedWithCustomError(
          factory,
          'ZeroAddress',
        );
      });
    });

    context('when the governance admin is the zero address', function () {
      it("reverts with OpenZeppelin's AccessControlInvalidDefaultAdmin", async function () {
        const [deployer] = await ethers.getSigners();
        const factory = new DatasetRegistry__factory(deployer);
        await expect(factory.deploy(DAY, ethers.ZeroAddress, deployer.address))
          .to.be.revertedWithCustomError(factory, 'AccessControlInvalidDefaultAdmin')
          .withArgs(ethers.ZeroAddress);
      });
    });
  });

  describe('supportsInterface', function () {
    it('supports ERC-165, IAccessControl and IAccessControlDefaultAdminRules', async function () {
      const { registry } = await loadFixture(deploySuiteFixture);
      const accessControl = selectorsOf(IAccessControl__factory.createInterface());
      const defaultAdminRules = selectorsOf(IAccessControlDefaultAdminRules__factory.createInterface()).filter(
        (selector) => !accessControl.includes(selector),
      );
      expect(await registry.supportsInterface(interfaceId(selectorsOf(IERC165__factory.createInterface())))).to.be.true;
      expect(await registry.supportsInterface(interfaceId(accessControl))).to.be.true;
      expect(await registry.supportsInterface(interfaceId(defaultAdminRules))).to.be.true;
    });

    it('does not claim other interfaces', async function () {
      const { registry } = await loadFixture(deploySuiteFixture);
      expect(await registry.supportsInterface('0xffffffff')).to.be.false;
      expect(await registry.supportsInterface('0x12345678')).to.be.false;
    });
  });

  describe('governance roles', function () {
    describe('grantRole', function () {
      context('when governance appoints a registrar', function () {
        it('emits RoleGranted and lets the new registrar register agencies', async function () {
          const { registry, governance, newcomers } = await loadAgencies();
          const [registrar] = newcomers;
          await expect(registry.grantRole(REGISTRAR_ROLE, registrar.address))
            .to.emit(registry, 'RoleGranted')
            .withArgs(REGISTRAR_ROLE, registrar.address, governance.address);
          await expect(registry.connect(registrar).registerAgency('hunan.edu', 'Education', '', registrar.address))
            .to.emit(registry, 'AgencyRegistered')
            .withArgs(3n, registrar.address, 'hunan.edu', 'Education', '', registrar.address);
        });
      });

      context('when the caller is not governance', function () {
        it('reverts with AccessControlUnauthorizedAccount', async function () {
          const { registry, outsider } = await loadAgencies();
          await expect(registry.connect(outsider).grantRole(REGISTRAR_ROLE, outsider.address))
            .to.be.revertedWithCustomError(registry, 'AccessControlUnauthorizedAccount')
            .withArgs(outsider.address, DEFAULT_ADMIN_ROLE);
        });
      });

      context('when governance tries to grant the default admin role directly', function () {
        it('reverts with AccessControlEnforcedDefaultAdminRules', async function () {
          const { registry, outsider } = await loadAgencies();
          await expect(registry.grantRole(DEFAULT_ADMIN_ROLE, outsider.address)).to.be.revertedWithCustomError(
            registry,
            'AccessControlEnforcedDefaultAdminRules',
          );
        });
      });
    });

    describe('revokeRole', function () {
      context('when governance revokes a registrar', function () {
        it('emits RoleRevoked and the former registrar can register nothing', async function () {
          const { registry, governance } = await loadAgencies();
          await expect(registry.revokeRole(REGISTRAR_ROLE, governance.address))
            .to.emit(registry, 'RoleRevoked')
            .withArgs(REGISTRAR_ROLE, governance.address, governance.address);
          await expect(registry.registerAgency('hunan.edu', 'Education', '', governance.address))
            .to.be.revertedWithCustomError(registry, 'AccessControlUnauthorizedAccount')
            .withArgs(governance.address, REGISTRAR_ROLE);
        });
      });
    });

    describe('renounceRole', function () {
      context('when a registrar renounces its role', function () {
        it('loses it', async function () {
          const { registry, governance } = await loadAgencies();
          await expect(registry.renounceRole(REGISTRAR_ROLE, governance.address))
            .to.emit(registry, 'RoleRevoked')
            .withArgs(REGISTRAR_ROLE, governance.address, governance.address);
          expect(await registry.hasRole(REGISTRAR_ROLE, governance.address)).to.be.false;
        });
      });

      context('when governance renounces the default admin role without a scheduled transfer', function () {
        it('reverts with AccessControlEnforcedDefaultAdminDelay', async function () {
          const { registry, governance } = await loadAgencies();
          await expect(registry.renounceRole(DEFAULT_ADMIN_ROLE, governance.address))
            .to.be.revertedWithCustomError(registry, 'AccessControlEnforcedDefaultAdminDelay')
            .withArgs(0n);
        });
      });
    });

    describe('beginDefaultAdminTransfer', function () {
      context('when governance starts a transfer', function () {
        it('emits DefaultAdminTransferScheduled with the time the delay ends', async function () {
          const { registry, newcomers } = await loadAgencies();
          const timestamp = await nextTimestamp();
          await expect(registry.beginDefaultAdminTransfer(newcomers[0].address))
            .to.emit(registry, 'DefaultAdminTransferScheduled')
            .withArgs(newcomers[0].address, timestamp + DEFAULT_ADMIN_DELAY);
          const [pending, schedule] = await registry.pendingDefaultAdmin();
          expect(pending).to.equal(newcomers[0].address);
          expect(schedule).to.equal(timestamp + DEFAULT_ADMIN_DELAY);
        });

        it('leaves governance in charge until the transfer is accepted', async function () {
          const { registry, governance, newGovernance } = await loadFixture(deployAdminTransferFixture);
          expect(await registry.defaultAdmin()).to.equal(governance.address);
          expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, newGovernance.address)).to.be.false;
        });
      });

      context('when the caller is not governance', function () {
        it('reverts with AccessControlUnauthorizedAccount', async function () {
          const { registry, outsider } = await loadAgencies();
          await expect(registry.connect(outsider).beginDefaultAdminTransfer(outsider.address))
            .to.be.revertedWithCustomError(registry, 'AccessControlUnauthorizedAccount')
            .withArgs(outsider.address, DEFAULT_ADMIN_ROLE);
        });
      });
    });

    describe('acceptDefaultAdminTransfer', function () {
      context('when the delay has not passed', function () {
        it('reverts with AccessControlEnforcedDefaultAdminDelay, also at the exact scheduled second', async function () {
          const { registry, newGovernance, schedule } = await loadFixture(deployAdminTransferFixture);
          await expect(registry.connect(newGovernance).acceptDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, 'AccessControlEnforcedDefaultAdminDelay')
            .withArgs(schedule);
          await time.setNextBlockTimestamp(schedule);
          await expect(registry.connect(newGovernance).acceptDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, 'AccessControlEnforcedDefaultAdminDelay')
            .withArgs(schedule);
        });
      });

      context('when the delay has passed', function () {
        it('moves the default admin role to the new account', async function () {
          const { registry, governance, newGovernance, schedule } = await loadFixture(deployAdminTransferFixture);
          await time.increaseTo(schedule + 1n);
          await expect(registry.connect(newGovernance).acceptDefaultAdminTransfer())
            .to.emit(registry, 'RoleRevoked')
            .withArgs(DEFAULT_ADMIN_ROLE, governance.address, newGovernance.address)
            .and.to.emit(registry, 'RoleGranted')
            .withArgs(DEFAULT_ADMIN_ROLE, newGovernance.address, newGovernance.address);
          expect(await registry.defaultAdmin()).to.equal(newGovernance.address);
          expect(await registry.owner()).to.equal(newGovernance.address);
          expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, governance.address)).to.be.false;
          const [pending, pendingSchedule] = await registry.pendingDefaultAdmin();
          expect(pending).to.equal(ethers.ZeroAddress);
          expect(pendingSchedule).to.equal(0n);
        });

        it('lets the new governance appoint registrars and stops the old one', async function () {
          const { registry, governance, newGovernance, outsider, schedule } =
            await loadFixture(deployAdminTransferFixture);
          await time.increaseTo(schedule + 1n);
          await registry.connect(newGovernance).acceptDefaultAdminTransfer();
          await expect(registry.connect(newGovernance).grantRole(REGISTRAR_ROLE, outsider.address))
            .to.emit(registry, 'RoleGranted')
            .withArgs(REGISTRAR_ROLE, outsider.address, newGovernance.address);
          await expect(registry.connect(governance).grantRole(REGISTRAR_ROLE, governance.address))
            .to.be.revertedWithCustomError(registry, 'AccessControlUnauthorizedAccount')
            .withArgs(governance.address, DEFAULT_ADMIN_ROLE);
        });

        it('keeps registrars appointed by the old governance', async function () {
          const { registry, governance, newGovernance, schedule } = await loadFixture(deployAdminTransferFixture);
          await time.increaseTo(schedule + 1n);
          await registry.connect(newGovernance).acceptDefaultAdminTransfer();
          expect(await registry.hasRole(REGISTRAR_ROLE, governance.address)).to.be.true;
        });
      });

      context('when the caller is not the pending admin', function () {
        it('reverts with AccessControlInvalidDefaultAdmin even after the delay', async function () {
          const { registry, outsider, schedule } = await loadFixture(deployAdminTransferFixture);
          await time.increaseTo(schedule + 1n);
          await expect(registry.connect(outsider).acceptDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, 'AccessControlInvalidDefaultAdmin')
            .withArgs(outsider.address);
        });
      });
    });

    describe('cancelDefaultAdminTransfer', function () {
      context('when governance cancels a pending transfer', function () {
        it('emits DefaultAdminTransferCanceled and the transfer can no longer be accepted', async function () {
          const { registry, newGovernance, schedule } = await loadFixture(deployAdminTransferFixture);
          await expect(registry.cancelDefaultAdminTransfer()).to.emit(registry, 'DefaultAdminTransferCanceled');
          await time.increaseTo(schedule + 1n);
          await expect(registry.connect(newGovernance).acceptDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, 'AccessControlInvalidDefaultAdmin')
            .withArgs(newGovernance.address);
        });
      });

      context('when the caller is not governance', function () {
        it('reverts with AccessControlUnauthorizedAccount', async function () {
          const { registry, newGovernance } = await loadFixture(deployAdminTransferFixture);
          await expect(registry.connect(newGovernance).cancelDefaultAdminTransfer())
            .to.be.revertedWithCustomError(registry, 'AccessControlUnauthorizedAccount')
            .withArgs(newGovernance.address, DEFAULT_ADMIN_ROLE);
        });
      });
    });

    describe('changeDefaultAdminDelay / rollbackDefaultAdminDelay', function () {
      context('when governance shortens the delay and rolls the change back', function () {
        it('schedules the change, then cancels it', async function () {
          const { registry } = await loadAgencies();
          const timestamp = await nextTimestamp();
          // A shorter delay takes effect after the difference (here one day), per OpenZeppelin's rules.
          await expect(registry.changeDefaultAdminDelay(DAY))
            .to.emit(registry, 'DefaultAdminDelayChangeScheduled')
            .withArgs(DAY, timestamp + DAY);
          const [newDelay] = await registry.pendingDefaultAdminDelay();
          expect(newDelay).to.equal(DAY);
          await expect(registry.rollbackDefaultAdminDelay()).to.emit(registry, 'DefaultAdminDelayChangeCanceled');
          expect((await registry.pendingDefaultAdminDelay())[0]).to.equal(0n);
          expect(await registry.defaultAdminDelayIncreaseWait()).to.equal(5n * DAY);
        });
      });

      context('when the caller is not governance', function () {
        it('reverts with AccessControlUnauthorizedAccount', async function () {
          const { registry, statsAdmin } = await loadAgencies();
          await expect(registry.connect(statsAdmin).changeDefaultAdminDelay(0))
            .to.be.revertedWithCustomError(registry, 'AccessControlUnauthorizedAccount')
            .withArgs(statsAdmin.address, DEFAULT_ADMIN_ROLE);
        });
      });
    });
  });

  describe('registerAgency', function () {
    context('when a registrar registers the first agency', function () {
      it('returns id 1 and emits AgencyRegistered', async function () {
        const { registry, governance, signers } = await loadFixture(deploySuiteFixture);
        const admin = signers[1].address;
        expect(await registry.registerAgency.staticCall(STATS.code, STATS.name, STATS.uri, admin)).to.equal(1n);
        await expect(registry.registerAgency(STATS.code, STATS.name, STATS.uri, admin))
          .to.emit(registry, 'AgencyRegistered')
          .withArgs(1n, admin, STATS.code, STATS.name, STATS.uri, governance.address);
      });

      it('stores an active agency, found by id and by code', async function () {
        const { registry, signers } = await loadFixture(deploySuiteFixture);
        const admin = signers[1].address;
        await registry.registerAgency(STATS.code, STATS.name, STATS.uri, admin);
        const agency = await registry.getAgency(1n);
        expect(agency.admin).to.equal(admin);
        expect(agency.status).to.equal(AgencyStatus.Active);
        expect(agency.code).to.equal(STATS.code);
        expect(agency.name).to.equal(STATS.name);
        expect(agency.metadataURI).to.equal(STATS.uri);
        expect(await registry.agencyIdOf(STATS.code)).to.equal(1n);
        expect(await registry.agencyStatus(1n)).to.equal(AgencyStatus.Active);
        expect(await registry.agencyCount()).to.equal(1n);
        expect(await registry.operatorsOf(1n)).to.deep.equal([]);
        expect(await registry.pendingAgencyAdmin(1n)).to.equal(ethers.ZeroAddress);
      });
    });

    context('when more agencies are registered', function () {
      it('numbers them 1, 2, 3, ...', async function () {
        const { registry, governance, outsider } = await loadAgencies();
        expect(await registry.agencyIdOf(STATS.code)).to.equal(STATS_ID);
        expect(await registry.agencyIdOf(HEALTH.code)).to.equal(HEALTH_ID);
        await expect(registry.registerAgency('hunan.edu', 'Education', '', outsider.address))
          .to.emit(registry, 'AgencyRegistered')
          .withArgs(3n, outsider.address, 'hunan.edu', 'Education', '', governance.address);
        expect(await registry.agencyCount()).to.equal(3n);
      });

      it('accepts the same admin for several agencies and an empty metadata URI', async function () {
        const { registry, statsAdmin } = await loadAgencies();
        await registry.registerAgency('hunan.edu', 'Education', '', statsAdmin.address);
        expect((await registry.getAgency(3n)).admin).to.equal(statsAdmin.address);
        expect((await registry.getAgency(3n)).metadataURI).to.equal('');
      });
    });

    context('when the code is at the edge of the rules', function () {
      for (const code of ['a', '0', 'a'.repeat(64), 'abcdefghijklmnopqrstuvwxyz0123456789._-', '-.-', 'z9']) {
        it(`accepts "${code.length > 20 ? code.slice(0, 20) + '…' : code}" (${code.length} bytes)`, async function () {
          const { registry, outsider } = await loadAgencies();
          await registry.registerAgency(code, 'Name', '', outsider.address);
          expect(await registry.agencyIdOf(code)).to.equal(3n);
        });
      }
    });

    context('when the code breaks the rules', function () {
      const invalid: [string, string][] = [
        ['', 'empty'],
        ['a'.repeat(65), '65 bytes'],
        ['Hunan.stats', 'an upper-case letter'],
        ['hunan.statZ', 'a trailing upper-case Z'],
        ['hunan stats', 'a space'],
        ['hunan/stats', 'a slash (it separates code and name in dataset keys)'],
        ['hunan:stats', 'a colon (just after 9)'],
        ['hunan@stats', 'an at sign (just before A)'],
        ['hunan`stats', 'a backtick (just before a)'],
        ['hunan{stats', 'a brace (just after z)'],
        ['hunan+stats', 'a plus'],
        ['湖南.stats', 'non-ASCII bytes'],
      ];
      for (const [code, why] of invalid) {
        it(`reverts with InvalidAgencyCode for ${why}`, async function () {
          const { registry, outsider } = await loadAgencies();
          await expect(registry.registerAgency(code, 'Name', '', outsider.address))
            .to.be.revertedWithCustomError(registry, 'InvalidAgencyCode')
            .withArgs(code);
        });
      }
    });

    context('when the code is taken', function () {
      it('reverts with AgencyCodeTaken naming the agency that has it', async function () {
        const { registry, outsider } = await loadAgencies();
        await expect(registry.registerAgency(HEALTH.code, 'Another', '', outsider.address))
          .to.be.revertedWithCustomError(registry, 'AgencyCodeTaken')
          .withArgs(HEALTH.code, HEALTH_ID);
      });
    });

    context('when the name is empty', function () {
      it('reverts with EmptyAgencyName', async function () {
        const { registry, outsider } = await loadAgencies();
        await expect(registry.registerAgency('hunan.edu', '', '', outsider.address)).to.be.revertedWithCustomError(
          registry,
          'EmptyAgencyName',
        );
      });
    });

    context('when the admin is the zero address', function () {
      it('reverts with ZeroAddress', async function () {
        const { registry } = await loadAgencies();
        await expect(
          registry.registerAgency('hunan.edu', 'Education', '', ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(registry, 'ZeroAddress');
      });
    });

    shouldBehaveLikeRegistrarOnly(loadAgencies, (f, caller) =>
      f.registry.connect(caller).registerAgency('hunan.edu', 'Education', '', caller.address),
    );
  });

  describe('suspendAgency', function () {
    context('when the agency is active', function () {
      it('emits AgencyStatusChanged and suspends it', async function () {
        const { registry, governance } = await loadAgencies();
        await expect(registry.suspendAgency(STATS_ID))
          .to.emit(registry, 'AgencyStatusChanged')
          .withArgs(STATS_ID, AgencyStatus.Active, AgencyStatus.Suspended, governance.address);
        expect(await registry.agencyStatus(STATS_ID)).to.equal(AgencyStatus.Suspended);
      });

      it('stops all its operators acting, and no other agency', async function () {
        const { registry, statsOperator, statsOperator2, healthOperator } = await loadAgencies();
        await registry.suspendAgency(STATS_ID);
        for (const operator of [statsOperator, statsOperator2]) {
          await expect(registry.activeAgencyOf(operator.address))
            .to.be.revertedWithCustomError(registry, 'AgencyNotActive')
            .withArgs(STATS_ID, AgencyStatus.Suspended);
        }
        expect(await registry.activeAgencyOf(healthOperator.address)).to.equal(HEALTH_ID);
      });
    });

    context('when the agency is not active', function () {
      it('reverts with InvalidAgencyStatusTransition from suspended', async function () {
        const { registry } = await loadAgencies();
        await registry.suspendAgency(STATS_ID);
        await expect(registry.suspendAgency(STATS_ID))
          .to.be.revertedWithCustomError(registry, 'InvalidAgencyStatusTransition')
          .withArgs(STATS_ID, AgencyStatus.Suspended, AgencyStatus.Suspended);
      });

      it('reverts with InvalidAgencyStatusTransition from retired', async function () {
        const { registry } = await loadAgencies();
        await registry.retireAgency(STATS_ID);
        await expect(registry.suspendAgency(STATS_ID))
          .to.be.revertedWithCustomError(registry, 'InvalidAgencyStatusTransition')
          .withArgs(STATS_ID, AgencyStatus.Retired, AgencyStatus.Suspended);
      });
    });

    context('when the agency does not exist', function () {
      it('reverts with UnknownAgency', async function () {
        const { registry } = await loadAgencies();
        await expect(registry.suspendAgency(3n)).to.be.revertedWithCustomError(registry, 'UnknownAgency').withArgs(3n);
        await expect(registry.suspendAgency(0n)).to.be.revertedWithCustomError(registry, 'UnknownAgency').withArgs(0n);
      });
    });

    shouldBehaveLikeRegistrarOnly(loadAgencies, (f, caller, agencyId) =>
      f.registry.connect(caller).suspendAgency(agencyId),
    );
  });

  describe('reinstateAgency', function () {
    context('when the agency is suspended', function () {
      it('emits AgencyStatusChanged and its operators act again', async function () {
        const { registry, governance, statsOperator, statsOperator2 } = await loadAgencies();
        await registry.suspendAgency(STATS_ID);
        await expect(registry.reinstateAgency(STATS_ID))
          .to.emit(registry, 'AgencyStatusChanged')
          .withArgs(STATS_ID, AgencyStatus.Suspended, AgencyStatus.Active, governance.address);
        expect(await registry.agencyStatus(STATS_ID)).to.equal(AgencyStatus.Active);
        expect(await registry.activeAgencyOf(statsOperator.address)).to.equal(STATS_ID);
        expect(await registry.activeAgencyOf(statsOperator2.address)).to.equal(STATS_ID);
      });

      it('can be suspended and reinstated again', async function () {
        const { registry, statsOperator } = await loadAgencies();
        for (let round = 0; round < 2; round++) {
          await registry.suspendAgency(STATS_ID);
          await expect(registry.activeAgencyOf(statsOperator.address)).to.be.revertedWithCustomError(
            registry,
            'AgencyNotActive',
          );
          await registry.reinstateAgency(STATS_ID);
          expect(await registry.activeAgencyOf(statsOperator.address)).to.equal(STATS_ID);
        }
      });
    });

    context('when the agency is not suspended', function () {
      it('reverts with InvalidAgencyStatusTransition from active', async function () {
        const { registry } = await loadAgencies();
        await expect(registry.reinstateAgency(STATS_ID))
          .to.be.revertedWithCustomError(registry, 'InvalidAgencyStatusTransition')
          .withArgs(STATS_ID, AgencyStatus.Active, AgencyStatus.Active);
      });

      it('reverts with InvalidAgencyStatusTransition from retired (retirement is final)', async function () {
        const { registry } = await loadAgencies();
        await registry.suspendAgency(STATS_ID);
        await registry.retireAgency(STATS_ID);
        await expect(registry.reinstateAgency(STATS_ID))
          .to.be.revertedWithCustomError(registry, 'InvalidAgencyStatusTransition')
          .withArgs(STATS_ID, AgencyStatus.Retired, AgencyStatus.Active);
      });
    });

    context('when the agency does not exist', function () {
      it('reverts with UnknownAgency', async function () {
        const { registry } = await loadAgencies();
        await expect(registry.reinstateAgency(7n))
          .to.be.revertedWithCustomError(registry, 'UnknownAgency')
          .withArgs(7n);
      });
    });

    shouldBehaveLikeRegistrarOnly(loadAgencies, (f, caller, agencyId) =>
      f.registry.connect(caller).reinstateAgency(agencyId),
    );
  });

  describe('retireAgency', function () {
    context('when the agency is active', function () {
      it('emits AgencyStatusChanged and retires it', async function () {
        const { registry, governance, statsOperator } = await loadAgencies();
        await expect(registry.retireAgency(STATS_ID))
          .to.emit(registry, 'AgencyStatusChanged')
          .withArgs(STATS_ID, AgencyStatus.Active, AgencyStatus.Retired, governance.address);
        expect(await registry.agencyStatus(STATS_ID)).to.equal(AgencyStatus.Retired);
        await expect(registry.activeAgencyOf(statsOperator.address))
          .to.be.revertedWithCustomError(registry, 'AgencyNotActive')
          .withArgs(STATS_ID, AgencyStatus.Retired);
      });

      it('keeps its record readable', async function () {
        const { registry, statsAdmin, statsOperator, statsOperator2 } = await loadAgencies();
        await registry.retireAgency(STATS_ID);
        const agency = await registry.getAgency(STATS_ID);
        expect(agency.code).to.equal(STATS.code);
        expect(agency.name).to.equal(STATS.name);
        expect(agency.admin).to.equal(statsAdmin.address);
        expect(await registry.agencyIdOf(STATS.code)).to.equal(STATS_ID);
        await expectOperators(registry, STATS_ID, [statsOperator.address, statsOperator2.address]);
      });
    });

    context('when the agency is suspended', function () {
      it('emits AgencyStatusChanged from suspended', async function () {
        const { registry, governance } = await loadAgencies();
        await registry.suspendAgency(STATS_ID);
        await expect(registry.retireAgency(STATS_ID))
          .to.emit(registry, 'AgencyStatusChanged')
          .withArgs(STATS_ID, AgencyStatus.Suspended, AgencyStatus.Retired, governance.address);
        expect(await registry.agencyStatus(STATS_ID)).to.equal(AgencyStatus.Retired);
      });
    });

    context('when the agency is already retired', function () {
      it('reverts with InvalidAgencyStatusTransition', async function () {
        const { registry } = await loadAgencies();
        await registry.retireAgency(STATS_ID);
        await expect(registry.retireAgency(STATS_ID))
          .to.be.revertedWithCustomError(registry, 'InvalidAgencyStatusTransition')
          .withArgs(STATS_ID, AgencyStatus.Retired, AgencyStatus.Retired);
      });

      it('keeps its code taken', async function () {
        const { registry, outsider } = await loadAgencies();
        await registry.retireAgency(STATS_ID);
        await expect(registry.registerAgency(STATS.code, 'Successor', '', outsider.address))
          .to.be.revertedWithCustomError(registry, 'AgencyCodeTaken')
          .withArgs(STATS.code, STATS_ID);
      });
    });

    context('when the agency does not exist', function () {
      it('reverts with UnknownAgency', async function () {
        const { registry } = await loadAgencies();
        await expect(registry.retireAgency(3n)).to.be.revertedWithCustomError(registry, 'UnknownAgency').withArgs(3n);
      });
    });

    shouldBehaveLikeRegistrarOnly(loadAgencies, (f, caller, agencyId) =>
      f.registry.connect(caller).retireAgency(agencyId),
    );
  });

  describe('updateAgencyMetadata', function () {
    context("when the agency's admin updates it", function () {
      it('emits AgencyMetadataUpdated and stores the new name and URI, keeping the code', async function () {
        const { registry, statsAdmin } = await loadAgencies();
        await expect(registry.connect(statsAdmin).updateAgencyMetadata(STATS_ID, 'Hunan Statistics', 'ipfs://meta'))
          .to.emit(registry, 'AgencyMetadataUpdated')
          .withArgs(STATS_ID, 'Hunan Statistics', 'ipfs://meta');
        const agency = await registry.getAgency(STATS_ID);
        expect(agency.name).to.equal('Hunan Statistics');
        expect(agency.metadataURI).to.equal('ipfs://meta');
        expect(agency.code).to.equal(STATS.code);
        expect((await registry.getAgency(HEALTH_ID)).name).to.equal(HEALTH.name);
      });

      it('accepts an empty metadata URI', async function () {
        const { registry, statsAdmin } = await loadAgencies();
        await registry.connect(statsAdmin).updateAgencyMetadata(STATS_ID, STATS.name, '');
        expect((await registry.getAgency(STATS_ID)).metadataURI).to.equal('');
      });
    });

    context('when the name is empty', function () {
      it('reverts with EmptyAgencyName', async function () {
        const { registry, statsAdmin } = await loadAgencies();
        await expect(
          registry.connect(statsAdmin).updateAgencyMetadata(STATS_ID, '', 'ipfs://meta'),
        ).to.be.revertedWithCustomError(registry, 'EmptyAgencyName');
      });
    });

    shouldBehaveLikeAgencyAdminOnly(loadAgencies, (f, caller, agencyId) =>
      f.registry.connect(caller).updateAgencyMetadata(agencyId, 'New name', ''),
    );
  });

  describe('addOperator', function () {
    context("when the agency's admin adds an operator", function () {
      it('emits OperatorAdded and the operator acts for the agency', async function () {
        const { registry, statsAdmin, statsOperator, statsOperator2, newcomers } = await loadAgencies();
        const [operator] = newcomers;
        await expect(registry.connect(statsAdmin).addOperator(STATS_ID, operator.address))
          .to.emit(registry, 'OperatorAdded')
          .withArgs(STATS_ID, operator.address, statsAdmin.address);
        expect(await registry.operatorAgency(operator.address)).to.equal(STATS_ID);
        expect(await registry.activeAgencyOf(operator.address)).to.equal(STATS_ID);
        await expectOperators(registry, STATS_ID, [statsOperator.address, statsOperator2.address, operator.address]);
      });

      it('accepts an agency admin as an operator (of its own agency)', async function () {
        const { registry, statsAdmin } = await loadAgencies();
        await registry.connect(statsAdmin).addOperator(STATS_ID, statsAdmin.address);
        expect(await registry.activeAgencyOf(statsAdmin.address)).to.equal(STATS_ID);
      });
    });

    context('when the agency is suspended', function () {
      it('adds the operator, who can act only once the agency is reinstated', async function () {
        const { registry, statsAdmin, newcomers } = await loadAgencies();
        const [operator] = newcomers;
        await registry.suspendAgency(STATS_ID);
        await expect(registry.connect(statsAdmin).addOperator(STATS_ID, operator.address))
          .to.emit(registry, 'OperatorAdded')
          .withArgs(STATS_ID, operator.address, statsAdmin.address);
        await expect(registry.activeAgencyOf(operator.address))
          .to.be.revertedWithCustomError(registry, 'AgencyNotActive')
          .withArgs(STATS_ID, AgencyStatus.Suspended);
        await registry.reinstateAgency(STATS_ID);
        expect(await registry.activeAgencyOf(operator.address)).to.equal(STATS_ID);
      });
    });

    context('when the agency is retired', function () {
      it('reverts with AgencyNotActive', async function () {
        const { registry, statsAdmin, newcomers } = await loadAgencies();
        await registry.retireAgency(STATS_ID);
        await expect(registry.connect(statsAdmin).addOperator(STATS_ID, newcomers[0].address))
          .to.be.revertedWithCustomError(registry, 'AgencyNotActive')
          .withArgs(STATS_ID, AgencyStatus.Retired);
      });
    });

    context('when the operator is the zero address', function () {
      it('reverts with ZeroAddress', async function () {
        const { registry, statsAdmin } = await loadAgencies();
        await expect(
          registry.connect(statsAdmin).addOperator(STATS_ID, ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(registry, 'ZeroAddress');
      });
    });

    context('when the account already acts for an agency', function () {
      it('reverts with OperatorAlreadyAssigned for the same agency', async function () {
        const { registry, statsAdmin, statsOperator } = await loadAgencies();
        await expect(registry.connect(statsAdmin).addOperator(STATS_ID, statsOperator.address))
          .to.be.revertedWithCustomError(registry, 'OperatorAlreadyAssigned')
          .withArgs(statsOperator.address, STATS_ID);
      });

      it('reverts with OperatorAlreadyAssigned for another agency', async function () {
        const { registry, healthAdmin, statsOperator } = await loadAgencies();
        await expect(registry.connect(healthAdmin).addOperator(HEALTH_ID, statsOperator.address))
          .to.be.revertedWithCustomError(registry, 'OperatorAlreadyAssigned')
          .withArgs(statsOperator.address, STATS_ID);
      });

      it('lets another agency add the account once it has been removed', async function () {
        const { registry, statsAdmin, healthAdmin, statsOperator } = await loadAgencies();
        await registry.connect(statsAdmin).removeOperator(STATS_ID, statsOperator.address);
        await registry.connect(healthAdmin).addOperator(HEALTH_ID, statsOperator.address);
        expect(await registry.activeAgencyOf(statsOperator.address)).to.equal(HEALTH_ID);
      });
    });

    context('when the agency has MAX_OPERATORS operators', function () {
      it('reverts with TooManyOperators, and accepts one again after a removal', async function () {
        const { registry, statsAdmin } = await loadAgencies();
        const max = await registry.MAX_OPERATORS();
        for (let i = 2n; i < max; i++) {
          await registry.connect(statsAdmin).addOperator(STATS_ID, plainAddress(Number(i)));
        }
        expect(await registry.operatorsOf(STATS_ID)).to.have.lengthOf(Number(max));
        await expect(registry.connect(statsAdmin).addOperator(STATS_ID, plainAddress(1000)))
          .to.be.revertedWithCustomError(registry, 'TooManyOperators')
          .withArgs(STATS_ID, max);
        await registry.connect(statsAdmin).removeOperator(STATS_ID, plainAddress(10));
        await registry.connect(statsAdmin).addOperator(STATS_ID, plainAddress(1000));
        expect(await registry.operatorsOf(STATS_ID)).to.have.lengthOf(Number(max));
        expect(await registry.operatorAgency(plainAddress(1000))).to.equal(STATS_ID);
      });
    });

    shouldBehaveLikeAgencyAdminOnly(loadAgencies, (f, caller, agencyId) =>
      f.registry.connect(caller).addOperator(agencyId, f.newcomers[0].address),
    );
  });

  describe('removeOperator', function () {
    context("when the agency's admin removes an operator", function () {
      it('emits OperatorRemoved and the account acts for no agency', async function () {
        const { registry, statsAdmin, statsOperator, statsOperator2 } = await loadAgencies();
        await expect(registry.connect(statsAdmin).removeOperator(STATS_ID, statsOperator.address))
          .to.emit(registry, 'OperatorRemoved')
          .withArgs(STATS_ID, statsOperator.address, statsAdmin.address);
        expect(await registry.operatorAgency(statsOperator.address)).to.equal(0n);
        await expect(registry.activeAgencyOf(statsOperator.address))
          .to.be.revertedWithCustomError(registry, 'NotAnOperator')
          .withArgs(statsOperator.address);
        await expectOperators(registry, STATS_ID, [statsOperator2.address]);
      });

      it('leaves the list empty after removing the only operator', async function () {
        const { registry, healthAdmin, healthOperator } = await loadAgencies();
        await registry.connect(healthAdmin).removeOperator(HEALTH_ID, healthOperator.address);
        expect(await registry.operatorsOf(HEALTH_ID)).to.deep.equal([]);
        await registry.connect(healthAdmin).addOperator(HEALTH_ID, healthOperator.address);
        expect(await registry.operatorsOf(HEALTH_ID)).to.deep.equal([healthOperator.address]);
      });

      it('works on a suspended or retired agency, so that its admin can still lock accounts out', async function () {
        const { registry, statsAdmin, statsOperator, statsOperator2 } = await loadAgencies();
        await registry.suspendAgency(STATS_ID);
        await registry.connect(statsAdmin).removeOperator(STATS_ID, statsOperator.address);
        await registry.retireAgency(STATS_ID);
        await registry.connect(statsAdmin).removeOperator(STATS_ID, statsOperator2.address);
        expect(await registry.operatorsOf(STATS_ID)).to.deep.equal([]);
      });
    });

    // Swap-and-pop: the last operator moves into the removed one's place. Removing every remaining operator
    // afterwards, one by one, checks that each moved operator's recorded position was updated.
    for (const [position, label] of [
      [0, 'first'],
      [2, 'middle'],
      [4, 'last'],
    ] as const) {
      context(`when removing the ${label} of five operators`, function () {
        it('keeps operatorsOf exact, through the removal of all the others', async function () {
          const { registry, statsAdmin, operators } = await loadFixture(deployFiveOperatorsFixture);
          let remaining = [...operators];
          for (const operator of [operators[position], ...[...operators].reverse()]) {
            if (!remaining.includes(operator)) continue;
            await registry.connect(statsAdmin).removeOperator(STATS_ID, operator);
            remaining = remaining.filter((other) => other !== operator);
            await expectOperators(registry, STATS_ID, remaining);
            expect(await registry.operatorAgency(operator)).to.equal(0n);
          }
          expect(remaining).to.deep.equal([]);
        });

        it('keeps the other operators removable in any order', async function () {
          const { registry, statsAdmin, operators } = await loadFixture(deployFiveOperatorsFixture);
          await registry.connect(statsAdmin).removeOperator(STATS_ID, operators[position]);
          let remaining = operators.filter((_, index) => index !== position);
          // Middle-out order: exercises removals at positions other than first and last.
          for (const operator of [remaining[1], remaining[3], remaining[0], remaining[2]]) {
            await registry.connect(statsAdmin).removeOperator(STATS_ID, operator);
            remaining = remaining.filter((other) => other !== operator);
            await expectOperators(registry, STATS_ID, remaining);
          }
        });
      });
    }

    context('when the account is not an operator of the agency', function () {
      it('reverts with NotAgencyOperator for an account with no agency', async function () {
        const { registry, statsAdmin, outsider } = await loadAgencies();
        await expect(registry.connect(statsAdmin).removeOperator(STATS_ID, outsider.address))
          .to.be.revertedWithCustomError(registry, 'NotAgencyOperator')
          .withArgs(STATS_ID, outsider.address);
      });

      it("reverts with NotAgencyOperator for another agency's operator, who keeps acting", async function () {
        const { registry, statsAdmin, healthOperator } = await loadAgencies();
        await expect(registry.connect(statsAdmin).removeOperator(STATS_ID, healthOperator.address))
          .to.be.revertedWithCustomError(registry, 'NotAgencyOperator')
          .withArgs(STATS_ID, healthOperator.address);
        expect(await registry.activeAgencyOf(healthOperator.address)).to.equal(HEALTH_ID);
      });

      it('reverts with NotAgencyOperator when removing the same operator twice', async function () {
        const { registry, statsAdmin, statsOperator } = await loadAgencies();
        await registry.connect(statsAdmin).removeOperator(STATS_ID, statsOperator.address);
        await expect(registry.connect(statsAdmin).removeOperator(STATS_ID, statsOperator.address))
          .to.be.revertedWithCustomError(registry, 'NotAgencyOperator')
          .withArgs(STATS_ID, statsOperator.address);
      });
    });

    shouldBehaveLikeAgencyAdminOnly(loadAgencies, (f, caller, agencyId) =>
      f.registry.connect(caller).removeOperator(agencyId, f.statsOperator.address),
    );
  });

  describe('beginAgencyAdminTransfer', function () {
    context("when the agency's admin proposes a new admin", function () {
      it('emits AgencyAdminTransferStarted and records the pending admin', async function () {
        const { registry, statsAdmin, newcomers } = await loadAgencies();
        await expect(registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, newcomers[0].address))
          .to.emit(registry, 'AgencyAdminTransferStarted')
          .withArgs(STATS_ID, statsAdmin.address, newcomers[0].address);
        expect(await registry.pendingAgencyAdmin(STATS_ID)).to.equal(newcomers[0].address);
        expect(await registry.pendingAgencyAdmin(HEALTH_ID)).to.equal(ethers.ZeroAddress);
      });

      it('leaves the current admin in charge until the handover is accepted', async function () {
        const { registry, statsAdmin, newcomers } = await loadAgencies();
        const [pending] = newcomers;
        await registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, pending.address);
        expect((await registry.getAgency(STATS_ID)).admin).to.equal(statsAdmin.address);
        await expect(registry.connect(pending).addOperator(STATS_ID, pending.address))
          .to.be.revertedWithCustomError(registry, 'NotAgencyAdmin')
          .withArgs(STATS_ID, pending.address);
        await registry.connect(statsAdmin).addOperator(STATS_ID, pending.address);
      });

      it('replaces an earlier proposal', async function () {
        const { registry, statsAdmin, newcomers } = await loadAgencies();
        const [first, second] = newcomers;
        await registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, first.address);
        await registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, second.address);
        await expect(registry.connect(first).acceptAgencyAdmin(STATS_ID))
          .to.be.revertedWithCustomError(registry, 'NotPendingAgencyAdmin')
          .withArgs(STATS_ID, first.address);
        await registry.connect(second).acceptAgencyAdmin(STATS_ID);
        expect((await registry.getAgency(STATS_ID)).admin).to.equal(second.address);
      });
    });

    context('when the admin cancels with the zero address', function () {
      it('emits AgencyAdminTransferStarted with zero and the proposed admin can no longer accept', async function () {
        const { registry, statsAdmin, newcomers } = await loadAgencies();
        const [pending] = newcomers;
        await registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, pending.address);
        await expect(registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, ethers.ZeroAddress))
          .to.emit(registry, 'AgencyAdminTransferStarted')
          .withArgs(STATS_ID, statsAdmin.address, ethers.ZeroAddress);
        expect(await registry.pendingAgencyAdmin(STATS_ID)).to.equal(ethers.ZeroAddress);
        await expect(registry.connect(pending).acceptAgencyAdmin(STATS_ID))
          .to.be.revertedWithCustomError(registry, 'NotPendingAgencyAdmin')
          .withArgs(STATS_ID, pending.address);
        expect((await registry.getAgency(STATS_ID)).admin).to.equal(statsAdmin.address);
      });
    });

    shouldBehaveLikeAgencyAdminOnly(loadAgencies, (f, caller, agencyId) =>
      f.registry.connect(caller).beginAgencyAdminTransfer(agencyId, caller.address),
    );
  });

  describe('acceptAgencyAdmin', function () {
    context('when the pending admin accepts', function () {
      it('emits AgencyAdminTransferred and makes the caller the admin', async function () {
        const { registry, statsAdmin, newcomers } = await loadAgencies();
        const [newAdmin] = newcomers;
        await registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, newAdmin.address);
        await expect(registry.connect(newAdmin).acceptAgencyAdmin(STATS_ID))
          .to.emit(registry, 'AgencyAdminTransferred')
          .withArgs(STATS_ID, statsAdmin.address, newAdmin.address);
        expect((await registry.getAgency(STATS_ID)).admin).to.equal(newAdmin.address);
        expect(await registry.pendingAgencyAdmin(STATS_ID)).to.equal(ethers.ZeroAddress);
      });

      it('hands over the powers: the new admin manages operators, the old one nothing', async function () {
        const { registry, statsAdmin, statsOperator, newcomers } = await loadAgencies();
        const [newAdmin, operator] = newcomers;
        await registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, newAdmin.address);
        await registry.connect(newAdmin).acceptAgencyAdmin(STATS_ID);
        await expect(registry.connect(newAdmin).addOperator(STATS_ID, operator.address))
          .to.emit(registry, 'OperatorAdded')
          .withArgs(STATS_ID, operator.address, newAdmin.address);
        await expect(registry.connect(statsAdmin).removeOperator(STATS_ID, statsOperator.address))
          .to.be.revertedWithCustomError(registry, 'NotAgencyAdmin')
          .withArgs(STATS_ID, statsAdmin.address);
      });

      it('cannot be accepted twice', async function () {
        const { registry, statsAdmin, newcomers } = await loadAgencies();
        const [newAdmin] = newcomers;
        await registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, newAdmin.address);
        await registry.connect(newAdmin).acceptAgencyAdmin(STATS_ID);
        await expect(registry.connect(newAdmin).acceptAgencyAdmin(STATS_ID))
          .to.be.revertedWithCustomError(registry, 'NotPendingAgencyAdmin')
          .withArgs(STATS_ID, newAdmin.address);
      });

      it("does not hand over another agency's admin role", async function () {
        const { registry, statsAdmin, newcomers } = await loadAgencies();
        const [newAdmin] = newcomers;
        await registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, newAdmin.address);
        await expect(registry.connect(newAdmin).acceptAgencyAdmin(HEALTH_ID))
          .to.be.revertedWithCustomError(registry, 'NotPendingAgencyAdmin')
          .withArgs(HEALTH_ID, newAdmin.address);
      });
    });

    context('when the caller is not the pending admin', function () {
      it('reverts with NotPendingAgencyAdmin, also for the current admin', async function () {
        const { registry, statsAdmin, outsider, newcomers } = await loadAgencies();
        await registry.connect(statsAdmin).beginAgencyAdminTransfer(STATS_ID, newcomers[0].address);
        for (const caller of [outsider, statsAdmin]) {
          await expect(registry.connect(caller).acceptAgencyAdmin(STATS_ID))
            .to.be.revertedWithCustomError(registry, 'NotPendingAgencyAdmin')
            .withArgs(STATS_ID, caller.address);
        }
      });
    });

    context('when no handover is pending and the caller is the zero address', function () {
      it('reverts with NotPendingAgencyAdmin (the empty pending slot is not an invitation)', async function () {
        const { registry } = await loadAgencies();
        await impersonateAccount(ethers.ZeroAddress);
        await setBalance(ethers.ZeroAddress, ethers.parseEther('1'));
        const zero = await ethers.getSigner(ethers.ZeroAddress);
        await expect(registry.connect(zero).acceptAgencyAdmin(STATS_ID))
          .to.be.revertedWithCustomError(registry, 'NotPendingAgencyAdmin')
          .withArgs(STATS_ID, ethers.ZeroAddress);
        // Likewise the zero address is never an agency's admin, not even of an agency that does not exist.
        await expect(registry.connect(zero).addOperator(99n, zero.address))
          .to.be.revertedWithCustomError(registry, 'NotAgencyAdmin')
          .withArgs(99n, ethers.ZeroAddress);
      });
    });
  });

  describe('getAgency', function () {
    context('when the agency exists', function () {
      it('returns its record with named fields', async function () {
        const { registry, healthAdmin } = await loadAgencies();
        const agency = await registry.getAgency(HEALTH_ID);
        expect(agency.admin).to.equal(healthAdmin.address);
        expect(agency.status).to.equal(AgencyStatus.Active);
        expect(agency.code).to.equal(HEALTH.code);
        expect(agency.name).to.equal(HEALTH.name);
        expect(agency.metadataURI).to.equal(HEALTH.uri);
      });
    });

    context('when the agency does not exist', function () {
      it('reverts with UnknownAgency', async function () {
        const { registry } = await loadAgencies();
        for (const agencyId of [0n, 3n, 2n ** 32n - 1n]) {
          await expect(registry.getAgency(agencyId))
            .to.be.revertedWithCustomError(registry, 'UnknownAgency')
            .withArgs(agencyId);
        }
      });
    });
  });

  describe('agencyIdOf', function () {
    it('returns the id for a registered code and 0 otherwise (codes are exact)', async function () {
      const { registry } = await loadAgencies();
      expect(await registry.agencyIdOf(STATS.code)).to.equal(STATS_ID);
      expect(await registry.agencyIdOf(HEALTH.code)).to.equal(HEALTH_ID);
      expect(await registry.agencyIdOf('hunan.edu')).to.equal(0n);
      expect(await registry.agencyIdOf('Hunan.stats')).to.equal(0n);
      expect(await registry.agencyIdOf('hunan.stats ')).to.equal(0n);
      expect(await registry.agencyIdOf('')).to.equal(0n);
    });
  });

  describe('agencyStatus', function () {
    it('returns None for an agency never registered', async function () {
      const { registry } = await loadAgencies();
      expect(await registry.agencyStatus(0n)).to.equal(AgencyStatus.None);
      expect(await registry.agencyStatus(3n)).to.equal(AgencyStatus.None);
      expect(await registry.agencyStatus(HEALTH_ID)).to.equal(AgencyStatus.Active);
    });
  });

  describe('operatorAgency', function () {
    it("returns the operator's agency, or 0 for any other account", async function () {
      const { registry, statsOperator, healthOperator, statsAdmin, outsider } = await loadAgencies();
      expect(await registry.operatorAgency(statsOperator.address)).to.equal(STATS_ID);
      expect(await registry.operatorAgency(healthOperator.address)).to.equal(HEALTH_ID);
      expect(await registry.operatorAgency(statsAdmin.address)).to.equal(0n);
      expect(await registry.operatorAgency(outsider.address)).to.equal(0n);
    });
  });

  describe('activeAgencyOf', function () {
    context('when the account operates for an active agency', function () {
      it('returns the agency', async function () {
        const { registry, statsOperator2, healthOperator } = await loadAgencies();
        expect(await registry.activeAgencyOf(statsOperator2.address)).to.equal(STATS_ID);
        expect(await registry.activeAgencyOf(healthOperator.address)).to.equal(HEALTH_ID);
      });
    });

    context('when the account is no operator', function () {
      it('reverts with NotAnOperator', async function () {
        const { registry, healthAdmin } = await loadAgencies();
        await expect(registry.activeAgencyOf(healthAdmin.address))
          .to.be.revertedWithCustomError(registry, 'NotAnOperator')
          .withArgs(healthAdmin.address);
      });
    });

    context("when the account's agency is not active", function () {
      it('reverts with AgencyNotActive and the current status', async function () {
        const { registry, healthOperator } = await loadAgencies();
        await registry.suspendAgency(HEALTH_ID);
        await expect(registry.activeAgencyOf(healthOperator.address))
          .to.be.revertedWithCustomError(registry, 'AgencyNotActive')
          .withArgs(HEALTH_ID, AgencyStatus.Suspended);
        await registry.retireAgency(HEALTH_ID);
        await expect(registry.activeAgencyOf(healthOperator.address))
          .to.be.revertedWithCustomError(registry, 'AgencyNotActive')
          .withArgs(HEALTH_ID, AgencyStatus.Retired);
      });
    });
  });

  describe('operatorsOf', function () {
    it("lists each agency's operators, and nothing for an unknown agency", async function () {
      const { registry, statsOperator, statsOperator2, healthOperator } = await loadAgencies();
      await expectOperators(registry, STATS_ID, [statsOperator.address, statsOperator2.address]);
      await expectOperators(registry, HEALTH_ID, [healthOperator.address]);
      expect(await registry.operatorsOf(3n)).to.deep.equal([]);
    });
  });

  describe('agencyCount', function () {
    it('counts registered agencies, retired ones included', async function () {
      const { registry } = await loadAgencies();
      expect(await registry.agencyCount()).to.equal(2n);
      await registry.retireAgency(STATS_ID);
      expect(await registry.agencyCount()).to.equal(2n);
    });
  });
});

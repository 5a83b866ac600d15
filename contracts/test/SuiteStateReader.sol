// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC5313} from "@openzeppelin/contracts/interfaces/IERC5313.sol";
import {IAgencyRegistry} from "../interfaces/IAgencyRegistry.sol";
import {IDatasetRegistry} from "../interfaces/IDatasetRegistry.sol";
import {IAccessGrants} from "../interfaces/IAccessGrants.sol";

/**
 * @title SuiteStateReader
 * @notice Test-only: reads the whole observable state of a {DatasetRegistry} and its {AccessGrants} in one
 * `eth_call`, so that the stateful property tests can compare all of it with their model after every step.
 * It only calls view functions; reverts of the views it probes are returned as data, not raised.
 */
contract SuiteStateReader {
    bytes32 private constant _REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice Governance (OpenZeppelin default-admin rules) state.
    struct Governance {
        address defaultAdmin;
        address owner;
        address pendingAdmin;
        uint48 pendingAdminSchedule;
        uint48 delay;
        uint48 pendingDelay;
        uint48 pendingDelaySchedule;
    }

    /// @notice One agency with its pending admin and operator list.
    struct AgencyState {
        IAgencyRegistry.Agency agency;
        address pendingAdmin;
        address[] operators;
    }

    /// @notice What the registry says about one account.
    struct AccountState {
        uint32 operatorAgency;
        bool activeOperator; // activeAgencyOf did not revert
        uint32 activeAgency;
        bytes activeAgencyError; // revert data of activeAgencyOf, if it reverted
        bool registrar;
        bool defaultAdminRole;
    }

    /// @notice A dataset (if it exists) and, for agency ids 0..agencyCount+1, hasAccess and currentGrantId.
    struct DatasetState {
        bool exists;
        IDatasetRegistry.Dataset dataset;
        bool[] access;
        uint64[] currentGrants;
    }

    /// @notice A (signer, nonce) pair to probe with `nonceUsed`.
    struct NonceProbe {
        address signer;
        uint256 nonce;
    }

    /// @notice Everything read in one call.
    struct Snapshot {
        uint256 blockTimestamp;
        Governance governance;
        AgencyState[] agencies; // ids 1..agencyCount
        AccountState[] accounts;
        IDatasetRegistry.Anchor[] anchors;
        DatasetState[] datasets;
        IAccessGrants.AccessRequest[] requests; // ids 1..requestCount
        IAccessGrants.Grant[] grants; // ids 1..grantCount
        bool[] registryNonces;
        bool[] grantsNonces;
    }

    /// @notice What to read.
    struct Query {
        IDatasetRegistry registry;
        IAccessGrants grants;
        address[] accounts; // accounts whose roles and operator records to read
        bytes32[] hashes; // content hashes whose anchor records to read
        bytes12[] datasetIds; // datasets to read, with access for every agency id 0..agencyCount+1
        NonceProbe[] registryNonces; // nonces to probe on the registry
        NonceProbe[] grantsNonces; // nonces to probe on the access grants contract
    }

    /**
     * @notice Reads the suite's state.
     * @param query What to read.
     * @return snapshot The state.
     */
    function read(Query calldata query) external view returns (Snapshot memory snapshot) {
        IDatasetRegistry registry = query.registry;
        snapshot.blockTimestamp = block.timestamp;
        snapshot.governance = _governance(address(registry));
        snapshot.agencies = _agencies(registry);
        uint32 agencyCount = uint32(snapshot.agencies.length);
        snapshot.accounts = new AccountState[](query.accounts.length);
        for (uint256 i = 0; i < query.accounts.length; ++i) {
            snapshot.accounts[i] = _account(registry, query.accounts[i]);
        }
        snapshot.anchors = new IDatasetRegistry.Anchor[](query.hashes.length);
        for (uint256 i = 0; i < query.hashes.length; ++i) {
            snapshot.anchors[i] = registry.getAnchor(query.hashes[i]);
        }
        snapshot.datasets = new DatasetState[](query.datasetIds.length);
        for (uint256 i = 0; i < query.datasetIds.length; ++i) {
            snapshot.datasets[i] = _dataset(registry, query.grants, query.datasetIds[i], agencyCount);
        }
        (snapshot.requests, snapshot.grants) = _requestsAndGrants(query.grants);
        snapshot.registryNonces = _nonces(address(registry), query.registryNonces);
        snapshot.grantsNonces = _nonces(address(query.grants), query.grantsNonces);
    }

    function _agencies(IDatasetRegistry registry) private view returns (AgencyState[] memory agencies) {
        uint32 agencyCount = registry.agencyCount();
        agencies = new AgencyState[](agencyCount);
        for (uint32 id = 1; id <= agencyCount; ++id) {
            agencies[id - 1].agency = registry.getAgency(id);
            agencies[id - 1].pendingAdmin = registry.pendingAgencyAdmin(id);
            agencies[id - 1].operators = registry.operatorsOf(id);
        }
    }

    function _requestsAndGrants(
        IAccessGrants grants
    ) private view returns (IAccessGrants.AccessRequest[] memory requests, IAccessGrants.Grant[] memory grantList) {
        (uint64 requestCount, uint64 grantCount) = grants.counts();
        requests = new IAccessGrants.AccessRequest[](requestCount);
        for (uint64 id = 1; id <= requestCount; ++id) {
            requests[id - 1] = grants.getRequest(id);
        }
        grantList = new IAccessGrants.Grant[](grantCount);
        for (uint64 id = 1; id <= grantCount; ++id) {
            grantList[id - 1] = grants.getGrant(id);
        }
    }

    function _nonces(address target, NonceProbe[] calldata probes) private view returns (bool[] memory used) {
        used = new bool[](probes.length);
        for (uint256 i = 0; i < probes.length; ++i) {
            used[i] = IDatasetRegistry(target).nonceUsed(probes[i].signer, probes[i].nonce);
        }
    }

    function _governance(address registry) private view returns (Governance memory governance) {
        IAccessControlDefaultAdminRules rules = IAccessControlDefaultAdminRules(registry);
        governance.defaultAdmin = rules.defaultAdmin();
        governance.owner = IERC5313(registry).owner();
        (governance.pendingAdmin, governance.pendingAdminSchedule) = rules.pendingDefaultAdmin();
        governance.delay = rules.defaultAdminDelay();
        (governance.pendingDelay, governance.pendingDelaySchedule) = rules.pendingDefaultAdminDelay();
    }

    function _account(IDatasetRegistry registry, address account) private view returns (AccountState memory state) {
        state.operatorAgency = registry.operatorAgency(account);
        try registry.activeAgencyOf(account) returns (uint32 agencyId) {
            state.activeOperator = true;
            state.activeAgency = agencyId;
        } catch (bytes memory reason) {
            state.activeAgencyError = reason;
        }
        state.registrar = IAccessControl(address(registry)).hasRole(_REGISTRAR_ROLE, account);
        state.defaultAdminRole = IAccessControl(address(registry)).hasRole(bytes32(0), account);
    }

    function _dataset(
        IDatasetRegistry registry,
        IAccessGrants grants,
        bytes12 datasetId,
        uint32 agencyCount
    ) private view returns (DatasetState memory state) {
        try registry.getDataset(datasetId) returns (IDatasetRegistry.Dataset memory dataset) {
            state.exists = true;
            state.dataset = dataset;
        } catch {
            return state;
        }
        state.access = new bool[](agencyCount + 2);
        state.currentGrants = new uint64[](agencyCount + 2);
        for (uint32 id = 0; id <= agencyCount + 1; ++id) {
            state.access[id] = grants.hasAccess(datasetId, id);
            state.currentGrants[id] = grants.currentGrantId(datasetId, id);
        }
    }
}

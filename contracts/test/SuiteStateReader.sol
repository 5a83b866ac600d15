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
        bytes4 activeAgencyError; // selector of activeAgencyOf's custom error, if it reverted
        bool registrar;
        bool defaultAdminRole;
    }

    /// @notice A dataset (if it exists) and, if asked, hasAccess and currentGrantId for the asked agency ids.
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

    /// @notice Everything read in one call. Unknown requests and grants read as all zero (status None).
    struct Snapshot {
        uint256 blockTimestamp;
        Governance governance;
        uint32 agencyCount;
        AgencyState[] agencies; // as asked; an unknown id reads as all zero (status None)
        uint64 requestCount;
        uint64 grantCount;
        AccountState[] accounts;
        IDatasetRegistry.Anchor[] anchors;
        DatasetState[] datasets;
        IAccessGrants.AccessRequest[] requests;
        IAccessGrants.Grant[] grants;
        bool[] registryNonces;
        bool[] grantsNonces;
    }

    /// @notice What to read.
    struct Query {
        IDatasetRegistry registry;
        IAccessGrants grants;
        bool withGovernance; // read governance (otherwise it reads as all zero)
        bool withRoles; // read each account's roles (otherwise false)
        uint32[] agencyIds; // agencies to read
        address[] accounts; // accounts whose operator records (and roles) to read
        bytes32[] hashes; // content hashes whose anchor records to read
        bytes12[] datasetIds; // datasets to read
        bool[] withAccess; // for each dataset: also read access, for the agencies of accessAgencyIds
        uint32[] accessAgencyIds; // the agencies whose access to read; empty: every id 0..agencyCount+1
        uint64[] requestIds; // requests to read
        uint64[] grantIds; // grants to read
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
        if (query.withGovernance) snapshot.governance = _governance(address(registry));
        uint32 agencyCount = registry.agencyCount();
        snapshot.agencyCount = agencyCount;
        snapshot.agencies = _agencies(registry, query.agencyIds);
        snapshot.accounts = new AccountState[](query.accounts.length);
        for (uint256 i = 0; i < query.accounts.length; ++i) {
            snapshot.accounts[i] = _account(registry, query.accounts[i], query.withRoles);
        }
        snapshot.anchors = new IDatasetRegistry.Anchor[](query.hashes.length);
        for (uint256 i = 0; i < query.hashes.length; ++i) {
            snapshot.anchors[i] = registry.getAnchor(query.hashes[i]);
        }
        snapshot.datasets = new DatasetState[](query.datasetIds.length);
        uint32[] memory accessIds = _accessIds(query.accessAgencyIds, agencyCount);
        uint32[] memory none = new uint32[](0);
        for (uint256 i = 0; i < query.datasetIds.length; ++i) {
            uint32[] memory ids = query.withAccess[i] ? accessIds : none;
            snapshot.datasets[i] = _dataset(registry, query.grants, query.datasetIds[i], ids);
        }
        (snapshot.requestCount, snapshot.grantCount) = query.grants.counts();
        (snapshot.requests, snapshot.grants) = _requestsAndGrants(query.grants, query.requestIds, query.grantIds);
        snapshot.registryNonces = _nonces(address(registry), query.registryNonces);
        snapshot.grantsNonces = _nonces(address(query.grants), query.grantsNonces);
    }

    function _agencies(
        IDatasetRegistry registry,
        uint32[] calldata agencyIds
    ) private view returns (AgencyState[] memory agencies) {
        agencies = new AgencyState[](agencyIds.length);
        for (uint256 i = 0; i < agencyIds.length; ++i) {
            uint32 id = agencyIds[i];
            if (registry.agencyStatus(id) == IAgencyRegistry.AgencyStatus.None) continue; // unknown: all zero
            agencies[i].agency = registry.getAgency(id);
            agencies[i].pendingAdmin = registry.pendingAgencyAdmin(id);
            agencies[i].operators = registry.operatorsOf(id);
        }
    }

    function _requestsAndGrants(
        IAccessGrants grants,
        uint64[] calldata requestIds,
        uint64[] calldata grantIds
    ) private view returns (IAccessGrants.AccessRequest[] memory requests, IAccessGrants.Grant[] memory grantList) {
        requests = new IAccessGrants.AccessRequest[](requestIds.length);
        for (uint256 i = 0; i < requestIds.length; ++i) {
            try grants.getRequest(requestIds[i]) returns (IAccessGrants.AccessRequest memory request) {
                requests[i] = request;
            } catch {
                continue; // unknown: stays all zero
            }
        }
        grantList = new IAccessGrants.Grant[](grantIds.length);
        for (uint256 i = 0; i < grantIds.length; ++i) {
            try grants.getGrant(grantIds[i]) returns (IAccessGrants.Grant memory grant) {
                grantList[i] = grant;
            } catch {
                continue; // unknown: stays all zero
            }
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

    function _account(
        IDatasetRegistry registry,
        address account,
        bool withRoles
    ) private view returns (AccountState memory state) {
        state.operatorAgency = registry.operatorAgency(account);
        try registry.activeAgencyOf(account) returns (uint32 agencyId) {
            state.activeOperator = true;
            state.activeAgency = agencyId;
        } catch (bytes memory reason) {
            state.activeAgencyError = bytes4(reason);
        }
        if (!withRoles) return state;
        state.registrar = IAccessControl(address(registry)).hasRole(_REGISTRAR_ROLE, account);
        state.defaultAdminRole = IAccessControl(address(registry)).hasRole(bytes32(0), account);
    }

    function _accessIds(uint32[] calldata asked, uint32 agencyCount) private pure returns (uint32[] memory ids) {
        if (asked.length != 0) return asked;
        ids = new uint32[](agencyCount + 2);
        for (uint32 id = 0; id < ids.length; ++id) ids[id] = id;
    }

    function _dataset(
        IDatasetRegistry registry,
        IAccessGrants grants,
        bytes12 datasetId,
        uint32[] memory agencyIds
    ) private view returns (DatasetState memory state) {
        try registry.getDataset(datasetId) returns (IDatasetRegistry.Dataset memory dataset) {
            state.exists = true;
            state.dataset = dataset;
        } catch {
            return state;
        }
        state.access = new bool[](agencyIds.length);
        state.currentGrants = new uint64[](agencyIds.length);
        for (uint256 i = 0; i < agencyIds.length; ++i) {
            state.access[i] = grants.hasAccess(datasetId, agencyIds[i]);
            state.currentGrants[i] = grants.currentGrantId(datasetId, agencyIds[i]);
        }
    }
}

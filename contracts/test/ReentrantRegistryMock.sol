// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAgencyRegistry} from "../interfaces/IAgencyRegistry.sol";
import {IDatasetRegistry} from "../interfaces/IDatasetRegistry.sol";

/**
 * @title ReentrantRegistryMock
 * @notice Test only: a hostile stand-in for the registry an {AccessGrants} reads, for the reentrancy attack tests.
 * Every account is an operator of agency 2, agencies 1 and 2 are active, and every dataset belongs to agency 1. Each
 * read AccessGrants makes tries first to call back into the AccessGrants contract (a second access request) and to
 * write its own storage; it swallows the failures and answers anyway.
 * @dev The reads are deliberately not `view`. AccessGrants calls them through the `view` functions of
 * {IDatasetRegistry}, that is with `staticcall`, so the callback and the write cannot change any state.
 */
contract ReentrantRegistryMock {
    /// @dev The dataset of the reentrant request: reads about it do not attack again (no endless recursion).
    bytes12 private constant _REENTERED = bytes12(keccak256("reentered"));

    /// @dev Gas for each attempt: a state change under staticcall is an exceptional halt that uses up all the gas it
    /// was given, so an unbounded attempt would leave the read itself out of gas.
    uint256 private constant _ATTACK_GAS = 300_000;

    address private _grants;
    uint256 private _writes;

    /// @notice A callback into AccessGrants or a storage write made during a read took effect.
    error ReentrancySucceeded();

    /**
     * @notice Sets the AccessGrants contract to call back into.
     * @param grants The AccessGrants deployed over this mock.
     */
    function setGrants(address grants) external {
        _grants = grants;
    }

    /// @notice Like the registry's: every account (but this mock) operates for agency 2.
    function activeAgencyOf(address account) external returns (uint32) {
        if (account != address(this)) _attack();
        return 2;
    }

    /// @notice Like the registry's: every dataset belongs to agency 1.
    function getDataset(bytes12 datasetId) external returns (IDatasetRegistry.Dataset memory) {
        if (datasetId != _REENTERED) _attack();
        return IDatasetRegistry.Dataset({agencyId: 1, versionCount: 1, createdAt: 1});
    }

    /// @notice Like the registry's: agencies 1 and 2 are active.
    function agencyStatus(uint32 agencyId) external returns (IAgencyRegistry.AgencyStatus) {
        if (msg.sender != address(this)) _attack();
        return agencyId == 1 || agencyId == 2 ? IAgencyRegistry.AgencyStatus.Active : IAgencyRegistry.AgencyStatus.None;
    }

    /// @notice How many of the mock's storage writes succeeded (stays 0 when it is only ever called with staticcall).
    function writes() external view returns (uint256) {
        return _writes;
    }

    /// @dev A second access request, made by this mock in the middle of a read, and a write of its own storage. Their
    /// failures are swallowed; if either ever succeeded, the read would revert with {ReentrancySucceeded}.
    function _attack() private {
        // solhint-disable-next-line avoid-low-level-calls
        (bool requested, ) = _grants.call{gas: _ATTACK_GAS}(
            abi.encodeWithSignature("requestAccess(bytes12,string)", _REENTERED, "reentered")
        );
        // solhint-disable-next-line avoid-low-level-calls
        (bool wrote, ) = address(this).call{gas: _ATTACK_GAS}(abi.encodeWithSignature("recordWrite()"));
        if (requested || wrote) revert ReentrancySucceeded();
    }

    /// @notice Increments the write counter (called by the mock itself during an attack).
    function recordWrite() external {
        _writes += 1;
    }
}

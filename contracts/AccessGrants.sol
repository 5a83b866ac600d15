// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessGrants} from "./interfaces/IAccessGrants.sol";
import {IDatasetRegistry} from "./interfaces/IDatasetRegistry.sol";
import {IAgencyRegistry} from "./interfaces/IAgencyRegistry.sol";

/**
 * @title AccessGrants
 * @notice Access requests and grants between agencies, over the datasets of a {DatasetRegistry}. The registry is
 * the single source of truth for who operates for which agency and which agency owns which dataset.
 */
contract AccessGrants is IAccessGrants {
    /// @notice The registry of agencies and datasets this contract reads.
    IDatasetRegistry public immutable REGISTRY;

    uint64 private _requestCount;
    uint64 private _grantCount;
    mapping(uint64 requestId => AccessRequest) private _requests;
    mapping(uint64 grantId => Grant) private _grants;
    mapping(bytes12 datasetId => mapping(uint32 agencyId => uint64 grantId)) private _currentGrants;

    /// @param registry The {DatasetRegistry}.
    constructor(IDatasetRegistry registry) {
        REGISTRY = registry;
    }

    /// @inheritdoc IAccessGrants
    function requestAccess(bytes12 datasetId, string calldata purpose) external returns (uint64 requestId) {
        if (bytes(purpose).length == 0) revert EmptyText();
        uint32 agencyId = REGISTRY.activeAgencyOf(msg.sender);
        uint32 ownerId = REGISTRY.getDataset(datasetId).agencyId;
        if (ownerId == agencyId) revert OwnAgencyAccess(datasetId, agencyId);
        requestId = ++_requestCount;
        _requests[requestId] = AccessRequest({
            datasetId: datasetId,
            requesterAgencyId: agencyId,
            requestedAt: uint40(block.timestamp),
            status: RequestStatus.Pending,
            grantId: 0
        });
        emit AccessRequested(requestId, datasetId, agencyId, msg.sender, purpose);
    }

    /// @inheritdoc IAccessGrants
    function cancelRequest(uint64 requestId) external {
        uint32 agencyId = REGISTRY.activeAgencyOf(msg.sender);
        AccessRequest storage request = _pendingRequest(requestId);
        if (request.requesterAgencyId != agencyId) revert NotRequester(requestId, agencyId);
        request.status = RequestStatus.Cancelled;
        emit AccessRequestCancelled(requestId, request.datasetId, agencyId, msg.sender);
    }

    /// @inheritdoc IAccessGrants
    function approveRequest(uint64 requestId, uint40 expiresAt) external returns (uint64 grantId) {
        AccessRequest storage request = _pendingRequest(requestId);
        bytes12 datasetId = request.datasetId;
        _checkOwnerOperator(datasetId);
        request.status = RequestStatus.Approved;
        grantId = _grant(datasetId, request.requesterAgencyId, expiresAt, requestId, "");
        request.grantId = grantId;
    }

    /// @inheritdoc IAccessGrants
    function denyRequest(uint64 requestId, string calldata reason) external {
        if (bytes(reason).length == 0) revert EmptyText();
        AccessRequest storage request = _pendingRequest(requestId);
        _checkOwnerOperator(request.datasetId);
        request.status = RequestStatus.Denied;
        emit AccessRequestDenied(requestId, request.datasetId, request.requesterAgencyId, msg.sender, reason);
    }

    /// @inheritdoc IAccessGrants
    function grantAccess(
        bytes12 datasetId,
        uint32 granteeAgencyId,
        uint40 expiresAt,
        string calldata purpose
    ) external returns (uint64 grantId) {
        if (bytes(purpose).length == 0) revert EmptyText();
        _checkOwnerOperator(datasetId);
        return _grant(datasetId, granteeAgencyId, expiresAt, 0, purpose);
    }

    /// @inheritdoc IAccessGrants
    function revokeGrant(uint64 grantId, string calldata reason) external {
        Grant storage grant = _grants[grantId];
        GrantStatus status = grant.status;
        if (status == GrantStatus.None) revert UnknownGrant(grantId);
        _checkOwnerOperator(grant.datasetId);
        if (status != GrantStatus.Active) revert GrantNotActive(grantId, status);
        grant.status = GrantStatus.Revoked;
        emit AccessRevoked(grantId, grant.datasetId, grant.granteeAgencyId, msg.sender, reason);
    }

    /// @inheritdoc IAccessGrants
    function hasAccess(bytes12 datasetId, uint32 agencyId) external view returns (bool) {
        IDatasetRegistry.Dataset memory dataset = REGISTRY.getDataset(datasetId);
        if (!_isActive(dataset.agencyId) || !_isActive(agencyId)) return false;
        if (dataset.agencyId == agencyId) return true;
        Grant storage grant = _grants[_currentGrants[datasetId][agencyId]];
        return grant.status == GrantStatus.Active && block.timestamp < grant.expiresAt;
    }

    /// @inheritdoc IAccessGrants
    function currentGrantId(bytes12 datasetId, uint32 agencyId) external view returns (uint64) {
        return _currentGrants[datasetId][agencyId];
    }

    /// @inheritdoc IAccessGrants
    function getRequest(uint64 requestId) external view returns (AccessRequest memory request) {
        request = _requests[requestId];
        if (request.status == RequestStatus.None) revert UnknownRequest(requestId);
    }

    /// @inheritdoc IAccessGrants
    function getGrant(uint64 grantId) external view returns (Grant memory grant) {
        grant = _grants[grantId];
        if (grant.status == GrantStatus.None) revert UnknownGrant(grantId);
    }

    /// @inheritdoc IAccessGrants
    function counts() external view returns (uint64 requests, uint64 grants) {
        return (_requestCount, _grantCount);
    }

    function _grant(
        bytes12 datasetId,
        uint32 granteeAgencyId,
        uint40 expiresAt,
        uint64 requestId,
        string memory purpose
    ) private returns (uint64 grantId) {
        // uint40 seconds last until the year 36812.
        uint40 currentTime = uint40(block.timestamp);
        if (expiresAt <= currentTime) revert InvalidExpiry(expiresAt, currentTime);
        if (!_isActive(granteeAgencyId)) revert GranteeNotActive(granteeAgencyId);
        grantId = ++_grantCount;
        _grants[grantId] = Grant({
            datasetId: datasetId,
            granteeAgencyId: granteeAgencyId,
            grantedAt: currentTime,
            expiresAt: expiresAt,
            status: GrantStatus.Active
        });
        uint64 previous = _currentGrants[datasetId][granteeAgencyId];
        _currentGrants[datasetId][granteeAgencyId] = grantId;
        emit AccessGranted(grantId, datasetId, granteeAgencyId, requestId, expiresAt, msg.sender, purpose);
        if (previous != 0 && _grants[previous].status == GrantStatus.Active) {
            _grants[previous].status = GrantStatus.Superseded;
            emit AccessGrantSuperseded(previous, grantId);
        }
    }

    /// @dev Reverts unless the caller operates for the dataset's owning agency, which is active.
    function _checkOwnerOperator(bytes12 datasetId) private view {
        uint32 agencyId = REGISTRY.activeAgencyOf(msg.sender);
        uint32 ownerId = REGISTRY.getDataset(datasetId).agencyId;
        if (ownerId != agencyId) revert NotDatasetOwner(datasetId, ownerId, agencyId);
    }

    function _pendingRequest(uint64 requestId) private view returns (AccessRequest storage request) {
        request = _requests[requestId];
        RequestStatus status = request.status;
        if (status == RequestStatus.None) revert UnknownRequest(requestId);
        if (status != RequestStatus.Pending) revert RequestNotPending(requestId, status);
    }

    function _isActive(uint32 agencyId) private view returns (bool) {
        return REGISTRY.agencyStatus(agencyId) == IAgencyRegistry.AgencyStatus.Active;
    }
}

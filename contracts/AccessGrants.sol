// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IAccessGrants} from "./interfaces/IAccessGrants.sol";
import {IDatasetRegistry} from "./interfaces/IDatasetRegistry.sol";
import {IAgencyRegistry} from "./interfaces/IAgencyRegistry.sol";
import {SignedActions} from "./SignedActions.sol";

/**
 * @title AccessGrants
 * @notice Access requests and grants between agencies, over the datasets of a {DatasetRegistry}. The registry is
 * the single source of truth for who operates for which agency and which agency owns which dataset.
 */
contract AccessGrants is IAccessGrants, SignedActions {
    /// @notice The registry of agencies and datasets this contract reads.
    IDatasetRegistry public immutable REGISTRY;

    bytes32 private constant _REQUEST_ACCESS_TYPEHASH = keccak256(
        "RequestAccess(bytes12 datasetId,string purpose,uint256 nonce,uint48 deadline)"
    );
    bytes32 private constant _APPROVE_REQUEST_TYPEHASH = keccak256(
        "ApproveRequest(uint64 requestId,uint40 expiresAt,uint256 nonce,uint48 deadline)"
    );
    bytes32 private constant _DENY_REQUEST_TYPEHASH = keccak256(
        "DenyRequest(uint64 requestId,string reason,uint256 nonce,uint48 deadline)"
    );
    bytes32 private constant _GRANT_ACCESS_TYPEHASH = keccak256(
        "GrantAccess(bytes12 datasetId,uint32 granteeAgencyId,uint40 expiresAt,string purpose,uint256 nonce,uint48 deadline)"
    );
    bytes32 private constant _REVOKE_GRANT_TYPEHASH = keccak256(
        "RevokeGrant(uint64 grantId,string reason,uint256 nonce,uint48 deadline)"
    );

    uint64 private _requestCount;
    uint64 private _grantCount;
    mapping(uint64 requestId => AccessRequest) private _requests;
    mapping(uint64 grantId => Grant) private _grants;
    mapping(bytes12 datasetId => mapping(uint32 agencyId => uint64 grantId)) private _currentGrants;

    /// @param registry The {DatasetRegistry}.
    constructor(IDatasetRegistry registry) EIP712("govanchor AccessGrants", "1") {
        REGISTRY = registry;
    }

    /// @inheritdoc IAccessGrants
    function requestAccess(bytes12 datasetId, string calldata purpose) external returns (uint64 requestId) {
        (requestId, ) = _requestAccess(msg.sender, datasetId, purpose);
    }

    /// @inheritdoc IAccessGrants
    function requestAccessBySig(
        bytes12 datasetId,
        string calldata purpose,
        Authorization calldata auth
    ) external returns (uint64 requestId) {
        _authorize(
            keccak256(
                abi.encode(_REQUEST_ACCESS_TYPEHASH, datasetId, keccak256(bytes(purpose)), auth.nonce, auth.deadline)
            ),
            auth
        );
        uint32 agencyId;
        (requestId, agencyId) = _requestAccess(auth.signer, datasetId, purpose);
        emit SignedActionRelayed(auth.signer, agencyId, msg.sender, auth.nonce);
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
        (grantId, ) = _approveRequest(msg.sender, requestId, expiresAt);
    }

    /// @inheritdoc IAccessGrants
    function approveRequestBySig(
        uint64 requestId,
        uint40 expiresAt,
        Authorization calldata auth
    ) external returns (uint64 grantId) {
        _authorize(
            keccak256(abi.encode(_APPROVE_REQUEST_TYPEHASH, requestId, expiresAt, auth.nonce, auth.deadline)),
            auth
        );
        uint32 agencyId;
        (grantId, agencyId) = _approveRequest(auth.signer, requestId, expiresAt);
        emit SignedActionRelayed(auth.signer, agencyId, msg.sender, auth.nonce);
    }

    /// @inheritdoc IAccessGrants
    function denyRequest(uint64 requestId, string calldata reason) external {
        _denyRequest(msg.sender, requestId, reason);
    }

    /// @inheritdoc IAccessGrants
    function denyRequestBySig(uint64 requestId, string calldata reason, Authorization calldata auth) external {
        _authorize(
            keccak256(
                abi.encode(_DENY_REQUEST_TYPEHASH, requestId, keccak256(bytes(reason)), auth.nonce, auth.deadline)
            ),
            auth
        );
        uint32 agencyId = _denyRequest(auth.signer, requestId, reason);
        emit SignedActionRelayed(auth.signer, agencyId, msg.sender, auth.nonce);
    }

    /// @inheritdoc IAccessGrants
    function grantAccess(
        bytes12 datasetId,
        uint32 granteeAgencyId,
        uint40 expiresAt,
        string calldata purpose
    ) external returns (uint64 grantId) {
        (grantId, ) = _grantAccess(msg.sender, datasetId, granteeAgencyId, expiresAt, purpose);
    }

    /// @inheritdoc IAccessGrants
    function grantAccessBySig(
        bytes12 datasetId,
        uint32 granteeAgencyId,
        uint40 expiresAt,
        string calldata purpose,
        Authorization calldata auth
    ) external returns (uint64 grantId) {
        _authorize(_hashGrantAccess(datasetId, granteeAgencyId, expiresAt, purpose, auth), auth);
        uint32 agencyId;
        (grantId, agencyId) = _grantAccess(auth.signer, datasetId, granteeAgencyId, expiresAt, purpose);
        emit SignedActionRelayed(auth.signer, agencyId, msg.sender, auth.nonce);
    }

    /// @inheritdoc IAccessGrants
    function revokeGrant(uint64 grantId, string calldata reason) external {
        _revokeGrant(msg.sender, grantId, reason);
    }

    /// @inheritdoc IAccessGrants
    function revokeGrantBySig(uint64 grantId, string calldata reason, Authorization calldata auth) external {
        _authorize(
            keccak256(abi.encode(_REVOKE_GRANT_TYPEHASH, grantId, keccak256(bytes(reason)), auth.nonce, auth.deadline)),
            auth
        );
        uint32 agencyId = _revokeGrant(auth.signer, grantId, reason);
        emit SignedActionRelayed(auth.signer, agencyId, msg.sender, auth.nonce);
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
    function currentGrantId(bytes12 datasetId, uint32 agencyId) external view returns (uint64 grantId) {
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

    function _requestAccess(
        address operator,
        bytes12 datasetId,
        string calldata purpose
    ) private returns (uint64 requestId, uint32 agencyId) {
        if (bytes(purpose).length == 0) revert EmptyText();
        agencyId = REGISTRY.activeAgencyOf(operator);
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
        emit AccessRequested(requestId, datasetId, agencyId, operator, purpose);
    }

    function _approveRequest(
        address operator,
        uint64 requestId,
        uint40 expiresAt
    ) private returns (uint64 grantId, uint32 agencyId) {
        AccessRequest storage request = _pendingRequest(requestId);
        bytes12 datasetId = request.datasetId;
        agencyId = _checkOwnerOperator(operator, datasetId);
        request.status = RequestStatus.Approved;
        grantId = _grant(operator, datasetId, request.requesterAgencyId, expiresAt, requestId, "");
        request.grantId = grantId;
    }

    function _denyRequest(
        address operator,
        uint64 requestId,
        string calldata reason
    ) private returns (uint32 agencyId) {
        if (bytes(reason).length == 0) revert EmptyText();
        AccessRequest storage request = _pendingRequest(requestId);
        agencyId = _checkOwnerOperator(operator, request.datasetId);
        request.status = RequestStatus.Denied;
        emit AccessRequestDenied(requestId, request.datasetId, request.requesterAgencyId, operator, reason);
    }

    function _grantAccess(
        address operator,
        bytes12 datasetId,
        uint32 granteeAgencyId,
        uint40 expiresAt,
        string calldata purpose
    ) private returns (uint64 grantId, uint32 agencyId) {
        if (bytes(purpose).length == 0) revert EmptyText();
        agencyId = _checkOwnerOperator(operator, datasetId);
        if (granteeAgencyId == agencyId) revert OwnAgencyAccess(datasetId, agencyId);
        grantId = _grant(operator, datasetId, granteeAgencyId, expiresAt, 0, purpose);
    }

    function _revokeGrant(address operator, uint64 grantId, string calldata reason) private returns (uint32 agencyId) {
        Grant storage grant = _grants[grantId];
        GrantStatus status = grant.status;
        if (status == GrantStatus.None) revert UnknownGrant(grantId);
        agencyId = _checkOwnerOperator(operator, grant.datasetId);
        if (status != GrantStatus.Active) revert GrantNotActive(grantId, status);
        grant.status = GrantStatus.Revoked;
        emit AccessRevoked(grantId, grant.datasetId, grant.granteeAgencyId, operator, reason);
    }

    function _grant(
        address operator,
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
        emit AccessGranted(grantId, datasetId, granteeAgencyId, requestId, expiresAt, operator, purpose);
        if (previous != 0 && _grants[previous].status == GrantStatus.Active) {
            _grants[previous].status = GrantStatus.Superseded;
            emit AccessGrantSuperseded(previous, grantId);
        }
    }

    function _hashGrantAccess(
        bytes12 datasetId,
        uint32 granteeAgencyId,
        uint40 expiresAt,
        string calldata purpose,
        Authorization calldata auth
    ) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    _GRANT_ACCESS_TYPEHASH,
                    datasetId,
                    granteeAgencyId,
                    expiresAt,
                    keccak256(bytes(purpose)),
                    auth.nonce,
                    auth.deadline
                )
            );
    }

    /// @dev Reverts unless `operator` operates for the dataset's owning agency, which is active; returns that agency.
    function _checkOwnerOperator(address operator, bytes12 datasetId) private view returns (uint32 agencyId) {
        agencyId = REGISTRY.activeAgencyOf(operator);
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

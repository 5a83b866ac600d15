// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ISignedActions} from "./ISignedActions.sol";

/**
 * @title IAccessGrants
 * @notice Who may access which dataset. An agency requests access to another agency's dataset with a purpose; the
 * owning agency approves (creating a grant that expires) or denies with a reason, grants directly, and revokes at
 * any time. Grants are records for audit and for off-chain enforcement (e.g. a data gateway): every change is an
 * event, purposes and reasons live in events only.
 *
 * Every action can also be signed offline by an operator (EIP-712, domain name "govanchor AccessGrants", version
 * "1") and submitted by any relayer with the `...BySig` functions: see {ISignedActions}. Typed data:
 * - `RequestAccess(bytes12 datasetId,string purpose,uint256 nonce,uint48 deadline)`
 * - `ApproveRequest(uint64 requestId,uint40 expiresAt,uint256 nonce,uint48 deadline)`
 * - `DenyRequest(uint64 requestId,string reason,uint256 nonce,uint48 deadline)`
 * - `GrantAccess(bytes12 datasetId,uint32 granteeAgencyId,uint40 expiresAt,string purpose,uint256 nonce,uint48 deadline)`
 * - `RevokeGrant(uint64 grantId,string reason,uint256 nonce,uint48 deadline)`
 */
interface IAccessGrants is ISignedActions {
    /// @notice Lifecycle of a request.
    enum RequestStatus {
        None,
        Pending,
        Approved,
        Denied,
        Cancelled
    }

    /// @notice Lifecycle of a grant. Expiry is not a status: an `Active` grant past `expiresAt` gives no access.
    enum GrantStatus {
        None,
        Active,
        Revoked,
        Superseded // a newer grant for the same dataset and agency replaced it
    }

    /// @notice A request for access. Fits one storage slot.
    struct AccessRequest {
        bytes12 datasetId;
        uint32 requesterAgencyId;
        uint40 requestedAt;
        RequestStatus status;
        uint64 grantId; // the grant created on approval
    }

    /// @notice A grant of access to one dataset for one agency. Fits one storage slot.
    struct Grant {
        bytes12 datasetId;
        uint32 granteeAgencyId;
        uint40 grantedAt;
        uint40 expiresAt; // access ends at this timestamp (exclusive)
        GrantStatus status;
    }

    /// @notice Emitted when an agency's operator requests access.
    event AccessRequested(
        uint64 indexed requestId,
        bytes12 indexed datasetId,
        uint32 indexed requesterAgencyId,
        address operator,
        string purpose
    );

    /// @notice Emitted when the owning agency denies a request.
    event AccessRequestDenied(
        uint64 indexed requestId,
        bytes12 indexed datasetId,
        uint32 indexed requesterAgencyId,
        address operator,
        string reason
    );

    /// @notice Emitted when the requesting agency withdraws its own pending request.
    event AccessRequestCancelled(
        uint64 indexed requestId,
        bytes12 indexed datasetId,
        uint32 indexed requesterAgencyId,
        address operator
    );

    /**
     * @notice Emitted when the owning agency grants access, directly or by approving a request.
     * @param grantId The new grant.
     * @param datasetId The dataset.
     * @param granteeAgencyId The agency given access.
     * @param requestId The approved request, or 0 for a direct grant.
     * @param expiresAt When access ends.
     * @param operator The owning agency's operator who granted it.
     * @param purpose The purpose (the request's purpose is in its {AccessRequested} event).
     */
    event AccessGranted(
        uint64 indexed grantId,
        bytes12 indexed datasetId,
        uint32 indexed granteeAgencyId,
        uint64 requestId,
        uint40 expiresAt,
        address operator,
        string purpose
    );

    /// @notice Emitted when the owning agency revokes a grant.
    event AccessRevoked(
        uint64 indexed grantId,
        bytes12 indexed datasetId,
        uint32 indexed granteeAgencyId,
        address operator,
        string reason
    );

    /// @notice Emitted when a new grant for the same dataset and agency replaces a grant.
    event AccessGrantSuperseded(uint64 indexed grantId, uint64 indexed newGrantId);

    /// @notice No request has this id.
    error UnknownRequest(uint64 requestId);
    /// @notice The request was already approved, denied or cancelled.
    error RequestNotPending(uint64 requestId, RequestStatus status);
    /// @notice Only the requesting agency can cancel its request.
    error NotRequester(uint64 requestId, uint32 callerAgencyId);
    /// @notice No grant has this id.
    error UnknownGrant(uint64 grantId);
    /// @notice The grant was already revoked or superseded.
    error GrantNotActive(uint64 grantId, GrantStatus status);
    /// @notice The expiry must lie in the future.
    error InvalidExpiry(uint40 expiresAt, uint40 currentTime);
    /// @notice Only the dataset's owning agency can do this.
    error NotDatasetOwner(bytes12 datasetId, uint32 ownerAgencyId, uint32 callerAgencyId);
    /// @notice An agency always has access to its own datasets; it cannot request or be granted it.
    error OwnAgencyAccess(bytes12 datasetId, uint32 agencyId);
    /// @notice The grantee agency is not active (never registered, suspended or retired).
    error GranteeNotActive(uint32 granteeAgencyId);
    /// @notice A purpose or reason must not be empty.
    error EmptyText();

    // The registry's errors that pass through this contract's calls to it, declared here too so that explorers and
    // clients decode them from this contract's ABI. See {IAgencyRegistry} and {IDatasetRegistry}.

    /// @notice The account is not an operator of any agency (raised by the registry).
    error NotAnOperator(address account);
    /// @notice The agency is not active (raised by the registry). `status` is an `IAgencyRegistry.AgencyStatus`.
    error AgencyNotActive(uint32 agencyId, uint8 status);
    /// @notice No dataset has this id (raised by the registry).
    error UnknownDataset(bytes12 datasetId);

    /**
     * @notice Asks the owning agency for access to a dataset.
     * @dev Emits an {AccessRequested} event.
     *
     * Requirements: the caller is an operator of an active agency other than the owner; the dataset exists;
     * `purpose` is not empty.
     * @param datasetId The dataset.
     * @param purpose What the data is for; emitted, not stored.
     * @return requestId The new request's id (1, 2, 3, ...).
     */
    function requestAccess(bytes12 datasetId, string calldata purpose) external returns (uint64 requestId);

    /**
     * @notice Withdraws the caller's agency's own pending request.
     * @dev Emits an {AccessRequestCancelled} event. Requirements: an operator of the requesting (active) agency;
     * the request is pending.
     * @param requestId The request.
     */
    function cancelRequest(uint64 requestId) external;

    /**
     * @notice Approves a pending request: grants the requesting agency access until `expiresAt`.
     * @dev Emits an {AccessGranted} event (and {AccessGrantSuperseded} if a grant existed).
     *
     * Requirements: an operator of the owning (active) agency; the request is pending; the requester is active;
     * `expiresAt` is in the future.
     * @param requestId The request.
     * @param expiresAt When access ends (unix seconds).
     * @return grantId The new grant.
     */
    function approveRequest(uint64 requestId, uint40 expiresAt) external returns (uint64 grantId);

    /**
     * @notice Denies a pending request.
     * @dev Emits an {AccessRequestDenied} event. Requirements: an operator of the owning (active) agency; the
     * request is pending; `reason` is not empty.
     * @param requestId The request.
     * @param reason Why; emitted, not stored.
     */
    function denyRequest(uint64 requestId, string calldata reason) external;

    /**
     * @notice Grants an agency access to a dataset without a request. A current grant for the same agency is
     * superseded by the new one (use this to extend or shorten access).
     * @dev Emits an {AccessGranted} event (and {AccessGrantSuperseded} if a grant existed).
     *
     * Requirements: an operator of the owning (active) agency; the grantee is another, active agency;
     * `expiresAt` is in the future; `purpose` is not empty.
     * @param datasetId The dataset.
     * @param granteeAgencyId The agency to give access.
     * @param expiresAt When access ends (unix seconds).
     * @param purpose The purpose; emitted, not stored.
     * @return grantId The new grant.
     */
    function grantAccess(
        bytes12 datasetId,
        uint32 granteeAgencyId,
        uint40 expiresAt,
        string calldata purpose
    ) external returns (uint64 grantId);

    /**
     * @notice Revokes a grant at once.
     * @dev Emits an {AccessRevoked} event. Requirements: an operator of the owning (active) agency; the grant is
     * active (an expired grant can still be revoked, for the record).
     * @param grantId The grant.
     * @param reason Why; emitted, not stored (may be empty).
     */
    function revokeGrant(uint64 grantId, string calldata reason) external;

    /// @notice {requestAccess} signed offline by `auth.signer`. Emits {AccessRequested}, then {SignedActionRelayed}.
    function requestAccessBySig(
        bytes12 datasetId,
        string calldata purpose,
        Authorization calldata auth
    ) external returns (uint64 requestId);

    /// @notice {approveRequest} signed offline by `auth.signer`. Emits {AccessGranted}, then {SignedActionRelayed}.
    function approveRequestBySig(
        uint64 requestId,
        uint40 expiresAt,
        Authorization calldata auth
    ) external returns (uint64 grantId);

    /// @notice {denyRequest} signed offline by `auth.signer`. Emits {AccessRequestDenied}, then {SignedActionRelayed}.
    function denyRequestBySig(uint64 requestId, string calldata reason, Authorization calldata auth) external;

    /// @notice {grantAccess} signed offline by `auth.signer`. Emits {AccessGranted}, then {SignedActionRelayed}.
    function grantAccessBySig(
        bytes12 datasetId,
        uint32 granteeAgencyId,
        uint40 expiresAt,
        string calldata purpose,
        Authorization calldata auth
    ) external returns (uint64 grantId);

    /// @notice {revokeGrant} signed offline by `auth.signer`. Emits {AccessRevoked}, then {SignedActionRelayed}.
    function revokeGrantBySig(uint64 grantId, string calldata reason, Authorization calldata auth) external;

    /**
     * @notice Whether `agencyId` may access the dataset now: it is the active owner, or it holds an active,
     * unexpired grant and both it and the owner are active. Reverts with {IDatasetRegistry-UnknownDataset} if no
     * dataset has this id (a typo in a key should not read as "no access").
     * @param datasetId The dataset.
     * @param agencyId The agency.
     * @return True if access is current.
     */
    function hasAccess(bytes12 datasetId, uint32 agencyId) external view returns (bool);

    /**
     * @notice The grant that currently governs `agencyId`'s access to the dataset (0 if none), even if expired.
     * @param datasetId The dataset.
     * @param agencyId The agency.
     * @return grantId The grant's id, or 0.
     */
    function currentGrantId(bytes12 datasetId, uint32 agencyId) external view returns (uint64 grantId);

    /**
     * @notice A request; reverts with {UnknownRequest} if there is none.
     * @param requestId The request.
     * @return The request.
     */
    function getRequest(uint64 requestId) external view returns (AccessRequest memory);

    /**
     * @notice A grant; reverts with {UnknownGrant} if there is none.
     * @param grantId The grant.
     * @return The grant.
     */
    function getGrant(uint64 grantId) external view returns (Grant memory);

    /**
     * @notice How many requests and grants exist; ids run from 1 to these numbers.
     * @return requests The number of requests.
     * @return grants The number of grants.
     */
    function counts() external view returns (uint64 requests, uint64 grants);
}

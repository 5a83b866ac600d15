// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/**
 * @title IAgencyRegistry
 * @notice Government agencies' on-chain identities: a unique code, a name, a status, an admin account and the
 * operator accounts that act for the agency. Governance (the default admin) appoints registrars; registrars
 * register agencies and change their status; each agency's admin manages its own operators.
 */
interface IAgencyRegistry {
    /// @notice Lifecycle of an agency. Only `Active` agencies' operators can write; `Retired` is final.
    enum AgencyStatus {
        None, // never registered
        Active,
        Suspended,
        Retired
    }

    /// @notice An agency as stored. `admin` and `status` share one slot.
    struct Agency {
        address admin; // manages the agency's operators; hands the role over in two steps
        AgencyStatus status;
        string code; // unique, lowercase, e.g. "hunan.stats"; prefix of the agency's dataset keys
        string name; // human-readable name shown to reviewers
        string metadataURI; // where the agency publishes more about itself
    }

    /**
     * @notice Emitted when a registrar registers an agency.
     * @param agencyId The new agency's id (1, 2, 3, ...).
     * @param admin The agency's admin account.
     * @param code The agency's unique code.
     * @param name The agency's name.
     * @param metadataURI The agency's metadata URI.
     * @param registrar The registrar who registered it.
     */
    event AgencyRegistered(
        uint32 indexed agencyId,
        address indexed admin,
        string code,
        string name,
        string metadataURI,
        address registrar
    );

    /// @notice Emitted when a registrar suspends, reinstates or retires an agency.
    event AgencyStatusChanged(
        uint32 indexed agencyId,
        AgencyStatus previousStatus,
        AgencyStatus newStatus,
        address indexed registrar
    );

    /// @notice Emitted when an agency's admin changes its name or metadata URI.
    event AgencyMetadataUpdated(uint32 indexed agencyId, string name, string metadataURI);

    /// @notice Emitted when an agency's admin adds an operator.
    event OperatorAdded(uint32 indexed agencyId, address indexed operator, address indexed admin);

    /// @notice Emitted when an agency's admin removes an operator.
    event OperatorRemoved(uint32 indexed agencyId, address indexed operator, address indexed admin);

    /// @notice Emitted when an agency's admin starts (or, with the zero address, cancels) a handover.
    event AgencyAdminTransferStarted(uint32 indexed agencyId, address indexed admin, address indexed pendingAdmin);

    /// @notice Emitted when the pending admin accepts and becomes the agency's admin.
    event AgencyAdminTransferred(uint32 indexed agencyId, address indexed previousAdmin, address indexed newAdmin);

    /// @notice The agency code is empty, longer than 64 bytes, or has a character outside `a-z 0-9 . _ -`.
    error InvalidAgencyCode(string code);
    /// @notice Another agency already uses this code.
    error AgencyCodeTaken(string code, uint32 agencyId);
    /// @notice The agency name is empty.
    error EmptyAgencyName();
    /// @notice The zero address cannot be an agency's admin or operator.
    error ZeroAddress();
    /// @notice No agency has this id.
    error UnknownAgency(uint32 agencyId);
    /// @notice The agency is suspended or retired (or never registered), so it cannot act.
    error AgencyNotActive(uint32 agencyId, AgencyStatus status);
    /// @notice The status change is not allowed (e.g. reinstating an active agency, anything after retirement).
    error InvalidAgencyStatusTransition(uint32 agencyId, AgencyStatus from, AgencyStatus to);
    /// @notice Only the agency's admin can do this.
    error NotAgencyAdmin(uint32 agencyId, address account);
    /// @notice Only the agency's pending admin can accept the handover.
    error NotPendingAgencyAdmin(uint32 agencyId, address account);
    /// @notice The account already acts for an agency (an account acts for at most one).
    error OperatorAlreadyAssigned(address operator, uint32 agencyId);
    /// @notice The account is not an operator of this agency.
    error NotAgencyOperator(uint32 agencyId, address account);
    /// @notice The account is not an operator of any agency.
    error NotAnOperator(address account);
    /// @notice An agency has at most `max` operators.
    error TooManyOperators(uint32 agencyId, uint256 max);

    /**
     * @notice Registers an agency and makes `admin` its admin.
     * @dev Emits an {AgencyRegistered} event.
     *
     * Requirements:
     * - the caller has `REGISTRAR_ROLE`;
     * - `code` is 1-64 bytes of `a-z 0-9 . _ -` and not taken; `name` is not empty; `admin` is not zero.
     * @param code The agency's unique code, e.g. "hunan.stats".
     * @param name The agency's name.
     * @param metadataURI Where the agency publishes more about itself (may be empty).
     * @param admin The agency's admin account.
     * @return agencyId The new agency's id.
     */
    function registerAgency(
        string calldata code,
        string calldata name,
        string calldata metadataURI,
        address admin
    ) external returns (uint32 agencyId);

    /**
     * @notice Suspends an active agency: its operators can write nothing and its grants give no access.
     * @dev Emits an {AgencyStatusChanged} event. Requirements: `REGISTRAR_ROLE`; the agency is active.
     * @param agencyId The agency.
     */
    function suspendAgency(uint32 agencyId) external;

    /**
     * @notice Reinstates a suspended agency.
     * @dev Emits an {AgencyStatusChanged} event. Requirements: `REGISTRAR_ROLE`; the agency is suspended.
     * @param agencyId The agency.
     */
    function reinstateAgency(uint32 agencyId) external;

    /**
     * @notice Retires an active or suspended agency for good. Its records stay readable.
     * @dev Emits an {AgencyStatusChanged} event. Requirements: `REGISTRAR_ROLE`; the agency is not retired.
     * @param agencyId The agency.
     */
    function retireAgency(uint32 agencyId) external;

    /**
     * @notice Changes the agency's name and metadata URI.
     * @dev Emits an {AgencyMetadataUpdated} event. Requirements: the caller is the agency's admin; `name` not empty.
     * @param agencyId The agency.
     * @param name The new name.
     * @param metadataURI The new metadata URI.
     */
    function updateAgencyMetadata(uint32 agencyId, string calldata name, string calldata metadataURI) external;

    /**
     * @notice Lets `operator` act for the agency (anchor, withdraw, request and grant access).
     * @dev Emits an {OperatorAdded} event.
     *
     * Requirements: the caller is the agency's admin; the agency is not retired; `operator` is not zero and
     * acts for no agency yet; the agency has fewer than `MAX_OPERATORS` operators.
     * @param agencyId The agency.
     * @param operator The account to add.
     */
    function addOperator(uint32 agencyId, address operator) external;

    /**
     * @notice Stops `operator` acting for the agency. What it anchored before stays valid.
     * @dev Emits an {OperatorRemoved} event. Requirements: the caller is the agency's admin; `operator` is one of
     * the agency's operators.
     * @param agencyId The agency.
     * @param operator The account to remove.
     */
    function removeOperator(uint32 agencyId, address operator) external;

    /**
     * @notice Starts handing the agency's admin role to `newAdmin`, who must accept. The zero address cancels.
     * @dev Emits an {AgencyAdminTransferStarted} event. Requirements: the caller is the agency's admin.
     * @param agencyId The agency.
     * @param newAdmin The proposed admin, or zero to cancel a pending handover.
     */
    function beginAgencyAdminTransfer(uint32 agencyId, address newAdmin) external;

    /**
     * @notice Completes a handover: the caller becomes the agency's admin.
     * @dev Emits an {AgencyAdminTransferred} event. Requirements: the caller is the pending admin.
     * @param agencyId The agency.
     */
    function acceptAgencyAdmin(uint32 agencyId) external;

    /**
     * @notice The agency with this id.
     * @param agencyId The agency.
     * @return The agency's record; reverts with {UnknownAgency} if there is none.
     */
    function getAgency(uint32 agencyId) external view returns (Agency memory);

    /**
     * @notice The id of the agency with this code, or 0 if none.
     * @param code The agency code, e.g. "hunan.stats".
     * @return agencyId The agency's id, or 0.
     */
    function agencyIdOf(string calldata code) external view returns (uint32 agencyId);

    /**
     * @notice The agency's status (`None` for an id never registered).
     * @param agencyId The agency.
     * @return The status.
     */
    function agencyStatus(uint32 agencyId) external view returns (AgencyStatus);

    /**
     * @notice The agency an account acts for, or 0 if it is no operator.
     * @param account The account.
     * @return agencyId The agency's id, or 0.
     */
    function operatorAgency(address account) external view returns (uint32 agencyId);

    /**
     * @notice The agency an account acts for, if that agency is active; reverts otherwise.
     * @dev Reverts with {NotAnOperator} or {AgencyNotActive}. Used by the access-grant contract.
     * @param account The account.
     * @return agencyId The agency's id.
     */
    function activeAgencyOf(address account) external view returns (uint32 agencyId);

    /**
     * @notice The accounts that act for the agency, in no particular order.
     * @param agencyId The agency.
     * @return The operators.
     */
    function operatorsOf(uint32 agencyId) external view returns (address[] memory);

    /**
     * @notice The account proposed as the agency's next admin, or zero.
     * @param agencyId The agency.
     * @return The pending admin.
     */
    function pendingAgencyAdmin(uint32 agencyId) external view returns (address);

    /**
     * @notice How many agencies have been registered; ids run from 1 to this number.
     * @return The number of agencies.
     */
    function agencyCount() external view returns (uint32);
}

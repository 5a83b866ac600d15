// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IAgencyRegistry} from "./interfaces/IAgencyRegistry.sol";

/**
 * @title AgencyRegistry
 * @notice Agency identities, their status and their operators. Governance is OpenZeppelin's default admin with a
 * two-step, delayed transfer; registrars (`REGISTRAR_ROLE`) register agencies and change their status.
 * @dev Abstract: deployed as part of {DatasetRegistry}, so that anchoring reads the operator and agency status
 * without a cross-contract call.
 */
abstract contract AgencyRegistry is IAgencyRegistry, AccessControlDefaultAdminRules {
    /// @notice Registers agencies and suspends, reinstates and retires them.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice Most operators one agency can have (status changes update each of them).
    uint256 public constant MAX_OPERATORS = 32;

    uint256 private constant _MAX_CODE_LENGTH = 64;

    /// @dev An operator's agency and a copy of "that agency is active", so that every write checks the operator
    /// with one storage read instead of two. Status changes refresh the copies. Fits one slot.
    struct OperatorRecord {
        uint32 agencyId; // 0: not an operator
        uint32 position; // index in the agency's operator list
        bool agencyActive; // mirrors `_agencies[agencyId].status == Active`
    }

    mapping(uint32 agencyId => Agency) private _agencies;
    mapping(bytes32 codeHash => uint32 agencyId) private _agencyIdByCode;
    mapping(address operator => OperatorRecord) private _operators;
    mapping(uint32 agencyId => address[] operators) private _operatorLists;
    mapping(uint32 agencyId => address pendingAdmin) private _pendingAdmins;
    uint32 private _agencyCount;

    /// @dev Reverts unless `account` is `agencyId`'s admin.
    modifier onlyAgencyAdmin(uint32 agencyId) {
        _checkAgencyAdmin(agencyId, _msgSender());
        _;
    }

    /**
     * @param initialAdminDelay Seconds a governance admin transfer must wait (OpenZeppelin default-admin rules).
     * @param initialAdmin The governance admin.
     * @param initialRegistrar The first registrar (may equal `initialAdmin`).
     */
    constructor(
        uint48 initialAdminDelay,
        address initialAdmin,
        address initialRegistrar
    ) AccessControlDefaultAdminRules(initialAdminDelay, initialAdmin) {
        if (initialRegistrar == address(0)) revert ZeroAddress();
        _grantRole(REGISTRAR_ROLE, initialRegistrar);
    }

    /// @inheritdoc IAgencyRegistry
    function registerAgency(
        string calldata code,
        string calldata name,
        string calldata metadataURI,
        address admin
    ) external onlyRole(REGISTRAR_ROLE) returns (uint32 agencyId) {
        _checkAgencyCode(code);
        if (bytes(name).length == 0) revert EmptyAgencyName();
        if (admin == address(0)) revert ZeroAddress();
        bytes32 codeHash = keccak256(bytes(code));
        uint32 existing = _agencyIdByCode[codeHash];
        if (existing != 0) revert AgencyCodeTaken(code, existing);

        agencyId = ++_agencyCount;
        _agencyIdByCode[codeHash] = agencyId;
        Agency storage agency = _agencies[agencyId];
        agency.admin = admin;
        agency.status = AgencyStatus.Active;
        agency.code = code;
        agency.name = name;
        agency.metadataURI = metadataURI;
        emit AgencyRegistered(agencyId, admin, code, name, metadataURI, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function suspendAgency(uint32 agencyId) external onlyRole(REGISTRAR_ROLE) {
        _changeStatus(agencyId, AgencyStatus.Active, AgencyStatus.Suspended);
    }

    /// @inheritdoc IAgencyRegistry
    function reinstateAgency(uint32 agencyId) external onlyRole(REGISTRAR_ROLE) {
        _changeStatus(agencyId, AgencyStatus.Suspended, AgencyStatus.Active);
    }

    /// @inheritdoc IAgencyRegistry
    function retireAgency(uint32 agencyId) external onlyRole(REGISTRAR_ROLE) {
        AgencyStatus status = _agencies[agencyId].status;
        // Retiring works from Active or Suspended; passing the current status makes any other state fail the check.
        _changeStatus(agencyId, status == AgencyStatus.Suspended ? status : AgencyStatus.Active, AgencyStatus.Retired);
    }

    /// @inheritdoc IAgencyRegistry
    function updateAgencyMetadata(
        uint32 agencyId,
        string calldata name,
        string calldata metadataURI
    ) external onlyAgencyAdmin(agencyId) {
        if (bytes(name).length == 0) revert EmptyAgencyName();
        Agency storage agency = _agencies[agencyId];
        agency.name = name;
        agency.metadataURI = metadataURI;
        emit AgencyMetadataUpdated(agencyId, name, metadataURI);
    }

    /// @inheritdoc IAgencyRegistry
    function addOperator(uint32 agencyId, address operator) external onlyAgencyAdmin(agencyId) {
        if (operator == address(0)) revert ZeroAddress();
        Agency storage agency = _agencies[agencyId];
        AgencyStatus status = agency.status;
        if (status == AgencyStatus.Retired) revert AgencyNotActive(agencyId, status);
        uint32 current = _operators[operator].agencyId;
        if (current != 0) revert OperatorAlreadyAssigned(operator, current);
        address[] storage list = _operatorLists[agencyId];
        if (list.length >= MAX_OPERATORS) revert TooManyOperators(agencyId, MAX_OPERATORS);
        // The list is at most MAX_OPERATORS long, so its length fits uint32.
        _operators[operator] = OperatorRecord({
            agencyId: agencyId,
            position: uint32(list.length),
            agencyActive: status == AgencyStatus.Active
        });
        list.push(operator);
        emit OperatorAdded(agencyId, operator, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function removeOperator(uint32 agencyId, address operator) external onlyAgencyAdmin(agencyId) {
        OperatorRecord memory record = _operators[operator];
        if (record.agencyId != agencyId) revert NotAgencyOperator(agencyId, operator);
        // Swap-and-pop: move the last operator into the removed one's place.
        address[] storage list = _operatorLists[agencyId];
        address last = list[list.length - 1];
        list[record.position] = last;
        _operators[last].position = record.position;
        list.pop();
        delete _operators[operator];
        emit OperatorRemoved(agencyId, operator, _msgSender());
    }

    /// @inheritdoc IAgencyRegistry
    function beginAgencyAdminTransfer(uint32 agencyId, address newAdmin) external onlyAgencyAdmin(agencyId) {
        _pendingAdmins[agencyId] = newAdmin;
        emit AgencyAdminTransferStarted(agencyId, _msgSender(), newAdmin);
    }

    /// @inheritdoc IAgencyRegistry
    function acceptAgencyAdmin(uint32 agencyId) external {
        address caller = _msgSender();
        if (caller == address(0) || _pendingAdmins[agencyId] != caller) revert NotPendingAgencyAdmin(agencyId, caller);
        delete _pendingAdmins[agencyId];
        Agency storage agency = _agencies[agencyId];
        address previousAdmin = agency.admin;
        agency.admin = caller;
        emit AgencyAdminTransferred(agencyId, previousAdmin, caller);
    }

    /// @inheritdoc IAgencyRegistry
    function getAgency(uint32 agencyId) external view returns (Agency memory) {
        Agency storage agency = _agencies[agencyId];
        if (agency.status == AgencyStatus.None) revert UnknownAgency(agencyId);
        return agency;
    }

    /// @inheritdoc IAgencyRegistry
    function agencyIdOf(string calldata code) external view returns (uint32 agencyId) {
        return _agencyIdByCode[keccak256(bytes(code))];
    }

    /// @inheritdoc IAgencyRegistry
    function agencyStatus(uint32 agencyId) external view returns (AgencyStatus) {
        return _agencies[agencyId].status;
    }

    /// @inheritdoc IAgencyRegistry
    function operatorAgency(address account) external view returns (uint32 agencyId) {
        return _operators[account].agencyId;
    }

    /// @inheritdoc IAgencyRegistry
    function activeAgencyOf(address account) external view returns (uint32 agencyId) {
        return _activeAgencyOf(account);
    }

    /// @inheritdoc IAgencyRegistry
    function operatorsOf(uint32 agencyId) external view returns (address[] memory) {
        return _operatorLists[agencyId];
    }

    /// @inheritdoc IAgencyRegistry
    function pendingAgencyAdmin(uint32 agencyId) external view returns (address) {
        return _pendingAdmins[agencyId];
    }

    /// @inheritdoc IAgencyRegistry
    function agencyCount() external view returns (uint32) {
        return _agencyCount;
    }

    /// @dev The agency `account` operates for, which must be active. The check every write goes through.
    function _activeAgencyOf(address account) internal view returns (uint32 agencyId) {
        OperatorRecord memory record = _operators[account];
        agencyId = record.agencyId;
        if (agencyId == 0) revert NotAnOperator(account);
        if (!record.agencyActive) revert AgencyNotActive(agencyId, _agencies[agencyId].status);
    }

    /// @dev The id of the agency whose code hashes to `codeHash`, or 0.
    function _agencyIdByCodeHash(bytes32 codeHash) internal view returns (uint32) {
        return _agencyIdByCode[codeHash];
    }

    /// @dev The stored agency (status `None` if never registered).
    function _agency(uint32 agencyId) internal view returns (Agency storage) {
        return _agencies[agencyId];
    }

    /// @dev Reverts with {NotAgencyAdmin} unless `account` is the agency's admin (so unknown agencies fail too).
    function _checkAgencyAdmin(uint32 agencyId, address account) internal view virtual {
        if (account == address(0) || _agencies[agencyId].admin != account) revert NotAgencyAdmin(agencyId, account);
    }

    function _changeStatus(uint32 agencyId, AgencyStatus from, AgencyStatus to) private {
        Agency storage agency = _agencies[agencyId];
        AgencyStatus current = agency.status;
        if (current == AgencyStatus.None) revert UnknownAgency(agencyId);
        if (current != from) revert InvalidAgencyStatusTransition(agencyId, current, to);
        agency.status = to;
        bool active = to == AgencyStatus.Active;
        address[] storage list = _operatorLists[agencyId];
        for (uint256 i = 0; i < list.length; ++i) {
            _operators[list[i]].agencyActive = active;
        }
        emit AgencyStatusChanged(agencyId, current, to, _msgSender());
    }

    /// @dev Codes are 1-64 bytes of `a-z 0-9 . _ -`: unambiguous in URLs, file names and dataset keys.
    function _checkAgencyCode(string calldata code) private pure {
        bytes calldata raw = bytes(code);
        if (raw.length == 0 || raw.length > _MAX_CODE_LENGTH) revert InvalidAgencyCode(code);
        for (uint256 i = 0; i < raw.length; ++i) {
            bytes1 c = raw[i];
            bool allowed = (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "." || c == "_" || c == "-";
            if (!allowed) revert InvalidAgencyCode(code);
        }
    }
}

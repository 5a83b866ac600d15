// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {AgencyRegistry} from "./AgencyRegistry.sol";
import {SignedActions} from "./SignedActions.sol";
import {IDatasetRegistry} from "./interfaces/IDatasetRegistry.sol";

/**
 * @title DatasetRegistry
 * @notice The govanchor registry: agency identities (from {AgencyRegistry}) and the dataset versions they anchor.
 * Each content hash is stored once, in one slot, keyed by the hash so that a reviewer finds it from `sha256sum`.
 * URIs and reasons are emitted, not stored.
 */
contract DatasetRegistry is IDatasetRegistry, AgencyRegistry, SignedActions {
    /// @notice Largest number of items one {anchorBatch} call takes.
    uint256 public constant MAX_BATCH_SIZE = 256;

    bytes32 private constant _ANCHOR_TYPEHASH = keccak256(
        "Anchor(string datasetKey,bytes32 contentHash,uint8 kind,uint32 fileCount,string uri,uint256 nonce,uint48 deadline)"
    );
    bytes32 private constant _ANCHOR_ITEM_TYPEHASH = keccak256(
        "AnchorItem(string datasetKey,bytes32 contentHash,uint8 kind,uint32 fileCount,string uri)"
    );
    bytes32 private constant _ANCHOR_BATCH_TYPEHASH = keccak256(
        "AnchorBatch(AnchorItem[] items,uint256 nonce,uint48 deadline)"
        "AnchorItem(string datasetKey,bytes32 contentHash,uint8 kind,uint32 fileCount,string uri)"
    );
    bytes32 private constant _WITHDRAW_TYPEHASH = keccak256(
        "Withdraw(bytes32 contentHash,string reason,uint256 nonce,uint48 deadline)"
    );

    uint256 private constant _MAX_KEY_LENGTH = 200;

    mapping(bytes32 contentHash => Anchor) private _anchors;
    mapping(bytes12 datasetId => Dataset) private _datasets;

    /**
     * @param initialAdminDelay Seconds a governance admin transfer must wait (OpenZeppelin default-admin rules).
     * @param initialAdmin The governance admin.
     * @param initialRegistrar The first registrar (may equal `initialAdmin`).
     */
    constructor(
        uint48 initialAdminDelay,
        address initialAdmin,
        address initialRegistrar
    ) AgencyRegistry(initialAdminDelay, initialAdmin, initialRegistrar) EIP712("govanchor DatasetRegistry", "1") {}

    /// @inheritdoc IDatasetRegistry
    function anchor(
        string calldata datasetKey,
        bytes32 contentHash,
        AnchorKind kind,
        uint32 fileCount,
        string calldata uri
    ) external returns (bytes12 datasetId, uint32 version) {
        address operator = _msgSender();
        uint32 agencyId = _activeAgencyOf(operator);
        (datasetId, version) = _record(agencyId, datasetKey, contentHash, kind, fileCount);
        emit Anchored(contentHash, datasetId, agencyId, version, kind, fileCount, operator, uri);
    }

    /// @inheritdoc IDatasetRegistry
    function anchorVersion(
        bytes12 datasetId,
        bytes32 contentHash,
        AnchorKind kind,
        uint32 fileCount,
        string calldata uri
    ) external returns (uint32 version) {
        address operator = _msgSender();
        uint32 agencyId = _activeAgencyOf(operator);
        _checkNewAnchor(contentHash, kind, fileCount);
        Dataset memory dataset = _datasets[datasetId];
        if (dataset.agencyId == 0) revert UnknownDataset(datasetId);
        version = _bumpVersion(datasetId, dataset, agencyId);
        _store(contentHash, datasetId, version, agencyId, kind, fileCount);
        emit Anchored(contentHash, datasetId, agencyId, version, kind, fileCount, operator, uri);
    }

    /// @inheritdoc IDatasetRegistry
    function anchorBatch(AnchorRequest[] calldata requests) external {
        address operator = _msgSender();
        _anchorBatch(_activeAgencyOf(operator), operator, requests);
    }

    /// @inheritdoc IDatasetRegistry
    function anchorBySig(
        AnchorRequest calldata request,
        Authorization calldata auth
    ) external returns (bytes12 datasetId, uint32 version) {
        _authorize(_hashAnchor(request, auth), auth);
        uint32 agencyId = _activeAgencyOf(auth.signer);
        (datasetId, version) = _anchorRequest(agencyId, auth.signer, request);
        emit SignedActionRelayed(auth.signer, agencyId, _msgSender(), auth.nonce);
    }

    /// @inheritdoc IDatasetRegistry
    function anchorBatchBySig(AnchorRequest[] calldata requests, Authorization calldata auth) external {
        _authorize(_hashAnchorBatch(requests, auth), auth);
        uint32 agencyId = _activeAgencyOf(auth.signer);
        _anchorBatch(agencyId, auth.signer, requests);
        emit SignedActionRelayed(auth.signer, agencyId, _msgSender(), auth.nonce);
    }

    /// @inheritdoc IDatasetRegistry
    function withdrawBySig(bytes32 contentHash, string calldata reason, Authorization calldata auth) external {
        _authorize(
            keccak256(abi.encode(_WITHDRAW_TYPEHASH, contentHash, keccak256(bytes(reason)), auth.nonce, auth.deadline)),
            auth
        );
        uint32 agencyId = _activeAgencyOf(auth.signer);
        _withdraw(agencyId, auth.signer, contentHash, reason);
        emit SignedActionRelayed(auth.signer, agencyId, _msgSender(), auth.nonce);
    }

    /// @inheritdoc IDatasetRegistry
    function withdraw(bytes32 contentHash, string calldata reason) external {
        address operator = _msgSender();
        _withdraw(_activeAgencyOf(operator), operator, contentHash, reason);
    }

    /// @dev Marks a version withdrawn for `operator` of `agencyId` (already checked active).
    function _withdraw(uint32 agencyId, address operator, bytes32 contentHash, string calldata reason) private {
        Anchor storage record = _anchors[contentHash];
        if (record.anchoredAt == 0) revert UnknownContentHash(contentHash);
        if (record.agencyId != agencyId)
            revert DatasetOwnedByAnotherAgency(record.datasetId, record.agencyId, agencyId);
        if (record.withdrawn) revert AnchorAlreadyWithdrawn(contentHash);
        if (bytes(reason).length == 0) revert EmptyReason();
        record.withdrawn = true;
        emit AnchorWithdrawn(contentHash, record.datasetId, agencyId, record.version, operator, reason);
    }

    /// @inheritdoc IDatasetRegistry
    function lookup(bytes32 contentHash) external view returns (AnchorInfo memory info) {
        Anchor memory record = _anchors[contentHash];
        if (record.anchoredAt == 0) return info;
        Agency storage agency = _agency(record.agencyId);
        info = AnchorInfo({
            anchored: true,
            withdrawn: record.withdrawn,
            datasetId: record.datasetId,
            version: record.version,
            kind: record.kind,
            fileCount: record.fileCount,
            anchoredAt: record.anchoredAt,
            agencyId: record.agencyId,
            agencyCode: agency.code,
            agencyName: agency.name,
            agencyStatus: agency.status
        });
    }

    /// @inheritdoc IDatasetRegistry
    function getAnchor(bytes32 contentHash) external view returns (Anchor memory) {
        return _anchors[contentHash];
    }

    /// @inheritdoc IDatasetRegistry
    function getDataset(bytes12 datasetId) external view returns (Dataset memory dataset) {
        dataset = _datasets[datasetId];
        if (dataset.agencyId == 0) revert UnknownDataset(datasetId);
    }

    /// @inheritdoc IDatasetRegistry
    function datasetIdOf(string calldata datasetKey) external pure returns (bytes12) {
        return _datasetIdOf(datasetKey);
    }

    /// @inheritdoc IDatasetRegistry
    function isFileInTree(
        bytes32 root,
        string calldata path,
        bytes32 fileHash,
        bytes32[] calldata proof
    ) external view returns (bool) {
        if (_anchors[root].kind != AnchorKind.Tree) return false;
        // The leaf encoding of @openzeppelin/merkle-tree's StandardMerkleTree for values (string, bytes32).
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(path, fileHash))));
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @dev All or nothing: any item's error reverts the batch.
    function _anchorBatch(uint32 agencyId, address operator, AnchorRequest[] calldata requests) private {
        uint256 count = requests.length;
        if (count == 0 || count > MAX_BATCH_SIZE) revert BatchSizeOutOfRange(count, MAX_BATCH_SIZE);
        for (uint256 i = 0; i < count; ++i) {
            _anchorRequest(agencyId, operator, requests[i]);
        }
    }

    /// @dev Records one request and emits {Anchored}.
    function _anchorRequest(
        uint32 agencyId,
        address operator,
        AnchorRequest calldata request
    ) private returns (bytes12 datasetId, uint32 version) {
        bytes32 contentHash = request.contentHash;
        (datasetId, version) = _record(agencyId, request.datasetKey, contentHash, request.kind, request.fileCount);
        emit Anchored(
            contentHash,
            datasetId,
            agencyId,
            version,
            request.kind,
            request.fileCount,
            operator,
            request.uri
        );
    }

    function _hashAnchorItem(AnchorRequest calldata request) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    _ANCHOR_ITEM_TYPEHASH,
                    keccak256(bytes(request.datasetKey)),
                    request.contentHash,
                    request.kind,
                    request.fileCount,
                    keccak256(bytes(request.uri))
                )
            );
    }

    function _hashAnchor(AnchorRequest calldata request, Authorization calldata auth) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    _ANCHOR_TYPEHASH,
                    keccak256(bytes(request.datasetKey)),
                    request.contentHash,
                    request.kind,
                    request.fileCount,
                    keccak256(bytes(request.uri)),
                    auth.nonce,
                    auth.deadline
                )
            );
    }

    function _hashAnchorBatch(
        AnchorRequest[] calldata requests,
        Authorization calldata auth
    ) private pure returns (bytes32) {
        bytes32[] memory itemHashes = new bytes32[](requests.length);
        for (uint256 i = 0; i < requests.length; ++i) {
            itemHashes[i] = _hashAnchorItem(requests[i]);
        }
        return
            keccak256(
                abi.encode(_ANCHOR_BATCH_TYPEHASH, keccak256(abi.encodePacked(itemHashes)), auth.nonce, auth.deadline)
            );
    }

    /// @dev Stores one version; the caller emits {Anchored}. `agencyId` must be the caller's active agency.
    function _record(
        uint32 agencyId,
        string calldata datasetKey,
        bytes32 contentHash,
        AnchorKind kind,
        uint32 fileCount
    ) private returns (bytes12 datasetId, uint32 version) {
        _checkNewAnchor(contentHash, kind, fileCount);
        datasetId = _datasetIdOf(datasetKey);
        Dataset memory dataset = _datasets[datasetId];
        if (dataset.agencyId == 0) {
            _checkNewDatasetKey(datasetKey, agencyId);
            _datasets[datasetId] = Dataset({agencyId: agencyId, versionCount: 1, createdAt: uint40(block.timestamp)});
            emit DatasetCreated(datasetId, agencyId, datasetKey);
            version = 1;
        } else {
            version = _bumpVersion(datasetId, dataset, agencyId);
        }
        _store(contentHash, datasetId, version, agencyId, kind, fileCount);
    }

    /// @dev Reverts unless `contentHash` can be anchored with this shape.
    function _checkNewAnchor(bytes32 contentHash, AnchorKind kind, uint32 fileCount) private view {
        if (contentHash == bytes32(0)) revert ZeroContentHash();
        if (!(kind == AnchorKind.File && fileCount == 1) && !(kind == AnchorKind.Tree && fileCount != 0)) {
            revert InvalidAnchorShape(kind, fileCount);
        }
        Anchor storage record = _anchors[contentHash];
        if (record.anchoredAt != 0) revert ContentAlreadyAnchored(contentHash, record.datasetId, record.version);
    }

    /// @dev Checks the existing dataset's owner and counts its new version.
    function _bumpVersion(bytes12 datasetId, Dataset memory dataset, uint32 agencyId) private returns (uint32 version) {
        if (dataset.agencyId != agencyId) revert DatasetOwnedByAnotherAgency(datasetId, dataset.agencyId, agencyId);
        version = dataset.versionCount + 1;
        _datasets[datasetId].versionCount = version;
    }

    function _store(
        bytes32 contentHash,
        bytes12 datasetId,
        uint32 version,
        uint32 agencyId,
        AnchorKind kind,
        uint32 fileCount
    ) private {
        _anchors[contentHash] = Anchor({
            datasetId: datasetId,
            version: version,
            agencyId: agencyId,
            anchoredAt: uint40(block.timestamp), // uint40 seconds last until the year 36812
            fileCount: fileCount,
            kind: kind,
            withdrawn: false
        });
    }

    /// @dev A new dataset's key is `<agency code>/<name>`: agencies cannot take each other's names.
    function _checkNewDatasetKey(string calldata datasetKey, uint32 agencyId) private view {
        bytes calldata key = bytes(datasetKey);
        uint256 length = key.length;
        if (length > _MAX_KEY_LENGTH) revert InvalidDatasetKey(datasetKey);
        uint256 slash = 0;
        while (slash < length && key[slash] != "/") ++slash;
        if (slash == 0 || slash + 1 >= length) revert InvalidDatasetKey(datasetKey);
        if (_agencyIdByCodeHash(keccak256(key[:slash])) != agencyId) {
            revert DatasetKeyOutsideNamespace(datasetKey, agencyId);
        }
    }

    function _datasetIdOf(string calldata datasetKey) private pure returns (bytes12) {
        return bytes12(keccak256(bytes(datasetKey)));
    }
}

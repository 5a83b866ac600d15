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

    /// @dev Topic 0 of {Anchored} (`Anchored.selector`), as a literal for the logs written in assembly.
    bytes32 private constant _ANCHORED_TOPIC = 0x671fb9d00c584f13a994258f93437aec5f7ae73b5a075fbffc079e8d682f7a1e;

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
        _emitAnchored(contentHash, datasetId, agencyId, version, kind, fileCount, operator, uri);
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
        version = _anchorVersion(_activeAgencyOf(operator), operator, datasetId, contentHash, kind, fileCount, uri);
    }

    /// @inheritdoc IDatasetRegistry
    function anchorBatch(AnchorRequest[] calldata requests) external {
        address operator = _msgSender();
        _anchorBatch(_activeAgencyOf(operator), operator, requests);
    }

    /// @inheritdoc IDatasetRegistry
    function anchorVersionBatch(VersionRequest[] calldata requests, string[] calldata uris) external {
        address operator = _msgSender();
        uint32 agencyId = _activeAgencyOf(operator);
        uint256 count = requests.length;
        if (count == 0 || count > MAX_BATCH_SIZE) revert BatchSizeOutOfRange(count, MAX_BATCH_SIZE);
        bool withUris = uris.length != 0;
        if (withUris && uris.length != count) revert BatchSizeOutOfRange(uris.length, count);
        // The fast path anchors items until one it cannot anchor; the checked path then reverts with that item's error
        // (or, should it accept the item, anchors it and the fast path goes on after it).
        for (
            uint256 next = _anchorVersionsFast(agencyId, operator, requests, uris, 0);
            next < count;
            next = _anchorVersionsFast(agencyId, operator, requests, uris, next + 1)
        ) {
            VersionRequest calldata request = requests[next];
            _anchorVersion(
                agencyId,
                operator,
                request.datasetId,
                request.contentHash,
                request.kind,
                request.fileCount,
                withUris ? _uriAt(uris, next) : string(msg.data[0:0])
            );
        }
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
        _emitAnchored(
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

    /// @dev Anchors the next version of an existing dataset and emits {Anchored}. `agencyId` must be the operator's
    /// active agency.
    function _anchorVersion(
        uint32 agencyId,
        address operator,
        bytes12 datasetId,
        bytes32 contentHash,
        AnchorKind kind,
        uint32 fileCount,
        string calldata uri
    ) private returns (uint32 version) {
        Anchor storage record = _checkNewAnchor(contentHash, kind, fileCount);
        version = _bumpVersion(datasetId, agencyId);
        if (version == 0) revert UnknownDataset(datasetId);
        _store(record, datasetId, version, agencyId, kind, fileCount);
        _emitAnchored(contentHash, datasetId, agencyId, version, kind, fileCount, operator, uri);
    }

    /// @dev `uris[index]` for the checked path of {anchorVersionBatch}. Like the fast path (and the ABI decoder for a
    /// top-level string), it reverts without data if the element's offset exceeds 2^64 - 1: Solidity's access to an
    /// element of a calldata `string[]` compares that offset as a signed number, so it would take 2^255 as an empty
    /// string and 2^256 - 32 as the bytes before the array, and anchor the item with a URI that was never encoded.
    function _uriAt(string[] calldata uris, uint256 index) private pure returns (string calldata) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            if gt(calldataload(add(uris.offset, shl(5, index))), 0xffffffffffffffff) {
                revert(0, 0)
            }
        }
        return uris[index];
    }

    /// @dev Stores one version, creating its dataset on the first; the caller emits {Anchored}. `agencyId` must be
    /// the caller's active agency.
    function _record(
        uint32 agencyId,
        string calldata datasetKey,
        bytes32 contentHash,
        AnchorKind kind,
        uint32 fileCount
    ) private returns (bytes12 datasetId, uint32 version) {
        Anchor storage record = _checkNewAnchor(contentHash, kind, fileCount);
        datasetId = _datasetIdOf(datasetKey);
        version = _bumpVersion(datasetId, agencyId);
        if (version == 0) {
            _checkNewDatasetKey(datasetKey, agencyId);
            _createDataset(datasetId, agencyId);
            emit DatasetCreated(datasetId, agencyId, datasetKey);
            version = 1;
        }
        _store(record, datasetId, version, agencyId, kind, fileCount);
    }

    /// @dev Reverts unless `contentHash` can be anchored with this shape; returns its (empty) record.
    function _checkNewAnchor(
        bytes32 contentHash,
        AnchorKind kind,
        uint32 fileCount
    ) private view returns (Anchor storage record) {
        if (contentHash == bytes32(0)) revert ZeroContentHash();
        if (!(kind == AnchorKind.File && fileCount == 1) && !(kind == AnchorKind.Tree && fileCount != 0)) {
            revert InvalidAnchorShape(kind, fileCount);
        }
        record = _anchors[contentHash];
        if (record.anchoredAt != 0) revert ContentAlreadyAnchored(contentHash, record.datasetId, record.version);
    }

    // Gas: the records below are written as whole packed words, one SSTORE each. Solidity's struct assignment writes
    // a packed slot member by member (a read and a write per member), which costs a few hundred gas per anchor.
    // The bit positions follow Solidity's storage layout of the structs (first member in the lowest bits); the
    // tests read every field back through {getAnchor} and {getDataset}.

    /// @dev The next version of dataset `datasetId` owned by `agencyId`, counted in storage; 0 (and nothing written)
    /// if the dataset does not exist.
    function _bumpVersion(bytes12 datasetId, uint32 agencyId) private returns (uint32 version) {
        Dataset storage dataset = _datasets[datasetId];
        uint256 word;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(dataset.slot)
        }
        uint32 owner = uint32(word); // Dataset.agencyId: bits 0-31
        if (owner == 0) return 0;
        if (owner != agencyId) revert DatasetOwnedByAnotherAgency(datasetId, owner, agencyId);
        version = uint32(word >> 32) + 1; // Dataset.versionCount: bits 32-63 (checked: cannot wrap into createdAt)
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(dataset.slot, add(word, shl(32, 1)))
        }
    }

    /// @dev Writes a new dataset's record: owner `agencyId`, one version, created now.
    function _createDataset(bytes12 datasetId, uint32 agencyId) private {
        Dataset storage dataset = _datasets[datasetId];
        // agencyId: bits 0-31, versionCount: 32-63, createdAt: 64-103 (uint40 seconds last until the year 36812)
        uint256 word = uint256(agencyId) | (1 << 32) | (uint256(uint40(block.timestamp)) << 64);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(dataset.slot, word)
        }
    }

    /// @dev Writes an anchor record, stamped now and not withdrawn.
    function _store(
        Anchor storage record,
        bytes12 datasetId,
        uint32 version,
        uint32 agencyId,
        AnchorKind kind,
        uint32 fileCount
    ) private {
        // datasetId: bits 0-95, version: 96-127, agencyId: 128-159, anchoredAt: 160-199, fileCount: 200-231,
        // kind: 232-239, withdrawn: 240-247 (false)
        uint256 word =
            uint256(uint96(datasetId)) |
                (uint256(version) << 96) |
                (uint256(agencyId) << 128) |
                (uint256(uint40(block.timestamp)) << 160) |
                (uint256(fileCount) << 200) |
                (uint256(uint8(kind)) << 232);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(record.slot, word)
        }
    }

    /// @dev Emits {Anchored}, encoded by hand: the ABI encoder's checks and helper calls cost several hundred gas per
    /// event, which adds up in a batch. Same log as `emit Anchored(...)` (the tests decode it with the ABI).
    function _emitAnchored(
        bytes32 contentHash,
        bytes12 datasetId,
        uint32 agencyId,
        uint32 version,
        AnchorKind kind,
        uint32 fileCount,
        address operator,
        string calldata uri
    ) private {
        bytes32 topic = Anchored.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Data: version, kind, fileCount, operator, the offset of uri (5 words), uri's length, uri zero-padded.
            let data := mload(0x40)
            let padded := and(add(uri.length, 31), not(31))
            mstore(add(data, add(0xa0, padded)), 0) // the last word of uri's padding (the length word if empty)
            mstore(data, version)
            mstore(add(data, 0x20), kind)
            mstore(add(data, 0x40), fileCount)
            mstore(add(data, 0x60), operator)
            mstore(add(data, 0x80), 0xa0)
            mstore(add(data, 0xa0), uri.length)
            calldatacopy(add(data, 0xc0), uri.offset, uri.length)
            // datasetId's low 20 bytes are cleared: bytes12(keccak256(key)) ({_datasetIdOf}) keeps the hash's other
            // bytes on the stack, and the topic must be the id right-padded with zeros, as the ABI encodes it.
            log4(
                data,
                add(0xc0, padded),
                topic,
                contentHash,
                and(datasetId, shl(160, 0xffffffffffffffffffffffff)),
                agencyId
            )
        }
    }

    /**
     * @dev The hot loop of {anchorVersionBatch}, in assembly: Solidity's calldata decoding and helper calls cost
     * about 1,500 gas per item, more than the 33,000-gas budget per batch item leaves once storage and the event are
     * paid for (bench/results.md). It anchors items in order and stops at the first one it cannot anchor for any
     * reason (malformed calldata, any rule of {_anchorVersion}); the caller then runs the checked Solidity path on
     * that item, which reverts with its exact error. Each anchored item has the effects of {_anchorVersion}: the
     * dataset's version count + 1, the packed {Anchor} word (layout in {_store}), and the {Anchored} log (as in
     * {_emitAnchored}). The invariant tests compare it with the checked path.
     * @param start The first item to anchor.
     * @return done The index of the item it stopped at: `requests.length` once all are anchored.
     */
    // solhint-disable-next-line function-max-lines
    function _anchorVersionsFast(
        uint32 agencyId,
        address operator,
        VersionRequest[] calldata requests,
        string[] calldata uris,
        uint256 start
    ) private returns (uint256 done) {
        done = start;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let data := mload(0x40) // the log's data; words 3 and 4 (operator, uri's offset) are the same for all
            mstore(add(data, 0x60), operator)
            mstore(add(data, 0x80), 0xa0)
            for {} lt(done, requests.length) {
                done := add(done, 1)
            } {
                // A VersionRequest is 4 words: datasetId (bytes12, left-aligned), contentHash, kind, fileCount.
                let item := add(requests.offset, shl(7, done))
                let datasetId := calldataload(item)
                let contentHash := calldataload(add(item, 0x20))
                {
                    let kind := calldataload(add(item, 0x40))
                    let fileCount := calldataload(add(item, 0x60))
                    // dirty bytes12
                    if shl(96, datasetId) {
                        break
                    }
                    if iszero(contentHash) {
                        break
                    }
                    // File with 1 file, or Tree with 1 to 2^32 - 1 files (this also rejects a dirty kind or fileCount)
                    if iszero(
                        or(
                            and(eq(kind, 1), eq(fileCount, 1)),
                            and(eq(kind, 2), and(gt(fileCount, 0), lt(fileCount, 0x100000000)))
                        )
                    ) {
                        break
                    }
                    mstore(add(data, 0x20), kind)
                    mstore(add(data, 0x40), fileCount)
                }

                // The uri: its bytes start at uriStart; its length goes to the log's word 6.
                let uriStart := 0
                mstore(add(data, 0xa0), 0)
                if uris.length {
                    let relative := calldataload(add(uris.offset, shl(5, done)))
                    if gt(relative, 0xffffffffffffffff) {
                        break
                    }
                    uriStart := add(uris.offset, relative)
                    let uriLength := calldataload(uriStart)
                    uriStart := add(uriStart, 0x20)
                    if or(gt(uriLength, 0xffffffffffffffff), gt(add(uriStart, uriLength), calldatasize())) {
                        break
                    }
                    mstore(add(data, 0xa0), uriLength)
                }

                mstore(0, contentHash)
                mstore(0x20, _anchors.slot)
                let recordSlot := keccak256(0, 0x40)
                // anchoredAt != 0: anchored already
                if shr(160, sload(recordSlot)) {
                    break
                }

                let version := 0
                {
                    mstore(0, datasetId)
                    mstore(0x20, _datasets.slot)
                    let datasetSlot := keccak256(0, 0x40)
                    let word := sload(datasetSlot)
                    // no such dataset, or another agency's
                    if iszero(eq(and(word, 0xffffffff), agencyId)) {
                        break
                    }
                    version := add(and(shr(32, word), 0xffffffff), 1)
                    if gt(version, 0xffffffff) {
                        break
                    }
                    sstore(datasetSlot, add(word, shl(32, 1)))
                }
                // The packed Anchor word, as in _store.
                sstore(
                    recordSlot,
                    or(
                        or(
                            or(shr(160, datasetId), shl(96, version)),
                            or(shl(128, agencyId), shl(160, and(timestamp(), 0xffffffffff)))
                        ),
                        or(shl(200, mload(add(data, 0x40))), shl(232, mload(add(data, 0x20))))
                    )
                )

                // The Anchored log, as in _emitAnchored.
                mstore(data, version)
                {
                    let uriLength := mload(add(data, 0xa0))
                    let padded := and(add(uriLength, 31), not(31))
                    if padded {
                        mstore(add(data, add(0xa0, padded)), 0) // uri's last padding word
                    }
                    calldatacopy(add(data, 0xc0), uriStart, uriLength)
                    log4(data, add(0xc0, padded), _ANCHORED_TOPIC, contentHash, datasetId, agencyId)
                }
            }
        }
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

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IAgencyRegistry} from "./IAgencyRegistry.sol";
import {ISignedActions} from "./ISignedActions.sol";

/**
 * @title IDatasetRegistry
 * @notice Agencies anchor SHA-256 hashes of their datasets as numbered versions. A version is a single file
 * (its SHA-256, as `sha256sum` prints it) or a directory tree (the root of an OpenZeppelin StandardMerkleTree over
 * `(string path, bytes32 sha256)` leaves). Each content hash is anchored once; versions can be withdrawn but never
 * deleted or overwritten. Reviewers look a hash up with {lookup}.
 *
 * Operators can also sign anchors, batches and withdrawals offline (EIP-712, domain name "govanchor DatasetRegistry",
 * version "1") for any relayer to submit with the `...BySig` functions: see {ISignedActions}. Typed data:
 * - `Anchor(string datasetKey,bytes32 contentHash,uint8 kind,uint32 fileCount,string uri,uint256 nonce,uint48 deadline)`
 * - `AnchorBatch(AnchorItem[] items,uint256 nonce,uint48 deadline)` with
 *   `AnchorItem(string datasetKey,bytes32 contentHash,uint8 kind,uint32 fileCount,string uri)`
 * - `Withdraw(bytes32 contentHash,string reason,uint256 nonce,uint48 deadline)`
 */
interface IDatasetRegistry is IAgencyRegistry, ISignedActions {
    /// @notice What a content hash stands for.
    enum AnchorKind {
        None,
        File, // the SHA-256 of one file
        Tree // the Merkle root over a directory's files
    }

    /// @notice One anchored version, keyed by its content hash. Fits one storage slot (248 bits).
    struct Anchor {
        bytes12 datasetId; // first 12 bytes of keccak256(datasetKey)
        uint32 version; // 1, 2, 3, ... within the dataset
        uint32 agencyId; // the dataset's owning agency
        uint40 anchoredAt; // block timestamp; 0 means "not anchored"
        uint32 fileCount; // 1 for a file, the number of files for a tree
        AnchorKind kind;
        bool withdrawn; // set once by {withdraw}; the record itself never changes
    }

    /// @notice A dataset. Fits one storage slot.
    struct Dataset {
        uint32 agencyId; // owning agency, fixed at creation; 0 means "no such dataset"
        uint32 versionCount; // versions are 1..versionCount
        uint40 createdAt;
    }

    /// @notice One item of {anchorBatch}.
    struct AnchorRequest {
        string datasetKey; // e.g. "hunan.stats/census-2020"; must start with the agency code and "/"
        bytes32 contentHash; // file SHA-256 or tree root
        AnchorKind kind;
        uint32 fileCount; // 1 for a file; the number of files for a tree
        string uri; // where the data lives (may be empty); emitted, not stored
    }

    /// @notice One item of {anchorVersionBatch}: the next version of an existing dataset, named by its id. Static (the
    /// URIs travel in a separate array) so that a batch costs less calldata.
    struct VersionRequest {
        bytes12 datasetId; // {datasetIdOf} the dataset's key
        bytes32 contentHash; // file SHA-256 or tree root
        AnchorKind kind;
        uint32 fileCount; // 1 for a file; the number of files for a tree
    }

    /// @notice Everything a reviewer needs about a content hash, in one call.
    struct AnchorInfo {
        bool anchored; // false: this hash was never anchored, every other field is empty
        bool withdrawn;
        bytes12 datasetId;
        uint32 version;
        AnchorKind kind;
        uint32 fileCount;
        uint40 anchoredAt;
        uint32 agencyId;
        string agencyCode;
        string agencyName;
        AgencyStatus agencyStatus; // the agency's status now (it may have been suspended since)
    }

    /// @notice Emitted when a dataset's first version is anchored.
    event DatasetCreated(bytes12 indexed datasetId, uint32 indexed agencyId, string datasetKey);

    /**
     * @notice Emitted for every anchored version.
     * @param contentHash The file SHA-256 or tree root.
     * @param datasetId The dataset.
     * @param agencyId The owning agency.
     * @param version The new version number.
     * @param kind File or tree.
     * @param fileCount Number of files.
     * @param operator The operator who anchored it.
     * @param uri Where the data lives.
     */
    event Anchored(
        bytes32 indexed contentHash,
        bytes12 indexed datasetId,
        uint32 indexed agencyId,
        uint32 version,
        AnchorKind kind,
        uint32 fileCount,
        address operator,
        string uri
    );

    /// @notice Emitted when an operator withdraws a version, with the reason.
    event AnchorWithdrawn(
        bytes32 indexed contentHash,
        bytes12 indexed datasetId,
        uint32 indexed agencyId,
        uint32 version,
        address operator,
        string reason
    );

    /// @notice The content hash is zero.
    error ZeroContentHash();
    /// @notice This content is already anchored, as `version` of `datasetId`. Safe to treat a retry as done.
    error ContentAlreadyAnchored(bytes32 contentHash, bytes12 datasetId, uint32 version);
    /// @notice The dataset key is not `<agency code>/<name>` of at most 200 bytes.
    error InvalidDatasetKey(string datasetKey);
    /// @notice A new dataset's key must start with the anchoring agency's code and "/".
    error DatasetKeyOutsideNamespace(string datasetKey, uint32 agencyId);
    /// @notice The dataset belongs to another agency.
    error DatasetOwnedByAnotherAgency(bytes12 datasetId, uint32 ownerAgencyId, uint32 callerAgencyId);
    /// @notice A file must have fileCount 1; a tree at least 1; kind must be File or Tree.
    error InvalidAnchorShape(AnchorKind kind, uint32 fileCount);
    /// @notice This content hash was never anchored.
    error UnknownContentHash(bytes32 contentHash);
    /// @notice No dataset has this id.
    error UnknownDataset(bytes12 datasetId);
    /// @notice The version is already withdrawn.
    error AnchorAlreadyWithdrawn(bytes32 contentHash);
    /// @notice A withdrawal must give a reason.
    error EmptyReason();
    /// @notice A batch must hold 1 to {MAX_BATCH_SIZE} items.
    error BatchSizeOutOfRange(uint256 size, uint256 max);

    /**
     * @notice Anchors `contentHash` as the next version of the dataset `datasetKey`, creating the dataset on its
     * first version. The caller's agency becomes (or must already be) the dataset's owner.
     * @dev Emits a {DatasetCreated} event for a new dataset, then an {Anchored} event.
     *
     * Requirements:
     * - the caller is an operator of an active agency;
     * - `contentHash` is not zero and not anchored yet;
     * - a new dataset's key is `<the agency's code>/<name>`; an existing dataset belongs to the caller's agency;
     * - `kind` is File with `fileCount` 1, or Tree with `fileCount` at least 1.
     * @param datasetKey The dataset's stable key, e.g. "hunan.stats/census-2020".
     * @param contentHash The file's SHA-256 or the tree's Merkle root.
     * @param kind File or Tree.
     * @param fileCount 1 for a file; the number of files in the tree.
     * @param uri Where the data lives (may be empty); emitted, not stored.
     * @return datasetId The dataset's id.
     * @return version The new version number.
     */
    function anchor(
        string calldata datasetKey,
        bytes32 contentHash,
        AnchorKind kind,
        uint32 fileCount,
        string calldata uri
    ) external returns (bytes12 datasetId, uint32 version);

    /**
     * @notice Anchors `contentHash` as the next version of an existing dataset, named by its id. Cheaper than
     * {anchor} (no key in calldata); otherwise the same rules and events.
     * @dev Emits an {Anchored} event. Reverts with {UnknownDataset} if the dataset does not exist.
     * @param datasetId The dataset's id ({datasetIdOf} its key).
     * @param contentHash The file's SHA-256 or the tree's Merkle root.
     * @param kind File or Tree.
     * @param fileCount 1 for a file; the number of files in the tree.
     * @param uri Where the data lives (may be empty); emitted, not stored.
     * @return version The new version number.
     */
    function anchorVersion(
        bytes12 datasetId,
        bytes32 contentHash,
        AnchorKind kind,
        uint32 fileCount,
        string calldata uri
    ) external returns (uint32 version);

    /**
     * @notice Anchors many versions, of one or many datasets, in one transaction. All or nothing: one invalid
     * item reverts the batch with that item's error.
     * @dev Emits the same events as {anchor} for each item, in order.
     * @param requests The items, 1 to {MAX_BATCH_SIZE}.
     */
    function anchorBatch(AnchorRequest[] calldata requests) external;

    /**
     * @notice Anchors new versions of existing datasets, named by id, in one transaction: the cheapest way to
     * publish many updates (no keys in calldata, no key checks). All or nothing, like {anchorBatch}.
     * @dev Emits an {Anchored} event for each item, in order. Reverts with {UnknownDataset} for an item whose
     * dataset does not exist (create it with {anchor} or {anchorBatch}), with {BatchSizeOutOfRange} if `uris` is
     * neither empty nor as long as `requests`, or with an item's error as {anchorVersion} does.
     * @param requests The items, 1 to {MAX_BATCH_SIZE}.
     * @param uris The items' URIs, in item order; empty for no URIs (each URI may be empty).
     */
    function anchorVersionBatch(VersionRequest[] calldata requests, string[] calldata uris) external;

    /**
     * @notice Marks a version withdrawn. It stays readable; nothing is deleted or overwritten.
     * @dev Emits an {AnchorWithdrawn} event.
     *
     * Requirements: the caller is an operator of the owning agency, which is active; the version is anchored and not
     * withdrawn; `reason` is not empty.
     * @param contentHash The version's content hash.
     * @param reason Why it is withdrawn; emitted, not stored.
     */
    function withdraw(bytes32 contentHash, string calldata reason) external;

    /**
     * @notice {anchor}, signed offline by an operator (`auth.signer`) and submitted by anyone.
     * @dev Emits the events of {anchor} with the signer as operator, then {SignedActionRelayed}.
     * Reverts with {SignatureExpired}, {NonceAlreadyUsed} or {InvalidSignature}, or as {anchor} does for the signer.
     * @param request The anchor: dataset key, content hash, kind, file count, URI.
     * @param auth The signer, nonce, deadline and EIP-712 `Anchor` signature.
     * @return datasetId The dataset's id.
     * @return version The new version number.
     */
    function anchorBySig(
        AnchorRequest calldata request,
        Authorization calldata auth
    ) external returns (bytes12 datasetId, uint32 version);

    /**
     * @notice {anchorBatch}, signed offline as one EIP-712 `AnchorBatch` by an operator and submitted by anyone.
     * All or nothing, like {anchorBatch}.
     * @dev Emits the events of {anchorBatch} with the signer as operator, then {SignedActionRelayed}.
     * @param requests The items, 1 to {MAX_BATCH_SIZE}.
     * @param auth The signer, nonce, deadline and signature.
     */
    function anchorBatchBySig(AnchorRequest[] calldata requests, Authorization calldata auth) external;

    /**
     * @notice {withdraw}, signed offline as an EIP-712 `Withdraw` by an operator and submitted by anyone.
     * @dev Emits {AnchorWithdrawn} with the signer as operator, then {SignedActionRelayed}.
     * @param contentHash The version's content hash.
     * @param reason Why it is withdrawn.
     * @param auth The signer, nonce, deadline and signature.
     */
    function withdrawBySig(bytes32 contentHash, string calldata reason, Authorization calldata auth) external;

    /**
     * @notice Everything a reviewer needs about a content hash: paste a file's `sha256sum` with 0x in front.
     * @param contentHash A file SHA-256 or a tree root.
     * @return info Whether and where it is anchored, when, by which agency, and whether it is still valid.
     */
    function lookup(bytes32 contentHash) external view returns (AnchorInfo memory info);

    /**
     * @notice The raw anchor record of a content hash (all zero if never anchored).
     * @param contentHash A file SHA-256 or a tree root.
     * @return The record.
     */
    function getAnchor(bytes32 contentHash) external view returns (Anchor memory);

    /**
     * @notice The dataset with this id; reverts with {UnknownDataset} if there is none.
     * @param datasetId The dataset's id.
     * @return The dataset.
     */
    function getDataset(bytes12 datasetId) external view returns (Dataset memory);

    /**
     * @notice The id of a dataset key: the first 12 bytes of its keccak256.
     * @param datasetKey The key, e.g. "hunan.stats/census-2020".
     * @return The id.
     */
    function datasetIdOf(string calldata datasetKey) external pure returns (bytes12);

    /**
     * @notice Whether a file belongs to an anchored tree: `proof` leads from the leaf `(path, fileHash)` to `root`,
     * and `root` is anchored as a tree (withdrawn or not: see {lookup} for its status).
     * @param root The tree's Merkle root.
     * @param path The file's path relative to the tree's top directory, with "/" separators.
     * @param fileHash The file's SHA-256.
     * @param proof The Merkle proof from `@openzeppelin/merkle-tree`.
     * @return True if the file is in the anchored tree.
     */
    function isFileInTree(
        bytes32 root,
        string calldata path,
        bytes32 fileHash,
        bytes32[] calldata proof
    ) external view returns (bool);
}

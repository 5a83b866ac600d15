// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/**
 * @title ISignedActions
 * @notice Gasless submission: an agency operator signs an action offline as EIP-712 typed data, and any relayer
 * submits it and pays the gas. The records name the operator who signed and its agency, never the relayer; a
 * {SignedActionRelayed} event names the relayer. Signatures are checked with OpenZeppelin's `SignatureChecker`, so
 * an operator can be a smart-contract wallet (ERC-1271, e.g. a Safe).
 *
 * Replay protection uses unordered nonces: each (signer, nonce) can be used once, in any order, so a relayer can
 * submit many signatures of one operator in parallel. The EIP-712 domain binds the chain id and this contract's
 * address, so a signature is valid on one deployment of one chain only. Each signature has a deadline.
 */
interface ISignedActions {
    /// @notice Who signed an action, with which nonce, until when, and the signature.
    struct Authorization {
        address signer; // the operator (an EOA or an ERC-1271 wallet)
        uint256 nonce; // any unused number; see {nonceUsed}
        uint48 deadline; // unix seconds; the action is rejected after it
        bytes signature; // EIP-712 signature over the action's typed data
    }

    /// @notice Emitted for every relayed signed action, after the action's own events.
    event SignedActionRelayed(address indexed signer, uint32 indexed agencyId, address indexed relayer, uint256 nonce);

    /// @notice Emitted when a signer cancels a nonce before any relayer used it.
    event NonceInvalidated(address indexed signer, uint256 nonce);

    /// @notice Emitted by {relayBatch} for an item that failed; the other items still ran.
    event RelayItemFailed(uint256 indexed index, bytes reason);

    /// @notice The signature's deadline has passed.
    error SignatureExpired(uint48 deadline, uint256 currentTime);
    /// @notice This signer already used (or invalidated) this nonce: the action was relayed before.
    error NonceAlreadyUsed(address signer, uint256 nonce);
    /// @notice The signature is not the signer's signature over this action on this chain and contract.
    error InvalidSignature(address signer);
    /// @notice {relayBatch} takes 1 to `max` calls.
    error RelayBatchSizeOutOfRange(uint256 size, uint256 max);

    /**
     * @notice Submits many signed actions (calls to this contract's `...BySig` functions) in one transaction.
     * An item that reverts (expired, replayed, bad signature, operator removed, ...) is skipped and reported with a
     * {RelayItemFailed} event carrying its revert data; the others take effect.
     * @param calls ABI-encoded calls to this contract, 1 to 256 of them.
     * @return succeeded For each call, whether it took effect.
     */
    function relayBatch(bytes[] calldata calls) external returns (bool[] memory succeeded);

    /**
     * @notice Cancels one of the caller's nonces, so that an action signed with it can no longer be relayed.
     * @dev Emits a {NonceInvalidated} event. Reverts with {NonceAlreadyUsed} if it is used already.
     * @param nonce The nonce.
     */
    function invalidateNonce(uint256 nonce) external;

    /**
     * @notice Whether `signer` has used (or invalidated) `nonce`.
     * @param signer The signer.
     * @param nonce The nonce.
     * @return True if the nonce can no longer be used.
     */
    function nonceUsed(address signer, uint256 nonce) external view returns (bool);
}

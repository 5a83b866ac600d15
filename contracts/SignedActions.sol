// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ISignedActions} from "./interfaces/ISignedActions.sol";

/**
 * @title SignedActions
 * @notice EIP-712 authorizations with unordered nonces and deadlines, checked with `SignatureChecker` (EOAs and
 * ERC-1271 wallets), and a relayer batch that reports failed items instead of losing the whole batch.
 */
abstract contract SignedActions is ISignedActions, EIP712 {
    uint256 private constant _MAX_RELAY_BATCH = 256;

    /// @dev 256 nonces per storage word: a signer who numbers its nonces 0, 1, 2, ... pays for a new slot once
    /// every 256 signatures and 5,000 gas otherwise.
    mapping(address signer => mapping(uint256 word => uint256 bits)) private _usedNonces;

    /// @inheritdoc ISignedActions
    function relayBatch(bytes[] calldata calls) external returns (bool[] memory succeeded) {
        uint256 count = calls.length;
        if (count == 0 || count > _MAX_RELAY_BATCH) revert RelayBatchSizeOutOfRange(count, _MAX_RELAY_BATCH);
        succeeded = new bool[](count);
        for (uint256 i = 0; i < count; ++i) {
            // delegatecall to this very contract keeps msg.sender (the relayer) for the item, as Multicall does.
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory reason) = address(this).delegatecall(calls[i]);
            succeeded[i] = ok;
            if (!ok) emit RelayItemFailed(i, reason);
        }
    }

    /// @inheritdoc ISignedActions
    function invalidateNonce(uint256 nonce) external {
        _useNonce(msg.sender, nonce);
        emit NonceInvalidated(msg.sender, nonce);
    }

    /// @inheritdoc ISignedActions
    function nonceUsed(address signer, uint256 nonce) external view returns (bool) {
        return _usedNonces[signer][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /**
     * @dev Checks the deadline, consumes the nonce and checks the signature over `structHash` (the action's EIP-712
     * struct hash, which must include `auth.nonce` and `auth.deadline`). The nonce is consumed before the
     * ERC-1271 call (a staticcall in SignatureChecker), and the whole call reverts if the signature is bad.
     */
    function _authorize(bytes32 structHash, Authorization calldata auth) internal {
        if (block.timestamp > auth.deadline) revert SignatureExpired(auth.deadline, block.timestamp);
        _useNonce(auth.signer, auth.nonce);
        if (!SignatureChecker.isValidSignatureNow(auth.signer, _hashTypedDataV4(structHash), auth.signature)) {
            revert InvalidSignature(auth.signer);
        }
    }

    function _useNonce(address signer, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _usedNonces[signer][nonce >> 8];
        if (bits & bit != 0) revert NonceAlreadyUsed(signer, nonce);
        _usedNonces[signer][nonce >> 8] = bits | bit;
    }
}

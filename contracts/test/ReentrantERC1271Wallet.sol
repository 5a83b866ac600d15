// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @title ReentrantERC1271Wallet
 * @notice Test only: a hostile ERC-1271 wallet, for the reentrancy attack tests. When a contract asks it whether a
 * signature is valid, it tries, depending on its mode, to call back into a target (e.g. to anchor or relay something
 * else in the middle of the check), to write its own storage, or to burn all the gas it is given. It accepts the
 * signature if its owner made it (and, in `Reenter`, only if the callback succeeded).
 * @dev `isValidSignature` is deliberately not `view`: the point is to see what happens when it tries to change state.
 * OpenZeppelin's `SignatureChecker` calls it with `staticcall`, so every state change inside it reverts.
 */
contract ReentrantERC1271Wallet {
    /// @notice What the wallet does inside `isValidSignature`.
    enum Mode {
        Honest, // only checks the owner's signature
        Reenter, // calls the target; accepts only if that call succeeded
        ReenterAndIgnore, // calls the target, ignores its failure, accepts
        WriteStorage, // increments a counter of its own, then accepts
        BurnGas // loops until it runs out of gas
    }

    /// @notice The EOA whose signatures the wallet accepts and who may configure it and send its calls.
    address public immutable OWNER;

    Mode private _mode;
    address private _target;
    bytes private _callback;
    uint256 private _checks;

    /// @notice Only the owner can configure the wallet or make it send calls.
    error NotWalletOwner(address account);

    /// @param owner The owning EOA.
    constructor(address owner) {
        OWNER = owner;
    }

    /**
     * @notice Sets what the wallet does when asked to check a signature.
     * @param mode The behaviour.
     * @param target The contract to call back (for the reentering modes).
     * @param callback The calldata of the callback.
     */
    function configure(Mode mode, address target, bytes calldata callback) external {
        if (msg.sender != OWNER) revert NotWalletOwner(msg.sender);
        _mode = mode;
        _target = target;
        _callback = callback;
    }

    /**
     * @notice Sends a call from the wallet (e.g. as an operator acting directly), as the owner asks; bubbles reverts.
     * @param target The contract to call.
     * @param data The calldata.
     * @return result The call's return data.
     */
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        if (msg.sender != OWNER) revert NotWalletOwner(msg.sender);
        bool ok;
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = target.call(data);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    /**
     * @notice ERC-1271, with the side effects of the configured mode.
     * @param hash The digest.
     * @param signature The owner's ECDSA signature over it.
     * @return magicValue `isValidSignature.selector` if accepted, 0xffffffff otherwise.
     */
    function isValidSignature(bytes32 hash, bytes calldata signature) external returns (bytes4 magicValue) {
        Mode mode = _mode;
        if (mode == Mode.Reenter || mode == Mode.ReenterAndIgnore) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, ) = _target.call(_callback);
            if (!ok && mode == Mode.Reenter) return bytes4(0xffffffff);
        } else if (mode == Mode.WriteStorage) {
            _checks += 1;
        } else if (mode == Mode.BurnGas) {
            uint256 spin = 0;
            while (gasleft() > 0) spin += 1;
        }
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        bool valid = err == ECDSA.RecoverError.NoError && recovered == OWNER;
        return valid ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    /// @notice How many times `isValidSignature` managed to write its counter (stays 0 under `staticcall`).
    function checks() external view returns (uint256) {
        return _checks;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @title MinimalERC1271Wallet
 * @notice Test only: the smallest smart-contract wallet an agency operator could be. One EOA owns it; a signature is
 * valid for the wallet if it is the owner's ECDSA signature over the hash. It can also send calls, as its owner says
 * (e.g. to cancel one of its nonces with `invalidateNonce`).
 * @dev Unlike a Safe, it does not wrap the hash in a domain of its own, so a signature of the owner is valid for every
 * wallet the owner holds. Fine for tests; a real wallet should bind its own address.
 */
contract MinimalERC1271Wallet is IERC1271 {
    /// @notice The EOA whose signatures the wallet accepts and who may send its calls.
    address public immutable OWNER;

    /// @notice Only the owner can make the wallet send calls.
    error NotWalletOwner(address account);

    /// @param owner The owning EOA.
    constructor(address owner) {
        OWNER = owner;
    }

    /**
     * @notice Sends a call from the wallet, as the owner asks; reverts with the call's revert data if it fails.
     * @param target The contract to call.
     * @param data The calldata.
     * @return result The call's return data.
     */
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        if (msg.sender != OWNER) revert NotWalletOwner(msg.sender);
        return Address.functionCall(target, data);
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4 magicValue) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        bool valid = err == ECDSA.RecoverError.NoError && recovered == OWNER;
        return valid ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}

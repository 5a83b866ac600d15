// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @title AddressBoundERC1271Wallet
 * @notice Test only: a one-owner ERC-1271 wallet that binds signatures to itself, as Safe and ERC-7739 wallets do: it
 * accepts the owner's ECDSA signature over `keccak256(abi.encode(address(this), hash))`, not over `hash`. A signature
 * its owner made for another account (the owner's own address, or another wallet) is therefore not valid for it.
 */
contract AddressBoundERC1271Wallet is IERC1271 {
    /// @notice The EOA whose signatures the wallet accepts.
    address public immutable OWNER;

    /// @param owner The owning EOA.
    constructor(address owner) {
        OWNER = owner;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4 magicValue) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(boundHash(hash), signature);
        bool valid = err == ECDSA.RecoverError.NoError && recovered == OWNER;
        return valid ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    /**
     * @notice What the owner signs for `hash` to be valid for this wallet.
     * @param hash The digest the verifying contract asks about.
     * @return The digest bound to this wallet's address.
     */
    function boundHash(bytes32 hash) public view returns (bytes32) {
        return keccak256(abi.encode(address(this), hash));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Script} from "forge-std/Script.sol";
import {KeystoneForwarder} from "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol";

/// @notice Deploys Chainlink's KeystoneForwarder and configures one DON on it.
abstract contract DeployKeystoneForwarder is Script {
    /// @dev MUST run inside a broadcast: the broadcaster becomes the forwarder's owner and sets the config.
    function _deployKeystoneForwarder(uint32 donId, uint32 configVersion, uint8 f, address[] memory signers)
        internal
        returns (KeystoneForwarder forwarder)
    {
        forwarder = new KeystoneForwarder();
        forwarder.setConfig(donId, configVersion, f, signers);
    }
}

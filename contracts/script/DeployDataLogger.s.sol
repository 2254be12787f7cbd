// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Script} from "forge-std/Script.sol";
import {DataLogger} from "../src/DataLogger.sol";

/// @notice Deploys the DataLogger bound to a forwarder, one CRE workflow identity and one window length.
abstract contract DeployDataLogger is Script {
    /// @dev MUST run inside a broadcast.
    function _deployDataLogger(
        address owner,
        address forwarder,
        bytes32 workflowId,
        bytes10 workflowName,
        address workflowOwner,
        uint32 windowSeconds
    ) internal returns (DataLogger logger) {
        logger = new DataLogger(owner, forwarder, workflowId, workflowName, workflowOwner, windowSeconds);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Script} from "forge-std/Script.sol";
import {DataLogger} from "../src/DataLogger.sol";
import {DeviceRegistry} from "../src/DeviceRegistry.sol";
import {WindowChallenger} from "../src/WindowChallenger.sol";

/// @notice Deploys the WindowChallenger and gives it the logger's freeze right.
abstract contract DeployWindowChallenger is Script {
    /// @dev MUST run inside a broadcast whose sender owns `logger`.
    function _deployWindowChallenger(DataLogger logger, DeviceRegistry registry)
        internal
        returns (WindowChallenger challenger)
    {
        challenger = new WindowChallenger(logger, registry);
        logger.setChallenger(address(challenger));
    }
}

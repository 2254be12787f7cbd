// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Script} from "forge-std/Script.sol";
import {InstallerRegistry} from "../src/InstallerRegistry.sol";

/// @notice Deploys the InstallerRegistry (installer organisations, trust lists). It has no owner: nothing to hand over.
abstract contract DeployInstallerRegistry is Script {
    /// @dev MUST run inside a broadcast.
    function _deployInstallerRegistry() internal returns (InstallerRegistry installers) {
        installers = new InstallerRegistry();
    }
}

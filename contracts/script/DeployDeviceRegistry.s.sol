// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Script} from "forge-std/Script.sol";
import {DeviceRegistry} from "../src/DeviceRegistry.sol";

/// @notice Deploys the DeviceRegistry.
abstract contract DeployDeviceRegistry is Script {
    /// @dev MUST run inside a broadcast whose sender is `admin`, so it can grant the extra registrar.
    function _deployDeviceRegistry(address admin, address extraRegistrar) internal returns (DeviceRegistry registry) {
        registry = new DeviceRegistry(admin);
        if (extraRegistrar != address(0)) registry.grantRole(registry.REGISTRAR_ROLE(), extraRegistrar);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Script} from "forge-std/Script.sol";
import {DeviceRegistry} from "../src/DeviceRegistry.sol";
import {ICompanyIdentity} from "../src/interfaces/ICompanyIdentity.sol";
import {IInstallerRegistry} from "../src/interfaces/IInstallerRegistry.sol";

/// @notice Deploys the DeviceRegistry on top of the InstallerRegistry (who certifies and revokes) and the
/// CompanyIdentity (who may own a meter). It has no owner: nothing to hand over.
abstract contract DeployDeviceRegistry is Script {
    /// @dev MUST run inside a broadcast.
    function _deployDeviceRegistry(IInstallerRegistry installers, ICompanyIdentity identities)
        internal
        returns (DeviceRegistry registry)
    {
        registry = new DeviceRegistry(installers, identities);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Script} from "forge-std/Script.sol";
import {CompanyIdentity} from "../src/CompanyIdentity.sol";

/// @notice Deploys the CompanyIdentity (soulbound company identities). It has no owner: nothing to hand over.
abstract contract DeployCompanyIdentity is Script {
    /// @dev MUST run inside a broadcast.
    function _deployCompanyIdentity() internal returns (CompanyIdentity identities) {
        identities = new CompanyIdentity();
    }
}

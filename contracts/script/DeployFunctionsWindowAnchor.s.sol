// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Script} from "forge-std/Script.sol";
import {DataLogger} from "../src/DataLogger.sol";
import {FunctionsWindowAnchor} from "../src/FunctionsWindowAnchor.sol";
import {IFunctionsWindowAnchor} from "../src/interfaces/IFunctionsWindowAnchor.sol";

/// @notice Deploys the Chainlink Functions + Automation anchor and makes it the logger's recorder.
abstract contract DeployFunctionsWindowAnchor is Script {
    /// @dev MUST run inside a broadcast whose sender owns `logger` (and becomes the anchor's owner).
    function _deployFunctionsWindowAnchor(
        address owner,
        address router,
        DataLogger logger,
        IFunctionsWindowAnchor.AnchorConfig memory config,
        string memory source,
        address upkeepForwarder
    ) internal returns (FunctionsWindowAnchor anchor) {
        anchor = new FunctionsWindowAnchor(owner, router, logger, config, source, upkeepForwarder);
        logger.setRecorder(address(anchor));
        // Pinned like the CRE workflow id: the logger accepts answers of this source only.
        logger.setFunctionsSourceHash(keccak256(bytes(source)));
    }
}

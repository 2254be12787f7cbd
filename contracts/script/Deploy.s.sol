// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {DeployDataLogger} from "./DeployDataLogger.s.sol";
import {DeployDeviceRegistry} from "./DeployDeviceRegistry.s.sol";
import {DeployKeystoneForwarder} from "./DeployKeystoneForwarder.s.sol";

/// @notice Deploys GridProof (KeystoneForwarder unless FORWARDER is given, DeviceRegistry, DataLogger) and writes
/// contracts/deployments/<chainId>.json = {chainId, forwarder, deviceRegistry, dataLogger, startBlock}.
/// @dev Env: DON_SIGNERS (comma-separated, needed without FORWARDER), DON_F (1), DON_ID (1), DON_CONFIG_VERSION (1),
/// WORKFLOW_OWNER, WORKFLOW_NAME (bytes10 hex), WORKFLOW_ID (bytes32 hex), FORWARDER (optional), REGISTRAR (optional).
/// `npx forge script contracts/script/Deploy.s.sol --rpc-url <url> --broadcast --private-key <key>`
contract Deploy is DeployKeystoneForwarder, DeployDeviceRegistry, DeployDataLogger {
    struct Deployment {
        uint256 chainId;
        address forwarder;
        address deviceRegistry;
        address dataLogger;
        uint256 startBlock;
    }

    /// @notice Thrown when WORKFLOW_NAME is not 10 bytes.
    error DeployInvalidWorkflowName(bytes workflowName);

    /// @notice Thrown when no forwarder is given and DON_SIGNERS is empty.
    error DeployMissingDonSigners();

    function run() external returns (Deployment memory d) {
        bytes memory name = vm.envBytes("WORKFLOW_NAME");
        if (name.length != 10) revert DeployInvalidWorkflowName(name);
        bytes32 workflowId = vm.envBytes32("WORKFLOW_ID");
        address workflowOwner = vm.envAddress("WORKFLOW_OWNER");
        address forwarder = vm.envOr("FORWARDER", address(0));
        address registrar = vm.envOr("REGISTRAR", address(0));

        d.chainId = block.chainid;
        // Contracts land in a later block; indexers may start here without missing events.
        d.startBlock = block.number;

        vm.startBroadcast();
        (, address deployer,) = vm.readCallers();
        if (forwarder == address(0)) {
            address[] memory signers = vm.envOr("DON_SIGNERS", ",", new address[](0));
            if (signers.length == 0) revert DeployMissingDonSigners();
            forwarder = address(
                _deployKeystoneForwarder(
                    uint32(vm.envOr("DON_ID", uint256(1))),
                    uint32(vm.envOr("DON_CONFIG_VERSION", uint256(1))),
                    uint8(vm.envOr("DON_F", uint256(1))),
                    signers
                )
            );
        }
        d.forwarder = forwarder;
        d.deviceRegistry = address(_deployDeviceRegistry(deployer, registrar));
        d.dataLogger = address(_deployDataLogger(deployer, forwarder, workflowId, bytes10(name), workflowOwner));
        vm.stopBroadcast();

        _writeDeployment(d);
    }

    function _writeDeployment(Deployment memory d) internal {
        string memory key = "deployment";
        vm.serializeUint(key, "chainId", d.chainId);
        vm.serializeAddress(key, "forwarder", d.forwarder);
        vm.serializeAddress(key, "deviceRegistry", d.deviceRegistry);
        vm.serializeAddress(key, "dataLogger", d.dataLogger);
        string memory json = vm.serializeUint(key, "startBlock", d.startBlock);
        string memory dir = string.concat(vm.projectRoot(), "/contracts/deployments");
        vm.createDir(dir, true);
        vm.writeJson(json, string.concat(dir, "/", vm.toString(d.chainId), ".json"));
    }
}

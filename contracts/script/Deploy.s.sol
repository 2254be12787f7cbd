// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {VmSafe} from "forge-std/Vm.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {CompanyIdentity} from "../src/CompanyIdentity.sol";
import {DataLogger} from "../src/DataLogger.sol";
import {DeviceRegistry} from "../src/DeviceRegistry.sol";
import {InstallerRegistry} from "../src/InstallerRegistry.sol";
import {IFunctionsWindowAnchor} from "../src/interfaces/IFunctionsWindowAnchor.sol";
import {DeployCompanyIdentity} from "./DeployCompanyIdentity.s.sol";
import {DeployDataLogger} from "./DeployDataLogger.s.sol";
import {DeployDeviceRegistry} from "./DeployDeviceRegistry.s.sol";
import {DeployFunctionsWindowAnchor} from "./DeployFunctionsWindowAnchor.s.sol";
import {DeployInstallerRegistry} from "./DeployInstallerRegistry.s.sol";
import {DeployKeystoneForwarder} from "./DeployKeystoneForwarder.s.sol";
import {DeployTimelock} from "./DeployTimelock.s.sol";
import {DeployWindowChallenger} from "./DeployWindowChallenger.s.sol";

/// @notice Deploys GridProof on one network: KeystoneForwarder (local chains only, unless FORWARDER is given),
/// CompanyIdentity, InstallerRegistry, DeviceRegistry (on those two), DataLogger, WindowChallenger (freeze right on
/// the logger) and, when FUNCTIONS_SUBSCRIPTION_ID is set, the FunctionsWindowAnchor (recorder on the logger). Writes
/// contracts/deployments/<chainId>.json = {chainId, network, forwarder, companyIdentity, installerRegistry,
/// deviceRegistry, dataLogger, windowChallenger, functionsAnchor, timelock, windowSeconds, startBlock} on a broadcast
/// only; a dry run (no --broadcast) writes nothing and returns the would-be addresses.
/// @dev Env: NETWORK (contracts/script/networks/<NETWORK>.json; default "anvil"), WORKFLOW_OWNER, WORKFLOW_NAME
/// (bytes10 hex), WORKFLOW_ID (bytes32 hex), WINDOW_SECONDS (300; the window length the logger fixes for good and the
/// Functions anchor uses), FORWARDER (overrides the network's KeystoneForwarder), DON_SIGNERS / DON_F / DON_ID /
/// DON_CONFIG_VERSION (a local forwarder). Devices are certified by installer organisations' electricians, not by the
/// deployer: the registries have no owner or admin.
/// Functions path: FUNCTIONS_SUBSCRIPTION_ID, ORACLE_API_URL, FUNCTIONS_SOURCE or FUNCTIONS_SOURCE_FILE (path from
/// the repo root, under functions-source/), FUNCTIONS_ROUTER / FUNCTIONS_DON_ID (override the network's),
/// FUNCTIONS_CALLBACK_GAS (300000), SEAL_DELAY_SECONDS (30), RETRY_AFTER_SECONDS (600),
/// AUTOMATION_FORWARDER (may be set later with setUpkeepForwarder).
/// Ownership: TIMELOCK_PROPOSER (a multisig on live networks; default the deployer) and TIMELOCK_DELAY (seconds,
/// default 2 days): the logger and the anchor end up owned by a TimelockController (DeployTimelock.s.sol). The
/// CompanyIdentity, InstallerRegistry and DeviceRegistry have no owner or admin: nothing to hand over.
/// `NETWORK=sepolia npx forge script contracts/script/Deploy.s.sol --rpc-url <url> --broadcast --private-key <key>`
contract Deploy is
    DeployKeystoneForwarder,
    DeployCompanyIdentity,
    DeployInstallerRegistry,
    DeployDeviceRegistry,
    DeployDataLogger,
    DeployWindowChallenger,
    DeployFunctionsWindowAnchor,
    DeployTimelock
{
    struct Deployment {
        uint256 chainId;
        string network;
        address forwarder;
        address companyIdentity;
        address installerRegistry;
        address deviceRegistry;
        address dataLogger;
        address windowChallenger;
        address functionsAnchor;
        address timelock;
        uint32 windowSeconds;
        uint256 startBlock;
    }

    /// @notice One network's Chainlink addresses (contracts/script/networks/<name>.json).
    struct NetworkConfig {
        string name;
        uint256 chainId; // 0: any chain (local)
        bool deployForwarder; // true only for local chains: a KeystoneForwarder for the local DON
        address keystoneForwarder;
        address functionsRouter;
        string functionsDonId;
    }

    /// @notice Thrown when WINDOW_SECONDS does not fit uint32 (the logger then checks it divides 3600).
    error DeployInvalidWindowSeconds(uint256 windowSeconds);

    /// @notice Thrown when WORKFLOW_NAME is not 10 bytes.
    error DeployInvalidWorkflowName(bytes workflowName);

    /// @notice Thrown when a local forwarder must be deployed and DON_SIGNERS is empty.
    error DeployMissingDonSigners();

    /// @notice Thrown when the RPC's chain is not the network's.
    error DeployWrongChain(string network, uint256 expected, uint256 actual);

    /// @notice Thrown when a live network has no KeystoneForwarder address (config TODO) and FORWARDER is not set.
    error DeployMissingForwarder(string network);

    /// @notice Thrown when the Functions path is asked for but the network has no Functions router.
    error DeployMissingFunctionsRouter(string network);

    /// @notice Thrown when the Functions DON id does not fit bytes32.
    error DeployInvalidFunctionsDonId(string donId);

    /// @notice Thrown when neither FUNCTIONS_SOURCE nor FUNCTIONS_SOURCE_FILE is given for the Functions path.
    error DeployMissingFunctionsSource();

    function run() external returns (Deployment memory d) {
        NetworkConfig memory net = networkConfig(vm.envOr("NETWORK", string("anvil")));
        if (net.chainId != 0 && net.chainId != block.chainid) {
            revert DeployWrongChain(net.name, net.chainId, block.chainid);
        }
        address forwarder = vm.envOr("FORWARDER", net.keystoneForwarder);
        if (forwarder == address(0) && !net.deployForwarder) revert DeployMissingForwarder(net.name);

        d.chainId = block.chainid;
        d.network = net.name;
        d.windowSeconds = _windowSeconds();
        // Contracts land in a later block; indexers may start here without missing events.
        d.startBlock = block.number;

        vm.startBroadcast();
        (, address deployer,) = vm.readCallers();
        d.forwarder = forwarder == address(0) ? _deployLocalForwarder() : forwarder;
        CompanyIdentity identities = _deployCompanyIdentity();
        InstallerRegistry installers = _deployInstallerRegistry();
        d.companyIdentity = address(identities);
        d.installerRegistry = address(installers);
        DeviceRegistry registry = _deployDeviceRegistry(installers, identities);
        DataLogger logger = _deployLogger(deployer, d.forwarder, d.windowSeconds);
        d.deviceRegistry = address(registry);
        d.dataLogger = address(logger);
        d.windowChallenger = address(_deployWindowChallenger(logger, registry));
        if (vm.envOr("FUNCTIONS_SUBSCRIPTION_ID", uint256(0)) != 0) {
            d.functionsAnchor = _deployAnchor(net, deployer, logger, address(registry), d.windowSeconds);
        }
        // Last: every later change of configuration goes through the timelock.
        Ownable2Step[] memory owned = new Ownable2Step[](d.functionsAnchor == address(0) ? 1 : 2);
        owned[0] = logger;
        if (d.functionsAnchor != address(0)) owned[1] = Ownable2Step(d.functionsAnchor);
        d.timelock = address(
            _handOverToTimelock(
                vm.envOr("TIMELOCK_PROPOSER", deployer), vm.envOr("TIMELOCK_DELAY", uint256(2 days)), owned
            )
        );
        vm.stopBroadcast();

        if (!vm.isContext(VmSafe.ForgeContext.ScriptDryRun)) _writeDeployment(d);
    }

    /// @notice Reads contracts/script/networks/<name>.json.
    function networkConfig(string memory name) public view returns (NetworkConfig memory net) {
        // Reading the network's own config file is what this script is for (fs_permissions: read-only there).
        // forge-lint: disable-next-line(unsafe-cheatcode)
        string memory json = vm.readFile(string.concat(vm.projectRoot(), "/contracts/script/networks/", name, ".json"));
        net.name = vm.parseJsonString(json, ".name");
        net.chainId = vm.parseJsonUint(json, ".chainId");
        net.deployForwarder = vm.parseJsonBool(json, ".deployForwarder");
        net.keystoneForwarder = vm.parseJsonAddress(json, ".keystoneForwarder");
        net.functionsRouter = vm.parseJsonAddress(json, ".functionsRouter");
        net.functionsDonId = vm.parseJsonString(json, ".functionsDonId");
    }

    function _deployLocalForwarder() internal returns (address) {
        address[] memory signers = vm.envOr("DON_SIGNERS", ",", new address[](0));
        if (signers.length == 0) revert DeployMissingDonSigners();
        return address(
            _deployKeystoneForwarder(
                uint32(vm.envOr("DON_ID", uint256(1))),
                uint32(vm.envOr("DON_CONFIG_VERSION", uint256(1))),
                uint8(vm.envOr("DON_F", uint256(1))),
                signers
            )
        );
    }

    /// @notice WINDOW_SECONDS (default 300, the protocol vectors' length).
    function _windowSeconds() internal view returns (uint32) {
        uint256 windowSeconds = vm.envOr("WINDOW_SECONDS", uint256(300));
        if (windowSeconds > type(uint32).max) revert DeployInvalidWindowSeconds(windowSeconds);
        // Range-checked just above.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint32(windowSeconds);
    }

    function _deployLogger(address owner, address forwarder, uint32 windowSeconds) internal returns (DataLogger) {
        bytes memory name = vm.envBytes("WORKFLOW_NAME");
        if (name.length != 10) revert DeployInvalidWorkflowName(name);
        // Length checked just above.
        // forge-lint: disable-next-line(unsafe-typecast)
        bytes10 workflowName = bytes10(name);
        return _deployDataLogger(
            owner, forwarder, vm.envBytes32("WORKFLOW_ID"), workflowName, vm.envAddress("WORKFLOW_OWNER"), windowSeconds
        );
    }

    function _deployAnchor(
        NetworkConfig memory net,
        address owner,
        DataLogger logger,
        address registry,
        uint32 windowSeconds
    ) internal returns (address) {
        address router = vm.envOr("FUNCTIONS_ROUTER", net.functionsRouter);
        if (router == address(0)) revert DeployMissingFunctionsRouter(net.name);
        string memory donId = vm.envOr("FUNCTIONS_DON_ID", net.functionsDonId);
        if (bytes(donId).length == 0 || bytes(donId).length > 32) revert DeployInvalidFunctionsDonId(donId);
        IFunctionsWindowAnchor.AnchorConfig memory config = IFunctionsWindowAnchor.AnchorConfig({
            subscriptionId: uint64(vm.envUint("FUNCTIONS_SUBSCRIPTION_ID")),
            callbackGasLimit: uint32(vm.envOr("FUNCTIONS_CALLBACK_GAS", uint256(300_000))),
            // 1..32 bytes, checked just above: bytes32() right-pads, as Functions DON ids are encoded.
            // forge-lint: disable-next-line(unsafe-typecast)
            donId: bytes32(bytes(donId)),
            windowSeconds: windowSeconds,
            sealDelaySeconds: uint32(vm.envOr("SEAL_DELAY_SECONDS", uint256(30))),
            retryAfterSeconds: uint32(vm.envOr("RETRY_AFTER_SECONDS", uint256(600))),
            deviceRegistry: registry,
            apiUrl: vm.envString("ORACLE_API_URL")
        });
        return address(
            _deployFunctionsWindowAnchor(
                owner, router, logger, config, _functionsSource(), vm.envOr("AUTOMATION_FORWARDER", address(0))
            )
        );
    }

    function _functionsSource() internal view returns (string memory source) {
        source = vm.envOr("FUNCTIONS_SOURCE", string(""));
        if (bytes(source).length != 0) return source;
        string memory file = vm.envOr("FUNCTIONS_SOURCE_FILE", string(""));
        if (bytes(file).length == 0) revert DeployMissingFunctionsSource();
        // The source the operator named; fs_permissions allow reading only under functions-source/.
        // forge-lint: disable-next-line(unsafe-cheatcode)
        return vm.readFile(string.concat(vm.projectRoot(), "/", file));
    }

    function _writeDeployment(Deployment memory d) internal {
        string memory key = "deployment";
        vm.serializeUint(key, "chainId", d.chainId);
        vm.serializeString(key, "network", d.network);
        vm.serializeAddress(key, "forwarder", d.forwarder);
        vm.serializeAddress(key, "companyIdentity", d.companyIdentity);
        vm.serializeAddress(key, "installerRegistry", d.installerRegistry);
        vm.serializeAddress(key, "deviceRegistry", d.deviceRegistry);
        vm.serializeAddress(key, "dataLogger", d.dataLogger);
        vm.serializeAddress(key, "windowChallenger", d.windowChallenger);
        vm.serializeAddress(key, "functionsAnchor", d.functionsAnchor);
        vm.serializeAddress(key, "timelock", d.timelock);
        vm.serializeUint(key, "windowSeconds", d.windowSeconds);
        string memory json = vm.serializeUint(key, "startBlock", d.startBlock);
        string memory dir = string.concat(vm.projectRoot(), "/contracts/deployments");
        vm.createDir(dir, true);
        vm.writeJson(json, string.concat(dir, "/", vm.toString(d.chainId), ".json"));
    }
}

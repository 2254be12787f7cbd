// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {KeystoneForwarder} from "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol";
import {DataLogger} from "../../src/DataLogger.sol";

/// @notice Chainlink's real KeystoneForwarder with a 4-node DON (f = 1) of fixed keys, a DataLogger behind it, and
/// helpers that build and sign reports the way DON nodes do.
abstract contract KeystoneFixture is Test {
    uint32 internal constant DON_ID = 1;
    uint32 internal constant CONFIG_VERSION = 1;
    uint8 internal constant F = 1;
    bytes32 internal constant WORKFLOW_ID = keccak256("gridproof window workflow");
    bytes10 internal constant WORKFLOW_NAME = "gridproof1";
    bytes2 internal constant REPORT_ID = 0x0001;
    uint64 internal constant WINDOW_START = 1_767_225_600; // 2026-01-01T00:00:00Z
    uint32 internal constant WINDOW_SECONDS = 300;

    uint256[4] internal _donKeys = [uint256(0xA11CE), 0xB0B, 0xCA201, 0xD0D];
    address internal _workflowOwner = makeAddr("workflowOwner");
    address internal _admin = makeAddr("admin");
    bytes internal _reportContext = abi.encode(keccak256("config digest"), uint256(7), bytes32(0));
    uint256 private _executionNonce;

    KeystoneForwarder internal _forwarder;
    DataLogger internal _logger;

    function _setUpKeystone() internal {
        _forwarder = new KeystoneForwarder();
        address[] memory signers = new address[](_donKeys.length);
        for (uint256 i; i < _donKeys.length; ++i) {
            signers[i] = vm.addr(_donKeys[i]);
        }
        _forwarder.setConfig(DON_ID, CONFIG_VERSION, F, signers);
        _logger =
            new DataLogger(_admin, address(_forwarder), WORKFLOW_ID, WORKFLOW_NAME, _workflowOwner, WINDOW_SECONDS);
        // Every test starts after the default window has closed.
        vm.warp(WINDOW_START + 3600);
    }

    function _payload(
        uint64 windowStart,
        uint32 windowSeconds,
        bytes32 root,
        bytes32 cidDigest,
        uint32 deviceCount,
        uint32 readingCount,
        uint64 energyWh
    ) internal pure returns (bytes memory) {
        return abi.encode(windowStart, windowSeconds, root, cidDigest, deviceCount, readingCount, energyWh);
    }

    function _defaultPayload() internal pure returns (bytes memory) {
        return _payload(WINDOW_START, WINDOW_SECONDS, keccak256("root"), keccak256("document"), 3, 12, 235);
    }

    function _metadata(bytes32 workflowId, bytes10 workflowName, address workflowOwner)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(workflowId, workflowName, workflowOwner, REPORT_ID);
    }

    /// @notice KeystoneForwarder rawReport: the 109-byte header of `_getMetadata` followed by the payload.
    function _rawReport(
        bytes32 executionId,
        bytes32 workflowId,
        bytes10 workflowName,
        address workflowOwner,
        bytes memory payload
    ) internal view returns (bytes memory) {
        return abi.encodePacked(
            uint8(1),
            executionId,
            uint32(block.timestamp),
            DON_ID,
            CONFIG_VERSION,
            _metadata(workflowId, workflowName, workflowOwner),
            payload
        );
    }

    function _sign(bytes memory rawReport, uint256 key) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked(keccak256(rawReport), _reportContext)));
        return abi.encodePacked(r, s, v - 27);
    }

    function _signatures(bytes memory rawReport, uint256 count) internal view returns (bytes[] memory sigs) {
        sigs = new bytes[](count);
        for (uint256 i; i < count; ++i) {
            sigs[i] = _sign(rawReport, _donKeys[i]);
        }
    }

    function _nextExecutionId() internal returns (bytes32) {
        return keccak256(abi.encode("execution", ++_executionNonce));
    }

    /// @notice Sends `payload` through the forwarder as the configured workflow, signed by f+1 DON nodes.
    /// @dev Phase one of the anchor: the 64-byte commit report of `cidDigest` for `windowStart`.
    function _commitPayload(uint64 windowStart, bytes32 cidDigest) internal pure returns (bytes memory) {
        return abi.encode(windowStart, cidDigest);
    }

    /// @dev Commit, then draw, then record: delivers the commit of the record payload's digest, mines the seed block
    /// and delivers the record. What every test that needs a recorded window calls.
    function _anchorWindow(bytes memory recordPayload) internal returns (bytes32 executionId) {
        (uint64 windowStart,,, bytes32 cidDigest,,,) =
            abi.decode(recordPayload, (uint64, uint32, bytes32, bytes32, uint32, uint32, uint64));
        _deliver(_commitPayload(windowStart, cidDigest));
        vm.roll(block.number + 2);
        executionId = _deliver(recordPayload);
    }

    function _deliver(bytes memory payload) internal returns (bytes32 executionId) {
        executionId = _nextExecutionId();
        bytes memory raw = _rawReport(executionId, WORKFLOW_ID, WORKFLOW_NAME, _workflowOwner, payload);
        _forwarder.report(address(_logger), raw, _reportContext, _signatures(raw, F + 1));
    }
}

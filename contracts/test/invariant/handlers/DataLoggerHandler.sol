// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {KeystoneFixture} from "../../utils/KeystoneFixture.sol";
import {KeystoneForwarder} from "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol";
import {DataLogger} from "../../../src/DataLogger.sol";

/// @notice Sends windows through the real forwarder: valid ones, replays, misaligned and unclosed ones, windows of
/// other lengths over the same hours, and reports of a foreign workflow. Ghosts track what must have been recorded.
contract DataLoggerHandler is KeystoneFixture {
    uint64[] public ghost_recordedStarts;
    mapping(uint64 windowStart => bytes32 root) public ghost_rootOf;
    mapping(bytes32 => uint256) public calls;

    constructor(KeystoneForwarder forwarder, DataLogger logger) {
        _forwarder = forwarder;
        _logger = logger;
    }

    function ghost_recordedCount() external view returns (uint256) {
        return ghost_recordedStarts.length;
    }

    function recordWindow(uint256 index, bytes32 root, uint32 readingCount) external {
        calls["recordWindow"]++;
        uint64 start = WINDOW_START + uint64(_bound(index, 0, 50)) * WINDOW_SECONDS;
        root = bytes32(_bound(uint256(root), 1, type(uint256).max));
        readingCount = uint32(_bound(readingCount, 1, 10_000));
        bool fresh = ghost_rootOf[start] == bytes32(0);
        _deliver(_payload(start, WINDOW_SECONDS, root, bytes32(0), 1, readingCount, 0));
        if (fresh) {
            ghost_recordedStarts.push(start);
            ghost_rootOf[start] = root;
        }
    }

    function recordMisaligned(uint256 index, uint256 offset) external {
        calls["recordMisaligned"]++;
        uint64 start = WINDOW_START + uint64(_bound(index, 0, 50)) * WINDOW_SECONDS + uint64(_bound(offset, 1, 299));
        _deliver(_payload(start, WINDOW_SECONDS, keccak256("x"), bytes32(0), 1, 1, 0));
    }

    /// @dev A length that divides 3600 but is not the fixed 300, at a start aligned to it (so only the length is off).
    function recordOtherLength(uint256 lengthSeed, uint256 index) external {
        calls["recordOtherLength"]++;
        uint32[6] memory others = [uint32(60), 100, 600, 900, 1800, 3600];
        uint32 length = others[_bound(lengthSeed, 0, others.length - 1)];
        uint64 start = WINDOW_START + uint64(_bound(index, 0, 50 * WINDOW_SECONDS / length)) * length;
        _deliver(_payload(start, length, keccak256("x"), bytes32(0), 1, 1, 0));
    }

    function recordUnclosed(uint256 ahead) external {
        calls["recordUnclosed"]++;
        uint64 start = uint64(block.timestamp / WINDOW_SECONDS * WINDOW_SECONDS + _bound(ahead, 0, 10) * WINDOW_SECONDS);
        _deliver(_payload(start, WINDOW_SECONDS, keccak256("x"), bytes32(0), 1, 1, 0));
    }

    function recordForeignWorkflow(uint256 index, address intruder) external {
        calls["recordForeignWorkflow"]++;
        if (intruder == _workflowOwner) intruder = address(1);
        uint64 start = WINDOW_START + uint64(_bound(index, 0, 50)) * WINDOW_SECONDS;
        bytes memory raw = _rawReport(
            _nextExecutionId(),
            WORKFLOW_ID,
            WORKFLOW_NAME,
            intruder,
            _payload(start, WINDOW_SECONDS, keccak256("x"), bytes32(0), 1, 1, 0)
        );
        _forwarder.report(address(_logger), raw, _reportContext, _signatures(raw, F + 1));
    }
}

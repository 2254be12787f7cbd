// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {IDataLogger} from "../../src/interfaces/IDataLogger.sol";
import {KeystoneFixture} from "../utils/KeystoneFixture.sol";
import {DataLoggerHandler} from "./handlers/DataLoggerHandler.sol";

contract DataLoggerInvariants is KeystoneFixture {
    DataLoggerHandler internal _handler;

    function setUp() public {
        _setUpKeystone();
        _handler = new DataLoggerHandler(_forwarder, _logger);
        // Far enough that the 51 windows the handler uses have closed.
        vm.warp(WINDOW_START + 1 days);
        targetContract(address(_handler));
    }

    /// @notice Exactly the first valid report of each window is kept; nothing else ever gets recorded.
    function invariant_recordsExactlyTheFirstValidReportPerWindow() public view {
        uint256 n = _handler.ghost_recordedCount();
        assertEq(_logger.windowCount(), n);
        for (uint256 i; i < n; ++i) {
            uint64 start = _handler.ghost_recordedStarts(i);
            assertEq(_logger.windowStartAt(i), start);
            IDataLogger.WindowRecord memory w = _logger.getWindow(start);
            assertEq(w.root, _handler.ghost_rootOf(start));
            assertEq(w.windowStart % w.windowSeconds, 0);
            assertLe(uint256(w.windowStart) + w.windowSeconds, w.recordedAt);
        }
    }

    /// @notice Recorded windows all have the fixed length and never overlap.
    function invariant_recordedWindowsNeverOverlap() public view {
        uint256 n = _logger.windowCount();
        for (uint256 i; i < n; ++i) {
            IDataLogger.WindowRecord memory a = _logger.getWindow(_logger.windowStartAt(i));
            assertEq(a.windowSeconds, _logger.windowSeconds());
            for (uint256 j = i + 1; j < n; ++j) {
                uint64 b = _logger.windowStartAt(j);
                assertTrue(
                    uint256(a.windowStart) + a.windowSeconds <= b || uint256(b) + a.windowSeconds <= a.windowStart
                );
            }
        }
    }

    function invariant_callSummary() public view {
        console.log("recordWindow", _handler.calls("recordWindow"));
        console.log("recordMisaligned", _handler.calls("recordMisaligned"));
        console.log("recordUnclosed", _handler.calls("recordUnclosed"));
        console.log("recordOtherLength", _handler.calls("recordOtherLength"));
        console.log("recordForeignWorkflow", _handler.calls("recordForeignWorkflow"));
        console.log("recorded", _handler.ghost_recordedCount());
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {IDataLogger} from "../../src/interfaces/IDataLogger.sol";
import {WindowChallenger} from "../../src/WindowChallenger.sol";
import {WindowFixture} from "../utils/WindowFixture.sol";
import {DataLoggerHandler} from "./handlers/DataLoggerHandler.sol";

/// @notice One campaign checks every invariant after every call (`invariant_all`); `invariant_callSummary` only logs
/// what a run did, on one short run of its own.
contract DataLoggerInvariants is WindowFixture {
    DataLoggerHandler internal _handler;

    function setUp() public {
        _setUpKeystone();
        _setUpRegistry();
        WindowChallenger challenger = new WindowChallenger(_logger, _registry);
        vm.prank(_admin);
        _logger.setChallenger(address(challenger));
        _certifyP256("SOLR_0001", 0x5011A2);
        _certifyP256("WIND_0002", 0x3140D);
        _handler = new DataLoggerHandler(_forwarder, _logger, _registry, challenger);
        // Half of the starts the handler uses have closed; `advance` closes the rest as the run goes.
        vm.warp(WINDOW_START + _handler.STARTS() * WINDOW_SECONDS / 2);
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = DataLoggerHandler.commit.selector;
        selectors[1] = DataLoggerHandler.record.selector;
        selectors[2] = DataLoggerHandler.replay.selector;
        selectors[3] = DataLoggerHandler.advance.selector;
        selectors[4] = DataLoggerHandler.challengeHonest.selector;
        selectors[5] = DataLoggerHandler.challengeLie.selector;
        selectors[6] = DataLoggerHandler.correct.selector;
        targetSelector(FuzzSelector(address(_handler), selectors));
        targetContract(address(_handler));
    }

    /// @notice Every invariant, after every call.
    function invariant_all() public view {
        _everyOutcomeAsTheRulesSay();
        _recordsEqualGhost();
        _frozenSummaryNeverProvable();
        _honestWindowNeverFrozen();
    }

    /// forge-config: default.invariant.runs = 1
    /// forge-config: ci.invariant.runs = 1
    function invariant_callSummary() public view {
        console.log("commit", _handler.calls("commit"));
        console.log("record", _handler.calls("record"));
        console.log("replay", _handler.calls("replay"));
        console.log("advance", _handler.calls("advance"));
        console.log("challengeHonest", _handler.calls("challengeHonest"));
        console.log("challengeLie", _handler.calls("challengeLie"));
        console.log("correct", _handler.calls("correct"));
        console.log("touched", _handler.ghost_touchedCount());
        console.log("recorded", _handler.ghost_recordedCount());
        console.log("honest recorded", _handler.ghost_honestCount());
        console.log("lies proven", _handler.ghost_provenCount());
    }

    /// @notice Every delivery did what the rules say (accepted or refused), every planted lie froze with its reason
    /// when proven, and no challenge of an honest summary or honest totals froze anything.
    function _everyOutcomeAsTheRulesSay() internal view {
        assertEq(_handler.ghost_unexpectedOutcomes(), 0, "unexpected outcome");
        assertEq(_handler.ghost_liesNotFrozen(), 0, "lie not frozen");
        assertEq(_handler.ghost_honestFrozen(), 0, "honest summary or totals challenged successfully");
    }

    /// @notice Over every touched start: no overlap (a recorded start is aligned to the fixed length, no start is
    /// recorded twice), no double commit or record (the forwarder saw at most one accepted of each), and the logger's
    /// commitment and record equal the ghost's, field by field.
    function _recordsEqualGhost() internal view {
        (uint64[] memory starts, DataLoggerHandler.Ghost[] memory gs) = _handler.ghosts();
        for (uint256 i; i < starts.length; ++i) {
            uint64 start = starts[i];
            DataLoggerHandler.Ghost memory g = gs[i];
            assertLe(g.commitsAccepted, 1, "committed twice");
            assertLe(g.recordsAccepted, 1, "recorded twice");
            (bytes32 digest, uint64 commitBlock) = _logger.getCommitment(start);
            assertEq(_logger.isCommitted(start), g.committed, "committed");
            assertEq(digest, g.cidDigest, "commit digest");
            assertEq(commitBlock, g.commitBlock, "commit block");
            assertEq(_logger.isRecorded(start), g.recorded, "recorded");
            if (!g.recorded) continue;
            assertEq(start % WINDOW_SECONDS, 0, "misaligned record");
            IDataLogger.WindowRecord memory w = _logger.getWindow(start);
            assertEq(w.root, g.root, "root");
            assertEq(w.cidDigest, g.cidDigest, "digest");
            assertEq(w.windowStart, start, "start");
            assertEq(w.windowSeconds, WINDOW_SECONDS, "length");
            assertEq(w.deviceCount, g.deviceCount, "deviceCount");
            assertEq(w.readingCount, g.readingCount, "readingCount");
            assertEq(w.energyWh, g.energyWh, "energyWh");
            assertEq(w.recordedAt, g.recordedAt, "recordedAt");
            assertLe(uint256(start) + WINDOW_SECONDS, w.recordedAt, "recorded before its end");
        }
        uint64[] memory recorded = _handler.recordedStarts();
        for (uint256 i; i < recorded.length; ++i) {
            for (uint256 j = i + 1; j < recorded.length; ++j) {
                assertNotEq(recorded[i], recorded[j], "recorded twice");
            }
        }
    }

    /// @notice A frozen device summary is never provable (verifyDeviceSummary reverts); a corrected one only under
    /// its corrected leaf; the other device, and the totals unless they are the lie, stay as they were.
    function _frozenSummaryNeverProvable() internal view {
        uint64[] memory proven = _handler.provenStarts();
        for (uint256 i; i < proven.length; ++i) {
            uint64 start = proven[i];
            (IDataLogger.DeviceSummary memory wind, bytes32[] memory proof) = _handler.summaryOf(start, 1);
            uint8 reason = _handler.ghost_windFrozenReason(start);
            bytes32 correction = _handler.ghost_windCorrection(start);
            assertEq(_logger.deviceFrozenReason(start, wind.deviceId), reason, "frozen reason");
            assertEq(_logger.correctionOf(start, wind.deviceId), correction, "correction");
            assertEq(_logger.totalsFrozenReason(start), _handler.ghost_totalsFrozenReason(start), "totals reason");
            if (reason != 0) {
                try _logger.verifyDeviceSummary(start, wind, proof) returns (bool) {
                    assertTrue(false, "frozen summary provable");
                } catch {}
            } else if (correction != bytes32(0)) {
                assertFalse(_logger.verifyDeviceSummary(start, wind, proof), "replaced summary provable");
                assertTrue(
                    _logger.verifyDeviceSummary(start, _handler.correctedOf(start), new bytes32[](0)),
                    "corrected summary not provable"
                );
            } else {
                // The lie was the totals: both summaries are honest and stay provable.
                assertTrue(_logger.verifyDeviceSummary(start, wind, proof), "honest WIND of wrong totals");
            }
            (IDataLogger.DeviceSummary memory solar, bytes32[] memory solarProof) = _handler.summaryOf(start, 0);
            assertEq(_logger.deviceFrozenReason(start, solar.deviceId), 0, "other device frozen");
            assertTrue(_logger.verifyDeviceSummary(start, solar, solarProof), "other device not provable");
        }
    }

    /// @notice An honest window is never frozen, by any challenge: both summaries provable, totals standing.
    function _honestWindowNeverFrozen() internal view {
        uint64[] memory honest = _handler.honestStarts();
        for (uint256 i; i < honest.length; ++i) {
            uint64 start = honest[i];
            for (uint256 d; d < 2; ++d) {
                (IDataLogger.DeviceSummary memory s, bytes32[] memory proof) = _handler.summaryOf(start, d);
                assertEq(_logger.deviceFrozenReason(start, s.deviceId), 0, "honest device frozen");
                assertTrue(_logger.verifyDeviceSummary(start, s, proof), "honest summary not provable");
            }
            assertEq(_logger.totalsFrozenReason(start), 0, "honest totals frozen");
        }
    }
}

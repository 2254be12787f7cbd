// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {KeystoneForwarder} from "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol";
import {IDataLogger} from "../src/interfaces/IDataLogger.sol";
import {IDeviceRegistry} from "../src/interfaces/IDeviceRegistry.sol";
import {IWindowChallenger} from "../src/interfaces/IWindowChallenger.sol";
import {WindowChallenger} from "../src/WindowChallenger.sol";
import {MerkleBuilder} from "./utils/MerkleBuilder.sol";
import {WindowFixture} from "./utils/WindowFixture.sol";

contract WindowChallengerTest is WindowFixture {
    bytes9 internal constant SOLAR = "SOLR_0001";
    bytes9 internal constant WIND = "WIND_0002";
    bytes9 internal constant HYDRO = "HYDR_0003";
    uint256 internal constant SOLAR_KEY = 0x5011A2;
    uint256 internal constant WIND_KEY = 0x3140D;
    uint256 internal constant FORGER_KEY = 0xF0463;
    uint64 internal constant NEXT_START = WINDOW_START + WINDOW_SECONDS;

    WindowChallenger internal _challenger;
    address internal _prover = makeAddr("prover");

    function setUp() public {
        _setUpKeystone();
        _setUpRegistry();
        _challenger = new WindowChallenger(_logger, _registry);
        vm.prank(_admin);
        _logger.setChallenger(address(_challenger));
        _certifyP256(SOLAR, SOLAR_KEY);
        _certifyP256(WIND, WIND_KEY);
        _certifyEd25519(HYDRO);
    }

    /*//////////////////////////////////////////////////////////////
                                 WINDOWS
    //////////////////////////////////////////////////////////////*/

    /// @notice SOLAR (d 0): 3 honest readings; WIND (d 1): counter 21 forged (signed by another key); HYDRO (d 2):
    /// Ed25519.
    function _plantForgedWindow() internal {
        ReadingSpec[] memory solar = new ReadingSpec[](3);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = _spec(11, 60, 1010, SOLAR_KEY);
        solar[2] = _spec(12, 120, 1020, SOLAR_KEY);
        _addDevice(SOLAR, solar);
        ReadingSpec[] memory wind = new ReadingSpec[](2);
        wind[0] = _spec(20, 30, 500, WIND_KEY);
        wind[1] = _spec(21, 90, 600, FORGER_KEY);
        _addDevice(WIND, wind);
        ReadingSpec[] memory hydro = new ReadingSpec[](1);
        hydro[0] = _spec(7, 10, 70, 0);
        _addDevice(HYDRO, hydro);
        _recordWindow();
    }

    /// @notice An honest window at the current `_windowStart`: SOLAR 3 readings, WIND 2, HYDRO (Ed25519) 1, energies
    /// from `base` up.
    function _plantHonestWindow(uint64 base, uint64 firstCounter) internal {
        ReadingSpec[] memory solar = new ReadingSpec[](3);
        solar[0] = _spec(firstCounter, 0, base, SOLAR_KEY);
        solar[1] = _spec(firstCounter + 1, 60, base + 10, SOLAR_KEY);
        solar[2] = _spec(firstCounter + 2, 120, base + 20, SOLAR_KEY);
        _addDevice(SOLAR, solar);
        ReadingSpec[] memory wind = new ReadingSpec[](2);
        wind[0] = _spec(firstCounter, 30, base, WIND_KEY);
        wind[1] = _spec(firstCounter + 1, 90, base + 100, WIND_KEY);
        _addDevice(WIND, wind);
        ReadingSpec[] memory hydro = new ReadingSpec[](1);
        hydro[0] = _spec(firstCounter, 10, base, 0);
        _addDevice(HYDRO, hydro);
        _recordWindow();
    }

    function _solarOnly(ReadingSpec[] memory solar) internal returns (uint256 d) {
        d = _addDevice(SOLAR, solar);
        _recordWindow();
    }

    function _inclusion(uint256 d, uint256 i) internal view returns (IWindowChallenger.ReadingInclusion memory) {
        return IWindowChallenger.ReadingInclusion(_signed[d][i], _readingProofs[d][i]);
    }

    function _device(uint256 d) internal view returns (IWindowChallenger.SummaryInclusion memory) {
        return IWindowChallenger.SummaryInclusion(_summaries[d], _summaryProofs[d]);
    }

    /// @notice The window's summaries in ascending device order, as challengeTotals takes them.
    function _ascending() internal view returns (IWindowChallenger.SummaryInclusion[] memory all) {
        uint256 n = _summaries.length;
        all = new IWindowChallenger.SummaryInclusion[](n);
        for (uint256 d; d < n; ++d) {
            all[d] = _device(d);
        }
        for (uint256 i = 1; i < n; ++i) {
            for (uint256 j = i; j > 0 && all[j - 1].summary.deviceId > all[j].summary.deviceId; --j) {
                (all[j - 1], all[j]) = (all[j], all[j - 1]);
            }
        }
    }

    function _slice(IWindowChallenger.SummaryInclusion[] memory all, uint256 from, uint256 to)
        internal
        pure
        returns (IWindowChallenger.SummaryInclusion[] memory part)
    {
        part = new IWindowChallenger.SummaryInclusion[](to - from);
        for (uint256 i = from; i < to; ++i) {
            part[i - from] = all[i];
        }
    }

    /// @notice Every reading of device `d`, ordered for a complete multiproof, and its flags.
    function _completeBatch(uint256 d) internal view returns (bytes[] memory readings, bool[] memory flags) {
        uint256 n = _signed[d].length;
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            leaves[i] = _leaf(_signed[d][i]);
        }
        bytes32[] memory ordered;
        (ordered, flags) = MerkleBuilder.completeMultiproof(leaves);
        readings = new bytes[](n);
        for (uint256 k; k < n; ++k) {
            for (uint256 i; i < n; ++i) {
                if (leaves[i] == ordered[k]) readings[k] = _signed[d][i];
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                              CHALLENGE CALLS
    //////////////////////////////////////////////////////////////*/

    function _challengeSignature(uint256 d, uint256 i) internal {
        vm.prank(_prover);
        _challenger.challengeSignature(_windowStart, _inclusion(d, i), _device(d));
    }

    function _challengeReading(uint256 d, uint256 i) internal {
        vm.prank(_prover);
        _challenger.challengeReading(_windowStart, _inclusion(d, i), _device(d));
    }

    function _challengePair(uint256 d, uint256 i, uint256 j) internal {
        vm.prank(_prover);
        _challenger.challengeReadingPair(_windowStart, _inclusion(d, i), _inclusion(d, j), _device(d));
    }

    function _challengeSummary(uint256 d) internal {
        vm.prank(_prover);
        _challenger.challengeSummary(_windowStart, _device(d));
    }

    function _challengeBatch(uint256 d) internal {
        (bytes[] memory readings, bool[] memory flags) = _completeBatch(d);
        vm.prank(_prover);
        _challenger.challengeBatch(_windowStart, _device(d), readings, flags);
    }

    function _challengeBaseline(uint256 d, bytes memory baseline) internal {
        vm.prank(_prover);
        _challenger.challengeBaseline(_windowStart, _device(d), baseline);
    }

    function _challengeDuplicate(uint256 a, uint256 b) internal {
        vm.prank(_prover);
        _challenger.challengeDuplicateDevice(_windowStart, _device(a), _device(b));
    }

    function _challengeTotals(IWindowChallenger.SummaryInclusion[] memory summaries) internal returns (bool) {
        vm.prank(_prover);
        return _challenger.challengeTotals(_windowStart, summaries);
    }

    /*//////////////////////////////////////////////////////////////
                               EXPECTATIONS
    //////////////////////////////////////////////////////////////*/

    function _expectFrozen(uint256 d, uint8 reason, bytes32 evidence) internal {
        vm.expectEmit(true, true, true, true, address(_logger));
        emit IDataLogger.DeviceFrozen(_windowStart, _deviceIds[d], reason, _prover, evidence);
    }

    function _expectRejected(bytes32 leaf, uint8 reason) internal {
        _expectRejectedAt(_windowStart, leaf, reason);
    }

    function _expectRejectedAt(uint64 start, bytes32 leaf, uint8 reason) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IWindowChallenger.WindowChallengerChallengeRejected.selector, start, leaf, reason)
        );
    }

    function _expectDeviceFrozenRevert(uint64 start, bytes9 deviceId, uint8 reason) internal {
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerDeviceFrozen.selector, start, deviceId, reason));
    }

    function _assertNothingFrozen() internal view {
        for (uint256 d; d < _deviceIds.length; ++d) {
            assertEq(_logger.deviceFrozenReason(_windowStart, _deviceIds[d]), 0);
        }
        assertEq(_logger.totalsFrozenReason(_windowStart), 0);
    }

    function _assertProvable(uint256 d) internal view {
        assertTrue(_logger.verifyDeviceSummary(_windowStart, _summaries[d], _summaryProofs[d]));
        for (uint256 i; i < _signed[d].length; ++i) {
            assertTrue(
                _logger.verifyReading(
                    _windowStart, _signed[d][i], _readingProofs[d][i], _summaries[d], _summaryProofs[d]
                )
            );
        }
    }

    function _assertOnlyFrozen(uint256 frozen, uint8 reason) internal view {
        for (uint256 d; d < _deviceIds.length; ++d) {
            if (d == frozen) {
                assertEq(_logger.deviceFrozenReason(_windowStart, _deviceIds[d]), reason);
            } else {
                assertEq(_logger.deviceFrozenReason(_windowStart, _deviceIds[d]), 0);
                _assertProvable(d);
            }
        }
        assertEq(_logger.totalsFrozenReason(_windowStart), 0);
    }

    /*//////////////////////////////////////////////////////////////
                     SIGNATURE CHALLENGES (REASONS 1, 6)
    //////////////////////////////////////////////////////////////*/

    function test_challengeSignature_freezesOnlyTheForgedDevice() public {
        _plantForgedWindow();
        // The forged reading is genuinely inside the anchored window.
        assertTrue(
            _logger.verifyReading(WINDOW_START, _signed[1][1], _readingProofs[1][1], _summaries[1], _summaryProofs[1])
        );
        IDataLogger.WindowRecord memory before = _logger.getWindow(WINDOW_START);

        _expectFrozen(1, _challenger.REASON_INVALID_SIGNATURE(), _leaf(_signed[1][1]));
        _challengeSignature(1, 1);
        vm.snapshotGasLastCall("WindowChallenger", "challengeSignature");

        assertEq(_logger.deviceFrozenReason(WINDOW_START, WIND), 1);
        // Still readable, unchanged.
        assertEq(abi.encode(_logger.getWindow(WINDOW_START)), abi.encode(before));
        // No proof can rest on the frozen device any more, not even of its honest reading.
        _expectDeviceFrozenRevert(WINDOW_START, WIND, 1);
        _logger.verifyReading(WINDOW_START, _signed[1][0], _readingProofs[1][0], _summaries[1], _summaryProofs[1]);
        _expectDeviceFrozenRevert(WINDOW_START, WIND, 1);
        _logger.verifyDeviceSummary(WINDOW_START, _summaries[1], _summaryProofs[1]);
        // The other devices stay provable.
        _assertOnlyFrozen(1, 1);
    }

    function test_challengeSignature_highSCountsAsInvalid() public {
        ReadingSpec[] memory solar = new ReadingSpec[](2);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = ReadingSpec(11, WINDOW_START + 60, 1010, SOLAR_KEY, true);
        _solarOnly(solar);
        _expectFrozen(0, 1, _leaf(_signed[0][1]));
        _challengeSignature(0, 1);
        assertEq(_logger.deviceFrozenReason(WINDOW_START, SOLAR), 1);
    }

    function test_RevertWhen_challengeSignatureOfHonestReading() public {
        _plantForgedWindow();
        for (uint256 i; i < 3; ++i) {
            _expectRejected(_leaf(_signed[0][i]), 1);
            _challengeSignature(0, i);
        }
        _expectRejected(_leaf(_signed[1][0]), 1);
        _challengeSignature(1, 0);
        _assertNothingFrozen();
        _assertProvable(0);
    }

    /// @notice Why 2: the decision is that the DON verifies every Ed25519 signature in full (never sampled), so there
    /// is nothing left to prove on chain and the challenge names the key type instead of pretending.
    function test_Why2_challengeSignatureOfEd25519DeviceRevertsUnsupportedKeyType() public {
        _plantForgedWindow();
        vm.expectRevert(
            abi.encodeWithSelector(IWindowChallenger.WindowChallengerUnsupportedKeyType.selector, HYDRO, uint8(2))
        );
        _challengeSignature(2, 0);
        _assertNothingFrozen();
    }

    function test_challengeSignature_freezesForUnregisteredDevice() public {
        bytes9 ghost = "GHST_0009";
        ReadingSpec[] memory readings = new ReadingSpec[](1);
        readings[0] = _spec(1, 0, 1, FORGER_KEY);
        _addDevice(ghost, readings);
        _recordWindow();
        _expectFrozen(0, _challenger.REASON_DEVICE_NOT_REGISTERED(), _leaf(_signed[0][0]));
        _challengeSignature(0, 0);
        assertEq(_logger.deviceFrozenReason(WINDOW_START, ghost), 6);
    }

    function test_challengeSignature_freezesForDeviceCertifiedAfterRecording() public {
        bytes9 late = "AGRI_0010";
        uint256 lateKey = 0x1A7E;
        ReadingSpec[] memory readings = new ReadingSpec[](1);
        readings[0] = _spec(1, 0, 1, lateKey);
        _addDevice(late, readings);
        _recordWindow();
        // Certified one second after the window was recorded: the DON could not have known its key.
        vm.warp(block.timestamp + 1);
        _certifyP256(late, lateKey);
        _expectFrozen(0, 6, _leaf(_signed[0][0]));
        _challengeSignature(0, 0);
    }

    /*//////////////////////////////////////////////////////////////
                              COMMON REVERTS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_challengeUnknownWindow() public {
        _plantForgedWindow();
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerUnknownWindow.selector, NEXT_START));
        _challenger.challengeSignature(NEXT_START, _inclusion(1, 1), _device(1));
    }

    function test_RevertWhen_deviceAlreadyFrozen() public {
        _plantForgedWindow();
        _challengeSignature(1, 1);
        _expectDeviceFrozenRevert(WINDOW_START, WIND, 1);
        _challengeSignature(1, 1);
        assertEq(_logger.deviceFrozenReason(WINDOW_START, WIND), 1);
    }

    function test_RevertWhen_readingNotInWindow() public {
        _plantForgedWindow();
        // A forged reading that was never sealed into the window: its proof of another leaf does not carry it.
        bytes memory outsider = _signed107(WIND, _spec(22, 100, 700, FORGER_KEY));
        vm.expectRevert(
            abi.encodeWithSelector(
                IWindowChallenger.WindowChallengerNotInWindow.selector, WINDOW_START, _leaf(outsider)
            )
        );
        _challenger.challengeSignature(
            WINDOW_START, IWindowChallenger.ReadingInclusion(outsider, _readingProofs[1][1]), _device(1)
        );
        _assertNothingFrozen();
    }

    function test_RevertWhen_readingOfAnotherDeviceThanSummary() public {
        _plantForgedWindow();
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerDeviceMismatch.selector, WIND, SOLAR));
        _challenger.challengeSignature(WINDOW_START, _inclusion(1, 1), _device(0));
    }

    /*//////////////////////////////////////////////////////////////
                    READING CHALLENGES (REASONS 2, 3, 8)
    //////////////////////////////////////////////////////////////*/

    function _plantTimestamps(uint64 first, uint64 second) internal {
        ReadingSpec[] memory solar = new ReadingSpec[](2);
        solar[0] = ReadingSpec(10, first, 1000, SOLAR_KEY, false);
        solar[1] = ReadingSpec(11, second, 1010, SOLAR_KEY, false);
        _solarOnly(solar);
    }

    function test_challengeReading_freezesForTimestampBeforeWindow() public {
        _plantTimestamps(WINDOW_START - 1, WINDOW_START + 5);
        _expectFrozen(0, _challenger.REASON_TIMESTAMP_OUTSIDE_WINDOW(), _leaf(_signed[0][0]));
        _challengeReading(0, 0);
        vm.snapshotGasLastCall("WindowChallenger", "challengeReading");
        assertEq(_logger.deviceFrozenReason(WINDOW_START, SOLAR), 2);
    }

    function test_challengeReading_freezesForTimestampAtWindowEnd() public {
        _plantTimestamps(WINDOW_START, WINDOW_START + WINDOW_SECONDS);
        // The first second is inside: rejected.
        _expectRejected(_leaf(_signed[0][0]), 0);
        _challengeReading(0, 0);
        // The end is exclusive: proven.
        _expectFrozen(0, 2, _leaf(_signed[0][1]));
        _challengeReading(0, 1);
    }

    function test_challengeReading_freezesForCounterOutsideSummary() public {
        // Listed 10, 15, 12: the summary says counters 10..12, yet counter 15 is in the batch.
        ReadingSpec[] memory solar = new ReadingSpec[](3);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = _spec(15, 60, 1010, SOLAR_KEY);
        solar[2] = _spec(12, 120, 1020, SOLAR_KEY);
        _solarOnly(solar);
        _expectRejected(_leaf(_signed[0][2]), 0);
        _challengeReading(0, 2);
        _expectFrozen(0, _challenger.REASON_COUNTER_OUTSIDE_SUMMARY(), _leaf(_signed[0][1]));
        _challengeReading(0, 1);
    }

    function _threeSolarReadings() internal view returns (ReadingSpec[] memory solar) {
        solar = new ReadingSpec[](3);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = _spec(11, 60, 1010, SOLAR_KEY);
        solar[2] = _spec(12, 120, 1020, SOLAR_KEY);
    }

    /// @notice Why 5: the summary claims more energy than its last reading carries (energyEndWh 1100, last 1020).
    function test_Why5_challengeReading_freezesWhenLastReadingIsNotEnergyEnd() public {
        uint256 d = _addDevice(SOLAR, _threeSolarReadings());
        _summaries[d].energyEndWh = 1100;
        _recordWindow();
        // The readings before the last are inside [start, end]: nothing to prove with them.
        _expectRejected(_leaf(_signed[0][1]), 0);
        _challengeReading(0, 1);
        _expectFrozen(0, _challenger.REASON_ENERGY_OUTSIDE_SUMMARY(), _leaf(_signed[0][2]));
        _challengeReading(0, 2);
        assertEq(_logger.deviceFrozenReason(WINDOW_START, SOLAR), 8);
    }

    function test_challengeReading_freezesForEnergyOutsideSummaryRange() public {
        // Middle reading above energyEndWh.
        ReadingSpec[] memory solar = _threeSolarReadings();
        solar[1].energyWh = 1030;
        _solarOnly(solar);
        _expectFrozen(0, 8, _leaf(_signed[0][1]));
        _challengeReading(0, 1);
    }

    function test_challengeReading_freezesWhenFirstReadingIsNotEnergyStartWithoutBaseline() public {
        uint256 d = _addDevice(SOLAR, _threeSolarReadings());
        _summaries[d].energyStartWh = 900;
        _recordWindow();
        _expectFrozen(0, 8, _leaf(_signed[0][0]));
        _challengeReading(0, 0);
    }

    function test_RevertWhen_challengeReadingOfHonestReading() public {
        _plantForgedWindow();
        for (uint256 i; i < 3; ++i) {
            _expectRejected(_leaf(_signed[0][i]), 0);
            _challengeReading(0, i);
        }
        _assertNothingFrozen();
    }

    /*//////////////////////////////////////////////////////////////
                 READINGS AFTER REVOCATION (REASON 16)
    //////////////////////////////////////////////////////////////*/

    /// @notice SOLAR is revoked 60 s into a window that closes and is recorded afterwards, with SOLAR's readings at
    /// 0, 59, 60 and 120 s (an honest DON leaves the last two out). The reading at 59 s counts (rejected challenge),
    /// the one at exactly revokedAt does not (frozen, reason 16); WIND, never revoked, stays provable.
    function _plantRevokedMidWindow() internal returns (uint64 start, uint64 revokedAt) {
        start = uint64(block.timestamp) + WINDOW_SECONDS - uint64(block.timestamp) % WINDOW_SECONDS;
        revokedAt = start + 60;
        _startWindow(start);
        ReadingSpec[] memory solar = new ReadingSpec[](4);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = _spec(11, 59, 1010, SOLAR_KEY);
        solar[2] = _spec(12, 60, 1020, SOLAR_KEY);
        solar[3] = _spec(13, 120, 1030, SOLAR_KEY);
        _addDevice(SOLAR, solar);
        ReadingSpec[] memory wind = new ReadingSpec[](2);
        wind[0] = _spec(20, 30, 500, WIND_KEY);
        wind[1] = _spec(21, 90, 600, WIND_KEY);
        _addDevice(WIND, wind);
        vm.warp(revokedAt);
        _revoke(SOLAR);
        vm.warp(start + 3600);
        _recordWindow();
    }

    function test_challengeReading_freezesReadingAtOrAfterRevocation() public {
        (uint64 start, uint64 revokedAt) = _plantRevokedMidWindow();
        assertEq(_registry.getDevice(SOLAR).revokedAt, revokedAt);
        // Timestamped one second before the revocation: a valid reading, nothing to prove.
        _expectRejectedAt(start, _leaf(_signed[0][1]), 0);
        _challengeReading(0, 1);
        _assertNothingFrozen();
        // Timestamped at revokedAt exactly: the device no longer counts.
        _expectFrozen(0, _challenger.REASON_READING_AFTER_REVOCATION(), _leaf(_signed[0][2]));
        _challengeReading(0, 2);
        vm.snapshotGasLastCall("WindowChallenger", "challengeReading (reason 16)");
        _assertOnlyFrozen(0, 16);
        _expectDeviceFrozenRevert(start, SOLAR, 16);
        _challengeReading(0, 3);
    }

    function test_RevertWhen_challengeReadingBeforeRevocation() public {
        (uint64 start,) = _plantRevokedMidWindow();
        for (uint256 i; i < 2; ++i) {
            _expectRejectedAt(start, _leaf(_signed[0][i]), 0);
            _challengeReading(0, i);
        }
        // WIND was never revoked: its readings prove nothing either.
        for (uint256 i; i < 2; ++i) {
            _expectRejectedAt(start, _leaf(_signed[1][i]), 0);
            _challengeReading(1, i);
        }
        _assertNothingFrozen();
    }

    /// @notice A revocation after the window was recorded cannot reach back: every reading of the window is
    /// timestamped before it.
    function test_RevertWhen_revocationComesAfterTheWindow() public {
        _plantForgedWindow();
        vm.warp(block.timestamp + 1);
        _revoke(SOLAR);
        for (uint256 i; i < 3; ++i) {
            _expectRejected(_leaf(_signed[0][i]), 0);
            _challengeReading(0, i);
        }
        _assertNothingFrozen();
    }

    /*//////////////////////////////////////////////////////////////
                    INVALID READINGS (REASON 15)
    //////////////////////////////////////////////////////////////*/

    function _withByte(bytes memory b, uint256 at, bytes1 value) internal pure returns (bytes memory out) {
        out = bytes.concat(b);
        out[at] = value;
    }

    /// @notice SOLAR's batch at the window under construction: an honest reading (counter 10) and `second`, listed as
    /// counters 10..11, 1000 → 1000 Wh; recorded.
    function _plantSolarWith(bytes memory second) internal returns (uint256 d) {
        bytes[] memory signed = new bytes[](2);
        signed[0] = _signed107(SOLAR, _spec(10, 0, 1000, SOLAR_KEY));
        signed[1] = second;
        d = _addSignedDevice(SOLAR, signed);
        (_summaries[d].firstCounter, _summaries[d].lastCounter) = (10, 11);
        (_summaries[d].energyStartWh, _summaries[d].energyEndWh) = (1000, 1000);
        _recordWindow();
    }

    /// @notice Bytes in a readings tree that are no valid v1 signed reading (106 bytes, version 2, a device id that is
    /// not XXXX_ZZZZ, status 9), each in its own window: the leaf is proven in the readingsRoot without decoding, the
    /// decode fails, the device freezes with reason 15. The honest reading beside it proves nothing.
    function test_challengeReading_freezesMalformedReading() public {
        bytes[4] memory bad;
        for (uint64 k; k < bad.length; ++k) {
            _startWindow(WINDOW_START + k * WINDOW_SECONDS);
            bytes memory good = _signed107(SOLAR, _spec(11, 60, 1000, SOLAR_KEY));
            if (k == 0) bad[k] = _truncate(good, 106);
            if (k == 1) bad[k] = _withByte(good, 0, 0x02);
            if (k == 2) bad[k] = _withByte(good, 5, "X");
            if (k == 3) bad[k] = _withByte(good, 42, 0x09);
            uint256 d = _plantSolarWith(bad[k]);
            // The logger's verifyReading decodes, and refuses the bytes: the reason-15 proof cannot go through it.
            vm.expectRevert();
            _logger.verifyReading(_windowStart, bad[k], _readingProofs[d][1], _summaries[d], _summaryProofs[d]);
            _expectRejected(_leaf(_signed[d][0]), 0);
            _challengeReading(d, 0);
            _expectFrozen(d, _challenger.REASON_READING_INVALID(), _leaf(bad[k]));
            _challengeReading(d, 1);
            assertEq(_logger.deviceFrozenReason(_windowStart, SOLAR), 15);
        }
    }

    /// @notice A valid, correctly signed WIND reading inside SOLAR's readingsRoot: challengeSignature cannot prove it
    /// (verifyReading refuses the device mismatch), challengeReading freezes SOLAR with reason 15.
    function test_challengeReading_freezesReadingOfAnotherDevice() public {
        bytes memory windReading = _signed107(WIND, _spec(11, 60, 1000, WIND_KEY));
        uint256 d = _plantSolarWith(windReading);
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerDeviceMismatch.selector, WIND, SOLAR));
        _challengeSignature(d, 1);
        _expectFrozen(d, 15, _leaf(windReading));
        _challengeReading(d, 1);
        vm.snapshotGasLastCall("WindowChallenger", "challengeReading (reason 15)");
        assertEq(_logger.deviceFrozenReason(WINDOW_START, SOLAR), 15);
    }

    function test_RevertWhen_challengeReadingValidReadingOfTheDevice() public {
        // Both readings are valid v1 readings of SOLAR (the second one idle): nothing for reason 15 (or 2, 3, 8).
        uint256 d = _plantSolarWith(_signed107(SOLAR, _spec(11, 60, 1000, SOLAR_KEY)));
        for (uint256 i; i < 2; ++i) {
            _expectRejected(_leaf(_signed[d][i]), 0);
            _challengeReading(d, i);
        }
        _assertNothingFrozen();
    }

    function _truncate(bytes memory b, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i; i < length; ++i) {
            out[i] = b[i];
        }
    }

    /*//////////////////////////////////////////////////////////////
                  READING PAIR CHALLENGES (REASONS 4, 5, 9)
    //////////////////////////////////////////////////////////////*/

    function test_challengeReadingPair_freezesForRepeatedCounter() public {
        ReadingSpec[] memory solar = _threeSolarReadings();
        solar[2] = _spec(11, 61, 1011, SOLAR_KEY); // a replayed counter with other content
        _solarOnly(solar);
        _expectFrozen(0, _challenger.REASON_REPEATED_COUNTER(), _leaf(_signed[0][2]));
        _challengePair(0, 1, 2);
        vm.snapshotGasLastCall("WindowChallenger", "challengeReadingPair");
    }

    function test_challengeReadingPair_freezesForFallingEnergy() public {
        ReadingSpec[] memory solar = _threeSolarReadings();
        solar[1].energyWh = 990;
        _solarOnly(solar);
        // Either order proves it.
        _expectFrozen(0, _challenger.REASON_ENERGY_DECREASED(), _leaf(_signed[0][0]));
        _challengePair(0, 1, 0);
    }

    /// @notice Three readings plus a copy of the one with the given rank among their leaves (0 smallest, 2 largest).
    function _plantDuplicateOfRank(uint256 rank) internal returns (uint256 copy) {
        ReadingSpec[] memory solar = _threeSolarReadings();
        bytes[] memory signed = new bytes[](4);
        for (uint256 i; i < 3; ++i) {
            signed[i] = _signed107(SOLAR, solar[i]);
        }
        for (uint256 i; i < 3; ++i) {
            uint256 below;
            for (uint256 k; k < 3; ++k) {
                if (_leaf(signed[k]) < _leaf(signed[i])) ++below;
            }
            if (below == rank) copy = i;
        }
        signed[3] = signed[copy];
        uint256 d = _addSignedDevice(SOLAR, signed);
        // The sealer's summary: counters 10..12, 1000 → 1020, four readings listed.
        _summaries[d].firstCounter = 10;
        _summaries[d].lastCounter = 12;
        _summaries[d].energyStartWh = 1000;
        _summaries[d].energyEndWh = 1020;
        _recordWindow();
    }

    /// @notice Why 5: one reading leaf twice in a readings tree (built from a leaves array holding it twice): both of
    /// its places verify, with different proofs.
    function test_Why5_challengeReadingPair_freezesDuplicateLeaf() public {
        // The middle leaf sorts between the others, so its two copies are not siblings.
        uint256 copy = _plantDuplicateOfRank(1);
        assertEq(_signed[0][copy], _signed[0][3]);
        assertNotEq(keccak256(abi.encode(_readingProofs[0][copy])), keccak256(abi.encode(_readingProofs[0][3])));
        _expectFrozen(0, _challenger.REASON_DUPLICATE_READING(), _leaf(_signed[0][3]));
        _challengePair(0, copy, 3);
        assertEq(_logger.deviceFrozenReason(WINDOW_START, SOLAR), 9);
    }

    /// @notice A duplicate that sorts first has its copy as its sibling: both places have the same path, yet the
    /// proof itself shows the duplicate (a leaf whose sibling is itself exists only in a tree holding it twice).
    function test_challengeReadingPair_freezesDuplicateLeafWhoseCopyIsItsSibling() public {
        uint256 copy = _plantDuplicateOfRank(0);
        assertEq(_readingProofs[0][copy][0], _leaf(_signed[0][copy]));
        _expectFrozen(0, 9, _leaf(_signed[0][3]));
        _challengePair(0, copy, 3);
    }

    function test_RevertWhen_challengeReadingPairHonest() public {
        ReadingSpec[] memory solar = _threeSolarReadings();
        solar[1].energyWh = 1000; // idle meter: equal energy is allowed
        _solarOnly(solar);
        uint256[2][4] memory pairs = [[uint256(0), 1], [uint256(1), 0], [uint256(0), 2], [uint256(2), 1]];
        for (uint256 p; p < pairs.length; ++p) {
            _expectRejected(_leaf(_signed[0][pairs[p][1]]), 0);
            _challengePair(0, pairs[p][0], pairs[p][1]);
        }
        vm.expectRevert(
            abi.encodeWithSelector(IWindowChallenger.WindowChallengerSameReading.selector, _leaf(_signed[0][1]))
        );
        _challengePair(0, 1, 1);
        _assertNothingFrozen();
    }

    /*//////////////////////////////////////////////////////////////
                     SUMMARY CHALLENGES (REASONS 7, 13)
    //////////////////////////////////////////////////////////////*/

    function test_challengeSummary_freezesSelfContradictingSummaries() public {
        // SOLAR: energy start above end; WIND: first counter above last; HYDRO: 3 readings claimed for 2 counters.
        uint256 s = _addDevice(SOLAR, _threeSolarReadings());
        _summaries[s].energyStartWh = 1030;
        ReadingSpec[] memory wind = new ReadingSpec[](2);
        wind[0] = _spec(20, 30, 500, WIND_KEY);
        wind[1] = _spec(21, 90, 600, WIND_KEY);
        uint256 w = _addDevice(WIND, wind);
        (_summaries[w].firstCounter, _summaries[w].lastCounter) = (21, 20);
        ReadingSpec[] memory hydro = new ReadingSpec[](1);
        hydro[0] = _spec(7, 10, 70, 0);
        uint256 h = _addDevice(HYDRO, hydro);
        (_summaries[h].lastCounter, _summaries[h].readingCount) = (8, 3);
        _recordWindowWithTotals(3, 8, 100);

        _expectFrozen(s, _challenger.REASON_SUMMARY_INCONSISTENT(), _summaryLeaf(s));
        _challengeSummary(s);
        vm.snapshotGasLastCall("WindowChallenger", "challengeSummary");
        _expectFrozen(w, 7, _summaryLeaf(w));
        _challengeSummary(w);
        _expectFrozen(h, 7, _summaryLeaf(h));
        _challengeSummary(h);
    }

    function test_RevertWhen_challengeSummaryOfHonestSummary() public {
        _plantHonestWindow(1000, 10);
        for (uint256 d; d < 3; ++d) {
            _expectRejected(_summaryLeaf(d), 7);
            _challengeSummary(d);
        }
        _assertNothingFrozen();
    }

    /// @notice Why 5: the complete readings of a summary give 3 readings and counters 10..12; the summary claims 2.
    function test_Why5_challengeBatch_freezesWrongReadingCount() public {
        uint256 d = _addDevice(SOLAR, _threeSolarReadings());
        _summaries[d].readingCount = 2;
        ReadingSpec[] memory wind = new ReadingSpec[](2);
        wind[0] = _spec(20, 30, 500, WIND_KEY);
        wind[1] = _spec(21, 90, 600, WIND_KEY);
        uint256 w = _addDevice(WIND, wind);
        // The last counter claimed is beyond the last reading, still a consistent range.
        _summaries[w].lastCounter = 25;
        _recordWindow();
        _expectFrozen(d, _challenger.REASON_BATCH_MISMATCH(), _summaryLeaf(d));
        _challengeBatch(d);
        vm.snapshotGasLastCall("WindowChallenger", "challengeBatch");
        _expectFrozen(w, 13, _summaryLeaf(w));
        _challengeBatch(w);
    }

    function test_RevertWhen_challengeBatchIsIncomplete() public {
        _addDevice(SOLAR, _threeSolarReadings());
        _summaries[0].readingCount = 2;
        _recordWindow();
        // Two of three readings cannot rebuild the root without proof hashes.
        (bytes[] memory readings,) = _completeBatch(0);
        bytes[] memory two = new bytes[](2);
        (two[0], two[1]) = (readings[0], readings[1]);
        bool[] memory flags = new bool[](1);
        flags[0] = true;
        vm.expectRevert(abi.encodeWithSelector(IWindowChallenger.WindowChallengerIncompleteBatch.selector, 2));
        vm.prank(_prover);
        _challenger.challengeBatch(WINDOW_START, _device(0), two, flags);
        _assertNothingFrozen();
    }

    function test_RevertWhen_challengeBatchOfHonestSummary() public {
        _plantHonestWindow(1000, 10);
        for (uint256 d; d < 3; ++d) {
            _expectRejected(_summaryLeaf(d), 13);
            _challengeBatch(d);
        }
        _assertNothingFrozen();
    }

    /*//////////////////////////////////////////////////////////////
                 BASELINE AND CONTINUITY (REASONS 10, 11)
    //////////////////////////////////////////////////////////////*/

    /// @notice Window 1: SOLAR rises 100 → 150 Wh from baseline b0 (counter 9, 100 Wh, before the window), readings
    /// 10 (120) and 11 (150). Returns b0, SOLAR's window-1 inclusion and its last reading (window 2's true baseline).
    function _plantWindowOne()
        internal
        returns (bytes memory b0, IWindowChallenger.SummaryInclusion memory one, bytes memory last)
    {
        _startWindow(WINDOW_START);
        b0 = _signed107(SOLAR, ReadingSpec(9, WINDOW_START - 60, 100, SOLAR_KEY, false));
        ReadingSpec[] memory solar = new ReadingSpec[](2);
        solar[0] = _spec(10, 60, 120, SOLAR_KEY);
        solar[1] = _spec(11, 240, 150, SOLAR_KEY);
        uint256 d = _addDevice(SOLAR, solar);
        _setBaseline(d, b0);
        _recordWindow();
        assertEq(_summaries[d].energyStartWh, 100);
        assertEq(_summaries[d].energyEndWh, 150);
        one = _device(d);
        last = _signed[d][1];
    }

    /// @notice Window 2 of SOLAR: readings 12 (165) and 13 (180), with `baseline` as its baseline leaf and `startWh`
    /// as energyStartWh.
    function _plantWindowTwo(bytes memory baseline, uint64 startWh) internal returns (uint256 d) {
        _startWindow(NEXT_START);
        ReadingSpec[] memory solar = new ReadingSpec[](2);
        solar[0] = _spec(12, 60, 165, SOLAR_KEY);
        solar[1] = _spec(13, 240, 180, SOLAR_KEY);
        d = _addDevice(SOLAR, solar);
        _summaries[d].baselineLeaf = _leaf(baseline);
        _summaries[d].energyStartWh = startWh;
        _recordWindow();
    }

    /// @notice Why 1: window 2 reuses window 1's baseline (energyStart 100, end 180), so 80 Wh are recorded for 30 Wh
    /// of meter movement. The stale baseline itself is a genuine reading, so only the two-window rule proves it.
    function test_Why1_challengeContinuity_freezesStaleBaseline() public {
        (bytes memory b0, IWindowChallenger.SummaryInclusion memory one,) = _plantWindowOne();
        uint256 d = _plantWindowTwo(b0, 100);
        assertEq(_logger.getWindow(NEXT_START).energyWh, 80);
        // The baseline rule alone cannot see it: b0 is SOLAR's, before the window, signed, and carries 100 Wh.
        _expectRejected(_leaf(b0), 10);
        _challengeBaseline(d, b0);

        vm.expectEmit(true, true, true, true, address(_logger));
        emit IDataLogger.DeviceFrozen(NEXT_START, SOLAR, 11, _prover, _summaryLeaf(d));
        vm.prank(_prover);
        _challenger.challengeContinuity(WINDOW_START, one, NEXT_START, _device(d));
        vm.snapshotGasLastCall("WindowChallenger", "challengeContinuity");
        assertEq(_logger.deviceFrozenReason(NEXT_START, SOLAR), 11);
        // Window 1 stays provable.
        assertTrue(_logger.verifyDeviceSummary(WINDOW_START, one.summary, one.summaryProof));
    }

    /// @notice Why 1, the baseline rule: a baseline revealed whose energy is not the summary's energyStartWh.
    function test_Why1_challengeBaseline_freezesBaselineWithOtherEnergy() public {
        (,, bytes memory last) = _plantWindowOne();
        // The true baseline (window 1's last reading, 150 Wh), yet energyStartWh 100.
        uint256 d = _plantWindowTwo(last, 100);
        _expectFrozen(d, _challenger.REASON_BASELINE_INVALID(), _leaf(last));
        _challengeBaseline(d, last);
        vm.snapshotGasLastCall("WindowChallenger", "challengeBaseline");
        assertEq(_logger.deviceFrozenReason(NEXT_START, SOLAR), 10);
    }

    /// @notice Why 1, the baseline rule: a baseline of another device.
    function test_Why1_challengeBaseline_freezesBaselineOfAnotherDevice() public {
        _plantWindowOne();
        bytes memory windBaseline = _signed107(WIND, ReadingSpec(11, NEXT_START - 10, 150, WIND_KEY, false));
        uint256 d = _plantWindowTwo(windBaseline, 150);
        _expectFrozen(d, 10, _leaf(windBaseline));
        _challengeBaseline(d, windBaseline);
    }

    function test_challengeBaseline_freezesBaselineAfterWindowStartForgedOrNotBeforeFirstCounter() public {
        _plantWindowOne();
        _startWindow(NEXT_START);
        // Three devices' worth of lies under one id each: inside the window, a forged signature, counter not below.
        bytes[3] memory baselines = [
            _signed107(SOLAR, ReadingSpec(11, NEXT_START, 150, SOLAR_KEY, false)),
            _signed107(WIND, ReadingSpec(11, NEXT_START - 10, 150, FORGER_KEY, false)),
            _signed107("SOLR_0004", ReadingSpec(12, NEXT_START - 10, 150, SOLAR_KEY, false))
        ];
        bytes9 third = "SOLR_0004";
        bytes9[3] memory ids = [SOLAR, WIND, third];
        _certifyP256(ids[2], SOLAR_KEY);
        for (uint256 i; i < 3; ++i) {
            ReadingSpec[] memory readings = new ReadingSpec[](2);
            readings[0] = _spec(12, 60, 165, i == 1 ? WIND_KEY : SOLAR_KEY);
            readings[1] = _spec(13, 240, 180, i == 1 ? WIND_KEY : SOLAR_KEY);
            uint256 d = _addDevice(ids[i], readings);
            _setBaseline(d, baselines[i]);
        }
        _recordWindow();
        for (uint256 i; i < 3; ++i) {
            _expectFrozen(i, 10, _leaf(baselines[i]));
            _challengeBaseline(i, baselines[i]);
        }
    }

    function test_RevertWhen_challengeBaselineHonestOrNotTheBaseline() public {
        (bytes memory b0, IWindowChallenger.SummaryInclusion memory one, bytes memory last) = _plantWindowOne();
        _expectRejectedAt(WINDOW_START, _leaf(b0), 10);
        vm.prank(_prover);
        _challenger.challengeBaseline(WINDOW_START, one, b0);
        uint256 d = _plantWindowTwo(last, 150);
        _expectRejected(_leaf(last), 10);
        _challengeBaseline(d, last);
        vm.expectRevert(
            abi.encodeWithSelector(IWindowChallenger.WindowChallengerNotTheBaseline.selector, _leaf(last), _leaf(b0))
        );
        _challengeBaseline(d, b0);
        _assertNothingFrozen();
        assertEq(_logger.deviceFrozenReason(WINDOW_START, SOLAR), 0);
    }

    function test_challengeContinuity_freezesOverlappingCounters() public {
        (, IWindowChallenger.SummaryInclusion memory one, bytes memory last) = _plantWindowOne();
        _startWindow(NEXT_START);
        // Counter 11 again (energy consistent), so window 1's last reading is counted twice.
        ReadingSpec[] memory solar = new ReadingSpec[](2);
        solar[0] = _spec(11, 60, 150, SOLAR_KEY);
        solar[1] = _spec(13, 240, 180, SOLAR_KEY);
        uint256 d = _addDevice(SOLAR, solar);
        _summaries[d].baselineLeaf = _leaf(last);
        _recordWindow();
        _expectFrozen(d, 11, _summaryLeaf(d));
        vm.prank(_prover);
        _challenger.challengeContinuity(WINDOW_START, one, NEXT_START, _device(d));
    }

    function test_RevertWhen_challengeContinuityHonestOrMisordered() public {
        (, IWindowChallenger.SummaryInclusion memory one, bytes memory last) = _plantWindowOne();
        uint256 d = _plantWindowTwo(last, 150);
        _expectRejectedAt(NEXT_START, _summaryLeaf(d), 11);
        vm.prank(_prover);
        _challenger.challengeContinuity(WINDOW_START, one, NEXT_START, _device(d));
        vm.expectRevert(
            abi.encodeWithSelector(
                IWindowChallenger.WindowChallengerWindowsNotOrdered.selector, NEXT_START, WINDOW_START
            )
        );
        _challenger.challengeContinuity(NEXT_START, _device(d), WINDOW_START, one);
        _assertNothingFrozen();
        assertEq(_logger.deviceFrozenReason(WINDOW_START, SOLAR), 0);
    }

    /*//////////////////////////////////////////////////////////////
                DUPLICATE DEVICES AND TOTALS (REASONS 12, 14)
    //////////////////////////////////////////////////////////////*/

    /// @notice Why 5: two summary leaves of SOLAR in one window root.
    function test_Why5_challengeDuplicateDevice_freezesSecondSummaryOfOneDevice() public {
        _addDevice(SOLAR, _threeSolarReadings());
        ReadingSpec[] memory again = new ReadingSpec[](1);
        again[0] = _spec(13, 200, 1500, SOLAR_KEY);
        _addDevice(SOLAR, again);
        ReadingSpec[] memory wind = new ReadingSpec[](1);
        wind[0] = _spec(20, 30, 500, WIND_KEY);
        _addDevice(WIND, wind);
        _recordWindow();
        _expectFrozen(1, _challenger.REASON_DUPLICATE_DEVICE(), _summaryLeaf(1));
        _challengeDuplicate(0, 1);
        vm.snapshotGasLastCall("WindowChallenger", "challengeDuplicateDevice");
        assertEq(_logger.deviceFrozenReason(WINDOW_START, SOLAR), 12);
        assertEq(_logger.deviceFrozenReason(WINDOW_START, WIND), 0);
    }

    /// @notice SOLAR, WIND and HYDRO (one reading each) plus a second, identical leaf of the device whose summary
    /// leaf has `rank` among the three (0 smallest); returns that device's index.
    function _plantSummaryTwinOfRank(uint256 rank) internal returns (uint256 twin) {
        bytes9[3] memory ids = [SOLAR, WIND, HYDRO];
        uint256[3] memory keys = [SOLAR_KEY, WIND_KEY, 0];
        ReadingSpec[][3] memory specs;
        for (uint64 d; d < 3; ++d) {
            specs[d] = new ReadingSpec[](1);
            specs[d][0] = _spec(10, 10 + d, 100, keys[d]);
            _addDevice(ids[d], specs[d]);
        }
        for (uint256 d; d < 3; ++d) {
            uint256 below;
            for (uint256 k; k < 3; ++k) {
                if (_summaryLeaf(k) < _summaryLeaf(d)) ++below;
            }
            if (below == rank) twin = d;
        }
        _addDevice(ids[twin], specs[twin]);
        _recordWindow();
        assertEq(_summaryLeaf(twin), _summaryLeaf(3));
    }

    /// @notice One summary leaf twice in the window root, as its own sibling (it sorts first of four): both places
    /// have the same path, whose first hash is the leaf itself: challengeDuplicateDevice freezes the device.
    function test_challengeDuplicateDevice_freezesSummaryLeafWhoseTwinIsItsSibling() public {
        uint256 twin = _plantSummaryTwinOfRank(0);
        assertEq(keccak256(abi.encode(_summaryProofs[twin])), keccak256(abi.encode(_summaryProofs[3])));
        assertEq(_summaryProofs[twin][0], _summaryLeaf(twin));
        _expectFrozen(3, _challenger.REASON_DUPLICATE_DEVICE(), _summaryLeaf(3));
        _challengeDuplicate(twin, 3);
        assertEq(_logger.deviceFrozenReason(WINDOW_START, _deviceIds[twin]), 12);
    }

    /// @notice One summary leaf twice in the window root, apart (it sorts second of four): two different proofs.
    function test_challengeDuplicateDevice_freezesSummaryLeafTwiceApart() public {
        uint256 twin = _plantSummaryTwinOfRank(1);
        assertNotEq(keccak256(abi.encode(_summaryProofs[twin])), keccak256(abi.encode(_summaryProofs[3])));
        _expectFrozen(3, 12, _summaryLeaf(3));
        _challengeDuplicate(twin, 3);
        assertEq(_logger.deviceFrozenReason(WINDOW_START, _deviceIds[twin]), 12);
    }

    function test_RevertWhen_challengeDuplicateDeviceHonest() public {
        _plantHonestWindow(1000, 10);
        vm.expectRevert(abi.encodeWithSelector(IWindowChallenger.WindowChallengerDeviceMismatch.selector, SOLAR, WIND));
        _challengeDuplicate(0, 1);
        vm.expectRevert(abi.encodeWithSelector(IWindowChallenger.WindowChallengerSameReading.selector, _summaryLeaf(0)));
        _challengeDuplicate(0, 0);
        _assertNothingFrozen();
    }

    /// @notice Why 5: the energy total is not the sum of the summaries (120 + 100 + 0 = 220 recorded as 221), proven in
    /// one call with every summary.
    function test_Why5_challengeTotals_freezesWrongEnergyInOneCall() public {
        _plantHonestWindowWithTotals(3, 6, 221);
        vm.expectEmit(true, true, false, true, address(_logger));
        emit IDataLogger.WindowTotalsFrozen(WINDOW_START, 14, _prover);
        assertTrue(_challengeTotals(_ascending()));
        vm.snapshotGasLastCall("WindowChallenger", "challengeTotals");
        assertEq(_logger.totalsFrozenReason(WINDOW_START), 14);
        // The summaries are each sound: they stay provable.
        for (uint256 d; d < 3; ++d) {
            _assertProvable(d);
            assertEq(_logger.deviceFrozenReason(WINDOW_START, _deviceIds[d]), 0);
        }
    }

    /// @notice Why 5, in two calls: the audit accumulates per challenger and freezes when the last summary is in.
    function test_Why5_challengeTotals_freezesWrongEnergyInTwoCalls() public {
        _plantHonestWindowWithTotals(3, 6, 219);
        IWindowChallenger.SummaryInclusion[] memory all = _ascending();
        vm.expectEmit(true, true, false, true, address(_challenger));
        // HYDRO (0 Wh, 1 reading) and SOLAR (20 Wh, 3 readings).
        emit IWindowChallenger.TotalsAuditProgress(WINDOW_START, _prover, 2, 4, 20);
        assertFalse(_challengeTotals(_slice(all, 0, 2)));
        assertEq(_logger.totalsFrozenReason(WINDOW_START), 0);
        IWindowChallenger.TotalsAudit memory audit = _challenger.totalsAudit(WINDOW_START, _prover);
        assertEq(audit.deviceCount, 2);
        assertEq(audit.lastDeviceId, SOLAR);
        // Someone else's audit is their own.
        assertEq(_challenger.totalsAudit(WINDOW_START, address(this)).deviceCount, 0);
        assertTrue(_challengeTotals(_slice(all, 2, 3)));
        assertEq(_logger.totalsFrozenReason(WINDOW_START), 14);
        assertEq(_challenger.totalsAudit(WINDOW_START, _prover).deviceCount, 0);
    }

    function test_challengeTotals_freezesAsSoonAsASumExceedsTheRecord() public {
        // Readings recorded as 5 while the first two summaries already hold 4 + ... : HYDRO 1, SOLAR 3, WIND 2.
        _plantHonestWindowWithTotals(3, 3, 120);
        assertTrue(_challengeTotals(_slice(_ascending(), 0, 2)));
        assertEq(_logger.totalsFrozenReason(WINDOW_START), 14);
    }

    function test_RevertWhen_challengeTotalsHonestOrNotAscending() public {
        _plantHonestWindow(1000, 10);
        IWindowChallenger.SummaryInclusion[] memory all = _ascending();
        _expectRejected(_logger.getWindow(WINDOW_START).root, 14);
        _challengeTotals(all);
        (all[0], all[1]) = (all[1], all[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IWindowChallenger.WindowChallengerNotAscending.selector,
                all[0].summary.deviceId,
                all[1].summary.deviceId
            )
        );
        _challengeTotals(all);
        _assertNothingFrozen();
    }

    function _plantHonestWindowWithTotals(uint32 deviceCount, uint32 readingCount, uint64 energyWh) internal {
        ReadingSpec[] memory solar = _threeSolarReadings();
        _addDevice(SOLAR, solar);
        ReadingSpec[] memory wind = new ReadingSpec[](2);
        wind[0] = _spec(20, 30, 500, WIND_KEY);
        wind[1] = _spec(21, 90, 600, WIND_KEY);
        _addDevice(WIND, wind);
        ReadingSpec[] memory hydro = new ReadingSpec[](1);
        hydro[0] = _spec(7, 10, 70, 0);
        _addDevice(HYDRO, hydro);
        (uint32 honestDevices, uint32 honestReadings, uint64 honestEnergy) = _totals();
        assertEq(honestDevices, 3);
        assertEq(honestReadings, 6);
        assertEq(honestEnergy, 120);
        _recordWindowWithTotals(deviceCount, readingCount, energyWh);
    }

    /*//////////////////////////////////////////////////////////////
                      GRANULAR FREEZING AND CORRECTION
    //////////////////////////////////////////////////////////////*/

    /// @notice Why 3: one planted bad reading freezes WIND only; the DON's correction makes WIND's corrected summary
    /// provable and the planted reading not; a correction is accepted once, and only for a frozen device.
    function test_Why3_plantedReadingFreezesOnlyItsDeviceAndIsCorrectedOnce() public {
        _plantForgedWindow();
        _challengeSignature(1, 1);
        _assertOnlyFrozen(1, 1);

        // The corrected batch: WIND's honest reading alone.
        bytes memory honest = _signed[1][0];
        IDataLogger.DeviceSummary memory fixed_ = IDataLogger.DeviceSummary({
            deviceId: WIND,
            readingsRoot: _leaf(honest),
            readingCount: 1,
            firstCounter: 20,
            lastCounter: 20,
            energyStartWh: 500,
            energyEndWh: 500,
            baselineLeaf: bytes32(0)
        });
        bytes32 fixedLeaf = _leaf(abi.encode(fixed_));
        vm.expectEmit(true, true, false, false, address(_logger));
        emit IDataLogger.DeviceCorrected(WINDOW_START, WIND, fixedLeaf, bytes32(0));
        _correct(WINDOW_START, WIND, fixedLeaf);

        assertEq(_logger.deviceFrozenReason(WINDOW_START, WIND), 0);
        assertEq(_logger.correctionOf(WINDOW_START, WIND), fixedLeaf);
        bytes32[] memory none = new bytes32[](0);
        assertTrue(_logger.verifyDeviceSummary(WINDOW_START, fixed_, none));
        assertTrue(_logger.verifyReading(WINDOW_START, honest, none, fixed_, none));
        // The planted reading is provable neither under the old summary nor under the corrected one.
        assertFalse(_logger.verifyDeviceSummary(WINDOW_START, _summaries[1], _summaryProofs[1]));
        assertFalse(
            _logger.verifyReading(WINDOW_START, _signed[1][1], _readingProofs[1][1], _summaries[1], _summaryProofs[1])
        );
        assertFalse(_logger.verifyReading(WINDOW_START, _signed[1][1], _readingProofs[1][1], fixed_, none));
        // Nor can it be challenged again: the old summary is no longer in the window.
        vm.expectRevert(
            abi.encodeWithSelector(
                IWindowChallenger.WindowChallengerNotInWindow.selector, WINDOW_START, _leaf(_signed[1][1])
            )
        );
        _challengeSignature(1, 1);
        _assertProvable(0);

        // A second correction fails: through the forwarder as ReportProcessed(false), directly as the error.
        bytes memory second = abi.encode(WINDOW_START, WIND, keccak256("liar's leaf"), keccak256("doc"));
        bytes32 executionId = _deliver(second);
        assertFalse(_forwarder.getTransmissionInfo(address(_logger), executionId, REPORT_ID).success);
        assertEq(_logger.correctionOf(WINDOW_START, WIND), fixedLeaf);
        vm.expectRevert(
            abi.encodeWithSelector(IDataLogger.DataLoggerNotCorrectable.selector, WINDOW_START, WIND, 0, true)
        );
        vm.prank(address(_forwarder));
        _logger.onReport(_metadata(WORKFLOW_ID, WORKFLOW_NAME, _workflowOwner), second);
        // A device that was never frozen cannot be "corrected".
        vm.expectRevert(
            abi.encodeWithSelector(IDataLogger.DataLoggerNotCorrectable.selector, WINDOW_START, SOLAR, 0, false)
        );
        vm.prank(address(_forwarder));
        _logger.onReport(
            _metadata(WORKFLOW_ID, WORKFLOW_NAME, _workflowOwner),
            abi.encode(WINDOW_START, SOLAR, keccak256("liar's leaf"), keccak256("doc"))
        );
        assertEq(_logger.correctionOf(WINDOW_START, SOLAR), bytes32(0));
        assertTrue(_logger.verifyDeviceSummary(WINDOW_START, _summaries[0], _summaryProofs[0]));
    }

    /*//////////////////////////////////////////////////////////////
                       AN HONEST WINDOW NEVER FREEZES
    //////////////////////////////////////////////////////////////*/

    /// @notice Every challenge, with every reading, pair and summary of two honest windows, proves nothing.
    function test_honestWindow_isNeverFrozenByAnyChallenge() public {
        (bytes memory b0, IWindowChallenger.SummaryInclusion memory one, bytes memory last) = _plantWindowOne();
        vm.expectRevert();
        vm.prank(_prover);
        _challenger.challengeBaseline(WINDOW_START, one, b0);
        // Window 2: SOLAR continues from window 1 with its baseline; WIND, HYDRO as usual.
        _startWindow(NEXT_START);
        ReadingSpec[] memory solar = new ReadingSpec[](2);
        solar[0] = _spec(12, 60, 165, SOLAR_KEY);
        solar[1] = _spec(13, 240, 180, SOLAR_KEY);
        _setBaseline(_addDevice(SOLAR, solar), last);
        ReadingSpec[] memory wind = new ReadingSpec[](3);
        wind[0] = _spec(20, 30, 500, WIND_KEY);
        wind[1] = _spec(21, 90, 500, WIND_KEY);
        wind[2] = _spec(25, 290, 600, WIND_KEY);
        _addDevice(WIND, wind);
        ReadingSpec[] memory hydro = new ReadingSpec[](1);
        hydro[0] = _spec(7, 10, 70, 0);
        _addDevice(HYDRO, hydro);
        _recordWindow();

        for (uint256 d; d < 3; ++d) {
            uint256 n = _signed[d].length;
            for (uint256 i; i < n; ++i) {
                vm.expectRevert();
                _challengeSignature(d, i);
                // Reasons 2, 3, 8 and 15 (every reading is a valid v1 reading of its summary's device).
                vm.expectRevert();
                _challengeReading(d, i);
                for (uint256 j; j < n; ++j) {
                    vm.expectRevert();
                    _challengePair(d, i, j);
                }
            }
            vm.expectRevert();
            _challengeSummary(d);
            vm.expectRevert();
            _challengeBatch(d);
            for (uint256 e; e < 3; ++e) {
                vm.expectRevert();
                _challengeDuplicate(d, e);
            }
        }
        vm.expectRevert();
        _challengeBaseline(0, last);
        vm.expectRevert();
        vm.prank(_prover);
        _challenger.challengeContinuity(WINDOW_START, one, NEXT_START, _device(0));
        IWindowChallenger.SummaryInclusion[] memory all = _ascending();
        for (uint256 k = 1; k < 3; ++k) {
            assertFalse(_challengeTotals(_slice(all, k - 1, k)));
        }
        vm.expectRevert();
        _challengeTotals(_slice(all, 2, 3));

        _assertNothingFrozen();
        for (uint256 d; d < 3; ++d) {
            _assertProvable(d);
        }
        assertEq(_logger.deviceFrozenReason(WINDOW_START, SOLAR), 0);
        assertEq(_logger.totalsFrozenReason(WINDOW_START), 0);
    }

    /*//////////////////////////////////////////////////////////////
                        FREEZE RIGHT ON THE LOGGER
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_freezeNotFromChallenger() public {
        _plantForgedWindow();
        bytes memory err = abi.encodeWithSelector(
            IDataLogger.DataLoggerUnauthorizedChallenger.selector, address(this), address(_challenger)
        );
        vm.expectRevert(err);
        _logger.freezeDevice(WINDOW_START, WIND, 1, address(this), bytes32(0));
        vm.expectRevert(err);
        _logger.freezeTotals(WINDOW_START, 14, address(this));
        _assertNothingFrozen();
    }

    function test_RevertWhen_freezeReasonZeroOrUnknownWindow() public {
        _plantForgedWindow();
        vm.startPrank(address(_challenger));
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerInvalidFreezeReason.selector, 0));
        _logger.freezeDevice(WINDOW_START, WIND, 0, address(this), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerInvalidFreezeReason.selector, 0));
        _logger.freezeTotals(WINDOW_START, 0, address(this));
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerUnknownWindow.selector, NEXT_START));
        _logger.freezeDevice(NEXT_START, WIND, 1, address(this), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerUnknownWindow.selector, NEXT_START));
        _logger.freezeTotals(NEXT_START, 14, address(this));
        vm.stopPrank();
        _assertNothingFrozen();
    }

    function test_setChallenger_movesFreezeRight() public {
        _plantForgedWindow();
        vm.expectEmit(true, true, false, false, address(_logger));
        emit IDataLogger.ChallengerUpdated(address(_challenger), address(0));
        vm.prank(_admin);
        _logger.setChallenger(address(0));
        assertEq(_logger.challenger(), address(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IDataLogger.DataLoggerUnauthorizedChallenger.selector, address(_challenger), address(0)
            )
        );
        _challengeSignature(1, 1);
        _assertNothingFrozen();
    }

    function test_views_andConstructorChecks() public {
        assertEq(address(_challenger.dataLogger()), address(_logger));
        assertEq(address(_challenger.deviceRegistry()), address(_registry));
        // The timestamp rule's length is the logger's fixed one.
        assertEq(_challenger.windowSeconds(), _logger.windowSeconds());
        assertEq(_challenger.windowSeconds(), WINDOW_SECONDS);
        vm.expectRevert(IWindowChallenger.WindowChallengerZeroAddress.selector);
        new WindowChallenger(IDataLogger(address(0)), _registry);
        vm.expectRevert(IWindowChallenger.WindowChallengerZeroAddress.selector);
        new WindowChallenger(_logger, IDeviceRegistry(address(0)));
    }

    /*//////////////////////////////////////////////////////////////
                                  FUZZ
    //////////////////////////////////////////////////////////////*/

    /// @notice A reading is proven out of the window exactly when its timestamp is outside [start, start + seconds).
    function testFuzz_challengeReading_timestampRule(uint64 timestamp) public {
        timestamp = uint64(bound(timestamp, WINDOW_START - 2 * WINDOW_SECONDS, WINDOW_START + 2 * WINDOW_SECONDS));
        _plantTimestamps(timestamp, WINDOW_START + 1);
        bool outside = timestamp < WINDOW_START || timestamp >= WINDOW_START + WINDOW_SECONDS;
        if (!outside) {
            _expectRejected(_leaf(_signed[0][0]), 0);
        }
        _challengeReading(0, 0);
        assertEq(_logger.deviceFrozenReason(WINDOW_START, SOLAR), outside ? 2 : 0);
    }
}

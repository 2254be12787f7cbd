// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {IDataLogger} from "../src/interfaces/IDataLogger.sol";
import {IDeviceRegistry} from "../src/interfaces/IDeviceRegistry.sol";
import {IWindowChallenger} from "../src/interfaces/IWindowChallenger.sol";
import {WindowChallenger} from "../src/WindowChallenger.sol";
import {WindowFixture} from "./utils/WindowFixture.sol";

contract WindowChallengerTest is WindowFixture {
    bytes9 internal constant SOLAR = "SOLR_0001";
    bytes9 internal constant WIND = "WIND_0002";
    bytes9 internal constant HYDRO = "HYDR_0003";
    uint256 internal constant SOLAR_KEY = 0x5011A2;
    uint256 internal constant WIND_KEY = 0x3140D;
    uint256 internal constant FORGER_KEY = 0xF0463;

    WindowChallenger internal _challenger;
    address internal _prover = makeAddr("prover");

    function setUp() public {
        _setUpKeystone();
        _setUpRegistry();
        _challenger = new WindowChallenger(_logger, _registry);
        vm.prank(_admin);
        _logger.setChallenger(address(_challenger));
        _registerP256(SOLAR, SOLAR_KEY);
        _registerP256(WIND, WIND_KEY);
        _registerEd25519(HYDRO);
    }

    /// @notice SOLAR: 3 honest readings; WIND: counter 21 forged (signed by another key); HYDRO: Ed25519.
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

    function _inclusion(uint256 d, uint256 i) internal view returns (IWindowChallenger.ReadingInclusion memory) {
        return IWindowChallenger.ReadingInclusion(_signed[d][i], _readingProofs[d][i]);
    }

    function _device(uint256 d) internal view returns (IWindowChallenger.SummaryInclusion memory) {
        return IWindowChallenger.SummaryInclusion(_summaries[d], _summaryProofs[d]);
    }

    function _challengeSignature(uint256 d, uint256 i) internal {
        vm.prank(_prover);
        _challenger.challengeSignature(WINDOW_START, _inclusion(d, i), _device(d));
    }

    function _challengeReading(uint256 d, uint256 i) internal {
        vm.prank(_prover);
        _challenger.challengeReading(WINDOW_START, _inclusion(d, i), _device(d));
    }

    function _challengePair(uint256 d, uint256 i, uint256 j) internal {
        vm.prank(_prover);
        _challenger.challengeReadingPair(WINDOW_START, _inclusion(d, i), _inclusion(d, j), _device(d));
    }

    function _expectFrozen(uint8 reason, bytes32 leaf) internal {
        vm.expectEmit(true, true, false, true, address(_logger));
        emit IDataLogger.WindowFrozen(WINDOW_START, reason, _prover, leaf);
    }

    function _expectRejected(bytes32 leaf, uint8 reason) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IWindowChallenger.WindowChallengerChallengeRejected.selector, WINDOW_START, leaf, reason
            )
        );
    }

    function _assertNotFrozen() internal view {
        assertFalse(_logger.isFrozen(WINDOW_START));
        assertEq(_logger.frozenReason(WINDOW_START), 0);
    }

    /*//////////////////////////////////////////////////////////////
                           SIGNATURE CHALLENGES
    //////////////////////////////////////////////////////////////*/

    function test_challengeSignature_freezesWindowWithForgedReading() public {
        _plantForgedWindow();
        // The forged reading is genuinely inside the anchored window.
        assertTrue(
            _logger.verifyReading(WINDOW_START, _signed[1][1], _readingProofs[1][1], _summaries[1], _summaryProofs[1])
        );
        IDataLogger.WindowRecord memory before = _logger.getWindow(WINDOW_START);

        _expectFrozen(_challenger.REASON_INVALID_SIGNATURE(), _leaf(_signed[1][1]));
        _challengeSignature(1, 1);
        vm.snapshotGasLastCall("WindowChallenger", "challengeSignature");

        assertTrue(_logger.isFrozen(WINDOW_START));
        assertEq(_logger.frozenReason(WINDOW_START), 1);
        // Still readable, unchanged.
        assertEq(abi.encode(_logger.getWindow(WINDOW_START)), abi.encode(before));
        // No proof can rest on it any more, not even of honest readings.
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerWindowFrozen.selector, WINDOW_START, 1));
        _logger.verifyReading(WINDOW_START, _signed[0][0], _readingProofs[0][0], _summaries[0], _summaryProofs[0]);
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerWindowFrozen.selector, WINDOW_START, 1));
        _logger.verifyDeviceSummary(WINDOW_START, _summaries[0], _summaryProofs[0]);
    }

    function test_challengeSignature_highSCountsAsInvalid() public {
        ReadingSpec[] memory solar = new ReadingSpec[](2);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = ReadingSpec(11, WINDOW_START + 60, 1010, SOLAR_KEY, true);
        _addDevice(SOLAR, solar);
        _recordWindow();
        _expectFrozen(1, _leaf(_signed[0][1]));
        _challengeSignature(0, 1);
        assertEq(_logger.frozenReason(WINDOW_START), 1);
    }

    function test_RevertWhen_challengeSignatureOfHonestReading() public {
        _plantForgedWindow();
        for (uint256 i; i < 3; ++i) {
            _expectRejected(_leaf(_signed[0][i]), 1);
            _challengeSignature(0, i);
        }
        _assertNotFrozen();
        assertTrue(
            _logger.verifyReading(WINDOW_START, _signed[0][0], _readingProofs[0][0], _summaries[0], _summaryProofs[0])
        );
    }

    function test_RevertWhen_challengeSignatureOfEd25519Device() public {
        _plantForgedWindow();
        vm.expectRevert(
            abi.encodeWithSelector(IWindowChallenger.WindowChallengerUnsupportedKeyType.selector, HYDRO, uint8(2))
        );
        _challengeSignature(2, 0);
        _assertNotFrozen();
    }

    function test_challengeSignature_freezesForUnregisteredDevice() public {
        bytes9 ghost = "GHST_0009";
        ReadingSpec[] memory readings = new ReadingSpec[](1);
        readings[0] = _spec(1, 0, 1, FORGER_KEY);
        _addDevice(ghost, readings);
        _recordWindow();
        _expectFrozen(_challenger.REASON_DEVICE_NOT_REGISTERED(), _leaf(_signed[0][0]));
        _challengeSignature(0, 0);
        assertEq(_logger.frozenReason(WINDOW_START), 6);
    }

    function test_challengeSignature_freezesForDeviceRegisteredAfterRecording() public {
        bytes9 late = "LATE_0010";
        uint256 lateKey = 0x1A7E;
        ReadingSpec[] memory readings = new ReadingSpec[](1);
        readings[0] = _spec(1, 0, 1, lateKey);
        _addDevice(late, readings);
        _recordWindow();
        // Registered one second after the window was recorded: the DON could not have known its key.
        vm.warp(block.timestamp + 1);
        _registerP256(late, lateKey);
        _expectFrozen(6, _leaf(_signed[0][0]));
        _challengeSignature(0, 0);
    }

    /*//////////////////////////////////////////////////////////////
                              COMMON REVERTS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_challengeUnknownWindow() public {
        _plantForgedWindow();
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerUnknownWindow.selector, WINDOW_START + 300));
        _challenger.challengeSignature(WINDOW_START + 300, _inclusion(1, 1), _device(1));
    }

    function test_RevertWhen_windowAlreadyFrozen() public {
        _plantForgedWindow();
        _challengeSignature(1, 1);
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerWindowFrozen.selector, WINDOW_START, 1));
        _challengeSignature(1, 1);
        assertEq(_logger.frozenReason(WINDOW_START), 1);
    }

    function test_RevertWhen_readingNotInWindow() public {
        _plantForgedWindow();
        // A forged reading that was never sealed into the window: its proof of another leaf does not carry it.
        bytes memory outsider =
            _signReading(_readingBytes(WIND, _spec(22, 100, 700, FORGER_KEY)), _spec(22, 100, 700, FORGER_KEY));
        vm.expectRevert(
            abi.encodeWithSelector(
                IWindowChallenger.WindowChallengerNotInWindow.selector, WINDOW_START, _leaf(outsider)
            )
        );
        _challenger.challengeSignature(
            WINDOW_START, IWindowChallenger.ReadingInclusion(outsider, _readingProofs[1][1]), _device(1)
        );
        _assertNotFrozen();
    }

    function test_RevertWhen_readingOfAnotherDeviceThanSummary() public {
        _plantForgedWindow();
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerDeviceMismatch.selector, WIND, SOLAR));
        _challenger.challengeSignature(WINDOW_START, _inclusion(1, 1), _device(0));
    }

    /*//////////////////////////////////////////////////////////////
                            RULE-BREACH CHALLENGES
    //////////////////////////////////////////////////////////////*/

    function _plantTimestamps(uint64 first, uint64 second) internal {
        ReadingSpec[] memory solar = new ReadingSpec[](2);
        solar[0] = ReadingSpec(10, first, 1000, SOLAR_KEY, false);
        solar[1] = ReadingSpec(11, second, 1010, SOLAR_KEY, false);
        _addDevice(SOLAR, solar);
        _recordWindow();
    }

    function test_challengeReading_freezesForTimestampBeforeWindow() public {
        _plantTimestamps(WINDOW_START - 1, WINDOW_START + 5);
        _expectFrozen(_challenger.REASON_TIMESTAMP_OUTSIDE_WINDOW(), _leaf(_signed[0][0]));
        _challengeReading(0, 0);
        vm.snapshotGasLastCall("WindowChallenger", "challengeReading");
        assertEq(_logger.frozenReason(WINDOW_START), 2);
    }

    function test_challengeReading_freezesForTimestampAtWindowEnd() public {
        _plantTimestamps(WINDOW_START, WINDOW_START + WINDOW_SECONDS);
        // The first second is inside: rejected.
        _expectRejected(_leaf(_signed[0][0]), 0);
        _challengeReading(0, 0);
        // The end is exclusive: proven.
        _expectFrozen(2, _leaf(_signed[0][1]));
        _challengeReading(0, 1);
    }

    function test_challengeReading_freezesForCounterOutsideSummary() public {
        // Listed 10, 15, 12: the summary says counters 10..12, yet counter 15 is in the batch.
        ReadingSpec[] memory solar = new ReadingSpec[](3);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = _spec(15, 60, 1010, SOLAR_KEY);
        solar[2] = _spec(12, 120, 1020, SOLAR_KEY);
        _addDevice(SOLAR, solar);
        _recordWindow();
        _expectRejected(_leaf(_signed[0][2]), 0);
        _challengeReading(0, 2);
        _expectFrozen(_challenger.REASON_COUNTER_OUTSIDE_SUMMARY(), _leaf(_signed[0][1]));
        _challengeReading(0, 1);
    }

    function test_RevertWhen_challengeReadingOfHonestReading() public {
        _plantForgedWindow();
        for (uint256 i; i < 3; ++i) {
            _expectRejected(_leaf(_signed[0][i]), 0);
            _challengeReading(0, i);
        }
        _assertNotFrozen();
    }

    function test_challengeReadingPair_freezesForRepeatedCounter() public {
        ReadingSpec[] memory solar = new ReadingSpec[](3);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = _spec(11, 60, 1010, SOLAR_KEY);
        solar[2] = _spec(11, 61, 1011, SOLAR_KEY); // a replayed counter with other content
        _addDevice(SOLAR, solar);
        _recordWindow();
        _expectFrozen(_challenger.REASON_REPEATED_COUNTER(), _leaf(_signed[0][2]));
        _challengePair(0, 1, 2);
        vm.snapshotGasLastCall("WindowChallenger", "challengeReadingPair");
    }

    function test_challengeReadingPair_freezesForFallingEnergy() public {
        ReadingSpec[] memory solar = new ReadingSpec[](3);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = _spec(11, 60, 990, SOLAR_KEY);
        solar[2] = _spec(12, 120, 1020, SOLAR_KEY);
        _addDevice(SOLAR, solar);
        _recordWindow();
        // Either order proves it.
        _expectFrozen(_challenger.REASON_ENERGY_DECREASED(), _leaf(_signed[0][0]));
        _challengePair(0, 1, 0);
    }

    function test_RevertWhen_challengeReadingPairHonest() public {
        ReadingSpec[] memory solar = new ReadingSpec[](3);
        solar[0] = _spec(10, 0, 1000, SOLAR_KEY);
        solar[1] = _spec(11, 60, 1000, SOLAR_KEY); // idle meter: equal energy is allowed
        solar[2] = _spec(12, 120, 1020, SOLAR_KEY);
        _addDevice(SOLAR, solar);
        _recordWindow();
        uint256[2][4] memory pairs = [[uint256(0), 1], [uint256(1), 0], [uint256(0), 2], [uint256(2), 1]];
        for (uint256 p; p < pairs.length; ++p) {
            _expectRejected(_leaf(_signed[0][pairs[p][1]]), 0);
            _challengePair(0, pairs[p][0], pairs[p][1]);
        }
        vm.expectRevert(
            abi.encodeWithSelector(IWindowChallenger.WindowChallengerSameReading.selector, _leaf(_signed[0][1]))
        );
        _challengePair(0, 1, 1);
        _assertNotFrozen();
    }

    /*//////////////////////////////////////////////////////////////
                        FREEZE RIGHT ON THE LOGGER
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_freezeNotFromChallenger() public {
        _plantForgedWindow();
        vm.expectRevert(
            abi.encodeWithSelector(
                IDataLogger.DataLoggerUnauthorizedChallenger.selector, address(this), address(_challenger)
            )
        );
        _logger.freezeWindow(WINDOW_START, 1, address(this), bytes32(0));
        _assertNotFrozen();
    }

    function test_RevertWhen_freezeReasonZeroOrUnknownWindow() public {
        _plantForgedWindow();
        vm.startPrank(address(_challenger));
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerInvalidFreezeReason.selector, 0));
        _logger.freezeWindow(WINDOW_START, 0, address(this), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IDataLogger.DataLoggerUnknownWindow.selector, WINDOW_START + 300));
        _logger.freezeWindow(WINDOW_START + 300, 1, address(this), bytes32(0));
        vm.stopPrank();
        _assertNotFrozen();
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
        _assertNotFrozen();
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
        assertEq(_logger.isFrozen(WINDOW_START), outside);
    }
}

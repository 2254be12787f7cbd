// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IDataLogger} from "./interfaces/IDataLogger.sol";
import {AnchoredBatchStore} from "./base/AnchoredBatchStore.sol";
import {KeystoneReceiver} from "./base/KeystoneReceiver.sol";
import {ReadingCodec} from "./libraries/ReadingCodec.sol";

/// @title DataLogger
/// @notice Records the windows a Chainlink DON attests (through the KeystoneForwarder, or through the Functions
/// anchor set as recorder) and proves readings against them. A window proven fraudulent by the challenger is frozen.
/// @dev The readings kind of the anchoring base: KeystoneReceiver checks who reports, AnchoredBatchStore keeps root,
/// document digest and freeze state under the window start; this contract adds the window rules and tallies.
/// The window length is fixed at deployment and every start is aligned to it, so two recorded windows never
/// overlap: no energy can be counted twice by windows of different lengths.
contract DataLogger is IDataLogger, KeystoneReceiver, AnchoredBatchStore, Ownable2Step {
    /// @notice Windows tile the hour: their length divides this.
    uint32 public constant HOUR_SECONDS = 3600;

    /// @notice Length of `abi.encode` of the seven static report fields.
    uint256 public constant REPORT_LENGTH = 224;

    /// @dev The window fields the batch record does not hold (one slot).
    struct WindowTally {
        uint32 deviceCount;
        uint32 readingCount;
        uint64 energyWh;
    }

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    uint32 private immutable _windowSeconds;

    mapping(uint64 windowStart => WindowTally) private _tallies;
    address private _recorder;
    address private _challenger;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param initialOwner Account that may change forwarder, workflow identity, recorder and challenger.
    /// @param forwarder_ The KeystoneForwarder allowed to call onReport.
    /// @param workflowId The accepted workflow id.
    /// @param workflowName The accepted workflow name (bytes10 as CRE encodes it).
    /// @param workflowOwner The accepted workflow owner.
    /// @param windowSeconds_ The length of every window, for the life of the contract; divides 3600.
    constructor(
        address initialOwner,
        address forwarder_,
        bytes32 workflowId,
        bytes10 workflowName,
        address workflowOwner,
        uint32 windowSeconds_
    ) KeystoneReceiver(forwarder_, workflowId, workflowName, workflowOwner) Ownable(initialOwner) {
        if (windowSeconds_ == 0 || HOUR_SECONDS % windowSeconds_ != 0) {
            revert DataLoggerInvalidWindowSeconds(windowSeconds_);
        }
        _windowSeconds = windowSeconds_;
    }

    /*//////////////////////////////////////////////////////////////
                                REPORTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDataLogger
    function recordWindow(bytes calldata report) external {
        if (msg.sender != _recorder) revert DataLoggerUnauthorizedRecorder(msg.sender, _recorder);
        _recordWindow(report);
    }

    /// @inheritdoc IDataLogger
    function freezeWindow(uint64 windowStart, uint8 reason, address challenger_, bytes32 leaf) external {
        if (msg.sender != _challenger) revert DataLoggerUnauthorizedChallenger(msg.sender, _challenger);
        _freezeBatch(_keyOf(windowStart), reason);
        emit WindowFrozen(windowStart, reason, challenger_, leaf);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDataLogger
    function getWindow(uint64 windowStart) external view returns (WindowRecord memory) {
        Batch storage batch = _recordedBatch(_keyOf(windowStart));
        WindowTally memory tally = _tallies[windowStart];
        return WindowRecord({
            root: batch.root,
            cidDigest: batch.cidDigest,
            windowStart: windowStart,
            windowSeconds: _windowSeconds,
            deviceCount: tally.deviceCount,
            readingCount: tally.readingCount,
            energyWh: tally.energyWh,
            recordedAt: batch.recordedAt
        });
    }

    /// @inheritdoc IDataLogger
    function windowSeconds() external view returns (uint32) {
        return _windowSeconds;
    }

    /// @inheritdoc IDataLogger
    function isRecorded(uint64 windowStart) external view returns (bool) {
        return _isRecorded(_keyOf(windowStart));
    }

    /// @inheritdoc IDataLogger
    function windowCount() external view returns (uint256) {
        return _batchCount();
    }

    /// @inheritdoc IDataLogger
    function windowStartAt(uint256 index) external view returns (uint64) {
        uint256 count = _batchCount();
        if (index >= count) revert DataLoggerIndexOutOfBounds(index, count);
        return _startOf(_batchKeyAt(index));
    }

    /// @inheritdoc IDataLogger
    function verifyDeviceSummary(uint64 windowStart, DeviceSummary calldata summary, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return _verifyLeaf(_provableRoot(_keyOf(windowStart)), proof, _leafOf(abi.encode(summary)));
    }

    /// @inheritdoc IDataLogger
    function verifyReading(
        uint64 windowStart,
        bytes calldata signedReading,
        bytes32[] calldata readingProof,
        DeviceSummary calldata summary,
        bytes32[] calldata summaryProof
    ) external view returns (bool) {
        // Unknown and frozen windows revert before the reading is even decoded.
        bytes32 root = _provableRoot(_keyOf(windowStart));
        (ReadingCodec.Reading memory reading,,) = ReadingCodec.decodeSigned(signedReading);
        if (reading.deviceId != summary.deviceId) revert DataLoggerDeviceMismatch(reading.deviceId, summary.deviceId);
        return _verifyNested(
            root, readingProof, _leafOf(signedReading), summary.readingsRoot, summaryProof, _leafOf(abi.encode(summary))
        );
    }

    /// @inheritdoc IDataLogger
    function isFrozen(uint64 windowStart) external view returns (bool) {
        return _frozenReason(_keyOf(windowStart)) != 0;
    }

    /// @inheritdoc IDataLogger
    function frozenReason(uint64 windowStart) external view returns (uint8) {
        return _frozenReason(_keyOf(windowStart));
    }

    /// @inheritdoc IDataLogger
    function recorder() external view returns (address) {
        return _recorder;
    }

    /// @inheritdoc IDataLogger
    function challenger() external view returns (address) {
        return _challenger;
    }

    /*//////////////////////////////////////////////////////////////
                              CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDataLogger
    function setRecorder(address newRecorder) external onlyOwner {
        address previous = _recorder;
        _recorder = newRecorder;
        emit RecorderUpdated(previous, newRecorder);
    }

    /// @inheritdoc IDataLogger
    function setChallenger(address newChallenger) external onlyOwner {
        address previous = _challenger;
        _challenger = newChallenger;
        emit ChallengerUpdated(previous, newChallenger);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev The one place a window is recorded, whichever oracle path delivered it: both paths get the same checks
    /// and produce the same record. Override point for extensions; callers MUST have authenticated the source.
    function _recordWindow(bytes calldata report) internal virtual {
        WindowRecord memory r = _decodeReport(report);
        _checkWindow(r);
        _recordBatch(_keyOf(r.windowStart), r.root, r.cidDigest);
        _tallies[r.windowStart] =
            WindowTally({deviceCount: r.deviceCount, readingCount: r.readingCount, energyWh: r.energyWh});
        emit WindowRecorded(r.windowStart, r.root, r.cidDigest, r.deviceCount, r.readingCount, r.energyWh);
    }

    /// @dev CRE path: the forwarder and workflow identity were checked by KeystoneReceiver.
    function _processReport(bytes calldata report) internal override {
        _recordWindow(report);
    }

    function _authorizeReceiverUpdate() internal view override {
        _checkOwner();
    }

    function _decodeReport(bytes calldata report) private pure returns (WindowRecord memory record) {
        if (report.length != REPORT_LENGTH) revert DataLoggerInvalidReportLength(report.length);
        // Decoded as full words so an out-of-range field names its value instead of a bare abi.decode revert.
        (
            uint256 windowStart,
            uint256 windowLength,
            bytes32 root,
            bytes32 cidDigest,
            uint256 deviceCount,
            uint256 readingCount,
            uint256 energyWh
        ) = abi.decode(report, (uint256, uint256, bytes32, bytes32, uint256, uint256, uint256));
        _checkFits(0, windowStart, type(uint64).max);
        _checkFits(1, windowLength, type(uint32).max);
        _checkFits(4, deviceCount, type(uint32).max);
        _checkFits(5, readingCount, type(uint32).max);
        _checkFits(6, energyWh, type(uint64).max);
        // Each narrowing cast below was range-checked just above.
        // forge-lint: disable-start(unsafe-typecast)
        record = WindowRecord({
            root: root,
            cidDigest: cidDigest,
            windowStart: uint64(windowStart),
            windowSeconds: uint32(windowLength),
            deviceCount: uint32(deviceCount),
            readingCount: uint32(readingCount),
            energyWh: uint64(energyWh),
            recordedAt: 0
        });
        // forge-lint: disable-end(unsafe-typecast)
    }

    function _checkFits(uint256 index, uint256 value, uint256 max) private pure {
        if (value > max) revert DataLoggerReportFieldOverflow(index, value);
    }

    /// @dev The window rules; the store then refuses a second record and an empty root.
    function _checkWindow(WindowRecord memory r) private view {
        // One length, every start a multiple of it: recorded windows tile the time line and never overlap.
        if (r.windowSeconds != _windowSeconds) revert DataLoggerWindowLengthMismatch(r.windowSeconds, _windowSeconds);
        if (r.windowStart % _windowSeconds != 0) revert DataLoggerMisalignedWindow(r.windowStart, _windowSeconds);
        // uint256 sum: windowStart near 2^64 must not overflow into a false "closed". A validator can skew the
        // timestamp by seconds only, far below any window length.
        if (uint256(r.windowStart) + r.windowSeconds > block.timestamp) {
            revert DataLoggerWindowNotClosed(r.windowStart, r.windowSeconds, block.timestamp);
        }
        if (r.deviceCount == 0 || r.readingCount < r.deviceCount) {
            revert DataLoggerInvalidCounts(r.deviceCount, r.readingCount);
        }
    }

    /// @dev Windows are keyed by their start.
    function _keyOf(uint64 windowStart) private pure returns (bytes32) {
        return bytes32(uint256(windowStart));
    }

    function _startOf(bytes32 key) private pure returns (uint64) {
        // Every key was made by _keyOf from a uint64.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint64(uint256(key));
    }

    /*//////////////////////////////////////////////////////////////
                         STORE FAULTS, AS WINDOWS
    //////////////////////////////////////////////////////////////*/

    function _revertUnknownBatch(bytes32 key) internal pure override {
        revert DataLoggerUnknownWindow(_startOf(key));
    }

    function _revertBatchFrozen(bytes32 key, uint8 reason) internal pure override {
        revert DataLoggerWindowFrozen(_startOf(key), reason);
    }

    function _revertBatchAlreadyRecorded(bytes32 key) internal pure override {
        revert DataLoggerWindowAlreadyRecorded(_startOf(key));
    }

    function _revertEmptyRoot(bytes32 key) internal pure override {
        revert DataLoggerEmptyRoot(_startOf(key));
    }

    function _revertInvalidFreezeReason(uint8 reason) internal pure override {
        revert DataLoggerInvalidFreezeReason(reason);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IDataLogger} from "./interfaces/IDataLogger.sol";
import {AnchoredBatchStore} from "./base/AnchoredBatchStore.sol";
import {KeystoneReceiver} from "./base/KeystoneReceiver.sol";
import {ReadingCodec} from "./libraries/ReadingCodec.sol";

/// @title DataLogger
/// @notice Records the windows a Chainlink DON attests (through the KeystoneForwarder, or through the Functions
/// anchor set as recorder), commit first and record after the draw, and proves readings against them. A device
/// summary proven fraudulent by the challenger is frozen; the DON may record one corrected summary for it.
/// @dev The readings kind of the anchoring base: KeystoneReceiver checks who reports, AnchoredBatchStore keeps digest,
/// root, tally and freeze state under the window start; this contract adds the window rules. The window length is
/// fixed at deployment and every start is aligned to it, so two recorded windows never overlap. Windows are listed
/// from events (WindowCommitted, WindowRecorded), not from storage. Every setter is owner-only, and the owner of a
/// deployment is a TimelockController (script/Deploy.s.sol), so no change takes effect without notice.
contract DataLogger is IDataLogger, KeystoneReceiver, AnchoredBatchStore, Ownable2Step {
    /// @notice Windows tile the hour: their length divides this.
    uint32 public constant HOUR_SECONDS = 3600;

    /// @notice Report lengths: the length of a report is its type.
    uint256 public constant COMMIT_REPORT_LENGTH = 64;
    uint256 public constant RECORD_REPORT_LENGTH = 224;
    uint256 public constant CORRECTION_REPORT_LENGTH = 128;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    uint32 private immutable _windowSeconds;

    address private _recorder;
    address private _challenger;
    bytes32 private _functionsSourceHash;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param initialOwner Account that may change forwarder, workflow identity, recorder, challenger and the pinned
    /// Functions source; a TimelockController in every deployment.
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
    function recordWindow(bytes calldata report, bytes32 sourceHash) external {
        if (msg.sender != _recorder) revert DataLoggerUnauthorizedRecorder(msg.sender, _recorder);
        if (sourceHash != _functionsSourceHash) {
            revert DataLoggerFunctionsSourceMismatch(sourceHash, _functionsSourceHash);
        }
        _handleReport(report);
    }

    /// @inheritdoc IDataLogger
    function freezeDevice(uint64 windowStart, bytes9 deviceId, uint8 reason, address challenger_, bytes32 evidence)
        external
    {
        _onlyChallenger();
        _freezeGroup(_keyOf(windowStart), bytes32(deviceId), reason);
        emit DeviceFrozen(windowStart, deviceId, reason, challenger_, evidence);
    }

    /// @inheritdoc IDataLogger
    function freezeTotals(uint64 windowStart, uint8 reason, address challenger_) external {
        _onlyChallenger();
        _freezeBatch(_keyOf(windowStart), reason);
        emit WindowTotalsFrozen(windowStart, reason, challenger_);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDataLogger
    function getWindow(uint64 windowStart) external view returns (WindowRecord memory) {
        Batch storage batch = _recordedBatch(_keyOf(windowStart));
        uint128 tally = batch.tally;
        // The tally was packed by _recordWindow from these three fields.
        // forge-lint: disable-start(unsafe-typecast)
        return WindowRecord({
            root: batch.root,
            cidDigest: batch.cidDigest,
            windowStart: windowStart,
            windowSeconds: _windowSeconds,
            deviceCount: uint32(tally >> 96),
            readingCount: uint32(tally >> 64),
            energyWh: uint64(tally),
            recordedAt: batch.recordedAt
        });
        // forge-lint: disable-end(unsafe-typecast)
    }

    /// @inheritdoc IDataLogger
    function getCommitment(uint64 windowStart) external view returns (bytes32, uint64) {
        return _commitment(_keyOf(windowStart));
    }

    /// @inheritdoc IDataLogger
    function drawDelayBlocks() external pure returns (uint256) {
        return _DRAW_DELAY_BLOCKS;
    }

    /// @inheritdoc IDataLogger
    function windowSeconds() external view returns (uint32) {
        return _windowSeconds;
    }

    /// @inheritdoc IDataLogger
    function isCommitted(uint64 windowStart) external view returns (bool) {
        return _isCommitted(_keyOf(windowStart));
    }

    /// @inheritdoc IDataLogger
    function isRecorded(uint64 windowStart) external view returns (bool) {
        return _isRecorded(_keyOf(windowStart));
    }

    /// @inheritdoc IDataLogger
    function deviceFrozenReason(uint64 windowStart, bytes9 deviceId) external view returns (uint8) {
        return _groupState(_keyOf(windowStart), bytes32(deviceId)).frozenReason;
    }

    /// @inheritdoc IDataLogger
    function correctionOf(uint64 windowStart, bytes9 deviceId) external view returns (bytes32) {
        return _groupState(_keyOf(windowStart), bytes32(deviceId)).correctedLeaf;
    }

    /// @inheritdoc IDataLogger
    function totalsFrozenReason(uint64 windowStart) external view returns (uint8) {
        return _frozenReason(_keyOf(windowStart));
    }

    /// @inheritdoc IDataLogger
    function verifyDeviceSummary(uint64 windowStart, DeviceSummary calldata summary, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return _verifyGroupLeaf(_keyOf(windowStart), bytes32(summary.deviceId), proof, _leafOf(abi.encode(summary)));
    }

    /// @inheritdoc IDataLogger
    function verifyReading(
        uint64 windowStart,
        bytes calldata signedReading,
        bytes32[] calldata readingProof,
        DeviceSummary calldata summary,
        bytes32[] calldata summaryProof
    ) external view returns (bool) {
        // Unknown windows and frozen devices revert before the reading is even decoded.
        bytes32 key = _keyOf(windowStart);
        if (!_verifyGroupLeaf(key, bytes32(summary.deviceId), summaryProof, _leafOf(abi.encode(summary)))) {
            return false;
        }
        (ReadingCodec.Reading memory reading,,) = ReadingCodec.decodeSigned(signedReading);
        if (reading.deviceId != summary.deviceId) revert DataLoggerDeviceMismatch(reading.deviceId, summary.deviceId);
        return MerkleProof.verifyCalldata(readingProof, summary.readingsRoot, _leafOf(signedReading));
    }

    /// @inheritdoc IDataLogger
    function isInRecordedRoot(uint64 windowStart, bytes32 leaf, bytes32[] calldata proof) external view returns (bool) {
        return _inRecordedRoot(_keyOf(windowStart), proof, leaf);
    }

    /// @inheritdoc IDataLogger
    function recorder() external view returns (address) {
        return _recorder;
    }

    /// @inheritdoc IDataLogger
    function challenger() external view returns (address) {
        return _challenger;
    }

    /// @inheritdoc IDataLogger
    function functionsSourceHash() external view returns (bytes32) {
        return _functionsSourceHash;
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

    /// @inheritdoc IDataLogger
    function setFunctionsSourceHash(bytes32 newHash) external onlyOwner {
        bytes32 previous = _functionsSourceHash;
        _functionsSourceHash = newHash;
        emit FunctionsSourceHashUpdated(previous, newHash);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev The one place a report is handled, whichever oracle path delivered it: both paths get the same checks
    /// and leave the same state. Callers MUST have authenticated the source.
    function _handleReport(bytes calldata report) internal virtual {
        uint256 length = report.length;
        if (length == RECORD_REPORT_LENGTH) _recordWindow(report);
        else if (length == COMMIT_REPORT_LENGTH) _commitWindow(report);
        else if (length == CORRECTION_REPORT_LENGTH) _correctDevice(report);
        else revert DataLoggerInvalidReportLength(length);
    }

    /// @dev CRE path: the forwarder and workflow identity were checked by KeystoneReceiver.
    function _processReport(bytes calldata report) internal override {
        _handleReport(report);
    }

    function _authorizeReceiverUpdate() internal view override {
        _checkOwner();
    }

    function _onlyChallenger() private view {
        if (msg.sender != _challenger) revert DataLoggerUnauthorizedChallenger(msg.sender, _challenger);
    }

    function _commitWindow(bytes calldata report) private {
        (uint256 start, bytes32 cidDigest) = abi.decode(report, (uint256, bytes32));
        uint64 windowStart = _checkedStart(start);
        _checkClosed(windowStart);
        _commitBatch(_keyOf(windowStart), cidDigest);
        emit WindowCommitted(windowStart, cidDigest, uint64(block.number + 1));
    }

    function _recordWindow(bytes calldata report) private {
        // Decoded as full words so an out-of-range field names its value instead of a bare abi.decode revert.
        (
            uint256 start,
            uint256 windowLength,
            bytes32 root,
            bytes32 cidDigest,
            uint256 deviceCount,
            uint256 readingCount,
            uint256 energyWh
        ) = abi.decode(report, (uint256, uint256, bytes32, bytes32, uint256, uint256, uint256));
        _checkFits(0, start, type(uint64).max);
        _checkFits(1, windowLength, type(uint32).max);
        _checkFits(4, deviceCount, type(uint32).max);
        _checkFits(5, readingCount, type(uint32).max);
        _checkFits(6, energyWh, type(uint64).max);
        // One length, every start a multiple of it: recorded windows tile the time line and never overlap.
        if (windowLength != _windowSeconds) {
            // Range-checked above.
            // forge-lint: disable-next-line(unsafe-typecast)
            revert DataLoggerWindowLengthMismatch(uint32(windowLength), _windowSeconds);
        }
        uint64 windowStart = _checkedStart(start);
        if (deviceCount == 0 || readingCount < deviceCount) {
            // Both range-checked above.
            // forge-lint: disable-next-line(unsafe-typecast)
            revert DataLoggerInvalidCounts(uint32(deviceCount), uint32(readingCount));
        }
        // A commit was only accepted for a closed window, so the record needs no clock check of its own.
        // Range-checked above: deviceCount, readingCount < 2^32 and energyWh < 2^64 pack into 128 bits.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 tally = uint128((deviceCount << 96) | (readingCount << 64) | energyWh);
        _recordBatch(_keyOf(windowStart), root, cidDigest, tally);
        // Range-checked above.
        // forge-lint: disable-start(unsafe-typecast)
        emit WindowRecorded(windowStart, root, cidDigest, uint32(deviceCount), uint32(readingCount), uint64(energyWh));
        // forge-lint: disable-end(unsafe-typecast)
    }

    function _correctDevice(bytes calldata report) private {
        (uint256 start, bytes9 deviceId, bytes32 summaryLeaf, bytes32 cidDigest) =
            abi.decode(report, (uint256, bytes9, bytes32, bytes32));
        uint64 windowStart = _checkedStart(start);
        _correctGroup(_keyOf(windowStart), bytes32(deviceId), summaryLeaf);
        emit DeviceCorrected(windowStart, deviceId, summaryLeaf, cidDigest);
    }

    /// @dev Report word 0 of every type: a uint64, aligned to the window length.
    function _checkedStart(uint256 start) private view returns (uint64 windowStart) {
        _checkFits(0, start, type(uint64).max);
        // Range-checked just above.
        // forge-lint: disable-next-line(unsafe-typecast)
        windowStart = uint64(start);
        if (windowStart % _windowSeconds != 0) revert DataLoggerMisalignedWindow(windowStart, _windowSeconds);
    }

    /// @dev A window may be committed only once it has ended. uint256 sum: a start near 2^64 must not wrap into a
    /// false "closed". A validator can skew the timestamp by seconds only, far below any window length.
    function _checkClosed(uint64 windowStart) private view {
        if (uint256(windowStart) + _windowSeconds > block.timestamp) {
            revert DataLoggerWindowNotClosed(windowStart, _windowSeconds, block.timestamp);
        }
    }

    function _checkFits(uint256 index, uint256 value, uint256 max) private pure {
        if (value > max) revert DataLoggerReportFieldOverflow(index, value);
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
        revert DataLoggerTotalsFrozen(_startOf(key), reason);
    }

    function _revertGroupFrozen(bytes32 key, bytes32 group, uint8 reason) internal pure override {
        // Every group key of this kind is bytes32(deviceId): the cast gives the id back.
        // forge-lint: disable-next-line(unsafe-typecast)
        revert DataLoggerDeviceFrozen(_startOf(key), bytes9(group), reason);
    }

    function _revertNotCorrectable(bytes32 key, bytes32 group, uint8 reason, bool corrected) internal pure override {
        // forge-lint: disable-next-line(unsafe-typecast)
        revert DataLoggerNotCorrectable(_startOf(key), bytes9(group), reason, corrected);
    }

    function _revertBatchAlreadyCommitted(bytes32 key, bytes32 cidDigest) internal pure override {
        revert DataLoggerWindowAlreadyCommitted(_startOf(key), cidDigest);
    }

    function _revertBatchNotCommitted(bytes32 key) internal pure override {
        revert DataLoggerWindowNotCommitted(_startOf(key));
    }

    function _revertCommitmentMismatch(bytes32 key, bytes32 committed, bytes32 reported) internal pure override {
        revert DataLoggerCommitmentMismatch(_startOf(key), committed, reported);
    }

    function _revertDrawPending(bytes32 key, uint256 seedBlock) internal view override {
        revert DataLoggerDrawPending(_startOf(key), seedBlock, block.number);
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

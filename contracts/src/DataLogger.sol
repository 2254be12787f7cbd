// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IReceiver} from "@chainlink/contracts/src/v0.8/keystone/interfaces/IReceiver.sol";
import {IDataLogger} from "./interfaces/IDataLogger.sol";
import {ReadingCodec} from "./libraries/ReadingCodec.sol";

/// @title DataLogger
/// @notice Records the windows a Chainlink DON attests (through the KeystoneForwarder, or through the Functions
/// anchor set as recorder) and proves readings against them. A window proven fraudulent by the challenger is frozen.
contract DataLogger is IDataLogger, Ownable2Step {
    /// @notice Windows tile the hour: their length divides this.
    uint32 public constant HOUR_SECONDS = 3600;

    /// @notice Length of `abi.encode` of the seven static report fields.
    uint256 public constant REPORT_LENGTH = 224;

    /// @notice Length of the forwarder metadata: workflowId ‖ workflowName ‖ workflowOwner ‖ reportId.
    uint256 public constant METADATA_LENGTH = 64;

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    address private _forwarder;
    bytes32 private _workflowId;
    bytes10 private _workflowName;
    address private _workflowOwner;

    mapping(uint64 windowStart => WindowRecord) private _windows;
    uint64[] private _windowStarts;

    address private _recorder;
    address private _challenger;
    mapping(uint64 windowStart => uint8 reason) private _frozenReasons;

    /*//////////////////////////////////////////////////////////////
                               CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param initialOwner Account that may change forwarder and workflow identity.
    /// @param forwarder_ The KeystoneForwarder allowed to call onReport.
    /// @param workflowId The accepted workflow id.
    /// @param workflowName The accepted workflow name (bytes10 as CRE encodes it).
    /// @param workflowOwner The accepted workflow owner.
    constructor(
        address initialOwner,
        address forwarder_,
        bytes32 workflowId,
        bytes10 workflowName,
        address workflowOwner
    ) Ownable(initialOwner) {
        _setForwarder(forwarder_);
        _setWorkflowIdentity(workflowId, workflowName, workflowOwner);
    }

    /*//////////////////////////////////////////////////////////////
                                REPORTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDataLogger
    function onReport(bytes calldata metadata, bytes calldata report) external {
        if (msg.sender != _forwarder) revert DataLoggerUnauthorizedForwarder(msg.sender, _forwarder);
        _checkMetadata(metadata);
        _record(report);
    }

    /// @inheritdoc IDataLogger
    function recordWindow(bytes calldata report) external {
        if (msg.sender != _recorder) revert DataLoggerUnauthorizedRecorder(msg.sender, _recorder);
        _record(report);
    }

    /// @inheritdoc IDataLogger
    function freezeWindow(uint64 windowStart, uint8 reason, address challenger_, bytes32 leaf) external {
        if (msg.sender != _challenger) revert DataLoggerUnauthorizedChallenger(msg.sender, _challenger);
        _recordOf(windowStart);
        if (reason == 0) revert DataLoggerInvalidFreezeReason(reason);
        uint8 previous = _frozenReasons[windowStart];
        if (previous != 0) revert DataLoggerWindowFrozen(windowStart, previous);
        _frozenReasons[windowStart] = reason;
        emit WindowFrozen(windowStart, reason, challenger_, leaf);
    }

    /// @notice ERC-165: the forwarder only delivers to receivers that announce IReceiver.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        // 0x01ffc9a7 is IERC165's id; spelled out because IReceiver pins another OZ copy of IERC165.
        return interfaceId == type(IReceiver).interfaceId || interfaceId == 0x01ffc9a7;
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDataLogger
    function getWindow(uint64 windowStart) external view returns (WindowRecord memory) {
        return _recordOf(windowStart);
    }

    /// @inheritdoc IDataLogger
    function isRecorded(uint64 windowStart) public view returns (bool) {
        // A recorded window always has a non-zero root (checked in _checkWindow).
        return _windows[windowStart].root != bytes32(0);
    }

    /// @inheritdoc IDataLogger
    function windowCount() external view returns (uint256) {
        return _windowStarts.length;
    }

    /// @inheritdoc IDataLogger
    function windowStartAt(uint256 index) external view returns (uint64) {
        if (index >= _windowStarts.length) revert DataLoggerIndexOutOfBounds(index, _windowStarts.length);
        return _windowStarts[index];
    }

    /// @inheritdoc IDataLogger
    function verifyDeviceSummary(uint64 windowStart, DeviceSummary calldata summary, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        bytes32 root = _unfrozenRootOf(windowStart);
        return MerkleProof.verifyCalldata(proof, root, _summaryLeaf(summary));
    }

    /// @inheritdoc IDataLogger
    function verifyReading(
        uint64 windowStart,
        bytes calldata signedReading,
        bytes32[] calldata readingProof,
        DeviceSummary calldata summary,
        bytes32[] calldata summaryProof
    ) external view returns (bool) {
        bytes32 root = _unfrozenRootOf(windowStart);
        (ReadingCodec.Reading memory reading,,) = ReadingCodec.decodeSigned(signedReading);
        if (reading.deviceId != summary.deviceId) revert DataLoggerDeviceMismatch(reading.deviceId, summary.deviceId);

        bytes32 readingLeaf = keccak256(bytes.concat(keccak256(signedReading)));
        return MerkleProof.verifyCalldata(readingProof, summary.readingsRoot, readingLeaf)
            && MerkleProof.verifyCalldata(summaryProof, root, _summaryLeaf(summary));
    }

    /// @inheritdoc IDataLogger
    function isFrozen(uint64 windowStart) external view returns (bool) {
        return _frozenReasons[windowStart] != 0;
    }

    /// @inheritdoc IDataLogger
    function frozenReason(uint64 windowStart) external view returns (uint8) {
        return _frozenReasons[windowStart];
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
    function forwarder() external view returns (address) {
        return _forwarder;
    }

    /// @inheritdoc IDataLogger
    function workflowIdentity() external view returns (bytes32, bytes10, address) {
        return (_workflowId, _workflowName, _workflowOwner);
    }

    /*//////////////////////////////////////////////////////////////
                              CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDataLogger
    function setForwarder(address newForwarder) external onlyOwner {
        _setForwarder(newForwarder);
    }

    /// @inheritdoc IDataLogger
    function setWorkflowIdentity(bytes32 workflowId, bytes10 workflowName, address workflowOwner) external onlyOwner {
        _setWorkflowIdentity(workflowId, workflowName, workflowOwner);
    }

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
    function _record(bytes calldata report) internal virtual {
        WindowRecord memory record = _decodeReport(report);
        _checkWindow(record);

        record.recordedAt = uint64(block.timestamp);
        _windows[record.windowStart] = record;
        _windowStarts.push(record.windowStart);
        emit WindowRecorded(
            record.windowStart, record.root, record.cidDigest, record.deviceCount, record.readingCount, record.energyWh
        );
    }

    function _setForwarder(address newForwarder) private {
        if (newForwarder == address(0)) revert DataLoggerZeroAddress();
        address previous = _forwarder;
        _forwarder = newForwarder;
        emit ForwarderUpdated(previous, newForwarder);
    }

    function _setWorkflowIdentity(bytes32 workflowId, bytes10 workflowName, address workflowOwner) private {
        // All three are always checked, so none may be a "don't care" zero.
        if (workflowOwner == address(0)) revert DataLoggerZeroAddress();
        _workflowId = workflowId;
        _workflowName = workflowName;
        _workflowOwner = workflowOwner;
        emit WorkflowIdentityUpdated(workflowId, workflowName, workflowOwner);
    }

    function _checkMetadata(bytes calldata metadata) private view {
        if (metadata.length != METADATA_LENGTH) revert DataLoggerInvalidMetadataLength(metadata.length);
        bytes32 workflowId = bytes32(metadata[0:32]);
        bytes10 workflowName = bytes10(metadata[32:42]);
        address workflowOwner = address(bytes20(metadata[42:62]));
        if (workflowId != _workflowId) revert DataLoggerInvalidWorkflowId(workflowId, _workflowId);
        if (workflowName != _workflowName) revert DataLoggerInvalidWorkflowName(workflowName, _workflowName);
        if (workflowOwner != _workflowOwner) revert DataLoggerInvalidWorkflowOwner(workflowOwner, _workflowOwner);
    }

    function _decodeReport(bytes calldata report) private pure returns (WindowRecord memory record) {
        if (report.length != REPORT_LENGTH) revert DataLoggerInvalidReportLength(report.length);
        // Decoded as full words so an out-of-range field names its value instead of a bare abi.decode revert.
        (
            uint256 windowStart,
            uint256 windowSeconds,
            bytes32 root,
            bytes32 cidDigest,
            uint256 deviceCount,
            uint256 readingCount,
            uint256 energyWh
        ) = abi.decode(report, (uint256, uint256, bytes32, bytes32, uint256, uint256, uint256));
        _checkFits(0, windowStart, type(uint64).max);
        _checkFits(1, windowSeconds, type(uint32).max);
        _checkFits(4, deviceCount, type(uint32).max);
        _checkFits(5, readingCount, type(uint32).max);
        _checkFits(6, energyWh, type(uint64).max);
        // Each narrowing cast below was range-checked just above.
        // forge-lint: disable-start(unsafe-typecast)
        record = WindowRecord({
            root: root,
            cidDigest: cidDigest,
            windowStart: uint64(windowStart),
            windowSeconds: uint32(windowSeconds),
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

    function _checkWindow(WindowRecord memory r) private view {
        if (r.windowSeconds == 0 || HOUR_SECONDS % r.windowSeconds != 0) {
            revert DataLoggerInvalidWindowSeconds(r.windowSeconds);
        }
        if (r.windowStart % r.windowSeconds != 0) revert DataLoggerMisalignedWindow(r.windowStart, r.windowSeconds);
        // uint256 sum: windowStart near 2^64 must not overflow into a false "closed". A validator can skew the
        // timestamp by seconds only, far below any window length.
        if (uint256(r.windowStart) + r.windowSeconds > block.timestamp) {
            revert DataLoggerWindowNotClosed(r.windowStart, r.windowSeconds, block.timestamp);
        }
        if (isRecorded(r.windowStart)) revert DataLoggerWindowAlreadyRecorded(r.windowStart);
        if (r.root == bytes32(0)) revert DataLoggerEmptyRoot(r.windowStart);
        if (r.deviceCount == 0 || r.readingCount < r.deviceCount) {
            revert DataLoggerInvalidCounts(r.deviceCount, r.readingCount);
        }
    }

    function _recordOf(uint64 windowStart) private view returns (WindowRecord storage record) {
        record = _windows[windowStart];
        if (record.root == bytes32(0)) revert DataLoggerUnknownWindow(windowStart);
    }

    function _unfrozenRootOf(uint64 windowStart) private view returns (bytes32) {
        bytes32 root = _recordOf(windowStart).root;
        uint8 reason = _frozenReasons[windowStart];
        if (reason != 0) revert DataLoggerWindowFrozen(windowStart, reason);
        return root;
    }

    function _summaryLeaf(DeviceSummary calldata s) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(s))));
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IKeystoneReceiver} from "./IKeystoneReceiver.sol";

/// @title IDataLogger
/// @notice Stores one record per sealed window of meter readings, written by a Chainlink DON through the
/// KeystoneForwarder (CRE) or through the authorised recorder (the Chainlink Functions anchor), and proves single
/// readings against the stored Merkle root. A window proven fraudulent by the authorised challenger is frozen: it
/// stays readable (getWindow) but no reading or summary can be proven against it any more.
/// @dev onReport (IKeystoneReceiver: configured forwarder and workflow id, name and owner) takes `report` =
/// abi.encode(uint64 windowStart, uint32 windowSeconds, bytes32 root, bytes32 cidDigest, uint32 deviceCount,
/// uint32 readingCount, uint64 energyWh); recordWindow takes the same bytes from the recorder.
interface IDataLogger is IKeystoneReceiver {
    /// @notice What the DON attested for one window.
    /// @param root Merkle root over the window's device summary leaves.
    /// @param cidDigest SHA-256 of the window document (the digest of its IPFS CID).
    /// @param windowStart Unix seconds, aligned to windowSeconds.
    /// @param windowSeconds Window length: the logger's fixed `windowSeconds()`.
    /// @param deviceCount Devices with readings in the window.
    /// @param readingCount Readings in the window.
    /// @param energyWh Energy produced in the window over all devices, Wh.
    /// @param recordedAt Block timestamp of the recording.
    struct WindowRecord {
        bytes32 root;
        bytes32 cidDigest;
        uint64 windowStart;
        uint32 windowSeconds;
        uint32 deviceCount;
        uint32 readingCount;
        uint64 energyWh;
        uint64 recordedAt;
    }

    /// @notice One device's part of a window (the preimage of a window root leaf).
    struct DeviceSummary {
        bytes9 deviceId;
        bytes32 readingsRoot;
        uint32 readingCount;
        uint64 firstCounter;
        uint64 lastCounter;
        uint64 energyStartWh;
        uint64 energyEndWh;
        bytes32 baselineLeaf;
    }

    /// @notice Emitted after a window is recorded.
    event WindowRecorded(
        uint64 indexed windowStart,
        bytes32 root,
        bytes32 cidDigest,
        uint32 deviceCount,
        uint32 readingCount,
        uint64 energyWh
    );

    /// @notice Emitted after the challenger proved a window fraudulent; the window is frozen from here on.
    /// @param windowStart The frozen window.
    /// @param reason Why (WindowChallenger reason code: 1 bad signature, 2 timestamp outside the window, 3 counter
    /// outside the summary, 4 repeated counter, 5 falling energy, 6 device not registered when recorded).
    /// @param challenger Who proved it.
    /// @param leaf The reading leaf the proof is about.
    event WindowFrozen(uint64 indexed windowStart, uint8 reason, address indexed challenger, bytes32 leaf);

    /// @notice Emitted after the owner changes the recorder allowed to call recordWindow.
    event RecorderUpdated(address indexed previousRecorder, address indexed newRecorder);

    /// @notice Emitted after the owner changes the challenger allowed to call freezeWindow.
    event ChallengerUpdated(address indexed previousChallenger, address indexed newChallenger);

    /// @notice Thrown when recordWindow is called by anything but the configured recorder.
    error DataLoggerUnauthorizedRecorder(address sender, address expected);

    /// @notice Thrown when freezeWindow is called by anything but the configured challenger.
    error DataLoggerUnauthorizedChallenger(address sender, address expected);

    /// @notice Thrown when freezing with reason 0 (0 means "not frozen").
    error DataLoggerInvalidFreezeReason(uint8 reason);

    /// @notice Thrown when proving against, or freezing again, a window that is frozen.
    error DataLoggerWindowFrozen(uint64 windowStart, uint8 reason);

    /// @notice Thrown when the report is not 224 bytes.
    error DataLoggerInvalidReportLength(uint256 length);

    /// @notice Thrown when a report word does not fit its type (index 0..6 in report order).
    error DataLoggerReportFieldOverflow(uint256 index, uint256 value);

    /// @notice Thrown at deployment when the window length is zero or does not divide 3600.
    error DataLoggerInvalidWindowSeconds(uint32 windowSeconds);

    /// @notice Thrown when a report's windowSeconds is not the length fixed at deployment (windows of another length
    /// would overlap recorded ones).
    error DataLoggerWindowLengthMismatch(uint32 windowSeconds, uint32 expected);

    /// @notice Thrown when windowStart is not a multiple of the fixed window length.
    error DataLoggerMisalignedWindow(uint64 windowStart, uint32 windowSeconds);

    /// @notice Thrown when the window has not ended yet at this block.
    error DataLoggerWindowNotClosed(uint64 windowStart, uint32 windowSeconds, uint256 blockTimestamp);

    /// @notice Thrown when a window is reported twice.
    error DataLoggerWindowAlreadyRecorded(uint64 windowStart);

    /// @notice Thrown when the report's root is zero.
    error DataLoggerEmptyRoot(uint64 windowStart);

    /// @notice Thrown when the counts are not readingCount >= deviceCount > 0.
    error DataLoggerInvalidCounts(uint32 deviceCount, uint32 readingCount);

    /// @notice Thrown when a window was never recorded.
    error DataLoggerUnknownWindow(uint64 windowStart);

    /// @notice Thrown when an index is past the end of the window list.
    error DataLoggerIndexOutOfBounds(uint256 index, uint256 count);

    /// @notice Thrown when verifyReading gets a reading of another device than the summary.
    error DataLoggerDeviceMismatch(bytes9 readingDeviceId, bytes9 summaryDeviceId);

    /// @notice Records a window report delivered by the Chainlink Functions anchor (second oracle path).
    /// @dev MUST be called by the configured recorder. Same report bytes and same checks as onReport, so both paths
    /// leave identical records.
    function recordWindow(bytes calldata report) external;

    /// @notice Freezes a recorded window after a successful fraud proof.
    /// @dev MUST be called by the configured challenger, which checked the proof. Reverts DataLoggerUnknownWindow,
    /// DataLoggerWindowFrozen (already frozen) or DataLoggerInvalidFreezeReason (reason 0).
    function freezeWindow(uint64 windowStart, uint8 reason, address challenger, bytes32 leaf) external;

    /// @notice True once the window was proven fraudulent.
    function isFrozen(uint64 windowStart) external view returns (bool);

    /// @notice The reason code the window was frozen for; 0 when it is not frozen.
    function frozenReason(uint64 windowStart) external view returns (uint8);

    /// @notice The record of a window; reverts DataLoggerUnknownWindow if it was never recorded.
    function getWindow(uint64 windowStart) external view returns (WindowRecord memory);

    /// @notice The length of every window, fixed at deployment (divides 3600). Windows start at multiples of it.
    function windowSeconds() external view returns (uint32);

    /// @notice True when the window is recorded.
    function isRecorded(uint64 windowStart) external view returns (bool);

    /// @notice Number of recorded windows.
    function windowCount() external view returns (uint256);

    /// @notice Start of the window recorded at `index`, in recording order.
    function windowStartAt(uint256 index) external view returns (uint64);

    /// @notice True when `summary` is a leaf of the window's root under `proof`.
    /// @dev Reverts DataLoggerUnknownWindow for an unknown window and DataLoggerWindowFrozen for a frozen one.
    function verifyDeviceSummary(uint64 windowStart, DeviceSummary calldata summary, bytes32[] calldata proof)
        external
        view
        returns (bool);

    /// @notice True when the 107-byte signed reading is in `summary.readingsRoot` under `readingProof` and the
    /// summary is in the window's root under `summaryProof`. Does not check the device signature (see DeviceRegistry).
    /// @dev Reverts DataLoggerUnknownWindow for an unknown window, DataLoggerWindowFrozen for a frozen one (so no
    /// later claim can rest on it), a ReadingCodec error for malformed bytes and
    /// DataLoggerDeviceMismatch when the reading's device is not the summary's; a failed proof returns false.
    function verifyReading(
        uint64 windowStart,
        bytes calldata signedReading,
        bytes32[] calldata readingProof,
        DeviceSummary calldata summary,
        bytes32[] calldata summaryProof
    ) external view returns (bool);

    /// @notice The account allowed to call recordWindow (zero: none).
    function recorder() external view returns (address);

    /// @notice The account allowed to call freezeWindow (zero: none).
    function challenger() external view returns (address);

    /// @notice Changes the recorder (the Functions anchor); zero disables the second path. Owner only.
    function setRecorder(address newRecorder) external;

    /// @notice Changes the challenger (the WindowChallenger); zero disables freezing. Owner only.
    function setChallenger(address newChallenger) external;
}

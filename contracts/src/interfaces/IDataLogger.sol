// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IKeystoneReceiver} from "./IKeystoneReceiver.sol";

/// @title IDataLogger
/// @notice Stores one record per sealed window of meter readings, written by a Chainlink DON through the
/// KeystoneForwarder (CRE) or through the authorised recorder (the Chainlink Functions anchor), and proves single
/// readings against the stored Merkle root.
/// A window is anchored in two phases, commit then draw (protocol/README.md "Commit, then draw"): the DON first
/// commits the document digest the API serves (`WindowCommitted`, in block `commitBlock`); the sampling seed is the
/// hash of block `commitBlock + 1`, which did not exist when the digest was fixed; the record, of that same digest,
/// is accepted from block `commitBlock + 2` on. A fraud proof freezes one device's summary in one window (the other
/// devices stay provable); the DON may then record one corrected summary for it, verified in full.
/// @dev Reports (onReport from the forwarder, recordWindow from the recorder) are typed by their length:
/// - 64 bytes, commit: abi.encode(uint64 windowStart, bytes32 cidDigest);
/// - 224 bytes, record: abi.encode(uint64 windowStart, uint32 windowSeconds, bytes32 root, bytes32 cidDigest,
///   uint32 deviceCount, uint32 readingCount, uint64 energyWh);
/// - 128 bytes, correction: abi.encode(uint64 windowStart, bytes9 deviceId, bytes32 summaryLeaf, bytes32 cidDigest).
interface IDataLogger is IKeystoneReceiver {
    /// @notice What the DON attested for one window.
    /// @param root Merkle root over the window's device summary leaves.
    /// @param cidDigest SHA-256 of the window document (the digest of its IPFS CID), committed before the draw.
    /// @param windowStart Unix seconds, aligned to windowSeconds.
    /// @param windowSeconds Window length: the logger's fixed `windowSeconds()`.
    /// @param deviceCount Devices with readings in the window.
    /// @param readingCount Readings in the window.
    /// @param energyWh Energy produced in the window over all devices, Wh (as recorded: a frozen device's share
    /// stays in it; `totalsFrozenReason` says when the totals themselves were proven wrong).
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

    /// @notice Emitted after the DON committed the document digest of a window (phase one).
    /// @param seedBlock The block whose hash seeds the window's signature sample: `commitBlock + 1`.
    event WindowCommitted(uint64 indexed windowStart, bytes32 cidDigest, uint64 seedBlock);

    /// @notice Emitted after a window is recorded (phase two).
    event WindowRecorded(
        uint64 indexed windowStart,
        bytes32 root,
        bytes32 cidDigest,
        uint32 deviceCount,
        uint32 readingCount,
        uint64 energyWh
    );

    /// @notice Emitted after the challenger proved one device's summary in a window fraudulent; from here on no
    /// reading or summary of that device in that window is provable, until a correction is recorded.
    /// @param reason WindowChallenger reason code (see IWindowChallenger).
    /// @param challenger Who proved it.
    /// @param evidence The leaf the proof is about (a reading leaf, or a summary leaf).
    event DeviceFrozen(
        uint64 indexed windowStart, bytes9 indexed deviceId, uint8 reason, address indexed challenger, bytes32 evidence
    );

    /// @notice Emitted after the DON recorded a corrected summary for a frozen device; its proofs rest on
    /// `summaryLeaf` from here on (no proof up to the window root: the leaf is stored).
    event DeviceCorrected(uint64 indexed windowStart, bytes9 indexed deviceId, bytes32 summaryLeaf, bytes32 cidDigest);

    /// @notice Emitted after the challenger proved the window's totals (deviceCount, readingCount, energyWh) wrong.
    /// Device summaries stay provable: each is checked on its own.
    event WindowTotalsFrozen(uint64 indexed windowStart, uint8 reason, address indexed challenger);

    /// @notice Emitted after the owner changes the recorder allowed to call recordWindow.
    event RecorderUpdated(address indexed previousRecorder, address indexed newRecorder);

    /// @notice Emitted after the owner changes the challenger allowed to freeze.
    event ChallengerUpdated(address indexed previousChallenger, address indexed newChallenger);

    /// @notice Emitted after the owner pins another Functions source (keccak256 of its text).
    event FunctionsSourceHashUpdated(bytes32 previousHash, bytes32 newHash);

    /// @notice Thrown when recordWindow is called by anything but the configured recorder.
    error DataLoggerUnauthorizedRecorder(address sender, address expected);

    /// @notice Thrown when recordWindow names another Functions source than the pinned one.
    error DataLoggerFunctionsSourceMismatch(bytes32 sourceHash, bytes32 expected);

    /// @notice Thrown when a freeze is called by anything but the configured challenger.
    error DataLoggerUnauthorizedChallenger(address sender, address expected);

    /// @notice Thrown when freezing with reason 0 (0 means "not frozen").
    error DataLoggerInvalidFreezeReason(uint8 reason);

    /// @notice Thrown when proving against, or freezing again, a device summary that is frozen.
    error DataLoggerDeviceFrozen(uint64 windowStart, bytes9 deviceId, uint8 reason);

    /// @notice Thrown when freezing the totals of a window whose totals are frozen already.
    error DataLoggerTotalsFrozen(uint64 windowStart, uint8 reason);

    /// @notice Thrown when a report is none of the three lengths (64 commit, 224 record, 128 correction).
    error DataLoggerInvalidReportLength(uint256 length);

    /// @notice Thrown when a report word does not fit its type (index in report order).
    error DataLoggerReportFieldOverflow(uint256 index, uint256 value);

    /// @notice Thrown at deployment when the window length is zero or does not divide 3600.
    error DataLoggerInvalidWindowSeconds(uint32 windowSeconds);

    /// @notice Thrown when a report's windowSeconds is not the length fixed at deployment.
    error DataLoggerWindowLengthMismatch(uint32 windowSeconds, uint32 expected);

    /// @notice Thrown when windowStart is not a multiple of the fixed window length.
    error DataLoggerMisalignedWindow(uint64 windowStart, uint32 windowSeconds);

    /// @notice Thrown when the window has not ended yet at this block.
    error DataLoggerWindowNotClosed(uint64 windowStart, uint32 windowSeconds, uint256 blockTimestamp);

    /// @notice Thrown when a window is committed twice (a commitment is final: a new digest would re-draw the seed).
    error DataLoggerWindowAlreadyCommitted(uint64 windowStart, bytes32 cidDigest);

    /// @notice Thrown when a record arrives for a window whose digest was never committed.
    error DataLoggerWindowNotCommitted(uint64 windowStart);

    /// @notice Thrown when a record's cidDigest is not the committed one.
    error DataLoggerCommitmentMismatch(uint64 windowStart, bytes32 committed, bytes32 reported);

    /// @notice Thrown when a record arrives before its seed block exists (record from `commitBlock + 2`).
    error DataLoggerDrawPending(uint64 windowStart, uint256 seedBlock, uint256 blockNumber);

    /// @notice Thrown when a window is recorded twice.
    error DataLoggerWindowAlreadyRecorded(uint64 windowStart);

    /// @notice Thrown when the report's root or digest is zero.
    error DataLoggerEmptyRoot(uint64 windowStart);

    /// @notice Thrown when the counts are not readingCount >= deviceCount > 0.
    error DataLoggerInvalidCounts(uint32 deviceCount, uint32 readingCount);

    /// @notice Thrown when a window was never recorded.
    error DataLoggerUnknownWindow(uint64 windowStart);

    /// @notice Thrown when verifyReading gets a reading of another device than the summary.
    error DataLoggerDeviceMismatch(bytes9 readingDeviceId, bytes9 summaryDeviceId);

    /// @notice Thrown when a correction names a device that is not frozen in that window, or was corrected before.
    error DataLoggerNotCorrectable(uint64 windowStart, bytes9 deviceId, uint8 frozenReason, bool corrected);

    /// @notice Records a report delivered by the Chainlink Functions anchor (second oracle path).
    /// @dev MUST be called by the configured recorder, naming the pinned source. Same report bytes and checks as
    /// onReport, so both paths leave identical records.
    /// @param sourceHash keccak256 of the Functions source text the answering request ran.
    function recordWindow(bytes calldata report, bytes32 sourceHash) external;

    /// @notice Freezes one device's summary in a recorded window after a successful fraud proof.
    /// @dev MUST be called by the configured challenger, which checked the proof. Reverts DataLoggerUnknownWindow,
    /// DataLoggerDeviceFrozen (frozen already) or DataLoggerInvalidFreezeReason (reason 0).
    function freezeDevice(uint64 windowStart, bytes9 deviceId, uint8 reason, address challenger, bytes32 evidence)
        external;

    /// @notice Marks a recorded window's totals as proven wrong.
    /// @dev MUST be called by the configured challenger. Reverts DataLoggerUnknownWindow, DataLoggerTotalsFrozen,
    /// DataLoggerInvalidFreezeReason.
    function freezeTotals(uint64 windowStart, uint8 reason, address challenger) external;

    /// @notice Why a device's summary in a window is frozen; 0 when it is provable (never frozen, or corrected).
    function deviceFrozenReason(uint64 windowStart, bytes9 deviceId) external view returns (uint8);

    /// @notice The corrected summary leaf of a device in a window; zero when none was recorded.
    function correctionOf(uint64 windowStart, bytes9 deviceId) external view returns (bytes32);

    /// @notice Why the window's totals were proven wrong; 0 when they were not.
    function totalsFrozenReason(uint64 windowStart) external view returns (uint8);

    /// @notice The record of a window; reverts DataLoggerUnknownWindow if it was never recorded.
    function getWindow(uint64 windowStart) external view returns (WindowRecord memory);

    /// @notice The committed digest of a window and the block of the commit; zeros when none.
    function getCommitment(uint64 windowStart) external view returns (bytes32 cidDigest, uint64 commitBlock);

    /// @notice Blocks from a commit to the first block its record is accepted in (2: the seed block in between).
    function drawDelayBlocks() external view returns (uint256);

    /// @notice The length of every window, fixed at deployment (divides 3600). Windows start at multiples of it.
    function windowSeconds() external view returns (uint32);

    /// @notice True when the window's digest is committed (recorded or not).
    function isCommitted(uint64 windowStart) external view returns (bool);

    /// @notice True when the window is recorded.
    function isRecorded(uint64 windowStart) external view returns (bool);

    /// @notice True when `summary` is provable in the window: its leaf is in the window's root under `proof` (or is
    /// the device's corrected leaf, the proof then unused).
    /// @dev Reverts DataLoggerUnknownWindow for an unknown window and DataLoggerDeviceFrozen for a frozen device.
    function verifyDeviceSummary(uint64 windowStart, DeviceSummary calldata summary, bytes32[] calldata proof)
        external
        view
        returns (bool);

    /// @notice True when the 107-byte signed reading is in `summary.readingsRoot` under `readingProof` and the
    /// summary is provable in the window (verifyDeviceSummary). Does not check the device signature.
    /// @dev Reverts DataLoggerUnknownWindow, DataLoggerDeviceFrozen, a ReadingCodec error for malformed bytes and
    /// DataLoggerDeviceMismatch when the reading's device is not the summary's; a failed proof returns false.
    function verifyReading(
        uint64 windowStart,
        bytes calldata signedReading,
        bytes32[] calldata readingProof,
        DeviceSummary calldata summary,
        bytes32[] calldata summaryProof
    ) external view returns (bool);

    /// @notice True when `leaf` is in the window's recorded root under `proof`, whatever was frozen or corrected:
    /// the DON's original attestation, for the challenges that compare leaves of one window.
    function isInRecordedRoot(uint64 windowStart, bytes32 leaf, bytes32[] calldata proof) external view returns (bool);

    /// @notice The account allowed to call recordWindow (zero: none).
    function recorder() external view returns (address);

    /// @notice The account allowed to freeze (zero: none).
    function challenger() external view returns (address);

    /// @notice keccak256 of the one Functions source whose answers recordWindow accepts.
    function functionsSourceHash() external view returns (bytes32);

    /// @notice Changes the recorder (the Functions anchor); zero disables the second path. Owner only (a timelock).
    function setRecorder(address newRecorder) external;

    /// @notice Changes the challenger (the WindowChallenger); zero disables freezing. Owner only (a timelock).
    function setChallenger(address newChallenger) external;

    /// @notice Pins another Functions source. Owner only (a timelock).
    function setFunctionsSourceHash(bytes32 newHash) external;
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IDataLogger} from "./IDataLogger.sol";
import {IDeviceRegistry} from "./IDeviceRegistry.sol";

/// @title IWindowChallenger
/// @notice Fraud proofs against recorded windows. Anyone may prove that a reading inside a recorded window (two-level
/// Merkle proof, as DataLogger.verifyReading) breaks a rule the DON should have enforced; a proven window is frozen on
/// the DataLogger (event WindowFrozen there, with the reason, the challenger and the reading leaf).
/// @dev Reason codes: 1 the P-256 signature does not verify against the device's registered key (high-S counts as
/// invalid: the protocol requires low-S); 2 the reading's timestamp is outside [windowStart, windowStart +
/// windowSeconds); 3 the reading's counter is outside [summary.firstCounter, summary.lastCounter]; 4 two distinct
/// readings of one device share a counter; 5 a reading with a higher counter has less cumulative energy; 6 the device
/// was not registered when the window was recorded. A challenge that proves nothing reverts, changing nothing.
interface IWindowChallenger {
    /// @notice A reading and its proof up to its device's `readingsRoot`.
    struct ReadingInclusion {
        bytes signedReading;
        bytes32[] readingProof;
    }

    /// @notice A device summary and its proof up to the window's root.
    struct SummaryInclusion {
        IDataLogger.DeviceSummary summary;
        bytes32[] summaryProof;
    }

    /// @notice Thrown when the reading (or its summary) is not proven inside the window's root.
    error WindowChallengerNotInWindow(uint64 windowStart, bytes32 leaf);

    /// @notice Thrown when a signature challenge targets a device whose key type cannot be checked on chain (Ed25519).
    error WindowChallengerUnsupportedKeyType(bytes9 deviceId, uint8 keyType);

    /// @notice Thrown when the challenged reading breaks no rule. `reason` is the rule checked (1 for a signature
    /// challenge) or 0 when the function checks several (challengeReading: 2 and 3; challengeReadingPair: 4 and 5).
    error WindowChallengerChallengeRejected(uint64 windowStart, bytes32 leaf, uint8 reason);

    /// @notice Thrown when a pair challenge names the same reading twice.
    error WindowChallengerSameReading(bytes32 leaf);

    /// @notice Thrown when the constructor gets a zero address.
    error WindowChallengerZeroAddress();

    /// @notice Proves that a reading in the window carries a signature its device's registered P-256 key did not make
    /// (reason 1), or that the device was not registered when the window was recorded (reason 6), and freezes the
    /// window.
    /// @dev Reverts WindowChallengerUnsupportedKeyType for Ed25519 devices, WindowChallengerNotInWindow for a failed
    /// proof, WindowChallengerChallengeRejected for an honest reading, and the DataLogger's DataLoggerUnknownWindow /
    /// DataLoggerWindowFrozen / DataLoggerDeviceMismatch.
    function challengeSignature(uint64 windowStart, ReadingInclusion calldata reading, SummaryInclusion calldata device)
        external;

    /// @notice Proves that a reading in the window has a timestamp outside the window (reason 2) or a counter outside
    /// its summary's bounds (reason 3), and freezes the window.
    /// @dev Same reverts as challengeSignature, without the key type check.
    function challengeReading(uint64 windowStart, ReadingInclusion calldata reading, SummaryInclusion calldata device)
        external;

    /// @notice Proves that two distinct readings of one device in the window share a counter (reason 4) or that
    /// energy falls as the counter rises (reason 5), and freezes the window. The event's leaf is `b`'s.
    /// @dev Both readings MUST be proven under the same summary. Reverts WindowChallengerSameReading when both are
    /// the same bytes.
    function challengeReadingPair(
        uint64 windowStart,
        ReadingInclusion calldata a,
        ReadingInclusion calldata b,
        SummaryInclusion calldata device
    ) external;

    /// @notice The DataLogger whose windows are challenged.
    function dataLogger() external view returns (IDataLogger);

    /// @notice The DeviceRegistry holding the certified keys.
    function deviceRegistry() external view returns (IDeviceRegistry);

    /// @notice The window length the timestamp rule uses: the logger's, read at deployment (both are immutable).
    function windowSeconds() external view returns (uint32);
}

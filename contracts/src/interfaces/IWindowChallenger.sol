// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IDataLogger} from "./IDataLogger.sol";
import {IDeviceRegistry} from "./IDeviceRegistry.sol";

/// @title IWindowChallenger
/// @notice Permissionless fraud proofs against recorded windows: every rule the DON enforces on a window that a
/// recorded root can break has a challenge here (protocol/README.md "Fraud proofs" lists them, and the rules that are
/// not provable, with why). A proof freezes the offending device summary on the DataLogger (DeviceFrozen, with the
/// reason, the challenger and the leaf), or the window's totals (WindowTotalsFrozen). A challenge that proves
/// nothing reverts, changing nothing.
/// @dev Reason codes:
///  1 a P-256 signature does not verify against the device's certified key (high-S counts: the protocol is low-S);
///  2 a reading's timestamp is outside [windowStart, windowStart + windowSeconds);
///  3 a reading's counter is outside [summary.firstCounter, summary.lastCounter];
///  4 two distinct readings of one device share a counter;
///  5 a reading with a higher counter has less cumulative energy;
///  6 the device was not certified when the window was recorded (certifiedAt after the record, or unknown);
///  7 the summary contradicts itself (no readings, first counter above last, energy start above end, more readings
///    than counters in its range);
///  8 a reading's energy is outside [energyStartWh, energyEndWh], or the reading at lastCounter does not carry
///    energyEndWh, or (no baseline) the reading at firstCounter does not carry energyStartWh;
///  9 one reading leaf appears twice in a device's readings tree;
/// 10 the baseline reading (revealed) is not the device's, not before the window or the first counter, does not carry
///    energyStartWh, or does not verify under the device's P-256 key;
/// 11 the device's summary in a later window starts before its summary in an earlier window ends (counters overlap,
///    or energyStartWh below the earlier energyEndWh): energy counted twice;
/// 12 two summary leaves of one device in one window (or one leaf twice);
/// 13 the complete readings of a summary (all leaves of its readingsRoot) do not give its readingCount, first or last
///    counter;
/// 14 the window's totals are not the sums of its summaries (deviceCount, readingCount, energyWh);
/// 15 a reading's bytes are not a valid v1 signed reading (length, version, device id, status), or carry another
///    device's id than its summary;
/// 16 a reading is timestamped at or after its device's revocation (`timestamp >= revokedAt`, revokedAt != 0 in the
///    DeviceRegistry): a revoked meter's readings from its revocation on do not count.
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

    /// @notice A challenger's running sums over summaries proven so far (challengeTotals).
    struct TotalsAudit {
        bytes9 lastDeviceId;
        uint32 deviceCount;
        uint64 readingCount;
        uint128 energyWh;
    }

    /// @notice Emitted by challengeTotals while the sums stay within the record: the audit goes on.
    event TotalsAuditProgress(
        uint64 indexed windowStart,
        address indexed challenger,
        uint32 deviceCount,
        uint64 readingCount,
        uint128 energyWh
    );

    /// @notice Thrown when the reading (or its summary) is not proven inside the window's root.
    error WindowChallengerNotInWindow(uint64 windowStart, bytes32 leaf);

    /// @notice Thrown when a signature challenge targets a device whose key type cannot be checked on chain (Ed25519:
    /// the DON verifies every Ed25519 signature and never samples them, so there is nothing left to prove).
    error WindowChallengerUnsupportedKeyType(bytes9 deviceId, uint8 keyType);

    /// @notice Thrown when the challenge proves nothing. `reason` is the rule checked, or 0 when several were.
    error WindowChallengerChallengeRejected(uint64 windowStart, bytes32 leaf, uint8 reason);

    /// @notice Thrown when a pair challenge names the same reading twice with the same proof.
    error WindowChallengerSameReading(bytes32 leaf);

    /// @notice Thrown when two summaries of a two-summary challenge are not of one device.
    error WindowChallengerDeviceMismatch(bytes9 a, bytes9 b);

    /// @notice Thrown when a continuity challenge's windows are not in order.
    error WindowChallengerWindowsNotOrdered(uint64 earlierStart, uint64 laterStart);

    /// @notice Thrown when the summary has no baseline to reveal, or the revealed bytes are not its baseline.
    error WindowChallengerNotTheBaseline(bytes32 baselineLeaf, bytes32 revealedLeaf);

    /// @notice Thrown when challengeBatch is not given every reading (its multiproof must need no proof hashes).
    error WindowChallengerIncompleteBatch(uint256 proofLength);

    /// @notice Thrown when challengeTotals gets summaries out of ascending device order (each device counts once).
    error WindowChallengerNotAscending(bytes9 previous, bytes9 deviceId);

    /// @notice Thrown when a summary summed by challengeTotals contradicts itself: challengeSummary freezes it first.
    error WindowChallengerInconsistentSummary(bytes9 deviceId);

    /// @notice Thrown when a duplicate challenge targets a device whose leaf was replaced by a correction.
    error WindowChallengerCorrected(uint64 windowStart, bytes9 deviceId);

    /// @notice Thrown when the constructor gets a zero address.
    error WindowChallengerZeroAddress();

    /// @notice Reasons 1 and 6: a signature its device's certified P-256 key did not make, or a device not
    /// certified when the window was recorded.
    function challengeSignature(uint64 windowStart, ReadingInclusion calldata reading, SummaryInclusion calldata device)
        external;

    /// @notice Reasons 2, 3, 8, 15 and 16: a reading outside the window, outside its summary's counters, whose energy
    /// contradicts the summary's, that is not a valid reading of the summary's device, or that is timestamped at or
    /// after its device's revocation. The first rule broken, in that order, is the reason.
    function challengeReading(uint64 windowStart, ReadingInclusion calldata reading, SummaryInclusion calldata device)
        external;

    /// @notice Reasons 4, 5 and 9: two readings of one summary that share a counter, whose energy falls as the counter
    /// rises, or one leaf proven at two places (same bytes, different proofs). The event's leaf is `b`'s.
    function challengeReadingPair(
        uint64 windowStart,
        ReadingInclusion calldata a,
        ReadingInclusion calldata b,
        SummaryInclusion calldata device
    ) external;

    /// @notice Reason 7: a summary that contradicts itself.
    function challengeSummary(uint64 windowStart, SummaryInclusion calldata device) external;

    /// @notice Reason 13: given every reading of a summary (an OZ multiproof with no proof hashes), its readingCount,
    /// firstCounter and lastCounter are recomputed.
    function challengeBatch(
        uint64 windowStart,
        SummaryInclusion calldata device,
        bytes[] calldata signedReadings,
        bool[] calldata proofFlags
    ) external;

    /// @notice Reason 10: the summary's baseline reading, revealed, breaks a baseline rule.
    function challengeBaseline(uint64 windowStart, SummaryInclusion calldata device, bytes calldata baseline) external;

    /// @notice Reason 11: the later summary of one device overlaps the earlier one; freezes the later one.
    function challengeContinuity(
        uint64 earlierStart,
        SummaryInclusion calldata earlier,
        uint64 laterStart,
        SummaryInclusion calldata later
    ) external;

    /// @notice Reason 12: two summary leaves of one device in the recorded root, or one leaf at two places.
    function challengeDuplicateDevice(uint64 windowStart, SummaryInclusion calldata a, SummaryInclusion calldata b)
        external;

    /// @notice Reason 14, in as many calls as needed: summaries proven in the recorded root, in strictly ascending
    /// device order, are summed into the caller's audit of the window. The totals are frozen as soon as a running sum
    /// exceeds the record, or when deviceCount summaries are summed and the sums differ. Returns true on a freeze.
    /// @dev Reverts WindowChallengerChallengeRejected when deviceCount summaries sum to the record exactly.
    function challengeTotals(uint64 windowStart, SummaryInclusion[] calldata summaries) external returns (bool frozen);

    /// @notice A challenger's running audit of a window's totals.
    function totalsAudit(uint64 windowStart, address challenger) external view returns (TotalsAudit memory);

    /// @notice The DataLogger whose windows are challenged.
    function dataLogger() external view returns (IDataLogger);

    /// @notice The DeviceRegistry holding the certified keys.
    function deviceRegistry() external view returns (IDeviceRegistry);

    /// @notice The window length the timestamp rule uses: the logger's, read at deployment (both are immutable).
    function windowSeconds() external view returns (uint32);
}

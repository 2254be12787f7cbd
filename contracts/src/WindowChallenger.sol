// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {IDataLogger} from "./interfaces/IDataLogger.sol";
import {IDeviceRegistry} from "./interfaces/IDeviceRegistry.sol";
import {IWindowChallenger} from "./interfaces/IWindowChallenger.sol";
import {ReadingCodec} from "./libraries/ReadingCodec.sol";

/// @title WindowChallenger
/// @notice Permissionless fraud proofs against the DataLogger's windows. Holds the logger's narrow freeze rights and
/// nothing else: it cannot record, change or delete a window.
/// @dev Kept apart from the DataLogger so the logger's record path stays small and the proof rules can be replaced
/// (the logger's owner, a timelock, points `setChallenger` elsewhere) without migrating records. Every freeze
/// condition below is impossible for a window the DON verified honestly (the invariant suite checks it).
contract WindowChallenger is IWindowChallenger {
    uint8 public constant REASON_INVALID_SIGNATURE = 1;
    uint8 public constant REASON_TIMESTAMP_OUTSIDE_WINDOW = 2;
    uint8 public constant REASON_COUNTER_OUTSIDE_SUMMARY = 3;
    uint8 public constant REASON_REPEATED_COUNTER = 4;
    uint8 public constant REASON_ENERGY_DECREASED = 5;
    uint8 public constant REASON_DEVICE_NOT_REGISTERED = 6;
    uint8 public constant REASON_SUMMARY_INCONSISTENT = 7;
    uint8 public constant REASON_ENERGY_OUTSIDE_SUMMARY = 8;
    uint8 public constant REASON_DUPLICATE_READING = 9;
    uint8 public constant REASON_BASELINE_INVALID = 10;
    uint8 public constant REASON_CONTINUITY_BROKEN = 11;
    uint8 public constant REASON_DUPLICATE_DEVICE = 12;
    uint8 public constant REASON_BATCH_MISMATCH = 13;
    uint8 public constant REASON_TOTALS_MISMATCH = 14;
    uint8 public constant REASON_READING_INVALID = 15;
    uint8 public constant REASON_READING_AFTER_REVOCATION = 16;

    /// @dev Matches DeviceRegistry.KEY_TYPE_P256.
    uint8 private constant _KEY_TYPE_P256 = 1;

    IDataLogger private immutable _logger;
    IDeviceRegistry private immutable _registry;
    /// @dev The logger's length is immutable too, so this copy agrees with every window it ever records.
    uint32 private immutable _windowSeconds;

    mapping(uint64 windowStart => mapping(address challenger => TotalsAudit)) private _audits;

    /// @param logger The DataLogger whose windows are challenged (its owner must make this contract the challenger).
    /// @param registry The DeviceRegistry with the certified device keys.
    constructor(IDataLogger logger, IDeviceRegistry registry) {
        if (address(logger) == address(0) || address(registry) == address(0)) revert WindowChallengerZeroAddress();
        _logger = logger;
        _registry = registry;
        _windowSeconds = logger.windowSeconds();
    }

    /*//////////////////////////////////////////////////////////////
                           READING CHALLENGES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IWindowChallenger
    function challengeSignature(uint64 windowStart, ReadingInclusion calldata reading, SummaryInclusion calldata device)
        external
    {
        bytes32 leaf = _proveReading(windowStart, reading, device);
        (bool known, bytes memory publicKey) = _keyAtRecord(windowStart, device.summary.deviceId);
        if (!known) return _freeze(windowStart, device, REASON_DEVICE_NOT_REGISTERED, leaf);
        if (_p256Verifies(reading.signedReading, publicKey)) {
            revert WindowChallengerChallengeRejected(windowStart, leaf, REASON_INVALID_SIGNATURE);
        }
        _freeze(windowStart, device, REASON_INVALID_SIGNATURE, leaf);
    }

    /// @inheritdoc IWindowChallenger
    function challengeReading(uint64 windowStart, ReadingInclusion calldata reading, SummaryInclusion calldata device)
        external
    {
        // Proven without decoding (the logger's verifyReading decodes, and refuses bad bytes): bad bytes are evidence.
        _proveSummary(windowStart, device);
        bytes32 leaf = keccak256(bytes.concat(keccak256(reading.signedReading)));
        if (!MerkleProof.verifyCalldata(reading.readingProof, device.summary.readingsRoot, leaf)) {
            revert WindowChallengerNotInWindow(windowStart, leaf);
        }
        IDataLogger.DeviceSummary calldata s = device.summary;
        ReadingCodec.Reading memory r;
        try this.decodeSignedReading(reading.signedReading) returns (ReadingCodec.Reading memory decoded) {
            r = decoded;
        } catch {
            return _freeze(windowStart, device, REASON_READING_INVALID, leaf);
        }

        // uint256 sum: a window near 2^64 must not wrap into "inside".
        if (r.deviceId != s.deviceId) {
            _freeze(windowStart, device, REASON_READING_INVALID, leaf);
        } else if (r.timestamp < windowStart || r.timestamp >= uint256(windowStart) + _windowSeconds) {
            _freeze(windowStart, device, REASON_TIMESTAMP_OUTSIDE_WINDOW, leaf);
        } else if (r.counter < s.firstCounter || r.counter > s.lastCounter) {
            _freeze(windowStart, device, REASON_COUNTER_OUTSIDE_SUMMARY, leaf);
        } else if (
            r.energyWh < s.energyStartWh || r.energyWh > s.energyEndWh
                || (r.counter == s.lastCounter && r.energyWh != s.energyEndWh)
                || (r.counter == s.firstCounter && s.baselineLeaf == bytes32(0) && r.energyWh != s.energyStartWh)
        ) {
            _freeze(windowStart, device, REASON_ENERGY_OUTSIDE_SUMMARY, leaf);
        } else if (_isAfterRevocation(s.deviceId, r.timestamp)) {
            _freeze(windowStart, device, REASON_READING_AFTER_REVOCATION, leaf);
        } else {
            revert WindowChallengerChallengeRejected(windowStart, leaf, 0);
        }
    }

    /// @notice ReadingCodec.decodeSigned as an external call, so challengeReading can catch a malformed reading.
    function decodeSignedReading(bytes calldata signedReading) external pure returns (ReadingCodec.Reading memory r) {
        (r,,) = ReadingCodec.decodeSigned(signedReading);
    }

    /// @inheritdoc IWindowChallenger
    function challengeReadingPair(
        uint64 windowStart,
        ReadingInclusion calldata a,
        ReadingInclusion calldata b,
        SummaryInclusion calldata device
    ) external {
        bytes32 leafA = _proveReading(windowStart, a, device);
        bytes32 leafB = _proveReading(windowStart, b, device);
        if (leafA == leafB) {
            if (!_isDuplicate(leafA, a.readingProof, b.readingProof)) revert WindowChallengerSameReading(leafA);
            return _freeze(windowStart, device, REASON_DUPLICATE_READING, leafB);
        }
        (ReadingCodec.Reading memory ra,,) = ReadingCodec.decodeSigned(a.signedReading);
        (ReadingCodec.Reading memory rb,,) = ReadingCodec.decodeSigned(b.signedReading);
        if (ra.counter == rb.counter) {
            _freeze(windowStart, device, REASON_REPEATED_COUNTER, leafB);
        } else if (ra.counter < rb.counter ? ra.energyWh > rb.energyWh : rb.energyWh > ra.energyWh) {
            // Energy is cumulative: the higher counter must not carry less. Equal energy is an idle meter, allowed.
            _freeze(windowStart, device, REASON_ENERGY_DECREASED, leafB);
        } else {
            revert WindowChallengerChallengeRejected(windowStart, leafB, 0);
        }
    }

    /*//////////////////////////////////////////////////////////////
                           SUMMARY CHALLENGES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IWindowChallenger
    function challengeSummary(uint64 windowStart, SummaryInclusion calldata device) external {
        bytes32 leaf = _proveSummary(windowStart, device);
        if (!_isConsistent(device.summary)) return _freeze(windowStart, device, REASON_SUMMARY_INCONSISTENT, leaf);
        revert WindowChallengerChallengeRejected(windowStart, leaf, REASON_SUMMARY_INCONSISTENT);
    }

    /// @inheritdoc IWindowChallenger
    function challengeBatch(
        uint64 windowStart,
        SummaryInclusion calldata device,
        bytes[] calldata signedReadings,
        bool[] calldata proofFlags
    ) external {
        bytes32 leaf = _proveSummary(windowStart, device);
        IDataLogger.DeviceSummary calldata s = device.summary;
        uint256 n = signedReadings.length;
        bytes32[] memory leaves = new bytes32[](n);
        uint64 minCounter = type(uint64).max;
        uint64 maxCounter;
        for (uint256 i; i < n; ++i) {
            (ReadingCodec.Reading memory r,,) = ReadingCodec.decodeSigned(signedReadings[i]);
            if (r.counter < minCounter) minCounter = r.counter;
            if (r.counter > maxCounter) maxCounter = r.counter;
            leaves[i] = keccak256(bytes.concat(keccak256(signedReadings[i])));
        }
        // No proof hashes: every node is rebuilt from the given leaves, so they are all of the tree's leaves.
        bytes32[] memory noHashes = new bytes32[](0);
        if (n == 0 || !MerkleProof.multiProofVerify(noHashes, proofFlags, s.readingsRoot, leaves)) {
            revert WindowChallengerIncompleteBatch(n);
        }
        if (n != s.readingCount || minCounter != s.firstCounter || maxCounter != s.lastCounter) {
            return _freeze(windowStart, device, REASON_BATCH_MISMATCH, leaf);
        }
        revert WindowChallengerChallengeRejected(windowStart, leaf, REASON_BATCH_MISMATCH);
    }

    /// @inheritdoc IWindowChallenger
    function challengeBaseline(uint64 windowStart, SummaryInclusion calldata device, bytes calldata baseline) external {
        _proveSummary(windowStart, device);
        IDataLogger.DeviceSummary calldata s = device.summary;
        bytes32 revealed = keccak256(bytes.concat(keccak256(baseline)));
        if (s.baselineLeaf == bytes32(0) || revealed != s.baselineLeaf) {
            revert WindowChallengerNotTheBaseline(s.baselineLeaf, revealed);
        }
        (ReadingCodec.Reading memory b,,) = ReadingCodec.decodeSigned(baseline);
        bool broken = b.deviceId != s.deviceId || b.timestamp >= windowStart || b.counter >= s.firstCounter
            || b.energyWh != s.energyStartWh;
        if (!broken) {
            (bool known, bytes memory publicKey) = _keyAtRecord(windowStart, s.deviceId);
            // An uncertified device is reason 6, proven by challengeSignature with any of its readings.
            broken = known && !_p256Verifies(baseline, publicKey);
        }
        if (broken) return _freeze(windowStart, device, REASON_BASELINE_INVALID, revealed);
        revert WindowChallengerChallengeRejected(windowStart, revealed, REASON_BASELINE_INVALID);
    }

    /// @inheritdoc IWindowChallenger
    function challengeContinuity(
        uint64 earlierStart,
        SummaryInclusion calldata earlier,
        uint64 laterStart,
        SummaryInclusion calldata later
    ) external {
        if (earlierStart >= laterStart) {
            revert WindowChallengerWindowsNotOrdered(earlierStart, laterStart);
        }
        IDataLogger.DeviceSummary calldata e = earlier.summary;
        IDataLogger.DeviceSummary calldata l = later.summary;
        if (e.deviceId != l.deviceId) revert WindowChallengerDeviceMismatch(e.deviceId, l.deviceId);
        // Both must be provable: a frozen earlier summary is no evidence against the later one.
        _proveSummary(earlierStart, earlier);
        bytes32 leaf = _proveSummary(laterStart, later);
        if (e.lastCounter >= l.firstCounter || e.energyEndWh > l.energyStartWh) {
            return _freeze(laterStart, later, REASON_CONTINUITY_BROKEN, leaf);
        }
        revert WindowChallengerChallengeRejected(laterStart, leaf, REASON_CONTINUITY_BROKEN);
    }

    /// @inheritdoc IWindowChallenger
    function challengeDuplicateDevice(uint64 windowStart, SummaryInclusion calldata a, SummaryInclusion calldata b)
        external
    {
        bytes9 deviceId = a.summary.deviceId;
        if (deviceId != b.summary.deviceId) revert WindowChallengerDeviceMismatch(deviceId, b.summary.deviceId);
        // The original attestation is what is wrong: a correction replaced it and ended the question.
        if (_logger.correctionOf(windowStart, deviceId) != bytes32(0)) {
            revert WindowChallengerCorrected(windowStart, deviceId);
        }
        bytes32 leafA = _inRecordedRoot(windowStart, a);
        bytes32 leafB = _inRecordedRoot(windowStart, b);
        if (leafA == leafB && !_isDuplicate(leafA, a.summaryProof, b.summaryProof)) {
            revert WindowChallengerSameReading(leafA);
        }
        _freeze(windowStart, b, REASON_DUPLICATE_DEVICE, leafB);
    }

    /*//////////////////////////////////////////////////////////////
                            TOTALS CHALLENGE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IWindowChallenger
    function challengeTotals(uint64 windowStart, SummaryInclusion[] calldata summaries) external returns (bool) {
        IDataLogger.WindowRecord memory record = _logger.getWindow(windowStart);
        TotalsAudit memory audit = _audits[windowStart][msg.sender];
        for (uint256 i; i < summaries.length; ++i) {
            IDataLogger.DeviceSummary calldata s = summaries[i].summary;
            if (s.deviceId <= audit.lastDeviceId) revert WindowChallengerNotAscending(audit.lastDeviceId, s.deviceId);
            _inRecordedRoot(windowStart, summaries[i]);
            if (s.energyEndWh < s.energyStartWh) revert WindowChallengerInconsistentSummary(s.deviceId);
            audit.lastDeviceId = s.deviceId;
            audit.deviceCount += 1;
            audit.readingCount += s.readingCount;
            audit.energyWh += s.energyEndWh - s.energyStartWh;
        }
        bool over = audit.deviceCount > record.deviceCount || audit.readingCount > record.readingCount
            || audit.energyWh > record.energyWh;
        bool complete = audit.deviceCount == record.deviceCount;
        if (over || (complete && (audit.readingCount != record.readingCount || audit.energyWh != record.energyWh))) {
            delete _audits[windowStart][msg.sender];
            _logger.freezeTotals(windowStart, REASON_TOTALS_MISMATCH, msg.sender);
            return true;
        }
        if (complete) revert WindowChallengerChallengeRejected(windowStart, record.root, REASON_TOTALS_MISMATCH);
        _audits[windowStart][msg.sender] = audit;
        emit TotalsAuditProgress(windowStart, msg.sender, audit.deviceCount, audit.readingCount, audit.energyWh);
        return false;
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IWindowChallenger
    function totalsAudit(uint64 windowStart, address challenger) external view returns (TotalsAudit memory) {
        return _audits[windowStart][challenger];
    }

    /// @inheritdoc IWindowChallenger
    function dataLogger() external view returns (IDataLogger) {
        return _logger;
    }

    /// @inheritdoc IWindowChallenger
    function deviceRegistry() external view returns (IDeviceRegistry) {
        return _registry;
    }

    /// @inheritdoc IWindowChallenger
    function windowSeconds() external view returns (uint32) {
        return _windowSeconds;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev The logger's verifyReading is the one definition of "in the window"; it refuses frozen devices too.
    function _proveReading(uint64 windowStart, ReadingInclusion calldata reading, SummaryInclusion calldata device)
        private
        view
        returns (bytes32 leaf)
    {
        leaf = keccak256(bytes.concat(keccak256(reading.signedReading)));
        if (!_logger.verifyReading(
                windowStart, reading.signedReading, reading.readingProof, device.summary, device.summaryProof
            )) {
            revert WindowChallengerNotInWindow(windowStart, leaf);
        }
    }

    function _proveSummary(uint64 windowStart, SummaryInclusion calldata device) private view returns (bytes32 leaf) {
        leaf = keccak256(bytes.concat(keccak256(abi.encode(device.summary))));
        if (!_logger.verifyDeviceSummary(windowStart, device.summary, device.summaryProof)) {
            revert WindowChallengerNotInWindow(windowStart, leaf);
        }
    }

    /// @dev In the DON's original root, corrections and freezes aside (what totals and duplicates are about).
    function _inRecordedRoot(uint64 windowStart, SummaryInclusion calldata device) private view returns (bytes32 leaf) {
        leaf = keccak256(bytes.concat(keccak256(abi.encode(device.summary))));
        if (!_logger.isInRecordedRoot(windowStart, leaf, device.summaryProof)) {
            revert WindowChallengerNotInWindow(windowStart, leaf);
        }
    }

    /// @dev Whether the device was certified when the window was recorded, and its key. Ids are never removed or
    /// reused, so "unknown now" or "certified later" means unknown at record time. Reverts for Ed25519 keys.
    function _keyAtRecord(uint64 windowStart, bytes9 deviceId) private view returns (bool, bytes memory) {
        uint64 recordedAt = _logger.getWindow(windowStart).recordedAt;
        IDeviceRegistry.Device memory certified = _deviceOrZero(deviceId);
        if (certified.keyType == 0 || certified.certifiedAt > recordedAt) return (false, "");
        if (certified.keyType != _KEY_TYPE_P256) {
            revert WindowChallengerUnsupportedKeyType(certified.deviceId, certified.keyType);
        }
        return (true, certified.publicKey);
    }

    /// @dev Whether the device's revocation (if any) came at or before `timestamp`: the reading does not count.
    /// Revocation is final and its time never changes, so this holds whenever it is asked.
    function _isAfterRevocation(bytes9 deviceId, uint64 timestamp) private view returns (bool) {
        uint64 revokedAt = _deviceOrZero(deviceId).revokedAt;
        return revokedAt != 0 && timestamp >= revokedAt;
    }

    /// @dev getDevices, not getDevice: an unknown id is evidence here, not an error (a zeroed entry).
    function _deviceOrZero(bytes9 deviceId) private view returns (IDeviceRegistry.Device memory) {
        bytes9[] memory ids = new bytes9[](1);
        ids[0] = deviceId;
        return _registry.getDevices(ids)[0];
    }

    /// @dev Given two valid proofs of `leaf` to one root: the leaf sits in the tree twice when the proofs differ (two
    /// paths to one root, short of a collision) or when its sibling is itself (two copies side by side: then both
    /// proofs are the same, and the first hash of the proof is the leaf).
    function _isDuplicate(bytes32 leaf, bytes32[] calldata proofA, bytes32[] calldata proofB)
        private
        pure
        returns (bool)
    {
        if (proofA.length != 0 && proofA[0] == leaf) return true;
        return keccak256(abi.encode(proofA)) != keccak256(abi.encode(proofB));
    }

    /// @dev The summary's own fields agree: readings exist, counters and energy run forward, and no more readings
    /// than counters in [firstCounter, lastCounter] (counters strictly increase).
    function _isConsistent(IDataLogger.DeviceSummary calldata s) private pure returns (bool) {
        return s.readingCount != 0 && s.firstCounter <= s.lastCounter && s.energyStartWh <= s.energyEndWh
            && uint256(s.readingCount) <= uint256(s.lastCounter) - s.firstCounter + 1;
    }

    function _p256Verifies(bytes calldata signedReading, bytes memory publicKey) private view returns (bool) {
        (bytes32 qx, bytes32 qy) = abi.decode(publicKey, (bytes32, bytes32));
        bytes32 r = bytes32(signedReading[43:75]);
        bytes32 s = bytes32(signedReading[75:107]);
        // P256.verify refuses high-S, which the protocol forbids too: such a signature is a valid fraud proof.
        return P256.verify(sha256(signedReading[:43]), r, s, qx, qy);
    }

    function _freeze(uint64 windowStart, SummaryInclusion calldata device, uint8 reason, bytes32 evidence) private {
        _logger.freezeDevice(windowStart, device.summary.deviceId, reason, msg.sender, evidence);
    }
}

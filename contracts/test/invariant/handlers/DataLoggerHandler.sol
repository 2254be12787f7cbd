// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {KeystoneForwarder} from "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol";
import {DataLogger} from "../../../src/DataLogger.sol";
import {DeviceRegistry} from "../../../src/DeviceRegistry.sol";
import {WindowChallenger} from "../../../src/WindowChallenger.sol";
import {IDataLogger} from "../../../src/interfaces/IDataLogger.sol";
import {IWindowChallenger} from "../../../src/interfaces/IWindowChallenger.sol";
import {WindowFixture} from "../../utils/WindowFixture.sol";

/// @notice Drives the DataLogger through the real forwarder and the real WindowChallenger: commits and records of
/// aligned and misaligned starts, closed and unclosed windows, wrong digests and lengths, replayed execution ids, time
/// and block moves, every challenge against honest windows, the proof of each lying window's lie, corrections. The
/// ghost is an independent model of the logger's rules: what each delivery must do, and the whole record it must leave.
/// @dev Every window (honest and lying, per start) is built once, in the constructor, which runs before the campaign's
/// snapshot: signatures, trees and proofs are read from the cache, so a call costs a delivery or a challenge, no more.
contract DataLoggerHandler is WindowFixture {
    bytes9 internal constant SOLAR = "SOLR_0001";
    bytes9 internal constant WIND = "WIND_0002";
    uint256 internal constant SOLAR_KEY = 0x5011A2;
    uint256 internal constant WIND_KEY = 0x3140D;
    uint256 internal constant FORGER_KEY = 0xF0463;
    /// @notice Starts WINDOW_START + i * WINDOW_SECONDS for i < STARTS (each also misaligned by 1, 150 or 299 s).
    uint64 public constant STARTS = 24;

    /// @notice The lie a lying window carries (by start index, i % 4); its proof and the reason it freezes with.
    uint256 internal constant LIE_FORGED_SIGNATURE = 0; // WIND's 2nd reading signed by another key: reason 1
    uint256 internal constant LIE_LATE_TIMESTAMP = 1; // WIND's 2nd reading stamped after the window: reason 2
    uint256 internal constant LIE_OTHER_DEVICE = 2; // a SOLAR reading inside WIND's readingsRoot: reason 15
    uint256 internal constant LIE_TOTALS = 3; // honest summaries, energy total 1 Wh too high: reason 14 (totals)

    /// @notice The ghost of one start: what the logger must hold for it.
    struct Ghost {
        bool committed;
        bytes32 cidDigest;
        uint64 commitBlock;
        bool recorded;
        bytes32 root;
        uint32 deviceCount;
        uint32 readingCount;
        uint64 energyWh;
        uint64 recordedAt;
        bool honest;
        uint256 commitsAccepted;
        uint256 recordsAccepted;
    }

    /// @notice A delivered report, for replays.
    struct Sent {
        bytes raw;
        bytes32 executionId;
        uint64 start;
    }

    /// @notice One built window (device 0 SOLAR: 3 readings and, after the first start, a baseline; device 1 WIND: 2
    /// readings), with everything a challenge needs.
    struct Case {
        bytes32 root;
        uint32 readingCount;
        uint64 energyWh;
        IDataLogger.DeviceSummary[2] summaries;
        bytes32[][2] summaryProofs;
        bytes[][2] signed;
        bytes32[][][2] readingProofs;
        /// @dev Each device's signed readings in ascending leaf order: a complete multiproof (challengeBatch).
        bytes[][2] batch;
        bytes solarBaseline;
        /// @dev WIND's corrected summary (its first reading only), the DON's correction after a freeze.
        IDataLogger.DeviceSummary corrected;
    }

    WindowChallenger internal _challenger;
    mapping(uint256 index => mapping(bool honest => Case)) internal _cases;

    mapping(uint64 start => Ghost) internal _ghosts;
    uint64[] public ghost_touched;
    mapping(uint64 start => bool) internal _isTouched;
    uint64[] public ghost_committedStarts;
    uint64[] public ghost_recordedStarts;
    uint64[] public ghost_honestRecorded;
    uint64[] public ghost_lyingRecorded;
    /// @notice Lying windows whose lie was proven (WIND frozen, or the totals).
    uint64[] public ghost_provenStarts;
    mapping(uint64 start => uint8) public ghost_windFrozenReason;
    mapping(uint64 start => uint8) public ghost_totalsFrozenReason;
    mapping(uint64 start => bytes32) public ghost_windCorrection;
    Sent[] internal _sent;

    /// @notice Deliveries whose outcome (accepted or refused) is not what the rules say: must stay 0.
    uint256 public ghost_unexpectedOutcomes;
    /// @notice Challenges of honest summaries or totals that froze something: must stay 0.
    uint256 public ghost_honestFrozen;
    /// @notice Proofs of a planted lie that did not freeze as expected: must stay 0.
    uint256 public ghost_liesNotFrozen;
    mapping(bytes32 => uint256) public calls;

    constructor(KeystoneForwarder forwarder, DataLogger logger, DeviceRegistry registry, WindowChallenger challenger) {
        _forwarder = forwarder;
        _logger = logger;
        _registry = registry;
        _challenger = challenger;
        for (uint64 i; i < STARTS; ++i) {
            _cache(i, true);
            _cache(i, false);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Commits a start: aligned (5 in 8) or misaligned, closed or not (starts run past the clock).
    function commit(uint256 index, uint256 offset, bool honest) external {
        calls["commit"]++;
        uint64 start = _startAt(index, offset);
        _touch(start);
        bytes memory payload = _commitPayload(start, _documentOf(start));
        if (!_ghosts[start].committed) _ghosts[start].honest = honest;
        _send(payload, start);
    }

    /// @notice Records a touched start: the true record (most of the time), or with another digest or length.
    function record(uint256 pick, uint256 variant) external {
        calls["record"]++;
        if (ghost_touched.length == 0) return;
        // 3 in 4 of a committed start (when there is one), else of any touched start.
        uint64 start = ghost_committedStarts.length != 0 && variant % 32 >= 8
            ? ghost_committedStarts[pick % ghost_committedStarts.length]
            : ghost_touched[pick % ghost_touched.length];
        Case storage c = _caseOf(start);
        bytes32 digest = _documentOf(start);
        uint32 length = WINDOW_SECONDS;
        variant %= 8;
        if (variant == 6) digest = keccak256(abi.encode("another document", start));
        if (variant == 7) length = 600;
        _send(_payload(start, length, c.root, digest, 2, c.readingCount, c.energyWh), start);
    }

    /// @notice Delivers an earlier report again under its execution id.
    function replay(uint256 pick) external {
        calls["replay"]++;
        if (_sent.length == 0) return;
        Sent memory s = _sent[pick % _sent.length];
        bool succeededBefore = _succeeded(s.executionId);
        bytes memory payload = _payloadOf(s.raw);
        bool expected = !succeededBefore && _expectAccepted(payload);
        try _forwarder.report(address(_logger), s.raw, _reportContext, _signatures(s.raw, F + 1)) {
            if (succeededBefore) ghost_unexpectedOutcomes++;
        } catch {
            // The forwarder refuses a transmission that already succeeded (AlreadyAttempted).
            if (!succeededBefore) ghost_unexpectedOutcomes++;
            return;
        }
        _settle(payload, s.start, s.executionId, expected);
    }

    /// @notice Moves time forward (closing windows) and mines blocks (passing the draw).
    function advance(uint256 secondsAhead, uint256 blocks) external {
        calls["advance"]++;
        vm.warp(block.timestamp + _bound(secondsAhead, 0, 2 * WINDOW_SECONDS));
        vm.roll(block.number + _bound(blocks, 0, 3));
    }

    /// @notice Tries one challenge (of the 9, every reason 1-15) against an honest summary: an honest window's devices
    /// and totals, or the honest SOLAR of a lying window. Each must revert (or, totals in part, freeze nothing).
    function challengeHonest(uint256 pick, uint256 which, uint256 variant) external {
        calls["challengeHonest"]++;
        uint256 n = ghost_recordedStarts.length;
        if (n == 0) return;
        uint64 start = ghost_recordedStarts[pick % n];
        bool honest = _ghosts[start].honest;
        which %= 9;
        // A lying window's WIND is the lie and its totals may be: only SOLAR, whose summary is honest everywhere.
        if (!honest && which == 8) which = variant % 8;
        uint256 d = honest ? variant % 2 : 0;
        (bool ok, bytes memory ret) = address(_challenger).call(_honestChallenge(start, which, d, variant));
        if (ok && (which != 8 || abi.decode(ret, (bool)))) ghost_honestFrozen++;
    }

    /// @notice Proves a lying window's lie with the challenge for its kind: WIND (or the totals) must freeze with the
    /// kind's reason; SOLAR stays provable (checked by the invariants).
    function challengeLie(uint256 pick) external {
        calls["challengeLie"]++;
        uint256 n = ghost_lyingRecorded.length;
        if (n == 0) return;
        uint64 start = ghost_lyingRecorded[pick % n];
        uint256 index = _indexOf(start);
        Case storage c = _cases[index][false];
        uint256 kind = index % 4;
        if (kind == LIE_TOTALS) {
            if (ghost_totalsFrozenReason[start] != 0) return;
            IWindowChallenger.SummaryInclusion[] memory all = new IWindowChallenger.SummaryInclusion[](2);
            all[0] = _inclusion(c, 0);
            all[1] = _inclusion(c, 1);
            try _challenger.challengeTotals(start, all) returns (bool frozen) {
                if (!frozen || _logger.totalsFrozenReason(start) != 14) ghost_liesNotFrozen++;
                ghost_totalsFrozenReason[start] = 14;
                ghost_provenStarts.push(start);
            } catch {
                ghost_liesNotFrozen++;
            }
            return;
        }
        if (ghost_windFrozenReason[start] != 0 || ghost_windCorrection[start] != bytes32(0)) return;
        IWindowChallenger.ReadingInclusion memory lie =
            IWindowChallenger.ReadingInclusion(c.signed[1][1], c.readingProofs[1][1]);
        bytes memory call = kind == LIE_FORGED_SIGNATURE
            ? abi.encodeCall(_challenger.challengeSignature, (start, lie, _inclusion(c, 1)))
            : abi.encodeCall(_challenger.challengeReading, (start, lie, _inclusion(c, 1)));
        uint8 reason = kind == LIE_FORGED_SIGNATURE ? 1 : kind == LIE_LATE_TIMESTAMP ? 2 : 15;
        (bool ok,) = address(_challenger).call(call);
        if (!ok || _logger.deviceFrozenReason(start, WIND) != reason) {
            ghost_liesNotFrozen++;
            return;
        }
        ghost_windFrozenReason[start] = reason;
        ghost_provenStarts.push(start);
    }

    /// @notice The DON's correction for WIND in a window: accepted once, only after a freeze; SOLAR never.
    function correct(uint256 pick, bool otherDevice) external {
        calls["correct"]++;
        if (ghost_recordedStarts.length == 0) return;
        uint64 start = ghost_recordedStarts[pick % ghost_recordedStarts.length];
        bytes9 deviceId = otherDevice ? SOLAR : WIND;
        bytes32 leaf = _leaf(abi.encode(_caseOf(start).corrected));
        bool expected = !otherDevice && ghost_windFrozenReason[start] != 0;
        bytes32 executionId = _correct(start, deviceId, leaf);
        if (_succeeded(executionId) != expected) ghost_unexpectedOutcomes++;
        if (expected) {
            ghost_windFrozenReason[start] = 0;
            ghost_windCorrection[start] = leaf;
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function ghost(uint64 start) external view returns (Ghost memory) {
        return _ghosts[start];
    }

    /// @notice Every touched start and its ghost, in one call (the invariants read them after every call).
    function ghosts() external view returns (uint64[] memory starts, Ghost[] memory gs) {
        starts = ghost_touched;
        gs = new Ghost[](starts.length);
        for (uint256 i; i < starts.length; ++i) {
            gs[i] = _ghosts[starts[i]];
        }
    }

    function recordedStarts() external view returns (uint64[] memory) {
        return ghost_recordedStarts;
    }

    function honestStarts() external view returns (uint64[] memory) {
        return ghost_honestRecorded;
    }

    function provenStarts() external view returns (uint64[] memory) {
        return ghost_provenStarts;
    }

    function ghost_touchedCount() external view returns (uint256) {
        return ghost_touched.length;
    }

    function ghost_recordedCount() external view returns (uint256) {
        return ghost_recordedStarts.length;
    }

    function ghost_honestCount() external view returns (uint256) {
        return ghost_honestRecorded.length;
    }

    function ghost_provenCount() external view returns (uint256) {
        return ghost_provenStarts.length;
    }

    /// @notice The summary of device `d` (0 SOLAR, 1 WIND) of the window at `start`, with its proof, as sealed.
    function summaryOf(uint64 start, uint256 d)
        external
        view
        returns (IDataLogger.DeviceSummary memory, bytes32[] memory)
    {
        Case storage c = _caseOf(start);
        return (c.summaries[d], c.summaryProofs[d]);
    }

    /// @notice WIND's corrected summary in the window at `start`.
    function correctedOf(uint64 start) external view returns (IDataLogger.DeviceSummary memory) {
        return _caseOf(start).corrected;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _startAt(uint256 index, uint256 offset) internal pure returns (uint64 start) {
        start = WINDOW_START + uint64(_bound(index, 0, STARTS - 1)) * WINDOW_SECONDS;
        // 5 in 8 aligned; the rest 1, 150 or 299 s off.
        offset %= 8;
        if (offset == 0) start += 1;
        if (offset == 1) start += 150;
        if (offset == 2) start += WINDOW_SECONDS - 1;
    }

    function _indexOf(uint64 start) internal pure returns (uint256) {
        return (start - WINDOW_START) / WINDOW_SECONDS;
    }

    /// @notice The built window a start records (a misaligned start, always refused, uses its aligned start's).
    function _caseOf(uint64 start) internal view returns (Case storage) {
        return _cases[_indexOf(start)][_ghosts[start].honest];
    }

    function _touch(uint64 start) internal {
        if (_isTouched[start]) return;
        _isTouched[start] = true;
        ghost_touched.push(start);
    }

    /// @notice Builds the window at start index `i` (honest, or with lie i % 4) and caches it. Counters and energy
    /// rise with i, and SOLAR's baseline is its last reading of the window before: consecutive honest windows are
    /// continuous, so challengeContinuity and challengeBaseline have honest cases to refuse.
    function _cache(uint64 i, bool honest) internal {
        uint64 start = WINDOW_START + i * WINDOW_SECONDS;
        uint256 kind = i % 4;
        _startWindow(start);
        uint64 c0 = 100 + 10 * i;
        uint64 e0 = 1000 + 30 * i;
        ReadingSpec[] memory solar = new ReadingSpec[](3);
        solar[0] = _spec(c0, 0, e0, SOLAR_KEY);
        solar[1] = _spec(c0 + 1, 60, e0 + 10, SOLAR_KEY);
        solar[2] = _spec(c0 + 2, 120, e0 + 20, SOLAR_KEY);
        _addDevice(SOLAR, solar);
        bytes memory baseline;
        if (i > 0) {
            baseline = _signed107(SOLAR, ReadingSpec(c0 - 8, start - WINDOW_SECONDS + 120, e0 - 10, SOLAR_KEY, false));
            _setBaseline(0, baseline);
        }
        uint64 w0 = 200 + 10 * i;
        uint64 we = 500 + 100 * i;
        ReadingSpec memory first = _spec(w0, 30, we, WIND_KEY);
        ReadingSpec memory second = _spec(w0 + 1, 90, we + 50, WIND_KEY);
        if (!honest && kind == LIE_FORGED_SIGNATURE) second.signerKey = FORGER_KEY;
        if (!honest && kind == LIE_LATE_TIMESTAMP) second.timestamp = start + WINDOW_SECONDS;
        bytes[] memory wind = new bytes[](2);
        wind[0] = _signed107(WIND, first);
        wind[1] = !honest && kind == LIE_OTHER_DEVICE ? _signed107(SOLAR, second) : _signed107(WIND, second);
        _addSignedDevice(WIND, wind);
        (_summaries[1].firstCounter, _summaries[1].lastCounter) = (w0, w0 + 1);
        (_summaries[1].energyStartWh, _summaries[1].energyEndWh) = (we, we + 50);

        Case storage c = _cases[i][honest];
        c.root = _sealWindow();
        (, uint32 readingCount, uint64 energyWh) = _totals();
        c.readingCount = readingCount;
        c.energyWh = !honest && kind == LIE_TOTALS ? energyWh + 1 : energyWh;
        for (uint256 d; d < 2; ++d) {
            c.summaries[d] = _summaries[d];
            c.summaryProofs[d] = _summaryProofs[d];
            for (uint256 k; k < _signed[d].length; ++k) {
                c.signed[d].push(_signed[d][k]);
                c.readingProofs[d].push(_readingProofs[d][k]);
            }
            _cacheBatch(c, d);
        }
        c.solarBaseline = baseline;
        c.corrected = IDataLogger.DeviceSummary({
            deviceId: WIND,
            readingsRoot: _leaf(wind[0]),
            readingCount: 1,
            firstCounter: w0,
            lastCounter: w0,
            energyStartWh: we,
            energyEndWh: we,
            baselineLeaf: bytes32(0)
        });
    }

    /// @dev The device's signed readings sorted by leaf (insertion sort: at most 3).
    function _cacheBatch(Case storage c, uint256 d) internal {
        bytes[] memory sorted = _signed[d];
        for (uint256 i = 1; i < sorted.length; ++i) {
            for (uint256 j = i; j > 0 && _leaf(sorted[j - 1]) > _leaf(sorted[j]); --j) {
                (sorted[j - 1], sorted[j]) = (sorted[j], sorted[j - 1]);
            }
        }
        for (uint256 i; i < sorted.length; ++i) {
            c.batch[d].push(sorted[i]);
        }
    }

    function _inclusion(Case storage c, uint256 d) internal view returns (IWindowChallenger.SummaryInclusion memory) {
        return IWindowChallenger.SummaryInclusion(c.summaries[d], c.summaryProofs[d]);
    }

    function _reading(Case storage c, uint256 d, uint256 k)
        internal
        view
        returns (IWindowChallenger.ReadingInclusion memory)
    {
        return IWindowChallenger.ReadingInclusion(c.signed[d][k], c.readingProofs[d][k]);
    }

    /// @notice The calldata of challenge `which` against device `d` of the recorded window at `start`; `variant`
    /// picks readings, the earlier window, or one or two totals calls.
    function _honestChallenge(uint64 start, uint256 which, uint256 d, uint256 variant) internal returns (bytes memory) {
        Case storage c = _caseOf(start);
        uint256 n = c.signed[d].length;
        uint256 k = (variant >> 1) % n;
        if (which == 0) {
            return abi.encodeCall(_challenger.challengeSignature, (start, _reading(c, d, k), _inclusion(c, d)));
        }
        if (which == 1) {
            return abi.encodeCall(_challenger.challengeReading, (start, _reading(c, d, k), _inclusion(c, d)));
        }
        if (which == 2) {
            // Neighbours, or one reading twice with one proof (not a duplicate: it has another sibling).
            uint256 j = (variant >> 4) % 2 == 0 ? (k + 1) % n : k;
            return abi.encodeCall(
                _challenger.challengeReadingPair, (start, _reading(c, d, k), _reading(c, d, j), _inclusion(c, d))
            );
        }
        if (which == 3) return abi.encodeCall(_challenger.challengeSummary, (start, _inclusion(c, d)));
        if (which == 4) {
            bytes[] memory batch = c.batch[d];
            bool[] memory flags = new bool[](n - 1);
            for (uint256 f; f < flags.length; ++f) {
                flags[f] = true;
            }
            return abi.encodeCall(_challenger.challengeBatch, (start, _inclusion(c, d), batch, flags));
        }
        if (which == 5) {
            // SOLAR's baseline (none in the first window: then any reading, not the baseline).
            bytes memory revealed = c.solarBaseline.length != 0 ? c.solarBaseline : c.signed[0][0];
            return abi.encodeCall(_challenger.challengeBaseline, (start, _inclusion(c, 0), revealed));
        }
        if (which == 6) {
            // Against an earlier recorded window whose summary of the device is honest.
            uint64 earlier = start;
            uint256 r = ghost_recordedStarts.length;
            for (uint256 i; i < r; ++i) {
                uint64 s = ghost_recordedStarts[(variant % r + i) % r];
                if (s < start && (d == 0 || _ghosts[s].honest)) {
                    earlier = s;
                    break;
                }
            }
            return abi.encodeCall(
                _challenger.challengeContinuity, (earlier, _inclusion(_caseOf(earlier), d), start, _inclusion(c, d))
            );
        }
        if (which == 7) {
            // The other device's summary (mismatch), or the device's own leaf twice under one proof.
            uint256 e = (variant >> 4) % 2 == 0 ? 1 - d : d;
            return abi.encodeCall(_challenger.challengeDuplicateDevice, (start, _inclusion(c, d), _inclusion(c, e)));
        }
        // Totals: both summaries in one call, or SOLAR now (an audit in progress) and WIND in the next call.
        IWindowChallenger.SummaryInclusion[] memory part;
        if ((variant >> 4) % 2 == 0) {
            part = new IWindowChallenger.SummaryInclusion[](2);
            (part[0], part[1]) = (_inclusion(c, 0), _inclusion(c, 1));
        } else {
            part = new IWindowChallenger.SummaryInclusion[](1);
            part[0] = _inclusion(c, _challenger.totalsAudit(start, address(this)).deviceCount == 1 ? 1 : 0);
        }
        return abi.encodeCall(_challenger.challengeTotals, (start, part));
    }

    function _send(bytes memory payload, uint64 start) internal {
        bool expected = _expectAccepted(payload);
        bytes32 executionId = _nextExecutionId();
        bytes memory raw = _rawReport(executionId, WORKFLOW_ID, WORKFLOW_NAME, _workflowOwner, payload);
        _sent.push(Sent(raw, executionId, start));
        _forwarder.report(address(_logger), raw, _reportContext, _signatures(raw, F + 1));
        _settle(payload, start, executionId, expected);
    }

    /// @notice The rules, modelled: whether the logger must accept `payload` now.
    function _expectAccepted(bytes memory payload) internal view returns (bool) {
        if (payload.length == 64) {
            (uint64 start, bytes32 digest) = abi.decode(payload, (uint64, bytes32));
            return start % WINDOW_SECONDS == 0 && uint256(start) + WINDOW_SECONDS <= block.timestamp
                && !_ghosts[start].committed && digest != bytes32(0);
        }
        (uint64 s, uint32 length, bytes32 root, bytes32 cidDigest, uint32 deviceCount, uint32 readingCount,) =
            abi.decode(payload, (uint64, uint32, bytes32, bytes32, uint32, uint32, uint64));
        Ghost storage g = _ghosts[s];
        return s % WINDOW_SECONDS == 0 && length == WINDOW_SECONDS && g.committed && !g.recorded
            && g.cidDigest == cidDigest && block.number >= uint256(g.commitBlock) + 2 && root != bytes32(0)
            && deviceCount > 0 && readingCount >= deviceCount;
    }

    /// @notice Checks the delivery's outcome against the model and moves the ghost as the rules say.
    function _settle(bytes memory payload, uint64 start, bytes32 executionId, bool expected) internal {
        bool succeeded = _succeeded(executionId);
        if (succeeded != expected) ghost_unexpectedOutcomes++;
        Ghost storage g = _ghosts[start];
        if (payload.length == 64) {
            if (succeeded) g.commitsAccepted++;
            if (!expected) return;
            (, bytes32 digest) = abi.decode(payload, (uint64, bytes32));
            (g.committed, g.cidDigest, g.commitBlock) = (true, digest, uint64(block.number));
            ghost_committedStarts.push(start);
            return;
        }
        if (succeeded) g.recordsAccepted++;
        if (!expected) return;
        (,, g.root,, g.deviceCount, g.readingCount, g.energyWh) =
            abi.decode(payload, (uint64, uint32, bytes32, bytes32, uint32, uint32, uint64));
        g.recorded = true;
        g.recordedAt = uint64(block.timestamp);
        // A record refused earlier may be replayed after the start's honesty was chosen: the record says which it is.
        Case storage honestCase = _cases[_indexOf(start)][true];
        g.honest = g.root == honestCase.root && g.energyWh == honestCase.energyWh;
        ghost_recordedStarts.push(start);
        if (g.honest) ghost_honestRecorded.push(start);
        else ghost_lyingRecorded.push(start);
    }

    function _succeeded(bytes32 executionId) internal view returns (bool) {
        return _forwarder.getTransmissionInfo(address(_logger), executionId, REPORT_ID).success;
    }

    /// @dev The payload behind the 109-byte forwarder header.
    function _payloadOf(bytes memory raw) internal pure returns (bytes memory payload) {
        payload = new bytes(raw.length - 109);
        for (uint256 i; i < payload.length; ++i) {
            payload[i] = raw[109 + i];
        }
    }
}

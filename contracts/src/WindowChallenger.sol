// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {IDataLogger} from "./interfaces/IDataLogger.sol";
import {IDeviceRegistry} from "./interfaces/IDeviceRegistry.sol";
import {IWindowChallenger} from "./interfaces/IWindowChallenger.sol";
import {ReadingCodec} from "./libraries/ReadingCodec.sol";

/// @title WindowChallenger
/// @notice Permissionless fraud proofs against the DataLogger's windows. Holds the logger's narrow freeze right and
/// nothing else: it cannot record, change or delete a window.
/// @dev Kept apart from the DataLogger so the logger's record path stays small and the proof rules can be replaced
/// (owner of the logger points `setChallenger` elsewhere) without migrating records.
contract WindowChallenger is IWindowChallenger {
    uint8 public constant REASON_INVALID_SIGNATURE = 1;
    uint8 public constant REASON_TIMESTAMP_OUTSIDE_WINDOW = 2;
    uint8 public constant REASON_COUNTER_OUTSIDE_SUMMARY = 3;
    uint8 public constant REASON_REPEATED_COUNTER = 4;
    uint8 public constant REASON_ENERGY_DECREASED = 5;
    uint8 public constant REASON_DEVICE_NOT_REGISTERED = 6;

    /// @dev Matches DeviceRegistry.KEY_TYPE_P256.
    uint8 private constant _KEY_TYPE_P256 = 1;

    IDataLogger private immutable _logger;
    IDeviceRegistry private immutable _registry;
    /// @dev The logger's length is immutable too, so this copy agrees with every window it ever records.
    uint32 private immutable _windowSeconds;

    /// @param logger The DataLogger whose windows are challenged (its owner must make this contract the challenger).
    /// @param registry The DeviceRegistry with the certified device keys.
    constructor(IDataLogger logger, IDeviceRegistry registry) {
        if (address(logger) == address(0) || address(registry) == address(0)) revert WindowChallengerZeroAddress();
        _logger = logger;
        _registry = registry;
        _windowSeconds = logger.windowSeconds();
    }

    /*//////////////////////////////////////////////////////////////
                               CHALLENGES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IWindowChallenger
    function challengeSignature(uint64 windowStart, ReadingInclusion calldata reading, SummaryInclusion calldata device)
        external
    {
        IDataLogger.WindowRecord memory record = _logger.getWindow(windowStart);
        bytes32 leaf = _proveInclusion(windowStart, reading, device);

        bytes9[] memory ids = new bytes9[](1);
        ids[0] = device.summary.deviceId;
        // getDevices, not getDevice: an unknown id is evidence here, not an error.
        IDeviceRegistry.Device memory registered = _registry.getDevices(ids)[0];
        // Ids are never removed or reused, so "unknown now" or "registered later" means unknown at record time.
        if (registered.keyType == 0 || registered.registeredAt > record.recordedAt) {
            _freeze(windowStart, REASON_DEVICE_NOT_REGISTERED, leaf);
            return;
        }
        if (registered.keyType != _KEY_TYPE_P256) {
            revert WindowChallengerUnsupportedKeyType(registered.deviceId, registered.keyType);
        }

        if (_p256Verifies(reading.signedReading, registered.publicKey)) {
            revert WindowChallengerChallengeRejected(windowStart, leaf, REASON_INVALID_SIGNATURE);
        }
        _freeze(windowStart, REASON_INVALID_SIGNATURE, leaf);
    }

    /// @inheritdoc IWindowChallenger
    function challengeReading(uint64 windowStart, ReadingInclusion calldata reading, SummaryInclusion calldata device)
        external
    {
        // Unknown and frozen windows revert in the logger's verifyReading, with the logger's error.
        bytes32 leaf = _proveInclusion(windowStart, reading, device);
        (ReadingCodec.Reading memory r,,) = ReadingCodec.decodeSigned(reading.signedReading);

        // uint256 sum: a window near 2^64 must not wrap into "inside".
        if (r.timestamp < windowStart || r.timestamp >= uint256(windowStart) + _windowSeconds) {
            _freeze(windowStart, REASON_TIMESTAMP_OUTSIDE_WINDOW, leaf);
        } else if (r.counter < device.summary.firstCounter || r.counter > device.summary.lastCounter) {
            _freeze(windowStart, REASON_COUNTER_OUTSIDE_SUMMARY, leaf);
        } else {
            revert WindowChallengerChallengeRejected(windowStart, leaf, 0);
        }
    }

    /// @inheritdoc IWindowChallenger
    function challengeReadingPair(
        uint64 windowStart,
        ReadingInclusion calldata a,
        ReadingInclusion calldata b,
        SummaryInclusion calldata device
    ) external {
        bytes32 leafA = _proveInclusion(windowStart, a, device);
        bytes32 leafB = _proveInclusion(windowStart, b, device);
        if (leafA == leafB) revert WindowChallengerSameReading(leafA);

        (ReadingCodec.Reading memory ra,,) = ReadingCodec.decodeSigned(a.signedReading);
        (ReadingCodec.Reading memory rb,,) = ReadingCodec.decodeSigned(b.signedReading);
        if (ra.counter == rb.counter) {
            _freeze(windowStart, REASON_REPEATED_COUNTER, leafB);
        } else if (ra.counter < rb.counter ? ra.energyWh > rb.energyWh : rb.energyWh > ra.energyWh) {
            // Energy is cumulative: the higher counter must not carry less. Equal energy is an idle meter, allowed.
            _freeze(windowStart, REASON_ENERGY_DECREASED, leafB);
        } else {
            revert WindowChallengerChallengeRejected(windowStart, leafB, 0);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

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

    /// @dev The logger's own verifyReading is the one definition of "in the window"; it also refuses frozen windows.
    function _proveInclusion(uint64 windowStart, ReadingInclusion calldata reading, SummaryInclusion calldata device)
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

    function _p256Verifies(bytes calldata signedReading, bytes memory publicKey) private view returns (bool) {
        (bytes32 qx, bytes32 qy) = abi.decode(publicKey, (bytes32, bytes32));
        bytes32 r = bytes32(signedReading[43:75]);
        bytes32 s = bytes32(signedReading[75:107]);
        // P256.verify refuses high-S, which the protocol forbids too: such a signature is a valid fraud proof.
        return P256.verify(sha256(signedReading[:43]), r, s, qx, qy);
    }

    function _freeze(uint64 windowStart, uint8 reason, bytes32 leaf) private {
        _logger.freezeWindow(windowStart, reason, msg.sender, leaf);
    }
}

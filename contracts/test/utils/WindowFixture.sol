// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDataLogger} from "../../src/interfaces/IDataLogger.sol";
import {CompanyIdentity} from "../../src/CompanyIdentity.sol";
import {DeviceRegistry} from "../../src/DeviceRegistry.sol";
import {InstallerRegistry} from "../../src/InstallerRegistry.sol";
import {KeystoneFixture} from "./KeystoneFixture.sol";
import {MerkleBuilder} from "./MerkleBuilder.sol";

/// @notice Builds windows in Solidity the way the oracle API seals them (reading layout v1, P-256 signatures made
/// with vm.signP256, OpenZeppelin Merkle layout, device summaries) and anchors them through the real forwarder (commit,
/// draw, record), so fraud-proof tests can plant forged or rule-breaking readings, summaries and totals inside an
/// anchored window. One window is under construction at a time (`_startWindow`); tests may edit `_summaries[d]`
/// before `_recordWindow`, which is what seals the summary leaves.
abstract contract WindowFixture is KeystoneFixture {
    uint256 internal constant P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551;
    uint256 internal constant P256_HALF_N = P256_N / 2;

    /// @notice One reading to plant. `signerKey` is the P-256 key that signs it (0: 64 zero bytes, for Ed25519
    /// devices whose signatures are not checked here); `highS` replaces s by n - s after low-S normalisation.
    struct ReadingSpec {
        uint64 counter;
        uint64 timestamp;
        uint64 energyWh;
        uint256 signerKey;
        bool highS;
    }

    CompanyIdentity internal _identities;
    InstallerRegistry internal _installers;
    DeviceRegistry internal _registry;
    /// @notice The installer organisation whose electrician certifies every fixture device, for `_meterOwner`.
    uint256 internal _organisationId;
    address internal _installerAdmin = makeAddr("installer admin");
    address internal _electrician = makeAddr("electrician");
    address internal _meterOwner = makeAddr("meter owner");

    /// @notice The start of the window under construction.
    uint64 internal _windowStart = WINDOW_START;
    bytes9[] internal _deviceIds;
    IDataLogger.DeviceSummary[] internal _summaries;
    bytes32[][] internal _summaryProofs;
    bytes[][] internal _signed;
    bytes32[][][] internal _readingProofs;

    /// @notice The registries as deployed (identities, installers, devices), an organisation with one electrician,
    /// and a meter owner holding an identity.
    function _setUpRegistry() internal {
        _identities = new CompanyIdentity();
        _installers = new InstallerRegistry();
        _registry = new DeviceRegistry(_installers, _identities);
        vm.prank(_meterOwner);
        _identities.register("bafkreimeterowner");
        vm.startPrank(_installerAdmin);
        _organisationId = _installers.createOrganisation("Fixture Installers", "bafkreimembers1");
        _installers.addElectrician(_organisationId, _electrician, "bafkreimembers2");
        vm.stopPrank();
    }

    function _certifyP256(bytes9 deviceId, uint256 key) internal {
        (uint256 x, uint256 y) = vm.publicKeyP256(key);
        vm.prank(_electrician);
        _registry.certifyDevice(_organisationId, deviceId, 1, abi.encodePacked(x, y), _meterOwner, 1, 5000);
    }

    function _certifyEd25519(bytes9 deviceId) internal {
        vm.prank(_electrician);
        _registry.certifyDevice(
            _organisationId, deviceId, 2, abi.encodePacked(keccak256("ed25519 key")), _meterOwner, 1, 5000
        );
    }

    /// @notice The organisation's admin revokes the device now (reason 1, seal broken).
    function _revoke(bytes9 deviceId) internal {
        vm.prank(_installerAdmin);
        _registry.revokeDevice(deviceId, 1);
    }

    /*//////////////////////////////////////////////////////////////
                                READINGS
    //////////////////////////////////////////////////////////////*/

    function _readingBytes(bytes9 deviceId, ReadingSpec memory r) internal pure returns (bytes memory) {
        return abi.encodePacked(
            uint8(1), deviceId, r.counter, r.timestamp, uint32(1500), r.energyWh, uint32(230_000), uint8(1)
        );
    }

    function _signReading(bytes memory reading, ReadingSpec memory r) internal pure returns (bytes memory) {
        if (r.signerKey == 0) return bytes.concat(reading, new bytes(64));
        (bytes32 sigR, bytes32 sigS) = vm.signP256(r.signerKey, sha256(reading));
        if (uint256(sigS) > P256_HALF_N) sigS = bytes32(P256_N - uint256(sigS));
        if (r.highS) sigS = bytes32(P256_N - uint256(sigS));
        return bytes.concat(reading, sigR, sigS);
    }

    function _signed107(bytes9 deviceId, ReadingSpec memory r) internal pure returns (bytes memory) {
        return _signReading(_readingBytes(deviceId, r), r);
    }

    function _leaf(bytes memory preimage) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(preimage)));
    }

    /// @notice A reading `offset` seconds into the window under construction.
    function _spec(uint64 counter, uint64 offset, uint64 energyWh, uint256 signerKey)
        internal
        view
        returns (ReadingSpec memory)
    {
        return ReadingSpec(counter, _windowStart + offset, energyWh, signerKey, false);
    }

    /*//////////////////////////////////////////////////////////////
                                 DEVICES
    //////////////////////////////////////////////////////////////*/

    /// @notice Adds a device batch to the window under construction; readings are listed in the given order, the
    /// summary bounds are the first and last listed counters (as the sealer writes them), no baseline.
    function _addDevice(bytes9 deviceId, ReadingSpec[] memory readings) internal returns (uint256 d) {
        bytes[] memory signed = new bytes[](readings.length);
        for (uint256 i; i < readings.length; ++i) {
            signed[i] = _signed107(deviceId, readings[i]);
        }
        d = _addSignedDevice(deviceId, signed);
        _summaries[d].firstCounter = readings[0].counter;
        _summaries[d].lastCounter = readings[readings.length - 1].counter;
        _summaries[d].energyStartWh = readings[0].energyWh;
        _summaries[d].energyEndWh = readings[readings.length - 1].energyWh;
    }

    /// @notice Adds a device batch of ready signed readings (the same bytes may be listed twice); the summary's
    /// counters and energies are zero until the caller sets them (or `_addDevice` does).
    function _addSignedDevice(bytes9 deviceId, bytes[] memory signed) internal returns (uint256 d) {
        d = _deviceIds.length;
        _deviceIds.push(deviceId);
        _signed.push();
        _readingProofs.push();
        for (uint256 i; i < signed.length; ++i) {
            _signed[d].push(signed[i]);
        }
        _summaries.push();
        _summaries[d].deviceId = deviceId;
        _summaries[d].readingCount = SafeCast.toUint32(signed.length);
        _sealReadings(d);
    }

    /// @notice Recomputes device `d`'s readings root and every reading proof from `_signed[d]`; a leaf listed twice
    /// gets the proof of its first place for its first listing, of its second place for the second.
    function _sealReadings(uint256 d) internal {
        bytes[] storage signed = _signed[d];
        bytes32[] memory leaves = new bytes32[](signed.length);
        for (uint256 i; i < signed.length; ++i) {
            leaves[i] = _leaf(signed[i]);
        }
        delete _readingProofs[d];
        for (uint256 i; i < signed.length; ++i) {
            uint256 nth;
            for (uint256 k; k < i; ++k) {
                if (leaves[k] == leaves[i]) ++nth;
            }
            _readingProofs[d].push(MerkleBuilder.proofOf(leaves, leaves[i], nth));
        }
        _summaries[d].readingsRoot = MerkleBuilder.root(leaves);
    }

    /// @notice Gives device `d` a baseline: the leaf of `baseline` (a signed reading before the window) and, as an
    /// honest sealer does, the baseline's energy as energyStartWh.
    function _setBaseline(uint256 d, bytes memory baseline) internal {
        _summaries[d].baselineLeaf = _leaf(baseline);
        _summaries[d].energyStartWh = uint64(bytes8(_slice8(baseline, 30)));
    }

    function _slice8(bytes memory b, uint256 at) private pure returns (bytes8 out) {
        for (uint256 i; i < 8; ++i) {
            out |= bytes8(b[at + i]) >> (8 * i);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 WINDOWS
    //////////////////////////////////////////////////////////////*/

    /// @notice Forgets the window under construction (not what was recorded) and starts building the one at `start`.
    function _startWindow(uint64 start) internal {
        _windowStart = start;
        delete _deviceIds;
        delete _summaries;
        delete _summaryProofs;
        delete _signed;
        delete _readingProofs;
    }

    function _documentOf(uint64 start) internal pure returns (bytes32) {
        return keccak256(abi.encode("document", start));
    }

    function _summaryLeaf(uint256 d) internal view returns (bytes32) {
        return _leaf(abi.encode(_summaries[d]));
    }

    /// @notice The honest totals of the summaries added so far: device count, reading count, Σ(end − start) energy.
    function _totals() internal view returns (uint32 deviceCount, uint32 readingCount, uint64 energyWh) {
        uint256 readings;
        uint256 energy;
        for (uint256 d; d < _summaries.length; ++d) {
            readings += _summaries[d].readingCount;
            energy += _summaries[d].energyEndWh - _summaries[d].energyStartWh;
        }
        return (SafeCast.toUint32(_summaries.length), SafeCast.toUint32(readings), SafeCast.toUint64(energy));
    }

    /// @notice Seals the devices added so far into a window root and anchors it, with honest totals.
    function _recordWindow() internal returns (bytes32 root) {
        (uint32 deviceCount, uint32 readingCount, uint64 energyWh) = _totals();
        return _recordWindowWithTotals(deviceCount, readingCount, energyWh);
    }

    /// @notice Seals the devices added so far into a window root and anchors it with the given totals.
    function _recordWindowWithTotals(uint32 deviceCount, uint32 readingCount, uint64 energyWh)
        internal
        returns (bytes32 root)
    {
        root = _sealWindow();
        _anchorWindow(
            _payload(_windowStart, WINDOW_SECONDS, root, _documentOf(_windowStart), deviceCount, readingCount, energyWh)
        );
    }

    /// @notice The window root over the summaries added so far; fills `_summaryProofs` (a summary leaf listed twice
    /// gets the proof of its first place first and of its second place next). Anchors nothing.
    function _sealWindow() internal returns (bytes32 root) {
        uint256 n = _deviceIds.length;
        bytes32[] memory summaryLeaves = new bytes32[](n);
        for (uint256 d; d < n; ++d) {
            summaryLeaves[d] = _summaryLeaf(d);
        }
        root = MerkleBuilder.root(summaryLeaves);
        delete _summaryProofs;
        for (uint256 d; d < n; ++d) {
            uint256 nth;
            for (uint256 k; k < d; ++k) {
                if (summaryLeaves[k] == summaryLeaves[d]) ++nth;
            }
            _summaryProofs.push(MerkleBuilder.proofOf(summaryLeaves, summaryLeaves[d], nth));
        }
    }

    /// @notice The DON's correction report for a frozen device, through the forwarder.
    function _correct(uint64 start, bytes9 deviceId, bytes32 summaryLeaf) internal returns (bytes32 executionId) {
        return _deliver(abi.encode(start, deviceId, summaryLeaf, keccak256(abi.encode("corrected", start, deviceId))));
    }
}

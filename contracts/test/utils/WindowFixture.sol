// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IDataLogger} from "../../src/interfaces/IDataLogger.sol";
import {DeviceRegistry} from "../../src/DeviceRegistry.sol";
import {KeystoneFixture} from "./KeystoneFixture.sol";
import {MerkleBuilder} from "./MerkleBuilder.sol";

/// @notice Builds windows in Solidity the way the oracle API seals them (reading layout v1, P-256 signatures made
/// with vm.signP256, OpenZeppelin Merkle layout, device summaries) and records them through the real forwarder, so
/// fraud-proof tests can plant forged or rule-breaking readings inside an anchored window.
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

    DeviceRegistry internal _registry;

    bytes9[] internal _deviceIds;
    IDataLogger.DeviceSummary[] internal _summaries;
    bytes32[][] internal _summaryProofs;
    bytes[][] internal _signed;
    bytes32[][][] internal _readingProofs;

    function _setUpRegistry() internal {
        _registry = new DeviceRegistry(_admin);
    }

    function _registerP256(bytes9 deviceId, uint256 key) internal {
        (uint256 x, uint256 y) = vm.publicKeyP256(key);
        vm.prank(_admin);
        _registry.registerDevice(deviceId, 1, abi.encodePacked(x, y), makeAddr("meter owner"));
    }

    function _registerEd25519(bytes9 deviceId) internal {
        vm.prank(_admin);
        _registry.registerDevice(deviceId, 2, abi.encodePacked(keccak256("ed25519 key")), makeAddr("meter owner"));
    }

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

    function _leaf(bytes memory signed) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(signed)));
    }

    /// @notice Adds a device batch to the window under construction; readings are listed in the given order, the
    /// summary bounds are the first and last listed counters (as the sealer writes them).
    function _addDevice(bytes9 deviceId, ReadingSpec[] memory readings) internal {
        uint256 d = _deviceIds.length;
        _deviceIds.push(deviceId);
        _signed.push();
        _readingProofs.push();
        bytes32[] memory leaves = new bytes32[](readings.length);
        for (uint256 i; i < readings.length; ++i) {
            bytes memory signed = _signReading(_readingBytes(deviceId, readings[i]), readings[i]);
            _signed[d].push(signed);
            leaves[i] = _leaf(signed);
        }
        for (uint256 i; i < readings.length; ++i) {
            _readingProofs[d].push(MerkleBuilder.proof(leaves, leaves[i]));
        }
        _summaries.push(
            IDataLogger.DeviceSummary({
                deviceId: deviceId,
                readingsRoot: MerkleBuilder.root(leaves),
                readingCount: uint32(readings.length),
                firstCounter: readings[0].counter,
                lastCounter: readings[readings.length - 1].counter,
                energyStartWh: readings[0].energyWh,
                energyEndWh: readings[readings.length - 1].energyWh,
                baselineLeaf: bytes32(0)
            })
        );
    }

    /// @notice Seals the devices added so far into a window root and records it through the forwarder.
    function _recordWindow() internal returns (bytes32 root) {
        uint256 n = _deviceIds.length;
        bytes32[] memory summaryLeaves = new bytes32[](n);
        uint256 readingCount;
        for (uint256 d; d < n; ++d) {
            summaryLeaves[d] = keccak256(bytes.concat(keccak256(abi.encode(_summaries[d]))));
            readingCount += _summaries[d].readingCount;
        }
        root = MerkleBuilder.root(summaryLeaves);
        for (uint256 d; d < n; ++d) {
            _summaryProofs.push(MerkleBuilder.proof(summaryLeaves, summaryLeaves[d]));
        }
        _deliver(
            _payload(
                WINDOW_START,
                WINDOW_SECONDS,
                root,
                keccak256("document"),
                SafeCast.toUint32(n),
                SafeCast.toUint32(readingCount),
                0
            )
        );
    }

    function _spec(uint64 counter, uint64 offset, uint64 energyWh, uint256 signerKey)
        internal
        pure
        returns (ReadingSpec memory)
    {
        return ReadingSpec(counter, WINDOW_START + offset, energyWh, signerKey, false);
    }
}

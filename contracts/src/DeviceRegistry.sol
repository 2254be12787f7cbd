// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICompanyIdentity} from "./interfaces/ICompanyIdentity.sol";
import {IDeviceRegistry} from "./interfaces/IDeviceRegistry.sol";
import {IInstallerRegistry} from "./interfaces/IInstallerRegistry.sol";
import {ReadingCodec} from "./libraries/ReadingCodec.sol";

/// @title DeviceRegistry
/// @notice Device id → public key registry. Electricians of an installer organisation certify meters for owners
/// that hold a company identity; admins of the certifying organisation revoke them. No owner, no admin: who may act
/// is the InstallerRegistry's answer at the time of the call.
/// @dev A device takes 3 storage slots (Ed25519) or 4 (P-256), plus 9 bytes of the id list (3 ids a slot):
/// slot 0 owner ‖ ratedCapacityW ‖ certifiedAt ‖ keyType ‖ role, slot 1 certifier ‖ revokedAt ‖ revocationReason ‖
/// organisationId (so a revocation reads and writes one slot), then the key's 32-byte words. Timestamps are stored as
/// uint40 (good until year 36812) and organisation ids as uint48 (the InstallerRegistry counts them from 1, one per
/// transaction); the interface widens them back.
contract DeviceRegistry is IDeviceRegistry {
    /// @notice ECDSA P-256 key type (64-byte x ‖ y public key).
    uint8 public constant KEY_TYPE_P256 = 1;

    /// @notice Ed25519 key type (32-byte public key).
    uint8 public constant KEY_TYPE_ED25519 = 2;

    /// @notice Highest role code (1 production, 2 consumption, 3 grid status).
    uint8 public constant MAX_ROLE = 3;

    /// @notice Highest revocation reason (1 seal broken, 2 key compromised, 3 decommissioned, 4 replaced, 5 other).
    uint8 public constant MAX_REVOCATION_REASON = 5;

    /// @dev A device as stored (see the contract's @dev for the slots).
    struct StoredDevice {
        address owner;
        uint32 ratedCapacityW;
        uint40 certifiedAt;
        uint8 keyType;
        uint8 role;
        address certifier;
        uint40 revokedAt;
        uint8 revocationReason;
        uint48 organisationId;
        bytes32 key0;
        bytes32 key1;
    }

    IInstallerRegistry private immutable _installers;
    ICompanyIdentity private immutable _identities;

    mapping(bytes9 deviceId => StoredDevice) private _devices;
    bytes9[] private _deviceIds;

    /// @param installers Whose electricians certify and whose admins revoke.
    /// @param identities Whose holders may own devices.
    constructor(IInstallerRegistry installers, ICompanyIdentity identities) {
        _installers = installers;
        _identities = identities;
    }

    /*//////////////////////////////////////////////////////////////
                         CERTIFICATION AND REVOCATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDeviceRegistry
    function certifyDevice(
        uint256 organisationId,
        bytes9 deviceId,
        uint8 keyType,
        bytes calldata publicKey,
        address owner,
        uint8 role,
        uint32 ratedCapacityW
    ) external {
        if (!_installers.isElectrician(organisationId, msg.sender)) {
            revert DeviceRegistryNotElectrician(organisationId, msg.sender);
        }
        if (!ReadingCodec.isValidDeviceId(deviceId)) revert DeviceRegistryInvalidDeviceId(deviceId);
        // The sector is the id's first four bytes: truncating to them is the point.
        // forge-lint: disable-next-line(unsafe-typecast)
        bytes4 sector = bytes4(deviceId);
        if (!isKnownSector(sector)) revert DeviceRegistryUnknownSector(sector);
        (bytes32 key0, bytes32 key1) = _checkKey(keyType, publicKey);
        if (role == 0 || role > MAX_ROLE) revert DeviceRegistryInvalidRole(role);
        if (ratedCapacityW == 0) revert DeviceRegistryInvalidCapacity(ratedCapacityW);
        // The certifier is never zero for a known id, revoked ones included, so ids are never reused.
        if (_devices[deviceId].certifier != address(0)) revert DeviceRegistryAlreadyRegistered(deviceId);
        if (!_identities.hasIdentity(owner)) revert DeviceRegistryOwnerWithoutIdentity(owner);

        _devices[deviceId] = StoredDevice({
            owner: owner,
            ratedCapacityW: ratedCapacityW,
            certifiedAt: SafeCast.toUint40(block.timestamp),
            keyType: keyType,
            role: role,
            certifier: msg.sender,
            revokedAt: 0,
            revocationReason: 0,
            // An electrician's organisation exists, so its id is at most the registry's count.
            organisationId: SafeCast.toUint48(organisationId),
            key0: key0,
            key1: key1
        });
        _deviceIds.push(deviceId);
        emit DeviceCertified(deviceId, organisationId, msg.sender, owner, keyType, publicKey, role, ratedCapacityW);
    }

    /// @inheritdoc IDeviceRegistry
    function revokeDevice(bytes9 deviceId, uint8 reason) external {
        StoredDevice storage device = _devices[deviceId];
        if (device.certifier == address(0)) revert DeviceRegistryUnknownDevice(deviceId);
        uint256 organisationId = device.organisationId;
        if (!_installers.isAdmin(organisationId, msg.sender)) {
            revert DeviceRegistryNotOrganisationAdmin(organisationId, msg.sender);
        }
        if (reason == 0 || reason > MAX_REVOCATION_REASON) revert DeviceRegistryInvalidRevocationReason(reason);
        if (device.revokedAt != 0) revert DeviceRegistryAlreadyRevoked(deviceId, device.revokedAt);
        uint40 revokedAt = SafeCast.toUint40(block.timestamp);
        device.revokedAt = revokedAt;
        device.revocationReason = reason;
        emit DeviceRevoked(deviceId, organisationId, msg.sender, reason, revokedAt);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDeviceRegistry
    function getDevice(bytes9 deviceId) external view returns (Device memory) {
        if (_devices[deviceId].certifier == address(0)) revert DeviceRegistryUnknownDevice(deviceId);
        return _device(deviceId);
    }

    /// @inheritdoc IDeviceRegistry
    function getDevices(bytes9[] calldata deviceIds) external view returns (Device[] memory devices) {
        devices = new Device[](deviceIds.length);
        for (uint256 i; i < deviceIds.length; ++i) {
            if (_devices[deviceIds[i]].certifier != address(0)) devices[i] = _device(deviceIds[i]);
        }
    }

    /// @inheritdoc IDeviceRegistry
    function isActive(bytes9 deviceId) external view returns (bool) {
        StoredDevice storage device = _devices[deviceId];
        return device.certifier != address(0) && device.revokedAt == 0;
    }

    /// @inheritdoc IDeviceRegistry
    function isValidAt(bytes9 deviceId, uint64 timestamp) external view returns (bool) {
        StoredDevice storage device = _devices[deviceId];
        return device.certifier != address(0) && (device.revokedAt == 0 || timestamp < device.revokedAt);
    }

    /// @inheritdoc IDeviceRegistry
    /// @dev protocol/src/devices.ts SECTORS, code for code (checked through protocol/test-vectors/devices.json).
    function isKnownSector(bytes4 sector) public pure returns (bool) {
        return sector == "SOLR" || sector == "WIND" || sector == "HYDR" || sector == "BIOM" || sector == "GEOT"
            || sector == "STOR" || sector == "CHPL" || sector == "HOUS" || sector == "INDU" || sector == "COMM"
            || sector == "AGRI" || sector == "TRAN" || sector == "GRID";
    }

    /// @inheritdoc IDeviceRegistry
    function deviceCount() external view returns (uint256) {
        return _deviceIds.length;
    }

    /// @inheritdoc IDeviceRegistry
    function deviceIdAt(uint256 index) external view returns (bytes9) {
        if (index >= _deviceIds.length) revert DeviceRegistryIndexOutOfBounds(index, _deviceIds.length);
        return _deviceIds[index];
    }

    /// @notice The InstallerRegistry whose electricians certify and whose admins revoke.
    function installerRegistry() external view returns (IInstallerRegistry) {
        return _installers;
    }

    /// @notice The CompanyIdentity whose holders may own devices.
    function companyIdentity() external view returns (ICompanyIdentity) {
        return _identities;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Reverts for a key that could never verify a signature; returns its 32-byte words (key1 = 0 for Ed25519).
    function _checkKey(uint8 keyType, bytes calldata publicKey) private pure returns (bytes32 key0, bytes32 key1) {
        if (keyType == KEY_TYPE_P256 && publicKey.length == 64) {
            key0 = bytes32(publicKey[0:32]);
            key1 = bytes32(publicKey[32:64]);
            if (!P256.isValidPublicKey(key0, key1)) revert DeviceRegistryInvalidP256Point(key0, key1);
        } else if (keyType == KEY_TYPE_ED25519 && publicKey.length == 32) {
            // Exactly 32 bytes (checked just above): nothing is cut.
            // forge-lint: disable-next-line(unsafe-typecast)
            key0 = bytes32(publicKey);
        } else {
            revert DeviceRegistryInvalidKey(keyType, publicKey.length);
        }
    }

    function _device(bytes9 deviceId) private view returns (Device memory) {
        StoredDevice storage d = _devices[deviceId];
        return Device({
            deviceId: deviceId,
            keyType: d.keyType,
            role: d.role,
            owner: d.owner,
            ratedCapacityW: d.ratedCapacityW,
            certifiedAt: d.certifiedAt,
            revokedAt: d.revokedAt,
            revocationReason: d.revocationReason,
            certifier: d.certifier,
            organisationId: d.organisationId,
            publicKey: d.keyType == KEY_TYPE_P256 ? abi.encodePacked(d.key0, d.key1) : abi.encodePacked(d.key0)
        });
    }
}

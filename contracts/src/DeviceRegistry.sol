// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {IDeviceRegistry} from "./interfaces/IDeviceRegistry.sol";
import {ReadingCodec} from "./libraries/ReadingCodec.sol";

/// @title DeviceRegistry
/// @notice Device id → public key registry; registrars register and revoke, the admin manages registrars.
contract DeviceRegistry is IDeviceRegistry, AccessControl {
    /// @notice Role allowed to register and revoke devices.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice ECDSA P-256 key type (64-byte x ‖ y public key).
    uint8 public constant KEY_TYPE_P256 = 1;

    /// @notice Ed25519 key type (32-byte public key).
    uint8 public constant KEY_TYPE_ED25519 = 2;

    mapping(bytes9 deviceId => Device) private _devices;
    bytes9[] private _deviceIds;

    /// @param admin Gets DEFAULT_ADMIN_ROLE and REGISTRAR_ROLE.
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
    }

    /// @inheritdoc IDeviceRegistry
    function registerDevice(bytes9 deviceId, uint8 keyType, bytes calldata publicKey, address owner)
        external
        onlyRole(REGISTRAR_ROLE)
    {
        if (!ReadingCodec.isValidDeviceId(deviceId)) revert DeviceRegistryInvalidDeviceId(deviceId);
        _checkKey(keyType, publicKey);
        if (owner == address(0)) revert DeviceRegistryInvalidOwner(owner);
        // registeredAt != 0 marks a known id, revoked ones included, so ids are never reused.
        if (_devices[deviceId].registeredAt != 0) revert DeviceRegistryAlreadyRegistered(deviceId);

        _devices[deviceId] = Device({
            deviceId: deviceId,
            keyType: keyType,
            owner: owner,
            active: true,
            registeredAt: uint64(block.timestamp),
            publicKey: publicKey
        });
        _deviceIds.push(deviceId);
        emit DeviceRegistered(deviceId, keyType, publicKey, owner);
    }

    /// @inheritdoc IDeviceRegistry
    function revokeDevice(bytes9 deviceId) external onlyRole(REGISTRAR_ROLE) {
        Device storage device = _devices[deviceId];
        if (device.registeredAt == 0) revert DeviceRegistryUnknownDevice(deviceId);
        if (!device.active) revert DeviceRegistryAlreadyRevoked(deviceId);
        device.active = false;
        emit DeviceRevoked(deviceId);
    }

    /// @inheritdoc IDeviceRegistry
    function getDevice(bytes9 deviceId) external view returns (Device memory) {
        Device storage device = _devices[deviceId];
        if (device.registeredAt == 0) revert DeviceRegistryUnknownDevice(deviceId);
        return device;
    }

    /// @inheritdoc IDeviceRegistry
    function getDevices(bytes9[] calldata deviceIds) external view returns (Device[] memory devices) {
        devices = new Device[](deviceIds.length);
        for (uint256 i; i < deviceIds.length; ++i) {
            devices[i] = _devices[deviceIds[i]];
        }
    }

    /// @inheritdoc IDeviceRegistry
    function isActive(bytes9 deviceId) external view returns (bool) {
        return _devices[deviceId].active;
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

    function _checkKey(uint8 keyType, bytes calldata publicKey) private pure {
        if (keyType == KEY_TYPE_P256 && publicKey.length == 64) {
            bytes32 x = bytes32(publicKey[0:32]);
            bytes32 y = bytes32(publicKey[32:64]);
            // A key off the curve could never verify a signature: refuse it at the door.
            if (!P256.isValidPublicKey(x, y)) revert DeviceRegistryInvalidP256Point(x, y);
        } else if (!(keyType == KEY_TYPE_ED25519 && publicKey.length == 32)) {
            revert DeviceRegistryInvalidKey(keyType, publicKey.length);
        }
    }
}

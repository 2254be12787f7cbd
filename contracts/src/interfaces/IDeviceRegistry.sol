// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title IDeviceRegistry
/// @notice Registry of energy meters: each device id (`XXXX_ZZZZ`, 9 ASCII bytes) maps to the public key its
/// secure element signs readings with. Anyone re-verifying a reading looks the key up here.
interface IDeviceRegistry {
    /// @notice A registered meter.
    /// @param deviceId The 9 ASCII bytes of the device id, e.g. "SOLR_0001".
    /// @param keyType 1 = ECDSA P-256 (64-byte x ‖ y), 2 = Ed25519 (32 bytes). 0 only in zeroed entries.
    /// @param owner The account that owns the meter.
    /// @param active False once revoked; readings signed by a revoked device are no longer trusted.
    /// @param registeredAt Block timestamp of the registration.
    /// @param publicKey The raw public key.
    struct Device {
        bytes9 deviceId;
        uint8 keyType;
        address owner;
        bool active;
        uint64 registeredAt;
        bytes publicKey;
    }

    /// @notice Emitted after a device is registered.
    event DeviceRegistered(bytes9 indexed deviceId, uint8 keyType, bytes publicKey, address indexed owner);

    /// @notice Emitted after a device is revoked.
    event DeviceRevoked(bytes9 indexed deviceId);

    /// @notice Thrown when a device id is not of the form `XXXX_ZZZZ` (4 of A-Z/0-9, '_', 4 digits).
    error DeviceRegistryInvalidDeviceId(bytes9 deviceId);

    /// @notice Thrown when the key type is unknown or the key length does not fit it.
    error DeviceRegistryInvalidKey(uint8 keyType, uint256 length);

    /// @notice Thrown when a P-256 public key is not a point on the curve.
    error DeviceRegistryInvalidP256Point(bytes32 x, bytes32 y);

    /// @notice Thrown when registering a device id that was registered before (ids are never reused).
    error DeviceRegistryAlreadyRegistered(bytes9 deviceId);

    /// @notice Thrown when the owner is the zero address.
    error DeviceRegistryInvalidOwner(address owner);

    /// @notice Thrown when a device id was never registered.
    error DeviceRegistryUnknownDevice(bytes9 deviceId);

    /// @notice Thrown when revoking a device that is already revoked.
    error DeviceRegistryAlreadyRevoked(bytes9 deviceId);

    /// @notice Thrown when an index is past the end of the device list.
    error DeviceRegistryIndexOutOfBounds(uint256 index, uint256 count);

    /// @notice Registers a device and its public key.
    /// @dev Caller MUST hold REGISTRAR_ROLE.
    function registerDevice(bytes9 deviceId, uint8 keyType, bytes calldata publicKey, address owner) external;

    /// @notice Revokes a device for good.
    /// @dev Caller MUST hold REGISTRAR_ROLE.
    function revokeDevice(bytes9 deviceId) external;

    /// @notice The device record; reverts DeviceRegistryUnknownDevice for an unknown id.
    function getDevice(bytes9 deviceId) external view returns (Device memory);

    /// @notice Device records in the order asked; an unknown id yields a zeroed entry (keyType 0).
    function getDevices(bytes9[] calldata deviceIds) external view returns (Device[] memory);

    /// @notice True when the device is registered and not revoked.
    function isActive(bytes9 deviceId) external view returns (bool);

    /// @notice Number of devices ever registered (revoked ones included).
    function deviceCount() external view returns (uint256);

    /// @notice The device id registered at `index`, in registration order.
    function deviceIdAt(uint256 index) external view returns (bytes9);
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title IDeviceRegistry
/// @notice Registry of energy meters: each device id (`XXXX_ZZZZ`: a sector code from protocol's sector table, '_',
/// 4 digits) maps to the public key its secure element signs readings with. An electrician of an installer
/// organisation certifies a device for an owner that holds a company identity; an admin of that organisation revokes
/// it. A reading is valid only if timestamped before the revocation (`timestamp < revokedAt`): readings from before
/// a revocation stay valid and anchorable.
interface IDeviceRegistry {
    /// @notice A certified meter.
    /// @param deviceId The 9 ASCII bytes of the device id, e.g. "SOLR_0001".
    /// @param keyType 1 = ECDSA P-256 (64-byte x ‖ y), 2 = Ed25519 (32 bytes). 0 only in zeroed entries.
    /// @param role 1 = production, 2 = consumption, 3 = grid status.
    /// @param owner The account that owns the meter; it held a company identity at certification.
    /// @param ratedCapacityW Rated capacity in watts (> 0).
    /// @param certifiedAt Block timestamp of the certification.
    /// @param revokedAt Block timestamp of the revocation; 0 while the device is active.
    /// @param revocationReason 0 while active; else 1 seal broken, 2 key compromised, 3 decommissioned, 4 replaced,
    /// 5 other.
    /// @param certifier The electrician who certified the device.
    /// @param organisationId The installer organisation the electrician certified it under.
    /// @param publicKey The raw public key.
    struct Device {
        bytes9 deviceId;
        uint8 keyType;
        uint8 role;
        address owner;
        uint32 ratedCapacityW;
        uint64 certifiedAt;
        uint64 revokedAt;
        uint8 revocationReason;
        address certifier;
        uint256 organisationId;
        bytes publicKey;
    }

    /// @notice An electrician certified a device (its certifier and organisation never change afterwards).
    event DeviceCertified(
        bytes9 indexed deviceId,
        uint256 indexed organisationId,
        address indexed certifier,
        address owner,
        uint8 keyType,
        bytes publicKey,
        uint8 role,
        uint32 ratedCapacityW
    );

    /// @notice An admin of the certifying organisation revoked a device; readings timestamped at or after
    /// `revokedAt` are invalid.
    event DeviceRevoked(
        bytes9 indexed deviceId, uint256 indexed organisationId, address indexed by, uint8 reason, uint64 revokedAt
    );

    /// @notice Thrown when a device id is not of the form `XXXX_ZZZZ` (4 of A-Z/0-9, '_', 4 digits).
    error DeviceRegistryInvalidDeviceId(bytes9 deviceId);

    /// @notice Thrown when the id's first four bytes are not a code of protocol's sector table.
    error DeviceRegistryUnknownSector(bytes4 sector);

    /// @notice Thrown when the key type is unknown or the key length does not fit it.
    error DeviceRegistryInvalidKey(uint8 keyType, uint256 length);

    /// @notice Thrown when a P-256 public key is not a point on the curve.
    error DeviceRegistryInvalidP256Point(bytes32 x, bytes32 y);

    /// @notice Thrown when certifying a device id that was certified before (ids are never reused).
    error DeviceRegistryAlreadyRegistered(bytes9 deviceId);

    /// @notice Thrown when the owner holds no company identity.
    error DeviceRegistryOwnerWithoutIdentity(address owner);

    /// @notice Thrown when the role is not 1, 2 or 3.
    error DeviceRegistryInvalidRole(uint8 role);

    /// @notice Thrown when the rated capacity is 0.
    error DeviceRegistryInvalidCapacity(uint32 ratedCapacityW);

    /// @notice Thrown when the caller is not an electrician of the organisation it certifies under.
    error DeviceRegistryNotElectrician(uint256 organisationId, address account);

    /// @notice Thrown when the caller is not an admin of the organisation that certified the device.
    error DeviceRegistryNotOrganisationAdmin(uint256 organisationId, address account);

    /// @notice Thrown when the revocation reason is not 1..5.
    error DeviceRegistryInvalidRevocationReason(uint8 reason);

    /// @notice Thrown when a device id was never certified.
    error DeviceRegistryUnknownDevice(bytes9 deviceId);

    /// @notice Thrown when revoking a device that is already revoked.
    error DeviceRegistryAlreadyRevoked(bytes9 deviceId, uint64 revokedAt);

    /// @notice Thrown when an index is past the end of the device list.
    error DeviceRegistryIndexOutOfBounds(uint256 index, uint256 count);

    /// @notice Certifies a device under `organisationId`. Caller MUST be an electrician of that organisation.
    function certifyDevice(
        uint256 organisationId,
        bytes9 deviceId,
        uint8 keyType,
        bytes calldata publicKey,
        address owner,
        uint8 role,
        uint32 ratedCapacityW
    ) external;

    /// @notice Revokes a device for good, from this block's timestamp on. Caller MUST be an admin of the
    /// organisation that certified it.
    function revokeDevice(bytes9 deviceId, uint8 reason) external;

    /// @notice The device record; reverts DeviceRegistryUnknownDevice for an unknown id.
    function getDevice(bytes9 deviceId) external view returns (Device memory);

    /// @notice Device records in the order asked; an unknown id yields a zeroed entry (keyType 0).
    function getDevices(bytes9[] calldata deviceIds) external view returns (Device[] memory);

    /// @notice True when the device is certified and not revoked.
    function isActive(bytes9 deviceId) external view returns (bool);

    /// @notice True when a reading of the device timestamped `timestamp` counts: certified, and not revoked at or
    /// before `timestamp`.
    function isValidAt(bytes9 deviceId, uint64 timestamp) external view returns (bool);

    /// @notice True when `sector` is a code of protocol's sector table.
    function isKnownSector(bytes4 sector) external pure returns (bool);

    /// @notice Number of devices ever certified (revoked ones included).
    function deviceCount() external view returns (uint256);

    /// @notice The device id certified at `index`, in certification order.
    function deviceIdAt(uint256 index) external view returns (bytes9);
}

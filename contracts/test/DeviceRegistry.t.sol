// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {CompanyIdentity} from "../src/CompanyIdentity.sol";
import {DeviceRegistry} from "../src/DeviceRegistry.sol";
import {InstallerRegistry} from "../src/InstallerRegistry.sol";
import {IDeviceRegistry} from "../src/interfaces/IDeviceRegistry.sol";

/// @notice The registries as deployed: an owner holding an identity, two organisations with an admin and an
/// electrician each.
abstract contract DeviceRegistryBase is Test {
    // Public key of the P-256 test vector device SOLR_0001 (protocol/test-vectors/readings.json).
    bytes internal constant P256_KEY =
        hex"d0c4d9baac5fa544f1b42fe07f602e89a443a6de60443fb1e03fa2033d915f7a2aaf33a698f45437bbc2add93fb835e2dea620466192f23229b00550cfa55cce";
    bytes internal constant ED25519_KEY = hex"e9616dd9c948f64bd2cecb9e161fc975ec74d80b6c1bc2fa66ddb6cfc20fd1ce";
    bytes9 internal constant SOLR_0001 = "SOLR_0001";
    bytes9 internal constant INDU_0042 = "INDU_0042";
    uint64 internal constant T0 = 1_767_225_600;
    uint8 internal constant PRODUCTION = 1;
    uint32 internal constant CAPACITY = 6_400;

    CompanyIdentity internal _identities;
    InstallerRegistry internal _installers;
    DeviceRegistry internal _registry;
    string internal _devices;

    address internal _owner = makeAddr("owner");
    address internal _admin = makeAddr("admin");
    address internal _electrician = makeAddr("electrician");
    address internal _otherAdmin = makeAddr("other admin");
    address internal _otherElectrician = makeAddr("other electrician");
    address internal _stranger = makeAddr("stranger");
    uint256 internal _org;
    uint256 internal _otherOrg;

    function setUp() public virtual {
        vm.warp(T0);
        _identities = new CompanyIdentity();
        _installers = new InstallerRegistry();
        _registry = new DeviceRegistry(_installers, _identities);
        vm.prank(_owner);
        _identities.register("bafkreiowner");
        vm.startPrank(_admin);
        _org = _installers.createOrganisation("Volt & Sons", "bafkreimembers1");
        _installers.addElectrician(_org, _electrician, "bafkreimembers2");
        vm.stopPrank();
        vm.startPrank(_otherAdmin);
        _otherOrg = _installers.createOrganisation("Other Installers", "bafkreiother1");
        _installers.addElectrician(_otherOrg, _otherElectrician, "bafkreiother2");
        vm.stopPrank();
        _devices = vm.readFile(string.concat(vm.projectRoot(), "/protocol/test-vectors/devices.json"));
    }

    function _certify(bytes9 deviceId, uint8 keyType, bytes memory key) internal {
        vm.prank(_electrician);
        _registry.certifyDevice(_org, deviceId, keyType, key, _owner, PRODUCTION, CAPACITY);
    }
}

contract DeviceRegistryTest is DeviceRegistryBase {
    function _expectCertifyRevert(bytes memory err, address caller, uint256 org, bytes9 deviceId) internal {
        vm.expectRevert(err);
        vm.prank(caller);
        _registry.certifyDevice(org, deviceId, 1, P256_KEY, _owner, PRODUCTION, CAPACITY);
    }

    /*//////////////////////////////////////////////////////////////
                              CERTIFICATION
    //////////////////////////////////////////////////////////////*/

    function test_certifyDevice_storesP256Device() public {
        vm.expectEmit(true, true, true, true, address(_registry));
        emit IDeviceRegistry.DeviceCertified(SOLR_0001, _org, _electrician, _owner, 1, P256_KEY, PRODUCTION, CAPACITY);
        vm.prank(_electrician);
        _registry.certifyDevice(_org, SOLR_0001, 1, P256_KEY, _owner, PRODUCTION, CAPACITY);
        vm.snapshotGasLastCall("DeviceRegistry", "certifyDevice P-256");

        IDeviceRegistry.Device memory d = _registry.getDevice(SOLR_0001);
        assertEq(d.deviceId, SOLR_0001);
        assertEq(d.keyType, 1);
        assertEq(d.role, PRODUCTION);
        assertEq(d.owner, _owner);
        assertEq(d.ratedCapacityW, CAPACITY);
        assertEq(d.certifiedAt, T0);
        assertEq(d.revokedAt, 0);
        assertEq(d.revocationReason, 0);
        assertEq(d.certifier, _electrician);
        assertEq(d.organisationId, _org);
        assertEq(d.publicKey, P256_KEY);
        assertTrue(_registry.isActive(SOLR_0001));
        assertTrue(_registry.isValidAt(SOLR_0001, type(uint64).max));
        assertEq(_registry.deviceCount(), 1);
        assertEq(_registry.deviceIdAt(0), SOLR_0001);
    }

    function test_certifyDevice_storesEd25519Device() public {
        vm.prank(_electrician);
        _registry.certifyDevice(_org, INDU_0042, 2, ED25519_KEY, _owner, 2, 1);
        vm.snapshotGasLastCall("DeviceRegistry", "certifyDevice Ed25519");
        IDeviceRegistry.Device memory d = _registry.getDevice(INDU_0042);
        assertEq(d.publicKey, ED25519_KEY);
        assertEq(d.keyType, 2);
        assertEq(d.role, 2);
        assertEq(d.ratedCapacityW, 1);
    }

    function test_getDevices_zeroesUnknownEntries() public {
        _certify(SOLR_0001, 1, P256_KEY);
        _certify(INDU_0042, 2, ED25519_KEY);

        bytes9[] memory ids = new bytes9[](3);
        ids[0] = INDU_0042;
        ids[1] = "HOUS_0000";
        ids[2] = SOLR_0001;
        IDeviceRegistry.Device[] memory ds = _registry.getDevices(ids);
        assertEq(ds.length, 3);
        assertEq(ds[0].deviceId, INDU_0042);
        assertEq(ds[1].keyType, 0);
        assertEq(ds[1].deviceId, bytes9(0));
        assertEq(ds[1].certifier, address(0));
        assertEq(ds[1].publicKey.length, 0);
        assertEq(ds[2].publicKey, P256_KEY);
        assertEq(ds[2].organisationId, _org);
        assertEq(_registry.deviceIdAt(1), INDU_0042);
    }

    function test_RevertWhen_getDeviceUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryUnknownDevice.selector, SOLR_0001));
        _registry.getDevice(SOLR_0001);
        assertFalse(_registry.isActive(SOLR_0001));
        assertFalse(_registry.isValidAt(SOLR_0001, T0));
    }

    function test_RevertWhen_deviceIdAtOutOfBounds() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryIndexOutOfBounds.selector, 0, 0));
        _registry.deviceIdAt(0);
    }

    function test_RevertWhen_certifierNotAMember() public {
        _expectCertifyRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotElectrician.selector, _org, _stranger),
            _stranger,
            _org,
            SOLR_0001
        );
    }

    function test_RevertWhen_certifierIsAdminButNotElectrician() public {
        _expectCertifyRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotElectrician.selector, _org, _admin),
            _admin,
            _org,
            SOLR_0001
        );
    }

    function test_RevertWhen_certifierIsElectricianOfAnotherOrganisation() public {
        _expectCertifyRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotElectrician.selector, _org, _otherElectrician),
            _otherElectrician,
            _org,
            SOLR_0001
        );
    }

    function test_RevertWhen_certifierUnknownOrganisation() public {
        _expectCertifyRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotElectrician.selector, 99, _electrician),
            _electrician,
            99,
            SOLR_0001
        );
    }

    function test_RevertWhen_certifierWasRemoved_devicesStayCertified() public {
        _certify(SOLR_0001, 1, P256_KEY);
        vm.prank(_admin);
        _installers.removeElectrician(_org, _electrician, "bafkreimembers3");
        _expectCertifyRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotElectrician.selector, _org, _electrician),
            _electrician,
            _org,
            INDU_0042
        );
        // What the electrician certified stays certified until an admin revokes it.
        assertTrue(_registry.isActive(SOLR_0001));
        assertEq(_registry.getDevice(SOLR_0001).certifier, _electrician);
    }

    function test_RevertWhen_ownerWithoutIdentity() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryOwnerWithoutIdentity.selector, _stranger));
        vm.prank(_electrician);
        _registry.certifyDevice(_org, SOLR_0001, 1, P256_KEY, _stranger, PRODUCTION, CAPACITY);

        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryOwnerWithoutIdentity.selector, address(0)));
        vm.prank(_electrician);
        _registry.certifyDevice(_org, SOLR_0001, 1, P256_KEY, address(0), PRODUCTION, CAPACITY);
    }

    function test_RevertWhen_ownerBurnedIdentity() public {
        vm.prank(_owner);
        _identities.burn();
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryOwnerWithoutIdentity.selector, _owner));
        vm.prank(_electrician);
        _registry.certifyDevice(_org, SOLR_0001, 1, P256_KEY, _owner, PRODUCTION, CAPACITY);
    }

    function testFuzz_RevertWhen_roleInvalid(uint8 role) public {
        role = uint8(bound(role, 4, 255));
        if (role == 4) role = 0; // 0 is outside too
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidRole.selector, role));
        vm.prank(_electrician);
        _registry.certifyDevice(_org, SOLR_0001, 1, P256_KEY, _owner, role, CAPACITY);
    }

    function test_certifyDevice_acceptsEveryRoleOfTheVectors() public {
        string[3] memory names = ["PRODUCTION", "CONSUMPTION", "GRID_STATUS"];
        for (uint256 i; i < names.length; ++i) {
            uint256 role = vm.parseJsonUint(_devices, string.concat(".roles.", names[i]));
            assertEq(role, i + 1);
            bytes9 id = bytes9(bytes(string.concat("HOUS_000", vm.toString(i))));
            vm.prank(_electrician);
            // Bounded by the vectors' 1..3 just above.
            // forge-lint: disable-next-line(unsafe-typecast)
            _registry.certifyDevice(_org, id, 2, ED25519_KEY, _owner, uint8(role), CAPACITY);
            assertEq(_registry.getDevice(id).role, role);
        }
    }

    function test_RevertWhen_capacityZero() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidCapacity.selector, 0));
        vm.prank(_electrician);
        _registry.certifyDevice(_org, SOLR_0001, 1, P256_KEY, _owner, PRODUCTION, 0);
    }

    function test_RevertWhen_alreadyRegistered() public {
        _certify(SOLR_0001, 1, P256_KEY);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryAlreadyRegistered.selector, SOLR_0001));
        vm.prank(_otherElectrician);
        _registry.certifyDevice(_otherOrg, SOLR_0001, 2, ED25519_KEY, _owner, PRODUCTION, CAPACITY);
        // A revoked id stays taken.
        vm.prank(_admin);
        _registry.revokeDevice(SOLR_0001, 3);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryAlreadyRegistered.selector, SOLR_0001));
        vm.prank(_electrician);
        _registry.certifyDevice(_org, SOLR_0001, 1, P256_KEY, _owner, PRODUCTION, CAPACITY);
        assertEq(_registry.deviceCount(), 1);
    }

    /*//////////////////////////////////////////////////////////////
                                  KEYS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_p256PointNotOnCurve() public {
        bytes memory bad = P256_KEY;
        bad[63] ^= 0x01;
        (bytes32 x, bytes32 y) = abi.decode(bad, (bytes32, bytes32));
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidP256Point.selector, x, y));
        _certify(SOLR_0001, 1, bad);
    }

    function test_RevertWhen_keyTypeUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidKey.selector, 3, 32));
        _certify(SOLR_0001, 3, ED25519_KEY);
    }

    function test_RevertWhen_keyTypeSwapped() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidKey.selector, 1, 32));
        _certify(SOLR_0001, 1, ED25519_KEY);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidKey.selector, 2, 64));
        _certify(SOLR_0001, 2, P256_KEY);
    }

    function testFuzz_RevertWhen_keyLengthWrong(uint8 keyType, uint256 length) public {
        keyType = uint8(bound(keyType, 0, 4));
        length = bound(length, 0, 200);
        bool valid = (keyType == 1 && length == 64) || (keyType == 2 && length == 32);
        if (valid) length += 1; // any other length must fail
        bytes memory key = new bytes(length);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidKey.selector, keyType, length));
        _certify(SOLR_0001, keyType, key);
        assertEq(_registry.deviceCount(), 0);
    }

    /*//////////////////////////////////////////////////////////////
                             IDS AND SECTORS
    //////////////////////////////////////////////////////////////*/

    /// @notice protocol/test-vectors/devices.json: every sector is known, every certifiable id is certified, every
    /// refused id is refused with the registry's error for its reason.
    function test_certifyDevice_followsTheSectorVectors() public {
        string[] memory sectors = vm.parseJsonStringArray(_devices, ".sectors");
        assertEq(sectors.length, 13);
        for (uint256 i; i < sectors.length; ++i) {
            assertTrue(_registry.isKnownSector(bytes4(bytes(sectors[i]))), sectors[i]);
        }
        string[] memory certifiable = vm.parseJsonStringArray(_devices, ".certifiable");
        for (uint256 i; i < certifiable.length; ++i) {
            bytes9 id = bytes9(bytes(certifiable[i]));
            _certify(id, 2, ED25519_KEY);
            assertTrue(_registry.isActive(id), certifiable[i]);
        }
        assertEq(_registry.deviceCount(), certifiable.length);
        for (uint256 i; vm.keyExistsJson(_devices, string.concat(".refused[", vm.toString(i), "]")); ++i) {
            string memory at = string.concat(".refused[", vm.toString(i), "]");
            bytes9 id = bytes9(bytes(vm.parseJsonString(_devices, string.concat(at, ".id"))));
            bytes32 reason = keccak256(bytes(vm.parseJsonString(_devices, string.concat(at, ".reason"))));
            if (reason == keccak256("UNKNOWN_SECTOR")) {
                // The sector is the id's first four bytes.
                // forge-lint: disable-next-line(unsafe-typecast)
                bytes4 sector = bytes4(id);
                assertFalse(_registry.isKnownSector(sector));
                vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryUnknownSector.selector, sector));
            } else {
                assertEq(reason, keccak256("INVALID_DEVICE_ID"));
                vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidDeviceId.selector, id));
            }
            _certify(id, 2, ED25519_KEY);
        }
        assertEq(_registry.deviceCount(), certifiable.length);
    }

    function testFuzz_isKnownSector_onlyTheTable(bytes4 sector) public view {
        string[] memory sectors = vm.parseJsonStringArray(_devices, ".sectors");
        bool listed;
        for (uint256 i; i < sectors.length; ++i) {
            if (bytes4(bytes(sectors[i])) == sector) listed = true;
        }
        assertEq(_registry.isKnownSector(sector), listed);
    }

    function testFuzz_RevertWhen_deviceIdInvalid(uint256 position, uint8 badChar) public {
        position = bound(position, 0, 8);
        bytes memory id = bytes("SOLR_3456");
        // Pick a byte outside the allowed class of that position.
        uint8 c = uint8(bound(badChar, 0, 255));
        if (position < 4) {
            if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a)) c = 0x61; // lowercase 'a'
        } else if (position == 4) {
            if (c == 0x5f) c = 0x2d; // '-'
        } else if (c >= 0x30 && c <= 0x39) {
            c = 0x41; // letters are not allowed in the number part
        }
        id[position] = bytes1(c);
        // `id` is exactly 9 bytes (built above).
        // forge-lint: disable-next-line(unsafe-typecast)
        bytes9 deviceId = bytes9(id);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidDeviceId.selector, deviceId));
        _certify(deviceId, 2, ED25519_KEY);
    }

    function testFuzz_certifyDevice_acceptsEveryValidIdOfAKnownSector(uint256 sectorIndex, uint256 number) public {
        string[] memory sectors = vm.parseJsonStringArray(_devices, ".sectors");
        string memory digits = vm.toString(bound(number, 10_000, 19_999));
        // "1dddd" → the last four digits, zero-padded by construction.
        bytes memory four = new bytes(4);
        for (uint256 i; i < 4; ++i) {
            four[i] = bytes(digits)[i + 1];
        }
        bytes9 deviceId =
            bytes9(bytes(string.concat(sectors[bound(sectorIndex, 0, sectors.length - 1)], "_", string(four))));
        _certify(deviceId, 2, ED25519_KEY);
        assertTrue(_registry.isActive(deviceId));
        assertEq(_registry.getDevice(deviceId).deviceId, deviceId);
    }

    /*//////////////////////////////////////////////////////////////
                               REVOCATION
    //////////////////////////////////////////////////////////////*/

    function test_revokeDevice_byAnAdminOfTheCertifyingOrganisation() public {
        _certify(SOLR_0001, 1, P256_KEY);
        vm.warp(T0 + 1000);
        vm.expectEmit(true, true, true, true, address(_registry));
        emit IDeviceRegistry.DeviceRevoked(SOLR_0001, _org, _admin, 2, T0 + 1000);
        vm.prank(_admin);
        _registry.revokeDevice(SOLR_0001, 2);

        IDeviceRegistry.Device memory d = _registry.getDevice(SOLR_0001);
        assertEq(d.revokedAt, T0 + 1000);
        assertEq(d.revocationReason, 2);
        assertEq(d.certifiedAt, T0);
        assertEq(d.publicKey, P256_KEY);
        assertFalse(_registry.isActive(SOLR_0001));
    }

    function test_isValidAt_boundaryIsTheRevocationSecond() public {
        _certify(SOLR_0001, 1, P256_KEY);
        vm.warp(T0 + 500);
        vm.prank(_admin);
        _registry.revokeDevice(SOLR_0001, 1);
        assertTrue(_registry.isValidAt(SOLR_0001, T0 + 499));
        assertFalse(_registry.isValidAt(SOLR_0001, T0 + 500));
        assertFalse(_registry.isValidAt(SOLR_0001, T0 + 501));
        // Readings from before the certification are not the registry's question: the challenger's record-time
        // check is (reason 6). Before the revocation they count.
        assertTrue(_registry.isValidAt(SOLR_0001, 0));
    }

    function testFuzz_isValidAt_beforeRevocationOnly(uint64 revokedAt, uint64 timestamp) public {
        revokedAt = uint64(bound(revokedAt, T0, type(uint40).max));
        _certify(SOLR_0001, 1, P256_KEY);
        assertTrue(_registry.isValidAt(SOLR_0001, timestamp));
        vm.warp(revokedAt);
        vm.prank(_admin);
        _registry.revokeDevice(SOLR_0001, 5);
        assertEq(_registry.isValidAt(SOLR_0001, timestamp), timestamp < revokedAt);
        assertFalse(_registry.isActive(SOLR_0001));
    }

    function test_revokeDevice_byALaterAdmin() public {
        _certify(SOLR_0001, 1, P256_KEY);
        address successor = makeAddr("successor");
        vm.startPrank(_admin);
        _installers.addAdmin(_org, successor, "bafkreimembers3");
        _installers.removeAdmin(_org, _admin, "bafkreimembers4");
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotOrganisationAdmin.selector, _org, _admin)
        );
        vm.prank(_admin);
        _registry.revokeDevice(SOLR_0001, 4);
        vm.prank(successor);
        _registry.revokeDevice(SOLR_0001, 4);
        assertEq(_registry.getDevice(SOLR_0001).revocationReason, 4);
    }

    function test_RevertWhen_revokedByAnotherOrganisationsAdmin() public {
        _certify(SOLR_0001, 1, P256_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotOrganisationAdmin.selector, _org, _otherAdmin)
        );
        vm.prank(_otherAdmin);
        _registry.revokeDevice(SOLR_0001, 1);
        assertTrue(_registry.isActive(SOLR_0001));
    }

    function test_RevertWhen_revokedByTheCertifierOrAStranger() public {
        _certify(SOLR_0001, 1, P256_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotOrganisationAdmin.selector, _org, _electrician)
        );
        vm.prank(_electrician);
        _registry.revokeDevice(SOLR_0001, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryNotOrganisationAdmin.selector, _org, _stranger)
        );
        vm.prank(_stranger);
        _registry.revokeDevice(SOLR_0001, 1);
    }

    function testFuzz_RevertWhen_revocationReasonInvalid(uint8 reason) public {
        reason = uint8(bound(reason, 5, 255));
        if (reason == 5) reason = 0;
        _certify(SOLR_0001, 1, P256_KEY);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidRevocationReason.selector, reason));
        vm.prank(_admin);
        _registry.revokeDevice(SOLR_0001, reason);
    }

    function test_revokeDevice_acceptsEveryReasonOfTheVectors() public {
        string[5] memory names = ["SEAL_BROKEN", "KEY_COMPROMISED", "DECOMMISSIONED", "REPLACED", "OTHER"];
        for (uint256 i; i < names.length; ++i) {
            uint256 reason = vm.parseJsonUint(_devices, string.concat(".revocationReasons.", names[i]));
            assertEq(reason, i + 1);
            bytes9 id = bytes9(bytes(string.concat("GRID_000", vm.toString(i))));
            _certify(id, 2, ED25519_KEY);
            vm.prank(_admin);
            // Bounded by the vectors' 1..5 just above.
            // forge-lint: disable-next-line(unsafe-typecast)
            _registry.revokeDevice(id, uint8(reason));
            assertEq(_registry.getDevice(id).revocationReason, reason);
        }
    }

    function test_RevertWhen_revokeUnknownOrRevoked() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryUnknownDevice.selector, SOLR_0001));
        vm.prank(_admin);
        _registry.revokeDevice(SOLR_0001, 1);
        _certify(SOLR_0001, 1, P256_KEY);
        vm.prank(_admin);
        _registry.revokeDevice(SOLR_0001, 1);
        vm.warp(T0 + 60);
        // The first revocation's time, which never changes.
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryAlreadyRevoked.selector, SOLR_0001, T0));
        vm.prank(_admin);
        _registry.revokeDevice(SOLR_0001, 2);
        assertEq(_registry.getDevice(SOLR_0001).revocationReason, 1);
    }

    function test_constructor_keepsItsRegistries() public view {
        assertEq(address(_registry.installerRegistry()), address(_installers));
        assertEq(address(_registry.companyIdentity()), address(_identities));
    }
}

/// @notice Gas of a revocation in a transaction of its own (the certification is setUp's: every slot is cold, as on
/// chain when a device is revoked long after its certification).
contract DeviceRegistryGasTest is DeviceRegistryBase {
    function setUp() public override {
        super.setUp();
        _certify(SOLR_0001, 1, P256_KEY);
    }

    function test_gas_revokeDevice() public {
        vm.prank(_admin);
        _registry.revokeDevice(SOLR_0001, 1);
        vm.snapshotGasLastCall("DeviceRegistry", "revokeDevice");
        assertFalse(_registry.isActive(SOLR_0001));
    }
}

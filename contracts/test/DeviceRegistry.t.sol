// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {DeviceRegistry} from "../src/DeviceRegistry.sol";
import {IDeviceRegistry} from "../src/interfaces/IDeviceRegistry.sol";

contract DeviceRegistryTest is Test {
    // Public key of the P-256 test vector device SOLR_0001 (protocol/test-vectors/readings.json).
    bytes internal constant P256_KEY =
        hex"d0c4d9baac5fa544f1b42fe07f602e89a443a6de60443fb1e03fa2033d915f7a2aaf33a698f45437bbc2add93fb835e2dea620466192f23229b00550cfa55cce";
    bytes internal constant ED25519_KEY = hex"e9616dd9c948f64bd2cecb9e161fc975ec74d80b6c1bc2fa66ddb6cfc20fd1ce";
    bytes9 internal constant SOLR_0001 = "SOLR_0001";
    bytes9 internal constant INDU_0042 = "INDU_0042";

    DeviceRegistry internal _registry;
    address internal _admin = makeAddr("admin");
    address internal _owner = makeAddr("owner");
    address internal _stranger = makeAddr("stranger");

    function setUp() public {
        _registry = new DeviceRegistry(_admin);
        vm.warp(1_767_225_600);
    }

    function test_registerDevice_storesP256Device() public {
        vm.expectEmit(true, true, false, true, address(_registry));
        emit IDeviceRegistry.DeviceRegistered(SOLR_0001, 1, P256_KEY, _owner);
        vm.prank(_admin);
        _registry.registerDevice(SOLR_0001, 1, P256_KEY, _owner);

        IDeviceRegistry.Device memory d = _registry.getDevice(SOLR_0001);
        assertEq(d.deviceId, SOLR_0001);
        assertEq(d.keyType, 1);
        assertEq(d.owner, _owner);
        assertTrue(d.active);
        assertEq(d.registeredAt, 1_767_225_600);
        assertEq(d.publicKey, P256_KEY);
        assertTrue(_registry.isActive(SOLR_0001));
        assertEq(_registry.deviceCount(), 1);
        assertEq(_registry.deviceIdAt(0), SOLR_0001);
    }

    function test_registerDevice_storesEd25519Device() public {
        vm.prank(_admin);
        _registry.registerDevice(INDU_0042, 2, ED25519_KEY, _owner);
        assertEq(_registry.getDevice(INDU_0042).publicKey, ED25519_KEY);
        assertEq(_registry.getDevice(INDU_0042).keyType, 2);
    }

    function test_getDevices_zeroesUnknownEntries() public {
        vm.startPrank(_admin);
        _registry.registerDevice(SOLR_0001, 1, P256_KEY, _owner);
        _registry.registerDevice(INDU_0042, 2, ED25519_KEY, _owner);
        vm.stopPrank();

        bytes9[] memory ids = new bytes9[](3);
        ids[0] = INDU_0042;
        ids[1] = "NONE_0000";
        ids[2] = SOLR_0001;
        IDeviceRegistry.Device[] memory ds = _registry.getDevices(ids);
        assertEq(ds.length, 3);
        assertEq(ds[0].deviceId, INDU_0042);
        assertEq(ds[1].keyType, 0);
        assertEq(ds[1].deviceId, bytes9(0));
        assertEq(ds[1].publicKey.length, 0);
        assertEq(ds[2].publicKey, P256_KEY);
        assertEq(_registry.deviceIdAt(1), INDU_0042);
    }

    function test_RevertWhen_getDeviceUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryUnknownDevice.selector, SOLR_0001));
        _registry.getDevice(SOLR_0001);
    }

    function test_RevertWhen_deviceIdAtOutOfBounds() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryIndexOutOfBounds.selector, 0, 0));
        _registry.deviceIdAt(0);
    }

    function test_RevertWhen_callerNotRegistrar() public {
        bytes32 role = _registry.REGISTRAR_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, _stranger, role)
        );
        vm.prank(_stranger);
        _registry.registerDevice(SOLR_0001, 1, P256_KEY, _owner);

        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, _stranger, role)
        );
        vm.prank(_stranger);
        _registry.revokeDevice(SOLR_0001);
    }

    function test_grantRole_letsNewRegistrarRegister() public {
        bytes32 role = _registry.REGISTRAR_ROLE();
        vm.prank(_admin);
        _registry.grantRole(role, _stranger);
        vm.prank(_stranger);
        _registry.registerDevice(SOLR_0001, 1, P256_KEY, _owner);
        assertTrue(_registry.isActive(SOLR_0001));
    }

    function test_RevertWhen_alreadyRegistered() public {
        vm.startPrank(_admin);
        _registry.registerDevice(SOLR_0001, 1, P256_KEY, _owner);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryAlreadyRegistered.selector, SOLR_0001));
        _registry.registerDevice(SOLR_0001, 2, ED25519_KEY, _owner);
        // A revoked id stays taken.
        _registry.revokeDevice(SOLR_0001);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryAlreadyRegistered.selector, SOLR_0001));
        _registry.registerDevice(SOLR_0001, 1, P256_KEY, _owner);
        vm.stopPrank();
        assertEq(_registry.deviceCount(), 1);
    }

    function test_RevertWhen_ownerIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidOwner.selector, address(0)));
        vm.prank(_admin);
        _registry.registerDevice(SOLR_0001, 1, P256_KEY, address(0));
    }

    function test_RevertWhen_p256PointNotOnCurve() public {
        bytes memory bad = P256_KEY;
        bad[63] ^= 0x01;
        (bytes32 x, bytes32 y) = abi.decode(bad, (bytes32, bytes32));
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidP256Point.selector, x, y));
        vm.prank(_admin);
        _registry.registerDevice(SOLR_0001, 1, bad, _owner);
    }

    function test_RevertWhen_keyTypeUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidKey.selector, 3, 32));
        vm.prank(_admin);
        _registry.registerDevice(SOLR_0001, 3, ED25519_KEY, _owner);
    }

    function test_RevertWhen_keyTypeSwapped() public {
        vm.startPrank(_admin);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidKey.selector, 1, 32));
        _registry.registerDevice(SOLR_0001, 1, ED25519_KEY, _owner);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidKey.selector, 2, 64));
        _registry.registerDevice(SOLR_0001, 2, P256_KEY, _owner);
        vm.stopPrank();
    }

    function testFuzz_RevertWhen_keyLengthWrong(uint8 keyType, uint256 length) public {
        keyType = uint8(bound(keyType, 0, 4));
        length = bound(length, 0, 200);
        bool valid = (keyType == 1 && length == 64) || (keyType == 2 && length == 32);
        if (valid) length += 1; // any other length must fail
        bytes memory key = new bytes(length);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryInvalidKey.selector, keyType, length));
        vm.prank(_admin);
        _registry.registerDevice(SOLR_0001, keyType, key, _owner);
        assertEq(_registry.deviceCount(), 0);
    }

    function testFuzz_RevertWhen_deviceIdInvalid(uint256 position, uint8 badChar) public {
        position = bound(position, 0, 8);
        bytes memory id = bytes("AB12_3456");
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
        vm.prank(_admin);
        _registry.registerDevice(deviceId, 2, ED25519_KEY, _owner);
    }

    function testFuzz_registerDevice_acceptsEveryValidId(uint256 seed) public {
        bytes memory alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        bytes memory id = new bytes(9);
        for (uint256 i; i < 9; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            id[i] = i < 4 ? alphabet[r % 36] : (i == 4 ? bytes1(0x5f) : alphabet[r % 10]); // 0x5f: "_"
        }
        // `id` is exactly 9 bytes (built above).
        // forge-lint: disable-next-line(unsafe-typecast)
        bytes9 deviceId = bytes9(id);
        vm.prank(_admin);
        _registry.registerDevice(deviceId, 2, ED25519_KEY, _owner);
        assertTrue(_registry.isActive(deviceId));
    }

    function test_revokeDevice_deactivates() public {
        vm.startPrank(_admin);
        _registry.registerDevice(SOLR_0001, 1, P256_KEY, _owner);
        vm.expectEmit(true, false, false, true, address(_registry));
        emit IDeviceRegistry.DeviceRevoked(SOLR_0001);
        _registry.revokeDevice(SOLR_0001);
        vm.stopPrank();
        assertFalse(_registry.isActive(SOLR_0001));
        assertFalse(_registry.getDevice(SOLR_0001).active);
        assertEq(_registry.getDevice(SOLR_0001).publicKey, P256_KEY);
    }

    function test_RevertWhen_revokeUnknownOrRevoked() public {
        vm.startPrank(_admin);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryUnknownDevice.selector, SOLR_0001));
        _registry.revokeDevice(SOLR_0001);
        _registry.registerDevice(SOLR_0001, 1, P256_KEY, _owner);
        _registry.revokeDevice(SOLR_0001);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.DeviceRegistryAlreadyRevoked.selector, SOLR_0001));
        _registry.revokeDevice(SOLR_0001);
        vm.stopPrank();
    }
}

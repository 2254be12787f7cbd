// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import "forge-std/Test.sol";
import {ReadingCodec} from "../../src/libraries/ReadingCodec.sol";
import {ReadingCodecHarness} from "../utils/ReadingCodecHarness.sol";

contract ReadingCodecTest is Test {
    bytes9 internal constant DEVICE_ID = "AB12_0042";
    bytes9 internal constant LOWERCASE_ID = "sOLR_0001";

    // readings.json case 0: SOLR_0001, counter 1, 1767225610, 1520 W, 100000 Wh, 229007 mV, ON.
    bytes internal constant READING =
        hex"01534f4c525f303030310000000000000001000000006955b90a000005f000000000000186a000037e8f01";

    ReadingCodecHarness internal _codec;

    function setUp() public {
        _codec = new ReadingCodecHarness();
    }

    function testFuzz_decode_readsEveryField(
        uint64 counter,
        uint64 timestamp,
        uint32 powerW,
        uint64 energyWh,
        uint32 voltageMv,
        bool on
    ) public view {
        bytes memory b = abi.encodePacked(
            uint8(1), DEVICE_ID, counter, timestamp, powerW, energyWh, voltageMv, on ? uint8(1) : 0
        );
        ReadingCodec.Reading memory r = _codec.decode(b);
        assertEq(r.deviceId, DEVICE_ID);
        assertEq(r.counter, counter);
        assertEq(r.timestamp, timestamp);
        assertEq(r.powerW, powerW);
        assertEq(r.energyWh, energyWh);
        assertEq(r.voltageMv, voltageMv);
        assertEq(r.status, on ? 1 : 0);
    }

    function test_RevertWhen_lengthWrong() public {
        vm.expectRevert(abi.encodeWithSelector(ReadingCodec.ReadingCodecInvalidLength.selector, 44, 43));
        _codec.decode(bytes.concat(READING, hex"00"));
        vm.expectRevert(abi.encodeWithSelector(ReadingCodec.ReadingCodecInvalidLength.selector, 43, 107));
        _codec.decodeSigned(READING);
    }

    function test_RevertWhen_versionUnknown() public {
        bytes memory b = READING;
        b[0] = 0x02;
        vm.expectRevert(abi.encodeWithSelector(ReadingCodec.ReadingCodecUnsupportedVersion.selector, 2));
        _codec.decode(b);
    }

    function test_RevertWhen_statusUnknown() public {
        bytes memory b = READING;
        b[42] = 0x02;
        vm.expectRevert(abi.encodeWithSelector(ReadingCodec.ReadingCodecInvalidStatus.selector, 2));
        _codec.decode(b);
    }

    function test_RevertWhen_deviceIdLowercase() public {
        bytes memory b = READING;
        b[1] = "s";
        vm.expectRevert(abi.encodeWithSelector(ReadingCodec.ReadingCodecInvalidDeviceId.selector, LOWERCASE_ID));
        _codec.decode(b);
    }

    function test_isValidDeviceId_matchesPattern() public view {
        assertTrue(_codec.isValidDeviceId("SOLR_0001"));
        assertTrue(_codec.isValidDeviceId("0000_9999"));
        assertFalse(_codec.isValidDeviceId("SOLR-0001"));
        assertFalse(_codec.isValidDeviceId("SOLR_000A"));
        assertFalse(_codec.isValidDeviceId(bytes9(0)));
    }
}

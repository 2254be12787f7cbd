// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ReadingCodec} from "../../src/libraries/ReadingCodec.sol";

/// @notice Exposes ReadingCodec's calldata functions to tests that hold the bytes in memory.
contract ReadingCodecHarness {
    function decode(bytes calldata reading) external pure returns (ReadingCodec.Reading memory) {
        return ReadingCodec.decode(reading);
    }

    function decodeSigned(bytes calldata signedReading)
        external
        pure
        returns (ReadingCodec.Reading memory, bytes32, bytes32)
    {
        return ReadingCodec.decodeSigned(signedReading);
    }

    function isValidDeviceId(bytes9 deviceId) external pure returns (bool) {
        return ReadingCodec.isValidDeviceId(deviceId);
    }
}

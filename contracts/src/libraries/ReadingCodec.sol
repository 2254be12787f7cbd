// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title ReadingCodec
/// @notice Decodes reading layout v1, byte for byte the layout of protocol/src/reading.ts:
/// version u8 | deviceId 9 ASCII | counter u64 | timestamp u64 | powerW u32 | energyWh u64 | voltageMv u32 | status u8
/// (43 bytes, big-endian); a signed reading appends the 64-byte signature r ‖ s (107 bytes).
library ReadingCodec {
    uint256 internal constant READING_LENGTH = 43;
    uint256 internal constant SIGNED_READING_LENGTH = 107;
    uint8 internal constant READING_VERSION = 1;

    /// @notice A decoded reading.
    struct Reading {
        bytes9 deviceId;
        uint64 counter;
        uint64 timestamp;
        uint32 powerW;
        uint64 energyWh;
        uint32 voltageMv;
        uint8 status;
    }

    /// @notice Thrown when the bytes are not 43 (reading) or 107 (signed reading) long.
    error ReadingCodecInvalidLength(uint256 length, uint256 expected);

    /// @notice Thrown when the layout version byte is not 1.
    error ReadingCodecUnsupportedVersion(uint8 version);

    /// @notice Thrown when the device id bytes are not `XXXX_ZZZZ`.
    error ReadingCodecInvalidDeviceId(bytes9 deviceId);

    /// @notice Thrown when the status byte is not 0 (OFF) or 1 (ON).
    error ReadingCodecInvalidStatus(uint8 status);

    /// @notice Decodes a 43-byte reading.
    function decode(bytes calldata reading) internal pure returns (Reading memory r) {
        if (reading.length != READING_LENGTH) revert ReadingCodecInvalidLength(reading.length, READING_LENGTH);
        r = _decodeFields(reading);
    }

    /// @notice Decodes a 107-byte signed reading into the reading and the signature halves.
    function decodeSigned(bytes calldata signedReading)
        internal
        pure
        returns (Reading memory r, bytes32 sigR, bytes32 sigS)
    {
        if (signedReading.length != SIGNED_READING_LENGTH) {
            revert ReadingCodecInvalidLength(signedReading.length, SIGNED_READING_LENGTH);
        }
        r = _decodeFields(signedReading[:READING_LENGTH]);
        sigR = bytes32(signedReading[43:75]);
        sigS = bytes32(signedReading[75:107]);
    }

    /// @notice True when `deviceId` is 4 of A-Z/0-9, '_', 4 of 0-9.
    function isValidDeviceId(bytes9 deviceId) internal pure returns (bool) {
        for (uint256 i; i < 9; ++i) {
            bytes1 c = deviceId[i];
            bool digit = c >= "0" && c <= "9";
            if (i < 4) {
                if (!(digit || (c >= "A" && c <= "Z"))) return false;
            } else if (i == 4) {
                if (c != "_") return false;
            } else if (!digit) {
                return false;
            }
        }
        return true;
    }

    function _decodeFields(bytes calldata b) private pure returns (Reading memory r) {
        uint8 version = uint8(b[0]);
        if (version != READING_VERSION) revert ReadingCodecUnsupportedVersion(version);
        r.deviceId = bytes9(b[1:10]);
        if (!isValidDeviceId(r.deviceId)) revert ReadingCodecInvalidDeviceId(r.deviceId);
        r.counter = uint64(bytes8(b[10:18]));
        r.timestamp = uint64(bytes8(b[18:26]));
        r.powerW = uint32(bytes4(b[26:30]));
        r.energyWh = uint64(bytes8(b[30:38]));
        r.voltageMv = uint32(bytes4(b[38:42]));
        r.status = uint8(b[42]);
        if (r.status > 1) revert ReadingCodecInvalidStatus(r.status);
    }
}

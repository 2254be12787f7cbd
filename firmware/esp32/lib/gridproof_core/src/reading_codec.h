// Reading layout v1 (43 bytes, big-endian), mirrored byte for byte from protocol/src/reading.ts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gridproof {

constexpr uint8_t kReadingVersion = 1;
constexpr size_t kReadingLength = 43;
constexpr size_t kDeviceIdLength = 9;
constexpr size_t kDigestLength = 32;
constexpr size_t kSignatureLength = 64;
constexpr size_t kPublicKeyLength = 64;
constexpr size_t kSignedReadingLength = kReadingLength + kSignatureLength;
// Counters, timestamps and energy travel as JSON numbers downstream, so they stay below 2^53.
constexpr uint64_t kMaxSafeUint = 9007199254740991ULL;

enum class ReadingStatus : uint8_t { Off = 0, On = 1 };

struct Reading {
  char device_id[kDeviceIdLength + 1];  // `XXXX_ZZZZ`, NUL-terminated
  uint64_t counter;
  uint64_t timestamp;  // unix seconds, UTC
  uint32_t power_w;
  uint64_t energy_wh;  // cumulative register, never decreases
  uint32_t voltage_mv;
  ReadingStatus status;
};

// 107 bytes on the wire: reading (43) ‖ signature r‖s (64, low-S).
struct SignedReading {
  uint8_t bytes[kSignedReadingLength];
};

enum class CodecError : uint8_t {
  Ok = 0,
  InvalidDeviceId,
  ValueTooLarge,
  InvalidLength,
  UnknownVersion,
  InvalidStatus,
};

// The protocol's stable error code (INVALID_DEVICE_ID or INVALID_READING), and a human message.
const char* codec_error_code(CodecError error);
const char* codec_error_message(CodecError error);

// True for exactly 9 chars of the form [A-Z0-9]{4}_[0-9]{4}.
bool is_valid_device_id(const char* device_id);

CodecError encode_reading(const Reading& reading, uint8_t out[kReadingLength]);
// Rejects any other length, version, device id, status byte or value above 2^53-1.
CodecError decode_reading(const uint8_t* bytes, size_t length, Reading& out);

// SHA-256 of the reading bytes: the 32-byte message every meter signs.
bool reading_digest(const uint8_t reading[kReadingLength], uint8_t digest[kDigestLength]);

}  // namespace gridproof

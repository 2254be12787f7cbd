#include "reading_codec.h"

#include <cstring>

#include "sha256.h"

namespace gridproof {
namespace {

void put_uint(uint8_t* out, uint64_t value, size_t size) {
  for (size_t i = 0; i < size; ++i) out[size - 1 - i] = static_cast<uint8_t>(value >> (8 * i));
}

uint64_t get_uint(const uint8_t* in, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) value = (value << 8) | in[i];
  return value;
}

bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

const char* codec_error_code(CodecError error) {
  switch (error) {
    case CodecError::Ok: return "OK";
    case CodecError::InvalidDeviceId: return "INVALID_DEVICE_ID";
    default: return "INVALID_READING";
  }
}

const char* codec_error_message(CodecError error) {
  switch (error) {
    case CodecError::Ok: return "ok";
    case CodecError::InvalidDeviceId: return "device id is not of the form XXXX_ZZZZ";
    case CodecError::ValueTooLarge: return "counter, timestamp or energy exceeds 2^53-1";
    case CodecError::InvalidLength: return "a v1 reading is 43 bytes";
    case CodecError::UnknownVersion: return "unknown reading layout version";
    case CodecError::InvalidStatus: return "status byte must be 0 or 1";
  }
  return "unknown error";
}

bool is_valid_device_id(const char* id) {
  if (id == nullptr || std::strlen(id) != kDeviceIdLength) return false;
  for (size_t i = 0; i < 4; ++i)
    if (!is_upper_alnum(id[i])) return false;
  if (id[4] != '_') return false;
  for (size_t i = 5; i < kDeviceIdLength; ++i)
    if (!is_digit(id[i])) return false;
  return true;
}

CodecError encode_reading(const Reading& r, uint8_t out[kReadingLength]) {
  if (!is_valid_device_id(r.device_id)) return CodecError::InvalidDeviceId;
  if (r.counter > kMaxSafeUint || r.timestamp > kMaxSafeUint || r.energy_wh > kMaxSafeUint) return CodecError::ValueTooLarge;
  if (r.status != ReadingStatus::On && r.status != ReadingStatus::Off) return CodecError::InvalidStatus;
  out[0] = kReadingVersion;
  std::memcpy(out + 1, r.device_id, kDeviceIdLength);
  put_uint(out + 10, r.counter, 8);
  put_uint(out + 18, r.timestamp, 8);
  put_uint(out + 26, r.power_w, 4);
  put_uint(out + 30, r.energy_wh, 8);
  put_uint(out + 38, r.voltage_mv, 4);
  out[42] = static_cast<uint8_t>(r.status);
  return CodecError::Ok;
}

CodecError decode_reading(const uint8_t* bytes, size_t length, Reading& out) {
  if (bytes == nullptr || length != kReadingLength) return CodecError::InvalidLength;
  if (bytes[0] != kReadingVersion) return CodecError::UnknownVersion;
  Reading r{};
  std::memcpy(r.device_id, bytes + 1, kDeviceIdLength);
  r.device_id[kDeviceIdLength] = '\0';
  if (!is_valid_device_id(r.device_id)) return CodecError::InvalidDeviceId;
  if (bytes[42] > 1) return CodecError::InvalidStatus;
  r.counter = get_uint(bytes + 10, 8);
  r.timestamp = get_uint(bytes + 18, 8);
  r.power_w = static_cast<uint32_t>(get_uint(bytes + 26, 4));
  r.energy_wh = get_uint(bytes + 30, 8);
  r.voltage_mv = static_cast<uint32_t>(get_uint(bytes + 38, 4));
  r.status = bytes[42] == 1 ? ReadingStatus::On : ReadingStatus::Off;
  if (r.counter > kMaxSafeUint || r.timestamp > kMaxSafeUint || r.energy_wh > kMaxSafeUint) return CodecError::ValueTooLarge;
  out = r;
  return CodecError::Ok;
}

bool reading_digest(const uint8_t reading[kReadingLength], uint8_t digest[kDigestLength]) {
  return sha256(reading, kReadingLength, digest);
}

}  // namespace gridproof

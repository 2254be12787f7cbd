#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace gridproof {

// Bytes as 0x-prefixed lower-case hex, the spelling of protocol/test-vectors and the API.
std::string to_hex(const uint8_t* data, size_t length);

}  // namespace gridproof

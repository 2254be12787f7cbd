// Helpers shared by the host tests: hex, test vectors, temp dirs, mbedTLS verification.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hex.h"
#include "reading_codec.h"

namespace support {

std::string& vectors_path();
const nlohmann::json& vectors();

std::vector<uint8_t> from_hex(const std::string& hex);  // accepts a 0x prefix
using gridproof::to_hex;  // 0x-prefixed, lower case (the core's)
inline std::string to_hex(const std::vector<uint8_t>& v) { return to_hex(v.data(), v.size()); }

gridproof::Reading reading_from_json(const nlohmann::json& j);

// A fresh empty directory under /tmp, removed at exit.
std::string temp_dir();

// Independent check with mbedTLS's verifier (accepts high-S too).
bool p256_verify(const uint8_t public_key[64], const uint8_t digest[32], const uint8_t signature[64]);

}  // namespace support

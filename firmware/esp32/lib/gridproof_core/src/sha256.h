#pragma once

#include <cstddef>
#include <cstdint>

namespace gridproof {

// SHA-256 through mbedTLS, which ESP-IDF ships (and uses the ESP32's SHA accelerator for).
bool sha256(const uint8_t* data, size_t length, uint8_t out[32]);

}  // namespace gridproof

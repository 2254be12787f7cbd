// Low-S normalisation for P-256 r‖s signatures. The ATECC608A (like Node and WebCrypto) emits
// high-S about half the time; OpenZeppelin's P256 and the protocol's verifier reject it.
#pragma once

#include <cstdint>

namespace gridproof {

// True when s ≤ n/2 (n = P-256 group order).
bool p256_is_low_s(const uint8_t signature[64]);

// Replaces s with n − s when s > n/2. Returns true if the signature was changed.
bool p256_normalize_low_s(uint8_t signature[64]);

}  // namespace gridproof

#include "p256_signature.h"

namespace gridproof {
namespace {

// P-256 group order n, big-endian.
constexpr uint8_t kOrder[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
};

// Compares s with n/2 without materialising n/2: s > n/2 ⇔ 2s > n ⇔ 2s ≥ n + 1 (n is odd).
bool is_high(const uint8_t s[32]) {
  uint8_t twice[33];  // 2s, one extra byte for the carry
  unsigned carry = 0;
  for (int i = 31; i >= 0; --i) {
    unsigned v = (static_cast<unsigned>(s[i]) << 1) | carry;
    twice[i + 1] = static_cast<uint8_t>(v);
    carry = v >> 8;
  }
  twice[0] = static_cast<uint8_t>(carry);
  if (twice[0] != 0) return true;
  for (int i = 0; i < 32; ++i) {
    if (twice[i + 1] != kOrder[i]) return twice[i + 1] > kOrder[i];
  }
  return false;  // 2s == n is impossible for odd n; equal only if both were compared fully
}

}  // namespace

bool p256_is_low_s(const uint8_t signature[64]) { return !is_high(signature + 32); }

bool p256_normalize_low_s(uint8_t signature[64]) {
  uint8_t* s = signature + 32;
  if (!is_high(s)) return false;
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int v = static_cast<int>(kOrder[i]) - static_cast<int>(s[i]) - borrow;
    borrow = v < 0 ? 1 : 0;
    s[i] = static_cast<uint8_t>(v + (borrow << 8));
  }
  return true;
}

}  // namespace gridproof

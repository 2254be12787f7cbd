#include "hex.h"

namespace gridproof {

std::string to_hex(const uint8_t* data, size_t length) {
  static const char digits[] = "0123456789abcdef";
  std::string out = "0x";
  out.reserve(2 + 2 * length);
  for (size_t i = 0; i < length; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

}  // namespace gridproof

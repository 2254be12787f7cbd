#include "counter_store.h"

#include <cstdio>

#include "reading_codec.h"

namespace gridproof {
namespace {

void put_u64(uint8_t* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[7 - i] = static_cast<uint8_t>(v >> (8 * i));
}
uint64_t get_u64(const uint8_t* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

}  // namespace

bool FileCounterStore::load(uint64_t& value) {
  std::FILE* file = std::fopen(path_.c_str(), "rb");
  if (file == nullptr) {
    value = 0;  // first boot
    return true;
  }
  uint8_t buffer[17];
  size_t got = std::fread(buffer, 1, sizeof buffer, file);
  std::fclose(file);
  if (got != 16) return false;
  uint64_t v = get_u64(buffer);
  if (get_u64(buffer + 8) != ~v) return false;
  value = v;
  return true;
}

bool FileCounterStore::save(uint64_t value) {
  uint8_t buffer[16];
  put_u64(buffer, value);
  put_u64(buffer + 8, ~value);
  std::string temp = path_ + ".tmp";
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) return false;
  bool written = std::fwrite(buffer, 1, sizeof buffer, file) == sizeof buffer;
  written = std::fflush(file) == 0 && written;
  written = std::fclose(file) == 0 && written;
  return written && std::rename(temp.c_str(), path_.c_str()) == 0;
}

bool MonotonicCounter::begin() {
  uint64_t mark = 0;
  if (!store_.load(mark) || mark >= kMaxSafeUint) return false;
  mark_ = mark;
  next_ = mark + 1;
  ready_ = true;
  return true;
}

bool MonotonicCounter::next(uint64_t& counter) {
  if (!ready_ || next_ > kMaxSafeUint) return false;
  if (next_ > mark_) {
    uint64_t mark = next_ + reserve_ - 1;
    if (mark > kMaxSafeUint) mark = kMaxSafeUint;
    if (!store_.save(mark)) return false;
    mark_ = mark;
  }
  counter = next_++;
  return true;
}

}  // namespace gridproof

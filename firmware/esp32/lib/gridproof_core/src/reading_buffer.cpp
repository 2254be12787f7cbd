#include "reading_buffer.h"

#include <cstdio>
#include <cstring>

namespace gridproof {
namespace {

constexpr uint8_t kMagic[4] = {'G', 'P', 'B', '1'};
constexpr long kHeaderSize = 32;

void put_u32(uint8_t* o, uint32_t v) {
  for (int i = 0; i < 4; ++i) o[3 - i] = static_cast<uint8_t>(v >> (8 * i));
}
void put_u64(uint8_t* o, uint64_t v) {
  for (int i = 0; i < 8; ++i) o[7 - i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get_u32(const uint8_t* in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | in[i];
  return v;
}
uint64_t get_u64(const uint8_t* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}
// FNV-1a over the header fields: detects a torn or foreign header.
uint64_t checksum(const uint8_t* data, size_t length) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < length; ++i) h = (h ^ data[i]) * 1099511628211ULL;
  return h;
}

void encode_header(uint32_t capacity, const BufferHeader& h, uint8_t out[kHeaderSize]) {
  std::memcpy(out, kMagic, 4);
  put_u32(out + 4, capacity);
  put_u32(out + 8, h.head);
  put_u32(out + 12, h.count);
  put_u64(out + 16, h.dropped);
  put_u64(out + 24, checksum(out, 24));
}

}  // namespace

bool FileReadingBufferStore::load(uint32_t capacity, BufferHeader& header, SignedReading* slots) {
  capacity_ = capacity;
  std::FILE* file = std::fopen(path_.c_str(), "rb");
  if (file == nullptr) return false;
  uint8_t raw[kHeaderSize];
  bool valid = std::fread(raw, 1, kHeaderSize, file) == static_cast<size_t>(kHeaderSize) &&
               std::memcmp(raw, kMagic, 4) == 0 && get_u32(raw + 4) == capacity &&
               get_u64(raw + 24) == checksum(raw, 24);
  BufferHeader h;
  if (valid) {
    h.head = get_u32(raw + 8);
    h.count = get_u32(raw + 12);
    h.dropped = get_u64(raw + 16);
    valid = h.head < capacity && h.count <= capacity;
  }
  for (uint32_t i = 0; valid && i < h.count; ++i) {
    uint32_t slot = (h.head + i) % capacity;
    valid = std::fseek(file, kHeaderSize + static_cast<long>(slot) * kSignedReadingLength, SEEK_SET) == 0 &&
            std::fread(slots[slot].bytes, 1, kSignedReadingLength, file) == kSignedReadingLength;
  }
  std::fclose(file);
  if (valid) header = h;
  return valid;
}

bool FileReadingBufferStore::write_at(long offset, const uint8_t* data, size_t length) {
  std::FILE* file = std::fopen(path_.c_str(), "r+b");
  if (file == nullptr) file = std::fopen(path_.c_str(), "w+b");
  if (file == nullptr) return false;
  bool ok = std::fseek(file, offset, SEEK_SET) == 0 && std::fwrite(data, 1, length, file) == length;
  ok = std::fflush(file) == 0 && ok;
  return std::fclose(file) == 0 && ok;
}

bool FileReadingBufferStore::write_slot(uint32_t index, const SignedReading& reading) {
  return write_at(kHeaderSize + static_cast<long>(index) * kSignedReadingLength, reading.bytes, kSignedReadingLength);
}

bool FileReadingBufferStore::write_header(const BufferHeader& header) {
  uint8_t raw[kHeaderSize];
  encode_header(capacity_, header, raw);
  return write_at(0, raw, kHeaderSize);
}

ReadingBuffer::ReadingBuffer(uint32_t capacity, ReadingBufferStore& store)
    : capacity_(capacity ? capacity : 1), store_(store), slots_(capacity_) {}

void ReadingBuffer::begin() {
  BufferHeader loaded;
  if (store_.load(capacity_, loaded, slots_.data())) {
    header_ = loaded;
  } else {
    header_ = BufferHeader{};
    store_.write_header(header_);
  }
}

bool ReadingBuffer::push(const SignedReading& reading) {
  bool ok = true;
  if (header_.count == capacity_) {
    // Drop the oldest first and persist that, so a power cut never leaves the new reading
    // in the oldest position.
    header_.head = (header_.head + 1) % capacity_;
    header_.count--;
    header_.dropped++;
    ok = store_.write_header(header_);
  }
  uint32_t slot = (header_.head + header_.count) % capacity_;
  slots_[slot] = reading;
  ok = store_.write_slot(slot, reading) && ok;
  header_.count++;
  return store_.write_header(header_) && ok;
}

bool ReadingBuffer::pop(uint32_t n) {
  if (n > header_.count) n = header_.count;
  header_.head = (header_.head + n) % capacity_;
  header_.count -= n;
  return store_.write_header(header_);
}

}  // namespace gridproof

// Signed readings waiting for delivery, oldest first, surviving reboots through a store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reading_codec.h"

namespace gridproof {

struct BufferHeader {
  uint32_t head = 0;   // slot of the oldest reading
  uint32_t count = 0;  // readings held
  uint64_t dropped = 0;  // readings overwritten because the buffer was full
};

// Persistence hooks. A push writes its slot, then the header; a pop writes only the header,
// so a power cut between the two loses at most the reading being pushed.
class ReadingBufferStore {
 public:
  virtual ~ReadingBufferStore() = default;
  // Fills header and slots[0..capacity) from storage. False when nothing valid is stored
  // (first boot, other capacity, corruption): the buffer then starts empty.
  virtual bool load(uint32_t capacity, BufferHeader& header, SignedReading* slots) = 0;
  virtual bool write_slot(uint32_t index, const SignedReading& reading) = 0;
  virtual bool write_header(const BufferHeader& header) = 0;
};

// RAM only: readings are lost on reboot.
class VolatileReadingBufferStore : public ReadingBufferStore {
 public:
  bool load(uint32_t, BufferHeader&, SignedReading*) override { return false; }
  bool write_slot(uint32_t, const SignedReading&) override { return true; }
  bool write_header(const BufferHeader&) override { return true; }
};

// One file: 32-byte header (magic "GPB1", capacity, head, count, dropped, checksum), then slots.
// Works on the host and on the ESP32 through a VFS-mounted LittleFS/SPIFFS partition.
class FileReadingBufferStore : public ReadingBufferStore {
 public:
  explicit FileReadingBufferStore(std::string path) : path_(std::move(path)) {}
  bool load(uint32_t capacity, BufferHeader& header, SignedReading* slots) override;
  bool write_slot(uint32_t index, const SignedReading& reading) override;
  bool write_header(const BufferHeader& header) override;

 private:
  bool write_at(long offset, const uint8_t* data, size_t length);
  std::string path_;
  uint32_t capacity_ = 0;
};

// Fixed-capacity ring. When full, a push overwrites the OLDEST reading (counted in dropped()):
// newer readings carry the cumulative energy register, so totals stay provable and only
// resolution is lost, and counters stay increasing for the oracle.
class ReadingBuffer {
 public:
  ReadingBuffer(uint32_t capacity, ReadingBufferStore& store);
  // Restores the persisted readings (if any).
  void begin();
  // False only when the store failed (the reading is still held in RAM).
  bool push(const SignedReading& reading);
  // i = 0 is the oldest reading.
  const SignedReading& at(uint32_t i) const { return slots_[(header_.head + i) % capacity_]; }
  // Removes the n oldest readings (after the transport acknowledged them).
  bool pop(uint32_t n);
  uint32_t size() const { return header_.count; }
  uint32_t capacity() const { return capacity_; }
  uint64_t dropped() const { return header_.dropped; }
  bool empty() const { return header_.count == 0; }

 private:
  uint32_t capacity_;
  ReadingBufferStore& store_;
  std::vector<SignedReading> slots_;
  BufferHeader header_;
};

}  // namespace gridproof

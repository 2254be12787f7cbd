// Reading counters: strictly increasing per device and never reused, also across reboots.
#pragma once

#include <cstdint>
#include <string>

namespace gridproof {

// Persists one number: the highest counter the meter may already have used (its high-water mark).
class CounterStore {
 public:
  virtual ~CounterStore() = default;
  // Sets `value` to the stored mark, 0 when nothing was ever stored. False on I/O error or
  // corruption: the meter then refuses to sign rather than risk reusing a counter.
  virtual bool load(uint64_t& value) = 0;
  // Must be durable when it returns true.
  virtual bool save(uint64_t value) = 0;
};

// Host (and ESP32 VFS) implementation: 16-byte file (value, ~value), replaced atomically by rename.
class FileCounterStore : public CounterStore {
 public:
  explicit FileCounterStore(std::string path) : path_(std::move(path)) {}
  bool load(uint64_t& value) override;
  bool save(uint64_t value) override;

 private:
  std::string path_;
};

// Hands out counters. Persists a mark `reserve` counters ahead before using any of them, so flash
// is written once per `reserve` readings; a reboot skips the unused rest (gaps are allowed,
// reuse never is).
class MonotonicCounter {
 public:
  explicit MonotonicCounter(CounterStore& store, uint32_t reserve = 1) : store_(store), reserve_(reserve ? reserve : 1) {}
  // Loads the mark; the next counter is mark + 1.
  bool begin();
  // False when not begun, the store fails or counters would pass 2^53-1.
  bool next(uint64_t& counter);
  uint64_t last_issued() const { return next_ - 1; }

 private:
  CounterStore& store_;
  uint32_t reserve_;
  uint64_t next_ = 1;
  uint64_t mark_ = 0;
  bool ready_ = false;
};

}  // namespace gridproof

// Counter high-water mark in NVS (flash wear: MonotonicCounter writes once per reserve block).
#pragma once
#ifndef ESP_PLATFORM
#error "Device-only (ESP-IDF): build with PlatformIO, see firmware/esp32/README.md. The host build uses lib/gridproof_core only."
#endif

#include "counter_store.h"

namespace gridproof {

class NvsCounterStore : public CounterStore {
 public:
  bool load(uint64_t& value) override;
  bool save(uint64_t value) override;
};

}  // namespace gridproof

// What a metering front end (Shelly EM over the LAN, a metering IC over SPI…) reports.
#pragma once

#include <cstdint>

#include "reading_codec.h"

namespace gridproof {

struct Measurement {
  uint32_t power_w;
  uint64_t energy_wh;  // cumulative
  uint32_t voltage_mv;
  ReadingStatus status;
};

class Meter {
 public:
  virtual ~Meter() = default;
  // False when the measurement is unavailable (no reading is signed then).
  virtual bool measure(Measurement& out) = 0;
};

// Injected so the loop runs on simulated time in tests.
class Clock {
 public:
  virtual ~Clock() = default;
  // Wall clock, unix seconds (SNTP on the device); 0 or small values mean "not synced".
  virtual uint64_t unix_seconds() = 0;
  // Monotonic milliseconds since boot, for retry timing.
  virtual uint64_t monotonic_ms() = 0;
};

}  // namespace gridproof

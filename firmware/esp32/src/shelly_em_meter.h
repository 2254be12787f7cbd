// Shelly EM (Gen1) on the local network: GET <base>/status, channel 0 of "emeters", relay 0 for status.
#pragma once
#ifndef ESP_PLATFORM
#error "Device-only (ESP-IDF): build with PlatformIO, see firmware/esp32/README.md. The host build uses lib/gridproof_core only."
#endif

#include <string>

#include "meter.h"

namespace gridproof {

class ShellyEmMeter : public Meter {
 public:
  explicit ShellyEmMeter(std::string base_url) : base_url_(std::move(base_url)) {}
  bool measure(Measurement& out) override;

 private:
  std::string base_url_;
  uint64_t last_energy_wh_ = 0;  // the register we sign never decreases, even if the Shelly resets
};

}  // namespace gridproof

// POST <oracle>/v1/readings {"readings": ["0x…"]} over TLS (ESP-IDF certificate bundle).
#pragma once
#ifndef ESP_PLATFORM
#error "Device-only (ESP-IDF): build with PlatformIO, see firmware/esp32/README.md. The host build uses lib/gridproof_core only."
#endif

#include <string>

#include "transport.h"

namespace gridproof {

class HttpsTransport : public Transport {
 public:
  explicit HttpsTransport(std::string oracle_url) : url_(std::move(oracle_url) + "/v1/readings") {}
  SendResult send(const SignedReading* readings, size_t count) override;

 private:
  std::string url_;
};

}  // namespace gridproof

// Uplink to the oracle API: HTTPS POST /v1/readings or MQTT over TLS on the device.
#pragma once

#include <cstddef>

#include "reading_codec.h"

namespace gridproof {

enum class SendResult {
  Delivered,   // acknowledged (duplicates count: the API is idempotent)
  RetryLater,  // offline, timeout, 5xx, 429: keep the readings and back off
  Rejected,    // 4xx: the batch can never be accepted as it is
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `count` signed readings in order, all-or-nothing.
  virtual SendResult send(const SignedReading* readings, size_t count) = 0;
};

}  // namespace gridproof

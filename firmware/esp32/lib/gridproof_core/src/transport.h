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

// The oracle API's answer to POST /v1/readings as a SendResult: 2xx delivered; no answer (<= 0),
// 408, 429 and 5xx retried; UNKNOWN_DEVICE retried too (a meter may report before it is registered,
// and its readings must wait, not be dropped); any other 4xx (bad signature, replayed counter,
// closed window…) can never succeed and is rejected. `error_code`: the body's error.code, or null.
SendResult classify_oracle_response(int status, const char* error_code);

}  // namespace gridproof

// Exponential backoff with jitter for failed sends; every delay is bounded by max_ms.
#pragma once

#include <cstdint>

namespace gridproof {

struct RetryConfig {
  uint32_t initial_ms = 1000;
  uint32_t max_ms = 5 * 60 * 1000;
  uint32_t multiplier = 2;
  // "Equal jitter": a delay d becomes a value in [d/2, d], so a fleet that lost the network
  // together does not come back in lockstep.
  bool jitter = true;
};

class RetryPolicy {
 public:
  // `seed` feeds the jitter (esp_random() on the device, fixed in tests).
  explicit RetryPolicy(const RetryConfig& config = RetryConfig{}, uint32_t seed = 0x9E3779B9u);
  // Delay before the next attempt after a failure; grows until max_ms.
  uint32_t next_delay_ms();
  // After a success.
  void reset() { failures_ = 0; }
  uint32_t failures() const { return failures_; }
  // Upper bound of the next delay (before jitter).
  uint32_t ceiling_ms() const;

 private:
  uint32_t random();
  RetryConfig config_;
  uint32_t state_;
  uint32_t failures_ = 0;
};

}  // namespace gridproof

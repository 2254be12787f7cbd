#include "retry_policy.h"

namespace gridproof {

RetryPolicy::RetryPolicy(const RetryConfig& config, uint32_t seed) : config_(config), state_(seed ? seed : 1) {
  if (config_.multiplier < 1) config_.multiplier = 1;
  if (config_.initial_ms < 1) config_.initial_ms = 1;
  if (config_.max_ms < config_.initial_ms) config_.max_ms = config_.initial_ms;
}

uint32_t RetryPolicy::ceiling_ms() const {
  uint64_t delay = config_.initial_ms;
  for (uint32_t i = 0; i < failures_ && delay < config_.max_ms; ++i) delay *= config_.multiplier;
  return delay > config_.max_ms ? config_.max_ms : static_cast<uint32_t>(delay);
}

uint32_t RetryPolicy::random() {
  // xorshift32: enough for jitter, no libc dependency.
  state_ ^= state_ << 13;
  state_ ^= state_ >> 17;
  state_ ^= state_ << 5;
  return state_;
}

uint32_t RetryPolicy::next_delay_ms() {
  uint32_t delay = ceiling_ms();
  if (failures_ < UINT32_MAX) failures_++;
  if (!config_.jitter) return delay;
  uint32_t half = delay / 2;
  return half + random() % (delay - half + 1);
}

}  // namespace gridproof

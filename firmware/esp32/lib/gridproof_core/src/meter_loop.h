// measure → encode → sign → buffer → send, driven by tick() with an injected clock.
#pragma once

#include <cstdint>
#include <vector>

#include "counter_store.h"
#include "meter.h"
#include "reading_buffer.h"
#include "retry_policy.h"
#include "secure_element.h"
#include "transport.h"

namespace gridproof {

// The oracle API takes at most 500 readings per POST.
constexpr uint32_t kMaxBatch = 500;

struct MeterLoopConfig {
  char device_id[kDeviceIdLength + 1] = {};
  // Readings are taken at unix times that are multiples of this (one per interval at most).
  uint32_t sample_interval_s = 10;
  uint32_t max_batch = 50;
  // Below this wall-clock time the clock is not synced yet and nothing is signed (2025-01-01).
  uint64_t min_valid_unix = 1735689600;
};

struct MeterLoopStats {
  uint64_t sampled = 0;           // readings signed and buffered
  uint64_t delivered = 0;         // readings acknowledged by the transport
  uint64_t rejected = 0;          // readings dropped after the API refused them alone
  uint64_t measure_failures = 0;
  uint64_t sign_failures = 0;     // secure element, counter store or encoding failed
  uint64_t send_failures = 0;     // RetryLater results
  uint64_t clock_not_synced = 0;
};

enum class LoopError { Ok, InvalidDeviceId, CounterUnavailable };

class MeterLoop {
 public:
  MeterLoop(const MeterLoopConfig& config, Meter& meter, SecureElement& element, MonotonicCounter& counter,
            ReadingBuffer& buffer, Transport& transport, Clock& clock, RetryPolicy& retry);
  // Restores counter and buffer; call once after boot.
  LoopError begin();
  // Samples if an interval boundary passed, then sends while the transport accepts.
  void tick();
  // Takes one reading now (ignores the schedule). False if nothing was buffered.
  bool sample();
  // One send attempt if the backoff allows it; Delivered when there was nothing to send.
  SendResult flush_once();
  // Monotonic time at which the next send attempt is allowed.
  uint64_t next_send_ms() const { return next_send_ms_; }
  const MeterLoopStats& stats() const { return stats_; }

 private:
  MeterLoopConfig config_;
  Meter& meter_;
  SecureElement& element_;
  MonotonicCounter& counter_;
  ReadingBuffer& buffer_;
  Transport& transport_;
  Clock& clock_;
  RetryPolicy& retry_;
  MeterLoopStats stats_;
  uint64_t next_sample_unix_ = 0;
  uint64_t next_send_ms_ = 0;
  uint32_t batch_limit_;
  std::vector<SignedReading> batch_;
  bool ready_ = false;
};

}  // namespace gridproof

#include "meter_loop.h"

#include <cstring>

namespace gridproof {

MeterLoop::MeterLoop(const MeterLoopConfig& config, Meter& meter, SecureElement& element, MonotonicCounter& counter,
                     ReadingBuffer& buffer, Transport& transport, Clock& clock, RetryPolicy& retry)
    : config_(config), meter_(meter), element_(element), counter_(counter), buffer_(buffer), transport_(transport),
      clock_(clock), retry_(retry) {
  if (config_.sample_interval_s == 0) config_.sample_interval_s = 1;
  if (config_.max_batch == 0) config_.max_batch = 1;
  if (config_.max_batch > kMaxBatch) config_.max_batch = kMaxBatch;
  batch_limit_ = config_.max_batch;
  batch_.reserve(config_.max_batch);
}

LoopError MeterLoop::begin() {
  if (!is_valid_device_id(config_.device_id)) return LoopError::InvalidDeviceId;
  buffer_.begin();
  if (!counter_.begin()) return LoopError::CounterUnavailable;
  ready_ = true;
  return LoopError::Ok;
}

bool MeterLoop::sample() {
  if (!ready_) return false;
  uint64_t now = clock_.unix_seconds();
  if (now < config_.min_valid_unix) {
    stats_.clock_not_synced++;
    return false;
  }
  Measurement m{};
  if (!meter_.measure(m)) {
    stats_.measure_failures++;
    return false;
  }
  Reading reading{};
  std::memcpy(reading.device_id, config_.device_id, sizeof reading.device_id);
  reading.timestamp = now;
  reading.power_w = m.power_w;
  reading.energy_wh = m.energy_wh;
  reading.voltage_mv = m.voltage_mv;
  reading.status = m.status;
  uint8_t bytes[kReadingLength];
  SignedReading signed_reading;
  // The counter is taken last so a failed measurement does not burn one; a failed signature does.
  if (!counter_.next(reading.counter) || encode_reading(reading, bytes) != CodecError::Ok ||
      !sign_reading(element_, bytes, signed_reading)) {
    stats_.sign_failures++;
    return false;
  }
  buffer_.push(signed_reading);  // a failed write still keeps the reading in RAM
  stats_.sampled++;
  return true;
}

SendResult MeterLoop::flush_once() {
  if (buffer_.empty()) return SendResult::Delivered;
  uint64_t now = clock_.monotonic_ms();
  if (now < next_send_ms_) return SendResult::RetryLater;
  uint32_t n = buffer_.size() < batch_limit_ ? buffer_.size() : batch_limit_;
  batch_.clear();
  for (uint32_t i = 0; i < n; ++i) batch_.push_back(buffer_.at(i));
  SendResult result = transport_.send(batch_.data(), n);
  switch (result) {
    case SendResult::Delivered:
      buffer_.pop(n);
      stats_.delivered += n;
      retry_.reset();
      next_send_ms_ = 0;
      batch_limit_ = config_.max_batch;
      break;
    case SendResult::RetryLater:
      stats_.send_failures++;
      next_send_ms_ = now + retry_.next_delay_ms();
      break;
    case SendResult::Rejected:
      // The API takes batches all-or-nothing: halve until the refused reading is alone, then drop it
      // so one bad reading cannot block the queue forever.
      if (n > 1) {
        batch_limit_ = n / 2;
      } else {
        buffer_.pop(1);
        stats_.rejected++;
        batch_limit_ = config_.max_batch;
      }
      break;
  }
  return result;
}

void MeterLoop::tick() {
  if (!ready_) return;
  uint64_t now = clock_.unix_seconds();
  if (now >= next_sample_unix_) {
    if (sample() || now >= config_.min_valid_unix) {
      next_sample_unix_ = (now / config_.sample_interval_s + 1) * config_.sample_interval_s;
    }
  }
  // Drain while the transport keeps accepting; stop at the first failure (backoff decides when next).
  for (uint32_t rounds = 0; rounds < 64 && !buffer_.empty(); ++rounds) {
    SendResult result = flush_once();
    if (result == SendResult::RetryLater) break;
  }
}

}  // namespace gridproof

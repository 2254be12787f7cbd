#include <cstring>
#include <vector>

#include "check.h"
#include "meter_loop.h"
#include "software_secure_element.h"
#include "support.h"

using namespace gridproof;

namespace {

class FakeClock : public Clock {
 public:
  uint64_t unix = 1767225600;  // 2026-01-01T00:00:00Z
  uint64_t ms = 0;
  uint64_t unix_seconds() override { return unix; }
  uint64_t monotonic_ms() override { return ms; }
  void advance_ms(uint64_t d) {
    ms += d;
    unix = 1767225600 + ms / 1000;
  }
};

class RampMeter : public Meter {
 public:
  uint64_t energy = 1000;
  bool measure(Measurement& out) override {
    energy += 5;
    out = {1800, energy, 230000, ReadingStatus::On};
    return true;
  }
};

// Fails the first `failures` sends, then records every batch it accepts.
class FlakyTransport : public Transport {
 public:
  int failures = 0;
  int attempts = 0;
  uint64_t reject_counter = 0;  // any batch containing this counter is refused (4xx)
  std::vector<SignedReading> received;
  SendResult send(const SignedReading* readings, size_t count) override {
    attempts++;
    if (failures > 0) {
      failures--;
      return SendResult::RetryLater;
    }
    for (size_t i = 0; i < count; ++i) {
      Reading r{};
      decode_reading(readings[i].bytes, kReadingLength, r);
      if (r.counter == reject_counter) return SendResult::Rejected;
    }
    received.insert(received.end(), readings, readings + count);
    return SendResult::Delivered;
  }
};

struct Rig {
  explicit Rig(const std::string& dir, Transport& transport, FakeClock& clock)
      : counter_store(dir + "/counter"), buffer_store(dir + "/buffer"), counter(counter_store, 4),
        buffer(16, buffer_store), element(key().data()), retry(retry_config(), 7),
        loop(config(), meter, element, counter, buffer, transport, clock, retry) {}
  static std::vector<uint8_t> key() {
    return support::from_hex(support::vectors().at("cases").at(0).at("privateKey").get<std::string>());
  }
  static RetryConfig retry_config() {
    RetryConfig c;
    c.initial_ms = 2000;
    c.max_ms = 30000;
    return c;
  }
  static MeterLoopConfig config() {
    MeterLoopConfig c;
    std::strcpy(c.device_id, "SOLR_0001");
    c.sample_interval_s = 10;
    c.max_batch = 3;
    return c;
  }
  FileCounterStore counter_store;
  FileReadingBufferStore buffer_store;
  MonotonicCounter counter;
  ReadingBuffer buffer;
  SoftwareSecureElement element;
  RetryPolicy retry;
  RampMeter meter;
  MeterLoop loop;
};

std::vector<uint64_t> counters_of(const std::vector<SignedReading>& readings) {
  std::vector<uint64_t> out;
  for (const auto& s : readings) {
    Reading r{};
    decode_reading(s.bytes, kReadingLength, r);
    out.push_back(r.counter);
  }
  return out;
}

void run_for(MeterLoop& loop, FakeClock& clock, uint64_t ms) {
  for (uint64_t t = 0; t < ms; t += 500) {
    loop.tick();
    clock.advance_ms(500);
  }
}

}  // namespace

TEST(meter_loop_sends_every_reading_exactly_once_in_order_after_failures) {
  std::string dir = support::temp_dir();
  FakeClock clock;
  FlakyTransport transport;
  transport.failures = 4;
  Rig rig(dir, transport, clock);
  CHECK(rig.loop.begin() == LoopError::Ok);
  run_for(rig.loop, clock, 120000);  // 2 simulated minutes: 12 samples at 10 s boundaries
  run_for(rig.loop, clock, 60000);   // let the backoff expire and drain (sampling continues)
  const auto& stats = rig.loop.stats();
  CHECK_EQ(stats.send_failures, 4u);
  CHECK(stats.sampled >= 17u);
  CHECK_EQ(stats.delivered + rig.buffer.size(), stats.sampled);
  CHECK(rig.buffer.size() <= 1u);  // at most the reading of the last tick is still pending
  auto counters = counters_of(transport.received);
  CHECK_EQ(counters.size(), static_cast<size_t>(stats.delivered));
  for (size_t i = 0; i < counters.size(); ++i) CHECK_EQ(counters[i], i + 1);
  // Every delivered reading carries a valid low-S signature by the device key.
  uint8_t public_key[64];
  CHECK(rig.element.public_key(public_key));
  for (const auto& s : transport.received) {
    uint8_t digest[32];
    CHECK(reading_digest(s.bytes, digest));
    CHECK(support::p256_verify(public_key, digest, s.bytes + kReadingLength));
    Reading r{};
    CHECK_EQ(decode_reading(s.bytes, kReadingLength, r), CodecError::Ok);
    CHECK_EQ(r.timestamp % 10, 0u);  // sampled on interval boundaries
  }
}

TEST(meter_loop_keeps_undelivered_readings_and_counters_across_reboot) {
  std::string dir = support::temp_dir();
  FakeClock clock;
  FlakyTransport offline;
  offline.failures = 1000000;
  {
    Rig rig(dir, offline, clock);
    CHECK(rig.loop.begin() == LoopError::Ok);
    run_for(rig.loop, clock, 50000);
    CHECK_EQ(rig.loop.stats().sampled, 5u);
    CHECK_EQ(rig.buffer.size(), 5u);
  }
  FlakyTransport online;
  Rig rebooted(dir, online, clock);
  CHECK(rebooted.loop.begin() == LoopError::Ok);
  CHECK_EQ(rebooted.buffer.size(), 5u);
  run_for(rebooted.loop, clock, 30000);
  auto counters = counters_of(online.received);
  CHECK(counters.size() >= 8u);
  std::vector<uint64_t> first(counters.begin(), counters.begin() + 5);
  CHECK(first == (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  // Counters reserved in blocks of 4: the reboot skips 6..8, then continues strictly increasing.
  CHECK_EQ(counters[5], 9u);
  for (size_t i = 1; i < counters.size(); ++i) CHECK(counters[i] > counters[i - 1]);
}

TEST(meter_loop_isolates_and_drops_a_rejected_reading) {
  std::string dir = support::temp_dir();
  FakeClock clock;
  FlakyTransport transport;
  transport.failures = 1000000;
  Rig rig(dir, transport, clock);
  CHECK(rig.loop.begin() == LoopError::Ok);
  run_for(rig.loop, clock, 50000);  // 5 readings buffered while offline
  transport.failures = 0;
  transport.reject_counter = 3;
  clock.advance_ms(60000);
  for (int i = 0; i < 10; ++i) rig.loop.flush_once();
  CHECK(counters_of(transport.received) == (std::vector<uint64_t>{1, 2, 4, 5}));
  CHECK_EQ(rig.loop.stats().rejected, 1u);
  CHECK(rig.buffer.empty());
}

TEST(meter_loop_signs_nothing_before_the_clock_is_synced) {
  std::string dir = support::temp_dir();
  FakeClock clock;
  clock.unix = 1000;  // just booted, no SNTP yet
  FlakyTransport transport;
  Rig rig(dir, transport, clock);
  CHECK(rig.loop.begin() == LoopError::Ok);
  for (int i = 0; i < 5; ++i) rig.loop.tick();
  CHECK_EQ(rig.loop.stats().sampled, 0u);
  CHECK_EQ(rig.loop.stats().clock_not_synced, 5u);
  CHECK(transport.received.empty());
  CHECK_EQ(rig.counter.last_issued(), 0u);  // no counter burnt
}

TEST(meter_loop_refuses_an_invalid_device_id) {
  std::string dir = support::temp_dir();
  FakeClock clock;
  FlakyTransport transport;
  MeterLoopConfig config = Rig::config();
  std::strcpy(config.device_id, "solr_1");
  FileCounterStore cs(dir + "/c");
  MonotonicCounter counter(cs);
  VolatileReadingBufferStore bs;
  ReadingBuffer buffer(4, bs);
  auto key = Rig::key();
  SoftwareSecureElement element(key.data());
  RetryPolicy retry;
  RampMeter meter;
  MeterLoop loop(config, meter, element, counter, buffer, transport, clock, retry);
  CHECK(loop.begin() == LoopError::InvalidDeviceId);
  CHECK(!loop.sample());
}

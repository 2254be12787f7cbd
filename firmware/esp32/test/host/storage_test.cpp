#include <cstdio>
#include <cstring>
#include <vector>

#include "check.h"
#include "counter_store.h"
#include "reading_buffer.h"
#include "retry_policy.h"
#include "transport.h"
#include "support.h"

using namespace gridproof;

namespace {
SignedReading numbered(uint32_t n) {
  SignedReading r{};
  std::memset(r.bytes, static_cast<int>(n & 0xff), sizeof r.bytes);
  r.bytes[0] = static_cast<uint8_t>(n >> 8);
  return r;
}
bool same(const SignedReading& a, const SignedReading& b) { return std::memcmp(a.bytes, b.bytes, sizeof a.bytes) == 0; }
}  // namespace

TEST(counter_survives_reboot_and_strictly_increases) {
  std::string path = support::temp_dir() + "/counter";
  uint64_t last = 0;
  for (int boot = 0; boot < 3; ++boot) {
    FileCounterStore store(path);
    MonotonicCounter counter(store);
    CHECK(counter.begin());
    for (int i = 0; i < 5; ++i) {
      uint64_t c = 0;
      CHECK(counter.next(c));
      CHECK_EQ(c, last + 1);  // reserve 1: no gaps
      last = c;
    }
  }
  CHECK_EQ(last, 15u);
}

TEST(counter_reservation_skips_unused_counters_after_reboot_never_reuses) {
  std::string path = support::temp_dir() + "/counter";
  FileCounterStore store(path);
  {
    MonotonicCounter counter(store, 10);
    CHECK(counter.begin());
    uint64_t c = 0;
    for (int i = 0; i < 3; ++i) CHECK(counter.next(c));
    CHECK_EQ(c, 3u);
    uint64_t mark = 0;
    CHECK(store.load(mark));
    CHECK_EQ(mark, 10u);  // one write covered ten counters
  }
  MonotonicCounter rebooted(store, 10);
  CHECK(rebooted.begin());
  uint64_t c = 0;
  CHECK(rebooted.next(c));
  CHECK_EQ(c, 11u);
}

TEST(counter_refuses_to_issue_when_storage_is_corrupt_or_failing) {
  std::string dir = support::temp_dir();
  std::string path = dir + "/counter";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("garbage-garbage!", f);  // 16 bytes, checksum wrong
  std::fclose(f);
  FileCounterStore corrupt(path);
  MonotonicCounter counter(corrupt);
  CHECK(!counter.begin());
  uint64_t c = 0;
  CHECK(!counter.next(c));

  FileCounterStore unwritable(dir + "/missing-dir/counter");
  MonotonicCounter counter2(unwritable);
  CHECK(counter2.begin());  // nothing stored yet
  CHECK(!counter2.next(c));  // but the mark cannot be persisted: no counter is handed out
}

TEST(buffer_keeps_order_and_survives_reboot) {
  std::string path = support::temp_dir() + "/buffer";
  {
    FileReadingBufferStore store(path);
    ReadingBuffer buffer(8, store);
    buffer.begin();
    CHECK(buffer.empty());
    for (uint32_t i = 1; i <= 5; ++i) CHECK(buffer.push(numbered(i)));
    CHECK(buffer.pop(2));
    CHECK(buffer.push(numbered(6)));
  }
  FileReadingBufferStore store(path);
  ReadingBuffer rebooted(8, store);
  rebooted.begin();
  CHECK_EQ(rebooted.size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) CHECK(same(rebooted.at(i), numbered(3 + i)));
  CHECK_EQ(rebooted.dropped(), 0u);
}

TEST(buffer_drops_oldest_only_when_full_across_wraparound_and_reboot) {
  std::string path = support::temp_dir() + "/buffer";
  {
    FileReadingBufferStore store(path);
    ReadingBuffer buffer(4, store);
    buffer.begin();
    for (uint32_t i = 1; i <= 4; ++i) buffer.push(numbered(i));
    CHECK_EQ(buffer.dropped(), 0u);
    for (uint32_t i = 5; i <= 10; ++i) buffer.push(numbered(i));
    CHECK_EQ(buffer.size(), 4u);
    CHECK_EQ(buffer.dropped(), 6u);
    for (uint32_t i = 0; i < 4; ++i) CHECK(same(buffer.at(i), numbered(7 + i)));
  }
  FileReadingBufferStore store(path);
  ReadingBuffer rebooted(4, store);
  rebooted.begin();
  CHECK_EQ(rebooted.size(), 4u);
  CHECK_EQ(rebooted.dropped(), 6u);
  for (uint32_t i = 0; i < 4; ++i) CHECK(same(rebooted.at(i), numbered(7 + i)));
}

TEST(buffer_starts_empty_on_capacity_change_or_corrupt_header) {
  std::string path = support::temp_dir() + "/buffer";
  {
    FileReadingBufferStore store(path);
    ReadingBuffer buffer(4, store);
    buffer.begin();
    buffer.push(numbered(1));
  }
  {
    FileReadingBufferStore store(path);
    ReadingBuffer other(5, store);
    other.begin();
    CHECK(other.empty());
  }
  {
    FileReadingBufferStore store(path);
    ReadingBuffer buffer(4, store);
    buffer.begin();
    buffer.push(numbered(2));
    CHECK_EQ(buffer.size(), 1u);
  }
  std::FILE* f = std::fopen(path.c_str(), "r+b");
  std::fseek(f, 12, SEEK_SET);
  std::fputc(0x7f, f);  // count byte changed, checksum no longer matches
  std::fclose(f);
  FileReadingBufferStore store(path);
  ReadingBuffer buffer(4, store);
  buffer.begin();
  CHECK(buffer.empty());
}

TEST(retry_backoff_grows_stays_bounded_and_resets) {
  RetryConfig config;
  config.initial_ms = 1000;
  config.max_ms = 60000;
  config.jitter = false;
  RetryPolicy plain(config);
  std::vector<uint32_t> delays;
  for (int i = 0; i < 12; ++i) delays.push_back(plain.next_delay_ms());
  CHECK_EQ(delays[0], 1000u);
  CHECK_EQ(delays[1], 2000u);
  CHECK_EQ(delays[5], 32000u);
  CHECK_EQ(delays[6], 60000u);
  CHECK_EQ(delays[11], 60000u);
  plain.reset();
  CHECK_EQ(plain.next_delay_ms(), 1000u);

  config.jitter = true;
  RetryPolicy jittered(config, 42);
  for (int i = 0; i < 1000; ++i) {
    uint32_t ceiling = jittered.ceiling_ms();
    uint32_t d = jittered.next_delay_ms();
    CHECK(d >= ceiling / 2);
    CHECK(d <= ceiling);
    CHECK(d <= config.max_ms);
  }
  CHECK_EQ(jittered.failures(), 1000u);
}

TEST(oracle_responses_map_to_deliver_retry_or_reject) {
  CHECK(classify_oracle_response(200, nullptr) == SendResult::Delivered);
  CHECK(classify_oracle_response(0, nullptr) == SendResult::RetryLater);  // no answer
  CHECK(classify_oracle_response(408, nullptr) == SendResult::RetryLater);
  CHECK(classify_oracle_response(429, nullptr) == SendResult::RetryLater);
  CHECK(classify_oracle_response(503, "DEVICE_DIRECTORY_UNAVAILABLE") == SendResult::RetryLater);
  CHECK(classify_oracle_response(422, "UNKNOWN_DEVICE") == SendResult::RetryLater);  // not registered yet
  CHECK(classify_oracle_response(422, "BAD_SIGNATURE") == SendResult::Rejected);
  CHECK(classify_oracle_response(409, "COUNTER_REPLAYED") == SendResult::Rejected);
  CHECK(classify_oracle_response(400, nullptr) == SendResult::Rejected);
}

// gridproof-meter-sim: the portable core on the host, for cross-checks against the TypeScript protocol.
//
//   gridproof-meter-sim public-key --key <hex32>
//   gridproof-meter-sim sign --key <hex32> [reading...]     (else one reading per stdin line)
//       reading = "deviceId counter timestamp powerW energyWh voltageMv ON|OFF"
//   gridproof-meter-sim run --key <hex32> --device <id> --state <dir> [--samples N]
//       [--start <unix>] [--interval <s>] [--offline <sends>]
//       runs MeterLoop on simulated time with file-backed counter and buffer in <dir>
//
// Prints one 0x-hex line per result. Errors: "error <CODE>: <message>" on stderr, exit 2.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "hex.h"
#include "meter_loop.h"
#include "software_secure_element.h"

using namespace gridproof;

namespace {

[[noreturn]] void fail(const char* code, const std::string& message) {
  std::fprintf(stderr, "error %s: %s\n", code, message.c_str());
  std::exit(2);
}

bool parse_hex32(const std::string& text, uint8_t out[32]) {
  size_t start = text.rfind("0x", 0) == 0 ? 2 : 0;
  if (text.size() - start != 64) return false;
  for (size_t i = 0; i < 32; ++i) {
    char pair[3] = {text[start + 2 * i], text[start + 2 * i + 1], 0};
    if (!std::isxdigit(static_cast<unsigned char>(pair[0])) || !std::isxdigit(static_cast<unsigned char>(pair[1])))
      return false;
    out[i] = static_cast<uint8_t>(std::strtoul(pair, nullptr, 16));
  }
  return true;
}

bool parse_uint(const std::string& text, uint64_t max, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno != 0 || v > max) return false;
  out = v;
  return true;
}

struct Options {
  std::string command;
  std::map<std::string, std::string> flags;
  std::vector<std::string> positional;
};

Options parse_args(int argc, char** argv) {
  Options o;
  if (argc < 2) fail("USAGE", "expected a command: public-key, sign or run");
  o.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      if (i + 1 >= argc) fail("USAGE", "flag " + a + " needs a value");
      o.flags[a.substr(2)] = argv[++i];
    } else {
      o.positional.push_back(a);
    }
  }
  return o;
}

std::string require(const Options& o, const std::string& name) {
  auto it = o.flags.find(name);
  if (it == o.flags.end()) fail("USAGE", "missing --" + name);
  return it->second;
}

uint64_t uint_flag(const Options& o, const std::string& name, uint64_t fallback, uint64_t max) {
  auto it = o.flags.find(name);
  if (it == o.flags.end()) return fallback;
  uint64_t v = 0;
  if (!parse_uint(it->second, max, v)) fail("USAGE", "--" + name + " must be an integer ≤ " + std::to_string(max));
  return v;
}

// The software secure element holding --key (exits INVALID_PRIVATE_KEY when it is not a P-256 scalar).
std::unique_ptr<SoftwareSecureElement> open_element(const Options& o) {
  uint8_t key[32];
  if (!parse_hex32(require(o, "key"), key)) fail("INVALID_PRIVATE_KEY", "--key must be 32 bytes of hex");
  auto element = std::make_unique<SoftwareSecureElement>(key);
  if (!element->ok()) fail("INVALID_PRIVATE_KEY", "not a valid P-256 private key");
  return element;
}

Reading parse_reading(const std::string& line, size_t number) {
  std::istringstream in(line);
  std::vector<std::string> f;
  for (std::string w; in >> w;) f.push_back(w);
  std::string where = "reading " + std::to_string(number) + ": ";
  if (f.size() != 7) fail("INVALID_READING", where + "expected 7 fields, got " + std::to_string(f.size()));
  Reading r{};
  if (f[0].size() != kDeviceIdLength) fail("INVALID_DEVICE_ID", where + "device id must be XXXX_ZZZZ");
  std::memcpy(r.device_id, f[0].c_str(), kDeviceIdLength);
  uint64_t power = 0, voltage = 0;
  if (!parse_uint(f[1], kMaxSafeUint, r.counter) || !parse_uint(f[2], kMaxSafeUint, r.timestamp) ||
      !parse_uint(f[3], UINT32_MAX, power) || !parse_uint(f[4], kMaxSafeUint, r.energy_wh) ||
      !parse_uint(f[5], UINT32_MAX, voltage)) {
    fail("INVALID_READING", where + "numbers must be unsigned integers in range");
  }
  r.power_w = static_cast<uint32_t>(power);
  r.voltage_mv = static_cast<uint32_t>(voltage);
  if (f[6] == "ON") r.status = ReadingStatus::On;
  else if (f[6] == "OFF") r.status = ReadingStatus::Off;
  else fail("INVALID_READING", where + "status must be ON or OFF");
  return r;
}

int command_sign(const Options& o) {
  auto element_ptr = open_element(o);
  SoftwareSecureElement& element = *element_ptr;
  std::vector<std::string> lines = o.positional;
  if (lines.empty())
    for (std::string line; std::getline(std::cin, line);)
      if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
  for (size_t i = 0; i < lines.size(); ++i) {
    Reading r = parse_reading(lines[i], i + 1);
    uint8_t bytes[kReadingLength];
    CodecError e = encode_reading(r, bytes);
    if (e != CodecError::Ok) fail(codec_error_code(e), "reading " + std::to_string(i + 1) + ": " + codec_error_message(e));
    SignedReading s;
    if (!sign_reading(element, bytes, s)) fail("SIGNING_FAILED", "secure element refused to sign");
    std::printf("%s\n", gridproof::to_hex(s.bytes, sizeof s.bytes).c_str());
  }
  return 0;
}

class SimClock : public Clock {
 public:
  explicit SimClock(uint64_t start) : start_(start) {}
  uint64_t unix_seconds() override { return start_ + ms_ / 1000; }
  uint64_t monotonic_ms() override { return ms_; }
  void advance(uint64_t ms) { ms_ += ms; }

 private:
  uint64_t start_;
  uint64_t ms_ = 0;
};

// A solar inverter around noon: power wobbles, energy integrates it.
class SimMeter : public Meter {
 public:
  explicit SimMeter(uint32_t interval_s) : interval_s_(interval_s) {}
  bool measure(Measurement& out) override {
    step_++;
    uint32_t power = 1500 + (step_ * 37) % 200;
    energy_milli_wh_ += static_cast<uint64_t>(power) * interval_s_ * 1000 / 3600;
    out = {power, 100000 + energy_milli_wh_ / 1000, 229000 + (step_ * 13) % 2000, ReadingStatus::On};
    return true;
  }

 private:
  uint32_t interval_s_;
  uint32_t step_ = 0;
  uint64_t energy_milli_wh_ = 0;
};

class StdoutTransport : public Transport {
 public:
  explicit StdoutTransport(uint64_t offline) : offline_(offline) {}
  SendResult send(const SignedReading* readings, size_t count) override {
    if (offline_ > 0) {
      offline_--;
      return SendResult::RetryLater;
    }
    for (size_t i = 0; i < count; ++i) std::printf("%s\n", gridproof::to_hex(readings[i].bytes, kSignedReadingLength).c_str());
    return SendResult::Delivered;
  }

 private:
  uint64_t offline_;
};

int command_run(const Options& o) {
  auto element_ptr = open_element(o);
  SoftwareSecureElement& element = *element_ptr;
  MeterLoopConfig config;
  std::string device = require(o, "device");
  if (!is_valid_device_id(device.c_str())) fail("INVALID_DEVICE_ID", "device id must be XXXX_ZZZZ");
  std::memcpy(config.device_id, device.c_str(), kDeviceIdLength + 1);
  config.sample_interval_s = static_cast<uint32_t>(uint_flag(o, "interval", 10, 3600));
  if (config.sample_interval_s == 0) fail("USAGE", "--interval must be at least 1");
  uint64_t samples = uint_flag(o, "samples", 10, 100000);
  std::string dir = require(o, "state");
  FileCounterStore counter_store(dir + "/counter.bin");
  FileReadingBufferStore buffer_store(dir + "/buffer.bin");
  MonotonicCounter counter(counter_store, static_cast<uint32_t>(uint_flag(o, "reserve", 1, 1000)));
  ReadingBuffer buffer(static_cast<uint32_t>(uint_flag(o, "capacity", 256, 100000)), buffer_store);
  SimClock clock(uint_flag(o, "start", 1767225600, kMaxSafeUint));
  SimMeter meter(config.sample_interval_s);
  StdoutTransport transport(uint_flag(o, "offline", 0, UINT32_MAX));
  RetryConfig retry_config;
  retry_config.initial_ms = 1000;
  retry_config.max_ms = 8000;
  RetryPolicy retry(retry_config, 1);
  MeterLoop loop(config, meter, element, counter, buffer, transport, clock, retry);
  if (loop.begin() != LoopError::Ok) fail("STATE_UNAVAILABLE", "cannot read the counter in " + dir);
  while (loop.stats().sampled < samples) {
    loop.tick();
    clock.advance(250);
  }
  // Drain what is left without sampling more (the simulated network may still be down a while).
  for (int i = 0; i < 1000000 && !buffer.empty(); ++i) {
    loop.flush_once();
    clock.advance(250);
  }
  std::fflush(stdout);
  std::fprintf(stderr, "sampled %llu delivered %llu pending %u send_failures %llu\n",
               static_cast<unsigned long long>(loop.stats().sampled),
               static_cast<unsigned long long>(loop.stats().delivered), buffer.size(),
               static_cast<unsigned long long>(loop.stats().send_failures));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse_args(argc, argv);
  if (o.command == "public-key") {
    uint8_t pub[kPublicKeyLength];
    if (!open_element(o)->public_key(pub)) fail("INVALID_PRIVATE_KEY", "not a valid P-256 private key");
    std::printf("%s\n", gridproof::to_hex(pub, sizeof pub).c_str());
    return 0;
  }
  if (o.command == "sign") return command_sign(o);
  if (o.command == "run") return command_run(o);
  fail("USAGE", "unknown command " + o.command);
}

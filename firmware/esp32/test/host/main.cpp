// Host test runner: `gridproof-host-tests <protocol/test-vectors/readings.json>`.
#include <cstdio>
#include <cstdlib>

#include "check.h"
#include "support.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <path to protocol/test-vectors/readings.json>\n", argv[0]);
    return 2;
  }
  support::vectors_path() = argv[1];
  int passed = 0;
  int failed = 0;
  for (auto& c : check::cases()) {
    check::failures_in_case() = 0;
    try {
      c.run();
    } catch (const std::exception& e) {
      std::fprintf(stdout, "    exception: %s\n", e.what());
      check::failures_in_case()++;
    }
    bool ok = check::failures_in_case() == 0;
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", c.name);
    (ok ? passed : failed)++;
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

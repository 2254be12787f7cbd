// A tiny assert-based test runner: TEST registers a case, CHECK records a failure and carries on.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace check {

struct Case {
  const char* name;
  std::function<void()> run;
};

inline std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}
inline int& failures_in_case() {
  static int n = 0;
  return n;
}
struct Register {
  Register(const char* name, std::function<void()> run) { cases().push_back({name, std::move(run)}); }
};

}  // namespace check

#define CHECK_CAT2(a, b) a##b
#define CHECK_CAT(a, b) CHECK_CAT2(a, b)
#define TEST(name)                                                         \
  static void name();                                                      \
  static check::Register CHECK_CAT(register_, name)(#name, name); \
  static void name()

#define CHECK(cond)                                                                     \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stdout, "    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
      check::failures_in_case()++;                                                      \
    }                                                                                   \
  } while (0)

#define CHECK_EQ(a, b)                                                                                 \
  do {                                                                                                 \
    auto check_a_ = (a);                                                                               \
    auto check_b_ = (b);                                                                               \
    if (!(check_a_ == check_b_)) {                                                                     \
      std::fprintf(stdout, "    %s:%d: CHECK_EQ(%s, %s) failed: %s != %s\n", __FILE__, __LINE__, #a, #b, \
                   check::show(check_a_).c_str(), check::show(check_b_).c_str());                      \
      check::failures_in_case()++;                                                                     \
    }                                                                                                  \
  } while (0)

namespace check {
inline std::string show(const std::string& s) { return "\"" + s + "\""; }
inline std::string show(const char* s) { return show(std::string(s)); }
template <typename T>
std::string show(const T& v) {
  if constexpr (std::is_enum_v<T>) {
    return std::to_string(static_cast<long long>(v));
  } else {
    return std::to_string(v);
  }
}
}  // namespace check

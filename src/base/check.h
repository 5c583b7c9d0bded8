// SPDX-License-Identifier: Apache-2.0
// base/check.h: FLOW_CHECK for programmer errors; logs the condition and aborts.
//
// Programmer errors are not Status: a failed invariant means the process state is
// unknown. FLOW_CHECK stays on in release builds, so keep the condition cheap;
// expensive checks go under FLOW_DEBUG_CHECK, compiled only when FLOW_DEBUG_CHECKS is set.
#pragma once

#include <string>

#include <fmt/format.h>

namespace flow::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* expr, const std::string& msg);
}  // namespace flow::internal

#define FLOW_CHECK(cond, ...)                                                                  \
  do {                                                                                         \
    if (__builtin_expect(!(cond), 0)) {                                                        \
      ::flow::internal::CheckFailed(__FILE__, __LINE__, #cond, ::fmt::format("" __VA_ARGS__)); \
    }                                                                                          \
  } while (0)

#ifdef FLOW_DEBUG_CHECKS
#define FLOW_DEBUG_CHECK(cond, ...) FLOW_CHECK(cond, __VA_ARGS__)
#else
#define FLOW_DEBUG_CHECK(cond, ...) \
  do {                              \
  } while (0)
#endif

// SPDX-License-Identifier: Apache-2.0
// base/check.cc: the failure path of FLOW_CHECK.
#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace flow::internal {

void CheckFailed(const char* file, int line, const char* expr, const std::string& msg) {
  std::fprintf(stderr, "flowctl: internal error: %s:%d: check failed: %s%s%s\n", file, line, expr,
               msg.empty() ? "" : ": ", msg.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace flow::internal

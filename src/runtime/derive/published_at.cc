// SPDX-License-Identifier: Apache-2.0
// runtime/derive/published_at.cc: RFC 3339 formatting of UUID clocks.
#include "runtime/derive/published_at.h"

#include <ctime>

#include <fmt/format.h>

namespace flow::runtime::derive {

std::string FormatPublishedAt(int64_t unix_nanos) {
  int64_t secs = unix_nanos / 1000000000;
  int64_t frac = unix_nanos % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  int64_t ticks = frac / 100;  // 100 ns precision, as the UUID clock has
  if (ticks != 0) {
    std::string digits = fmt::format("{:07}", ticks);
    while (!digits.empty() && digits.back() == '0')
      digits.pop_back();
    out += "." + digits;
  }
  out += "Z";
  return out;
}

}  // namespace flow::runtime::derive

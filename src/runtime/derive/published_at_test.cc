// SPDX-License-Identifier: Apache-2.0
// runtime/derive/published_at_test.cc: RFC 3339 text of UUID clocks.
#include "runtime/derive/published_at.h"

#include <doctest/doctest.h>

namespace flow::runtime::derive {
namespace {

TEST_CASE("published-at: whole seconds, 100 ns ticks, trimmed zeros, before the epoch") {
  CHECK(FormatPublishedAt(1000000000) == "1970-01-01T00:00:01Z");
  CHECK(FormatPublishedAt(1687984186494594500LL) == "2023-06-28T20:29:46.4945945Z");
  CHECK(FormatPublishedAt(1000000100) == "1970-01-01T00:00:01.0000001Z");
  CHECK(FormatPublishedAt(3600LL * 1000000000 + 500000000) == "1970-01-01T01:00:00.5Z");
  // Sub-tick nanoseconds are dropped, as the clock cannot hold them.
  CHECK(FormatPublishedAt(1000000099) == "1970-01-01T00:00:01Z");
  CHECK(FormatPublishedAt(-1500000000LL) == "1969-12-31T23:59:58.5Z");
}

}  // namespace
}  // namespace flow::runtime::derive

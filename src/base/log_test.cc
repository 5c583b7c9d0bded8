// SPDX-License-Identifier: Apache-2.0
// base/log_test.cc: log level parsing and record formats.
#include "base/log.h"

#include <doctest/doctest.h>

namespace flow::log {
namespace {

TEST_CASE("log: levels and formats parse; unknown names are errors") {
  CHECK(*ParseLevel("debug") == Level::kDebug);
  CHECK(*ParseLevel("warning") == Level::kWarn);
  CHECK(ParseLevel("loud").status().message().find("unknown log level \"loud\"") == 0);
  CHECK(*ParseFormat("json") == Format::kJson);
  CHECK_FALSE(ParseFormat("xml").ok());
}

TEST_CASE("log: text and json records") {
  CHECK(FormatRecord(Format::kText, Level::kWarn, "disk low", 0) == "warn: disk low\n");
  CHECK(FormatRecord(Format::kJson, Level::kInfo, "say \"hi\"\n", 1700000000123456LL) ==
        "{\"ts\":\"2023-11-14T22:13:20.123456Z\",\"level\":\"info\",\"msg\":\"say "
        "\\\"hi\\\"\\n\"}\n");
}

TEST_CASE("log: enabled respects the configured level") {
  Level saved = CurrentLevel();
  SetLevel(Level::kWarn);
  CHECK_FALSE(Enabled(Level::kInfo));
  CHECK(Enabled(Level::kError));
  SetLevel(Level::kOff);
  CHECK_FALSE(Enabled(Level::kError));
  SetLevel(saved);
}

}  // namespace
}  // namespace flow::log

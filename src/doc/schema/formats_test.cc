// SPDX-License-Identifier: Apache-2.0
// doc/schema/formats_test.cc: formats beyond the official suite (Flow's numeric strings).
#include "doc/schema/formats.h"

#include <doctest/doctest.h>

namespace flow::doc::schema {
namespace {

TEST_CASE("formats: Flow's integer and number strings") {
  for (const char* s : {"1234", "1234.00", "-1234", "1e3", "+7"}) {
    CAPTURE(s);
    CHECK(ValidateFormat(Format::kInteger, s));
  }
  for (const char* s : {"1_234", "1.234", " 1234", "", "-", "1e-3"}) {
    CAPTURE(s);
    CHECK_FALSE(ValidateFormat(Format::kInteger, s));
  }
  for (const char* s : {"1234", "-1.234", "NaN", "Infinity", "-Infinity", ".5", "1e-3"}) {
    CAPTURE(s);
    CHECK(ValidateFormat(Format::kNumber, s));
  }
  for (const char* s : {"1_234", " 1.234", "nan", "infinity", "xNaN", "1.2.3"}) {
    CAPTURE(s);
    CHECK_FALSE(ValidateFormat(Format::kNumber, s));
  }
  CHECK(ParseFormat("uint64") == Format::kInteger);
  CHECK(ParseFormat("datetime") == Format::kDateTime);
  CHECK(ParseFormat("no-such-format") == Format::kUnknown);
  CHECK(ValidateFormat(Format::kUnknown, "anything"));
}

TEST_CASE("formats: dates, durations, mac addresses, sha256") {
  CHECK(ValidateFormat(Format::kDateTime, "2022-09-11T10:31:25.123Z"));
  CHECK(ValidateFormat(Format::kDateTime, "2022-09-11T10:31:25-00:00"));
  CHECK_FALSE(ValidateFormat(Format::kDateTime, "2022-09-11 10:31:25Z"));
  CHECK(ValidateFormat(Format::kTime, "10:31:25.123+00:00"));
  CHECK_FALSE(ValidateFormat(Format::kTime, "10:31:25"));
  CHECK(ValidateFormat(Format::kDuration, "P3Y6M4DT12H30M5S"));
  CHECK_FALSE(ValidateFormat(Format::kDuration, "P1W3D"));
  CHECK(ValidateFormat(Format::kMacaddr, "00:1b-63:84-45:e6"));
  CHECK(ValidateFormat(Format::kMacaddr, "001B638445E6"));
  CHECK_FALSE(ValidateFormat(Format::kMacaddr8, "00:1b:63:84:45:e6"));
  CHECK(ValidateFormat(Format::kSha256,
                       "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  CHECK_FALSE(ValidateFormat(Format::kSha256, "sha256:"));
  CHECK(ValidateFormat(Format::kUuid, "DF518555-34F0-446A-8788-7B36F607BBEA"));
  CHECK_FALSE(ValidateFormat(Format::kUuid, "df51855534f0446a87887b36f607bbea"));
}

}  // namespace
}  // namespace flow::doc::schema

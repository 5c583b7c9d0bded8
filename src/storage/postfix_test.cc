// SPDX-License-Identifier: Apache-2.0
// storage/postfix_test.cc: Go time layouts and postfix templates.
#include "storage/postfix.h"

#include <doctest/doctest.h>

namespace flow::storage {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
// 2024-05-01T13:07:22.123456789Z, a Wednesday.
constexpr int64_t kT = 1714568842 * kSecond + 123456789;

TEST_CASE("postfix: Flow's template renders utc_date and utc_hour") {
  auto tpl = PostfixTemplate::Parse(kFlowPostfixTemplate);
  REQUIRE(tpl.ok());
  CHECK(*tpl->Render(kT) == "utc_date=2024-05-01/utc_hour=13");
  CHECK(*tpl->Render(0) == "utc_date=1970-01-01/utc_hour=00");
  CHECK(*tpl->Render(1714608000 * kSecond - 1) == "utc_date=2024-05-01/utc_hour=23");
  CHECK(*tpl->Render(1714608000 * kSecond) == "utc_date=2024-05-02/utc_hour=00");
}

TEST_CASE("postfix: spacing, quoting and Gazette's example template") {
  for (const char* text : {R"(date={{ .Spool.FirstAppendTime.Format "2006-01-02" }})",
                           R"(date={{.Spool.FirstAppendTime.Format "2006-01-02"}})",
                           "date={{ .Spool.FirstAppendTime.Format `2006-01-02` }}"}) {
    auto tpl = PostfixTemplate::Parse(text);
    REQUIRE_MESSAGE(tpl.ok(), tpl.status().ToString());
    CHECK(*tpl->Render(kT) == "date=2024-05-01");
  }
  CHECK(*PostfixTemplate().Render(kT) == "");
  CHECK(*PostfixTemplate::Parse("")->Render(kT) == "");
  CHECK(*PostfixTemplate::Parse("static/part")->Render(kT) == "static/part");
}

TEST_CASE("postfix: unsupported or malformed templates") {
  CHECK(PostfixTemplate::Parse("{{ .Name }}").status().Is(Code::kInvalidArgument));
  CHECK(PostfixTemplate::Parse("{{ .Spool.FirstAppendTime.Format }}")
            .status()
            .Is(Code::kInvalidArgument));
  CHECK(PostfixTemplate::Parse("{{ .Spool.FirstAppendTime.Format \"15\" ")
            .status()
            .Is(Code::kInvalidArgument));
  CHECK(PostfixTemplate::Parse("a}}b").status().Is(Code::kInvalidArgument));
  CHECK(PostfixTemplate::Parse("{{ .Spool.FirstAppendTime.Format \"15 }}")
            .status()
            .Is(Code::kInvalidArgument));
  // Parses, but renders something that is not a clean path component.
  auto spaced = PostfixTemplate::Parse("{{ .Spool.FirstAppendTime.Format \"2006 01\" }}");
  REQUIRE(spaced.ok());
  CHECK(spaced->Render(kT).status().Is(Code::kInvalidArgument));
  auto dotdot = PostfixTemplate::Parse("../x");
  REQUIRE(dotdot.ok());
  CHECK(dotdot->Render(kT).status().Is(Code::kInvalidArgument));
}

TEST_CASE("postfix: Go layout elements") {
  CHECK(FormatGoTime("2006-01-02T15:04:05Z07:00", kT) == "2024-05-01T13:07:22Z");
  CHECK(FormatGoTime("2006-01-02T15:04:05-07:00", kT) == "2024-05-01T13:07:22+00:00");
  CHECK(FormatGoTime("Mon Jan _2 15:04:05 MST 2006", kT) == "Wed May  1 13:07:22 UTC 2024");
  CHECK(FormatGoTime("Monday, January 2, 06", kT) == "Wednesday, May 1, 24");
  CHECK(FormatGoTime("3:4:5 PM pm", kT) == "1:7:22 PM pm");
  CHECK(FormatGoTime("03:04:05", kT) == "01:07:22");
  CHECK(FormatGoTime("002 __2", kT) == "122 122");
  CHECK(FormatGoTime("1/2", kT) == "5/1");
  CHECK(FormatGoTime("05.000", kT) == "22.123");
  CHECK(FormatGoTime("05,000000", kT) == "22,123456");
  CHECK(FormatGoTime("05.999999999", kT) == "22.123456789");
  CHECK(FormatGoTime("05.999", kSecond * 1714568842) == "22");
  CHECK(FormatGoTime("-0700 -07 Z0700", kT) == "+0000 +00 Z");
  CHECK(FormatGoTime("_2006", kT) == "_2024");
  CHECK(FormatGoTime("Janet Monthly", kT) == "Janet Monthly");  // lowercase after: literal
  CHECK(FormatGoTime("hour=15", 1714568842 * kSecond - 14 * 3600 * kSecond) == "hour=23");
  // Before the epoch.
  CHECK(FormatGoTime("2006-01-02 15:04:05", -1 * kSecond) == "1969-12-31 23:59:59");
}

}  // namespace
}  // namespace flow::storage

// SPDX-License-Identifier: Apache-2.0
// storage/partition_test.cc: partition value encoding, journal names, selectors, and
// that no value can make a journal path leave its directory.
#include "storage/partition.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <doctest/doctest.h>

#include "storage/journal_name.h"

namespace flow::storage {
namespace {

TEST_CASE("partition: Flow's value encoding") {
  std::string out;
  for (const PartitionValue& v :
       {PartitionValue(std::monostate{}), PartitionValue(true), PartitionValue(false),
        PartitionValue(int64_t{123}), PartitionValue(int64_t{-321}),
        PartitionValue(uint64_t{18446744073709551615ULL}), PartitionValue(std::string("NJ")),
        PartitionValue(std::string("foo bar")), PartitionValue(std::string("Baz!@\"Bing\"")),
        PartitionValue(std::string("http://example/path?q1=v1&q2=v2;ex%20tra")),
        PartitionValue(std::string("a-b_c.d~e+f")), PartitionValue(std::string("ü"))}) {
    out += EncodePartitionValue(v) + "|";
  }
  CHECK(out ==
        "null|true|false|123|-321|18446744073709551615|NJ|foo%20bar|Baz%21%40%22Bing%22|"
        "http%3A%2F%2Fexample%2Fpath%3Fq1%3Dv1%26q2%3Dv2%3Bex%2520tra|a-b_c.d%7Ee%2Bf|%C3%BC|");
}

TEST_CASE("partition: decoding inverts encoding, with Flow's literal ambiguity") {
  for (const PartitionValue& v :
       {PartitionValue(std::monostate{}), PartitionValue(true), PartitionValue(false),
        PartitionValue(int64_t{0}), PartitionValue(int64_t{-9223372036854775807LL - 1}),
        PartitionValue(int64_t{9223372036854775807LL}),
        PartitionValue(uint64_t{9223372036854775808ULL}), PartitionValue(std::string("")),
        PartitionValue(std::string("a/b/../c")), PartitionValue(std::string("007")),
        PartitionValue(std::string("-0")), PartitionValue(std::string("%_null"))}) {
    auto decoded = DecodePartitionValue(EncodePartitionValue(v));
    REQUIRE(decoded.ok());
    CHECK_MESSAGE(*decoded == v, EncodePartitionValue(v));
  }
  // The string "true" and the boolean encode alike (as in Flow); decoding picks the
  // literal.
  CHECK(EncodePartitionValue(std::string("true")) == EncodePartitionValue(true));
  CHECK(*DecodePartitionValue("true") == PartitionValue(true));
  CHECK(*DecodePartitionValue("12") == PartitionValue(int64_t{12}));
  // Older Flow names used '+' for spaces.
  CHECK(*DecodePartitionValue("hi+there") == PartitionValue(std::string("hi there")));
  CHECK(DecodePartitionValue("bad%2").status().Is(Code::kInvalidArgument));
  CHECK(DecodePartitionValue("bad%zz").status().Is(Code::kInvalidArgument));
  CHECK(PartitionValueToJson(std::string("a\"b")) == "\"a\\\"b\"");
  CHECK(PartitionValueToJson(int64_t{-3}) == "-3");
  CHECK(PartitionValueToJson(std::monostate{}) == "null");
}

TEST_CASE("partition: journal names with and without fields") {
  auto name = PartitionJournalName("acmeCo/rides",
                                   {{"bar", std::string("hi there")}, {"foo", int64_t{32}}}, 0);
  REQUIRE(name.ok());
  CHECK(*name == "acmeCo/rides/bar=hi%20there/foo=32/pivot=00");
  CHECK(*PartitionJournalName("acmeCo/rides",
                              {{"bar", std::string("hi there")}, {"foo", int64_t{32}}},
                              6152432) == "acmeCo/rides/bar=hi%20there/foo=32/pivot=005de0f0");
  CHECK(*PartitionJournalName("acmeCo/rides", {}, 6152432) == "acmeCo/rides/pivot=005de0f0");
  CHECK(*PartitionJournalName("acmeCo/rides", {}, 0) == "acmeCo/rides/pivot=00");
  CHECK(PivotName(0x80000000) == "80000000");

  auto parsed = ParsePartitionJournalName(*name, "acmeCo/rides");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(parsed->collection == "acmeCo/rides");
  REQUIRE(parsed->fields.size() == 2);
  CHECK(parsed->fields[0].name == "bar");
  CHECK(parsed->fields[0].encoded == "hi%20there");
  CHECK(parsed->fields[0].value == PartitionValue(std::string("hi there")));
  CHECK(parsed->fields[1].value == PartitionValue(int64_t{32}));
  CHECK(parsed->key_begin == 0);
  CHECK(ParsePartitionJournalName("acmeCo/rides/pivot=005de0f0", "acmeCo/rides")->key_begin ==
        6152432);
}

TEST_CASE("partition: what is not a partition name") {
  for (const char* journal :
       {"acmeCo/other/pivot=00", "acmeCo/rides", "acmeCo/rides/pivot=0",
        "acmeCo/rides/pivot=00000000", "acmeCo/rides/pivot=5DE0F0AA", "acmeCo/rides/x/pivot=00",
        "acmeCo/rides/=1/pivot=00", "acmeCo/rides/b=1/a=2/pivot=00",
        "acmeCo/rides/a=1/a=2/pivot=00", "acmeCo/rides/a=%zz/pivot=00", "acmeCo/ridesX/pivot=00"}) {
    CHECK_MESSAGE(
        ParsePartitionJournalName(journal, "acmeCo/rides").status().Is(Code::kInvalidArgument),
        journal);
  }
  // Fields must be sorted, distinct and name-safe.
  CHECK(PartitionJournalName("c/x", {{"b", true}, {"a", true}}, 0)
            .status()
            .Is(Code::kInvalidArgument));
  CHECK(PartitionJournalName("c/x", {{"a", true}, {"a", false}}, 0)
            .status()
            .Is(Code::kInvalidArgument));
  CHECK(PartitionJournalName("c/x", {{"a/b", true}}, 0).status().Is(Code::kInvalidArgument));
  CHECK(PartitionJournalName("c/x", {{"a=b", true}}, 0).status().Is(Code::kInvalidArgument));
  CHECK(PartitionJournalName("c/x", {{"", true}}, 0).status().Is(Code::kInvalidArgument));
  // The collection itself must make a valid journal name.
  CHECK(PartitionJournalName("../x", {}, 0).status().Is(Code::kInvalidArgument));
  CHECK(PartitionJournalName("/x", {}, 0).status().Is(Code::kInvalidArgument));
  // Too long: over 512 bytes.
  CHECK(PartitionJournalName("c/x", {{"a", std::string(600, 'v')}}, 0)
            .status()
            .Is(Code::kInvalidArgument));
}

TEST_CASE("partition: hostile values never leave the collection's directory") {
  const std::filesystem::path root = "/data/fragments";
  for (const char* value : {"..", "../..", "../../etc/passwd", "/", "/etc", ".", "a/../../b",
                            "%2e%2e", "..%2f..", "\\..\\..", "\n", "", "~", "*", "a\0b"}) {
    auto name = PartitionJournalName("acmeCo/rides", {{"f", std::string(value, strlen(value))}}, 0);
    REQUIRE_MESSAGE(name.ok(), name.status().ToString());
    CHECK(ValidateJournalName(*name).ok());
    // Exactly three segments: the collection's two, the field's one, and the pivot.
    CHECK(std::count(name->begin(), name->end(), '/') == 3);
    std::filesystem::path joined = (root / *name).lexically_normal();
    CHECK_MESSAGE(joined.string().rfind("/data/fragments/acmeCo/rides/f=", 0) == 0,
                  joined.string());
    auto parsed = ParsePartitionJournalName(*name, "acmeCo/rides");
    REQUIRE(parsed.ok());
    CHECK(parsed->fields[0].value == PartitionValue(std::string(value, strlen(value))));
  }
}

TEST_CASE("partition: selectors apply to names") {
  auto journal = [](std::vector<PartitionField> fields) {
    return *ParsePartitionJournalName(*PartitionJournalName("c/x", fields, 0), "c/x");
  };
  auto us = journal({{"country", std::string("US")}, {"year", int64_t{2024}}});
  auto fr = journal({{"country", std::string("FR")}, {"year", int64_t{2023}}});
  auto none = journal({});

  PartitionSelector all;
  CHECK(all.empty());
  CHECK(all.Matches(us));
  CHECK(all.Matches(none));

  PartitionSelector include_us;
  include_us.include["country"] = {std::string("US"), std::string("CA")};
  CHECK(include_us.Matches(us));
  CHECK_FALSE(include_us.Matches(fr));
  CHECK_FALSE(include_us.Matches(none));

  PartitionSelector exclude_2024;
  exclude_2024.exclude["year"] = {int64_t{2024}};
  CHECK_FALSE(exclude_2024.Matches(us));
  CHECK(exclude_2024.Matches(fr));
  CHECK(exclude_2024.Matches(none));

  PartitionSelector both = include_us;
  both.exclude["year"] = {int64_t{2023}};
  CHECK(both.Matches(us));
  // Values compare by encoding: the integer 2024 and the string "2024" match alike.
  PartitionSelector by_string;
  by_string.include["year"] = {std::string("2024")};
  CHECK(by_string.Matches(us));
}

}  // namespace
}  // namespace flow::storage

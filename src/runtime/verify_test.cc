// SPDX-License-Identifier: Apache-2.0
// runtime/verify_test.cc: superset matching, number tolerance, UUID masking, reports.
#include "runtime/verify.h"

#include <doctest/doctest.h>

#include "doc/json.h"

namespace flow::runtime {
namespace {

struct J {
  doc::Arena arena;
  doc::Parser parser;
  doc::Node operator()(std::string_view s) {
    auto n = parser.Parse(s, arena);
    REQUIRE_MESSAGE(n.ok(), n.status().ToString());
    return *n;
  }
};

TEST_CASE("verify: superset matching of objects, arrays and scalars") {
  J j;
  CHECK(SupersetMatch(j(R"({"a":1,"b":2,"_meta":{"uuid":"x"}})"), j(R"({"a":1,"b":2})")));
  CHECK_FALSE(SupersetMatch(j(R"({"a":1})"), j(R"({"a":1,"b":2})")));
  CHECK(SupersetMatch(j(R"({"o":{"a":1,"extra":9}})"), j(R"({"o":{"a":1}})")));
  CHECK(SupersetMatch(j("[1,2,3]"), j("[1,2,3]")));
  CHECK_FALSE(SupersetMatch(j("[1,2]"), j("[1,2,3]")));
  CHECK_FALSE(SupersetMatch(j("[1,2,3]"), j("[1,2]")));
  CHECK(SupersetMatch(j(R"([{"a":1,"x":0}])"), j(R"([{"a":1}])")));
  CHECK_FALSE(SupersetMatch(j("null"), j("false")));
  CHECK_FALSE(SupersetMatch(j(R"("1")"), j("1")));
  CHECK(SupersetMatch(j("{}"), j("{}")));
  CHECK_FALSE(SupersetMatch(j("[]"), j("{}")));
}

TEST_CASE("verify: numbers compare by text, then with a scaled epsilon") {
  J j;
  CHECK(NumbersMatch(j("1"), j("1")));
  CHECK(NumbersMatch(j("1.0"), j("1")));
  CHECK(NumbersMatch(j("100.0"), j("100.00000000000001")));
  CHECK(NumbersMatch(j("0.30000000000000004"), j("0.3")));
  CHECK_FALSE(NumbersMatch(j("1.0"), j("2.0")));
  CHECK_FALSE(NumbersMatch(j("0.1"), j("0.10001")));
  CHECK_FALSE(NumbersMatch(j("-1"), j("1")));
  CHECK(NumbersMatch(j("18446744073709551615"), j("18446744073709551615")));
  // As in Flow, integers beyond 2^53 compare as doubles.
  CHECK(NumbersMatch(j("9007199254740993"), j("9007199254740992")));
}

TEST_CASE("verify: uuids are masked only where present") {
  J j;
  doc::Node d = j(R"({"id":"a","_meta":{"uuid":"0000-real-uuid"}})");
  auto ptr = doc::Pointer::Parse("/_meta/uuid");
  REQUIRE(ptr.ok());
  MaskUuid(d, *ptr, j.arena);
  CHECK(doc::ToJson(d) == R"({"_meta":{"uuid":"flow-uuid"},"id":"a"})");
  doc::Node e = j(R"({"id":"b"})");
  MaskUuid(e, *ptr, j.arena);
  CHECK(doc::ToJson(e) == R"({"id":"b"})");
}

TEST_CASE("verify: lock-step comparison reports mismatched, missing and unexpected") {
  J j;
  std::vector<doc::Node> actual = {j(R"({"k":1,"v":"a","extra":true})"),
                                   j(R"({"k":2,"v":"WRONG"})")};
  std::vector<doc::Node> expected = {j(R"({"k":1,"v":"a"})"), j(R"({"k":2,"v":"b"})"),
                                     j(R"({"k":3,"v":"c"})")};
  auto failures = CompareDocuments(actual, expected);
  REQUIRE(failures.size() == 2);
  CHECK(failures[0].kind == Mismatch::Kind::kMismatched);
  CHECK(failures[0].index == 1);
  CHECK(failures[1].kind == Mismatch::Kind::kMissing);
  CHECK(failures[1].index == 2);
  CHECK(RenderMismatches(failures) ==
        "actual and expected document(s) did not match:\n"
        "mismatched document at index 1:\n"
        "  actual:   {\"k\":2,\"v\":\"WRONG\"}\n"
        "  expected: {\"k\":2,\"v\":\"b\"}\n"
        "    at /v: actual \"WRONG\", expected \"b\"\n"
        "missing expected document at index 2:\n"
        "  {\"k\":3,\"v\":\"c\"}\n");

  std::vector<doc::Node> more = {j(R"({"k":1})"), j(R"({"k":2})")};
  std::vector<doc::Node> fewer = {j(R"({"k":1})")};
  auto unexpected = CompareDocuments(more, fewer);
  REQUIRE(unexpected.size() == 1);
  CHECK(unexpected[0].kind == Mismatch::Kind::kUnexpected);
  CHECK(CompareDocuments(fewer, fewer).empty());
}

TEST_CASE("verify: differences name nested paths") {
  J j;
  auto d = DescribeDifferences(j(R"({"a":{"b":[1,2]},"c":"x"})"),
                               j(R"({"a":{"b":[1,3,4]},"c":"x","d":null})"));
  CHECK(d == std::vector<std::string>{"/a/b/1: actual 2, expected 3",
                                      "/a/b: actual has 2 items, expected 3",
                                      "/d: missing, expected null"});
}

}  // namespace
}  // namespace flow::runtime

// SPDX-License-Identifier: Apache-2.0
// doc/compare_test.cc: the JSON total order, exact number comparison and key comparison.
#include "doc/compare.h"

#include <cmath>
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "doc/json.h"

namespace flow::doc {
namespace {

class Docs {
 public:
  Node operator()(std::string_view json) {
    auto n = parser_.Parse(json, arena_);
    REQUIRE_MESSAGE(n.ok(), n.status().ToString());
    return *n;
  }

 private:
  Arena arena_;
  Parser parser_;
};

void IsLess(const Node& a, const Node& b) {
  INFO(ToJson(a), " < ", ToJson(b));
  CHECK(Compare(a, b) == -1);
  CHECK(Compare(b, a) == 1);
  CHECK_FALSE(Equal(a, b));
  CHECK_FALSE(Equal(b, a));
}

void IsEqual(const Node& a, const Node& b) {
  INFO(ToJson(a), " == ", ToJson(b));
  CHECK(Compare(a, b) == 0);
  CHECK(Compare(b, a) == 0);
  CHECK(Equal(a, b));
  CHECK(Equal(b, a));
}

TEST_CASE("compare: type rank null < boolean < number < string < array < object") {
  Docs j;
  std::vector<Node> ranked = {j("null"), j("false"), j("true"), j("-5"),  j("1.5"), j("7"),
                              j("\"\""), j("\"a\""), j("[]"),   j("[1]"), j("{}"),  j("{\"a\":1}")};
  for (size_t i = 0; i < ranked.size(); ++i) {
    IsEqual(ranked[i], ranked[i]);
    for (size_t k = i + 1; k < ranked.size(); ++k)
      IsLess(ranked[i], ranked[k]);
  }
  // A high value of a lower type still orders first.
  IsLess(j("true"), j("-1e300"));
  IsLess(j("1e300"), j("\"\""));
  IsLess(j("\"\\uffff\""), j("[]"));
  IsLess(j("[{}]"), j("{}"));
}

TEST_CASE("compare: numbers across integer and double kinds") {
  Docs j;
  IsEqual(j("10"), j("10"));
  IsEqual(j("-10"), j("-10"));
  IsEqual(j("20"), j("20.0"));
  IsEqual(j("-20"), j("-20.0"));
  IsEqual(j("0"), j("-0.0"));
  IsEqual(j("0.0"), j("-0.0"));
  IsLess(j("10"), j("20"));
  IsLess(j("-20"), j("-10"));
  IsLess(j("10"), j("20.0"));
  IsLess(j("-20"), j("-10.0"));
  IsLess(j("-1"), j("1"));
  IsLess(j("-1"), j("0"));
  IsLess(j("1"), j("1.5"));
  IsLess(j("1.5"), j("2"));
  IsLess(j("-2"), j("-1.5"));
  IsLess(j("-1.5"), j("-1"));
  IsLess(j("-0.5"), j("0"));
  IsLess(j("0"), j("5e-324"));
  IsLess(j("-9223372036854775808"), j("9223372036854775807"));
  IsLess(j("9223372036854775807"), j("9223372036854775808"));
  IsLess(j("-9223372036854775808"), j("-9223372036854775807"));
}

TEST_CASE("compare: large integers against doubles compare exactly") {
  Docs j;
  Node max_u64 = Node::PosInt(std::numeric_limits<uint64_t>::max());
  Node two64 = Node::Double(18446744073709551616.0);
  // As doubles both are 2^64; exactly, the integer is one less.
  IsLess(max_u64, two64);
  IsEqual(Node::PosInt(uint64_t{1} << 63), Node::Double(9223372036854775808.0));
  IsLess(Node::PosInt((uint64_t{1} << 53) + 1), Node::Double(9007199254740994.0));
  IsLess(Node::Double(9007199254740992.0), Node::PosInt((uint64_t{1} << 53) + 1));
  IsEqual(Node::Int(std::numeric_limits<int64_t>::min()), Node::Double(-9223372036854775808.0));
  IsLess(Node::Double(-9223372036854777856.0), Node::Int(std::numeric_limits<int64_t>::min()));
  IsLess(Node::Int(-(int64_t{1} << 53) - 1), Node::Double(-9007199254740992.0));
  IsLess(Node::Double(-9007199254740994.0), Node::Int(-(int64_t{1} << 53) - 1));
  IsLess(Node::Double(-1e300), Node::Int(std::numeric_limits<int64_t>::min()));
  IsLess(max_u64, Node::Double(1e300));
  IsLess(Node::Int(-1), Node::Double(0.5));
  IsLess(Node::Double(-0.5), Node::PosInt(0));
  // 2^63 + 0.5 is not a double, but 4503599627370495.5 (2^52 - 0.5) is.
  IsLess(Node::PosInt(4503599627370495), Node::Double(4503599627370495.5));
  IsLess(Node::Double(4503599627370495.5), Node::PosInt(4503599627370496));
  IsLess(Node::Int(-4503599627370496), Node::Double(-4503599627370495.5));
  IsLess(Node::Double(-4503599627370495.5), Node::Int(-4503599627370495));
}

TEST_CASE("compare: NaN equals NaN and is less than every other number") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  IsEqual(Node::Double(nan), Node::Double(nan));
  IsEqual(Node::Double(nan), Node::Double(-nan));
  IsLess(Node::Double(nan), Node::Double(-inf));
  IsLess(Node::Double(nan), Node::Int(std::numeric_limits<int64_t>::min()));
  IsLess(Node::Double(nan), Node::PosInt(0));
  IsLess(Node::Double(-inf), Node::Int(std::numeric_limits<int64_t>::min()));
  IsLess(Node::PosInt(std::numeric_limits<uint64_t>::max()), Node::Double(inf));
  // Still a number: above booleans, below strings.
  IsLess(Node::Bool(true), Node::Double(nan));
  IsLess(Node::Double(nan), Node::StringRef(""));
  CHECK(CompareNumbers(Node::Double(nan), Node::Double(1)) == -1);
}

TEST_CASE("compare: strings bytewise") {
  Docs j;
  IsEqual(j("\"\""), j("\"\""));
  IsEqual(j("\"foo\""), j("\"foo\""));
  IsLess(j("\"\""), j("\"foo\""));
  IsLess(j("\"foo\""), j("\"foobar\""));
  IsLess(j("\"foo\""), j("\"fp\""));
  IsLess(j("\"Z\""), j("\"a\""));
  // UTF-8 bytes >= 0x80 order after ASCII (unsigned bytes), and embedded NULs count.
  IsLess(j("\"z\""), j("\"\\u00e9\""));
  IsLess(j("\"a\""), j("\"a\\u0000\""));
  IsLess(j("\"a\\u0000\""), j("\"a\\u0001\""));
  IsLess(j("\"\\u00e9\""), j("\"\\ud83d\\ude00\""));
}

TEST_CASE("compare: arrays lexicographically, a prefix first") {
  Docs j;
  IsEqual(j("[]"), j("[]"));
  IsEqual(j("[1, 2]"), j("[1, 2.0]"));
  IsLess(j("[]"), j("[1, 2]"));
  IsLess(j("[1, 2]"), j("[1, 2, 3]"));
  IsLess(j("[1, 2, 3]"), j("[1, 3]"));
  IsLess(j("[null]"), j("[false]"));
  IsLess(j("[[1, 2], 9]"), j("[[1, 3], 0]"));
}

TEST_CASE("compare: objects over sorted (name, value) pairs") {
  Docs j;
  IsEqual(j("{}"), j("{}"));
  IsEqual(j(R"({"a": 1, "b": 2})"), j(R"({"b": 2.0, "a": 1})"));
  IsLess(j("{}"), j(R"({"a": 1})"));
  IsLess(j(R"({"a": 1})"), j(R"({"b": 2})"));
  IsLess(j(R"({"a": 1})"), j(R"({"a": 1, "b": 2})"));
  IsLess(j(R"({"a": 1, "b": 2})"), j(R"({"a": 1, "c": 1})"));
  IsLess(j(R"({"a": 1, "b": 2})"), j(R"({"a": 1, "b": 3})"));
  // Names decide before values: {"a": 9} < {"b": 0}.
  IsLess(j(R"({"a": 9})"), j(R"({"b": 0})"));
  IsLess(j(R"({"a": {"x": 1}})"), j(R"({"a": {"y": 0}})"));
}

TEST_CASE("compare: keys, where a missing location orders before null") {
  Docs j;
  auto ptrs = [](std::initializer_list<std::string_view> texts) {
    std::vector<Pointer> out;
    for (auto t : texts)
      out.push_back(*Pointer::Parse(t));
    return out;
  };
  Node d1 = j(R"({"a": 1, "b": 2, "c": 3})");
  Node d2 = j(R"({"a": 2, "b": 1})");
  CHECK(CompareKeys(d1, d2, {}) == 0);
  CHECK(CompareKeys(d1, d2, ptrs({""})) == -1);
  CHECK(CompareKeys(d1, d2, ptrs({"/a"})) == -1);
  CHECK(CompareKeys(d1, d2, ptrs({"/b"})) == 1);
  // /c is missing from d2: missing < 3.
  CHECK(CompareKeys(d1, d2, ptrs({"/c"})) == 1);
  CHECK(CompareKeys(d2, d1, ptrs({"/c"})) == -1);
  CHECK(CompareKeys(d1, d2, ptrs({"/d", "/a"})) == -1);  // both missing: next component
  CHECK(CompareKeys(d1, d2, ptrs({"/d", "/b"})) == 1);
  // Missing orders before an explicit null.
  Node with_null = j(R"({"k": null})");
  Node without = j(R"({"n": 1})");
  CHECK(CompareKeys(without, with_null, ptrs({"/k"})) == -1);
  CHECK(CompareKeys(with_null, without, ptrs({"/k"})) == 1);
  CHECK(CompareKeys(without, without, ptrs({"/k"})) == 0);
  // Array item keys (the maximize [/1] vectors of spec §3.2).
  CHECK(CompareKeys(j("[1, 3]"), j("[1, 4]"), ptrs({"/1"})) == -1);
  CHECK(CompareKeys(j("[1, 4]"), j(R"({"1": 4})"), ptrs({"/1"})) == 0);
  CHECK(CompareKeys(j("[]"), j("[1, 2]"), ptrs({"/1"})) == -1);
  CHECK(CompareKeys(j("32"), j("[]"), ptrs({"/1"})) == 0);
}

}  // namespace
}  // namespace flow::doc

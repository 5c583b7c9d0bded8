// SPDX-License-Identifier: Apache-2.0
// doc/json_test.cc: parsing, canonical serialization and number round-trips.
#include "doc/json.h"

#include <doctest/doctest.h>

namespace flow::doc {
namespace {

std::string RoundTrip(std::string_view in) {
  Arena arena;
  Parser p;
  auto n = p.Parse(in, arena);
  REQUIRE_MESSAGE(n.ok(), n.status().ToString());
  return ToJson(*n);
}

TEST_CASE("json: compact serialization sorts properties") {
  CHECK(RoundTrip(R"({"b": 1, "a": [true, false, null], "c": {"z": "x", "y": -2}})") ==
        R"({"a":[true,false,null],"b":1,"c":{"y":-2,"z":"x"}})");
  CHECK(RoundTrip(R"({"a":1,"a":2})") == R"({"a":2})");
  CHECK(RoundTrip("[]") == "[]");
  CHECK(RoundTrip("{}") == "{}");
}

TEST_CASE("json: numbers round-trip exactly") {
  CHECK(RoundTrip("18446744073709551615") == "18446744073709551615");
  CHECK(RoundTrip("-9223372036854775808") == "-9223372036854775808");
  CHECK(RoundTrip("0") == "0");
  CHECK(RoundTrip("1.0") == "1.0");
  CHECK(RoundTrip("0.1") == "0.1");
  CHECK(RoundTrip("-98.1") == "-98.1");
  CHECK(RoundTrip("1.7976931348623157e308") == "1.7976931348623157e308");
  CHECK(RoundTrip("5e-324") == "5e-324");
  CHECK(RoundTrip("1e21") == "1e21");
  Arena arena;
  Parser p;
  CHECK(p.Parse("12", arena)->type() == Type::kPosInt);
  CHECK(p.Parse("-12", arena)->type() == Type::kNegInt);
  CHECK(p.Parse("12.5", arena)->type() == Type::kDouble);
}

TEST_CASE("json: doubles are laid out as serde_json (ryu) prints them") {
  // Fixed notation for 1e-7 < |d| < 1e21, integral values with ".0", else d.ddde[-]x.
  CHECK(RoundTrip("1e20") == "100000000000000000000.0");
  CHECK(RoundTrip("1.2345678901234568e20") == "123456789012345680000.0");
  CHECK(RoundTrip("1.2345678901234568e21") == "1.2345678901234568e21");
  CHECK(RoundTrip("1e16") == "10000000000000000.0");
  // Integers beyond 64 bits are read as doubles, as serde_json reads them.
  CHECK(RoundTrip("18446744073709551616") == "18446744073709552000.0");
  CHECK(RoundTrip("-9223372036854775809") == "-9223372036854776000.0");
  CHECK(RoundTrip(R"({"big":[123456789012345678901234567890,"123456789012345678901234567890"],)"
                  R"("n":-9223372036854775808,"u":18446744073709551615})") ==
        R"({"big":[1.2345678901234568e29,"123456789012345678901234567890"],)"
        R"("n":-9223372036854775808,"u":18446744073709551615})");
  CHECK(RoundTrip("12.5") == "12.5");
  CHECK(RoundTrip("0.001234") == "0.001234");
  CHECK(RoundTrip("0.000001") == "0.000001");
  CHECK(RoundTrip("2.5e-5") == "0.000025");
  CHECK(RoundTrip("1e-7") == "1e-7");
  CHECK(RoundTrip("1.5e-7") == "1.5e-7");
  CHECK(RoundTrip("-1.5e300") == "-1.5e300");
  CHECK(RoundTrip("-0.0") == "-0.0");
  CHECK(RoundTrip("0.0") == "0.0");
  CHECK(RoundTrip("-0") == "0");
  CHECK(RoundTrip("[1E2, 1e+2, 100.0]") == "[100.0,100.0,100.0]");
}

TEST_CASE("json: strings escape control characters and keep UTF-8") {
  CHECK(RoundTrip(R"("a\"b\\c\n\t\u0001é")") == "\"a\\\"b\\\\c\\n\\t\\u0001\xC3\xA9\"");
}

TEST_CASE("json: pretty layout") {
  Arena arena;
  Parser p;
  auto n = p.Parse(R"({"a":[1,{}],"b":{}})", arena);
  REQUIRE(n.ok());
  CHECK(ToPrettyJson(*n) == "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": {}\n}");
}

TEST_CASE("json: invalid input is an error naming the problem") {
  Arena arena;
  Parser p;
  auto n = p.Parse("{\"a\":", arena);
  REQUIRE_FALSE(n.ok());
  CHECK(n.status().Is(Code::kInvalidArgument));
  CHECK(n.status().message().find("invalid JSON") == 0);
  CHECK_FALSE(p.Parse("[1,]", arena).ok());
  CHECK_FALSE(p.Parse("\"\xff\"", arena).ok());
}

TEST_CASE("json: large documents parse") {
  std::string big = "[";
  for (int i = 0; i < 400000; ++i) {
    if (i)
      big += ',';
    big += R"({"id":)" + std::to_string(i) + R"(,"name":"a fairly long string value"})";
  }
  big += "]";
  REQUIRE(big.size() > 10'000'000);
  Arena arena;
  Parser p;
  auto n = p.Parse(big, arena);
  REQUIRE(n.ok());
  CHECK(n->size() == 400000);
  CHECK(ToJson(*n) == big);
}

TEST_CASE("json: clone into another arena is deep") {
  Parser p;
  std::string out;
  Node copy;
  Arena dst;
  {
    Arena src;
    auto n = p.Parse(R"({"k":["x",{"y":"z"}]})", src);
    REQUIRE(n.ok());
    copy = Clone(*n, dst);
  }
  CHECK(ToJson(copy) == R"({"k":["x",{"y":"z"}]})");
  CHECK(TapeLength(copy) == 5);
}

}  // namespace
}  // namespace flow::doc

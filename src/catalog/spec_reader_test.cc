// SPDX-License-Identifier: Apache-2.0
// catalog/spec_reader_test.cc: durations, RFC 3339 times and serde-style descriptions.
#include "catalog/spec_reader.h"

#include <doctest/doctest.h>

namespace flow::catalog {
namespace {

TEST_CASE("spec: durations") {
  using std::chrono::milliseconds;
  CHECK(*ParseDuration("24h") == milliseconds(24 * 3600 * 1000));
  CHECK(*ParseDuration("5m") == milliseconds(300000));
  CHECK(*ParseDuration("30s") == milliseconds(30000));
  CHECK(*ParseDuration("1h 30m") == milliseconds(5400000));
  CHECK(*ParseDuration("2d") == milliseconds(172800000));
  CHECK(*ParseDuration("250ms") == milliseconds(250));
  CHECK_FALSE(ParseDuration(""));
  CHECK_FALSE(ParseDuration("5"));
  CHECK_FALSE(ParseDuration("h"));
  CHECK_FALSE(ParseDuration("5 hours ago"));
  CHECK_FALSE(ParseDuration("-5m"));
}

TEST_CASE("spec: RFC 3339 date-times") {
  CHECK(*ParseRfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(*ParseRfc3339("1970-01-01T00:00:01.5Z") == 1500000000);
  CHECK(*ParseRfc3339("2024-02-29T10:00:00+02:00") == *ParseRfc3339("2024-02-29T08:00:00Z"));
  CHECK(*ParseRfc3339("2023-06-28t20:29:46.4945945z") > 0);
  CHECK_FALSE(ParseRfc3339("2023-02-29T00:00:00Z"));
  CHECK_FALSE(ParseRfc3339("2023-01-01"));
  CHECK_FALSE(ParseRfc3339("2023-01-01T25:00:00Z"));
  CHECK_FALSE(ParseRfc3339("2023-01-01T00:00:00"));
  CHECK_FALSE(ParseRfc3339("2023-01-01T00:00:00Zjunk"));
}

TEST_CASE("spec: values are described as serde does") {
  doc::Arena arena;
  CHECK(SpecReader::Describe(doc::Node::Int(5)) == "integer `5`");
  CHECK(SpecReader::Describe(doc::Node::Double(1.5)) == "floating point `1.5`");
  CHECK(SpecReader::Describe(doc::Node::String(arena, "x")) == "string \"x\"");
  CHECK(SpecReader::Describe(doc::Node::Bool(true)) == "boolean `true`");
  CHECK(SpecReader::Describe(doc::Node::Null()) == "null");
}

}  // namespace
}  // namespace flow::catalog

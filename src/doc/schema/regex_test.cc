// SPDX-License-Identifier: Apache-2.0
// doc/schema/regex_test.cc: ECMA-262 syntax and matching.
#include "doc/schema/regex.h"

#include <string>

#include <doctest/doctest.h>

namespace flow::doc::schema {
namespace {

bool Match(const char* pattern, const std::string& s) {
  auto re = Regex::Compile(pattern);
  REQUIRE_MESSAGE(re.ok(), re.status().ToString());
  return (*re)->Search(s);
}

TEST_CASE("regex: matching semantics") {
  CHECK(Match("a+", "xxaay"));
  CHECK_FALSE(Match("^a*$", "aab"));
  CHECK(Match("^a*$", ""));
  CHECK(Match("^[a-z]+-[0-9]{2,3}$", "abc-123"));
  CHECK_FALSE(Match("^[a-z]+-[0-9]{2,3}$", "abc-1234"));
  CHECK(Match("^\\p{Letter}+$", "π"));
  CHECK(Match("^\\p{L}+$", "Hello"));
  CHECK_FALSE(Match("^\\p{Letter}+$", "123"));
  CHECK(Match("^á", "ábc"));
  CHECK(Match("f.o", "foo"));
  CHECK_FALSE(Match("^.$", "\n"));
  CHECK(Match("^.$", "😀"));  // one code point, four bytes
  CHECK(Match("^\\d+$", "0123"));
  CHECK_FALSE(Match("^\\d+$", "١٢"));  // \d is ASCII only
  CHECK(Match("^\\w+\\s\\w+$", "hello\u00a0world"));
  CHECK(Match("\\bfoo\\b", "a foo b"));
  CHECK_FALSE(Match("\\bfoo\\b", "afoob"));
  CHECK(Match("^(?:ab|cd)*$", "abcdab"));
  CHECK(Match("^(a)\\1$", "aa"));
  CHECK_FALSE(Match("^(a)\\1$", "ab"));
  CHECK(Match("^(?<x>b)\\k<x>$", "bb"));
  CHECK(Match("foo(?=bar)", "foobar"));
  CHECK_FALSE(Match("foo(?=bar)", "foobaz"));
  CHECK(Match("foo(?!bar)", "foobaz"));
  CHECK(Match("(?<=a+)b", "aaab"));
  CHECK_FALSE(Match("(?<!a)b", "ab"));
  CHECK(Match("^a{2}$", "aa"));
  CHECK(Match("^a{2,}$", "aaaa"));
  CHECK(Match("^a+?$", "aaa"));
  CHECK(Match("[^]", "x"));
  CHECK_FALSE(Match("[]", "x"));
  CHECK(Match("^\\cA$", "\x01"));
  CHECK(Match("^\\u{1F600}$", "😀"));
  CHECK(Match("^\\uD83D\\uDE00$", "😀"));
  CHECK(Match("^[\\-a]+$", "-a-"));
  CHECK(Match("^(a*)*$", std::string(5000, 'a')));  // empty loops terminate
  // Catastrophic backtracking is avoided by memoization.
  CHECK_FALSE(Match("^(a+)+$", std::string(3000, 'a') + "!"));
}

TEST_CASE("regex: syntax errors") {
  for (const char* bad : {"^(abc]", "\\a", "(?P<name>x)", "(?#comment)a", "(?i)abc", "a**", "*a",
                          "[b-a]", "\\p{NoSuchProperty}", "(?<n>a)\\k<m>", "\\2(a)", "x{3,1}"}) {
    CAPTURE(bad);
    auto re = Regex::Compile(bad);
    CHECK_FALSE(re.ok());
  }
  auto re = Regex::Compile("^(abc]");
  CHECK(re.status().message().find("^(abc]") != std::string_view::npos);
}

}  // namespace
}  // namespace flow::doc::schema

// SPDX-License-Identifier: Apache-2.0
// catalog/yaml_loader_test.cc: scalar resolution, marks, merge keys, aliases and errors.
#include "catalog/yaml_loader.h"

#include <doctest/doctest.h>

#include "doc/json.h"

namespace flow::catalog {
namespace {

std::string Json(std::string_view yaml, bool merge = true) {
  doc::Arena arena;
  YamlOptions o;
  o.merge_keys = merge;
  YamlDocument d = ParseYaml(yaml, arena, o);
  if (d.error)
    return "error " + std::to_string(d.error->mark.line) + ":" +
           std::to_string(d.error->mark.column) + ": " + d.error->message;
  return doc::ToJson(d.root);
}

TEST_CASE("yaml: plain scalars resolve per the YAML 1.2 core schema") {
  CHECK(Json("[~, null, Null, NULL, , true, True, FALSE, yes, no, on]") ==
        R"([null,null,null,null,null,true,true,false,"yes","no","on"])");
  CHECK(Json("[0, 12, -7, +3, 0x1F, 0o17, 007, 18446744073709551615, -9223372036854775808]") ==
        "[0,12,-7,3,31,15,7,18446744073709551615,-9223372036854775808]");
  CHECK(Json("[1.5, -0.25, 1e3, .5, 2., 6.02E+23]") == "[1.5,-0.25,1000.0,0.5,2.0,6.02e23]");
  CHECK(Json("[.inf, -.Inf, .nan]") == "[null,null,null]");
  CHECK(Json("[18446744073709551616, -9223372036854775809]") ==
        "[18446744073709552000.0,-9223372036854776000.0]");
  CHECK(Json("[1.2.3, 12abc, 0x, '1', \"true\", !!str 5, !!float 2]") ==
        R"(["1.2.3","12abc","0x","1","true","5",2.0])");
}

TEST_CASE("yaml: an empty text is null; keys are strings") {
  CHECK(Json("") == "null");
  CHECK(Json("# only a comment\n") == "null");
  CHECK(Json("{1: a, true: b, ~: c}") == R"({"1":"a","null":"c","true":"b"})");
}

TEST_CASE("yaml: marks name the line and column of every node and key") {
  doc::Arena arena;
  YamlDocument d = ParseYaml("a:\n  b: [1, 2]\n  c: |\n    x\n", arena);
  REQUIRE_FALSE(d.error);
  const SourceMap::Entry* e = d.marks.Find("/a/b/1");
  REQUIRE(e != nullptr);
  CHECK(e->value.line == 2);
  CHECK(e->value.column == 10);
  CHECK(d.marks.KeyMark("/a/b").line == 2);
  CHECK(d.marks.KeyMark("/a/b").column == 3);
  CHECK(d.marks.Find("/a/c")->style == ScalarStyle::kLiteral);
  CHECK(d.marks.Find("/a/b/0")->style == ScalarStyle::kPlain);
  // Unknown pointers fall back to their nearest ancestor.
  CHECK(d.marks.ValueMark("/a/b/7/x").line == 2);
}

TEST_CASE("yaml: anchors and aliases expand; merge keys only when asked") {
  std::string_view y = "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n";
  CHECK(Json(y) == R"({"base":{"x":1,"y":2},"d":{"x":1,"y":3}})");
  CHECK(Json(y, /*merge=*/false) == R"({"base":{"x":1,"y":2},"d":{"<<":{"x":1,"y":2},"y":3}})");
  // With a list of merges the earlier mapping wins.
  CHECK(Json("a: &a {k: 1}\nb: &b {k: 2, j: 2}\nc: {<<: [*a, *b]}\n") ==
        R"({"a":{"k":1},"b":{"j":2,"k":2},"c":{"j":2,"k":1}})");
  CHECK(Json("l: &l [1, 2]\nm: *l\n") == R"({"l":[1,2],"m":[1,2]})");
  // A quoted "<<" is an ordinary key.
  CHECK(Json("a: {'<<': 1}") == R"({"a":{"<<":1}})");
  CHECK(Json("a: {<<: 5}").rfind("error 1:", 0) == 0);
}

TEST_CASE("yaml: errors carry the position of the problem") {
  CHECK(Json("a: 1\na: 2\n") == "error 2:1: duplicate key `a`");
  CHECK(Json("a: [1, 2\n").rfind("error ", 0) == 0);
  CHECK(Json("a: 1\n---\nb: 2\n").find("more than one document") != std::string::npos);
  CHECK(Json("? [a, b]\n: c\n") == "error 1:3: mapping keys must be strings");
}

TEST_CASE("yaml: alias bombs are bounded") {
  std::string y = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    y += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
         ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
         "]\n";
    prev = c;
  }
  doc::Arena arena;
  YamlOptions o;
  o.max_nodes = 100000;
  YamlDocument d = ParseYaml(y, arena, o);
  REQUIRE(d.error);
  CHECK(d.error->message == "document has too many nodes after expanding aliases");
}

}  // namespace
}  // namespace flow::catalog

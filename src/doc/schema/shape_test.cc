// SPDX-License-Identifier: Apache-2.0
// doc/schema/shape_test.cc: shape inference, Locate/Locations and inspections, on the
// cases of Flow's crates/doc/src/shape tests.
#include "doc/schema/shape.h"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "doc/json.h"

namespace flow::doc::schema {
namespace {

struct Fixture {
  Arena arena;
  Parser parser;
  std::vector<std::shared_ptr<const Schema>> schemas;  // shapes point into them

  Shape Infer(std::string_view json) {
    auto n = parser.Parse(json, arena);
    REQUIRE_MESSAGE(n.ok(), n.status().ToString());
    SchemaIndex index;
    REQUIRE(index.Add("http://example/schema", *n).ok());
    auto s = Schema::Compile(index, "http://example/schema");
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    schemas.push_back(*s);
    return InferShape(**s);
  }
};

// The first enum value of the shape at `ptr` as a string, or "<missing>".
std::pair<std::string, Exists> At(const Shape& s, const char* ptr) {
  auto p = Pointer::Parse(ptr);
  REQUIRE(p.ok());
  auto [shape, exists] = s.Locate(*p);
  std::string first = "<missing>";
  if (shape->enum_values && !shape->enum_values->empty()) {
    first = std::string((*shape->enum_values)[0].as_string());
  }
  return {first, exists};
}

TEST_CASE("shape: Locate and Locations (Flow's test_locate)") {
  Fixture f;
  Shape obj = f.Infer(R"({
    "type": "object",
    "properties": {
      "prop": {"const": "prop"},
      "parent": {
        "type": "object",
        "properties": {
          "opt-child": {"const": "opt-child"},
          "req-child": {"const": "req-child"},
          "40two": {"const": "forty-two"},
          "impossible": {"allOf": [{"type": "integer"}, {"type": "string"}]}
        },
        "required": ["req-child"]
      },
      "multi-type": {
        "type": ["object", "array"],
        "properties": {"child": {"const": "multi-type-child"}},
        "required": ["child"]
      },
      "1": {
        "type": "object",
        "properties": {"-": {"type": "object", "properties": {"2": {"const": "int-prop"}},
                             "required": ["2"]}},
        "required": ["-"]
      }
    },
    "required": ["parent", "1"],
    "patternProperties": {"pattern+": {"const": "pattern"}},
    "additionalProperties": {"const": "addl-prop"}
  })");
  using E = Exists;
  CHECK(At(obj, "/1/-/2") == std::pair<std::string, Exists>{"int-prop", E::kMust});
  CHECK(At(obj, "/prop") == std::pair<std::string, Exists>{"prop", E::kMay});
  CHECK(At(obj, "/missing") == std::pair<std::string, Exists>{"addl-prop", E::kMay});
  CHECK(At(obj, "/parent/opt-child") == std::pair<std::string, Exists>{"opt-child", E::kMay});
  CHECK(At(obj, "/parent/req-child") == std::pair<std::string, Exists>{"req-child", E::kMust});
  CHECK(At(obj, "/parent/missing") == std::pair<std::string, Exists>{"<missing>", E::kImplicit});
  CHECK(At(obj, "/parent/40two") == std::pair<std::string, Exists>{"forty-two", E::kMay});
  CHECK(At(obj, "/parent/impossible") == std::pair<std::string, Exists>{"<missing>", E::kCannot});
  CHECK(At(obj, "/pattern") == std::pair<std::string, Exists>{"pattern", E::kMay});
  CHECK(At(obj, "/patternnnnnn") == std::pair<std::string, Exists>{"pattern", E::kMay});
  CHECK(At(obj, "/123") == std::pair<std::string, Exists>{"addl-prop", E::kMay});
  CHECK(At(obj, "/-") == std::pair<std::string, Exists>{"addl-prop", E::kMay});

  Shape arr1 = f.Infer(R"({
    "type": "array", "minItems": 2, "maxItems": 10,
    "items": [{"const": "zero"}, {"const": "one"}, {"const": "two"}],
    "additionalItems": {"const": "addl-item"}
  })");
  CHECK(At(arr1, "/0") == std::pair<std::string, Exists>{"zero", E::kMust});
  CHECK(At(arr1, "/1") == std::pair<std::string, Exists>{"one", E::kMust});
  CHECK(At(arr1, "/2") == std::pair<std::string, Exists>{"two", E::kMay});
  CHECK(At(arr1, "/3") == std::pair<std::string, Exists>{"addl-item", E::kMay});
  CHECK(At(arr1, "/9") == std::pair<std::string, Exists>{"addl-item", E::kMay});
  CHECK(At(arr1, "/10") == std::pair<std::string, Exists>{"addl-item", E::kCannot});
  CHECK(At(arr1, "/-") == std::pair<std::string, Exists>{"addl-item", E::kCannot});

  Shape arr2 = f.Infer(R"({"type": "array", "prefixItems": [{"const": "0"}, {"const": "1"}]})");
  CHECK(At(arr2, "/0") == std::pair<std::string, Exists>{"0", E::kMay});
  CHECK(At(arr2, "/1") == std::pair<std::string, Exists>{"1", E::kMay});
  CHECK(At(arr2, "/123") == std::pair<std::string, Exists>{"<missing>", E::kImplicit});
  CHECK(At(arr2, "/not-an-index") == std::pair<std::string, Exists>{"<missing>", E::kCannot});
  CHECK(At(arr2, "/-") == std::pair<std::string, Exists>{"<missing>", E::kCannot});

  std::vector<std::string> got;
  for (const auto& l : obj.Locations()) {
    got.push_back(fmt::format("{} {} {} {}", l.pointer, l.pattern, TypeSetString(l.shape->types),
                              ExistsName(l.exists)));
  }
  std::vector<std::string> want = {
      R"( false "object" must)",
      R"(/1 false "object" must)",
      R"(/1/- false "object" must)",
      R"(/1/-/2 false "string" must)",
      R"(/multi-type false "array", "object" may)",
      R"(/multi-type/child false "string" may)",
      R"(/parent false "object" must)",
      R"(/parent/40two false "string" may)",
      R"(/parent/impossible false  cannot)",
      R"(/parent/opt-child false "string" may)",
      R"(/parent/req-child false "string" must)",
      R"(/prop false "string" may)",
      R"(/pattern+ true "string" may)",
      R"(/* true "string" may)",
  };
  CHECK(got == want);

  got.clear();
  for (const auto& l : arr1.Locations()) {
    got.push_back(fmt::format("{} {} {} {}", l.pointer, l.pattern, TypeSetString(l.shape->types),
                              ExistsName(l.exists)));
  }
  CHECK(got == std::vector<std::string>{R"( false "array" must)", R"(/0 false "string" must)",
                                        R"(/1 false "string" must)", R"(/2 false "string" may)",
                                        R"(/- true "string" may)"});
}

TEST_CASE("shape: inspections (Flow's test_error_collection)") {
  Fixture f;
  Shape obj = f.Infer(R"({
    "type": "object",
    "reduce": {"strategy": "merge"},
    "redact": {"strategy": "block"},
    "properties": {
      "sum-right-type": {"reduce": {"strategy": "sum"}, "type": ["number", "string"], "format": "integer"},
      "sum-wrong-type": {"reduce": {"strategy": "sum"}, "type": ["number", "string"]},
      "must-exist-but-cannot": false,
      "may-not-exist": false,
      "redact-sha256-on-number": {"type": "number", "redact": {"strategy": "sha256"}},
      "redact-sha256-on-object": {"type": "object", "redact": {"strategy": "sha256"}},
      "redact-block-nested-optional": {"type": "string", "redact": {"strategy": "block"}},
      "redact-block-nested-required": {"type": "string", "redact": {"strategy": "block"}},
      "nested-obj-or-string": {
        "type": ["object", "string"],
        "properties": {"must-exist-and-cannot-but-parent-could-be-string": false},
        "required": ["must-exist-and-cannot-but-parent-could-be-string"]
      },
      "nested-array": {"type": "array", "items": [true, false, false], "minItems": 2},
      "nested-array-or-string": {"oneOf": [{"$ref": "#/properties/nested-array"}, {"type": "string"}]}
    },
    "patternProperties": {"merge-wrong-type": {"reduce": {"strategy": "merge"}, "type": "boolean"}},
    "required": ["must-exist-but-cannot", "nested-obj-or-string", "nested-array",
                 "nested-array-or-string", "redact-block-nested-required"],
    "additionalProperties": {
      "type": "object",
      "properties": {"nested-sum": {"reduce": {"strategy": "sum"}, "type": "integer"}}
    },
    "items": [{"reduce": {"strategy": "set"}}],
    "additionalItems": {
      "type": "object",
      "properties": {"add": true, "intersect": true, "whoops1": true},
      "patternProperties": {"remove": true, "whoops2": true},
      "reduce": {"strategy": "set"}
    }
  })");
  std::vector<std::string> want = {
      "`block` redact strategy cannot be applied at '' because it must exist",
      R"(/0 has 'set' reduction strategy, restricted to objects, but has types "array", "boolean", "null", "number", "object", "string")",
      "/-/whoops1 location's parent has 'set' reduction strategy, restricted to "
      "'add'/'remove'/'intersect' properties",
      "/-/whoops2 location's parent has 'set' reduction strategy, restricted to "
      "'add'/'remove'/'intersect' properties",
      "'/must-exist-but-cannot' must exist, but is constrained to always be invalid",
      "'/nested-array/1' must exist, but is constrained to always be invalid",
      "`block` redact strategy cannot be applied at '/redact-block-nested-required' because it "
      "must exist",
      R"(/redact-sha256-on-number has 'sha256' redact strategy but cannot be a string (types are "number"))",
      R"(/redact-sha256-on-object has 'sha256' redact strategy but cannot be a string (types are "object"))",
      R"(/sum-wrong-type has 'sum' reduction strategy (restricted to integers, numbers and strings with `format: integer` or `format: number`) but has types "string")",
      R"(/merge-wrong-type has 'merge' reduction strategy, restricted to objects & arrays, but has types "boolean")",
      "'/*/nested-sum' has reduction strategy, but its parent does not",
  };
  CHECK(obj.Inspect() == want);
}

TEST_CASE("shape: scalar annotations through allOf, anyOf, oneOf and $ref") {
  Fixture f;
  for (const char* schema : {
           R"({"type": ["string", "array"], "title": "a-title", "description": "a-description",
               "reduce": {"strategy": "firstWriteWins"}, "contentEncoding": "base64",
               "contentMediaType": "some/thing", "default": "john.doe@gmail.com",
               "format": "email", "secret": true})",
           R"({"$defs": {"aDef": {"type": ["string", "array"], "secret": true}},
               "allOf": [{"title": "a-title"}, {"description": "a-description"},
                         {"reduce": {"strategy": "firstWriteWins"}}, {"default": "john.doe@gmail.com"}],
               "anyOf": [{"contentEncoding": "base64"}, {"type": "object"}],
               "oneOf": [{"contentMediaType": "some/thing"}, {"type": "null"}],
               "$ref": "#/$defs/aDef", "format": "email"})",
       }) {
    CAPTURE(schema);
    Shape s = f.Infer(schema);
    CHECK(s.types == (kTypeString | kTypeArray));
    CHECK(s.title == "a-title");
    CHECK(s.description == "a-description");
    REQUIRE(s.reduction == Shape::Reduction::kStrategy);
    CHECK(s.reduce->strategy == Strategy::kFirstWriteWins);
    REQUIRE(s.default_value.has_value());
    CHECK(s.default_value->as_string() == "john.doe@gmail.com");
    CHECK_FALSE(s.default_error.has_value());
    CHECK(s.secret == true);
    CHECK(s.content_encoding == "base64");
    CHECK(s.content_media_type == "some/thing");
    CHECK(s.format == "email");
  }
}

TEST_CASE("shape: reductions through unions") {
  Fixture f;
  for (
      const char* schema : {
          R"({"oneOf": [{"reduce": {"strategy": "firstWriteWins"}}, {"reduce": {"strategy": "firstWriteWins"}}]})",
          R"({"if": true, "then": {"reduce": {"strategy": "firstWriteWins"}}, "else": {"reduce": {"strategy": "firstWriteWins"}}})",
      }) {
    Shape s = f.Infer(schema);
    CHECK(s.reduction == Shape::Reduction::kStrategy);
  }
  for (
      const char* schema : {
          R"({"anyOf": [{"reduce": {"strategy": "firstWriteWins"}}, {"reduce": {"strategy": "lastWriteWins"}}]})",
          R"({"if": true, "then": {"reduce": {"strategy": "firstWriteWins"}}, "else": {"reduce": {"strategy": "lastWriteWins"}}})",
      }) {
    CHECK(f.Infer(schema).reduction == Shape::Reduction::kMultiple);
  }
  CHECK(f.Infer(R"({"oneOf": [{"reduce": {"strategy": "firstWriteWins"}}, {}]})").reduction ==
        Shape::Reduction::kUnset);
}

TEST_CASE("shape: enums, string bounds and format widening") {
  Fixture f;
  CHECK(f.Infer(R"({"enum": ["b", 42, "a"]})").types == (kTypeString | kTypeInteger));
  CHECK(f.Infer(R"({"enum": ["b", 42.3, "a"]})").types == (kTypeString | kTypeFractional));
  CHECK(f.Infer(R"({"anyOf": [{"const": 42}, {"const": "fifty"}]})").types ==
        (kTypeInteger | kTypeString));
  CHECK(f.Infer(R"({"allOf": [{"const": 42}, {"const": 52}]})").types == kTypeInvalid);
  for (
      const char* schema : {
          R"({"type": "string", "enum": ["b", 42, "a"]})",
          R"({"allOf": [{"type": "string"}, {"enum": ["a", 42, "b"]}]})",
          R"({"type": "string", "anyOf": [{"const": "a"}, {"const": 42}, {"const": "b"}]})",
          R"({"allOf": [{"enum": ["a", 1, "b", 2]}, {"type": "string", "enum": ["e", "b", "f", "a"]}]})",
      }) {
    CAPTURE(schema);
    Shape s = f.Infer(schema);
    CHECK(s.types == kTypeString);
    REQUIRE(s.enum_values.has_value());
    REQUIRE(s.enum_values->size() == 2);
    CHECK((*s.enum_values)[0].as_string() == "a");
    CHECK((*s.enum_values)[1].as_string() == "b");
  }
  for (const char* schema : {
           R"({"type": "string", "minLength": 3, "maxLength": 33, "format": "number"})",
           R"({"oneOf": [{"type": "string", "minLength": 19, "maxLength": 20, "format": "integer"},
                         {"type": "string", "minLength": 3, "maxLength": 20, "format": "number"},
                         {"type": "string", "minLength": 20, "maxLength": 33, "format": "integer"}]})",
           R"({"allOf": [{"type": "string", "maxLength": 60},
                         {"type": "string", "minLength": 3, "maxLength": 78, "format": "number"},
                         {"type": "string", "minLength": 2, "maxLength": 33}]})",
       }) {
    CAPTURE(schema);
    Shape s = f.Infer(schema);
    CHECK(s.types == kTypeString);
    CHECK(s.min_length == 3);
    CHECK(s.max_length == 33u);
    CHECK(s.format == "number");
  }
}

TEST_CASE("shape: patterns apply to named properties; required imputes additionalProperties") {
  Fixture f;
  Shape s = f.Infer(R"({
    "$defs": {"isReq": {"required": ["bar"]}},
    "$ref": "#/$defs/isReq",
    "allOf": [
      {"properties": {"foo": {"enum": ["dropped", "b"]}}},
      {"properties": {"bar": {"enum": [1, "c", 2]}}},
      {"properties": {"bar": {"enum": ["c", 3, 4]}}},
      {"patternProperties": {"fo.+": {"enum": ["dropped", "a", "b"]}}},
      {"patternProperties": {"fo.+": {"enum": ["b", "c"]}}}
    ]})");
  REQUIRE(s.properties.size() == 2);
  CHECK(s.properties[0].name == "bar");
  CHECK(s.properties[0].required);
  REQUIRE(s.properties[0].shape->enum_values->size() == 1);
  CHECK((*s.properties[0].shape->enum_values)[0].as_string() == "c");
  CHECK(s.properties[1].name == "foo");
  CHECK_FALSE(s.properties[1].required);
  REQUIRE(s.properties[1].shape->enum_values->size() == 1);
  CHECK((*s.properties[1].shape->enum_values)[0].as_string() == "b");

  Shape k = f.Infer(
      R"({"type": "object", "required": ["id"], "additionalProperties": {"type": "integer"}})");
  auto [id, exists] = k.Locate(*Pointer::Parse("/id"));
  CHECK(id->types == kTypeInteger);
  CHECK(exists == Exists::kMust);
}

TEST_CASE("shape: invalid defaults are reported by Inspect") {
  Fixture f;
  Shape s =
      f.Infer(R"({"type": "object", "properties": {"n": {"type": "integer", "default": "x"}}})");
  CHECK(s.Inspect() == std::vector<std::string>{
                           R"(/n default value is invalid: "": "x" is not of type "integer")"});
}

}  // namespace
}  // namespace flow::doc::schema

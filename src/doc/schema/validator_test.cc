// SPDX-License-Identifier: Apache-2.0
// doc/schema/validator_test.cc: annotations on the tape, error messages, compile errors.
#include "doc/schema/validator.h"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "doc/json.h"

namespace flow::doc::schema {
namespace {

struct Fixture {
  Arena arena;
  Parser parser;
  SchemaIndex index;

  Node Json(std::string_view text) {
    auto n = parser.Parse(text, arena);
    REQUIRE_MESSAGE(n.ok(), n.status().ToString());
    return *n;
  }
  std::shared_ptr<const Schema> Compile(std::string_view schema, const CompileOptions& o = {}) {
    REQUIRE(index.Add("http://example/schema.json", Json(schema)).ok());
    auto s = Schema::Compile(index, "http://example/schema.json", o);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    return *s;
  }
  Status CompileError(std::string_view schema) {
    Status added = index.Add("http://example/schema.json", Json(schema));
    if (!added.ok())
      return added;
    auto s = Schema::Compile(index, "http://example/schema.json");
    REQUIRE_FALSE(s.ok());
    return s.status();
  }
};

// The tape's strategies in pre-order, "-" for no annotation.
std::vector<std::string> Strategies(const Tape& tape) {
  std::vector<std::string> out;
  for (const TapeEntry& e : tape) {
    out.emplace_back(e.reduce ? std::string(StrategyName(e.reduce->strategy)) : "-");
  }
  return out;
}

using V = std::vector<std::string>;

TEST_CASE("annotations: reset_counter selects strategies through oneOf (spec 3.4)") {
  Fixture f;
  auto schema = f.Compile(R"({
    "type": "object",
    "properties": {"key": {"type": "string"}, "value": {"type": "number"}},
    "required": ["key"],
    "oneOf": [
      {"properties": {"action": {"const": "reset"}}, "reduce": {"strategy": "lastWriteWins"}},
      {"properties": {"action": {"const": "sum", "reduce": {"strategy": "firstWriteWins"}},
                      "value": {"reduce": {"strategy": "sum"}}},
       "reduce": {"strategy": "merge"}}
    ]})");
  CHECK(schema->has_reduce());
  Validator v(schema);
  Tape tape;
  // Fields in sorted order: action, key, value.
  REQUIRE(v.Validate(f.Json(R"({"key":"k","action":"sum","value":5})"), &tape, nullptr));
  CHECK(Strategies(tape) == V{"merge", "firstWriteWins", "-", "sum"});
  CHECK(tape[0].length == 4);
  REQUIRE(v.Validate(f.Json(R"({"key":"k","action":"reset","value":0})"), &tape, nullptr));
  CHECK(Strategies(tape) == V{"lastWriteWins", "-", "-", "-"});
  // Neither branch: invalid, and the tape is not the point.
  std::vector<Error> errors;
  CHECK_FALSE(v.Validate(f.Json(R"({"key":"k","action":"other"})"), &tape, &errors));
  REQUIRE(!errors.empty());
  CHECK(errors[0].message == R"({"action":"other","key":"k"} does not match any schema of oneOf)");
  CHECK(errors[0].schema == "http://example/schema.json#/oneOf");
}

TEST_CASE("annotations: failed anyOf branches are dropped, all matching ones kept") {
  Fixture f;
  auto schema = f.Compile(R"({
    "reduce": {"strategy": "merge"},
    "properties": {"a": {"anyOf": [
      {"type": "integer", "reduce": {"strategy": "sum"}},
      {"type": "string", "reduce": {"strategy": "firstWriteWins"}},
      {"type": "number", "minimum": 0, "reduce": {"strategy": "maximize"}}
    ]}}})");
  Validator v(schema);
  Tape tape;
  REQUIRE(v.Validate(f.Json(R"({"a":"x"})"), &tape, nullptr));
  CHECK(Strategies(tape) == V{"merge", "firstWriteWins"});
  // Branches 1 and 3 match; the last emitted wins.
  REQUIRE(v.Validate(f.Json(R"({"a":3})"), &tape, nullptr));
  CHECK(Strategies(tape) == V{"merge", "maximize"});
  REQUIRE(v.Validate(f.Json(R"({"a":-3})"), &tape, nullptr));
  CHECK(Strategies(tape) == V{"merge", "sum"});
  REQUIRE(v.Validate(f.Json(R"({"a":2.5})"), &tape, nullptr));
  CHECK(Strategies(tape) == V{"merge", "maximize"});
}

TEST_CASE("annotations: if/then/else, not and contains") {
  Fixture f;
  auto schema = f.Compile(R"({
    "reduce": {"strategy": "merge"},
    "properties": {
      "c": {
        "if": {"type": "integer", "reduce": {"strategy": "minimize"}},
        "then": {"reduce": {"strategy": "sum"}},
        "else": {"reduce": {"strategy": "lastWriteWins"}}
      },
      "n": {"not": {"type": "string", "reduce": {"strategy": "sum"}}},
      "i": {"if": {"type": "integer", "reduce": {"strategy": "sum"}}},
      "arr": {"reduce": {"strategy": "append"},
              "contains": {"type": "integer", "reduce": {"strategy": "sum"}}}
    }})");
  Validator v(schema);
  Tape tape;
  // Sorted fields: arr, c, i, n. arr holds [1, "x", 2].
  REQUIRE(v.Validate(f.Json(R"({"c":1,"n":1,"i":"s","arr":[1,"x",2]})"), &tape, nullptr));
  // The met `if` keeps its own annotation, then `then` is emitted after it.
  CHECK(Strategies(tape) == V{"merge", "append", "sum", "-", "sum", "sum", "-", "-"});
  REQUIRE(v.Validate(f.Json(R"({"c":"x","i":2})"), &tape, nullptr));
  CHECK(Strategies(tape) == V{"merge", "lastWriteWins", "sum"});
  CHECK(tape[0].length == 3);
}

TEST_CASE("annotations: $ref, $anchor, own annotation first then applicators") {
  Fixture f;
  auto schema = f.Compile(R"({
    "reduce": {"strategy": "merge"},
    "$defs": {
      "counter": {"$anchor": "Counter", "type": "integer", "reduce": {"strategy": "sum"}},
      "tags": {"type": "array", "items": {"$ref": "#Counter"}, "reduce": {"strategy": "merge"}}
    },
    "properties": {
      "n": {"$ref": "#/$defs/counter"},
      "t": {"$ref": "#/$defs/tags"},
      "o": {"reduce": {"strategy": "maximize"}, "allOf": [{"reduce": {"strategy": "minimize"}}]}
    },
    "additionalProperties": {"reduce": {"strategy": "firstWriteWins"}}
  })");
  Validator v(schema);
  Tape tape;
  // Sorted: n, o, t (t = [1, 2]), z.
  REQUIRE(v.Validate(f.Json(R"({"t":[1,2],"n":3,"o":0,"z":{"q":1}})"), &tape, nullptr));
  CHECK(Strategies(tape) ==
        V{"merge", "sum", "minimize", "merge", "sum", "sum", "firstWriteWins", "-"});
  CHECK(tape[0].length == 8);
  CHECK(tape[3].length == 3);
  CHECK(tape[6].length == 2);
}

TEST_CASE("annotations: a schema without reduce leaves the tape empty of strategies") {
  Fixture f;
  auto schema = f.Compile(R"({"type": "object", "properties": {"a": {"type": "array"}}})");
  CHECK_FALSE(schema->has_reduce());
  Validator v(schema);
  Tape tape;
  REQUIRE(v.Validate(f.Json(R"({"a":[1,[2,3]],"b":{"c":null}})"), &tape, nullptr));
  CHECK(Strategies(tape) == V{"-", "-", "-", "-", "-", "-", "-", "-"});
  std::vector<uint32_t> lengths;
  for (const TapeEntry& e : tape)
    lengths.push_back(e.length);
  CHECK(lengths == std::vector<uint32_t>{8, 5, 1, 3, 1, 1, 2, 1});
}

TEST_CASE("errors: basic output with instance pointers and keyword locations") {
  Fixture f;
  auto schema = f.Compile(R"({
    "type": "object",
    "required": ["id", "price"],
    "additionalProperties": false,
    "properties": {
      "id": {"type": "integer", "minimum": 0},
      "price": {"type": "integer"},
      "kind": {"enum": ["a", "b"]},
      "name": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
      "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
      "when": {"type": "string", "format": "date-time"}
    }})");
  Validator v(schema);
  std::vector<Error> errors;
  Tape tape;
  CHECK_FALSE(v.Validate(f.Json(R"({"id":-1,"price":12.5,"kind":"c","name":"X","tags":["a",1,"a"],
                                    "when":"yesterday","extra":true})"),
                         &tape, &errors));
  std::vector<std::string> got;
  for (const Error& e : errors)
    got.push_back(e.ToString());
  std::vector<std::string> want = {
      R"("/extra": unexpected property "extra" (additionalProperties is false))",
      R"("/id": -1 is less than the minimum of 0)",
      R"("/kind": "c" is not one of ["a", "b"])",
      R"("/name": "X" has 1 character, fewer than the minLength of 2)",
      R"("/name": "X" does not match the pattern "^[a-z]+$")",
      R"("/price": 12.5 is not of type "integer")",
      R"("/tags": array items 0 and 2 are equal, but uniqueItems is true)",
      R"("/tags/1": 1 is not of type "string")",
      R"("/when": "yesterday" is not a valid "date-time" (format))",
  };
  CHECK(got == want);
  REQUIRE(errors.size() == want.size());
  CHECK(errors[0].instance == "/extra");
  CHECK(errors[0].schema == "http://example/schema.json#/additionalProperties");
  CHECK(errors[5].schema == "http://example/schema.json#/properties/price/type");

  errors.clear();
  CHECK_FALSE(v.Validate(f.Json(R"({"price":1})"), nullptr, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].ToString() == R"("": missing required property "id")");
  CHECK(errors[0].schema == "http://example/schema.json#/required");

  v.set_max_errors(2);
  errors.clear();
  CHECK_FALSE(v.Validate(f.Json(R"({"id":"1","price":"2","kind":3})"), nullptr, &errors));
  CHECK(errors.size() == 2);
}

TEST_CASE("errors: anyOf lists the failure of each branch after its summary") {
  Fixture f;
  auto schema = f.Compile(R"({"anyOf": [{"type": "string"}, {"type": "integer", "maximum": 3}]})");
  Validator v(schema);
  std::vector<Error> errors;
  CHECK_FALSE(v.Validate(f.Json("7"), nullptr, &errors));
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].message == "7 does not match any schema of anyOf");
  CHECK(errors[1].message == R"(7 is not of type "string")");
  CHECK(errors[2].message == "7 is greater than the maximum of 3");
  CHECK(errors[2].schema == "http://example/schema.json#/anyOf/1/maximum");
  errors.clear();
  CHECK(v.Validate(f.Json("2"), nullptr, &errors));
  CHECK(errors.empty());
}

TEST_CASE("compile errors name the schema location") {
  SUBCASE("invalid reduce") {
    Fixture f;
    Status s = f.CompileError(R"({"properties": {"a": {"reduce": {"strategy": "nope"}}}})");
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message().starts_with(
        "http://example/schema.json#/properties/a/reduce: unknown reduce strategy \"nope\""));
  }
  SUBCASE("unresolved $ref") {
    Fixture f;
    Status s = f.CompileError(R"({"items": {"$ref": "other.json#/$defs/x"}})");
    CHECK(
        s.message().starts_with("http://example/schema.json#/items/$ref: cannot resolve reference "
                                "http://example/other.json#/$defs/x"));
    CHECK(f.index.MissingReferences() == std::vector<std::string>{"http://example/other.json"});
  }
  SUBCASE("dangling pointer") {
    Fixture f;
    Status s = f.CompileError(R"({"$ref": "#/$defs/nope"})");
    CHECK(s.message().find("no such location") != std::string_view::npos);
  }
  SUBCASE("unknown keyword (Flow rejects them)") {
    Fixture f;
    Status s = f.CompileError(R"({"properties": {"a": {"tpye": "string"}}})");
    CHECK(s.message() == "http://example/schema.json#/properties/a: unexpected keyword 'tpye'");
  }
  SUBCASE("bad keyword values") {
    Fixture f;
    CHECK(f.CompileError(R"({"type": "strin"})").message() ==
          "http://example/schema.json#/type: invalid type name 'strin'");
    Fixture g;
    CHECK(
        g.CompileError(R"({"minLength": -1})")
            .message()
            .starts_with("http://example/schema.json#/minLength: expected a non-negative integer"));
    Fixture h;
    CHECK(h.CompileError(R"({"pattern": "(a"})")
              .message()
              .starts_with("http://example/schema.json#/pattern: invalid regular expression /(a/"));
  }
  SUBCASE("flow annotations and x- keywords are accepted") {
    Fixture f;
    f.Compile(R"({"title": "t", "secret": true, "airbyte_secret": true, "multiline": true,
                  "advanced": true, "order": 1, "discriminator": {"propertyName": "k"},
                  "x-anything": [1], "X-Other": {}, "redact": {"strategy": "block"},
                  "contentEncoding": "base64", "contentMediaType": "text/plain",
                  "examples": [1], "default": 1, "$comment": "c", "deprecated": false})");
  }
  SUBCASE("unknown keywords may be allowed") {
    Fixture f;
    CompileOptions o;
    o.allow_unknown_keywords = true;
    auto schema = f.Compile(R"({"tpye": "string"})", o);
    Validator v(schema);
    CHECK(v.Validate(f.Json("1"), nullptr, nullptr));
  }
}

TEST_CASE("index: catalog documents with inline schemas and anchors") {
  Fixture f;
  Node catalog = f.Json(R"({
    "collections": {
      "acmeCo/a": {"schema": {"$anchor": "Thing", "type": "object",
                              "properties": {"n": {"$ref": "#/definitions/n"}}}},
      "acmeCo/b": {"schema": {"$ref": "#Thing"}}
    },
    "definitions": {"n": {"type": "integer"}}
  })");
  REQUIRE(
      f.index
          .Add("file:///dir/flow.yaml", catalog,
               {"/collections/acmeCo~1a/schema", "/collections/acmeCo~1b/schema", "/definitions/n"})
          .ok());
  auto schema = Schema::Compile(f.index, "file:///dir/flow.yaml#/collections/acmeCo~1b/schema");
  REQUIRE_MESSAGE(schema.ok(), schema.status().ToString());
  CHECK((*schema)->uri() == "file:///dir/flow.yaml#/collections/acmeCo~1b/schema");
  Validator v(*schema);
  std::vector<Error> errors;
  CHECK(v.Validate(f.Json(R"({"n":1})"), nullptr, nullptr));
  CHECK_FALSE(v.Validate(f.Json(R"({"n":"x"})"), nullptr, &errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].schema == "file:///dir/flow.yaml#/definitions/n/type");
}

TEST_CASE("index: duplicate identifiers and relative URIs are rejected") {
  Fixture f;
  CHECK_FALSE(f.index.Add("relative.json", f.Json("{}")).ok());
  REQUIRE(f.index.Add("http://x/a.json", f.Json(R"({"$defs": {"b": {"$id": "b.json"}}})")).ok());
  Status s = f.index.Add("http://x/b.json", f.Json("{}"));
  CHECK_FALSE(s.ok());
  CHECK(f.index.Contains("http://x/b.json#/whatever"));
}

}  // namespace
}  // namespace flow::doc::schema

// SPDX-License-Identifier: Apache-2.0
// doc/reduce/vectors_test.cc: every reduction test vector of spec §3.2 and §3.3, run
// through the real schema validator (conditionals select strategies per document).
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "doc/compare.h"
#include "doc/json.h"
#include "doc/reduce/reduce.h"
#include "doc/schema/validator.h"

namespace flow::doc::reduce {
namespace {

struct Case {
  bool full;
  std::string rhs;
  std::string expect;  ///< a JSON document, or the error message prefixed "error: "
};
Case P(std::string rhs, std::string expect) {
  return {false, std::move(rhs), std::move(expect)};
}
Case F(std::string rhs, std::string expect) {
  return {true, std::move(rhs), std::move(expect)};
}

// Reduces each case's RHS into the running LHS, as Flow's run_reduce_cases: the first
// document is taken as is, and after an error the LHS is unchanged.
void RunCases(std::string_view schema_json, const std::vector<Case>& cases) {
  Arena arena;
  Parser parser;
  auto schema_doc = parser.Parse(schema_json, arena);
  REQUIRE_MESSAGE(schema_doc.ok(), schema_doc.status().ToString());
  schema::SchemaIndex index;
  REQUIRE(index.Add("http://example/schema", *schema_doc).ok());
  auto schema = schema::Schema::Compile(index, "http://example/schema");
  REQUIRE_MESSAGE(schema.ok(), schema.status().ToString());
  schema::Validator validator(*schema);

  std::optional<Node> lhs;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    INFO("case ", i, ": ", c.rhs);
    auto rhs = parser.Parse(c.rhs, arena);
    REQUIRE(rhs.ok());
    Tape tape;
    std::vector<schema::Error> errors;
    REQUIRE_MESSAGE(validator.Validate(*rhs, &tape, &errors),
                    (errors.empty() ? "" : errors[0].ToString()));
    Result<Node> reduced = lhs ? Reduce(*lhs, *rhs, tape, arena, c.full) : Result<Node>(*rhs);
    if (c.expect.rfind("error: ", 0) == 0) {
      REQUIRE_FALSE(reduced.ok());
      CHECK(reduced.status().code() == Code::kInvalidArgument);
      CHECK(std::string(reduced.status().message()) == c.expect.substr(7));
      continue;
    }
    REQUIRE_MESSAGE(reduced.ok(), reduced.status().ToString());
    auto expect = parser.Parse(c.expect, arena);
    REQUIRE(expect.ok());
    INFO("reduced: ", ToJson(*reduced), " expected: ", ToJson(*expect));
    CHECK(Equal(*reduced, *expect));
    lhs = *reduced;
  }
}

// The text a value prints as inside an error (our canonical JSON).
std::string J(std::string_view json) {
  Arena arena;
  Parser parser;
  auto n = parser.Parse(json, arena);
  REQUIRE(n.ok());
  return ToJson(*n);
}

TEST_CASE("reduce vectors: append") {
  RunCases(
      R"({"if": {"type": "null"}, "then": {"reduce": {"strategy": "lastWriteWins"}},
               "else": {"reduce": {"strategy": "append"}}})",
      {
          P("[]", "[]"),
          P(R"("whoops")",
            R"(error: having values LHS: [], RHS: "whoops": while reducing "": 'append' strategy expects arrays)"),
          P("[0, 1]", "[0, 1]"),
          P("[2, 3, 4]", "[0, 1, 2, 3, 4]"),
          P(R"([-1, "a"])", R"([0, 1, 2, 3, 4, -1, "a"])"),
          P("{}",
            R"(error: having values LHS: [0,1,2,3,4,-1,"a"], RHS: {}: while reducing "": 'append' strategy expects arrays)"),
          P("null", "null"),
          P("[5, 6, 4]", "null"),
      });
}

TEST_CASE("reduce vectors: lastWriteWins") {
  RunCases("true", {
                       P(R"("foo")", R"("foo")"),
                       P(R"({"n": 42})", R"({"n": 42})"),
                       P("null", "null"),
                   });
}

TEST_CASE("reduce vectors: firstWriteWins") {
  RunCases(R"({"reduce": {"strategy": "firstWriteWins"}})", {
                                                                P(R"("foo")", R"("foo")"),
                                                                P(R"({"n": 42})", R"("foo")"),
                                                                P("null", R"("foo")"),
                                                            });
}

TEST_CASE("reduce vectors: minimize and maximize") {
  RunCases(R"({"reduce": {"strategy": "minimize"}})",
           {P("3", "3"), P("4", "3"), P("3", "3"), P("2", "2")});
  RunCases(R"({"reduce": {"strategy": "maximize"}})",
           {P("3", "3"), P("4", "4"), P("4", "4"), P("2", "4")});
}

TEST_CASE("reduce vectors: minimize with a key deep-merges ties") {
  RunCases(
      R"({"properties": {"n": {"reduce": {"strategy": "sum"}}},
          "reduce": {"strategy": "minimize", "key": ["/k"]}})",
      {
          P(R"({"k": 3, "n": 1})", R"({"k": 3, "n": 1})"),
          P(R"({"k": 4, "n": 1})", R"({"k": 3, "n": 1})"),
          P(R"({"k": 3, "n": 1, "!": true})", R"({"k": 3, "n": 2, "!": true})"),
          P(R"({"k": 4, "n": 1, "!": false})", R"({"k": 3, "n": 2, "!": true})"),
          P(R"({"k": 3, "n": 1})", R"({"k": 3, "n": 3, "!": true})"),
          P(R"({"k": 2, "n": 1})", R"({"k": 2, "n": 1})"),
          // null orders before an integer.
          P(R"({"k": null, "n": -1})", R"({"k": null, "n": -1})"),
          // A missing key orders before null.
          P(R"({"n": 1, "whoops": true})", R"({"n": 1, "whoops": true})"),
          // Both keys are missing, so they tie and a deep merge is attempted.
          P("42",
            R"(error: having values LHS: {"n":1,"whoops":true}, RHS: 42: while reducing "": 'merge' strategy expects objects or arrays)"),
      });
}

TEST_CASE("reduce vectors: maximize with a key deep-merges ties") {
  RunCases(
      R"({"items": [{"reduce": {"strategy": "sum"}}, {"type": "integer"}],
          "reduce": {"strategy": "maximize", "key": ["/1"]}})",
      {
          P("[1, 3]", "[1, 3]"),
          P("[1, 4]", "[1, 4]"),
          P("[1, 3]", "[1, 4]"),
          P(R"([1, 4, "."])", R"([2, 4, "."])"),
          P(R"({"1": 4})",
            R"(error: having values LHS: [2,4,"."], RHS: {"1":4}: while reducing "": 'merge' strategy expects objects or arrays)"),
          P(R"([1, 2, "!"])", R"([2, 4, "."])"),
          P(R"([1, 4, ":"])", R"([3, 4, ":"])"),
          P("[]", R"([3, 4, ":"])"),
          P("32", R"([3, 4, ":"])"),
      });
}

TEST_CASE("reduce vectors: sum") {
  std::string f64max = J("1.7976931348623157e308");
  RunCases(
      R"({"reduce": {"strategy": "sum"}})",
      {
          P("0", "0"),
          P(R"("whoops")",
            R"(error: having values LHS: 0, RHS: "whoops": while reducing "": 'sum' strategy expects numbers)"),
          P("123", "123"),
          P("45", "168"),
          P("18446744073709551583",
            "error: having values LHS: 168, RHS: 18446744073709551583: while reducing \"\": `sum` "
            "resulted in numeric overflow"),
          P("-70", "98"),
          P("0.1", "98.1"),
          P("-98.1", "0.0"),
          P("1.7976931348623157e308", "1.7976931348623157e308"),
          P("1.7976931348623158e307",
            fmt::format(
                "error: having values LHS: {}, RHS: {}: while reducing \"\": `sum` resulted "
                "in numeric overflow",
                f64max, J("1.7976931348623158e307"))),
          P("-1.0", "1.7976931348623157e308"),
          P("-8.988465674311579e307", "8.988465674311579e307"),
          P("-8.988465674311579e307", "0.0"),
          P(R"("whoops")",
            R"(error: having values LHS: 0.0, RHS: "whoops": while reducing "": 'sum' strategy expects numbers)"),
      });
}

TEST_CASE("reduce vectors: merge arrays by index") {
  RunCases(
      R"({"items": {"reduce": {"strategy": "maximize"}}, "reduce": {"strategy": "merge"}})",
      {
          P("[]", "[]"),
          P(R"("whoops")",
            R"(error: having values LHS: [], RHS: "whoops": while reducing "": 'merge' strategy expects objects or arrays)"),
          P("[0, 1, 0]", "[0, 1, 0]"),
          P("[3, 0, 2]", "[3, 1, 2]"),
          P(R"([-1, 0, 4, "a"])", R"([3, 1, 4, "a"])"),
          P(R"([0, 32.6, 0, "b"])", R"([3, 32.6, 4, "b"])"),
          P("{}",
            R"(error: having values LHS: [3,32.6,4,"b"], RHS: {}: while reducing "": 'merge' strategy expects objects or arrays)"),
      });
}

TEST_CASE("reduce vectors: merge ordered scalars by the item itself") {
  RunCases(R"({"if": {"type": "null"}, "then": {"reduce": {"strategy": "lastWriteWins"}},
               "else": {"reduce": {"strategy": "merge", "key": [""]}}})",
           {
               P("[5, 9]", "[5, 9]"),
               P("[7]", "[5, 7, 9]"),
               P("[2, 4, 5]", "[2, 4, 5, 7, 9]"),
               P("[1, 2, 7, 10]", "[1, 2, 4, 5, 7, 9, 10]"),
               P("null", "null"),
               P("[1, 2]", "null"),
           });
}

TEST_CASE("reduce vectors: merge arrays by key with summed properties") {
  RunCases(
      R"({"items": {"properties": {"k": {"type": "integer"}},
                    "additionalProperties": {"reduce": {"strategy": "sum"}},
                    "reduce": {"strategy": "merge"}},
          "reduce": {"strategy": "merge", "key": ["/k"]}})",
      {
          P(R"([{"k": 5, "n": 1}, {"k": 9, "n": 1}])", R"([{"k": 5, "n": 1}, {"k": 9, "n": 1}])"),
          P(R"([{"k": 7, "m": 1}])", R"([{"k": 5, "n": 1}, {"k": 7, "m": 1}, {"k": 9, "n": 1}])"),
          P(R"([{"k": 5, "n": 3}, {"k": 7, "m": 1}])",
            R"([{"k": 5, "n": 4}, {"k": 7, "m": 2}, {"k": 9, "n": 1}])"),
          P(R"([{"k": 9, "n": -2}])", R"([{"k": 5, "n": 4}, {"k": 7, "m": 2}, {"k": 9, "n": -1}])"),
      });
}

TEST_CASE("reduce vectors: merge objects") {
  RunCases(
      R"({"if": {"type": "null"}, "then": {"reduce": {"strategy": "lastWriteWins"}},
               "else": {"reduce": {"strategy": "merge"}}})",
      {
          P(R"({"5": 5, "9": 9})", R"({"5": 5, "9": 9})"),
          P(R"({"7": 7})", R"({"5": 5, "7": 7, "9": 9})"),
          P(R"({"2": 2, "4": 4, "5": 55})", R"({"2": 2, "4": 4, "5": 55, "7": 7, "9": 9})"),
          P(R"({"1": 1, "2": 22, "7": 77, "10": 10})",
            R"({"1": 1, "2": 22, "4": 4, "5": 55, "7": 77, "9": 9, "10": 10})"),
          P("[1, 2]",
            R"(error: having values LHS: {"1":1,"10":10,"2":22,"4":4,"5":55,"7":77,"9":9}, RHS: [1,2]: while reducing "": 'merge' strategy expects objects or arrays)"),
          P("null", "null"),
          P(R"({"9": 9})", "null"),
      });
}

TEST_CASE("reduce vectors: recursive merge by key through $ref") {
  RunCases(
      R"({"reduce": {"strategy": "merge", "key": ["/k"]},
          "additionalProperties": {"if": {"type": ["object", "array"]}, "then": {"$ref": "#"}},
          "items": {"$ref": "#/additionalProperties"}})",
      {
          P(R"([{"k": "b", "v": [{"k": 5}]}])", R"([{"k": "b", "v": [{"k": 5}]}])"),
          P(R"([{"k": "a", "v": [{"k": 2}]}, {"k": "b", "v": [{"k": 3}]}])",
            R"([{"k": "a", "v": [{"k": 2}]}, {"k": "b", "v": [{"k": 3}, {"k": 5}]}])"),
          P(R"([{"k": "b", "v": [{"k": 1}, {"k": 5, "d": true}]}, {"k": "c", "v": [{"k": 9}]}])",
            R"([{"k": "a", "v": [{"k": 2}]},
                {"k": "b", "v": [{"k": 1}, {"k": 3}, {"k": 5, "d": true}]},
                {"k": "c", "v": [{"k": 9}]}])"),
      });
}

TEST_CASE("reduce vectors: jsonSchemaMerge (with cases beyond the spec's)") {
  RunCases(
      R"({"reduce": {"strategy": "jsonSchemaMerge"}})",
      {
          P(R"({"type": "string", "maxLength": 5, "minLength": 5})",
            R"({"type": "string", "maxLength": 5, "minLength": 5})"),
          P(R"("oops!")",
            "error: while reducing \"\": 'json-schema-merge' strategy expects objects containing "
            "valid JSON schemas. "),
          P(R"({"type": "foo"})",
            "error: while reducing \"\": 'json-schema-merge' strategy expects objects containing "
            "valid JSON schemas. at keyword 'type' of schema 'json-schema-reduction:///': expected "
            "a type or array of types: invalid type name: 'foo'"),
          P(R"({"type": "string", "minLength": 8, "maxLength": 10})",
            R"({"$schema": "http://json-schema.org/draft-07/schema#", "type": "string",
                "minLength": 5, "maxLength": 10})"),
          // The merged schema (with its $schema) merges again. Types union; each
          // type's keywords come from the sides that admit it; a `reduce` on one side
          // only is dropped (the other side is unconstrained); bounds widen.
          P(R"({"type": "object", "properties": {"a": {"type": "integer", "minimum": 2}},
                "required": ["a"], "reduce": {"strategy": "merge"}})",
            R"({"$schema": "http://json-schema.org/draft-07/schema#",
                "type": ["object", "string"], "minLength": 5, "maxLength": 10,
                "properties": {"a": {"type": "integer", "minimum": 2}}, "required": ["a"]})"),
          P(R"({"type": "object", "properties": {"a": {"type": "integer", "minimum": 1}},
                "required": ["a"], "reduce": {"strategy": "merge"}})",
            R"({"$schema": "http://json-schema.org/draft-07/schema#",
                "type": ["object", "string"], "minLength": 5, "maxLength": 10,
                "properties": {"a": {"type": "integer", "minimum": 1}}, "required": ["a"]})"),
          P(R"({"properties": {"nested": {"type": 7}}})",
            "error: while reducing \"\": 'json-schema-merge' strategy expects objects containing "
            "valid JSON schemas. at keyword 'type' of schema "
            "'json-schema-reduction:///#/properties/nested': expected a type or array of types: "
            "expected a string"),
      });
}

constexpr std::string_view kArraySetSchema = R"({
  "$defs": {"entry": {"type": "array",
                      "items": [{"type": "integer"}, {"type": "integer", "reduce": {"strategy": "sum"}}],
                      "reduce": {"strategy": "merge"}}},
  "properties": {"add": {"items": {"$ref": "#/$defs/entry"}}},
  "reduce": {"strategy": "set", "key": ["/0"]}})";

TEST_CASE("reduce vectors: set, array form") {
  RunCases(
      kArraySetSchema,
      {
          P(R"({"add": [[55, 1]]})", R"({"add": [[55, 1]]})"),
          P(R"({"add": [[99, 1]]})", R"({"add": [[55, 1], [99, 1]]})"),
          P(R"({"remove": [[99]], "add": [[22, 1], [55, 1]]})",
            R"({"remove": [[99]], "add": [[22, 1], [55, 2]]})"),
          P(R"({"remove": [[55]], "add": [[22, 3], [55, 1]]})",
            R"({"remove": [[55], [99]], "add": [[22, 4], [55, 1]]})"),
          F(R"({"remove": [[88]], "add": [[11, 1], [22, 2]]})",
            R"({"add": [[11, 1], [22, 6], [55, 1]]})"),
          F(R"({"remove": [[55]]})", R"({"add": [[11, 1], [22, 6]]})"),
          P(R"({"intersect": [[22], [33]]})", R"({"intersect": [[22], [33]], "add": [[22, 6]]})"),
          P(R"({"add": [[22, 2], [33, 1]]})",
            R"({"intersect": [[22], [33]], "add": [[22, 8], [33, 1]]})"),
          P(R"({"intersect": [[33], [44]], "add": [[22, 1], [33, 1]]})",
            R"({"intersect": [[33]], "add": [[22, 1], [33, 2]]})"),
          P(R"({"remove": [[33]], "add": [[22, 1], [33, 1]]})",
            R"({"intersect": [], "add": [[22, 2], [33, 1]]})"),
          F(R"({"add": [[33, 1]]})", R"({"add": [[22, 2], [33, 2]]})"),
          P(R"({"remove": [[33]]})", R"({"add": [[22, 2]], "remove": [[33]]})"),
      });
}

TEST_CASE("reduce vectors: set, object form") {
  RunCases(
      R"({"properties": {"add": {"additionalProperties": {"type": "integer", "reduce": {"strategy": "sum"}}}},
          "reduce": {"strategy": "set"}})",
      {
          P(R"({"add": {"55": 1}})", R"({"add": {"55": 1}})"),
          P(R"({"add": {"99": 1}})", R"({"add": {"55": 1, "99": 1}})"),
          P(R"({"remove": {"99": 0}, "add": {"22": 1, "55": 1}})",
            R"({"remove": {"99": 0}, "add": {"22": 1, "55": 2}})"),
          P(R"({"remove": {"55": 0}, "add": {"22": 3, "55": 1}})",
            R"({"remove": {"55": 0, "99": 0}, "add": {"22": 4, "55": 1}})"),
          F(R"({"remove": {"88": 0}, "add": {"11": 1, "22": 2}})",
            R"({"add": {"11": 1, "22": 6, "55": 1}})"),
          F(R"({"remove": {"55": 0}})", R"({"add": {"11": 1, "22": 6}})"),
          P(R"({"intersect": {"22": 0, "33": 0}})",
            R"({"intersect": {"22": 0, "33": 0}, "add": {"22": 6}})"),
          P(R"({"add": {"22": 2, "33": 1}})",
            R"({"intersect": {"22": 0, "33": 0}, "add": {"22": 8, "33": 1}})"),
          P(R"({"intersect": {"33": 0, "44": 0}, "add": {"22": 1, "33": 1}})",
            R"({"intersect": {"33": 0}, "add": {"22": 1, "33": 2}})"),
          P(R"({"remove": {"33": 0}, "add": {"22": 1, "33": 1}})",
            R"({"intersect": {}, "add": {"22": 2, "33": 1}})"),
          F(R"({"add": {"33": 1}})", R"({"add": {"22": 2, "33": 2}})"),
          P(R"({"remove": {"33": 0}})", R"({"add": {"22": 2}, "remove": {"33": 0}})"),
      });
}

TEST_CASE("reduce vectors: set shape errors") {
  // Mixed term types, both intersect and remove, unknown terms, non-objects.
  RunCases(
      R"({"reduce": {"strategy": "set", "key": [""]}})",
      {
          P(R"({"add": [1]})", R"({"add": [1]})"),
          P(R"({"add": {"a": 1}})",
            R"(error: while reducing "": 'set' strategy expects objects having only 'add', 'remove', and 'intersect' properties with consistent object or array types)"),
          P(R"({"intersect": [1], "remove": [2]})",
            R"(error: while reducing "/remove": 'set' strategy expects objects having only 'add', 'remove', and 'intersect' properties with consistent object or array types)"),
          P(R"({"other": [1]})",
            R"(error: while reducing "/other": 'set' strategy expects objects having only 'add', 'remove', and 'intersect' properties with consistent object or array types)"),
          P("[1]",
            R"(error: having values LHS: {"add":[1]}, RHS: [1]: while reducing "": 'set' strategy expects objects having only 'add', 'remove', and 'intersect' properties with consistent object or array types)"),
          P(R"({"add": [0, 2]})", R"({"add": [0, 1, 2]})"),
      });
}

TEST_CASE("reduce vectors: reset_counter conditional (spec §3.4)") {
  constexpr std::string_view kSchema = R"({
    "type": "object",
    "required": ["key"],
    "properties": {"key": {"type": "string"}},
    "oneOf": [
      {"required": ["action"], "properties": {"action": {"const": "reset"}},
       "reduce": {"strategy": "lastWriteWins"}},
      {"required": ["action"],
       "properties": {"action": {"const": "sum", "reduce": {"strategy": "firstWriteWins"}},
                      "value": {"type": "number", "reduce": {"strategy": "sum"}}},
       "reduce": {"strategy": "merge"}}
    ]})";
  RunCases(kSchema, {
                        P(R"({"key": "a", "action": "sum", "value": 5})",
                          R"({"key": "a", "action": "sum", "value": 5})"),
                        P(R"({"key": "a", "action": "sum", "value": -1.2})",
                          R"({"key": "a", "action": "sum", "value": 3.8})"),
                    });
  RunCases(kSchema, {
                        P(R"({"key": "a", "action": "sum", "value": 5})",
                          R"({"key": "a", "action": "sum", "value": 5})"),
                        P(R"({"key": "a", "action": "reset", "value": 0})",
                          R"({"key": "a", "action": "reset", "value": 0})"),
                        P(R"({"key": "a", "action": "sum", "value": 1.3})",
                          R"({"key": "a", "action": "reset", "value": 1.3})"),
                    });
}

TEST_CASE("reduce vectors: an empty array clears an appended list (spec §3.4 idiom)") {
  RunCases(R"({"type": "array", "oneOf": [{"minItems": 1, "reduce": {"strategy": "append"}},
                                          {"maxItems": 0, "reduce": {"strategy": "lastWriteWins"}}]})",
           {P("[1]", "[1]"), P("[2, 3]", "[1, 2, 3]"), P("[]", "[]"), P("[4]", "[4]")});
}

TEST_CASE("reduce vectors: LWW takes a whole subtree and ignores child annotations") {
  RunCases(R"({"reduce": {"strategy": "lastWriteWins"},
               "properties": {"n": {"reduce": {"strategy": "sum"}},
                              "l": {"reduce": {"strategy": "append"}}}})",
           {P(R"({"n": 1, "l": [1]})", R"({"n": 1, "l": [1]})"),
            P(R"({"n": 2, "l": [2]})", R"({"n": 2, "l": [2]})")});
}

TEST_CASE("reduce vectors: RHS-only properties are taken unreduced; errors name nested pointers") {
  RunCases(
      R"({"reduce": {"strategy": "merge"},
               "properties": {"a/b": {"reduce": {"strategy": "merge"},
                                      "items": {"reduce": {"strategy": "sum"}}}}})",
      {
          P(R"({"x": 1})", R"({"x": 1})"),
          P(R"({"a/b": ["not summed"]})", R"({"x": 1, "a/b": ["not summed"]})"),
          P(R"({"a/b": [1]})",
            R"(error: having values LHS: "not summed", RHS: 1: while reducing "/a~1b/0": 'sum' strategy expects numbers)"),
      });
}

}  // namespace
}  // namespace flow::doc::reduce

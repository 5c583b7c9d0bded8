// SPDX-License-Identifier: Apache-2.0
// catalog/schemas_test.cc: inline, file, anchor and flow:// schemas of collections.
#include "catalog/schemas.h"

#include <doctest/doctest.h>

#include "catalog/testing.h"
#include "doc/json.h"

namespace flow::catalog {
namespace {

TEST_CASE(
    "schemas: inline schemas use $anchor refs; file schemas use pointer and anchor fragments") {
  Fixture f(Files{
      {"flow.yaml", R"(
collections:
  acme/scores:
    key: [/id]
    schema:
      type: object
      required: [id, low]
      properties:
        id: {$ref: "#Id"}
        low: {$ref: "#Score"}
      $defs:
        id: {$anchor: Id, type: integer}
        score: {$anchor: Score, type: number, reduce: {strategy: minimize}}
      reduce: {strategy: merge}
  acme/by-pointer:
    key: [/id]
    schema: defs.yaml#/$defs/thing
  acme/by-anchor:
    key: [/id]
    schema: defs.yaml#Thing
)"},
      {"defs.yaml",
       "$defs:\n  thing:\n    $anchor: Thing\n    type: object\n    required: [id]\n"
       "    properties:\n      id: {type: string}\n"},
  });
  const Catalog& c = f.Load();
  CHECK(f.Diags() == "");
  const Collection* s = c.FindCollection("acme/scores");
  REQUIRE(s != nullptr);
  CHECK(s->FindProjection("id")->types == doc::schema::kTypeInteger);
  CHECK(s->write_schema_uri == s->scope.Url() + "/schema");
  CHECK(c.FindCollection("acme/by-pointer")->FindProjection("id")->types ==
        doc::schema::kTypeString);
  CHECK(c.FindCollection("acme/by-anchor")->FindProjection("id")->types ==
        doc::schema::kTypeString);
  // The same schema URL is compiled once and shared.
  CHECK(c.FindCollection("acme/by-pointer")->write_validator_schema !=
        c.FindCollection("acme/by-anchor")->write_validator_schema);
}

TEST_CASE("schemas: readSchema binds flow://write-schema and flow://inferred-schema") {
  Fixture f(Files{{"flow.yaml", R"(
collections:
  acme/events:
    key: [/id]
    writeSchema:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        payload: {type: object}
    readSchema:
      allOf:
        - $ref: flow://write-schema
        - $ref: flow://inferred-schema
        - properties:
            extra: {type: string}
  acme/relaxed:
    key: [/id]
    writeSchema: {type: object, required: [id], properties: {id: {type: integer}}}
    readSchema: {$ref: flow://relaxed-write-schema}
)"}});
  const Catalog& c = f.Load();
  CHECK(f.Diags() == "");
  const Collection* e = c.FindCollection("acme/events");
  REQUIRE(e != nullptr);
  CHECK(e->has_distinct_read_schema());
  CHECK(e->read_validator_schema != e->write_validator_schema);
  // Projections come from the read schema.
  REQUIRE(e->FindProjection("extra") != nullptr);
  CHECK(e->FindProjection("payload") != nullptr);
  CHECK(e->FindProjection("id")->exists == doc::schema::Exists::kMust);
}

TEST_CASE("schemas: keys must agree between read and write schemas") {
  Fixture f(Files{{"flow.yaml", R"(
collections:
  acme/a:
    key: [/id]
    writeSchema: {type: object, required: [id], properties: {id: {type: [integer, "null"]}}}
    readSchema: {type: object, required: [id], properties: {id: {type: string}}}
  acme/b:
    key: [/id]
    writeSchema: {type: object, properties: {other: {type: integer}}}
    readSchema: {type: object, required: [id], properties: {id: {type: string}}}
  acme/c:
    key: [/id]
    schema: {$ref: flow://write-schema}
)"}});
  f.Load();
  CHECK(f.Diags() ==
        "flow.yaml:4:11: location /id accepts \"string\" in read schema "
        "flow.yaml#/collections/acme~1a/readSchema but \"integer\" in write schema "
        "flow.yaml#/collections/acme~1a/writeSchema; the types of a keyed location may differ "
        "only in null-ability\n"
        "flow.yaml:8:11: location /id is unknown in schema "
        "flow.yaml#/collections/acme~1b/writeSchema\n"
        "flow.yaml:13:13: flow://write-schema can only be referenced from within a collection's "
        "readSchema\n");
}

TEST_CASE("schemas: compile errors point at the offending keyword") {
  Fixture f(Files{{"flow.yaml", R"(
collections:
  acme/a:
    key: [/id]
    schema:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        bad: {type: strnig}
)"}});
  f.Load();
  std::string d = f.Diags();
  CHECK(d ==
        "flow.yaml:10:21: flow.yaml#/collections/acme~1a/schema/properties/bad/type: "
        "invalid type name 'strnig'\n");
}

TEST_CASE("schemas: LocationOf follows properties and items") {
  Fixture f(Files{{"flow.yaml", R"(
collections:
  acme/a:
    key: [/id]
    schema:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        list:
          type: array
          items:
            type: object
            properties:
              n: {type: integer, reduce: {strategy: sum}}
)"}});
  const Catalog& c = f.Load();
  // The inspection names /list/-/n... and points at the `n` subschema.
  std::string d = f.Diags();
  CHECK(d == "flow.yaml:15:18: '/list/-/n' has reduction strategy, but its parent does not\n");
  (void)c;
}

}  // namespace
}  // namespace flow::catalog

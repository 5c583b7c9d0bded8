// SPDX-License-Identifier: Apache-2.0
// catalog/loader_test.cc: imports, file references and schema $ref loading.
#include "catalog/loader.h"

#include <doctest/doctest.h>

#include "catalog/testing.h"
#include "catalog/url.h"

namespace flow::catalog {
namespace {

constexpr char kCollection[] = R"(
collections:
  acme/orders:
    key: [/id]
    schema: {type: object, required: [id], properties: {id: {type: integer}}}
)";

TEST_CASE("loader: imports are relative, nested and loaded once, cycles are harmless") {
  Fixture f(Files{
      {"flow.yaml", "import: [a/a.flow.yaml, ./a/../a/a.flow.yaml]\n"},
      {"a/a.flow.yaml", std::string("import: [../b/b.flow.yaml]\n") + kCollection},
      {"b/b.flow.yaml",
       "import: [../a/a.flow.yaml, ../flow.yaml]\ntests:\n  acme/t:\n"
       "    - verify: {collection: acme/orders, documents: []}\n"},
  });
  const Catalog& c = f.Load();
  CHECK(f.Diags() == "");
  CHECK(c.resources.size() == 3);
  REQUIRE(c.imports.size() == 3);
  CHECK(c.imports[1] == FileUrl(f.dir.Join("a/a.flow.yaml")));
  CHECK(c.collections.size() == 1);
  CHECK(c.tests.size() == 1);
  CHECK(c.tests[0].steps[0].built_collection == &c.collections[0]);
}

TEST_CASE("loader: file:// imports, remote URLs and fragments") {
  Fixture f(Files{{"other.yaml", kCollection}});
  std::string root = "import:\n  - " + FileUrl(f.dir.Join("other.yaml")) +
                     "\n  - http://example.com/x.yaml\n  - other.yaml#/collections\n";
  REQUIRE(WriteFileAtomic(f.dir.Join("flow.yaml"), root).ok());
  const Catalog& c = f.Load();
  CHECK(c.collections.size() == 1);
  CHECK(f.Diags() ==
        "flow.yaml:3:5: failed to fetch resource http://example.com/x.yaml: fetching remote "
        "resources is not supported\n"
        "flow.yaml:4:5: resources cannot have fragments\n");
}

TEST_CASE("loader: a string without whitespace names a file") {
  Fixture f(Files{
      {"flow.yaml", std::string(kCollection) + R"(
  acme/copies:
    key: [/id]
    schema: {type: object, required: [id], properties: {id: {type: integer}}}
    derive:
      using:
        sqlite:
          migrations: [sql/m1.sql, "CREATE TABLE b (x);"]
      transforms:
        - {name: one, source: acme/orders, shuffle: any, lambda: sql/copy.sql}
        - {name: two, source: acme/orders, shuffle: any, lambda: "SELECT $id;"}
tests:
  acme/t:
    - ingest: {collection: acme/orders, documents: fixtures/docs.json}
    - ingest: {collection: acme/orders, documents: fixtures/docs.yaml}
captures:
  acme/cap:
    endpoint: {connector: {image: "ghcr.io/x:v1", config: config.yaml}}
    bindings: [{resource: {stream: s}, target: acme/orders}]
)"},
      {"sql/m1.sql", "CREATE TABLE a (x);\n"},
      {"sql/copy.sql", "SELECT $id;\n"},
      {"fixtures/docs.json", "[{\"id\": 1}, {\"id\": 2}]"},
      {"fixtures/docs.yaml", "- id: 3\n"},
      {"config.yaml", "host: example\nport: 5432\n"},
  });
  const Catalog& c = f.Load();
  CHECK(f.Diags() == "");
  const Derivation& d = *c.FindCollection("acme/copies")->derive;
  REQUIRE(d.migrations.size() == 2);
  CHECK(d.migrations[0].from_file());
  CHECK(d.migrations[0].text() == "CREATE TABLE a (x);\n");
  CHECK_FALSE(d.migrations[1].from_file());
  CHECK(d.transforms[0].lambda->text() == "SELECT $id;\n");
  CHECK(d.transforms[0].lambda->scope.resource->display == "sql/copy.sql");
  CHECK(d.transforms[0].lambda->origin.pointer ==
        "/collections/acme~1copies/derive/transforms/0/lambda");
  CHECK(c.tests[0].steps[0].documents.value.size() == 2);
  CHECK(c.tests[0].steps[1].documents.value.size() == 1);
  REQUIRE(c.captures.size() == 1);
  REQUIRE(c.captures[0].config.has_value());
  CHECK(c.captures[0].config->value.Find("port") != nullptr);
}

TEST_CASE("loader: missing and non-UTF-8 files are reported at the reference") {
  Fixture f(Files{
      {"flow.yaml", std::string(kCollection) + R"(
tests:
  acme/t:
    - ingest: {collection: acme/orders, documents: nope.json}
    - ingest: {collection: acme/orders, documents: bad.txt}
)"},
      {"bad.txt", "\xff\xfe"},
  });
  f.Load();
  CHECK(f.Diags() ==
        "flow.yaml:9:52: failed to fetch resource nope.json: No such file or directory\n"
        "flow.yaml:10:52: failed to fetch resource bad.txt: it is not valid UTF-8 text\n");
}

TEST_CASE("loader: schema $refs are loaded transitively; $ids and flow:// are not fetched") {
  Fixture f(Files{
      {"flow.yaml", R"(
import:
  - {url: ids.schema.json, contentType: JSON_SCHEMA}
collections:
  acme/orders:
    key: [/id]
    schema: schemas/order.yaml
  acme/other:
    key: [/id]
    schema:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        ext: {$ref: "https://example.com/ext.json"}
)"},
      {"schemas/order.yaml",
       "type: object\nrequired: [id]\nproperties:\n  id: {$ref: \"../common/id.yaml\"}\n"},
      {"common/id.yaml", "$ref: \"int.yaml#/$defs/int\"\n"},
      {"common/int.yaml", "$defs: {int: {type: integer}}\n"},
      {"ids.schema.json", R"({"$id": "https://example.com/ext.json", "type": "string"})"},
  });
  const Catalog& c = f.Load();
  CHECK(f.Diags() == "");
  CHECK(c.resources.size() == 5);
  CHECK(c.FindResource(FileUrl(f.dir.Join("common/int.yaml"))) != nullptr);
  const Collection* other = c.FindCollection("acme/other");
  REQUIRE(other != nullptr);
  CHECK(other->FindProjection("ext")->types == doc::schema::kTypeString);
}

TEST_CASE("loader: an unresolvable remote $ref is an error at the reference") {
  Fixture f(Files{{"flow.yaml", R"(
collections:
  acme/orders:
    key: [/id]
    schema:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        geo: {$ref: "https://example.com/geo.json#/point"}
)"}});
  f.Load();
  CHECK(f.Diags() ==
        "flow.yaml:10:21: failed to fetch resource https://example.com/geo.json: fetching remote "
        "resources is not supported\n");
}

TEST_CASE("loader: the whitespace rule") {
  CHECK(HasWhitespace("SELECT 1;"));
  CHECK(HasWhitespace("a\tb"));
  CHECK(HasWhitespace("a\u00a0b"));
  CHECK(HasWhitespace("a\u3000b"));
  CHECK_FALSE(HasWhitespace("lambda.sql"));
  CHECK_FALSE(HasWhitespace("SELECT;"));
  CHECK_FALSE(HasWhitespace("../x/y.yaml#/a"));
}

}  // namespace
}  // namespace flow::catalog

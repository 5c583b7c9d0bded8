// SPDX-License-Identifier: Apache-2.0
// catalog/bundle_test.cc: the resolved catalog as one JSON document.
#include "catalog/bundle.h"

#include <doctest/doctest.h>

#include "catalog/testing.h"
#include "catalog/url.h"
#include "doc/json.h"

namespace flow::catalog {
namespace {

TEST_CASE("bundle: imports are flattened, files inlined and schemas bundled") {
  Fixture f(Files{
      {"flow.yaml", R"(
import: [more.flow.yaml]
collections:
  acme/orders:
    key: [/id]
    schema: schemas/order.yaml
  acme/copies:
    key: [/id]
    schema:
      type: object
      required: [id]
      properties:
        id: {$ref: "schemas/id.yaml"}
    derive:
      using: {sqlite: {migrations: [m.sql]}}
      transforms:
        - {name: t, source: acme/orders, shuffle: any, lambda: "SELECT $id;"}
)"},
      {"more.flow.yaml",
       "tests:\n  acme/t:\n    - ingest: {collection: acme/orders, documents: docs.json}\n"},
      {"docs.json", "[{\"id\": 1}]"},
      {"m.sql", "CREATE TABLE t (x);\n"},
      {"schemas/order.yaml",
       "type: object\nrequired: [id]\nproperties:\n  id: {$ref: \"id.yaml\"}\n"},
      {"schemas/id.yaml", "type: integer\n"},
  });
  const Catalog& c = f.Load();
  REQUIRE(f.Diags() == "");
  doc::Arena arena;
  doc::Node b = BundleCatalog(c, arena);
  std::string order_url = FileUrl(f.dir.Join("schemas/order.yaml"));
  std::string id_url = FileUrl(f.dir.Join("schemas/id.yaml"));
  CHECK(b.Find("import") == nullptr);
  const doc::Node* copies = b.Find("collections")->Find("acme/copies");
  REQUIRE(copies != nullptr);
  CHECK(doc::ToJson(*copies->Find("derive")->Find("using")) ==
        R"({"sqlite":{"migrations":["CREATE TABLE t (x);\n"]}})");
  // An inline schema keeps its body, with relative refs made absolute and bundled.
  const doc::Node* inline_schema = copies->Find("schema");
  CHECK(doc::ToJson(*inline_schema->Find("properties")->Find("id")) ==
        "{\"$ref\":\"" + id_url + "\"}");
  CHECK(inline_schema->Find("$defs")->Find(id_url) != nullptr);
  // A schema given by URL becomes a $ref to its bundled document.
  const doc::Node* order = b.Find("collections")->Find("acme/orders")->Find("schema");
  CHECK(doc::ToJson(*order->Find("$ref")) == "\"" + order_url + "\"");
  CHECK(doc::ToJson(*order->Find("$defs")->Find(order_url)->Find("$id")) ==
        "\"" + order_url + "\"");
  CHECK(order->Find("$defs")->Find(id_url) != nullptr);
  CHECK(doc::ToJson(*b.Find("tests")) ==
        R"({"acme/t":[{"ingest":{"collection":"acme/orders","documents":[{"id":1}]}}]})");
}

}  // namespace
}  // namespace flow::catalog

// SPDX-License-Identifier: Apache-2.0
// catalog/catalog_test.cc: LoadCatalog() end to end over files in a temporary directory.
#include "catalog/catalog.h"

#include <doctest/doctest.h>

#include "catalog/builder.h"
#include "catalog/testing.h"
#include "doc/json.h"

namespace flow::catalog {
namespace {

constexpr std::string_view kOrders = R"(collections:
  acme/orders:
    key: [/id]
    schema:
      type: object
      required: [id, customer]
      properties:
        id: { type: integer }
        customer: { type: string }
        total: { type: number, default: 0 }
        shipping:
          type: object
          properties:
            city: { type: string }
)";

TEST_CASE("catalog: a valid catalog builds with projections, params and split lambdas") {
  Fixture f(Files{{"flow.yaml", std::string(kOrders) + R"(
  acme/by-customer:
    key: [/customer]
    schema:
      type: object
      reduce: { strategy: merge }
      required: [customer]
      properties:
        customer: { type: string }
        orders: { type: integer, reduce: { strategy: sum } }
    derive:
      using:
        sqlite:
          migrations:
            - CREATE TABLE seen (id INTEGER PRIMARY KEY);
      transforms:
        - name: fromOrders
          source: acme/orders
          shuffle: { key: [/customer] }
          lambda: |
            INSERT INTO seen (id) VALUES ($id) ON CONFLICT DO NOTHING;
            SELECT $customer, 1 AS orders, $shipping$city AS city;
tests:
  acme/tests/b:
    - ingest:
        collection: acme/orders
        documents: [{id: 1, customer: ann}]
    - verify:
        collection: acme/by-customer
        documents: [{customer: ann, orders: 1}]
  acme/tests/a:
    description: runs first
    steps:
      - verify: {collection: acme/orders, documents: []}
)"}});
  const Catalog& c = f.Load();
  CHECK(f.Diags() == "");
  REQUIRE(c.collections.size() == 2);
  const Collection* orders = c.FindCollection("acme/orders");
  REQUIRE(orders != nullptr);
  std::vector<std::string> fields, params;
  for (const Projection& p : orders->projections) {
    fields.push_back(p.field);
    params.push_back(p.param);
  }
  CHECK(fields == std::vector<std::string>{"_meta/flow_truncated", "customer", "flow_document",
                                           "flow_published_at", "id", "shipping", "shipping/city",
                                           "total"});
  CHECK(params[6] == "$shipping$city");
  const Projection* id = orders->FindProjection("id");
  REQUIRE(id != nullptr);
  CHECK(id->is_primary_key);
  CHECK(id->exists == doc::schema::Exists::kMust);
  REQUIRE(orders->FindProjection("total")->default_value.has_value());
  CHECK(doc::ToJson(*orders->FindProjection("total")->default_value) == "0");
  CHECK(orders->FindProjection("flow_published_at")->kind == Projection::Kind::kPublishedAt);
  REQUIRE(orders->key_extractors.size() == 1);

  const Collection* by = c.FindCollection("acme/by-customer");
  REQUIRE(by->derive.has_value());
  const Transform& t = by->derive->transforms[0];
  CHECK(t.source_collection == orders);
  REQUIRE(t.statements.size() == 2);
  CHECK(t.statements[0].params.size() == 1);
  CHECK(t.statements[0].params[0].field == "id");
  CHECK_FALSE(t.statements[0].read_only);
  CHECK(t.statements[1].read_only);
  CHECK(t.statements[1].params.size() == 2);
  CHECK_FALSE(t.read_only);
  REQUIRE(by->derive->migration_statements.size() == 1);
  CHECK(by->derive->migration_statements[0].size() == 1);
  // Tests run ordered by the scope of their first step.
  REQUIRE(c.tests.size() == 2);
  CHECK(c.tests[0].name == "acme/tests/a");
  CHECK(c.tests[1].steps[0].built_collection == orders);
}

TEST_CASE("catalog: unknown fields, types and missing fields point at the YAML node") {
  Fixture f(Files{{"flow.yaml", R"(collections:
  acme/x:
    key: /id
    schema: {type: object, properties: {id: {type: string}}, required: [id]}
    projektions: {}
  acme/y:
    schema: {type: object}
)"}});
  f.Load();
  CHECK(f.Diags() ==
        "flow.yaml:3:10: invalid type: string \"/id\", expected a sequence\n"
        "flow.yaml:5:5: unknown field `projektions`, expected one of `schema`, `writeSchema`, "
        "`readSchema`, `key`, `projections`, `journals`, `derive`, `derivation`, `expectPubId`, "
        "`delete`, `reset` (did you mean `projections`?)\n"
        "flow.yaml:6:3: missing field `key`\n");
}

}  // namespace
}  // namespace flow::catalog

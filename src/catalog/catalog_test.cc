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

namespace flow::catalog {
namespace {

TEST_CASE("catalog: scopes, display URLs and partition selectors") {
  Catalog c;
  c.display_base = "/work/proj";
  CHECK(c.DisplayUrl("file:///work/proj/a/flow.yaml#/collections/x") ==
        "a/flow.yaml#/collections/x");
  CHECK(c.DisplayUrl("file:///elsewhere/s.yaml") == "../../elsewhere/s.yaml");
  CHECK(c.DisplayUrl("https://example.com/s.json") == "https://example.com/s.json");
  CHECK(c.DisplayUrls("schema file:///work/proj/s.yaml#/a: bad, see file:///work/proj/t.yaml.") ==
        "schema s.yaml#/a: bad, see t.yaml.");
  c.display_absolute = true;
  CHECK(c.DisplayUrl("file:///work/proj/with%20space.yaml") == "/work/proj/with space.yaml");

  Resource r;
  r.url = "file:///d/flow.yaml";
  Scope s{&r, ""};
  CHECK(s.Push("collections").Push("acme/x~y").Push(size_t{0}).Url() ==
        "file:///d/flow.yaml#/collections/acme~1x~0y/0");
  CHECK(s.Url() == "file:///d/flow.yaml");

  doc::Arena arena;
  PartitionSelector sel;
  sel.include.push_back(
      {"region", {doc::Node::String(arena, "emea"), doc::Node::String(arena, "apac")}, {}});
  sel.include.push_back({"rail", {doc::Node::String(arena, "card")}, {}});
  sel.exclude.push_back({"tier", {doc::Node::Int(3)}, {}});
  auto values = [&](std::string region, std::string rail, int64_t tier) {
    return [=, &arena](std::string_view field) -> const doc::Node* {
      static thread_local doc::Node n;
      if (field == "region")
        n = doc::Node::String(arena, region);
      else if (field == "rail")
        n = doc::Node::String(arena, rail);
      else if (field == "tier")
        n = doc::Node::Int(tier);
      else
        return nullptr;
      return &n;
    };
  };
  CHECK(sel.Matches(values("emea", "card", 1)));
  CHECK(sel.Matches(values("apac", "card", 2)));
  CHECK_FALSE(sel.Matches(values("amer", "card", 1)));  // include: OR within a field
  CHECK_FALSE(sel.Matches(values("emea", "bank", 1)));  // include: AND across fields
  CHECK_FALSE(sel.Matches(values("emea", "card", 3)));  // exclude: any match drops
  CHECK(PartitionSelector{}.Matches([](std::string_view) { return nullptr; }));
}

TEST_CASE("catalog: resource lines, with CRLF and past the end") {
  Resource r;
  r.text = "a: 1\r\nb: 2\nlast";
  CHECK(r.Line(1) == "a: 1");
  CHECK(r.Line(2) == "b: 2");
  CHECK(r.Line(3) == "last");
  CHECK(r.Line(4).empty());
  CHECK(r.Line(0).empty());
}

}  // namespace
}  // namespace flow::catalog

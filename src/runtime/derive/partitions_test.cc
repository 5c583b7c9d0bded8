// SPDX-License-Identifier: Apache-2.0
// runtime/derive/partitions_test.cc: partition values (with defaults) and selectors.
#include "runtime/derive/partitions.h"

#include <doctest/doctest.h>

#include "doc/json.h"
#include "runtime/derive/test_catalog.h"

namespace flow::runtime::derive {
namespace {

TEST_CASE("partitions: values at partition locations, defaults, null, and selectors") {
  TestCatalog t(R"(
collections:
  t/sales:
    key: [/id]
    schema:
      type: object
      required: [id, region]
      properties:
        id: { type: integer }
        region: { type: string, enum: [eu, us] }
        channel: { type: string, default: web }
        vip: { type: boolean }
    projections:
      region: { location: /region, partition: true }
      channel: { location: /channel, partition: true }
      vip: { location: /vip, partition: true }
  t/out:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: integer } } }
    derive:
      using: { sqlite: {} }
      transforms:
        - name: eu-web
          source:
            name: t/sales
            partitions:
              include: { region: [eu] }
              exclude: { channel: [shop] }
          shuffle: any
          lambda: SELECT $id;
)");
  const catalog::Collection& sales = t.Collection("t/sales");
  const catalog::PartitionSelector& selector =
      t.Collection("t/out").derive->transforms[0].partitions;
  doc::Arena arena;
  doc::Parser parser;
  auto values = [&](std::string_view json) {
    auto d = parser.Parse(json, arena);
    REQUIRE(d.ok());
    return PartitionValues::Of(sales, *d);
  };

  PartitionValues v = values(R"({"id":1,"region":"eu","vip":true})");
  REQUIRE(v.fields().size() == 3);
  CHECK(v.fields()[0].first == "channel");
  CHECK(doc::ToJson(v.fields()[0].second) == R"("web")");  // the schema default
  CHECK(doc::ToJson(*v.Find("region")) == R"("eu")");
  CHECK(doc::ToJson(*v.Find("vip")) == "true");
  CHECK(v.Find("id") == nullptr);
  CHECK(v.SelectedBy(selector));

  PartitionValues missing = values(R"({"id":2,"region":"eu"})");
  CHECK(missing.Find("vip")->is_null());
  CHECK(missing.SelectedBy(selector));
  CHECK_FALSE(values(R"({"id":3,"region":"us"})").SelectedBy(selector));
  CHECK_FALSE(values(R"({"id":4,"region":"eu","channel":"shop"})").SelectedBy(selector));
  CHECK(values(R"({"id":5,"region":"us"})").SelectedBy(catalog::PartitionSelector{}));
}

}  // namespace
}  // namespace flow::runtime::derive

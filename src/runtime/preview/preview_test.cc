// SPDX-License-Identifier: Apache-2.0
// runtime/preview/preview_test.cc: choosing the derivation, and running fixture
// transactions: synthetic UUIDs, state across transactions, selectors and errors.
#include "runtime/preview/preview.h"

#include <doctest/doctest.h>

#include "doc/json.h"
#include "runtime/derive/test_catalog.h"
#include "runtime/preview/fixture.h"

namespace flow::runtime::preview {
namespace {

using derive::TestCatalog;

constexpr std::string_view kCatalog = R"(
collections:
  t/rides:
    key: [/id]
    schema:
      type: object
      required: [id, bike, city]
      properties:
        id: { type: integer }
        bike: { type: integer }
        city: { type: string }
        km: { type: number, minimum: 0 }
    projections:
      city: { location: /city, partition: true }
  t/other:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: integer } } }
  t/stamps:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: integer } } }
    derive:
      using: { sqlite: {} }
      transforms:
        - name: stamp
          source: t/rides
          shuffle: any
          lambda: >-
            SELECT $id, $flow_published_at AS at,
              JSON_EXTRACT($flow_document, '$._meta.uuid') AS uuid;
  t/bikes:
    key: [/bike]
    schema:
      type: object
      reduce: { strategy: merge }
      required: [bike]
      properties:
        bike: { type: integer }
        rides: { type: integer }
        km: { type: number, reduce: { strategy: sum } }
    derive:
      using:
        sqlite:
          migrations:
            - CREATE TABLE bikes (bike INTEGER PRIMARY KEY, rides INTEGER NOT NULL);
      transforms:
        - name: paris
          source:
            name: t/rides
            partitions: { include: { city: [paris] } }
          shuffle: { key: [/bike] }
          lambda: |
            INSERT INTO bikes (bike, rides) VALUES ($bike, 1)
              ON CONFLICT (bike) DO UPDATE SET rides = rides + 1
              RETURNING bike, rides, $km AS km;
        - name: off
          source: t/other
          shuffle: any
          disable: true
          lambda: SELECT 1 AS bike;
  t/ts:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: integer } } }
    derive:
      using: { typescript: { module: "export class Derivation {}" } }
      transforms:
        - name: x
          source: t/other
          shuffle: any
)";

struct Run {
  Status status;
  std::vector<std::string> lines;
  PreviewStats stats;
};

Run Preview(const TestCatalog& t, std::string_view name, std::string_view fixture) {
  Run r;
  auto d = FindPreviewDerivation(*t.cat, name);
  REQUIRE_MESSAGE(d.ok(), d.status().ToString());
  std::unique_ptr<PreviewSource> source = NewFixtureSource(fixture);
  r.status = RunPreview(
      *t.cat, **d, *source,
      [&](const doc::Node& n) {
        r.lines.push_back(doc::ToJson(n));
        return Status::OK();
      },
      &r.stats);
  return r;
}

TEST_CASE("preview: choosing the derivation") {
  TestCatalog t(kCatalog);
  CHECK((*FindPreviewDerivation(*t.cat, "t/bikes"))->name == "t/bikes");
  auto err = [&](std::string_view name) {
    auto d = FindPreviewDerivation(*t.cat, name);
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == Code::kInvalidArgument);
    return std::string(d.status().message());
  };
  CHECK(err("t/nope") ==
        "no collection named t/nope in the catalog; its derivations: t/bikes, t/stamps, t/ts");
  CHECK(err("t/rides") ==
        "t/rides is not a derivation; the catalog's derivations: t/bikes, t/stamps, t/ts");
  CHECK(err("t/ts") ==
        "derivation t/ts uses `typescript`, which flowctl cannot run locally "
        "(only SQLite derivations run in process)");
  CHECK(err("").starts_with("the catalog has several derivations; choose one with --name:"));
}

TEST_CASE("preview: synthetic UUIDs and publish times follow Flow's fixture reader") {
  TestCatalog t(kCatalog);
  Run r = Preview(t, "t/stamps", R"([
    [["t/rides", {"id": 2, "bike": 1, "city": "rome"}], ["t/rides", {"id": 1, "bike": 1, "city": "rome"}]],
    [["t/other", {"id": 9}], ["t/rides", {"id": 3, "bike": 1, "city": "rome"}]]
  ])");
  REQUIRE_MESSAGE(r.status.ok(), r.status.ToString());
  // Each transaction's outputs in key order; the clock is 3600*T + I seconds.
  CHECK(r.lines ==
        std::vector<std::string>{
            R"({"at":"1970-01-01T00:00:01Z","id":1,"uuid":"1419d680-1dd2-11b2-8000-071353030311"})",
            R"({"at":"1970-01-01T00:00:00Z","id":2,"uuid":"13814000-1dd2-11b2-8000-071353030311"})",
            R"({"at":"1970-01-01T01:00:01Z","id":3,"uuid":"75de3e80-1dda-11b2-8000-071353030311"})",
        });
  CHECK(r.stats.transactions == 2);
  CHECK(r.stats.documents == 3);  // t/other is not read by t/stamps, so it is skipped
  CHECK(r.stats.outputs == 3);
}

TEST_CASE("preview: state persists across transactions; selectors filter documents") {
  TestCatalog t(kCatalog);
  Run r = Preview(t, "t/bikes", R"([
    [["t/rides", {"id": 1, "bike": 7, "city": "paris", "km": 1.5}],
     ["t/rides", {"id": 2, "bike": 3, "city": "paris", "km": 2}],
     ["t/rides", {"id": 3, "bike": 7, "city": "paris", "km": 1}],
     ["t/rides", {"id": 4, "bike": 7, "city": "rome", "km": 10}],
     ["t/other", {"id": 5}]],
    [],
    [["t/rides", {"id": 5, "bike": 7, "city": "paris", "km": 4}]]
  ])");
  REQUIRE_MESSAGE(r.status.ok(), r.status.ToString());
  CHECK(r.lines == std::vector<std::string>{
                       R"({"bike":3,"km":2,"rides":1})",
                       R"({"bike":7,"km":2.5,"rides":2})",
                       R"({"bike":7,"km":4,"rides":3})",
                   });
  CHECK(r.stats.transactions == 3);
  CHECK(r.stats.reads == 4);
}

TEST_CASE("preview: fixture errors name the transaction and document") {
  TestCatalog t(kCatalog);
  Run bad = Preview(t, "t/bikes", R"([[], [["t/rides", {"id": 1, "bike": 1, "city": "paris"}],
                                          ["t/rides", {"id": 2, "bike": 1, "city": "paris", "km": -1}]]])");
  CHECK(std::string(bad.status.message()) ==
        "fixture transaction 1, document 1: document failed validation against the read schema "
        "of t/rides: \"/km\": -1 is less than the minimum of 0");
  // Transactions before the failing one were emitted.
  Run partial =
      Preview(t, "t/bikes", R"([[["t/rides", {"id": 1, "bike": 1, "city": "paris", "km": 1}]],
                                          [["t/ride", {"id": 2}]]])");
  CHECK(partial.lines.size() == 1);
  CHECK(std::string(partial.status.message()) ==
        "fixture transaction 1, document 0: no collection named t/ride in the catalog");
  Run malformed = Preview(t, "t/bikes", R"([[["t/rides"]]])");
  CHECK(std::string(malformed.status.message()) ==
        "fixture transaction 0, document 0: expected a [collection, document] pair");
}

}  // namespace
}  // namespace flow::runtime::preview

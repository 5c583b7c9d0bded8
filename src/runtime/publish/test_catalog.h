// SPDX-License-Identifier: Apache-2.0
// runtime/publish/test_catalog.h: a partitioned collection for publish and read tests.
#pragma once

#include <string>

#include "catalog/testing.h"

namespace flow::runtime::publish::testing {

// acmeCo/rides: key /id, partitioned by /region (string) and /vip (boolean), with a
// summed counter so that combining within a transaction is observable.
inline const char* kRidesCatalog = R"(
collections:
  acmeCo/rides:
    key: [/id]
    schema:
      type: object
      reduce: { strategy: merge }
      required: [id, region, vip]
      properties:
        id: { type: integer }
        region: { type: string }
        vip: { type: boolean }
        n: { type: integer, minimum: 0, reduce: { strategy: sum } }
        note: { type: string }
    projections:
      region:
        location: /region
        partition: true
      vip:
        location: /vip
        partition: true
  acmeCo/plain:
    key: [/k]
    schema:
      type: object
      required: [k]
      properties:
        k: { type: string }
)";

struct RidesFixture : catalog::Fixture {
  RidesFixture() : catalog::Fixture(catalog::Files{{"flow.yaml", kRidesCatalog}}) {
    const catalog::Catalog& c = Load();
    REQUIRE_MESSAGE(!c.diagnostics.has_errors(), Diags());
    rides = c.FindCollection("acmeCo/rides");
    plain = c.FindCollection("acmeCo/plain");
    REQUIRE(rides != nullptr);
    REQUIRE(plain != nullptr);
  }
  const catalog::Collection* rides = nullptr;
  const catalog::Collection* plain = nullptr;
};

}  // namespace flow::runtime::publish::testing

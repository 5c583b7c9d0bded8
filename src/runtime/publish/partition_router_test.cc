// SPDX-License-Identifier: Apache-2.0
// runtime/publish/partition_router_test.cc: documents to partition journal names.
#include "runtime/publish/partition_router.h"

#include <doctest/doctest.h>

#include "doc/json.h"
#include "runtime/publish/test_catalog.h"

namespace flow::runtime::publish {
namespace {

doc::Node Parse(doc::Arena& arena, std::string_view json) {
  doc::Parser p;
  auto n = p.Parse(json, arena);
  REQUIRE(n.ok());
  return *n;
}

TEST_CASE("router: partition fields in name order, values escaped, pivot 00") {
  testing::RidesFixture fx;
  PartitionRouter router(*fx.rides);
  doc::Arena arena;
  auto a = router.Route(Parse(arena, R"({"id":1,"region":"us east/1","vip":true})"));
  REQUIRE(a.ok());
  CHECK(*a == "acmeCo/rides/region=us%20east%2F1/vip=true/pivot=00");
  // Cached names are stable and distinct per value.
  auto b = router.Route(Parse(arena, R"({"id":2,"region":"eu","vip":false})"));
  auto c = router.Route(Parse(arena, R"({"id":3,"region":"us east/1","vip":true})"));
  REQUIRE(b.ok());
  REQUIRE(c.ok());
  CHECK(*b == "acmeCo/rides/region=eu/vip=false/pivot=00");
  CHECK(c->data() == a->data());
  // A string "true" and the boolean true share a name, as in Flow.
  auto values = router.Values(Parse(arena, R"({"id":4,"region":"eu","vip":true})"));
  REQUIRE(values.ok());
  REQUIRE(values->size() == 2);
  CHECK((*values)[0].name == "region");
  CHECK((*values)[1].name == "vip");
}

TEST_CASE("router: a collection without partitions has one journal") {
  testing::RidesFixture fx;
  PartitionRouter router(*fx.plain);
  doc::Arena arena;
  auto a = router.Route(Parse(arena, R"({"k":"x"})"));
  REQUIRE(a.ok());
  CHECK(*a == "acmeCo/plain/pivot=00");
}

TEST_CASE("router: non-scalar partition values are rejected") {
  testing::RidesFixture fx;
  PartitionRouter router(*fx.rides);
  doc::Arena arena;
  auto r = router.Route(Parse(arena, R"({"id":1,"region":{"a":1},"vip":true})"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().Is(Code::kInvalidArgument));
  CHECK(r.status().message().find("partition field region") != std::string::npos);
  // A missing field routes as null.
  auto n = router.Route(Parse(arena, R"({"id":1,"vip":false})"));
  REQUIRE(n.ok());
  CHECK(*n == "acmeCo/rides/region=null/vip=false/pivot=00");
}

}  // namespace
}  // namespace flow::runtime::publish

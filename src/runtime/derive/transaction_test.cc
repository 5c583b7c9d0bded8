// SPDX-License-Identifier: Apache-2.0
// runtime/derive/transaction_test.cc: outputs combined by key in key order, output
// validation errors naming the transform, and commits carrying the checkpoint.
#include "runtime/derive/transaction.h"

#include <doctest/doctest.h>

#include "doc/json.h"
#include "runtime/derive/test_catalog.h"

namespace flow::runtime::derive {
namespace {

constexpr std::string_view kCatalog = R"(
collections:
  t/events:
    key: [/id]
    schema:
      type: object
      required: [id, user, n]
      properties:
        id: { type: integer }
        user: { type: string }
        n: { type: integer }
  t/totals:
    key: [/user]
    schema:
      type: object
      reduce: { strategy: merge }
      required: [user]
      properties:
        user: { type: string }
        total: { type: integer, maximum: 100, reduce: { strategy: sum } }
        seen: { type: integer, reduce: { strategy: maximize } }
    derive:
      using:
        sqlite:
          migrations:
            - CREATE TABLE counts (user TEXT PRIMARY KEY NOT NULL, c INTEGER NOT NULL);
      transforms:
        - name: sum
          source: t/events
          shuffle: { key: [/user] }
          lambda: |
            INSERT INTO counts (user, c) VALUES ($user, 1)
              ON CONFLICT (user) DO UPDATE SET c = c + 1 RETURNING $user, c AS seen;
            SELECT $user, $n AS total;
        - name: twice
          source: t/events
          shuffle: any
          lambda: SELECT $user, $n * 2 AS total;
)";

struct Harness {
  TestCatalog t{kCatalog};
  const catalog::Collection& totals = t.Collection("t/totals");
  doc::Arena arena;
  doc::Parser parser;

  doc::Node Doc(std::string_view json) {
    auto d = parser.Parse(json, arena);
    REQUIRE(d.ok());
    return *d;
  }
};

std::vector<std::string> CommitAll(Transaction& txn, std::string_view checkpoint) {
  std::vector<std::string> out;
  Status s = txn.Commit(checkpoint, [&](const doc::combine::DrainedDoc& d) {
    out.push_back(doc::ToJson(d.doc));
    return Status::OK();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

TEST_CASE("derive transaction: outputs are combined by key and drained in key order") {
  Harness h;
  std::string path = h.t.tmp->path() + "/state.db";
  {
    auto shard = SqliteDerivation::Open(h.totals, path);
    REQUIRE(shard.ok());
    Transaction txn(h.totals, **shard);
    REQUIRE(txn.Add(0, h.Doc(R"({"id":1,"user":"zed","n":5})"), "").ok());
    REQUIRE(txn.Add(0, h.Doc(R"({"id":2,"user":"ann","n":1})"), "").ok());
    REQUIRE(txn.Add(0, h.Doc(R"({"id":3,"user":"zed","n":7})"), "").ok());
    CHECK(txn.outputs() == 6);
    CHECK(CommitAll(txn, "cp-1") == std::vector<std::string>{
                                        R"({"seen":1,"total":1,"user":"ann"})",
                                        R"({"seen":2,"total":12,"user":"zed"})",
                                    });
    // The next transaction sees the committed state; a second transform's outputs
    // combine with the first's.
    REQUIRE(txn.Add(0, h.Doc(R"({"id":4,"user":"ann","n":2})"), "").ok());
    REQUIRE(txn.Add(1, h.Doc(R"({"id":4,"user":"ann","n":2})"), "").ok());
    CHECK(txn.outputs() == 3);
    CHECK(CommitAll(txn, "cp-2") ==
          std::vector<std::string>{R"({"seen":2,"total":6,"user":"ann"})"});
  }
  auto shard = SqliteDerivation::Open(h.totals, path);
  REQUIRE(shard.ok());
  CHECK(*(*shard)->LoadCheckpoint() == "cp-2");
}

TEST_CASE("derive transaction: invalid outputs name their transform") {
  Harness h;
  SUBCASE("reduced at Add") {
    auto shard = SqliteDerivation::Open(h.totals, ":memory:");
    REQUIRE(shard.ok());
    Transaction txn(h.totals, **shard);
    REQUIRE(txn.Add(0, h.Doc(R"({"id":1,"user":"a","n":1})"), "").ok());
    Status s = txn.Add(1, h.Doc(R"({"id":1,"user":"a","n":200})"), "");
    REQUIRE_FALSE(s.ok());
    std::string msg(s.message());
    CHECK_MESSAGE(msg.starts_with("output of transform \"twice\": derived document 2: document "
                                  "failed validation against t/totals"),
                  msg);
    CHECK(msg.find("400 is greater than the maximum of 100") != std::string::npos);
  }
  SUBCASE("validated at drain") {
    auto shard = SqliteDerivation::Open(h.totals, ":memory:");
    REQUIRE(shard.ok());
    Transaction txn(h.totals, **shard);
    REQUIRE(txn.Add(0, h.Doc(R"({"id":1,"user":"a","n":1})"), "").ok());
    REQUIRE(txn.Add(1, h.Doc(R"({"id":2,"user":"b","n":60})"), "").ok());
    Status s = txn.Commit("", [](const doc::combine::DrainedDoc&) { return Status::OK(); });
    REQUIRE_FALSE(s.ok());
    std::string msg(s.message());
    CHECK_MESSAGE(msg.starts_with("output of transform \"twice\": derived document 2: "), msg);
    CHECK(msg.find("120 is greater than the maximum of 100") != std::string::npos);
  }
  SUBCASE("lambda errors pass through") {
    auto shard = SqliteDerivation::Open(h.totals, ":memory:");
    REQUIRE(shard.ok());
    Transaction txn(h.totals, **shard);
    Status s = txn.Add(0, h.Doc(R"({"id":1,"n":1})"), "");
    REQUIRE_FALSE(s.ok());
    CHECK(std::string(s.message())
              .starts_with("failed to invoke transform \"sum\" lambda statement at offset 0:"));
  }
}

}  // namespace
}  // namespace flow::runtime::derive

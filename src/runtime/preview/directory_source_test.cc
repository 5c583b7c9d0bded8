// SPDX-License-Identifier: Apache-2.0
// runtime/preview/directory_source_test.cc: previewing a data directory written by the
// ingest path: committed documents only, in publish order across collections, as one
// transaction.
#include "runtime/preview/directory_source.h"

#include <doctest/doctest.h>

#include "doc/json.h"
#include "runtime/derive/test_catalog.h"
#include "runtime/publish/ingest.h"

namespace flow::runtime::preview {
namespace {

using derive::TestCatalog;

constexpr std::string_view kCatalog = R"(
collections:
  t/a:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: string } } }
  t/b:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: string } } }
  t/seq:
    key: [/id]
    schema:
      type: object
      required: [id, n]
      properties: { id: { type: string }, n: { type: integer }, at: { type: string } }
    derive:
      using:
        sqlite:
          migrations: [ "CREATE TABLE log (n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT);" ]
      transforms:
        - name: fromA
          source: t/a
          shuffle: any
          lambda: INSERT INTO log (id) VALUES ($id) RETURNING id, n, $flow_published_at AS at;
        - name: fromB
          source: t/b
          shuffle: any
          lambda: INSERT INTO log (id) VALUES ($id) RETURNING id, n, $flow_published_at AS at;
)";

void Ingest(const catalog::Collection& c, const std::string& dir, std::string_view doc,
            bool commit = true) {
  auto ing = publish::Ingester::Open(c, dir, {});
  REQUIRE_MESSAGE(ing.ok(), ing.status().ToString());
  REQUIRE((*ing)->Consume(std::string(doc) + "\n", 1).ok());
  if (commit) {
    auto info = (*ing)->Commit();
    REQUIRE_MESSAGE(info.ok(), info.status().ToString());
    REQUIRE((*ing)->Close().ok());
  } else {
    (*ing)->Abort();
  }
}

TEST_CASE("directory source: committed documents in publish order, as one transaction") {
  TestCatalog t(kCatalog);
  const std::string dir = t.tmp->path() + "/data";
  Ingest(t.Collection("t/a"), dir, R"({"id":"a1"})");
  Ingest(t.Collection("t/b"), dir, R"({"id":"b1"})");
  Ingest(t.Collection("t/a"), dir, R"({"id":"a2"})");
  Ingest(t.Collection("t/b"), dir, R"({"id":"b2"})", /*commit=*/false);

  const catalog::Collection& seq = t.Collection("t/seq");
  auto source = NewDirectorySource(seq, dir);
  REQUIRE_MESSAGE(source.ok(), source.status().ToString());
  std::vector<std::string> ids;
  std::vector<std::string> ats;
  PreviewStats stats;
  Status s = RunPreview(
      *t.cat, seq, **source,
      [&](const doc::Node& d) {
        ids.push_back(doc::ToJson(*d.Find("id")) + "=" + doc::ToJson(*d.Find("n")));
        ats.push_back(std::string(d.Find("at")->as_string()));
        return Status::OK();
      },
      &stats);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  // Sequence numbers follow publish order across the two collections; the rolled-back
  // b2 is never read; outputs come in key order.
  CHECK(ids == std::vector<std::string>{R"("a1"=1)", R"("a2"=3)", R"("b1"=2)"});
  CHECK(stats.transactions == 1);
  CHECK(stats.documents == 3);
  // flow_published_at is the UUID clock: RFC 3339, increasing in publish order.
  REQUIRE(ats.size() == 3);
  CHECK(ats[0].ends_with("Z"));
  CHECK(ats[0] < ats[2]);
  CHECK(ats[2] < ats[1]);
}

TEST_CASE("directory source: a missing directory, and an empty one") {
  TestCatalog t(kCatalog);
  auto missing = NewDirectorySource(t.Collection("t/seq"), t.tmp->path() + "/nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::kNotFound);
  CHECK(std::string(missing.status().message()).find("/nope does not exist") != std::string::npos);

  auto empty = NewDirectorySource(t.Collection("t/seq"), t.tmp->path());
  REQUIRE_MESSAGE(empty.ok(), empty.status().ToString());
  PreviewStats stats;
  int outputs = 0;
  REQUIRE(RunPreview(
              *t.cat, t.Collection("t/seq"), **empty,
              [&](const doc::Node&) {
                ++outputs;
                return Status::OK();
              },
              &stats)
              .ok());
  CHECK(outputs == 0);
  CHECK(stats.transactions == 0);
}

}  // namespace
}  // namespace flow::runtime::preview

// SPDX-License-Identifier: Apache-2.0
// runtime/publish/publisher_test.cc: UUID stamping, combining, routing and the
// append/ACK protocol of a Publisher.
#include "runtime/publish/publisher.h"

#include <doctest/doctest.h>

#include "base/file.h"
#include "base/gzip.h"
#include "doc/json.h"
#include "runtime/publish/test_catalog.h"
#include "storage/fragment_listing.h"
#include "storage/journal.h"
#include "storage/journal_reader.h"
#include "storage/mem_store.h"

namespace flow::runtime::publish {
namespace {

constexpr int64_t kT0 = int64_t{1714568842} * 1'000'000'000;  // 2024-05-01T13:07:22Z
int64_t FixedNow() {
  return kT0;
}

std::string WithUuid(std::string_view json) {
  doc::Arena arena;
  doc::Parser p;
  auto n = p.Parse(json, arena);
  REQUIRE(n.ok());
  std::string out;
  REQUIRE(AppendDocumentWithUuid(*n, "00000000-0000-1000-8000-000000000000", &out).ok());
  return out;
}

TEST_CASE("publisher: /_meta/uuid is inserted in sorted position, merging _meta") {
  const std::string u = "\"uuid\":\"00000000-0000-1000-8000-000000000000\"";
  CHECK(WithUuid(R"({"b":1,"a":2})") == "{\"_meta\":{" + u + "},\"a\":2,\"b\":1}");
  CHECK(WithUuid(R"({"A":1,"z":[1,{"y":null}]})") ==
        "{\"A\":1,\"_meta\":{" + u + "},\"z\":[1,{\"y\":null}]}");
  CHECK(WithUuid(R"({})") == "{\"_meta\":{" + u + "}}");
  CHECK(WithUuid(R"({"_meta":{"a":1,"uuid":"old","z":true},"x":"\u00e9\n"})") ==
        "{\"_meta\":{\"a\":1," + u + ",\"z\":true},\"x\":\"\u00e9\\n\"}");
  CHECK(WithUuid(R"({"_meta":"junk"})") == "{\"_meta\":{" + u + "}}");
  doc::Arena arena;
  std::string out;
  CHECK(AppendDocumentWithUuid(doc::Node::PosInt(3), "x", &out).Is(Code::kInvalidArgument));
}

TEST_CASE("publisher: ACK documents are Flow's") {
  storage::ProducerId p{{0x01, 0x02, 0x03, 0x04, 0x05, 0x06}};
  storage::Uuid u = storage::Uuid::Build(p, storage::Clock::FromUnixNanos(kT0), storage::kAckTxn);
  CHECK(AckLine(u) ==
        "{\"_meta\":{\"uuid\":\"bf356100-07bb-11ef-8002-010203040506\",\"ack\":true}}\n");
}

struct Fixture : testing::RidesFixture {
  Fixture() : tmp(std::move(ScopedTempDir::Create("publisher-test-")).value()) {
    store.SetClock([] { return int64_t{1714568842}; });
    options.now = FixedNow;
  }
  std::unique_ptr<Publisher> Open() {
    auto p = Publisher::Open(*rides, &store, tmp.Join("spool"), options);
    REQUIRE(p.ok());
    return std::move(p).value();
  }
  // The committed lines of `journal` (spools and fragments).
  std::vector<std::string> Lines(const std::string& journal) {
    auto index = storage::LoadJournalIndex(store, tmp.Join("spool"), journal);
    REQUIRE(index.ok());
    storage::JournalReader reader(&*index, &store);
    std::vector<std::string> out;
    while (true) {
      auto line = reader.Next(1714568842);
      REQUIRE(line.ok());
      if (!*line)
        return out;
      out.emplace_back((*line)->content);
    }
  }

  ScopedTempDir tmp;
  storage::MemStore store;
  PublisherOptions options;
};

doc::Node ParseLine(doc::Arena& arena, std::string_view line) {
  doc::Parser p;
  auto n = p.Parse(line, arena);
  REQUIRE(n.ok());
  return *n;
}

storage::Uuid UuidOf(const doc::Node& doc) {
  const doc::Node* meta = doc.Find("_meta");
  REQUIRE(meta != nullptr);
  const doc::Node* u = meta->Find("uuid");
  REQUIRE(u != nullptr);
  auto uuid = storage::Uuid::Parse(u->as_string());
  REQUIRE(uuid.ok());
  return *uuid;
}

TEST_CASE("publisher: a transaction is combined, stamped, routed, appended, then ACKed") {
  Fixture fx;
  auto pub = fx.Open();
  const char* docs[] = {
      R"({"id":3,"region":"eu","vip":false,"n":1})",
      R"({"id":1,"region":"us","vip":true,"n":5})",
      R"({"id":3,"region":"eu","vip":false,"n":2,"note":"again"})",
      R"({"id":2,"region":"eu","vip":false})",
  };
  for (uint64_t i = 0; i < 4; ++i)
    REQUIRE(pub->AddJson(docs[i], i + 1).ok());
  CHECK(pub->txn_docs() == 4);
  auto txn = pub->Prepare();
  REQUIRE_MESSAGE(txn.ok(), txn.status().ToString());
  CHECK(txn->docs == 3);  // ids 1, 2, 3
  const std::string eu = "acmeCo/rides/region=eu/vip=false/pivot=00";
  const std::string us = "acmeCo/rides/region=us/vip=true/pivot=00";
  REQUIRE(txn->appends.size() == 2);
  CHECK(txn->appends[0].journal == eu);
  CHECK(txn->appends[0].docs == 2);
  CHECK(txn->appends[0].begin == 0);
  CHECK(txn->appends[1].journal == us);
  REQUIRE(txn->acks.size() == 2);
  CHECK(txn->acks[0].journal == eu);

  // Appended, not yet acknowledged.
  auto eu_lines = fx.Lines(eu);
  REQUIRE(eu_lines.size() == 2);
  doc::Arena arena;
  doc::Node d2 = ParseLine(arena, eu_lines[0]);
  doc::Node d3 = ParseLine(arena, eu_lines[1]);
  CHECK(d2.Find("id")->as_u64() == 2);  // key order
  CHECK(d3.Find("n")->as_u64() == 3);   // 1 + 2, reduced within the transaction
  CHECK(d3.Find("note")->as_string() == "again");
  storage::Uuid u2 = UuidOf(d2), u3 = UuidOf(d3);
  CHECK(u2.flags() == storage::kContinueTxn);
  CHECK(u3.flags() == storage::kContinueTxn);
  CHECK(u2.producer() == pub->producer());
  CHECK(u2.clock() < u3.clock());
  CHECK(u2.clock().ToUnixNanos() / 1000000000 == kT0 / 1000000000);

  REQUIRE(pub->Acknowledge(txn->acks).ok());
  eu_lines = fx.Lines(eu);
  REQUIRE(eu_lines.size() == 3);
  CHECK(eu_lines[2] == txn->acks[0].line);
  storage::Uuid ack = UuidOf(ParseLine(arena, eu_lines[2]));
  CHECK(ack.flags() == storage::kAckTxn);
  CHECK(ack.producer() == pub->producer());
  CHECK(ack.clock() > u3.clock());
  // The us journal's ACK clock is past every document of the transaction too.
  CHECK(UuidOf(ParseLine(arena, txn->acks[1].line)).clock() > ack.clock());

  // Close rolls everything into fragments, precompressed on the worker.
  REQUIRE(pub->Close().ok());
  // (The journal's first write is rolled early, as Gazette does: two fragments.)
  auto fragments = storage::ListJournalFragments(fx.store, eu);
  REQUIRE(fragments.ok());
  CHECK(fragments->size() == 2);
  std::string content;
  for (const storage::Fragment& f : *fragments) {
    auto body = fx.store.Get(f.ContentPath());
    REQUIRE(body.ok());
    auto decoded = GzipDecompress(*body);
    REQUIRE(decoded.ok());
    content += *decoded;
  }
  CHECK(content == eu_lines[0] + eu_lines[1] + eu_lines[2]);
  CHECK(pub->persister().precompressed_count() == 4);
}

TEST_CASE("publisher: an invalid document appends nothing") {
  Fixture fx;
  auto pub = fx.Open();
  REQUIRE(pub->AddJson(R"({"id":1,"region":"eu","vip":false})", 1).ok());
  Status s = pub->AddJson(R"({"id":2,"region":"eu","vip":false,"n":-4})", 2);
  if (s.ok()) {
    auto txn = pub->Prepare();  // the combiner may report it at drain
    REQUIRE_FALSE(txn.ok());
    s = txn.status();
  }
  CHECK(s.Is(Code::kInvalidArgument));
  CHECK(s.message().find("document 2") != std::string::npos);
  CHECK(s.message().find("minimum") != std::string::npos);
  pub->Abort();
  CHECK(fx.Lines("acmeCo/rides/region=eu/vip=false/pivot=00").empty());
  // The next transaction works.
  REQUIRE(pub->AddJson(R"({"id":5,"region":"eu","vip":false})", 3).ok());
  auto txn = pub->Prepare();
  REQUIRE(txn.ok());
  CHECK(txn->docs == 1);
  CHECK(fx.Lines("acmeCo/rides/region=eu/vip=false/pivot=00").size() == 1);
}

TEST_CASE("publisher: ACK intents of another publisher can be re-appended") {
  Fixture fx;
  std::vector<AckIntent> acks;
  {
    auto pub = fx.Open();
    REQUIRE(pub->AddJson(R"({"id":1,"region":"eu","vip":false})", 1).ok());
    auto txn = pub->Prepare();
    REQUIRE(txn.ok());
    acks = txn->acks;
    // Dies before acknowledging.
  }
  auto pub = fx.Open();
  REQUIRE(pub->Acknowledge(acks).ok());
  auto lines = fx.Lines("acmeCo/rides/region=eu/vip=false/pivot=00");
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] == acks[0].line);
  // Journals of other collections are refused.
  CHECK_FALSE(pub->Acknowledge({{"acmeCo/plain/pivot=00", "{}\n"}}).ok());
}

}  // namespace
}  // namespace flow::runtime::publish

// SPDX-License-Identifier: Apache-2.0
// runtime/read/collection_reader_test.cc: read-committed collection reads, selectors,
// crash recovery as readers see it, sequencer replays and live following.
#include "runtime/read/collection_reader.h"

#include <doctest/doctest.h>

#include "base/file.h"
#include "base/uv_loop.h"
#include "runtime/publish/ingest.h"
#include "runtime/publish/test_catalog.h"
#include "storage/spool_dir.h"

namespace flow::runtime::read {
namespace {

struct Fixture : publish::testing::RidesFixture {
  Fixture() : tmp(std::move(ScopedTempDir::Create("reader-test-")).value()), dir(tmp.Join("d")) {}

  std::unique_ptr<publish::Ingester> Ingest() {
    auto in = publish::Ingester::Open(*rides, dir, {});
    REQUIRE_MESSAGE(in.ok(), in.status().ToString());
    return std::move(in).value();
  }
  // Commits one transaction of `docs` through `in`.
  void Commit(publish::Ingester& in, const std::vector<std::string>& docs) {
    for (const std::string& d : docs)
      REQUIRE(in.Consume(d, in.input_lines() + 1).ok());
    auto c = in.Commit();
    REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  }
  // Every document delivered, as "<journal suffix>:<id>" (ACKs must never appear).
  std::vector<std::string> Read(CollectionReadOptions o = {}) {
    auto r = CollectionReader::Open("acmeCo/rides", dir, o);
    REQUIRE(r.ok());
    std::vector<std::string> out;
    Status s = (*r)->ReadAvailable([&](const ReadDocument& d) {
      CHECK(d.line.back() == '\n');
      CHECK(d.line.find("\"ack\"") == std::string_view::npos);
      out.push_back(Describe(d));
      return Status::OK();
    });
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    return out;
  }
  static std::string Describe(const ReadDocument& d) {
    std::string_view line = d.line;
    size_t at = line.find("\"id\":") + 5;
    std::string id(line.substr(at, line.find_first_of(",}", at) - at));
    std::string_view j = d.journal;
    j.remove_prefix(std::string_view("acmeCo/rides/region=").size());
    return std::string(j.substr(0, j.find('/'))) + ":" + id;
  }

  ScopedTempDir tmp;
  std::string dir;
};

std::string Doc(int id, std::string_view region = "eu") {
  return "{\"id\":" + std::to_string(id) + ",\"region\":\"" + std::string(region) +
         "\",\"vip\":" + (region == "eu" ? "false" : "true") + "}";
}

using V = std::vector<std::string>;

}  // namespace
}  // namespace flow::runtime::read

namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& v) {
    std::string out = "[";
    for (const std::string& s : v)
      out += (out.size() > 1 ? ", " : "") + s;
    return (out + "]").c_str();
  }
};
}  // namespace doctest

namespace flow::runtime::read {
namespace {

TEST_CASE("reader: committed documents in journal order; uncommitted ones only on request") {
  Fixture fx;
  auto in = fx.Ingest();
  fx.Commit(*in, {Doc(2), Doc(5, "us"), Doc(1)});
  // A transaction whose documents are appended but never acknowledged (no Commit()).
  publish::PublisherOptions po;
  auto store = storage::LocalDirStore::Open(fx.dir + "/fragments");
  REQUIRE(store.ok());
  in.reset();  // release the journals (as a crash would)
  auto pub = publish::Publisher::Open(*fx.rides, store->get(), fx.dir + "/spool", po);
  REQUIRE(pub.ok());
  REQUIRE((*pub)->AddJson(Doc(9), 1).ok());
  REQUIRE((*pub)->Prepare().ok());

  CHECK(fx.Read() == V{"eu:1", "eu:2", "us:5"});
  CollectionReadOptions uncommitted;
  uncommitted.uncommitted = true;
  CHECK(fx.Read(uncommitted) == V{"eu:1", "eu:2", "eu:9", "us:5"});
}

TEST_CASE("reader: partition selectors pick journals by name") {
  Fixture fx;
  auto in = fx.Ingest();
  fx.Commit(*in, {Doc(1), Doc(2, "us"), Doc(3, "ap")});
  REQUIRE(in->Close().ok());
  CollectionReadOptions o;
  auto sel =
      ParsePartitionSelector(R"({"include":{"region":["eu","us"]},"exclude":{"vip":[true]}})");
  REQUIRE(sel.ok());
  o.selector = *sel;
  CHECK(fx.Read(o) == V{"eu:1"});
  o.selector = *ParsePartitionSelector(R"({"include":{"vip":[true]}})");
  CHECK(fx.Read(o) == V{"ap:3", "us:2"});
  o.selector = *ParsePartitionSelector(R"({"include":{"nope":["x"]}})");
  CHECK(fx.Read(o).empty());

  CHECK_FALSE(ParsePartitionSelector("{").ok());
  CHECK_FALSE(ParsePartitionSelector(R"({"includes":{}})").ok());
  CHECK_FALSE(ParsePartitionSelector(R"({"include":{"a":"x"}})").ok());
  CHECK_FALSE(ParsePartitionSelector(R"({"include":{"a":[1.5]}})").ok());
}

TEST_CASE("reader: a commit interrupted after its checkpoint is finished by recovery") {
  Fixture fx;
  {
    auto in = fx.Ingest();
    fx.Commit(*in, {Doc(1)});
    REQUIRE(in->Close().ok());
  }
  {
    // The next ingest prepares a transaction and writes its checkpoint, then dies
    // before appending its ACKs.
    auto store = storage::LocalDirStore::Open(fx.dir + "/fragments");
    REQUIRE(store.ok());
    auto pub = publish::Publisher::Open(*fx.rides, store->get(), fx.dir + "/spool", {});
    REQUIRE(pub.ok());
    REQUIRE((*pub)->AddJson(Doc(2), 1).ok());
    REQUIRE((*pub)->AddJson(Doc(3, "us"), 2).ok());
    auto txn = (*pub)->Prepare();
    REQUIRE(txn.ok());
    auto file = publish::CheckpointFile::Open(
        fx.dir + "/ingest/" + storage::SpoolFileStem("acmeCo/rides") + ".checkpoint");
    REQUIRE(file.ok());
    publish::IngestCheckpoint cp;
    cp.collection = "acmeCo/rides";
    cp.producer = (*pub)->producer().ToString();
    cp.txn = 1;
    cp.input_lines = 2;
    cp.acks = txn->acks;
    REQUIRE(file->Write(publish::EncodeIngestCheckpoint(cp)).ok());
  }
  CHECK(fx.Read() == V{"eu:1"});  // not committed yet: no ACK in any journal
  {
    auto in = fx.Ingest();
    CHECK(in->recovered_unclean());
    CHECK(fx.Read() == V{"eu:1", "eu:2", "us:3"});
    // A later transaction of the same run, abandoned: rolled back by the next recovery.
    REQUIRE(in->Consume(Doc(4), 1).ok());
    auto c = in->Commit();
    REQUIRE(c.ok());
  }
  CHECK(fx.Read() == V{"eu:1", "eu:2", "eu:4", "us:3"});
  {
    auto in = fx.Ingest();
    REQUIRE(in->Close().ok());
  }
  // Re-sent ACKs deliver nothing twice.
  CHECK(fx.Read() == V{"eu:1", "eu:2", "eu:4", "us:3"});
}

TEST_CASE("reader: a dead producer's unacknowledged documents are never delivered") {
  Fixture fx;
  {
    auto in = fx.Ingest();
    fx.Commit(*in, {Doc(1)});
  }
  {
    // Another producer appends a transaction and dies before acknowledging it.
    auto store = storage::LocalDirStore::Open(fx.dir + "/fragments");
    REQUIRE(store.ok());
    auto pub = publish::Publisher::Open(*fx.rides, store->get(), fx.dir + "/spool", {});
    REQUIRE(pub.ok());
    REQUIRE((*pub)->AddJson(Doc(7), 1).ok());
    REQUIRE((*pub)->Prepare().ok());
  }
  {
    // Recovery re-appends the first ingest's ACK; later commits of other producers
    // do not commit the dead one's documents.
    auto in = fx.Ingest();
    fx.Commit(*in, {Doc(3)});
    REQUIRE(in->Close().ok());
  }
  CHECK(fx.Read() == V{"eu:1", "eu:3"});
}

TEST_CASE("reader: transactions longer than the sequencer's ring are replayed") {
  Fixture fx;
  auto in = fx.Ingest();
  std::vector<std::string> docs;
  V expect;
  for (int i = 10; i < 40; ++i) {
    docs.push_back(Doc(i));
    expect.push_back("eu:" + std::to_string(i));
  }
  fx.Commit(*in, docs);
  fx.Commit(*in, {Doc(50)});
  expect.push_back("eu:50");
  REQUIRE(in->Close().ok());
  CollectionReadOptions o;
  o.ring_size = 4;
  CHECK(fx.Read(o) == expect);
}

TEST_CASE("reader: Follow delivers new commits as the spool directory changes") {
  Fixture fx;
  auto in = fx.Ingest();
  fx.Commit(*in, {Doc(1)});
  auto loop = UvLoop::Create();
  REQUIRE(loop.ok());
  auto reader = CollectionReader::Open("acmeCo/rides", fx.dir, {});
  REQUIRE(reader.ok());
  V seen;
  int step = 0;
  Status failure;
  // Each delivery triggers the next write from the loop (so nothing polls or sleeps);
  // after the third the reader stops.
  uv_timer_t kick;
  uv_timer_init(loop->get(), &kick);
  struct Ctx {
    Fixture* fx;
    publish::Ingester* in;
    int* step;
  } ctx{&fx, in.get(), &step};
  kick.data = &ctx;
  Status s = (*reader)->Follow(loop->get(), [&](const ReadDocument& d) -> Status {
    seen.push_back(Fixture::Describe(d));
    if (seen.size() == 3) {
      (*reader)->Stop();
      return Status::OK();
    }
    uv_timer_start(
        &kick,
        [](uv_timer_t* t) {
          auto* c = static_cast<Ctx*>(t->data);
          ++*c->step;
          std::string d = *c->step == 1 ? Doc(2, "us") : Doc(3);
          REQUIRE(c->in->Consume(d, c->in->input_lines() + 1).ok());
          REQUIRE(c->in->Commit().ok());
        },
        0, 0);
    return Status::OK();
  });
  uv_close(reinterpret_cast<uv_handle_t*>(&kick), nullptr);
  loop->Run();
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(seen == V{"eu:1", "us:2", "eu:3"});
  CHECK(step == 2);
}

}  // namespace
}  // namespace flow::runtime::read

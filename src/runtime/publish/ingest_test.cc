// SPDX-License-Identifier: Apache-2.0
// runtime/publish/ingest_test.cc: ingest transactions, checkpoints, recovery and resume.
#include "runtime/publish/ingest.h"

#include <doctest/doctest.h>

#include "base/file.h"
#include "base/sha1.h"
#include "runtime/publish/test_catalog.h"
#include "storage/journal.h"
#include "storage/journal_reader.h"
#include "storage/spool_dir.h"

namespace flow::runtime::publish {
namespace {

const std::string kEu = "acmeCo/rides/region=eu/vip=false/pivot=00";

struct Fixture : testing::RidesFixture {
  Fixture() : tmp(std::move(ScopedTempDir::Create("ingest-test-")).value()), dir(tmp.Join("d")) {}

  Result<std::unique_ptr<Ingester>> Open(bool resume = false) {
    IngestOptions o;
    o.resume = resume;
    return Ingester::Open(*rides, dir, o);
  }
  std::vector<std::string> Lines(const std::string& journal) {
    auto store = storage::LocalDirStore::Open(FragmentsDir(dir));
    REQUIRE(store.ok());
    auto index = storage::LoadJournalIndex(**store, SpoolDir(dir), journal);
    REQUIRE(index.ok());
    storage::JournalReader reader(&*index, store->get());
    std::vector<std::string> out;
    while (true) {
      auto line = reader.Next(0);
      REQUIRE(line.ok());
      if (!*line)
        return out;
      out.emplace_back((*line)->content);
    }
  }
  IngestCheckpoint Checkpoint() {
    auto f = CheckpointFile::Open(IngestDir(dir) + "/" + storage::SpoolFileStem(rides->name) +
                                  ".checkpoint");
    REQUIRE(f.ok());
    REQUIRE(f->payload().has_value());
    auto cp = DecodeIngestCheckpoint(*f->payload());
    REQUIRE(cp.ok());
    return *cp;
  }

  ScopedTempDir tmp;
  std::string dir;
};

std::string Doc(int id) {
  return "{\"id\":" + std::to_string(id) + ",\"region\":\"eu\",\"vip\":false}\n";
}

TEST_CASE("ingest: transactions commit, the checkpoint tracks the input, close is clean") {
  Fixture fx;
  auto in = fx.Open();
  REQUIRE(in.ok());
  CHECK_FALSE((*in)->recovered().has_value());
  REQUIRE((*in)->Consume(Doc(1), 1).ok());
  REQUIRE((*in)->Consume("  \n", 2).ok());  // blank lines count as input only
  REQUIRE((*in)->Consume(Doc(2), 3).ok());
  auto c1 = (*in)->Commit();
  REQUIRE_MESSAGE(c1.ok(), c1.status().ToString());
  REQUIRE(c1->has_value());
  CHECK((*c1)->txn == 1);
  CHECK((*c1)->first_line == 1);
  CHECK((*c1)->last_line == 3);
  CHECK((*c1)->input_docs == 2);
  CHECK((*c1)->published.docs == 2);
  IngestCheckpoint cp = fx.Checkpoint();
  CHECK(cp.txn == 1);
  CHECK(cp.input_lines == 3);
  CHECK(cp.input_bytes == Doc(1).size() + 3 + Doc(2).size());
  CHECK(cp.last_line_sha1 == Sha1Hex(Doc(2)));
  CHECK(cp.acks == (*c1)->published.acks);
  // Nothing to commit: no transaction.
  auto none = (*in)->Commit();
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  REQUIRE((*in)->Consume(Doc(3), 4).ok());
  auto c2 = (*in)->Commit();
  REQUIRE(c2.ok());
  CHECK((*c2)->txn == 2);
  CHECK((*c2)->first_line == 4);
  // A second ingest of the same collection is refused while this one runs.
  auto other = fx.Open();
  REQUIRE_FALSE(other.ok());
  CHECK(other.status().Is(Code::kFailedPrecondition));
  CHECK(other.status().message().find("another flowctl ingest") != std::string::npos);

  REQUIRE((*in)->Close().ok());
  CHECK(fx.Checkpoint().acks.empty());
  in->reset();
  // 3 documents and 2 ACKs, all in fragments now.
  auto lines = fx.Lines(kEu);
  CHECK(lines.size() == 5);
  auto again = fx.Open();
  REQUIRE(again.ok());
  REQUIRE((*again)->recovered().has_value());
  CHECK_FALSE((*again)->recovered_unclean());
  REQUIRE((*again)->Close().ok());
  CHECK(fx.Lines(kEu).size() == 5);  // a clean close leaves nothing to re-append
}

TEST_CASE("ingest: recovery re-appends the checkpointed ACKs; resume skips committed input") {
  Fixture fx;
  std::vector<std::string> input;
  for (int i = 1; i <= 6; ++i)
    input.push_back(Doc(i));
  {
    auto in = fx.Open();
    REQUIRE(in.ok());
    for (uint64_t i = 0; i < 4; ++i)
      REQUIRE((*in)->Consume(input[i], i + 1).ok());
    REQUIRE((*in)->Commit().ok());
    // A second transaction gets as far as its documents; then the process dies.
    REQUIRE((*in)->Consume(input[4], 5).ok());
    // (No Commit and no Close: the destructor leaves spools as after a crash.)
  }
  CHECK(fx.Lines(kEu).size() == 5);  // 4 documents and the ACK
  {
    auto in = fx.Open(/*resume=*/true);
    REQUIRE(in.ok());
    CHECK((*in)->recovered_unclean());
    CHECK((*in)->recovered()->input_lines == 4);
    // The ACK was re-appended: a rollback for anything that followed it.
    auto lines = fx.Lines(kEu);
    REQUIRE(lines.size() == 6);
    CHECK(lines[5] == lines[4]);
    for (uint64_t i = 0; i < 6; ++i)
      REQUIRE((*in)->Consume(input[i], i + 1).ok());
    REQUIRE((*in)->FinishInput().ok());
    auto c = (*in)->Commit();
    REQUIRE(c.ok());
    CHECK((*c)->txn == 2);
    CHECK((*c)->first_line == 5);
    CHECK((*c)->input_docs == 2);
    REQUIRE((*in)->Close().ok());
  }
  {
    // Resuming with different input is refused at the first differing line.
    auto in = fx.Open(true);
    REQUIRE(in.ok());
    // Detected at the end of the checkpointed part (its bytes and last line), before
    // anything is published.
    Status s;
    for (uint64_t i = 0; i < 6 && s.ok(); ++i)
      s = (*in)->Consume(i == 1 ? Doc(99) : input[i], i + 1);
    CHECK(s.Is(Code::kFailedPrecondition));
    CHECK(s.message().find("cannot resume") != std::string::npos);
  }
  {
    // ... and so is input that ends before the checkpoint.
    auto in = fx.Open(true);
    REQUIRE(in.ok());
    REQUIRE((*in)->Consume(input[0], 1).ok());
    CHECK((*in)->FinishInput().Is(Code::kFailedPrecondition));
  }
}

TEST_CASE("ingest: an invalid document fails its transaction with the line number") {
  Fixture fx;
  auto in = fx.Open();
  REQUIRE(in.ok());
  REQUIRE((*in)->Consume(Doc(1), 1).ok());
  REQUIRE((*in)->Commit().ok());
  Status s = (*in)->Consume(Doc(2), 2);
  if (s.ok())
    s = (*in)->Consume("{\"id\":3,\"region\":7,\"vip\":false}\n", 3);
  if (s.ok())
    s = (*in)->Commit().status();
  CHECK(s.Is(Code::kInvalidArgument));
  CHECK(s.message().find("line 3") != std::string::npos);
  (*in)->Abort();
  REQUIRE((*in)->Close().ok());
  // Only the first transaction's document and ACK.
  CHECK(fx.Lines(kEu).size() == 2);
  CHECK(fx.Lines("acmeCo/rides/region=7/vip=false/pivot=00").empty());
}

}  // namespace
}  // namespace flow::runtime::publish

// SPDX-License-Identifier: Apache-2.0
// runtime/publish/fragment_persister_test.cc: precompressed persists, and the fallback
// for spools the persister did not see in full.
#include "runtime/publish/fragment_persister.h"

#include <doctest/doctest.h>

#include "base/file.h"
#include "base/gzip.h"
#include "base/sha1.h"
#include "storage/fragment_listing.h"
#include "storage/mem_store.h"

namespace flow::runtime::publish {
namespace {

constexpr int64_t kT0 = int64_t{1714568842} * 1'000'000'000;  // 2024-05-01T13:07:22Z
constexpr char kJournal[] = "acmeCo/orders/pivot=00";

std::string Lines(int from, int n) {
  std::string s;
  for (int i = from; i < from + n; ++i)
    s += "{\"id\":" + std::to_string(i) + ",\"pad\":\"abcdefghijklmnopqrstuvwxyz\"}\n";
  return s;
}

struct Fixture {
  Fixture() : tmp(std::move(ScopedTempDir::Create("persister-test-")).value()) {
    store.SetClock([] { return int64_t{1714568842}; });
    options.postfix = *storage::PostfixTemplate::Parse(storage::kFlowPostfixTemplate);
    options.persist_inline = false;
  }
  std::unique_ptr<storage::Journal> Open() {
    auto j = storage::Journal::Open(kJournal, options, &store, tmp.Join("spool"), kT0);
    REQUIRE_MESSAGE(j.ok(), j.status().ToString());
    return std::move(j).value();
  }
  // Appends through the journal and tells the persister (as the Publisher does).
  void Append(storage::Journal& j, FragmentPersister& p, const std::string& content) {
    auto r = j.Append(content, kT0);
    REQUIRE(r.ok());
    for (storage::PersistTask& t : j.TakePendingPersists())
      p.Persist(j.name(), std::move(t));
    p.Appended(j.name(), j.active_spool()->begin(), r->begin, content);
  }
  void Finish(storage::Journal& j, FragmentPersister& p) {
    REQUIRE(j.Roll(kT0).ok());
    for (storage::PersistTask& t : j.TakePendingPersists())
      p.Persist(j.name(), std::move(t));
    p.Wait();
    for (CompletedPersist& c : p.TakeCompleted()) {
      REQUIRE_MESSAGE(c.result.ok(), c.result.status().ToString());
      REQUIRE(j.CompletePersist(c.task, std::move(c.result)).ok());
    }
    REQUIRE(j.sealed_count() == 0);
    REQUIRE(j.Close(kT0).ok());
  }
  // All stored content in offset order, each fragment checked against its name.
  std::string Stored(size_t* count) {
    auto fragments = storage::ListJournalFragments(store, kJournal);
    REQUIRE(fragments.ok());
    std::string all;
    for (const storage::Fragment& f : *fragments) {
      CHECK(f.path_postfix == "utc_date=2024-05-01/utc_hour=13");
      auto body = store.Get(f.ContentPath());
      REQUIRE(body.ok());
      auto content = GzipDecompress(*body);
      REQUIRE(content.ok());
      CHECK(static_cast<int64_t>(content->size()) == f.size());
      CHECK(Sha1Hex(*content) == f.sum.ToHex());
      CHECK(f.begin == static_cast<int64_t>(all.size()));
      all += *content;
    }
    *count = fragments->size();
    return all;
  }

  ScopedTempDir tmp;
  storage::MemStore store;
  storage::JournalOptions options;
};

TEST_CASE("persister: fragments come from content compressed as it was appended") {
  Fixture fx;
  PersisterOptions po;
  po.member_bytes = 1000;  // several members per fragment
  FragmentPersister p(&fx.store, po);
  auto j = fx.Open();
  std::string all;
  for (int i = 0; i < 6; ++i) {
    std::string content = Lines(i * 100, 100);
    fx.Append(*j, p, content);
    all += content;
  }
  fx.Finish(*j, p);
  size_t count = 0;
  CHECK(fx.Stored(&count) == all);
  // The journal's first write rolls early (Gazette), then one fragment for the rest.
  CHECK(count == 2);
  CHECK(p.precompressed_count() == 2);
  CHECK(p.reread_count() == 0);
}

TEST_CASE("persister: fragment length rolls mid-stream; each stream matches its spool") {
  Fixture fx;
  fx.options.fragment_length = 5000;
  PersisterOptions po;
  po.member_bytes = 777;
  FragmentPersister p(&fx.store, po);
  auto j = fx.Open();
  std::string all;
  for (int i = 0; i < 20; ++i) {
    std::string content = Lines(i * 37, 37);
    fx.Append(*j, p, content);
    all += content;
  }
  fx.Finish(*j, p);
  size_t count = 0;
  CHECK(fx.Stored(&count) == all);
  CHECK(count > 3);
  CHECK(p.precompressed_count() == count);
}

TEST_CASE("persister: a spool with content from before this process is re-read") {
  Fixture fx;
  std::string all;
  {
    // A first process appends twice and "crashes" (no Close): its spool survives.
    auto j = fx.Open();
    for (int i = 0; i < 2; ++i) {
      std::string content = Lines(i * 10, 10);
      REQUIRE(j->Append(content, kT0).ok());
      all += content;
    }
  }
  FragmentPersister p(&fx.store, {});
  auto j = fx.Open();
  // Recovery found a sealed spool (the early-rolled first write) and the active one.
  std::string more = Lines(100, 10);
  fx.Append(*j, p, more);
  all += more;
  fx.Finish(*j, p);
  size_t count = 0;
  CHECK(fx.Stored(&count) == all);
  CHECK(p.reread_count() >= 1);
}

}  // namespace
}  // namespace flow::runtime::publish

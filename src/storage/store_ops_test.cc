// SPDX-License-Identifier: Apache-2.0
// storage/store_ops_test.cc: the same seeded random append / roll / crash / list / read
// sequence against LocalDirStore and MemStore must give identical results, agree with a
// model of the journal, and leave only valid fragments (STYLE.md §3.7 fuzz_store_ops, as a
// unit test).
#include <random>

#include <doctest/doctest.h>

#include "base/file.h"
#include "base/sha1.h"
#include "storage/fragment_file.h"
#include "storage/fragment_listing.h"
#include "storage/journal.h"
#include "storage/journal_reader.h"
#include "storage/local_dir_store.h"
#include "storage/mem_store.h"

namespace flow::storage {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr char kJournal[] = "acmeCo/rides/region=EU%20west/pivot=00";

struct World {
  World(FragmentStore* s, std::string dir, JournalOptions opts)
      : store(s), spool_dir(std::move(dir)), options(std::move(opts)) {}

  void Open(int64_t now) {
    journal.reset();
    auto j = Journal::Open(kJournal, options, store, spool_dir, now);
    REQUIRE_MESSAGE(j.ok(), j.status().ToString());
    journal = std::move(j).value();
  }

  std::string ReadFrom(int64_t offset, int64_t now) {
    JournalReader reader(&journal->index(), store, ReaderOptions{offset});
    std::string out;
    while (true) {
      auto line = reader.Next(now / kSecond);
      REQUIRE_MESSAGE(line.ok(), line.status().ToString());
      if (!line->has_value())
        break;
      out += (*line)->content;
    }
    CHECK(reader.offset() == journal->write_head());
    return out;
  }

  // Every page of a listing with small pages, as (path, size).
  std::vector<std::pair<std::string, int64_t>> Listing() {
    std::vector<std::pair<std::string, int64_t>> out;
    std::string token;
    do {
      auto page = store->List("acmeCo/", token, 3);
      REQUIRE(page.ok());
      for (auto& o : page->objects)
        out.emplace_back(o.path, o.size);
      token = page->next_page_token;
    } while (!token.empty());
    return out;
  }

  FragmentStore* store;
  std::string spool_dir;
  JournalOptions options;
  std::unique_ptr<Journal> journal;
};

// Every fragment is a valid stream for its codec whose content matches the SHA-1 and
// length in its name; together they cover [0, head) without gaps.
std::string CheckFragments(FragmentStore& store) {
  auto fragments = ListJournalFragments(store, kJournal);
  REQUIRE(fragments.ok());
  std::string all;
  for (const Fragment& f : *fragments) {
    CAPTURE(f.ContentPath());
    CHECK(f.begin == static_cast<int64_t>(all.size()));
    auto body = store.Get(f.ContentPath());
    REQUIRE(body.ok());
    if (f.codec == Codec::kGzip) {
      REQUIRE(body->size() >= 18);
      CHECK(static_cast<uint8_t>((*body)[0]) == 0x1f);
      CHECK(static_cast<uint8_t>((*body)[1]) == 0x8b);
    }
    auto content = DecodeFragment(f.codec, *body);
    REQUIRE_MESSAGE(content.ok(), content.status().ToString());
    CHECK(static_cast<int64_t>(content->size()) == f.size());
    CHECK(Sha1Hex(*content) == f.sum.ToHex());
    CHECK(content->back() == '\n');
    CHECK(f.path_postfix.rfind("utc_date=", 0) == 0);
    all += *content;
  }
  return all;
}

void RunSeed(uint32_t seed) {
  CAPTURE(seed);
  std::mt19937 rng(seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

  auto tmp = ScopedTempDir::Create("store-ops-");
  REQUIRE(tmp.ok());
  auto local = LocalDirStore::Open(tmp->Join("a/fragments"));
  REQUIRE(local.ok());
  MemStore mem;
  int64_t now = int64_t{1714568842} * kSecond;
  mem.SetClock([&] { return now / kSecond; });

  JournalOptions options;
  options.fragment_length = uniform(100, 400);
  options.flush_interval_seconds = 3600;
  options.postfix = *PostfixTemplate::Parse(kFlowPostfixTemplate);
  options.encode.gzip_level = uniform(1, 9);
  World a(local->get(), tmp->Join("a/spool"), options);
  World b(&mem, tmp->Join("b/spool"), options);
  a.Open(now);
  b.Open(now);

  std::string model;                   // every committed byte
  std::vector<int64_t> boundaries{0};  // line boundaries
  int line_id = 0;
  for (int op = 0; op < 100; ++op) {
    CAPTURE(op);
    int kind = uniform(0, 99);
    if (kind < 55) {
      std::string txn;
      for (int n = uniform(1, 4); n > 0; --n) {
        txn += "{\"id\":" + std::to_string(line_id++) + ",\"v\":\"" +
               std::string(static_cast<size_t>(uniform(0, 40)),
                           static_cast<char>('a' + uniform(0, 25))) +
               "\"}\n";
        boundaries.push_back(static_cast<int64_t>(model.size() + txn.size()));
      }
      auto ra = a.journal->Append(txn, now);
      auto rb = b.journal->Append(txn, now);
      REQUIRE(ra.ok());
      REQUIRE(rb.ok());
      CHECK(ra->begin == static_cast<int64_t>(model.size()));
      CHECK(rb->begin == ra->begin);
      CHECK(rb->end == ra->end);
      model += txn;
    } else if (kind < 70) {
      now += int64_t{uniform(0, 1500)} * kSecond;
      REQUIRE(a.journal->Pulse(now).ok());
      REQUIRE(b.journal->Pulse(now).ok());
    } else if (kind < 75) {
      REQUIRE(a.journal->Roll(now).ok());
      REQUIRE(b.journal->Roll(now).ok());
    } else if (kind < 82) {
      // Crash and restart (no Close): both recover from their spools.
      a.Open(now);
      b.Open(now);
      CHECK(a.journal->write_head() == static_cast<int64_t>(model.size()));
      CHECK(b.journal->write_head() == static_cast<int64_t>(model.size()));
    } else if (kind < 92) {
      int64_t offset =
          boundaries[static_cast<size_t>(uniform(0, static_cast<int>(boundaries.size()) - 1))];
      std::string ra = a.ReadFrom(offset, now);
      CHECK(ra == model.substr(static_cast<size_t>(offset)));
      CHECK(b.ReadFrom(offset, now) == ra);
    } else {
      CHECK(a.Listing() == b.Listing());
      CHECK(a.journal->index().set().size() == b.journal->index().set().size());
    }
  }
  REQUIRE(a.journal->Close(now).ok());
  REQUIRE(b.journal->Close(now).ok());
  auto listing = a.Listing();
  CHECK(listing == b.Listing());
  CHECK_FALSE(listing.empty());
  CHECK(CheckFragments(**local) == model);
  CHECK(CheckFragments(mem) == model);
  // Nothing is left to recover.
  auto spooled = ListSpooledJournals(a.spool_dir);
  REQUIRE(spooled.ok());
  CHECK(spooled->empty());
  // A fresh reader over a fresh index (another process) reads the same journal back.
  a.Open(now);
  CHECK(a.ReadFrom(0, now) == model);
}

TEST_CASE("store ops: LocalDirStore and MemStore agree on random operation sequences") {
  for (uint32_t seed : {1u, 2u})
    RunSeed(seed);
}

}  // namespace
}  // namespace flow::storage

// SPDX-License-Identifier: Apache-2.0
// storage/journal_test.cc: appends, rolls, persistence, recovery and locking of a Journal.
#include "storage/journal.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include <doctest/doctest.h>

#include "base/file.h"
#include "base/sha1.h"
#include "storage/fragment_listing.h"
#include "storage/journal_reader.h"
#include "storage/local_dir_store.h"
#include "storage/mem_store.h"

namespace flow::storage {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kT0 = int64_t{1714568842} * kSecond;  // 2024-05-01T13:07:22Z
constexpr char kJournal[] = "acmeCo/orders/pivot=00";

struct Fixture {
  Fixture()
      : tmp(std::move(ScopedTempDir::Create("journal-test-")).value()),
        spool_dir(tmp.Join("spool")) {
    store.SetClock([] { return int64_t{1714568842}; });
    options.postfix = *PostfixTemplate::Parse(kFlowPostfixTemplate);
    options.fragment_length = 64;
  }

  std::unique_ptr<Journal> Open(int64_t now = kT0) {
    auto j = Journal::Open(kJournal, options, &store, spool_dir, now);
    REQUIRE_MESSAGE(j.ok(), j.status().ToString());
    return std::move(j).value();
  }

  // Every stored fragment of the journal, checked against its name, and its content.
  std::vector<std::pair<Fragment, std::string>> Stored() {
    auto fragments = ListJournalFragments(store, kJournal);
    REQUIRE(fragments.ok());
    std::vector<std::pair<Fragment, std::string>> out;
    for (const Fragment& f : *fragments) {
      auto body = store.Get(f.ContentPath());
      REQUIRE(body.ok());
      auto content = DecodeFragment(f.codec, *body);
      REQUIRE_MESSAGE(content.ok(), content.status().ToString());
      CHECK(static_cast<int64_t>(content->size()) == f.size());
      CHECK(Sha1Hex(*content) == f.sum.ToHex());
      out.emplace_back(f, *content);
    }
    return out;
  }

  std::string AllStored() {
    std::string out;
    int64_t next = 0;
    for (auto& [f, content] : Stored()) {
      CHECK(f.begin == next);  // contiguous, no overlaps
      next = f.end;
      out += content;
    }
    return out;
  }

  std::vector<std::string> SpoolDirFiles() {
    std::vector<std::string> out;
    auto files = FindSpoolFiles(spool_dir, kJournal);
    REQUIRE(files.ok());
    if (!files->active.empty())
      out.push_back(files->active);
    for (auto& s : files->sealed)
      out.push_back(s);
    return out;
  }

  ScopedTempDir tmp;
  std::string spool_dir;
  MemStore store;
  JournalOptions options;
};

std::string Line(int i) {
  return "{\"i\":" + std::to_string(i) + ",\"pad\":\"xxxxxxxxxx\"}\n";
}

TEST_CASE_FIXTURE(Fixture, "journal: appends roll into fragments named and laid out like Flow's") {
  auto j = Open();
  CHECK(j->write_head() == 0);
  std::string all;
  int64_t head = 0;
  for (int i = 0; i < 10; ++i) {
    std::string txn = Line(2 * i) + Line(2 * i + 1);
    auto r = j->Append(txn, kT0 + i * kSecond);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->begin == head);
    CHECK(r->end == head + static_cast<int64_t>(txn.size()));
    head = r->end;
    all += txn;
    CHECK(j->write_head() == head);
  }
  // The first append was persisted alone (Gazette persists a journal's first write
  // early); later spools rolled once over 64 bytes, i.e. after every second append.
  auto stored = Stored();
  REQUIRE(stored.size() >= 2);
  CHECK(stored[0].first.begin == 0);
  CHECK(stored[0].first.end == static_cast<int64_t>(Line(0).size() + Line(1).size()));
  CHECK(stored[0].first.path_postfix == "utc_date=2024-05-01/utc_hour=13");
  CHECK(stored[0].first.codec == Codec::kGzip);
  CHECK(stored[0].first.ContentPath().rfind(
            "acmeCo/orders/pivot=00/utc_date=2024-05-01/utc_hour=13/0000000000000000-", 0) == 0);
  CHECK(stored[0].first.ContentPath().substr(stored[0].first.ContentPath().size() - 3) == ".gz");
  for (size_t k = 1; k < stored.size(); ++k)
    CHECK(stored[k].first.size() > 64);

  REQUIRE(j->Close(kT0 + 20 * kSecond).ok());
  CHECK(AllStored() == all);
  CHECK(SpoolDirFiles().empty());
  CHECK(j->Append("x\n", kT0).status().Is(Code::kFailedPrecondition));
  // The lock is released with the journal.
  j.reset();
  CHECK(ReadFile(JournalLockPath(spool_dir, kJournal)).status().Is(Code::kNotFound));
}

TEST_CASE_FIXTURE(Fixture, "journal: appends are whole lines; empty appends are pulses") {
  auto j = Open();
  auto bad = j->Append("{\"no\":\"newline\"}", kT0);
  CHECK(bad.status().Is(Code::kInvalidArgument));
  CHECK(bad.status().message().find("whole lines") != std::string::npos);
  auto empty = j->Append("", kT0);
  REQUIRE(empty.ok());
  CHECK(empty->begin == 0);
  CHECK(empty->end == 0);
  CHECK(j->write_head() == 0);
  CHECK(SpoolDirFiles().empty());  // no spool file until there is content
}

TEST_CASE_FIXTURE(Fixture, "journal: each codec writes its suffix and encoding") {
  for (Codec codec :
       {Codec::kNone, Codec::kGzip, Codec::kZstandard, Codec::kGzipOffloadDecompression}) {
    CAPTURE(CodecName(codec));
    Fixture f;
    f.options.codec = codec;
    auto j = f.Open();
    REQUIRE(j->Append(Line(1), kT0).ok());
    REQUIRE(j->Close(kT0).ok());
    auto stored = f.Stored();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].second == Line(1));
    std::string name = stored[0].first.ContentName();
    CHECK(name.substr(74) == CodecSuffix(codec));
    CHECK(*f.store.ContentEncoding(stored[0].first.ContentPath()) ==
          (codec == Codec::kGzipOffloadDecompression ? "gzip" : ""));
  }
  Fixture f;
  f.options.codec = Codec::kSnappy;
  CHECK(Journal::Open(kJournal, f.options, &f.store, f.spool_dir, kT0)
            .status()
            .Is(Code::kUnsupported));
}

TEST_CASE_FIXTURE(Fixture, "journal: the flush interval rolls on epoch-aligned boundaries") {
  options.fragment_length = 1 << 20;
  options.flush_interval_seconds = 3600;
  const int64_t hour13 = int64_t{1714568400} * kSecond;  // 13:00:00
  auto j = Open();
  REQUIRE(j->Append(Line(0), hour13 + 442 * kSecond).ok());   // 13:07:22
  REQUIRE(j->Append(Line(1), hour13 + 450 * kSecond).ok());   // rolls the first write
  REQUIRE(j->Append(Line(2), hour13 + 3599 * kSecond).ok());  // 13:59:59, same hour
  CHECK(Stored().size() == 1);
  REQUIRE(j->Pulse(hour13 + 3599 * kSecond).ok());
  CHECK(Stored().size() == 1);
  REQUIRE(j->Append(Line(3), hour13 + 3600 * kSecond).ok());  // 14:00:00 rolls [1, 2]
  auto stored = Stored();
  REQUIRE(stored.size() == 2);
  CHECK(stored[1].second == Line(1) + Line(2));
  CHECK(stored[1].first.path_postfix == "utc_date=2024-05-01/utc_hour=13");
  // An idle journal flushes on the pulse once its bucket has passed.
  REQUIRE(j->Pulse(hour13 + 7199 * kSecond).ok());
  CHECK(Stored().size() == 2);
  REQUIRE(j->Pulse(hour13 + 7200 * kSecond).ok());
  stored = Stored();
  REQUIRE(stored.size() == 3);
  CHECK(stored[2].second == Line(3));
  CHECK(stored[2].first.path_postfix == "utc_date=2024-05-01/utc_hour=14");
  CHECK(j->active_spool() == nullptr);
}

TEST_CASE_FIXTURE(Fixture, "journal: a crash keeps the spool, and reopening continues it") {
  std::string all;
  {
    auto j = Open();
    for (int i = 0; i < 5; ++i) {
      REQUIRE(j->Append(Line(i), kT0).ok());
      all += Line(i);
    }
    // Destroyed without Close(): like a crash after the last fsync.
  }
  CHECK_FALSE(SpoolDirFiles().empty());
  auto j = Open();
  CHECK(j->write_head() == static_cast<int64_t>(all.size()));
  REQUIRE(j->Append(Line(99), kT0).ok());
  all += Line(99);
  REQUIRE(j->Close(kT0).ok());
  CHECK(AllStored() == all);
}

TEST_CASE_FIXTURE(Fixture, "journal: sealed spools left by a crash are persisted once") {
  options.persist_inline = false;
  std::string all;
  int64_t puts_before;
  {
    auto j = Open();
    REQUIRE(j->Append(Line(0), kT0).ok());
    REQUIRE(j->Append(Line(1), kT0).ok());  // seals [Line 0]
    REQUIRE(j->Append(Line(2) + Line(3) + Line(4), kT0).ok());
    REQUIRE(j->Append(Line(5), kT0).ok());  // seals [1, 4]
    all = Line(0) + Line(1) + Line(2) + Line(3) + Line(4) + Line(5);
    CHECK(j->sealed_count() == 2);
    auto tasks = j->TakePendingPersists();
    REQUIRE(tasks.size() == 2);
    CHECK(j->TakePendingPersists().empty());  // handed out once
    // The first upload lands, then the process dies before removing its spool.
    REQUIRE(PersistSpool(tasks[0], store, 1714568842).ok());
    puts_before = store.put_count();
  }
  CHECK(SpoolDirFiles().size() == 3);  // two sealed, one active
  options.persist_inline = true;
  auto j = Open();
  // The covered sealed spool was dropped without a second upload; the other persisted.
  CHECK(store.put_count() == puts_before + 1);
  CHECK(j->sealed_count() == 0);
  CHECK(SpoolDirFiles().size() == 1);
  REQUIRE(j->Close(kT0).ok());
  CHECK(AllStored() == all);
  CHECK(SpoolDirFiles().empty());
}

TEST_CASE_FIXTURE(Fixture, "journal: a failing store keeps content in spools and retries") {
  auto j = Open();
  REQUIRE(j->Append(Line(0), kT0).ok());
  store.FailPuts(Status::IOError("injected outage"), 1);
  auto r = j->Append(Line(1), kT0);  // rolls; the upload fails, the append does not
  REQUIRE(r.ok());
  CHECK(j->sealed_count() == 1);
  CHECK(Stored().empty());
  REQUIRE(j->RetryPersists(kT0).ok());
  CHECK(j->sealed_count() == 0);
  CHECK(Stored().size() == 1);

  // Close fails while the store is down; the content stays durable for the next run.
  store.FailPuts(Status::IOError("injected outage"), 100);
  Status closed = j->Close(kT0);
  CHECK(closed.Is(Code::kIOError));
  CHECK(closed.message().find("injected outage") != std::string::npos);
  j.reset();
  store.FailPuts(Status::OK(), 0);
  auto again = Open();
  REQUIRE(again->Close(kT0).ok());
  CHECK(AllStored() == Line(0) + Line(1));
}

TEST_CASE_FIXTURE(Fixture, "journal: persisting on another thread while appends continue") {
  options.persist_inline = false;
  auto j = Open();
  std::string all;
  for (int i = 0; i < 20; ++i) {
    REQUIRE(j->Append(Line(i), kT0).ok());
    all += Line(i);
    for (PersistTask& task : j->TakePendingPersists()) {
      Result<Fragment> result = Status::Internal("not run");
      std::thread worker([&] { result = PersistSpool(task, store, 1714568842); });
      worker.join();
      REQUIRE(j->CompletePersist(task, std::move(result)).ok());
    }
  }
  CHECK(j->index().local().size() == 1);  // only the active spool is local
  REQUIRE(j->Close(kT0).ok());
  CHECK(AllStored() == all);

  // A failed task is handed out again.
  Fixture f;
  f.options.persist_inline = false;
  auto k = f.Open();
  REQUIRE(k->Append(Line(0), kT0).ok());
  REQUIRE(k->Roll(kT0).ok());
  auto tasks = k->TakePendingPersists();
  REQUIRE(tasks.size() == 1);
  CHECK(k->CompletePersist(tasks[0], Status::IOError("boom")).Is(Code::kIOError));
  CHECK(k->TakePendingPersists().size() == 1);
}

TEST_CASE_FIXTURE(Fixture, "journal: one writer at a time") {
  auto j = Open();
  auto second = Journal::Open(kJournal, options, &store, spool_dir, kT0);
  CHECK(second.status().Is(Code::kFailedPrecondition));
  CHECK(second.status().message().find("another process") != std::string::npos);
  // Other journals are independent.
  CHECK(Journal::Open("acmeCo/orders/pivot=80000000", options, &store, spool_dir, kT0).ok());
  j.reset();
  CHECK(Journal::Open(kJournal, options, &store, spool_dir, kT0).ok());
  CHECK(Journal::Open("../escape", options, &store, spool_dir, kT0)
            .status()
            .Is(Code::kInvalidArgument));
}

TEST_CASE_FIXTURE(Fixture, "journal: observers hear every commit") {
  auto j = Open();
  int calls = 0;
  int64_t last_head = -1;
  uint64_t id = j->AddObserver([&](const Journal& journal) {
    ++calls;
    last_head = journal.write_head();
  });
  uint64_t once = 0;
  once = j->AddObserver([&](const Journal& journal) {
    const_cast<Journal&>(journal).RemoveObserver(once);  // removing itself is allowed
  });
  REQUIRE(j->Append(Line(0), kT0).ok());
  REQUIRE(j->Append(Line(1), kT0).ok());
  CHECK(calls >= 2);
  CHECK(last_head == j->write_head());
  j->RemoveObserver(id);
  int before = calls;
  REQUIRE(j->Append(Line(2), kT0).ok());
  CHECK(calls == before);
}

TEST_CASE_FIXTURE(Fixture, "journal: a spool overlapping persisted fragments is corruption") {
  {
    auto j = Open();
    REQUIRE(j->Append(Line(0), kT0).ok());
    REQUIRE(j->Close(kT0).ok());
  }
  auto bogus = Spool::Create(ActiveSpoolPath(spool_dir, kJournal), kJournal, 3);
  REQUIRE(bogus.ok());
  REQUIRE((*bogus)->Append(Line(1), kT0).ok());
  auto j = Journal::Open(kJournal, options, &store, spool_dir, kT0);
  CHECK(j.status().Is(Code::kCorruption));
  CHECK(j.status().message().find("already extend to") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "journal: a read-only index sees fragments and live spools") {
  auto j = Open();
  REQUIRE(j->Append(Line(0), kT0).ok());
  REQUIRE(j->Append(Line(1), kT0).ok());
  REQUIRE(j->Append(Line(2), kT0).ok());
  auto index = LoadJournalIndex(store, spool_dir, kJournal);
  REQUIRE(index.ok());
  CHECK(index->EndOffset() == j->write_head());
  CHECK(index->set().size() == 2);  // one persisted, one spool
  CHECK(index->local().size() == 1);
  auto spooled = ListSpooledJournals(spool_dir);
  REQUIRE(spooled.ok());
  CHECK(*spooled == std::vector<std::string>{kJournal});
}

TEST_CASE_FIXTURE(Fixture, "journal: a collection's journals are found in the store and spools") {
  auto persisted = Journal::Open("acmeCo/orders/pivot=00", options, &store, spool_dir, kT0);
  REQUIRE(persisted.ok());
  REQUIRE((*persisted)->Append(Line(0), kT0).ok());
  REQUIRE((*persisted)->Close(kT0).ok());
  auto spooled =
      Journal::Open("acmeCo/orders/region=EU/pivot=80000000", options, &store, spool_dir, kT0);
  REQUIRE(spooled.ok());
  REQUIRE((*spooled)->Append(Line(1), kT0).ok());
  // Another collection sharing the name prefix is not included.
  auto other = Journal::Open("acmeCo/orders/sub/pivot=00", options, &store, spool_dir, kT0);
  REQUIRE(other.ok());
  REQUIRE((*other)->Append(Line(2), kT0).ok());
  REQUIRE((*other)->Close(kT0).ok());

  auto found = DiscoverCollectionJournals(store, spool_dir, "acmeCo/orders");
  REQUIRE(found.ok());
  CHECK(*found == std::vector<std::string>{"acmeCo/orders/pivot=00",
                                           "acmeCo/orders/region=EU/pivot=80000000"});
  CHECK(*ListCollectionJournals(store, "acmeCo/orders") ==
        std::vector<std::string>{"acmeCo/orders/pivot=00"});
  CHECK(*ListCollectionJournals(store, "acmeCo/orders/sub") ==
        std::vector<std::string>{"acmeCo/orders/sub/pivot=00"});
}

}  // namespace
}  // namespace flow::storage

namespace flow::storage {
namespace {

std::string TxnLines(int txn) {
  std::string out;
  for (int k = 0; k < 1 + txn % 4; ++k)
    out += "{\"txn\":" + std::to_string(txn) + ",\"line\":" + std::to_string(k) + "}\n";
  return out;
}

TEST_CASE("journal: SIGKILL at random points loses no acknowledged append") {
  auto tmp = ScopedTempDir::Create("journal-kill-");
  REQUIRE(tmp.ok());
  const std::string fragments = tmp->Join("fragments");
  const std::string spool_dir = tmp->Join("spool");
  JournalOptions options;
  options.fragment_length = 300;
  options.postfix = *PostfixTemplate::Parse(kFlowPostfixTemplate);
  std::mt19937 rng(7);
  int next_txn = 0;
  for (int round = 0; round < 6; ++round) {
    CAPTURE(round);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // Child: append transactions forever, reporting each one once it is acknowledged.
      ::close(fds[0]);
      auto store = LocalDirStore::Open(fragments);
      auto j = Journal::Open(kJournal, options, store->get(), spool_dir, kT0);
      if (!j.ok())
        ::_exit(3);
      for (int txn = next_txn;; ++txn) {
        if (!(*j)->Append(TxnLines(txn), kT0).ok())
          ::_exit(4);
        if (::write(fds[1], &txn, sizeof(txn)) != sizeof(txn))
          ::_exit(5);
      }
    }
    ::close(fds[1]);
    // Let the child get some transactions acknowledged, then kill it at a random moment.
    int acked = -1, txn;
    const int wait_for = 1 + static_cast<int>(rng() % 40);
    for (int n = 0; n < wait_for && ::read(fds[0], &txn, sizeof(txn)) == sizeof(txn); ++n)
      acked = txn;
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 5000));
    REQUIRE(::kill(pid, SIGKILL) == 0);
    int wstatus = 0;
    REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
    REQUIRE(WIFSIGNALED(wstatus));  // not an early exit with an error code
    while (::read(fds[0], &txn, sizeof(txn)) == sizeof(txn))
      acked = txn;
    ::close(fds[0]);
    REQUIRE(acked >= next_txn);  // the child made progress

    // Recover and read everything: whole transactions 0..M in order, M >= acked.
    auto store = LocalDirStore::Open(fragments);
    REQUIRE(store.ok());
    auto j = Journal::Open(kJournal, options, store->get(), spool_dir, kT0);
    REQUIRE_MESSAGE(j.ok(), j.status().ToString());
    JournalReader reader(&(*j)->index(), store->get());
    std::string expected, got;
    int expect_txn = 0;
    while (true) {
      auto line = reader.Next(kT0 / kSecond);
      REQUIRE_MESSAGE(line.ok(), line.status().ToString());
      if (!line->has_value())
        break;
      got += (*line)->content;
      while (expected.size() < got.size())
        expected += TxnLines(expect_txn++);
    }
    CHECK(got == expected);  // no torn line, no torn or duplicated transaction
    CHECK(expect_txn - 1 >= acked);
    next_txn = expect_txn;
    if (round % 2 == 1)
      REQUIRE((*j)->Close(kT0).ok());  // else: leave the spools for the next child
  }
  // Every persisted fragment is valid gzip whose content matches the SHA-1 in its name.
  auto store = LocalDirStore::Open(fragments);
  auto listed = ListJournalFragments(**store, kJournal);
  REQUIRE(listed.ok());
  CHECK_FALSE(listed->empty());
  for (const Fragment& f : *listed) {
    auto content = DecodeFragment(f.codec, *(*store)->Get(f.ContentPath()));
    REQUIRE(content.ok());
    CHECK(Sha1Hex(*content) == f.sum.ToHex());
    CHECK(static_cast<int64_t>(content->size()) == f.size());
  }
}

}  // namespace
}  // namespace flow::storage

// SPDX-License-Identifier: Apache-2.0
// storage/journal_reader_test.cc: reading history from fragments, then the spool tail.
#include "storage/journal_reader.h"

#include <doctest/doctest.h>

#include "base/file.h"
#include "base/sha1.h"
#include "storage/fragment_listing.h"
#include "storage/journal.h"
#include "storage/mem_store.h"

namespace flow::storage {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kT0 = int64_t{1714568842} * kSecond;
constexpr int64_t kNow = 1714568842;
constexpr char kJournal[] = "acmeCo/rides/pivot=00";

std::string Line(int i) {
  return "{\"ride\":" + std::to_string(i) + "}\n";
}

struct Read {
  std::vector<std::string> lines;
  std::vector<std::pair<int64_t, int64_t>> offsets;
  std::string joined() const {
    std::string out;
    for (auto& l : lines)
      out += l;
    return out;
  }
};

// Reads until Next() has nothing more.
Read Drain(JournalReader& reader) {
  Read out;
  while (true) {
    auto line = reader.Next(kNow);
    REQUIRE_MESSAGE(line.ok(), line.status().ToString());
    if (!line->has_value())
      return out;
    out.lines.emplace_back((*line)->content);
    out.offsets.emplace_back((*line)->begin, (*line)->end);
  }
}

// Stores `content` as the fragment [begin, begin + size) of kJournal.
Fragment PutFragment(MemStore& store, int64_t begin, std::string_view content,
                     Codec codec = Codec::kGzip) {
  Fragment f;
  f.journal = kJournal;
  f.begin = begin;
  f.end = begin + static_cast<int64_t>(content.size());
  f.sum = *Sha1Sum::FromHex(Sha1Hex(content));
  f.codec = codec;
  REQUIRE(store.Put(f.ContentPath(), *EncodeFragment(codec, content)).ok());
  return f;
}

FragmentIndex IndexOf(MemStore& store) {
  FragmentIndex index;
  index.ReplaceRemote(*ListJournalCoverSet(store, kJournal));
  return index;
}

struct JournalFixture {
  JournalFixture() : tmp(std::move(ScopedTempDir::Create("reader-test-")).value()) {
    store.SetClock([] { return kNow; });
    JournalOptions options;
    options.fragment_length = 40;
    options.postfix = *PostfixTemplate::Parse(kFlowPostfixTemplate);
    journal = std::move(Journal::Open(kJournal, options, &store, tmp.Join("spool"), kT0)).value();
  }
  std::string AppendLines(int from, int to) {
    std::string txn;
    for (int i = from; i < to; ++i)
      txn += Line(i);
    REQUIRE(journal->Append(txn, kT0).ok());
    return txn;
  }

  ScopedTempDir tmp;
  MemStore store;
  std::unique_ptr<Journal> journal;
};

TEST_CASE_FIXTURE(JournalFixture, "reader: history from fragments, then the spool, then live") {
  std::string all;
  for (int i = 0; i < 30; i += 3)
    all += AppendLines(i, i + 3);
  REQUIRE(journal->index().set().size() > 3);
  REQUIRE(journal->index().local().size() == 1);

  JournalReader reader(&journal->index(), &store);
  Read read = Drain(reader);
  CHECK(read.joined() == all);
  CHECK(read.lines.size() == 30);
  for (size_t i = 0; i < read.lines.size(); ++i) {
    CHECK(read.lines[i] == Line(static_cast<int>(i)));
    if (i > 0)
      CHECK(read.offsets[i].first == read.offsets[i - 1].second);
  }
  CHECK(reader.offset() == journal->write_head());
  CHECK(reader.jumps() == 0);

  // Caught up: nothing until more is committed, then exactly the new lines.
  CHECK_FALSE(reader.Next(kNow)->has_value());
  std::string more = AppendLines(30, 32);
  CHECK(Drain(reader).joined() == more);
  more = AppendLines(32, 40);  // rolls the spool we were reading from
  CHECK(Drain(reader).joined() == more);
}

TEST_CASE_FIXTURE(JournalFixture, "reader: from any offset, to an end offset, or from the head") {
  std::string all;
  for (int i = 0; i < 12; i += 2)
    all += AppendLines(i, i + 2);

  // Every line boundary: the rest of the journal, whatever fragment it starts in.
  int64_t offset = 0;
  for (int i = 0; i < 12; ++i) {
    JournalReader reader(&journal->index(), &store, ReaderOptions{offset});
    CHECK(Drain(reader).joined() == all.substr(static_cast<size_t>(offset)));
    offset += static_cast<int64_t>(Line(i).size());
  }
  // Mid-line: the rest of that line comes first.
  JournalReader mid(&journal->index(), &store, ReaderOptions{3});
  Read read = Drain(mid);
  CHECK(read.lines[0] == Line(0).substr(3));
  CHECK(read.offsets[0] == std::pair<int64_t, int64_t>{3, static_cast<int64_t>(Line(0).size())});

  // An end offset stops the read (lines starting before it are returned whole).
  const int64_t end = static_cast<int64_t>(Line(0).size() + Line(1).size() + Line(2).size());
  JournalReader bounded(&journal->index(), &store, ReaderOptions{0, end});
  CHECK(Drain(bounded).lines.size() == 3);
  CHECK(bounded.done());

  // -1 starts at the write head.
  JournalReader head(&journal->index(), &store, ReaderOptions{-1});
  CHECK(head.offset() == journal->write_head());
  CHECK(Drain(head).lines.empty());
  std::string txn = AppendLines(100, 101);
  CHECK(Drain(head).joined() == txn);
}

TEST_CASE("reader: damaged fragments are reported, not read") {
  MemStore store;
  const std::string content = Line(1) + Line(2) + Line(3);
  Fragment f = PutFragment(store, 0, content);

  SUBCASE("content that does not match its name's SHA-1") {
    std::string other = content;
    other[3] = 'X';
    REQUIRE(store.Put(f.ContentPath(), *EncodeFragment(Codec::kGzip, other)).ok());
  }
  SUBCASE("fewer bytes than the name says") {
    REQUIRE(store.Put(f.ContentPath(), *EncodeFragment(Codec::kGzip, content.substr(1))).ok());
  }
  SUBCASE("more bytes than the name says") {
    REQUIRE(store.Put(f.ContentPath(), *EncodeFragment(Codec::kGzip, content + "x\n")).ok());
  }
  SUBCASE("a truncated gzip stream") {
    std::string body = *EncodeFragment(Codec::kGzip, content);
    REQUIRE(store.Put(f.ContentPath(), body.substr(0, body.size() - 4)).ok());
  }
  FragmentIndex index = IndexOf(store);
  JournalReader reader(&index, &store);
  Status failure;
  for (int i = 0; i < 10 && failure.ok(); ++i) {
    auto line = reader.Next(kNow);
    if (!line.ok())
      failure = line.status();
    else if (!line->has_value())
      break;
  }
  CHECK(failure.Is(Code::kCorruption));
  CHECK(failure.message().find(f.ContentPath()) != std::string::npos);
}

TEST_CASE("reader: a fragment missing from the store is NotFound") {
  MemStore store;
  Fragment f = PutFragment(store, 0, Line(1));
  FragmentIndex index = IndexOf(store);
  REQUIRE(store.Delete(f.ContentPath()).ok());
  JournalReader reader(&index, &store);
  CHECK(reader.Next(kNow).status().Is(Code::kNotFound));
}

TEST_CASE("reader: every codec, and lines that span fragments") {
  MemStore store;
  PutFragment(store, 0, "ab\ncd", Codec::kNone);
  PutFragment(store, 5, "e\nfg\n", Codec::kZstandard);
  PutFragment(store, 10, "h\n", Codec::kGzipOffloadDecompression);
  FragmentIndex index = IndexOf(store);
  JournalReader reader(&index, &store);
  Read read = Drain(reader);
  CHECK(read.lines == std::vector<std::string>{"ab\n", "cde\n", "fg\n", "h\n"});
  CHECK(read.offsets[1] == std::pair<int64_t, int64_t>{3, 7});
}

TEST_CASE("reader: offset jumps over gaps that can no longer fill") {
  MemStore store;
  store.SetClock([] { return kNow - kOffsetJumpAgeSeconds - 10; });
  PutFragment(store, 100, Line(1));
  PutFragment(store, 500, Line(2));
  FragmentIndex index = IndexOf(store);
  JournalReader reader(&index, &store);
  Read read = Drain(reader);
  CHECK(read.lines == std::vector<std::string>{Line(1), Line(2)});
  CHECK(read.offsets[0].first == 100);
  CHECK(read.offsets[1].first == 500);
  CHECK(reader.jumps() == 2);
  CHECK(reader.last_jump() ==
        std::pair<int64_t, int64_t>{100 + static_cast<int64_t>(Line(1).size()), 500});

  // A recent gap may still be filled (an upload in flight): the reader waits there.
  MemStore fresh;
  fresh.SetClock([] { return kNow; });
  PutFragment(fresh, 0, Line(1));
  PutFragment(fresh, 500, Line(2));
  FragmentIndex fresh_index = IndexOf(fresh);
  JournalReader waiting(&fresh_index, &fresh);
  CHECK(Drain(waiting).lines == std::vector<std::string>{Line(1)});
  CHECK(waiting.offset() == static_cast<int64_t>(Line(1).size()));
}

}  // namespace
}  // namespace flow::storage

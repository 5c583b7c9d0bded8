// SPDX-License-Identifier: Apache-2.0
// storage/spool_test.cc: spool commits, recovery after torn writes, read-only views.
#include "storage/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "base/file.h"
#include "base/log.h"

namespace flow::storage {
namespace {

constexpr int64_t kT0 = int64_t{1714568842} * 1'000'000'000;

int64_t FileSize(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_size;
}

void Truncate(const std::string& path, int64_t size) {
  REQUIRE(::truncate(path.c_str(), size) == 0);
}

void Copy(const std::string& from, const std::string& to) {
  auto data = ReadFile(from);
  REQUIRE(data.ok());
  ::unlink(to.c_str());
  REQUIRE(WriteFileAtomic(to, *data).ok());
}

// Overwrites bytes at `offset` without touching the rest.
void Poke(const std::string& path, int64_t offset, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), offset) == static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

std::string Content(const Spool& spool) {
  std::string out;
  REQUIRE(spool.ReadAt(spool.begin(), spool.content_length(), &out).ok());
  return out;
}

// Byte offset in the file of the commit record that commit `seq` was written to.
int64_t SlotOffset(uint64_t seq) {
  return seq % 2 == 0 ? 1024 : 1536;
}

TEST_CASE("spool: appends commit contiguously and survive reopening") {
  auto tmp = ScopedTempDir::Create("spool-test-");
  REQUIRE(tmp.ok());
  const std::string path = tmp->Join("j.spool");
  auto spool = Spool::Create(path, "acmeCo/orders/pivot=00", 4096);
  REQUIRE_MESSAGE(spool.ok(), spool.status().ToString());
  CHECK((*spool)->empty());
  CHECK((*spool)->begin() == 4096);
  CHECK((*spool)->first_append_unix_nanos() == 0);
  CHECK(FileSize(path) == kSpoolContentOffset);

  REQUIRE((*spool)->Append("{\"a\":1}\n", kT0).ok());
  REQUIRE((*spool)->Append("", kT0 + 5).ok());  // no-op
  REQUIRE((*spool)->Append("{\"a\":2}\n", kT0 + 10).ok());
  CHECK((*spool)->end() == 4112);
  CHECK((*spool)->commit_count() == 2);
  CHECK((*spool)->first_append_unix_nanos() == kT0);
  CHECK(Content(**spool) == "{\"a\":1}\n{\"a\":2}\n");
  std::string part;
  REQUIRE((*spool)->ReadAt(4104, 8, &part).ok());
  CHECK(part == "{\"a\":2}\n");
  CHECK_FALSE((*spool)->ReadAt(4100, 20, &part).ok());
  CHECK_FALSE((*spool)->ReadAt(4000, 1, &part).ok());

  CHECK(Spool::Create(path, "x/y/z", 0).status().Is(Code::kIOError));

  auto reopened = Spool::Open(path, Spool::OpenMode::kRecover);
  REQUIRE(reopened.ok());
  CHECK((*reopened)->journal() == "acmeCo/orders/pivot=00");
  CHECK((*reopened)->begin() == 4096);
  CHECK((*reopened)->end() == 4112);
  CHECK((*reopened)->commit_count() == 2);
  CHECK((*reopened)->first_append_unix_nanos() == kT0);
  CHECK(Content(**reopened) == "{\"a\":1}\n{\"a\":2}\n");
}

// Silences the expected recovery warnings of a test.
struct QuietLog {
  QuietLog() : saved(log::CurrentLevel()) { log::SetLevel(log::Level::kError); }
  ~QuietLog() { log::SetLevel(saved); }
  log::Level saved;
};

TEST_CASE("spool: a torn last append is rolled back at every byte position") {
  QuietLog quiet;
  auto tmp = ScopedTempDir::Create("spool-test-");
  REQUIRE(tmp.ok());
  const std::string path = tmp->Join("j.spool");
  const std::vector<std::string> appends = {"{\"n\":1}\n", "{\"n\":2,\"x\":\"abc\"}\n{\"n\":3}\n",
                                            "{\"n\":4,\"x\":\"zzzzzz\"}\n{\"n\":5}\n"};
  {
    auto spool = Spool::Create(path, "a/journal", 100);
    REQUIRE(spool.ok());
    for (const auto& a : appends)
      REQUIRE((*spool)->Append(a, kT0).ok());
  }
  const std::string before_last = appends[0] + appends[1];
  const int64_t last_begin = 100 + static_cast<int64_t>(before_last.size());
  const int64_t last_end = last_begin + static_cast<int64_t>(appends[2].size());

  // A crash during the last append's fdatasync may leave any prefix of its content on
  // disk (its commit record landed or not). Recovery keeps it only if it is complete.
  for (int64_t cut = last_begin; cut <= last_end; ++cut) {
    CAPTURE(cut);
    const std::string copy = tmp->Join("copy.spool");
    Copy(path, copy);
    Truncate(copy, kSpoolContentOffset + (cut - 100));
    auto recovered = Spool::Open(copy, Spool::OpenMode::kRecover);
    REQUIRE_MESSAGE(recovered.ok(), recovered.status().ToString());
    const bool whole = cut == last_end;
    CHECK((*recovered)->end() == (whole ? last_end : last_begin));
    CHECK(Content(**recovered) == (whole ? before_last + appends[2] : before_last));
    CHECK(FileSize(copy) == kSpoolContentOffset + ((*recovered)->end() - 100));
    // The recovered spool takes new appends, and they survive another reopen.
    REQUIRE((*recovered)->Append("{\"after\":true}\n", kT0 + 1).ok());
    recovered->reset();
    auto again = Spool::Open(copy, Spool::OpenMode::kRecover);
    REQUIRE(again.ok());
    CHECK(Content(**again) ==
          (whole ? before_last + appends[2] : before_last) + "{\"after\":true}\n");
  }

  // Cutting into an earlier, acknowledged commit is corruption, not a silent rollback.
  const std::string copy = tmp->Join("cut.spool");
  Copy(path, copy);
  Truncate(copy, kSpoolContentOffset + static_cast<int64_t>(appends[0].size()) + 3);
  CHECK(Spool::Open(copy, Spool::OpenMode::kRecover).status().Is(Code::kCorruption));
}

TEST_CASE("spool: content written past the last commit record is cut off") {
  auto tmp = ScopedTempDir::Create("spool-test-");
  REQUIRE(tmp.ok());
  const std::string path = tmp->Join("j.spool");
  {
    auto spool = Spool::Create(path, "a/journal", 0);
    REQUIRE(spool.ok());
    REQUIRE((*spool)->Append("{\"n\":1}\n", kT0).ok());
  }
  // A crash after writing content but before writing its commit record.
  Poke(path, kSpoolContentOffset + 8, "{\"n\":2}\n{\"n\":3");
  auto recovered = Spool::Open(path, Spool::OpenMode::kRecover);
  REQUIRE(recovered.ok());
  CHECK((*recovered)->end() == 8);
  CHECK(FileSize(path) == kSpoolContentOffset + 8);
}

TEST_CASE("spool: a damaged newest commit record falls back to the previous commit") {
  auto tmp = ScopedTempDir::Create("spool-test-");
  REQUIRE(tmp.ok());
  const std::string path = tmp->Join("j.spool");
  {
    auto spool = Spool::Create(path, "a/journal", 0);
    REQUIRE(spool.ok());
    REQUIRE((*spool)->Append("one\n", kT0).ok());
    REQUIRE((*spool)->Append("two\n", kT0 + 1).ok());
    REQUIRE((*spool)->Append("three\n", kT0 + 2).ok());
  }
  SUBCASE("torn record") {
    Poke(path, SlotOffset(3) + 9, "\xff");
  }
  SUBCASE("content that does not match its checksum") {
    Poke(path, kSpoolContentOffset + 8, "T");
  }
  auto recovered = Spool::Open(path, Spool::OpenMode::kRecover);
  REQUIRE_MESSAGE(recovered.ok(), recovered.status().ToString());
  CHECK(Content(**recovered) == "one\ntwo\n");
  CHECK((*recovered)->commit_count() == 2);
  REQUIRE((*recovered)->Append("four\n", kT0 + 3).ok());
  recovered->reset();
  auto again = Spool::Open(path, Spool::OpenMode::kRecover);
  REQUIRE(again.ok());
  CHECK(Content(**again) == "one\ntwo\nfour\n");
  CHECK((*again)->first_append_unix_nanos() == kT0);
}

TEST_CASE("spool: a torn first commit leaves an empty spool") {
  auto tmp = ScopedTempDir::Create("spool-test-");
  REQUIRE(tmp.ok());
  const std::string path = tmp->Join("j.spool");
  {
    auto spool = Spool::Create(path, "a/journal", 7);
    REQUIRE(spool.ok());
    REQUIRE((*spool)->Append("only\n", kT0).ok());
  }
  Truncate(path, kSpoolContentOffset + 2);
  auto recovered = Spool::Open(path, Spool::OpenMode::kRecover);
  REQUIRE(recovered.ok());
  CHECK((*recovered)->empty());
  CHECK((*recovered)->end() == 7);
  CHECK((*recovered)->first_append_unix_nanos() == 0);
  REQUIRE((*recovered)->Append("again\n", kT0 + 9).ok());
  CHECK((*recovered)->first_append_unix_nanos() == kT0 + 9);
}

TEST_CASE("spool: damage that loses acknowledged data is Corruption") {
  auto tmp = ScopedTempDir::Create("spool-test-");
  REQUIRE(tmp.ok());
  const std::string path = tmp->Join("j.spool");
  {
    auto spool = Spool::Create(path, "a/journal", 0);
    REQUIRE(spool.ok());
    REQUIRE((*spool)->Append("one\n", kT0).ok());
    REQUIRE((*spool)->Append("two\n", kT0).ok());
  }
  SUBCASE("both records damaged after a torn append") {
    Poke(path, SlotOffset(1) + 3, "\x01");
    Truncate(path, kSpoolContentOffset + 5);
    CHECK(Spool::Open(path, Spool::OpenMode::kRecover).status().Is(Code::kCorruption));
  }
  SUBCASE("header damaged") {
    Poke(path, 17, "\x01");
    auto s = Spool::Open(path, Spool::OpenMode::kRecover);
    CHECK(s.status().Is(Code::kCorruption));
    CHECK(s.status().message().find("header checksum") != std::string::npos);
  }
  SUBCASE("not a spool") {
    REQUIRE(WriteFileAtomic(path, std::string(5000, 'x')).ok());
    CHECK(Spool::Open(path, Spool::OpenMode::kRecover).status().Is(Code::kCorruption));
  }
  SUBCASE("header truncated") {
    Truncate(path, 100);
    CHECK(Spool::Open(path, Spool::OpenMode::kRecover).status().Is(Code::kCorruption));
  }
  CHECK(Spool::Open(tmp->Join("missing.spool"), Spool::OpenMode::kRecover)
            .status()
            .Is(Code::kNotFound));
}

TEST_CASE("spool: read-only views follow a writer and never modify the file") {
  auto tmp = ScopedTempDir::Create("spool-test-");
  REQUIRE(tmp.ok());
  const std::string path = tmp->Join("j.spool");
  auto writer = Spool::Create(path, "a/journal", 0);
  REQUIRE(writer.ok());
  REQUIRE((*writer)->Append("one\n", kT0).ok());

  // Uncommitted bytes past the end (as during a write) are ignored, not truncated.
  Poke(path, kSpoolContentOffset + 4, "partial");
  auto reader = Spool::Open(path, Spool::OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  CHECK((*reader)->end() == 4);
  CHECK(FileSize(path) == kSpoolContentOffset + 11);
  CHECK((*reader)->Append("x\n", kT0).Is(Code::kFailedPrecondition));

  REQUIRE((*writer)->Append("two\n", kT0).ok());
  CHECK((*reader)->end() == 4);
  REQUIRE((*reader)->Refresh().ok());
  CHECK((*reader)->end() == 8);
  CHECK(Content(**reader) == "one\ntwo\n");
}

TEST_CASE("spool: rename and remove keep the open file readable") {
  auto tmp = ScopedTempDir::Create("spool-test-");
  REQUIRE(tmp.ok());
  auto spool = Spool::Create(tmp->Join("j.spool"), "a/journal", 0);
  REQUIRE(spool.ok());
  REQUIRE((*spool)->Append("one\n", kT0).ok());
  REQUIRE((*spool)->Rename(tmp->Join("j.0000000000000000.sealed")).ok());
  CHECK((*spool)->path() == tmp->Join("j.0000000000000000.sealed"));
  CHECK(ReadFile(tmp->Join("j.spool")).status().Is(Code::kNotFound));
  REQUIRE((*spool)->Remove().ok());
  CHECK(ReadFile(tmp->Join("j.0000000000000000.sealed")).status().Is(Code::kNotFound));
  CHECK(Content(**spool) == "one\n");
}

}  // namespace
}  // namespace flow::storage

// SPDX-License-Identifier: Apache-2.0
// storage/tail_waker_test.cc: live tailing through the libuv loop.
#include "storage/tail_waker.h"

#include <doctest/doctest.h>

#include "base/file.h"
#include "base/uv_loop.h"
#include "storage/journal_reader.h"
#include "storage/mem_store.h"

namespace flow::storage {
namespace {

constexpr int64_t kT0 = int64_t{1714568842} * 1'000'000'000;

TEST_CASE("tail waker: commits wake the loop once per burst, outside the append") {
  auto tmp = ScopedTempDir::Create("tail-test-");
  REQUIRE(tmp.ok());
  MemStore store;
  auto journal =
      Journal::Open("a/journal/pivot=00", JournalOptions{}, &store, tmp->Join("spool"), kT0);
  REQUIRE(journal.ok());
  auto loop = UvLoop::Create();
  REQUIRE(loop.ok());

  JournalReader reader(&(*journal)->index(), &store);
  std::vector<std::string> lines;
  int wakeups = 0;
  bool in_append = false;
  auto waker = TailWaker::Create(loop->get(), journal->get(), [&] {
    CHECK_FALSE(in_append);
    ++wakeups;
    while (true) {
      auto line = reader.Next(1714568842);
      REQUIRE(line.ok());
      if (!line->has_value())
        break;
      lines.emplace_back((*line)->content);
    }
  });
  REQUIRE(waker.ok());

  in_append = true;
  REQUIRE((*journal)->Append("one\n", kT0).ok());
  REQUIRE((*journal)->Append("two\nthree\n", kT0).ok());
  in_append = false;
  CHECK(lines.empty());  // nothing runs inside Append
  loop->Run(UV_RUN_NOWAIT);
  CHECK(wakeups == 1);
  CHECK(lines == std::vector<std::string>{"one\n", "two\n", "three\n"});

  // Idle: no spurious wake-ups.
  loop->Run(UV_RUN_NOWAIT);
  CHECK(wakeups == 1);

  REQUIRE((*journal)->Append("four\n", kT0).ok());
  loop->Run(UV_RUN_NOWAIT);
  CHECK(wakeups == 2);
  CHECK(lines.back() == "four\n");

  (*waker)->Wake();
  loop->Run(UV_RUN_NOWAIT);
  CHECK(wakeups == 3);

  waker->reset();
  REQUIRE((*journal)->Append("five\n", kT0).ok());  // no observer left to signal
  loop->Run(UV_RUN_NOWAIT);                         // delivers the handle's close
  CHECK(wakeups == 3);
  CHECK(uv_loop_alive(loop->get()) == 0);
}

}  // namespace
}  // namespace flow::storage

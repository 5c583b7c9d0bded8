// SPDX-License-Identifier: Apache-2.0
// runtime/test_graph.h: the data-flow scheduler behind `flowctl test` (Flow's test graph).
//
// The graph knows which task writes which collections and which transforms read them
// (with their read delays). Each completed ingest or task read "projects" its writes:
// every reader that has not yet read through them gets a pending read, ready at the
// current synthetic time plus its delay. Reads that are already covered are skipped,
// which is what terminates self-reading derivations. Verifies wait until no pending
// read can transitively write into the verified collection. Time is synthetic: it only
// advances to the next pending read when nothing else can run.
// Not thread-safe; owned by the test driver.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "runtime/test_clock.h"

namespace flow::runtime {

/// Synthetic test time in seconds.
using TestTime = int64_t;

struct TaskRead {
  std::string task;       ///< the reading task (a derivation)
  std::string transform;  ///< suffix of read-clock journals: "<journal>;<transform>"
  TestTime delay = 0;     ///< the transform's readDelay
};

struct PendingRead {
  TestTime ready_at = 0;
  std::string task;
  Clock read_through;  ///< read-clock journals the task must read through
};

class TestGraph {
 public:
  /// Declares `task`, which writes `outputs`.
  void AddTask(const std::string& task, std::vector<std::string> outputs);
  /// Declares that `read.task` reads `collection` through transform `read.transform`.
  void AddRead(const std::string& collection, TaskRead read);

  TestTime now() const { return at_time_; }
  const Clock& write_clock() const { return write_clock_; }
  const std::vector<PendingRead>& pending() const { return pending_; }

  /// True if some pending read may directly or transitively write into `collection`.
  bool HasPendingWrite(const std::string& collection) const;
  /// Removes and returns the pending reads ready now. `next_ready` is the delay until
  /// the earliest remaining pending read, or -1 if none remain.
  std::vector<PendingRead> PopReady(TestTime* next_ready);
  /// An ingest into `collection` wrote through `write`.
  void CompletedIngest(const std::string& collection, const Clock& write);
  /// `task` read through `read` and its outputs are now written through `write`.
  void CompletedRead(const std::string& task, const Clock& read, const Clock& write);
  /// Drops every pending read (after a failed test case).
  void ClearPending() { pending_.clear(); }
  /// Advances synthetic time; Internal if that skips past a pending read.
  Status Advance(TestTime delta);

 private:
  void ProjectWrite(const std::string& collection, const Clock& write);

  TestTime at_time_ = 0;
  std::map<std::string, std::vector<std::string>> outputs_;
  std::map<std::string, std::vector<TaskRead>> readers_;
  std::map<std::string, Clock> read_through_;
  std::vector<PendingRead> pending_;
  Clock write_clock_;
};

/// The operations a test case performs; implemented by the test runtime.
class TestDriver {
 public:
  virtual ~TestDriver() = default;
  /// Runs `read.task` until it has read through `read.read_through`; returns the task's
  /// new read clock and its write clock.
  virtual Status Read(const PendingRead& read, Clock* read_clock, Clock* write_clock) = 0;
  /// Runs ingest step `step`; returns the write clock after it.
  virtual Status Ingest(size_t step, Clock* write_clock) = 0;
  /// Runs verify step `step` over the documents written between `from` and `to`.
  virtual Status Verify(size_t step, const Clock& from, const Clock& to) = 0;
  /// Synthetic time moved forward by `delta` seconds.
  virtual Status Advance(TestTime delta) = 0;
};

struct TestStepRef {
  bool is_ingest = false;
  std::string collection;
};

/// Runs one test case to completion (Flow's RunTestCase). On failure, `failed_step` is
/// the index of the step that was running, or of the last step reached.
Status RunTestCase(TestGraph& graph, TestDriver& driver, const std::vector<TestStepRef>& steps,
                   size_t* failed_step);

}  // namespace flow::runtime

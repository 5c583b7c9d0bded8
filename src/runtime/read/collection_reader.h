// SPDX-License-Identifier: Apache-2.0
// runtime/read/collection_reader.h: a collection's documents from a data directory:
// history from fragment files, then spools, then (Follow) a live tail.
//
// The reader finds the collection's partition journals (fragment listings and spool
// files), keeps those its partition selector picks — by journal name, before reading
// any byte — and reads each in name order from where it left off. Read-committed (the
// default) feeds every line to a Sequencer (storage/sequencer.h), so documents of a
// transaction are delivered only after its ACK, exactly once, and rolled-back ones
// never; read-uncommitted delivers every document as it is read. ACK documents are
// never delivered. Follow() re-reads whenever the spool directory changes (inotify via
// libuv's uv_fs_event: no polling), which covers appends, rolls and new partitions.
// Not thread-safe; Follow runs on the caller's libuv loop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <uv.h>

#include "base/status.h"
#include "runtime/read/message.h"
#include "storage/journal_reader.h"
#include "storage/local_dir_store.h"
#include "storage/partition.h"
#include "storage/sequencer.h"

namespace flow::runtime::read {

struct CollectionReadOptions {
  storage::PartitionSelector selector;
  bool uncommitted = false;
  /// Messages the sequencer holds while a transaction is pending; longer spans are
  /// re-read from the journal.
  size_t ring_size = size_t{1} << 17;
};

/// One delivered document.
struct ReadDocument {
  std::string_view journal;
  int64_t begin = 0;  ///< journal offsets of the line
  int64_t end = 0;
  std::string_view line;  ///< the JSON document with its '\n'
};

using DocumentFn = std::function<Status(const ReadDocument&)>;

/// Parses a `--partitions` selector, `{"include": {"field": [values]}, "exclude": {...}}`
/// (Flow's PartitionSelector), values being null, booleans, integers or strings.
Result<storage::PartitionSelector> ParsePartitionSelector(std::string_view json);

class CollectionReader {
 public:
  /// Reads `collection` from data directory `dir` (D/fragments, D/spool).
  static Result<std::unique_ptr<CollectionReader>> Open(std::string collection,
                                                        const std::string& dir,
                                                        CollectionReadOptions options);
  ~CollectionReader();

  /// Delivers everything readable now, from where the previous call stopped. An error
  /// from `emit` stops the read and is returned.
  Status ReadAvailable(const DocumentFn& emit);

  /// ReadAvailable, then again after every change of the spool directory, on `loop`,
  /// until Stop() or an error (returned). Creates D/spool if it is missing.
  Status Follow(uv_loop_t* loop, DocumentFn emit);
  /// Ends a Follow() from a callback on its loop (e.g. a signal handler).
  void Stop();

  /// The selected journals found so far, sorted.
  std::vector<std::string> journals() const;
  /// Documents delivered so far.
  uint64_t delivered() const { return delivered_; }

 private:
  struct JournalState {
    int64_t offset = 0;
  };
  CollectionReader() = default;
  Status Discover();
  Status ReadJournal(const std::string& name, JournalState& js, const DocumentFn& emit);
  Status Deliver(const storage::Envelope& env, const DocumentFn& emit);
  Result<storage::Envelope> ToEnvelope(std::string_view journal, const storage::JournalLine& line);
  static void OnFsEvent(uv_fs_event_t* handle, const char* filename, int events,
                        int status) noexcept;
  static void OnTimer(uv_timer_t* handle) noexcept;

  std::string collection_;
  std::string spool_dir_;
  CollectionReadOptions options_;
  std::unique_ptr<storage::LocalDirStore> store_;
  std::map<std::string, JournalState> journals_;
  std::unique_ptr<storage::Sequencer> sequencer_;
  MessageParser parser_;
  uint64_t delivered_ = 0;

  // Follow state.
  DocumentFn follow_emit_;
  Status follow_status_;
  std::unique_ptr<uv_fs_event_t> watch_;
  std::unique_ptr<uv_timer_t> timer_;
  bool scheduled_ = false;
  bool stopping_ = false;
  int open_handles_ = 0;
};

}  // namespace flow::runtime::read

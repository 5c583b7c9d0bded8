// SPDX-License-Identifier: Apache-2.0
// runtime/publish/ingest.h: exactly-once ingestion of JSON lines into one collection of a
// data directory (`flowctl ingest`).
//
// Layout under the data directory D (DESIGN §4):
//   D/fragments/...                    fragment files (storage::LocalDirStore)
//   D/spool/...                        journal spools
//   D/ingest/<stem>.checkpoint.{0,1}   the collection's ingest checkpoint
//   D/ingest/<stem>.lock               held by the one ingest of the collection
// where <stem> is the collection name escaped as spool stems are (storage/spool_dir.h).
//
// A transaction commits in three durable steps (publisher.h, ingest_checkpoint.h):
//   1. its documents are appended to their journals as CONTINUE_TXN messages;
//   2. the checkpoint is written: input consumed so far plus one ACK intent per
//      journal — the commit point;
//   3. the ACKs are appended, and Commit() returns: the transaction is acknowledged.
// Open() recovers from a crash at any point: it re-appends the ACKs of the checkpoint
// it finds (committing a transaction interrupted between 2 and 3, and rolling back any
// later uncommitted documents of that producer), so the transaction that the checkpoint
// names is committed exactly once and nothing after it is ever delivered. With `resume`,
// the caller feeds the same input again and the lines the checkpoint covers are
// verified (count, bytes, SHA-1 of the last line) and skipped, so every input line is
// published exactly once however often the ingest is killed and restarted.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/catalog.h"
#include "runtime/publish/ingest_checkpoint.h"
#include "runtime/publish/publisher.h"
#include "storage/local_dir_store.h"
#include "storage/spool_dir.h"

namespace flow::runtime::publish {

struct IngestOptions {
  PublisherOptions publisher;
  /// Skip (after verifying) the input lines the checkpoint says were committed.
  bool resume = false;
};

/// One acknowledged transaction.
struct CommitInfo {
  uint64_t txn = 0;         ///< 1, 2, ... (continuing the checkpoint's count when resuming)
  uint64_t first_line = 0;  ///< input lines [first_line, last_line]
  uint64_t last_line = 0;
  uint64_t input_docs = 0;  ///< documents read (before combining)
  PreparedTxn published;
};

class Ingester {
 public:
  /// Opens `collection` for ingestion into data directory `dir`, recovering an earlier
  /// run. FailedPrecondition if another process is ingesting into it.
  static Result<std::unique_ptr<Ingester>> Open(const catalog::Collection& collection,
                                                const std::string& dir, IngestOptions options);
  ~Ingester();

  /// The checkpoint an earlier run left, as found (before recovery re-appended its ACKs).
  const std::optional<IngestCheckpoint>& recovered() const { return recovered_; }
  /// True if that run did not close cleanly (recovery had ACKs to re-append).
  bool recovered_unclean() const { return recovered_ && !recovered_->acks.empty(); }

  /// Consumes input line `line_no` (1, 2, ...): `raw` with its '\n' if it has one. Blank
  /// lines count as input but are not documents. While resuming, lines the checkpoint
  /// covers are checked and skipped (FailedPrecondition if they differ). Errors of the
  /// document itself are InvalidArgument naming "line N".
  Status Consume(std::string_view raw, uint64_t line_no);
  /// Call at the end of input: FailedPrecondition if it ended inside the resumed part.
  Status FinishInput() const;
  /// Documents in the open transaction.
  uint64_t txn_docs() const { return publisher_->txn_docs(); }
  /// Lines consumed so far (including skipped ones).
  uint64_t input_lines() const { return lines_; }

  /// Commits the open transaction; nullopt if it has no documents.
  Result<std::optional<CommitInfo>> Commit();
  /// Drops the open transaction (after an error).
  void Abort();
  /// Rolls every journal into fragments and records a clean close.
  Status Close();

  const Publisher& publisher() const { return *publisher_; }

 private:
  Ingester() = default;

  std::string collection_;
  IngestOptions options_;
  std::unique_ptr<storage::JournalLock> lock_;
  std::unique_ptr<storage::LocalDirStore> store_;
  std::unique_ptr<Publisher> publisher_;
  std::unique_ptr<CheckpointFile> file_;
  std::optional<IngestCheckpoint> recovered_;
  IngestCheckpoint checkpoint_;  // the last one written (or recovered)

  // Input accounting.
  uint64_t lines_ = 0;
  uint64_t bytes_ = 0;
  std::string last_line_;  // with its newline
  uint64_t txn_first_line_ = 0;
  uint64_t skip_lines_ = 0;  // resuming: lines to verify and skip
};

/// `D/fragments`, `D/spool`, `D/ingest` of a data directory.
std::string FragmentsDir(const std::string& dir);
std::string SpoolDir(const std::string& dir);
std::string IngestDir(const std::string& dir);

}  // namespace flow::runtime::publish

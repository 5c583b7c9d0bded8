// SPDX-License-Identifier: Apache-2.0
// storage/journal.h: Journal, the writer side of one journal: appends into a spool,
// rolls spools into fragments, persists them to the store, and keeps the index.
//
// Lifecycle of the bytes of one append:
//   1. Append(): one contiguous, all-or-nothing commit to the active spool
//      (D/spool/<stem>.spool), fsync'd before Append returns; observers are notified.
//   2. Roll: before an append, the active spool is sealed (renamed to
//      `<stem>.<begin>.sealed`) when its content exceeds `fragment_length`, when the
//      flush-interval bucket of its first append has passed (epoch-aligned), or while it
//      holds the journal's very first write (Gazette persists that one early). Also on
//      Roll(), Pulse() past the interval, and Close().
//   3. Persist: PersistSpool() computes the SHA-1 of the content, compresses it with the
//      journal's codec, and Puts `<journal>/<postfix>/<begin>-<end>-<sha1><suffix>`
//      (postfix from the spool's first append time). Only after the Put succeeds is the
//      sealed spool file removed. With `persist_inline` this happens inside the call that
//      rolled; otherwise the owner runs PersistSpool() elsewhere (the uv threadpool) for
//      each TakePendingPersists() task and reports back with CompletePersist().
//   4. Open() after a crash recovers the active spool (truncating a torn tail), persists
//      sealed spools the store does not yet cover, and learns the write head from the
//      store listing and the spools.
//
// Content is newline-delimited: every non-empty append must end in '\n', so spools and
// fragments always hold whole lines. Storage does not look inside the lines.
//
// Threading: a Journal is used by one thread (the loop thread); observers run on it
// inside Append(). Only PersistSpool() is meant for other threads. Status codes:
// InvalidArgument for a bad append, FailedPrecondition if another process holds the
// journal or the spool failed earlier, IOError for the disk or the store, Corruption
// for damaged spool files.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/fragment.h"
#include "storage/fragment_file.h"
#include "storage/fragment_index.h"
#include "storage/fragment_store.h"
#include "storage/postfix.h"
#include "storage/spool.h"
#include "storage/spool_dir.h"

namespace flow::storage {

struct JournalOptions {
  /// Target uncompressed fragment size: the spool rolls before the next append once
  /// its content is strictly longer. Flow's default is 512 MiB.
  int64_t fragment_length = int64_t{512} << 20;
  Codec codec = Codec::kGzip;
  /// 0 disables; otherwise spools roll when floor(first_append / interval) differs
  /// from floor(now / interval), in seconds since the Unix epoch.
  int64_t flush_interval_seconds = 0;
  PostfixTemplate postfix;  ///< default: no postfix; Flow collections use kFlowPostfixTemplate
  EncodeOptions encode;
  /// Persist sealed spools inside the call that sealed them (Append/Roll/Pulse/Close).
  /// When false, they wait in TakePendingPersists() for the owner.
  bool persist_inline = true;
};

struct AppendResult {
  int64_t begin = 0;  ///< offset of the first byte of the append
  int64_t end = 0;    ///< offset just past its last byte
};

/// A sealed spool to persist: run PersistSpool(task, store) on any thread, then pass the
/// result to Journal::CompletePersist on the journal's thread.
struct PersistTask {
  std::shared_ptr<const Spool> spool;
  Codec codec = Codec::kGzip;
  PostfixTemplate postfix;
  EncodeOptions encode;
};

/// Compresses and uploads a sealed spool; returns the stored Fragment (sum, postfix,
/// backing_store and mod_time = `now_unix` set). Skips the Put if the object already
/// exists (uploads are idempotent). Thread-safe given a thread-safe store.
Result<Fragment> PersistSpool(const PersistTask& task, FragmentStore& store, int64_t now_unix);

/// A read-only index of `journal` for readers outside the writing process (or with no
/// writer): the store's fragments plus the spool files in `spool_dir`, opened read-only
/// at their committed state as of this call. Corruption for damaged spools.
Result<FragmentIndex> LoadJournalIndex(FragmentStore& store, std::string_view spool_dir,
                                       std::string_view journal);

/// Partition journals of `collection` with fragments in `store` or spool files in
/// `spool_dir` (written but not yet persisted). Sorted, unique.
Result<std::vector<std::string>> DiscoverCollectionJournals(FragmentStore& store,
                                                            std::string_view spool_dir,
                                                            std::string_view collection);

class Journal {
 public:
  using Observer = std::function<void(const Journal&)>;

  /// Opens `name` for writing with spool files in `spool_dir`, recovering after a crash
  /// (see the file comment). `store` must outlive the Journal.
  static Result<std::unique_ptr<Journal>> Open(std::string name, JournalOptions options,
                                               FragmentStore* store, std::string spool_dir,
                                               int64_t now_unix_nanos);
  /// Without Close(), spool files stay on disk exactly as after a crash.
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  /// Appends one transaction (whole lines) and returns its offsets once durable.
  /// An empty append appends nothing and acts as Pulse().
  Result<AppendResult> Append(std::string_view content, int64_t now_unix_nanos);
  /// The flush-interval check an idle journal needs about once a minute.
  Status Pulse(int64_t now_unix_nanos);
  /// Seals the active spool now (if it has content), persisting inline if configured.
  Status Roll(int64_t now_unix_nanos);
  /// Retries sealed spools whose inline persist failed earlier.
  Status RetryPersists(int64_t now_unix_nanos);
  /// Clean shutdown: seals the active spool and persists every sealed spool inline.
  /// The Journal may only be destroyed afterwards.
  Status Close(int64_t now_unix_nanos);

  /// Sealed spools waiting to be persisted (persist_inline == false); each is handed
  /// out once.
  std::vector<PersistTask> TakePendingPersists();
  /// Records the outcome of PersistSpool for a task: on success the fragment replaces
  /// the local one in the index and the sealed file is removed; on failure the task is
  /// handed out again by the next TakePendingPersists().
  Status CompletePersist(const PersistTask& task, Result<Fragment> result);

  const std::string& name() const { return name_; }
  const JournalOptions& options() const { return options_; }
  FragmentStore& store() const { return *store_; }
  /// End of the committed content: where the next append begins.
  int64_t write_head() const { return index_.EndOffset(); }
  const FragmentIndex& index() const { return index_; }
  /// The active spool, or null between a roll and the next append.
  const Spool* active_spool() const { return spool_.get(); }
  /// Sealed spools not yet persisted.
  size_t sealed_count() const { return sealed_.size(); }

  /// Calls `observer` after every commit (and index change); returns an id for
  /// RemoveObserver. Observers may add or remove observers.
  uint64_t AddObserver(Observer observer);
  void RemoveObserver(uint64_t id);

 private:
  Journal(std::string name, JournalOptions options, FragmentStore* store, std::string spool_dir,
          JournalLock lock);
  Status Recover(int64_t now_unix_nanos);
  bool ShouldRoll(int64_t now_unix_nanos) const;
  Status Seal(int64_t now_unix_nanos);
  Status PersistInline(int64_t now_unix_nanos);
  void Notify();
  Fragment LocalFragment(const Spool& spool) const;

  struct Sealed {
    std::shared_ptr<Spool> spool;
    bool handed_out = false;
  };

  std::string name_;
  JournalOptions options_;
  FragmentStore* store_;
  std::string spool_dir_;
  JournalLock lock_;
  FragmentIndex index_;
  std::shared_ptr<Spool> spool_;  // the active spool, or null
  std::vector<Sealed> sealed_;    // ascending by begin
  std::map<uint64_t, Observer> observers_;
  uint64_t next_observer_ = 1;
  bool closed_ = false;
};

}  // namespace flow::storage

// SPDX-License-Identifier: Apache-2.0
// runtime/publish/fragment_persister.h: compresses journal content on a worker thread as
// it is appended, and persists sealed spools from that precompressed body.
//
// Gazette compresses a spool incrementally after its commits, so rolling a fragment
// costs little more than the upload (spec §2.7). FragmentPersister does the same off
// the loop thread: the owner hands it each append's bytes (Appended), and the worker
// folds them into a running SHA-1 and a body of gzip members of about `member_bytes`
// each (libdeflate, base/deflate.h). When the journal seals the spool, the owner hands
// over the PersistTask (Persist); the worker compresses the tail, names the fragment
// `<begin>-<end>-<sha1>.gz` under its postfix, and Puts it unless it already exists.
// Spools whose content the persister did not see in full (a spool recovered after a
// crash, or a codec other than GZIP) are persisted by storage::PersistSpool instead,
// which re-reads the spool file. Results come back through TakeCompleted(), to be
// passed to Journal::CompletePersist on the owner's thread.
//
// Appended() blocks while more than `max_queued_bytes` wait for the worker, so memory
// stays bounded when compression falls behind. All methods are for the owner thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/status.h"
#include "storage/fragment_store.h"
#include "storage/journal.h"

namespace flow {
class GzipMemberCompressor;
}  // namespace flow

namespace flow::runtime::publish {

struct PersisterOptions {
  int gzip_level = 1;                           ///< libdeflate level, 0..12
  size_t member_bytes = size_t{4} << 20;        ///< uncompressed bytes per gzip member
  size_t max_queued_bytes = size_t{256} << 20;  ///< Appended() waits above this
};

/// A finished persist, for Journal::CompletePersist.
struct CompletedPersist {
  std::string journal;
  storage::PersistTask task;
  Result<storage::Fragment> result;
};

class FragmentPersister {
 public:
  /// `store` must outlive the persister and be thread-safe.
  FragmentPersister(storage::FragmentStore* store, PersisterOptions options);
  /// Finishes queued work, then stops the worker.
  ~FragmentPersister();
  FragmentPersister(const FragmentPersister&) = delete;
  FragmentPersister& operator=(const FragmentPersister&) = delete;

  /// `content` was just committed to `journal` at [begin, begin + size) in the spool that
  /// begins at `spool_begin`.
  void Appended(const std::string& journal, int64_t spool_begin, int64_t begin,
                std::string content);
  /// Persists a sealed spool of `journal` (from Journal::TakePendingPersists()).
  void Persist(const std::string& journal, storage::PersistTask task);
  /// Persists finished since the last call, in the order they finished.
  std::vector<CompletedPersist> TakeCompleted();
  /// Blocks until everything queued so far is done.
  void Wait();

  /// Fragments written from precompressed bodies, and from re-read spool files.
  uint64_t precompressed_count() const;
  uint64_t reread_count() const;

 private:
  struct Job {
    enum class Kind { kAppend, kPersist } kind;
    std::string journal;
    int64_t spool_begin = 0;
    int64_t begin = 0;
    std::string content;
    storage::PersistTask task;
  };
  struct Stream;

  void Work();
  void DoAppend(Job& job);
  Status CompressMember(std::string_view data, std::string* body);
  CompletedPersist DoPersist(Job& job);

  storage::FragmentStore* store_;
  PersisterOptions options_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the worker waits for jobs
  std::condition_variable idle_cv_;  // the owner waits for room or for idleness
  std::deque<Job> jobs_;
  size_t queued_bytes_ = 0;
  bool busy_ = false;
  bool stop_ = false;
  std::vector<CompletedPersist> completed_;
  uint64_t precompressed_ = 0;
  uint64_t reread_ = 0;

  // Worker-only state: the compressor, and open streams by (journal, spool begin).
  std::unique_ptr<GzipMemberCompressor> compressor_;
  std::map<std::pair<std::string, int64_t>, std::unique_ptr<Stream>> streams_;
  std::thread worker_;
};

}  // namespace flow::runtime::publish

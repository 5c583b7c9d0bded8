// SPDX-License-Identifier: Apache-2.0
// storage/spool.h: the spool file, a journal's durable, not-yet-persisted tail.
//
// A spool holds the uncompressed content [begin, end) of the fragment a journal is
// building. Each Append() is one transaction: its bytes land contiguously and become
// visible (and durable) all at once, after fdatasync, or not at all. On-disk format
// and crash-safety argument: src/storage/README.md, "Spool files".
//
// Threading: Append(), Refresh() and Rename()/Remove() are for one thread (the
// journal's). ReadAt() of committed bytes may run on any thread while no Append is in
// progress, which is how a sealed spool is compressed on the threadpool; the file
// descriptor stays open (and readable) until the last shared_ptr is released, even
// after Remove().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "storage/fragment_index.h"

namespace flow::storage {

/// Where content starts in a spool file; the bytes before it are the header and the
/// two commit records.
inline constexpr int64_t kSpoolContentOffset = 4096;

class Spool final : public LocalContent {
 public:
  /// How Open() treats a file.
  enum class OpenMode {
    /// Take ownership after a crash: truncate bytes past the last commit and invalidate
    /// a commit record whose content did not fully land, so the file holds exactly its
    /// committed appends and can be appended to.
    kRecover,
    /// Only read the committed state (another process may be appending); Append fails.
    kReadOnly,
  };

  /// Creates a durable, empty spool for `journal` at `begin` (written to a temp file,
  /// fsync'd, renamed into place, directory fsync'd). IOError if `path` exists.
  static Result<std::shared_ptr<Spool>> Create(const std::string& path, std::string_view journal,
                                               int64_t begin);
  /// Opens an existing spool. Corruption if the header is damaged or committed content
  /// that was acknowledged is missing (the file was cut below its last durable commit).
  static Result<std::shared_ptr<Spool>> Open(const std::string& path, OpenMode mode);

  ~Spool() override;
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  /// Appends `content` as one commit at the current end and returns once it is durable.
  /// An empty append is a no-op. After an I/O error the spool is failed: this and every
  /// later Append return an error (FailedPrecondition after the first), because what
  /// reached the disk is unknown until the file is recovered again.
  Status Append(std::string_view content, int64_t now_unix_nanos);

  /// Re-reads the commit records (kReadOnly spools follow another process's appends).
  Status Refresh();

  /// Renames the file and fsyncs its directory (sealing a spool).
  Status Rename(const std::string& new_path);
  /// Unlinks the file and fsyncs its directory.
  Status Remove();

  /// Journal bytes [offset, offset + n); must lie within [begin(), end()).
  Status ReadAt(int64_t offset, int64_t n, std::string* out) const override;

  const std::string& journal() const { return journal_; }
  const std::string& path() const { return path_; }
  int64_t begin() const { return begin_; }
  /// End of the committed content.
  int64_t end() const { return end_; }
  int64_t content_length() const { return end_ - begin_; }
  bool empty() const { return end_ == begin_; }
  /// Time of the first commit (Unix nanoseconds); 0 while empty.
  int64_t first_append_unix_nanos() const { return first_append_nanos_; }
  /// The number of commits.
  uint64_t commit_count() const { return seq_; }

 private:
  Spool() = default;
  Status LoadCommitted(bool repair);

  std::string path_;
  std::string journal_;
  int fd_ = -1;
  bool read_only_ = false;
  bool failed_ = false;
  int64_t begin_ = 0;
  int64_t end_ = 0;
  int64_t first_append_nanos_ = 0;
  uint64_t seq_ = 0;
};

}  // namespace flow::storage

// SPDX-License-Identifier: Apache-2.0
// storage/spool_dir.h: the layout of the spool directory (D/spool/): file names for a
// journal's active and sealed spools and its writer lock, and discovery at start-up.
//
//   <stem>.spool                 the active spool (appends go here)
//   <stem>.<begin:016x>.sealed   a rolled spool waiting to be persisted
//   <stem>.lock                  flock()ed by the process writing the journal
//
// The stem is the journal name with every byte outside [A-Za-z0-9_=+-] written as %XX
// (so '/' and '.' are escaped and a stem is one path segment). Stems over 160 bytes
// are cut and suffixed with `~` and 16 hex digits of the name's SHA-1, keeping file
// names under NAME_MAX; the spool header carries the full journal name. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace flow::storage {

std::string SpoolFileStem(std::string_view journal);
std::string ActiveSpoolPath(std::string_view dir, std::string_view journal);
std::string SealedSpoolPath(std::string_view dir, std::string_view journal, int64_t begin);
std::string JournalLockPath(std::string_view dir, std::string_view journal);

/// Spool files of one journal found in `dir` (paths; all empty if the directory does
/// not exist).
struct SpoolFiles {
  std::string active;               ///< empty if there is no active spool
  std::vector<std::string> sealed;  ///< ascending by begin offset
};
Result<SpoolFiles> FindSpoolFiles(std::string_view dir, std::string_view journal);

/// Journals with at least one spool file in `dir`, read from the spool headers.
/// Sorted, unique. Files whose header cannot be read are logged and skipped.
Result<std::vector<std::string>> ListSpooledJournals(std::string_view dir);

/// An exclusive, advisory lock on a journal, held by its one writer process.
class JournalLock {
 public:
  /// FailedPrecondition if another process holds it; IOError on other failures.
  static Result<JournalLock> Acquire(std::string_view dir, std::string_view journal);

  JournalLock(JournalLock&& other) noexcept;
  JournalLock& operator=(JournalLock&& other) noexcept;
  JournalLock(const JournalLock&) = delete;
  JournalLock& operator=(const JournalLock&) = delete;
  /// Removes the lock file, then releases the lock.
  ~JournalLock();

 private:
  JournalLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  void Release();

  std::string path_;
  int fd_ = -1;
};

}  // namespace flow::storage

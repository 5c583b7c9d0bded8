// SPDX-License-Identifier: Apache-2.0
// base/file.h: whole-file reads, crash-safe writes, and directory helpers over POSIX.
//
// All functions are synchronous and block the calling thread, so call them from the
// uv threadpool (or at start-up), not from the loop thread on a hot path. Errors are
// NotFound when a path does not exist and IOError otherwise; messages carry the path
// and strerror(errno).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace flow {

/// Reads the whole file. NotFound if it does not exist.
Result<std::string> ReadFile(const std::string& path);

/// Replaces `path` with `data` so that after a crash the file holds either the old
/// or the new contents, never a mix: writes a temp file in the same directory,
/// fsyncs it, renames it over `path`, then fsyncs the directory.
Status WriteFileAtomic(const std::string& path, std::string_view data);

/// Fsyncs a directory so that entries created or renamed in it are durable.
Status FsyncDir(const std::string& path);

/// Creates `path` and any missing parents (mkdir -p). OK if it already exists as a
/// directory; IOError if it or a parent exists as something else.
Status MakeDirs(const std::string& path);

/// Removes `path` recursively (rm -rf). OK if it does not exist. Symlinks are removed,
/// not followed.
Status RemoveAll(const std::string& path);

/// A fresh directory under $TMPDIR (or /tmp), removed with everything in it when the
/// object is destroyed. For tests and spill files. Movable, not copyable; the owner
/// must not hand out the path beyond its lifetime. Create() returns IOError if
/// mkdtemp fails.
class ScopedTempDir {
 public:
  static Result<ScopedTempDir> Create(std::string_view prefix = "flowctl-");

  ScopedTempDir(ScopedTempDir&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ScopedTempDir& operator=(ScopedTempDir&& other) noexcept;
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir();

  const std::string& path() const { return path_; }
  /// `path()/name`.
  std::string Join(std::string_view name) const;

 private:
  explicit ScopedTempDir(std::string path) : path_(std::move(path)) {}
  void Remove();

  std::string path_;  // empty once moved from
};

}  // namespace flow

// SPDX-License-Identifier: Apache-2.0
// storage/local_dir_store.h: a FragmentStore over a local directory (D/fragments/).
//
// Key `a/b/c.gz` is the file `<root>/a/b/c.gz`, so the directory is byte-for-byte the
// layout of the bucket that `flowctl run` writes. Puts go through WriteFileAtomic (temp
// file in the same directory, fsync, rename, directory fsync), so a crash leaves the old
// object or the new one. In-flight temp files (`*.tmp.XXXXXX`), directories, symlinks
// and other non-regular files are not objects: List() skips them and symlinks are never
// followed, so nothing outside the root is reachable. Object mod times are file mtimes.
//
// Unlike S3, a key cannot also be a "directory" of other keys (`a/b` and `a/b/c`): such
// a Put fails with IOError. Fragment keys never collide that way. Thread-safe; all
// methods block on file I/O.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/fragment_store.h"

namespace flow::storage {

class LocalDirStore : public FragmentStore {
 public:
  /// Creates `root` if needed (mkdir -p). IOError if it cannot be created.
  static Result<std::unique_ptr<LocalDirStore>> Open(const std::string& root);

  const std::string& url() const override { return url_; }
  /// The absolute root directory, without a trailing '/'.
  const std::string& root() const { return root_; }

  Status Put(std::string_view path, std::string_view data, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view path) override;
  Result<std::string> GetRange(std::string_view path, int64_t offset, int64_t length) override;
  Result<ObjectInfo> Stat(std::string_view path) override;
  Result<ListPage> List(std::string_view prefix, std::string_view page_token,
                        int max_keys = kMaxListKeys) override;
  /// Also removes directories the deletion leaves empty (up to, not including, the root).
  Status Delete(std::string_view path) override;

 private:
  explicit LocalDirStore(std::string root);
  std::string FullPath(std::string_view path) const;
  // Appends the objects under `dir` whose keys match `prefix` and sort after `page_token`.
  Status Walk(const std::string& dir, std::string_view prefix, std::string_view page_token,
              std::vector<ObjectInfo>* found) const;

  std::string root_;
  std::string url_;
};

}  // namespace flow::storage

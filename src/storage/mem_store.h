// SPDX-License-Identifier: Apache-2.0
// storage/mem_store.h: an in-memory FragmentStore, the fake every test above storage uses.
//
// A real backend, not a mock: it has exactly the FragmentStore semantics (ordered
// listings with pagination, atomic replacement, ranged reads), so tests run against
// it and against LocalDirStore must agree. It also lets tests inject failures and set
// the clock used for mod times. Thread-safe (one mutex).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "storage/fragment_store.h"

namespace flow::storage {

class MemStore : public FragmentStore {
 public:
  /// `name` makes the URL "memory://<name>/".
  explicit MemStore(std::string name = "mem");

  const std::string& url() const override { return url_; }
  Status Put(std::string_view path, std::string_view data, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view path) override;
  Result<std::string> GetRange(std::string_view path, int64_t offset, int64_t length) override;
  Result<ObjectInfo> Stat(std::string_view path) override;
  Result<ListPage> List(std::string_view prefix, std::string_view page_token,
                        int max_keys = kMaxListKeys) override;
  Status Delete(std::string_view path) override;

  /// Mod times come from `now` (Unix seconds); the default reads the system clock.
  void SetClock(std::function<int64_t()> now);
  /// The next `count` Puts fail with `status` and store nothing.
  void FailPuts(Status status, int count = 1);
  /// Content-Encoding recorded by the last Put of `path`, or NotFound.
  Result<std::string> ContentEncoding(std::string_view path);
  /// Number of objects stored.
  size_t size();
  /// Total Put calls that succeeded.
  int64_t put_count();

 private:
  struct Object {
    std::string data;
    int64_t mod_time = 0;
    std::string content_encoding;
  };

  std::string url_;
  std::mutex mu_;
  std::map<std::string, Object, std::less<>> objects_;
  std::function<int64_t()> now_;
  Status put_error_;
  int put_error_count_ = 0;
  int64_t put_count_ = 0;
};

}  // namespace flow::storage

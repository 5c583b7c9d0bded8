// SPDX-License-Identifier: Apache-2.0
// storage/fragment_store.h: FragmentStore, the object-store interface fragments live behind.
//
// The interface is the intersection of what S3 (and GCS, Azure) and a local directory
// can do, shaped after Gazette's store contract (spec §2.4, §2.8, §7): whole-object
// PUTs that replace atomically, GETs and ranged GETs, HEAD, DELETE, and a flat listing
// by key prefix with pagination and no delimiter. Keys are relative paths such as
// `acmeCo/orders/pivot=00/utc_date=2024-05-01/utc_hour=13/<name>.gz`; the store maps them
// under its root (a directory, a bucket prefix, or memory). Nothing above this interface
// knows which store it talks to.
//
// Threading: every implementation must be safe to call concurrently from any number of
// threads (the persister uploads on the uv threadpool while readers list and fetch).
// Calls block until the operation completes, so keep them off the loop thread.
//
// Status codes, for every method: InvalidArgument for a key that fails
// ValidateObjectPath() or a bad argument; NotFound for a missing object (Get, GetRange,
// Stat); IOError for a failure of the OS or the remote service; other codes only where a
// method says so.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace flow::storage {

/// One object of a listing or a Stat().
struct ObjectInfo {
  std::string path;      ///< key relative to the store root
  int64_t size = 0;      ///< bytes stored (compressed size for compressed fragments)
  int64_t mod_time = 0;  ///< last modification, Unix seconds

  friend bool operator==(const ObjectInfo&, const ObjectInfo&) = default;
};

/// One page of a List().
struct ListPage {
  std::vector<ObjectInfo> objects;  ///< ascending by path, compared as bytes
  /// Pass to the next List() call; empty when this was the last page.
  std::string next_page_token;
};

struct PutOptions {
  /// Content-Encoding metadata, e.g. "gzip" for GZIP_OFFLOAD_DECOMPRESSION fragments.
  /// Stores without object metadata (a local directory) ignore it.
  std::string content_encoding;
};

/// The most keys one List() page may return (S3's limit).
inline constexpr int kMaxListKeys = 1000;
/// The longest key accepted (S3's limit, in bytes).
inline constexpr size_t kMaxObjectPathLength = 1024;

/// A key is 1..1024 bytes, relative (no leading '/'), with no empty, "." or ".." segment,
/// no trailing '/', and no NUL byte. So a valid key never leaves the store's root.
/// InvalidArgument naming the key otherwise.
Status ValidateObjectPath(std::string_view path);

class FragmentStore {
 public:
  virtual ~FragmentStore() = default;

  /// The store's URL, e.g. "file:///data/fragments/", "s3://bucket/prefix/" or
  /// "memory://name/"; fragments record it as their backing_store.
  virtual const std::string& url() const = 0;

  /// Writes the object at `path`, replacing any existing one. Atomic: readers see the
  /// old object or the new one, never a partial write; when OK returns the object is
  /// durable.
  virtual Status Put(std::string_view path, std::string_view data,
                     const PutOptions& options = {}) = 0;

  /// Put() of the contents of the local file `local_path` (NotFound if it is missing).
  /// The default reads the file into memory; stores that can stream override it.
  virtual Status PutFile(std::string_view path, const std::string& local_path,
                         const PutOptions& options = {});

  /// The whole object.
  virtual Result<std::string> Get(std::string_view path) = 0;

  /// Bytes [offset, offset + length) of the object, cut short at its end (an HTTP
  /// Range GET). InvalidArgument if offset or length is negative or offset is past the
  /// end; offset == size yields "".
  virtual Result<std::string> GetRange(std::string_view path, int64_t offset, int64_t length) = 0;

  /// Size and modification time of one object (a HEAD).
  virtual Result<ObjectInfo> Stat(std::string_view path) = 0;

  /// Objects whose key starts with `prefix` (a plain byte prefix; "a/b" also matches
  /// "a/bc/..."), recursively, without a delimiter: at most `max_keys` (1..1000) per page,
  /// in ascending key order. `page_token` is "" for the first page, else the
  /// next_page_token of the previous page for the same prefix. Listing a store that is
  /// not modified meanwhile yields every object exactly once; objects put or deleted
  /// during a listing may or may not appear (as with S3). An empty result is OK.
  virtual Result<ListPage> List(std::string_view prefix, std::string_view page_token,
                                int max_keys = kMaxListKeys) = 0;

  /// Removes the object. OK if it does not exist (S3 DeleteObject semantics).
  virtual Status Delete(std::string_view path) = 0;
};

/// All pages of List(store, prefix) concatenated.
Result<std::vector<ObjectInfo>> ListAll(FragmentStore& store, std::string_view prefix);

/// Stat() mapped to true / false; other errors are returned.
Result<bool> Exists(FragmentStore& store, std::string_view path);

}  // namespace flow::storage

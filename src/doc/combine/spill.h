// SPDX-License-Identifier: Apache-2.0
// doc/combine/spill.h: run files: sorted, length-prefixed records spilled to disk.
//
// Runs are appended one after another to one anonymous temporary file per combiner
// (created in a directory, then unlinked at once, so nothing is left behind after a
// crash); a run is a byte range of it. RunWriter appends records through a buffer;
// RunReader reads one run's records back in order through a buffer of its own, so
// draining k runs holds k buffers in memory. Errors are IOError naming the operation; a short or
// malformed file is Corruption. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace flow::doc::combine {

/// An open, unlinked temporary file. Movable; closes on destruction.
class TempFile {
 public:
  /// Creates the file in `dir` ($TMPDIR or /tmp if empty).
  static Result<TempFile> Create(const std::string& dir);
  TempFile(TempFile&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  TempFile& operator=(TempFile&& o) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();
  int fd() const { return fd_; }

 private:
  explicit TempFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

class RunWriter {
 public:
  /// Writes to `fd` through `buffer`, which the caller owns and may reuse across runs.
  RunWriter(int fd, std::string* buffer, size_t buffer_size = 1 << 20) : fd_(fd), buf_(*buffer) {
    buf_.clear();
    buf_.reserve(buffer_size);
  }
  /// Appends one record (its length is written before it).
  Status Append(std::string_view record);
  /// Writes out the buffer.
  Status Flush();
  /// Bytes written so far, including buffered ones.
  uint64_t bytes() const { return written_ + buf_.size(); }

 private:
  int fd_;
  std::string& buf_;
  uint64_t written_ = 0;
};

class RunReader {
 public:
  /// Reads the records of the run at [`begin`, `begin + size`) of `fd`.
  RunReader(int fd, uint64_t begin, uint64_t size, size_t buffer_size = 256 << 10);
  /// Moves to the next record. False at the end of the run.
  Result<bool> Next();
  /// The current record; valid until the next call to Next().
  std::string_view record() const { return record_; }

 private:
  Status Fill(size_t need);

  int fd_;
  uint64_t begin_;
  uint64_t size_;
  uint64_t offset_ = 0;  // run offset of buf_'s end
  std::string buf_;
  size_t pos_ = 0;  // read position in buf_
  size_t len_ = 0;  // valid bytes in buf_
  std::string_view record_;
};

}  // namespace flow::doc::combine

// SPDX-License-Identifier: Apache-2.0
// doc/combine/spill.cc: run files: sorted, length-prefixed records spilled to disk.
#include "doc/combine/spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "doc/combine/codec.h"

namespace flow::doc::combine {
namespace {

Status Errno(std::string_view what) {
  return Status::IOError("spill file: {}: {}", what, std::strerror(errno));
}

}  // namespace

Result<TempFile> TempFile::Create(const std::string& dir) {
  std::string d = dir;
  if (d.empty()) {
    const char* t = std::getenv("TMPDIR");
    d = t != nullptr && *t != '\0' ? t : "/tmp";
  }
  std::string path = d + "/flowctl-combine-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0)
    return Errno("creating a temporary file in " + d);
  ::unlink(path.c_str());
  return TempFile(fd);
}

TempFile& TempFile::operator=(TempFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

TempFile::~TempFile() {
  if (fd_ >= 0)
    ::close(fd_);
}

Status RunWriter::Append(std::string_view record) {
  if (buf_.size() + record.size() + 10 > buf_.capacity() && !buf_.empty())
    FLOW_TRY(Flush());
  PutVarint(record.size(), &buf_);
  buf_.append(record);
  return Status::OK();
}

Status RunWriter::Flush() {
  const char* p = buf_.data();
  size_t n = buf_.size();
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return Errno("write");
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  written_ += buf_.size();
  buf_.clear();
  return Status::OK();
}

RunReader::RunReader(int fd, uint64_t begin, uint64_t size, size_t buffer_size)
    : fd_(fd), begin_(begin), size_(size) {
  // Small runs get small buffers: a drain holds one per run.
  buf_.resize(std::max<uint64_t>(16, std::min<uint64_t>(buffer_size, size)));
}

Status RunReader::Fill(size_t need) {
  // Move the unread tail to the front, grow for a large record, then read.
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    len_ -= pos_;
    pos_ = 0;
  }
  if (need > buf_.size())
    buf_.resize(need);
  while (len_ < need && offset_ < size_) {
    size_t want = std::min<uint64_t>(buf_.size() - len_, size_ - offset_);
    ssize_t r = ::pread(fd_, buf_.data() + len_, want, static_cast<off_t>(begin_ + offset_));
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return Errno("read");
    }
    if (r == 0)
      break;
    len_ += static_cast<size_t>(r);
    offset_ += static_cast<uint64_t>(r);
  }
  if (len_ < need)
    return Status::Corruption("spill file: run ends inside a record");
  return Status::OK();
}

Result<bool> RunReader::Next() {
  if (pos_ == len_ && offset_ == size_)
    return false;
  // A length prefix is at most 10 bytes.
  if (len_ - pos_ < 10 && offset_ < size_)
    FLOW_TRY(Fill(std::min<uint64_t>(10, len_ - pos_ + size_ - offset_)));
  const char* p = buf_.data() + pos_;
  uint64_t n;
  if (!GetVarint(&p, buf_.data() + len_, &n))
    return Status::Corruption("spill file: bad record length");
  size_t header = static_cast<size_t>(p - (buf_.data() + pos_));
  if (len_ - pos_ < header + n)
    FLOW_TRY(Fill(header + n));
  record_ = std::string_view(buf_.data() + pos_ + header, n);
  pos_ += header + n;
  return true;
}

}  // namespace flow::doc::combine

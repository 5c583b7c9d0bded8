// SPDX-License-Identifier: Apache-2.0
// base/file.cc: POSIX implementations of the file helpers.
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <system_error>

namespace flow {
namespace {

// NotFound for ENOENT so callers can branch on a missing file; IOError otherwise.
Status ErrnoStatus(int err, std::string_view op, std::string_view path) {
  if (err == ENOENT) {
    return Status::NotFound("{} {}: {}", op, path, std::strerror(err));
  }
  return Status::IOError("{} {}: {}", op, path, std::strerror(err));
}

Status WriteAll(int fd, std::string_view data, std::string_view path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return ErrnoStatus(errno, "write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

std::string DirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  if (slash == 0)
    return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ErrnoStatus(errno, "open", path);
  std::string out;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    out.reserve(static_cast<size_t>(st.st_size));
  }
  // Read until EOF rather than trusting st_size: the file may grow, or be a pipe.
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int err = errno;
      ::close(fd);
      return ErrnoStatus(err, "read", path);
    }
    if (n == 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  // The temp file lives in the target's directory, so rename() stays on one
  // filesystem and is atomic.
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0)
    return ErrnoStatus(errno, "create temp file for", path);

  auto fail = [&](Status s) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  };
  // mkostemp creates 0600; written files are meant to be readable like any other.
  if (::fchmod(fd, 0644) != 0)
    return fail(ErrnoStatus(errno, "chmod", tmp));
  if (Status s = WriteAll(fd, data, tmp); !s.ok())
    return fail(std::move(s));
  // fsync before rename: a crash then leaves either the old or the new contents.
  if (::fsync(fd) != 0)
    return fail(ErrnoStatus(errno, "fsync", tmp));
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus(err, "close", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus(err, "rename to", path);
  }
  // The rename itself is durable only once the directory entry is synced.
  return FsyncDir(DirName(path));
}

Status FsyncDir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return ErrnoStatus(errno, "open directory", path);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  // Some filesystems cannot fsync a directory; that is not a failure to persist.
  if (rc != 0 && err != EINVAL && err != ENOTSUP) {
    return ErrnoStatus(err, "fsync directory", path);
  }
  return Status::OK();
}

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec)
    return ErrnoStatus(ec.value(), "mkdir -p", path);
  // create_directories reports no error when the last component is an existing file.
  if (!std::filesystem::is_directory(path, ec)) {
    return Status::IOError("mkdir -p {}: exists and is not a directory", path);
  }
  return Status::OK();
}

Status RemoveAll(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec)
    return Status::IOError("rm -rf {}: {}", path, ec.message());
  return Status::OK();
}

Result<ScopedTempDir> ScopedTempDir::Create(std::string_view prefix) {
  const char* env = ::getenv("TMPDIR");
  std::string base = (env != nullptr && *env != '\0') ? env : "/tmp";
  while (base.size() > 1 && base.back() == '/')
    base.pop_back();
  std::string tmpl = base + "/" + std::string(prefix) + "XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr)
    return ErrnoStatus(errno, "mkdtemp", tmpl);
  return ScopedTempDir(std::move(tmpl));
}

ScopedTempDir& ScopedTempDir::operator=(ScopedTempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

ScopedTempDir::~ScopedTempDir() {
  Remove();
}

std::string ScopedTempDir::Join(std::string_view name) const {
  std::string p = path_;
  p.push_back('/');
  p.append(name);
  return p;
}

void ScopedTempDir::Remove() {
  if (path_.empty())
    return;
  // Best effort: a destructor has nowhere to report the error.
  (void)RemoveAll(path_);
  path_.clear();
}

}  // namespace flow

// SPDX-License-Identifier: Apache-2.0
// storage/spool_dir.cc: spool directory naming, discovery and the journal writer lock.
#include "storage/spool_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "base/log.h"
#include "base/sha1.h"
#include "storage/spool.h"

namespace flow::storage {
namespace {

constexpr size_t kMaxStem = 160;
constexpr std::string_view kActiveSuffix = ".spool";
constexpr std::string_view kSealedSuffix = ".sealed";

std::string Join(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/')
    out.push_back('/');
  out.append(name);
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Names of the regular entries of `dir`; empty if it does not exist.
Result<std::vector<std::string>> ReadDirNames(std::string_view dir) {
  std::string path(dir);
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) {
    if (errno == ENOENT)
      return std::vector<std::string>{};
    return Status::IOError("open directory {}: {}", path, std::strerror(errno));
  }
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..")
      continue;
    names.emplace_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::string SpoolFileStem(std::string_view journal) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string stem;
  stem.reserve(journal.size());
  for (char c : journal) {
    auto u = static_cast<unsigned char>(c);
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '=' || c == '+' || c == '-';
    if (keep) {
      stem.push_back(c);
    } else {
      stem.push_back('%');
      stem.push_back(kHex[u >> 4]);
      stem.push_back(kHex[u & 0xF]);
    }
  }
  if (stem.size() > kMaxStem) {
    size_t cut = kMaxStem;
    // Do not split a %XX escape.
    if (stem[cut - 1] == '%')
      cut -= 1;
    else if (stem[cut - 2] == '%')
      cut -= 2;
    stem.resize(cut);
    stem.push_back('~');
    stem.append(Sha1Hex(journal).substr(0, 16));
  }
  return stem;
}

std::string ActiveSpoolPath(std::string_view dir, std::string_view journal) {
  return Join(dir, SpoolFileStem(journal) + std::string(kActiveSuffix));
}

std::string SealedSpoolPath(std::string_view dir, std::string_view journal, int64_t begin) {
  return Join(dir, fmt::format("{}.{:016x}{}", SpoolFileStem(journal), static_cast<uint64_t>(begin),
                               kSealedSuffix));
}

std::string JournalLockPath(std::string_view dir, std::string_view journal) {
  return Join(dir, SpoolFileStem(journal) + ".lock");
}

Result<SpoolFiles> FindSpoolFiles(std::string_view dir, std::string_view journal) {
  FLOW_ASSIGN_OR_RETURN(std::vector<std::string> names, ReadDirNames(dir));
  const std::string stem = SpoolFileStem(journal);
  SpoolFiles out;
  for (const std::string& name : names) {
    std::string_view n = name;
    if (n.substr(0, stem.size()) != stem)
      continue;
    std::string_view rest = n.substr(stem.size());
    if (rest == kActiveSuffix) {
      out.active = Join(dir, name);
    } else if (rest.size() == 1 + 16 + kSealedSuffix.size() && rest[0] == '.' &&
               EndsWith(rest, kSealedSuffix) && IsLowerHex(rest.substr(1, 16))) {
      out.sealed.push_back(Join(dir, name));  // names sort by the fixed-width begin
    }
  }
  return out;
}

Result<std::vector<std::string>> ListSpooledJournals(std::string_view dir) {
  FLOW_ASSIGN_OR_RETURN(std::vector<std::string> names, ReadDirNames(dir));
  std::vector<std::string> out;
  for (const std::string& name : names) {
    if (!EndsWith(name, kActiveSuffix) && !EndsWith(name, kSealedSuffix))
      continue;
    std::string path = Join(dir, name);
    Result<std::shared_ptr<Spool>> spool = Spool::Open(path, Spool::OpenMode::kReadOnly);
    if (!spool.ok()) {
      if (!spool.status().Is(Code::kNotFound))
        FLOW_LOG_WARN("skipping spool file {}: {}", path, spool.status().message());
      continue;
    }
    out.push_back((*spool)->journal());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<JournalLock> JournalLock::Acquire(std::string_view dir, std::string_view journal) {
  std::string path = JournalLockPath(dir, journal);
  // Another writer may unlink the lock file between our open and flock; then we hold a
  // lock on a dead inode, so check that the path still names the file we locked.
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return Status::IOError("open lock {}: {}", path, std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return Status::FailedPrecondition(
            "journal {} is being written by another process (lock {} is held)", journal, path);
      }
      return Status::IOError("lock {}: {}", path, std::strerror(err));
    }
    struct stat by_fd, by_path;
    if (::fstat(fd, &by_fd) == 0 && ::stat(path.c_str(), &by_path) == 0 &&
        by_fd.st_ino == by_path.st_ino && by_fd.st_dev == by_path.st_dev) {
      return JournalLock(std::move(path), fd);
    }
    ::close(fd);
  }
  return Status::IOError("lock {}: the lock file keeps being replaced", path);
}

JournalLock::JournalLock(JournalLock&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

JournalLock& JournalLock::operator=(JournalLock&& other) noexcept {
  if (this != &other) {
    Release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

JournalLock::~JournalLock() {
  Release();
}

void JournalLock::Release() {
  if (fd_ < 0)
    return;
  ::unlink(path_.c_str());  // while still holding the lock, so no one else can be fooled
  ::close(fd_);
  fd_ = -1;
}

}  // namespace flow::storage

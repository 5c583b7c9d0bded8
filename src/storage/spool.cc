// SPDX-License-Identifier: Apache-2.0
// storage/spool.cc: spool files with two alternating, checksummed commit records.
#include "storage/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <zlib.h>

#include "base/file.h"
#include "base/log.h"

namespace flow::storage {
namespace {

// Layout (little-endian), documented in README.md:
//   [0, 24+len+4)  header: magic, version, journal length, begin, journal, crc32
//   [1024, 1064)   commit record slot 0
//   [1536, 1576)   commit record slot 1
//   [4096, ...)    content
constexpr char kMagic[8] = {'F', 'L', 'O', 'W', 'S', 'P', 'L', '1'};
constexpr uint32_t kVersion = 1;
constexpr int64_t kSlotOffsets[2] = {1024, 1536};
constexpr size_t kSlotSize = 40;

void PutU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<char>(v >> (8 * i));
}
void PutU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = static_cast<char>(v >> (8 * i));
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

uint32_t Crc32(std::string_view data, uint32_t crc = 0) {
  return static_cast<uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

struct CommitRecord {
  uint64_t seq = 0;  // 0 = never written
  int64_t end = 0;
  int64_t prev_end = 0;
  int64_t first_append_nanos = 0;
  uint32_t append_crc = 0;  // crc32 of content [prev_end, end)

  void Encode(char* p) const {
    PutU64(p, seq);
    PutU64(p + 8, static_cast<uint64_t>(end));
    PutU64(p + 16, static_cast<uint64_t>(prev_end));
    PutU64(p + 24, static_cast<uint64_t>(first_append_nanos));
    PutU32(p + 32, append_crc);
    PutU32(p + 36, Crc32(std::string_view(p, 36)));
  }
  // False for a slot never written, torn, or otherwise damaged.
  bool Decode(const char* p, int64_t begin) {
    if (GetU32(p + 36) != Crc32(std::string_view(p, 36)))
      return false;
    seq = GetU64(p);
    end = static_cast<int64_t>(GetU64(p + 8));
    prev_end = static_cast<int64_t>(GetU64(p + 16));
    first_append_nanos = static_cast<int64_t>(GetU64(p + 24));
    append_crc = GetU32(p + 32);
    return seq != 0 && begin <= prev_end && prev_end <= end;
  }
};

Status ErrnoStatus(int err, std::string_view op, std::string_view path) {
  return Status::IOError("{} spool {}: {}", op, path, std::strerror(err));
}

Status PWriteAll(int fd, std::string_view data, int64_t offset, std::string_view path) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), offset);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return ErrnoStatus(errno, "write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return Status::OK();
}

// Reads exactly n bytes at offset, or fewer only at EOF.
Result<std::string> PReadUpTo(int fd, int64_t offset, size_t n, std::string_view path) {
  std::string out(n, '\0');
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, out.data() + done, n - done, offset + static_cast<int64_t>(done));
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return ErrnoStatus(errno, "read", path);
    }
    if (r == 0)
      break;
    done += static_cast<size_t>(r);
  }
  out.resize(done);
  return out;
}

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Spool::~Spool() {
  if (fd_ >= 0)
    ::close(fd_);
}

Result<std::shared_ptr<Spool>> Spool::Create(const std::string& path, std::string_view journal,
                                             int64_t begin) {
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0)
    return Status::IOError("create spool {}: it already exists", path);
  if (journal.size() > 1024 || begin < 0)
    return Status::InvalidArgument("create spool {}: bad journal name or offset", path);
  std::string header(static_cast<size_t>(kSpoolContentOffset), '\0');
  std::memcpy(header.data(), kMagic, 8);
  PutU32(header.data() + 8, kVersion);
  PutU32(header.data() + 12, static_cast<uint32_t>(journal.size()));
  PutU64(header.data() + 16, static_cast<uint64_t>(begin));
  std::memcpy(header.data() + 24, journal.data(), journal.size());
  PutU32(header.data() + 24 + journal.size(),
         Crc32(std::string_view(header.data(), 24 + journal.size())));
  FLOW_TRY(WriteFileAtomic(path, header));
  return Open(path, OpenMode::kRecover);
}

Result<std::shared_ptr<Spool>> Spool::Open(const std::string& path, OpenMode mode) {
  std::shared_ptr<Spool> spool(new Spool());
  spool->path_ = path;
  spool->read_only_ = mode == OpenMode::kReadOnly;
  spool->fd_ = ::open(path.c_str(), (spool->read_only_ ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (spool->fd_ < 0) {
    if (errno == ENOENT)
      return Status::NotFound("open spool {}: {}", path, std::strerror(errno));
    return ErrnoStatus(errno, "open", path);
  }
  FLOW_ASSIGN_OR_RETURN(std::string header,
                        PReadUpTo(spool->fd_, 0, static_cast<size_t>(kSpoolContentOffset), path));
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption("spool {}: {}", path, why);
  };
  if (header.size() < static_cast<size_t>(kSpoolContentOffset))
    return corrupt("header is truncated");
  if (std::memcmp(header.data(), kMagic, 8) != 0)
    return corrupt("not a flowctl spool file (bad magic)");
  if (GetU32(header.data() + 8) != kVersion)
    return corrupt("unsupported spool version");
  uint32_t len = GetU32(header.data() + 12);
  if (len > 1024 || 24 + len + 4 > kSpoolContentOffset)
    return corrupt("bad journal name length");
  if (GetU32(header.data() + 24 + len) != Crc32(std::string_view(header.data(), 24 + len)))
    return corrupt("header checksum mismatch");
  spool->begin_ = static_cast<int64_t>(GetU64(header.data() + 16));
  spool->journal_ = std::string(header.data() + 24, len);
  FLOW_TRY(spool->LoadCommitted(!spool->read_only_));
  return spool;
}

Status Spool::LoadCommitted(bool repair) {
  auto corrupt = [&](std::string_view why) {
    return Status::Corruption("spool {}: {}", path_, why);
  };
  char raw[2][kSlotSize];
  CommitRecord rec[2];
  bool valid[2];
  for (int k = 0; k < 2; ++k) {
    FLOW_ASSIGN_OR_RETURN(std::string bytes, PReadUpTo(fd_, kSlotOffsets[k], kSlotSize, path_));
    if (bytes.size() != kSlotSize)
      return corrupt("commit records are truncated");
    std::memcpy(raw[k], bytes.data(), kSlotSize);
    valid[k] = rec[k].Decode(raw[k], begin_);
  }
  struct stat st;
  if (::fstat(fd_, &st) != 0)
    return ErrnoStatus(errno, "stat", path_);
  const int64_t file_size = static_cast<int64_t>(st.st_size);

  // A record is committed if every byte of its append is present with the recorded
  // checksum. Try the newest valid record first; if its append did not fully land (a
  // crash before fdatasync returned), the other record must hold the previous commit,
  // which was durable before the newest record was ever written.
  int candidates[2];
  int n = 0;
  for (int k = 0; k < 2; ++k) {
    if (valid[k])
      candidates[n++] = k;
  }
  if (n == 2 && rec[candidates[1]].seq > rec[candidates[0]].seq)
    std::swap(candidates[0], candidates[1]);
  auto complete = [&](const CommitRecord& r) -> Result<bool> {
    if (file_size < kSpoolContentOffset + (r.end - begin_))
      return false;
    FLOW_ASSIGN_OR_RETURN(std::string last,
                          PReadUpTo(fd_, kSpoolContentOffset + (r.prev_end - begin_),
                                    static_cast<size_t>(r.end - r.prev_end), path_));
    return last.size() == static_cast<size_t>(r.end - r.prev_end) && Crc32(last) == r.append_crc;
  };
  int chosen = -1;
  if (n > 0) {
    const CommitRecord& newest = rec[candidates[0]];
    FLOW_ASSIGN_OR_RETURN(bool newest_ok, complete(newest));
    if (newest_ok) {
      chosen = candidates[0];
    } else if (n == 2) {
      const CommitRecord& prev = rec[candidates[1]];
      FLOW_ASSIGN_OR_RETURN(bool prev_ok, complete(prev));
      if (!prev_ok) {
        return corrupt(fmt::format(
            "committed content [{}, {}) is missing or damaged (the file has {} content bytes)",
            prev.prev_end, prev.end, std::max<int64_t>(0, file_size - kSpoolContentOffset)));
      }
      chosen = candidates[1];
      FLOW_LOG_WARN(
          "spool {}: commit {} ([{}, {})) did not fully reach the disk before a crash; "
          "recovering to commit {}",
          path_, newest.seq, newest.prev_end, newest.end, prev.seq);
    } else if (newest.seq != 1) {
      // The newest commit did not land and the record of the one before it is damaged.
      return corrupt(fmt::format("commit {} is incomplete and the record of commit {} is damaged",
                                 newest.seq, newest.seq - 1));
    }
    if (chosen < 0) {
      FLOW_LOG_WARN("spool {}: its first commit did not fully reach the disk before a crash",
                    path_);
    }
  }
  if (chosen >= 0) {
    seq_ = rec[chosen].seq;
    end_ = rec[chosen].end;
    first_append_nanos_ = rec[chosen].first_append_nanos;
  } else {
    seq_ = 0;
    end_ = begin_;
    first_append_nanos_ = 0;
  }
  if (!repair)
    return Status::OK();

  // Make the file hold exactly the committed state: clear records that are not the
  // chosen one but could be mistaken for a later commit, and cut off a torn tail.
  bool changed = false;
  static const char kZeros[kSlotSize] = {};
  for (int k = 0; k < 2; ++k) {
    if (k == chosen)
      continue;
    bool stale = !valid[k] || rec[k].seq > seq_;
    if (stale && std::memcmp(raw[k], kZeros, kSlotSize) != 0) {
      FLOW_TRY(PWriteAll(fd_, std::string_view(kZeros, kSlotSize), kSlotOffsets[k], path_));
      changed = true;
    }
  }
  const int64_t want = kSpoolContentOffset + (end_ - begin_);
  if (file_size > want) {
    if (::ftruncate(fd_, want) != 0)
      return ErrnoStatus(errno, "truncate", path_);
    changed = true;
  }
  if (changed && ::fdatasync(fd_) != 0)
    return ErrnoStatus(errno, "sync", path_);
  return Status::OK();
}

Status Spool::Refresh() {
  return LoadCommitted(false);
}

Status Spool::Append(std::string_view content, int64_t now_unix_nanos) {
  if (read_only_)
    return Status::FailedPrecondition("spool {} is open read-only", path_);
  if (failed_) {
    return Status::FailedPrecondition(
        "spool {} failed an earlier write; it must be recovered before appending", path_);
  }
  if (content.empty())
    return Status::OK();
  CommitRecord r;
  r.seq = seq_ + 1;
  r.prev_end = end_;
  r.end = end_ + static_cast<int64_t>(content.size());
  r.first_append_nanos = seq_ == 0 ? now_unix_nanos : first_append_nanos_;
  r.append_crc = Crc32(content);
  char slot[kSlotSize];
  r.Encode(slot);

  // Content first, then the record naming it, then one fdatasync for both: a crash
  // leaves either the previous record (and a torn tail that recovery cuts off) or a
  // record whose checksum proves its content is complete.
  Status s = PWriteAll(fd_, content, kSpoolContentOffset + (end_ - begin_), path_);
  if (s.ok())
    s = PWriteAll(fd_, std::string_view(slot, kSlotSize), kSlotOffsets[r.seq % 2], path_);
  if (s.ok() && ::fdatasync(fd_) != 0)
    s = ErrnoStatus(errno, "sync", path_);
  if (!s.ok()) {
    failed_ = true;
    return s;
  }
  seq_ = r.seq;
  end_ = r.end;
  first_append_nanos_ = r.first_append_nanos;
  return Status::OK();
}

Status Spool::Rename(const std::string& new_path) {
  if (::rename(path_.c_str(), new_path.c_str()) != 0)
    return Status::IOError("rename spool {} to {}: {}", path_, new_path, std::strerror(errno));
  std::string old_dir = DirOf(path_);
  path_ = new_path;
  FLOW_TRY(FsyncDir(DirOf(new_path)));
  if (old_dir != DirOf(new_path))
    FLOW_TRY(FsyncDir(old_dir));
  return Status::OK();
}

Status Spool::Remove() {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
    return ErrnoStatus(errno, "unlink", path_);
  return FsyncDir(DirOf(path_));
}

Status Spool::ReadAt(int64_t offset, int64_t n, std::string* out) const {
  if (offset < begin_ || n < 0 || offset + n > end_) {
    return Status::Internal("spool {}: read [{}, {}) outside committed [{}, {})", path_, offset,
                            offset + n, begin_, end_);
  }
  size_t base = out->size();
  out->resize(base + static_cast<size_t>(n));
  int64_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd_, out->data() + base + done, static_cast<size_t>(n - done),
                        kSpoolContentOffset + (offset - begin_) + done);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      out->resize(base);
      return ErrnoStatus(errno, "read", path_);
    }
    if (r == 0) {
      out->resize(base);
      return Status::Corruption("spool {}: committed content ends early at offset {}", path_,
                                offset + done);
    }
    done += r;
  }
  return Status::OK();
}

}  // namespace flow::storage

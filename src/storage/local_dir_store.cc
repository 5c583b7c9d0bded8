// SPDX-License-Identifier: Apache-2.0
// storage/local_dir_store.cc: the local-directory FragmentStore.
#include "storage/local_dir_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "base/file.h"

namespace flow::storage {
namespace {

Status ErrnoStatus(int err, std::string_view op, std::string_view path) {
  if (err == ENOENT || err == ENOTDIR)
    return Status::NotFound("{} {}: {}", op, path, std::strerror(err));
  return Status::IOError("{} {}: {}", op, path, std::strerror(err));
}

// WriteFileAtomic's in-flight temp files: `<name>.tmp.XXXXXX`.
bool IsTempFile(std::string_view name) {
  constexpr std::string_view kMarker = ".tmp.";
  if (name.size() < kMarker.size() + 6)
    return false;
  std::string_view tail = name.substr(name.size() - 6);
  if (name.substr(name.size() - 6 - kMarker.size(), kMarker.size()) != kMarker)
    return false;
  return std::all_of(tail.begin(), tail.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

// The regular file at `full`, or NotFound if there is none (a directory, a symlink or
// a missing path all count as "no such object", as on S3).
Result<struct stat> StatObject(const std::string& full, std::string_view key) {
  struct stat st;
  if (::lstat(full.c_str(), &st) != 0)
    return ErrnoStatus(errno, "stat", full);
  if (!S_ISREG(st.st_mode))
    return Status::NotFound("object {} does not exist ({} is not a regular file)", key, full);
  return st;
}

}  // namespace

Status LocalDirStore::Walk(const std::string& dir, std::string_view prefix,
                           std::string_view page_token, std::vector<ObjectInfo>* found) const {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    // A directory removed while we list (Delete prunes empty ones) holds no objects.
    if (errno == ENOENT || errno == ENOTDIR)
      return Status::OK();
    return ErrnoStatus(errno, "list directory", dir);
  }
  std::vector<std::string> subdirs;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..")
      continue;
    std::string full = dir + "/" + std::string(name);
    struct stat st;
    // lstat: symlinks are never followed, so nothing outside the root is reachable.
    if (::lstat(full.c_str(), &st) != 0)
      continue;  // vanished while listing
    if (S_ISDIR(st.st_mode)) {
      subdirs.push_back(std::move(full));
      continue;
    }
    if (!S_ISREG(st.st_mode) || IsTempFile(name))
      continue;
    std::string key = full.substr(root_.size() + 1);
    if (key.compare(0, prefix.size(), prefix) != 0)
      continue;
    if (!page_token.empty() && key <= page_token)
      continue;
    found->push_back(ObjectInfo{std::move(key), static_cast<int64_t>(st.st_size),
                                static_cast<int64_t>(st.st_mtim.tv_sec)});
  }
  ::closedir(d);
  for (const std::string& sub : subdirs) {
    // Skip subtrees that cannot hold a key with this prefix.
    std::string_view rel = std::string_view(sub).substr(root_.size() + 1);
    size_t n = std::min(rel.size(), prefix.size());
    if (rel.substr(0, n) != prefix.substr(0, n))
      continue;
    FLOW_TRY(Walk(sub, prefix, page_token, found));
  }
  return Status::OK();
}

LocalDirStore::LocalDirStore(std::string root) : root_(std::move(root)) {
  url_ = "file://" + root_ + "/";
}

Result<std::unique_ptr<LocalDirStore>> LocalDirStore::Open(const std::string& root) {
  FLOW_TRY(MakeDirs(root));
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(root, ec);
  if (ec)
    return Status::IOError("resolving {}: {}", root, ec.message());
  std::string normalized = abs.lexically_normal().string();
  while (normalized.size() > 1 && normalized.back() == '/')
    normalized.pop_back();
  return std::unique_ptr<LocalDirStore>(new LocalDirStore(std::move(normalized)));
}

std::string LocalDirStore::FullPath(std::string_view path) const {
  std::string full = root_;
  full.push_back('/');
  full.append(path);
  return full;
}

Status LocalDirStore::Put(std::string_view path, std::string_view data, const PutOptions&) {
  FLOW_TRY(ValidateObjectPath(path));
  // Create missing parents one at a time and fsync the directory each was created in,
  // so that once Put returns, a crash cannot lose the new directory entries (and with
  // them the object).
  std::string dir = root_;
  size_t start = 0;
  for (size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', start)) {
    std::string parent = dir;
    dir.push_back('/');
    dir.append(path.substr(start, slash - start));
    start = slash + 1;
    if (::mkdir(dir.c_str(), 0755) == 0) {
      FLOW_TRY(FsyncDir(parent));
    } else if (errno != EEXIST) {
      return ErrnoStatus(errno, "mkdir", dir);
    }
  }
  return WriteFileAtomic(FullPath(path), data).Annotate("put");
}

Result<std::string> LocalDirStore::Get(std::string_view path) {
  FLOW_TRY(ValidateObjectPath(path));
  std::string full = FullPath(path);
  FLOW_TRY(StatObject(full, path));
  return ReadFile(full);
}

Result<std::string> LocalDirStore::GetRange(std::string_view path, int64_t offset, int64_t length) {
  FLOW_TRY(ValidateObjectPath(path));
  if (offset < 0 || length < 0) {
    return Status::InvalidArgument("range [{}, +{}) of {}: negative offset or length", offset,
                                   length, path);
  }
  std::string full = FullPath(path);
  int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ELOOP || errno == EISDIR)
      return Status::NotFound("object {} does not exist", path);
    return ErrnoStatus(errno, "open", full);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus(err, "stat", full);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::NotFound("object {} does not exist", path);
  }
  if (offset > st.st_size) {
    ::close(fd);
    return Status::InvalidArgument("range [{}, +{}) of {}: starts past the end ({} bytes)", offset,
                                   length, path, static_cast<int64_t>(st.st_size));
  }
  int64_t n = std::min<int64_t>(length, st.st_size - offset);
  std::string out(static_cast<size_t>(n), '\0');
  int64_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, out.data() + done, static_cast<size_t>(n - done), offset + done);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      int err = errno;
      ::close(fd);
      return ErrnoStatus(err, "read", full);
    }
    if (r == 0)
      break;  // the file shrank; return what is there
    done += r;
  }
  ::close(fd);
  out.resize(static_cast<size_t>(done));
  return out;
}

Result<ObjectInfo> LocalDirStore::Stat(std::string_view path) {
  FLOW_TRY(ValidateObjectPath(path));
  FLOW_ASSIGN_OR_RETURN(struct stat st, StatObject(FullPath(path), path));
  return ObjectInfo{std::string(path), static_cast<int64_t>(st.st_size),
                    static_cast<int64_t>(st.st_mtim.tv_sec)};
}

Result<ListPage> LocalDirStore::List(std::string_view prefix, std::string_view page_token,
                                     int max_keys) {
  if (max_keys < 1 || max_keys > kMaxListKeys) {
    return Status::InvalidArgument("list {}: max_keys {} is outside 1..{}", prefix, max_keys,
                                   kMaxListKeys);
  }
  // Walk the deepest directory that every matching key must be under.
  size_t last_slash = prefix.rfind('/');
  std::string dir_part =
      last_slash == std::string_view::npos ? "" : std::string(prefix.substr(0, last_slash));
  if (!dir_part.empty())
    FLOW_TRY(ValidateObjectPath(dir_part));
  std::string walk_root = dir_part.empty() ? root_ : FullPath(dir_part);

  std::vector<ObjectInfo> found;
  struct stat root_st;
  if (::lstat(walk_root.c_str(), &root_st) != 0 || !S_ISDIR(root_st.st_mode))
    return ListPage{};
  FLOW_TRY(Walk(walk_root, prefix, page_token, &found));
  std::sort(found.begin(), found.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.path < b.path; });
  ListPage page;
  if (found.size() > static_cast<size_t>(max_keys)) {
    found.resize(static_cast<size_t>(max_keys));
    page.next_page_token = found.back().path;
  }
  page.objects = std::move(found);
  return page;
}

Status LocalDirStore::Delete(std::string_view path) {
  FLOW_TRY(ValidateObjectPath(path));
  std::string full = FullPath(path);
  struct stat st;
  if (::lstat(full.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return Status::OK();
    return ErrnoStatus(errno, "stat", full);
  }
  if (!S_ISREG(st.st_mode))
    return Status::OK();  // not an object
  if (::unlink(full.c_str()) != 0 && errno != ENOENT)
    return ErrnoStatus(errno, "unlink", full);
  // Prune directories left empty; stop at the first that still has entries.
  std::string dir(path);
  for (size_t slash = dir.rfind('/'); slash != std::string::npos; slash = dir.rfind('/')) {
    dir.resize(slash);
    if (::rmdir(FullPath(dir).c_str()) != 0)
      break;
  }
  return Status::OK();
}

}  // namespace flow::storage

// SPDX-License-Identifier: Apache-2.0
// runtime/publish/ingest_checkpoint.cc: the ingest checkpoint's JSON and its file pair.
#include "runtime/publish/ingest_checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <zlib.h>

#include "base/file.h"
#include "doc/arena.h"
#include "doc/json.h"

namespace flow::runtime::publish {
namespace {

constexpr char kMagic[8] = {'F', 'L', 'O', 'W', 'C', 'K', 'P', '1'};
constexpr size_t kHeader = 24;  // magic, seq, length, crc

uint32_t Crc(std::string_view head, std::string_view payload) {
  uLong c = crc32(0L, Z_NULL, 0);
  c = crc32(c, reinterpret_cast<const Bytef*>(head.data()), static_cast<uInt>(head.size()));
  c = crc32(c, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<uint32_t>(c);
}

template <typename T>
void PutLe(char* p, T v) {
  for (size_t i = 0; i < sizeof(T); ++i)
    p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

template <typename T>
T GetLe(const char* p) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<T>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

Status Errno(std::string_view what, const std::string& path) {
  return Status::IOError("{} {}: {}", what, path, std::strerror(errno));
}

// Reads the record in `fd`; nullopt if it is missing or damaged.
Result<std::optional<std::pair<uint64_t, std::string>>> ReadRecord(int fd,
                                                                   const std::string& path) {
  struct stat st {};
  if (fstat(fd, &st) != 0)
    return Errno("stat", path);
  if (st.st_size < static_cast<off_t>(kHeader))
    return std::optional<std::pair<uint64_t, std::string>>();
  std::string buf(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = pread(fd, buf.data() + got, buf.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return Errno("reading", path);
    if (n == 0)
      break;
    got += static_cast<size_t>(n);
  }
  buf.resize(got);
  if (buf.size() < kHeader || std::memcmp(buf.data(), kMagic, 8) != 0)
    return std::optional<std::pair<uint64_t, std::string>>();
  const uint64_t seq = GetLe<uint64_t>(buf.data() + 8);
  const uint32_t len = GetLe<uint32_t>(buf.data() + 16);
  const uint32_t crc = GetLe<uint32_t>(buf.data() + 20);
  if (buf.size() < kHeader + len)
    return std::optional<std::pair<uint64_t, std::string>>();
  std::string_view payload = std::string_view(buf).substr(kHeader, len);
  if (Crc(std::string_view(buf).substr(0, 20), payload) != crc)
    return std::optional<std::pair<uint64_t, std::string>>();
  return std::optional(std::make_pair(seq, std::string(payload)));
}

Result<std::string> StringField(const doc::Node& obj, std::string_view name) {
  const doc::Node* v = obj.Find(name);
  if (v == nullptr || !v->is_string())
    return Status::InvalidArgument("ingest checkpoint: `{}` is missing or not a string", name);
  return std::string(v->as_string());
}

Result<uint64_t> CountField(const doc::Node& obj, std::string_view name) {
  const doc::Node* v = obj.Find(name);
  if (v == nullptr || v->type() != doc::Type::kPosInt)
    return Status::InvalidArgument("ingest checkpoint: `{}` is missing or not a count", name);
  return v->as_u64();
}

}  // namespace

std::string EncodeIngestCheckpoint(const IngestCheckpoint& cp) {
  std::string out = "{\"collection\":";
  doc::AppendJsonString(cp.collection, &out);
  out += ",\"producer\":";
  doc::AppendJsonString(cp.producer, &out);
  out +=
      fmt::format(",\"txn\":{},\"input_lines\":{},\"input_bytes\":{},\"last_line_sha1\":", cp.txn,
                  cp.input_lines, cp.input_bytes);
  doc::AppendJsonString(cp.last_line_sha1, &out);
  out += ",\"acks\":[";
  for (size_t i = 0; i < cp.acks.size(); ++i) {
    if (i > 0)
      out.push_back(',');
    out += "{\"journal\":";
    doc::AppendJsonString(cp.acks[i].journal, &out);
    out += ",\"line\":";
    doc::AppendJsonString(cp.acks[i].line, &out);
    out.push_back('}');
  }
  out += "]}";
  return out;
}

Result<IngestCheckpoint> DecodeIngestCheckpoint(std::string_view json) {
  doc::Arena arena;
  doc::Parser parser;
  FLOW_ASSIGN_OR_RETURN(doc::Node root, parser.Parse(json, arena));
  if (!root.is_object())
    return Status::InvalidArgument("ingest checkpoint: not a JSON object");
  IngestCheckpoint cp;
  FLOW_ASSIGN_OR_RETURN(cp.collection, StringField(root, "collection"));
  FLOW_ASSIGN_OR_RETURN(cp.producer, StringField(root, "producer"));
  FLOW_ASSIGN_OR_RETURN(cp.txn, CountField(root, "txn"));
  FLOW_ASSIGN_OR_RETURN(cp.input_lines, CountField(root, "input_lines"));
  FLOW_ASSIGN_OR_RETURN(cp.input_bytes, CountField(root, "input_bytes"));
  FLOW_ASSIGN_OR_RETURN(cp.last_line_sha1, StringField(root, "last_line_sha1"));
  const doc::Node* acks = root.Find("acks");
  if (acks == nullptr || !acks->is_array())
    return Status::InvalidArgument("ingest checkpoint: `acks` is missing or not an array");
  for (const doc::Node& a : acks->items()) {
    if (!a.is_object())
      return Status::InvalidArgument("ingest checkpoint: an ACK intent is not an object");
    AckIntent ack;
    FLOW_ASSIGN_OR_RETURN(ack.journal, StringField(a, "journal"));
    FLOW_ASSIGN_OR_RETURN(ack.line, StringField(a, "line"));
    if (ack.line.empty() || ack.line.back() != '\n')
      return Status::InvalidArgument("ingest checkpoint: an ACK line does not end in a newline");
    cp.acks.push_back(std::move(ack));
  }
  return cp;
}

Result<CheckpointFile> CheckpointFile::Open(std::string base) {
  CheckpointFile f;
  f.base_ = std::move(base);
  bool created = false;
  std::optional<std::pair<uint64_t, std::string>> best;
  int best_index = 1;  // with no record, the first write goes to `.0`
  for (int i = 0; i < 2; ++i) {
    const std::string path = fmt::format("{}.{}", f.base_, i);
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
      fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      created = true;
    }
    if (fd < 0)
      return Errno("opening", path);
    f.fds_[i] = fd;
    FLOW_ASSIGN_OR_RETURN(auto record, ReadRecord(fd, path));
    if (record && (!best || record->first > best->first)) {
      best = std::move(record);
      best_index = i;
    }
  }
  if (created) {
    const size_t slash = f.base_.rfind('/');
    FLOW_TRY(FsyncDir(slash == std::string::npos ? "." : f.base_.substr(0, slash)));
  }
  f.newest_ = best_index;
  if (best) {
    f.seq_ = best->first;
    f.payload_ = std::move(best->second);
  }
  return f;
}

CheckpointFile::CheckpointFile(CheckpointFile&& other) noexcept
    : base_(std::move(other.base_)),
      seq_(other.seq_),
      newest_(other.newest_),
      payload_(std::move(other.payload_)) {
  fds_[0] = std::exchange(other.fds_[0], -1);
  fds_[1] = std::exchange(other.fds_[1], -1);
}

CheckpointFile& CheckpointFile::operator=(CheckpointFile&& other) noexcept {
  if (this != &other) {
    CloseFds();
    base_ = std::move(other.base_);
    seq_ = other.seq_;
    newest_ = other.newest_;
    payload_ = std::move(other.payload_);
    fds_[0] = std::exchange(other.fds_[0], -1);
    fds_[1] = std::exchange(other.fds_[1], -1);
  }
  return *this;
}

CheckpointFile::~CheckpointFile() {
  CloseFds();
}

void CheckpointFile::CloseFds() {
  for (int& fd : fds_) {
    if (fd >= 0)
      ::close(fd);
    fd = -1;
  }
}

Status CheckpointFile::Write(std::string_view payload) {
  const uint64_t seq = seq_ + 1;
  const int index = 1 - newest_;  // never the file holding the newest record
  const int fd = fds_[index];
  const std::string path = fmt::format("{}.{}", base_, index);
  std::string rec(kHeader, '\0');
  std::memcpy(rec.data(), kMagic, 8);
  PutLe<uint64_t>(rec.data() + 8, seq);
  PutLe<uint32_t>(rec.data() + 16, static_cast<uint32_t>(payload.size()));
  PutLe<uint32_t>(rec.data() + 20, Crc(std::string_view(rec).substr(0, 20), payload));
  rec.append(payload);
  size_t done = 0;
  while (done < rec.size()) {
    ssize_t n = pwrite(fd, rec.data() + done, rec.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return Errno("writing", path);
    done += static_cast<size_t>(n);
  }
  if (ftruncate(fd, static_cast<off_t>(rec.size())) != 0)
    return Errno("truncating", path);
  if (fdatasync(fd) != 0)
    return Errno("syncing", path);
  seq_ = seq;
  newest_ = index;
  payload_ = std::string(payload);
  return Status::OK();
}

}  // namespace flow::runtime::publish

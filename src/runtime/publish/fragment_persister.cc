// SPDX-License-Identifier: Apache-2.0
// runtime/publish/fragment_persister.cc: incremental fragment compression on a worker.
#include "runtime/publish/fragment_persister.h"

#include <ctime>

#include "base/deflate.h"
#include "base/log.h"
#include "base/sha1.h"

namespace flow::runtime::publish {
namespace {

int64_t NowUnix() {
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace

// The content of one spool seen so far: [begin, end), SHA-1'd, compressed up to the
// bytes still in `pending`.
struct FragmentPersister::Stream {
  int64_t begin = 0;
  int64_t end = 0;
  Sha1 sha;
  std::string body;     // complete gzip members
  std::string pending;  // uncompressed tail, shorter than member_bytes
  bool broken = false;  // a gap or a compression error: re-read the spool instead
};

FragmentPersister::FragmentPersister(storage::FragmentStore* store, PersisterOptions options)
    : store_(store), options_(options) {
  worker_ = std::thread([this] { Work(); });
}

FragmentPersister::~FragmentPersister() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  worker_.join();
}

void FragmentPersister::Appended(const std::string& journal, int64_t spool_begin, int64_t begin,
                                 std::string content) {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [&] { return queued_bytes_ <= options_.max_queued_bytes; });
  queued_bytes_ += content.size();
  Job job{Job::Kind::kAppend, journal, spool_begin, begin, std::move(content), {}};
  jobs_.push_back(std::move(job));
  lock.unlock();
  work_cv_.notify_one();
}

void FragmentPersister::Persist(const std::string& journal, storage::PersistTask task) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t spool_begin = task.spool->begin();
  jobs_.push_back(Job{Job::Kind::kPersist, journal, spool_begin, 0, {}, std::move(task)});
  work_cv_.notify_one();
}

std::vector<CompletedPersist> FragmentPersister::TakeCompleted() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<CompletedPersist> out;
  out.swap(completed_);
  return out;
}

void FragmentPersister::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [&] { return jobs_.empty() && !busy_; });
}

uint64_t FragmentPersister::precompressed_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return precompressed_;
}

uint64_t FragmentPersister::reread_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reread_;
}

void FragmentPersister::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
    if (jobs_.empty())
      return;  // stopping, and everything queued is done
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    if (job.kind == Job::Kind::kAppend) {
      const size_t n = job.content.size();
      DoAppend(job);
      lock.lock();
      queued_bytes_ -= n;
    } else {
      CompletedPersist done = DoPersist(job);
      lock.lock();
      completed_.push_back(std::move(done));
    }
    busy_ = false;
    idle_cv_.notify_all();
  }
}

void FragmentPersister::DoAppend(Job& job) {
  std::unique_ptr<Stream>& slot = streams_[{job.journal, job.spool_begin}];
  if (!slot) {
    slot = std::make_unique<Stream>();
    slot->begin = slot->end = job.begin;
  }
  Stream& s = *slot;
  if (s.broken)
    return;
  if (job.begin != s.end) {
    s.broken = true;
    return;
  }
  std::string_view data = job.content;
  s.sha.Update(data);
  s.end += static_cast<int64_t>(data.size());

  auto compress = [&](std::string_view member) {
    if (Status st = CompressMember(member, &s.body); !st.ok()) {
      FLOW_LOG_WARN("journal {}: compressing a fragment: {}", job.journal, st.ToString());
      s.broken = true;
    }
  };
  const size_t m = options_.member_bytes;
  if (!s.pending.empty()) {
    const size_t take = std::min(data.size(), m - s.pending.size());
    s.pending.append(data.substr(0, take));
    data.remove_prefix(take);
    if (s.pending.size() < m)
      return;
    compress(s.pending);
    s.pending.clear();
  }
  while (data.size() >= m && !s.broken) {
    compress(data.substr(0, m));
    data.remove_prefix(m);
  }
  s.pending.assign(data);
}

Status FragmentPersister::CompressMember(std::string_view data, std::string* body) {
  if (!compressor_) {
    FLOW_ASSIGN_OR_RETURN(GzipMemberCompressor c,
                          GzipMemberCompressor::Create(options_.gzip_level));
    compressor_ = std::make_unique<GzipMemberCompressor>(std::move(c));
  }
  return compressor_->Compress(data, body);
}

CompletedPersist FragmentPersister::DoPersist(Job& job) {
  CompletedPersist done{job.journal, job.task, Status::OK()};
  const storage::Spool& spool = *job.task.spool;
  std::unique_ptr<Stream> stream;
  if (auto it = streams_.find({job.journal, job.spool_begin}); it != streams_.end()) {
    stream = std::move(it->second);
    streams_.erase(it);
  }
  const bool usable = stream && !stream->broken && stream->begin == spool.begin() &&
                      stream->end == spool.end() && job.task.codec == storage::Codec::kGzip;
  if (!usable) {
    done.result = storage::PersistSpool(job.task, *store_, NowUnix());
    std::lock_guard<std::mutex> lock(mu_);
    ++reread_;
    return done;
  }
  auto persist = [&]() -> Result<storage::Fragment> {
    if (!stream->pending.empty()) {
      FLOW_TRY(CompressMember(stream->pending, &stream->body));
      stream->pending.clear();
    }
    storage::Fragment f;
    f.journal = spool.journal();
    f.begin = spool.begin();
    f.end = spool.end();
    f.codec = storage::Codec::kGzip;
    FLOW_ASSIGN_OR_RETURN(f.path_postfix, job.task.postfix.Render(spool.first_append_unix_nanos()));
    FLOW_ASSIGN_OR_RETURN(f.sum, storage::Sha1Sum::FromHex(stream->sha.FinishHex()));
    const std::string path = f.ContentPath();
    // The name is content-addressed: an existing object already holds these bytes.
    FLOW_ASSIGN_OR_RETURN(bool exists, storage::Exists(*store_, path));
    if (!exists) {
      if (Status s = store_->Put(path, stream->body); !s.ok())
        return std::move(s).Annotatef("persisting {}{}", store_->url(), path);
    }
    f.backing_store = store_->url();
    f.mod_time = NowUnix();
    return f;
  };
  done.result = persist();
  std::lock_guard<std::mutex> lock(mu_);
  ++precompressed_;
  return done;
}

}  // namespace flow::runtime::publish

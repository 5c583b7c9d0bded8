// SPDX-License-Identifier: Apache-2.0
// storage/journal.cc: appends, rolls, persistence and crash recovery of one journal.
#include "storage/journal.h"

#include <algorithm>

#include "base/file.h"
#include "base/log.h"
#include "base/sha1.h"
#include "storage/fragment_listing.h"
#include "storage/journal_name.h"
#include "storage/partition.h"

namespace flow::storage {
namespace {

constexpr int64_t kNanos = 1'000'000'000;
constexpr int64_t kPersistChunk = int64_t{4} << 20;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

Result<Fragment> PersistSpool(const PersistTask& task, FragmentStore& store, int64_t now_unix) {
  const Spool& spool = *task.spool;
  if (spool.empty())
    return Status::InvalidArgument("persist spool {}: it is empty", spool.path());
  Fragment f;
  f.journal = spool.journal();
  f.begin = spool.begin();
  f.end = spool.end();
  f.codec = task.codec;
  FLOW_ASSIGN_OR_RETURN(f.path_postfix, task.postfix.Render(spool.first_append_unix_nanos()));

  // One pass over the content: hash the raw bytes and compress them together.
  std::string body;
  Sha1 sha;
  {
    FLOW_ASSIGN_OR_RETURN(FragmentEncoder enc,
                          FragmentEncoder::Create(task.codec, &body, task.encode));
    std::string chunk;
    for (int64_t off = f.begin; off < f.end; off += kPersistChunk) {
      chunk.clear();
      FLOW_TRY(spool.ReadAt(off, std::min(kPersistChunk, f.end - off), &chunk));
      sha.Update(chunk);
      FLOW_TRY(enc.Append(chunk));
    }
    FLOW_TRY(enc.Finish());
  }
  FLOW_ASSIGN_OR_RETURN(f.sum, Sha1Sum::FromHex(sha.FinishHex()));

  const std::string path = f.ContentPath();
  // An object with this name holds exactly these bytes (the name is content-addressed),
  // so an existing one means an earlier attempt already succeeded.
  FLOW_ASSIGN_OR_RETURN(bool exists, Exists(store, path));
  if (!exists) {
    PutOptions put;
    put.content_encoding = std::string(ContentEncodingFor(task.codec));
    if (Status s = store.Put(path, body, put); !s.ok())
      return std::move(s).Annotatef("persisting {}{}", store.url(), path);
  }
  f.backing_store = store.url();
  f.mod_time = now_unix;
  return f;
}

Result<FragmentIndex> LoadJournalIndex(FragmentStore& store, std::string_view spool_dir,
                                       std::string_view journal) {
  // A writer may seal or remove a spool between our directory scan and its open; the
  // content then moved to a sealed spool or a fragment, so scan again.
  for (int attempt = 0;; ++attempt) {
    FragmentIndex index;
    FLOW_ASSIGN_OR_RETURN(CoverSet remote, ListJournalCoverSet(store, journal));
    index.ReplaceRemote(std::move(remote));
    FLOW_ASSIGN_OR_RETURN(SpoolFiles files, FindSpoolFiles(spool_dir, journal));
    std::vector<std::string> paths = files.sealed;
    if (!files.active.empty())
      paths.push_back(files.active);
    bool vanished = false;
    for (const std::string& path : paths) {
      Result<std::shared_ptr<Spool>> spool = Spool::Open(path, Spool::OpenMode::kReadOnly);
      if (!spool.ok() && spool.status().Is(Code::kNotFound)) {
        vanished = true;
        continue;
      }
      FLOW_TRY(spool.status());
      if ((*spool)->journal() != journal || (*spool)->empty())
        continue;
      Fragment f;
      f.journal = std::string(journal);
      f.begin = (*spool)->begin();
      f.end = (*spool)->end();
      index.AddLocal(f, *spool);
    }
    if (!vanished || attempt == 4)
      return index;
  }
}

Result<std::vector<std::string>> DiscoverCollectionJournals(FragmentStore& store,
                                                            std::string_view spool_dir,
                                                            std::string_view collection) {
  FLOW_ASSIGN_OR_RETURN(std::vector<std::string> out, ListCollectionJournals(store, collection));
  FLOW_ASSIGN_OR_RETURN(std::vector<std::string> spooled, ListSpooledJournals(spool_dir));
  for (std::string& journal : spooled) {
    if (ParsePartitionJournalName(journal, collection).ok())
      out.push_back(std::move(journal));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Journal::Journal(std::string name, JournalOptions options, FragmentStore* store,
                 std::string spool_dir, JournalLock lock)
    : name_(std::move(name)),
      options_(std::move(options)),
      store_(store),
      spool_dir_(std::move(spool_dir)),
      lock_(std::move(lock)) {}

Journal::~Journal() = default;

Result<std::unique_ptr<Journal>> Journal::Open(std::string name, JournalOptions options,
                                               FragmentStore* store, std::string spool_dir,
                                               int64_t now_unix_nanos) {
  FLOW_TRY(ValidateJournalName(name));
  if (options.fragment_length < 1)
    return Status::InvalidArgument("journal {}: fragment length must be positive", name);
  if (options.flush_interval_seconds < 0)
    return Status::InvalidArgument("journal {}: negative flush interval", name);
  if (options.codec == Codec::kInvalid || options.codec == Codec::kSnappy) {
    return Status::Unsupported("journal {}: cannot write fragments with codec {}", name,
                               CodecName(options.codec));
  }
  FLOW_TRY(MakeDirs(spool_dir));
  FLOW_ASSIGN_OR_RETURN(JournalLock lock, JournalLock::Acquire(spool_dir, name));
  std::unique_ptr<Journal> journal(new Journal(std::move(name), std::move(options), store,
                                               std::move(spool_dir), std::move(lock)));
  if (Status s = journal->Recover(now_unix_nanos); !s.ok())
    return std::move(s).Annotatef("opening journal {}", journal->name_);
  return journal;
}

Fragment Journal::LocalFragment(const Spool& spool) const {
  Fragment f;
  f.journal = name_;
  f.begin = spool.begin();
  f.end = spool.end();
  f.codec = options_.codec;
  return f;
}

Status Journal::Recover(int64_t now_unix_nanos) {
  FLOW_ASSIGN_OR_RETURN(CoverSet remote, ListJournalCoverSet(*store_, name_));
  index_.ReplaceRemote(std::move(remote));
  FLOW_ASSIGN_OR_RETURN(SpoolFiles files, FindSpoolFiles(spool_dir_, name_));

  auto open = [&](const std::string& path) -> Result<std::shared_ptr<Spool>> {
    FLOW_ASSIGN_OR_RETURN(std::shared_ptr<Spool> spool,
                          Spool::Open(path, Spool::OpenMode::kRecover));
    if (spool->journal() != name_) {
      return Status::Corruption("spool {} belongs to journal {}, not {}", path, spool->journal(),
                                name_);
    }
    return spool;
  };
  auto covered = [&](const Spool& spool) {
    CoverSet one;
    one.Add(LocalFragment(spool));
    return CoverSetDifference(one, index_.set()).empty();
  };

  for (const std::string& path : files.sealed) {
    FLOW_ASSIGN_OR_RETURN(std::shared_ptr<Spool> spool, open(path));
    if (spool->empty() || covered(*spool)) {
      // Persisted before the crash, but not yet removed.
      FLOW_TRY(spool->Remove());
      continue;
    }
    index_.AddLocal(LocalFragment(*spool), spool);
    sealed_.push_back(Sealed{spool});
  }
  if (!files.active.empty()) {
    FLOW_ASSIGN_OR_RETURN(std::shared_ptr<Spool> spool, open(files.active));
    if (spool->empty() || covered(*spool)) {
      FLOW_TRY(spool->Remove());
    } else if (spool->begin() < index_.EndOffset()) {
      return Status::Corruption(
          "spool {} holds [{}, {}), but the journal's fragments already extend to {}",
          spool->path(), spool->begin(), spool->end(), index_.EndOffset());
    } else {
      index_.AddLocal(LocalFragment(*spool), spool);
      spool_ = std::move(spool);
    }
  }
  if (options_.persist_inline && !sealed_.empty()) {
    if (Status s = PersistInline(now_unix_nanos); !s.ok()) {
      FLOW_LOG_WARN("journal {}: persisting recovered spools failed, will retry: {}", name_,
                    s.ToString());
    }
  }
  return Status::OK();
}

bool Journal::ShouldRoll(int64_t now_unix_nanos) const {
  if (!spool_ || spool_->empty())
    return false;
  if (spool_->content_length() > options_.fragment_length)
    return true;
  if (options_.flush_interval_seconds > 0) {
    const int64_t interval = options_.flush_interval_seconds;
    int64_t first = FloorDiv(FloorDiv(spool_->first_append_unix_nanos(), kNanos), interval);
    int64_t now = FloorDiv(FloorDiv(now_unix_nanos, kNanos), interval);
    if (first != now)
      return true;
  }
  // The spool still holds the journal's first known write: persist it promptly so the
  // store shows that this journal has been written to.
  return spool_->begin() == index_.BeginOffset();
}

Status Journal::Seal(int64_t) {
  if (!spool_)
    return Status::OK();
  if (spool_->empty())
    return Status::OK();
  FLOW_TRY(spool_->Rename(SealedSpoolPath(spool_dir_, name_, spool_->begin())));
  sealed_.push_back(Sealed{std::move(spool_)});
  spool_.reset();
  return Status::OK();
}

Status Journal::PersistInline(int64_t now_unix_nanos) {
  while (true) {
    auto it =
        std::find_if(sealed_.begin(), sealed_.end(), [](const Sealed& s) { return !s.handed_out; });
    if (it == sealed_.end())
      return Status::OK();
    PersistTask task{it->spool, options_.codec, options_.postfix, options_.encode};
    it->handed_out = true;
    Result<Fragment> result = PersistSpool(task, *store_, FloorDiv(now_unix_nanos, kNanos));
    bool failed = !result.ok();
    Status s = CompletePersist(task, std::move(result));
    if (failed || !s.ok()) {
      // Keep the order: a later fragment is not uploaded before an earlier one.
      for (Sealed& sealed : sealed_)
        sealed.handed_out = false;
      return s;
    }
  }
}

Result<AppendResult> Journal::Append(std::string_view content, int64_t now_unix_nanos) {
  if (closed_)
    return Status::FailedPrecondition("journal {} is closed", name_);
  if (content.empty()) {
    FLOW_TRY(Pulse(now_unix_nanos));
    return AppendResult{write_head(), write_head()};
  }
  if (content.back() != '\n') {
    return Status::InvalidArgument(
        "append to journal {}: content must be whole lines ending in '\\n' ({} bytes, last "
        "byte {:#04x})",
        name_, content.size(), static_cast<unsigned char>(content.back()));
  }
  if (ShouldRoll(now_unix_nanos)) {
    FLOW_TRY(Seal(now_unix_nanos));
    if (options_.persist_inline) {
      if (Status s = PersistInline(now_unix_nanos); !s.ok()) {
        // The content stays durable in the sealed spool; the persist is retried later.
        FLOW_LOG_WARN("journal {}: persisting a fragment failed, will retry: {}", name_,
                      s.ToString());
      }
    }
  }
  if (!spool_) {
    FLOW_ASSIGN_OR_RETURN(spool_,
                          Spool::Create(ActiveSpoolPath(spool_dir_, name_), name_, write_head()));
  }
  const int64_t begin = spool_->end();
  FLOW_TRY(spool_->Append(content, now_unix_nanos));
  index_.AddLocal(LocalFragment(*spool_), spool_);
  Notify();
  return AppendResult{begin, spool_->end()};
}

Status Journal::Pulse(int64_t now_unix_nanos) {
  if (closed_)
    return Status::FailedPrecondition("journal {} is closed", name_);
  if (spool_ && !spool_->empty() && options_.flush_interval_seconds > 0 &&
      ShouldRoll(now_unix_nanos)) {
    FLOW_TRY(Seal(now_unix_nanos));
  }
  if (options_.persist_inline)
    return PersistInline(now_unix_nanos);
  return Status::OK();
}

Status Journal::Roll(int64_t now_unix_nanos) {
  if (closed_)
    return Status::FailedPrecondition("journal {} is closed", name_);
  FLOW_TRY(Seal(now_unix_nanos));
  if (options_.persist_inline)
    return PersistInline(now_unix_nanos);
  return Status::OK();
}

Status Journal::RetryPersists(int64_t now_unix_nanos) {
  return PersistInline(now_unix_nanos);
}

Status Journal::Close(int64_t now_unix_nanos) {
  if (closed_)
    return Status::OK();
  closed_ = true;
  if (spool_ && spool_->empty()) {
    FLOW_TRY(spool_->Remove());
    spool_.reset();
  }
  FLOW_TRY(Seal(now_unix_nanos));
  // Persist everything now, including tasks handed out but not completed (uploads are
  // idempotent, and a late CompletePersist for them is then ignored).
  for (Sealed& sealed : sealed_)
    sealed.handed_out = false;
  return PersistInline(now_unix_nanos).Annotate(fmt::format("closing journal {}", name_));
}

std::vector<PersistTask> Journal::TakePendingPersists() {
  std::vector<PersistTask> out;
  for (Sealed& sealed : sealed_) {
    if (sealed.handed_out)
      continue;
    sealed.handed_out = true;
    out.push_back(PersistTask{sealed.spool, options_.codec, options_.postfix, options_.encode});
  }
  return out;
}

Status Journal::CompletePersist(const PersistTask& task, Result<Fragment> result) {
  auto it = std::find_if(sealed_.begin(), sealed_.end(),
                         [&](const Sealed& s) { return s.spool == task.spool; });
  if (it == sealed_.end()) {
    return Status::NotFound("journal {}: spool {} is not waiting to be persisted", name_,
                            task.spool->path());
  }
  if (!result.ok()) {
    it->handed_out = false;
    return std::move(result).take_status();
  }
  std::shared_ptr<Spool> spool = it->spool;
  sealed_.erase(it);
  index_.AddRemote(*result);
  Notify();
  // Only now that the fragment is in the store may its spool go.
  if (Status s = spool->Remove(); !s.ok())
    return std::move(s).Annotatef("journal {}: fragment persisted", name_);
  return Status::OK();
}

uint64_t Journal::AddObserver(Observer observer) {
  uint64_t id = next_observer_++;
  observers_.emplace(id, std::move(observer));
  return id;
}

void Journal::RemoveObserver(uint64_t id) {
  observers_.erase(id);
}

void Journal::Notify() {
  std::vector<uint64_t> ids;
  ids.reserve(observers_.size());
  for (const auto& [id, _] : observers_)
    ids.push_back(id);
  for (uint64_t id : ids) {
    auto it = observers_.find(id);
    if (it != observers_.end()) {
      Observer copy = it->second;  // the observer may remove itself
      copy(*this);
    }
  }
}

}  // namespace flow::storage

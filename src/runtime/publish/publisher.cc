// SPDX-License-Identifier: Apache-2.0
// runtime/publish/publisher.cc: validate, combine, stamp, route and append transactions.
#include "runtime/publish/publisher.h"

#include <time.h>

#include <fmt/format.h>

#include "base/log.h"
#include "doc/json.h"
#include "storage/partition.h"
#include "storage/postfix.h"

namespace flow::runtime::publish {
namespace {

int64_t RealtimeNanos() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

constexpr std::string_view kMeta = "_meta";
constexpr std::string_view kUuid = "uuid";

void AppendField(std::string_view name, std::string* out, bool* first) {
  if (!*first)
    out->push_back(',');
  *first = false;
  doc::AppendJsonString(name, out);
  out->push_back(':');
}

// `"_meta":{...}` with `uuid` set, merging the fields of an existing `_meta` object.
void AppendMeta(const doc::Node* existing, std::string_view uuid, std::string* out, bool* first) {
  AppendField(kMeta, out, first);
  out->push_back('{');
  bool inner_first = true;
  bool uuid_done = false;
  auto emit_uuid = [&] {
    AppendField(kUuid, out, &inner_first);
    out->push_back('"');
    out->append(uuid);
    out->push_back('"');
    uuid_done = true;
  };
  if (existing != nullptr && existing->is_object()) {
    for (const doc::Field& f : existing->fields()) {
      if (!uuid_done && f.name >= kUuid) {
        emit_uuid();
        if (f.name == kUuid)
          continue;
      }
      AppendField(f.name, out, &inner_first);
      doc::AppendJson(f.value, out);
    }
  }
  if (!uuid_done)
    emit_uuid();
  out->push_back('}');
}

}  // namespace

storage::JournalOptions FlowJournalOptions() {
  storage::JournalOptions o;
  o.fragment_length = int64_t{512} << 20;
  o.codec = storage::Codec::kGzip;
  o.flush_interval_seconds = 24 * 3600;
  o.postfix = storage::PostfixTemplate::Parse(storage::kFlowPostfixTemplate).value();
  o.encode.gzip_level = 1;  // matches the persister's level for spools it re-reads
  o.persist_inline = false;
  return o;
}

std::string AckLine(const storage::Uuid& uuid) {
  return fmt::format("{{\"_meta\":{{\"uuid\":\"{}\",\"ack\":true}}}}\n", uuid.ToString());
}

Status AppendDocumentWithUuid(const doc::Node& doc, std::string_view uuid, std::string* out) {
  if (!doc.is_object()) {
    return Status::InvalidArgument("a {} document cannot carry /_meta/uuid: it is not an object",
                                   doc::TypeName(doc.type()));
  }
  out->push_back('{');
  bool first = true;
  bool meta_done = false;
  for (const doc::Field& f : doc.fields()) {
    if (!meta_done && f.name >= kMeta) {
      meta_done = true;
      if (f.name == kMeta) {
        AppendMeta(&f.value, uuid, out, &first);
        continue;
      }
      AppendMeta(nullptr, uuid, out, &first);
    }
    AppendField(f.name, out, &first);
    doc::AppendJson(f.value, out);
  }
  if (!meta_done)
    AppendMeta(nullptr, uuid, out, &first);
  out->push_back('}');
  return Status::OK();
}

Publisher::Publisher(const catalog::Collection& collection, storage::FragmentStore* store,
                     std::string spool_dir, PublisherOptions options)
    : collection_(collection),
      store_(store),
      spool_dir_(std::move(spool_dir)),
      options_(std::move(options)),
      router_(collection),
      producer_(storage::ProducerId::Random()) {
  options_.journal.persist_inline = false;
  persister_ = std::make_unique<FragmentPersister>(store_, options_.persister);
  NewCombiner();
}

Publisher::~Publisher() = default;

Result<std::unique_ptr<Publisher>> Publisher::Open(const catalog::Collection& collection,
                                                   storage::FragmentStore* store,
                                                   std::string spool_dir,
                                                   PublisherOptions options) {
  if (!collection.write_validator_schema || collection.key_extractors.empty()) {
    return Status::FailedPrecondition("collection {} has no built schema or key", collection.name);
  }
  return std::unique_ptr<Publisher>(
      new Publisher(collection, store, std::move(spool_dir), std::move(options)));
}

int64_t Publisher::Now() const {
  return options_.now ? options_.now() : RealtimeNanos();
}

void Publisher::NewCombiner() {
  doc::combine::Spec spec;
  spec.key = collection_.key_extractors;
  spec.name = collection_.name;
  spec.full = false;
  spec.memory_limit = options_.combiner_memory;
  spec.spill_dir = options_.spill_dir;
  spec.ordinal_label = options_.ordinal_label;
  combiner_ = std::make_unique<doc::combine::Combiner>(
      std::move(spec), doc::combine::NewSchemaValidator(collection_.write_validator_schema));
  txn_docs_ = 0;
}

Status Publisher::AddJson(std::string_view json, uint64_t ordinal) {
  if (closed_)
    return Status::FailedPrecondition("publisher of {} is closed", collection_.name);
  ++txn_docs_;
  return combiner_->AddJson(json, ordinal);
}

Status Publisher::Add(const doc::Node& doc, uint64_t ordinal) {
  if (closed_)
    return Status::FailedPrecondition("publisher of {} is closed", collection_.name);
  ++txn_docs_;
  return combiner_->Add(doc, ordinal);
}

void Publisher::Abort() {
  for (auto& [name, j] : journals_) {
    j.txn_lines.clear();
    j.txn_docs = 0;
  }
  NewCombiner();
}

Result<Publisher::JournalState*> Publisher::Journal(std::string_view name) {
  auto it = journals_.find(name);
  if (it != journals_.end())
    return &it->second;
  if (Status s = storage::ParsePartitionJournalName(name, collection_.name).status(); !s.ok())
    return std::move(s).Annotatef("journal {} is not a partition of {}", name, collection_.name);
  FLOW_ASSIGN_OR_RETURN(
      std::unique_ptr<storage::Journal> journal,
      storage::Journal::Open(std::string(name), options_.journal, store_, spool_dir_, Now()));
  JournalState& j = journals_[std::string(name)];
  j.journal = std::move(journal);
  return &j;
}

Status Publisher::Append(JournalState& j, std::string content, storage::AppendResult* result) {
  storage::Journal& journal = *j.journal;
  FLOW_ASSIGN_OR_RETURN(*result, journal.Append(content, Now()));
  // The append may have sealed the previous spool; hand it to the worker, then this
  // append's bytes, which belong to the (possibly new) active spool.
  for (storage::PersistTask& task : journal.TakePendingPersists())
    persister_->Persist(journal.name(), std::move(task));
  if (const storage::Spool* spool = journal.active_spool(); spool != nullptr)
    persister_->Appended(journal.name(), spool->begin(), result->begin, std::move(content));
  return Status::OK();
}

Status Publisher::CompletePersists() {
  for (CompletedPersist& done : persister_->TakeCompleted()) {
    auto it = journals_.find(done.journal);
    if (it == journals_.end())
      continue;
    const bool failed = !done.result.ok();
    Status s = it->second.journal->CompletePersist(done.task, std::move(done.result));
    if (!s.ok()) {
      // The sealed spool stays durable and is handed out again (or persisted at Close).
      FLOW_LOG_WARN("journal {}: {}{}", done.journal,
                    failed ? "persisting a fragment failed: " : "", s.ToString());
    }
  }
  return Status::OK();
}

Result<PreparedTxn> Publisher::Prepare() {
  if (closed_)
    return Status::FailedPrecondition("publisher of {} is closed", collection_.name);
  PreparedTxn txn;
  if (txn_docs_ == 0)
    return txn;

  char uuid_text[36];
  JournalState* last = nullptr;
  std::string_view last_name;
  Status drained = combiner_->Drain([&](const doc::combine::DrainedDoc& d) -> Status {
    FLOW_ASSIGN_OR_RETURN(std::string_view name, router_.Route(d.doc));
    if (last == nullptr || name != last_name) {
      FLOW_ASSIGN_OR_RETURN(last, Journal(name));
      last_name = name;
    }
    clock_.Update(Now());
    storage::Uuid::Build(producer_, clock_.Tick(), storage::kContinueTxn).Format(uuid_text);
    FLOW_TRY(AppendDocumentWithUuid(d.doc, std::string_view(uuid_text, 36), &last->txn_lines));
    last->txn_lines.push_back('\n');
    ++last->txn_docs;
    ++txn.docs;
    return Status::OK();
  });
  if (!drained.ok()) {
    Abort();
    return drained;
  }

  // Everything serialized: now each journal gets its lines as one append.
  Status appended;
  for (auto& [name, j] : journals_) {
    if (j.txn_docs == 0)
      continue;
    storage::AppendResult r;
    const uint64_t docs = j.txn_docs;
    j.txn_docs = 0;
    if (appended.ok()) {
      appended = Append(j, std::move(j.txn_lines), &r);
      if (appended.ok())
        txn.appends.push_back(JournalAppend{name, r.begin, r.end, docs});
    }
    j.txn_lines = std::string();
  }
  NewCombiner();
  FLOW_TRY(appended);
  for (const JournalAppend& a : txn.appends) {
    storage::Uuid ack = storage::Uuid::Build(producer_, clock_.Tick(), storage::kAckTxn);
    txn.acks.push_back(AckIntent{a.journal, AckLine(ack)});
  }
  FLOW_TRY(CompletePersists());
  return txn;
}

Status Publisher::Acknowledge(const std::vector<AckIntent>& acks) {
  if (closed_)
    return Status::FailedPrecondition("publisher of {} is closed", collection_.name);
  for (const AckIntent& ack : acks) {
    FLOW_ASSIGN_OR_RETURN(JournalState * j, Journal(ack.journal));
    storage::AppendResult r;
    FLOW_TRY(Append(*j, ack.line, &r));
  }
  return CompletePersists();
}

Status Publisher::Close() {
  if (closed_)
    return Status::OK();
  closed_ = true;
  const int64_t now = Now();
  for (auto& [name, j] : journals_) {
    FLOW_TRY(j.journal->Roll(now));
    for (storage::PersistTask& task : j.journal->TakePendingPersists())
      persister_->Persist(name, std::move(task));
  }
  persister_->Wait();
  FLOW_TRY(CompletePersists());
  // Anything whose persist failed on the worker is retried inline here.
  for (auto& [name, j] : journals_)
    FLOW_TRY(j.journal->Close(Now()));
  return Status::OK();
}

std::vector<std::string> Publisher::journal_names() const {
  std::vector<std::string> out;
  for (const auto& [name, j] : journals_)
    out.push_back(name);
  return out;
}

}  // namespace flow::runtime::publish

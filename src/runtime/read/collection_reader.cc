// SPDX-License-Identifier: Apache-2.0
// runtime/read/collection_reader.cc: committed (or uncommitted) documents of a collection.
#include "runtime/read/collection_reader.h"

#include <deque>

#include "base/file.h"
#include "base/log.h"
#include "base/uv_loop.h"
#include "doc/arena.h"
#include "doc/json.h"
#include "runtime/read/journal_lines.h"
#include "storage/journal.h"

namespace flow::runtime::read {
namespace {

Result<storage::PartitionValue> SelectorValue(std::string_view field, const doc::Node& v) {
  switch (v.type()) {
    case doc::Type::kNull:
      return storage::PartitionValue(std::monostate{});
    case doc::Type::kBool:
      return storage::PartitionValue(v.as_bool());
    case doc::Type::kPosInt:
      return storage::PartitionValue(v.as_u64());
    case doc::Type::kNegInt:
      return storage::PartitionValue(v.as_i64());
    case doc::Type::kString:
      return storage::PartitionValue(std::string(v.as_string()));
    default:
      return Status::InvalidArgument(
          "partition selector: field {} has value {}; values are null, booleans, integers or "
          "strings",
          field, doc::ToJson(v));
  }
}

}  // namespace

Result<storage::PartitionSelector> ParsePartitionSelector(std::string_view json) {
  doc::Arena arena;
  doc::Parser parser;
  Result<doc::Node> root = parser.Parse(json, arena);
  if (!root.ok())
    return Status::InvalidArgument("partition selector is not JSON: {}", root.status().message());
  if (!root->is_object())
    return Status::InvalidArgument("partition selector must be an object with include/exclude");
  storage::PartitionSelector sel;
  for (const doc::Field& part : root->fields()) {
    std::map<std::string, std::vector<storage::PartitionValue>>* target;
    if (part.name == "include") {
      target = &sel.include;
    } else if (part.name == "exclude") {
      target = &sel.exclude;
    } else {
      return Status::InvalidArgument(
          "partition selector: unknown property `{}` (expected include, exclude)", part.name);
    }
    if (!part.value.is_object()) {
      return Status::InvalidArgument("partition selector: {} must map fields to arrays of values",
                                     part.name);
    }
    for (const doc::Field& f : part.value.fields()) {
      if (!f.value.is_array()) {
        return Status::InvalidArgument("partition selector: {}.{} must be an array of values",
                                       part.name, f.name);
      }
      std::vector<storage::PartitionValue>& values = (*target)[std::string(f.name)];
      for (const doc::Node& v : f.value.items()) {
        FLOW_ASSIGN_OR_RETURN(storage::PartitionValue pv, SelectorValue(f.name, v));
        values.push_back(std::move(pv));
      }
    }
  }
  return sel;
}

CollectionReader::~CollectionReader() = default;

Result<std::unique_ptr<CollectionReader>> CollectionReader::Open(std::string collection,
                                                                 const std::string& dir,
                                                                 CollectionReadOptions options) {
  std::unique_ptr<CollectionReader> r(new CollectionReader());
  r->collection_ = std::move(collection);
  r->spool_dir_ = dir + "/spool";
  r->options_ = std::move(options);
  FLOW_ASSIGN_OR_RETURN(r->store_, storage::LocalDirStore::Open(dir + "/fragments"));
  r->sequencer_ = std::make_unique<storage::Sequencer>(
      std::map<std::string, int64_t, std::less<>>{}, std::vector<storage::ProducerState>{},
      r->options_.ring_size);
  return r;
}

std::vector<std::string> CollectionReader::journals() const {
  std::vector<std::string> out;
  for (const auto& [name, js] : journals_)
    out.push_back(name);
  return out;
}

Status CollectionReader::Discover() {
  FLOW_ASSIGN_OR_RETURN(std::vector<std::string> names,
                        storage::DiscoverCollectionJournals(*store_, spool_dir_, collection_));
  for (const std::string& name : names) {
    if (journals_.count(name))
      continue;
    FLOW_ASSIGN_OR_RETURN(storage::ParsedPartitionJournal parsed,
                          storage::ParsePartitionJournalName(name, collection_));
    if (!options_.selector.empty() && !options_.selector.Matches(parsed))
      continue;  // never opened, never read
    journals_.emplace(name, JournalState{});
  }
  return Status::OK();
}

Result<storage::Envelope> CollectionReader::ToEnvelope(std::string_view journal,
                                                       const storage::JournalLine& line) {
  Result<MessageMeta> meta = parser_.Parse(line.content);
  if (!meta.ok()) {
    return Status::Corruption("journal {} at offset {}: {}", journal, line.begin,
                              meta.status().message());
  }
  storage::Envelope env;
  env.journal = journal;
  env.begin = line.begin;
  env.end = line.end;
  env.uuid = meta->uuid;
  env.content.assign(line.content);
  return env;
}

Status CollectionReader::Deliver(const storage::Envelope& env, const DocumentFn& emit) {
  if (env.uuid.flags() == storage::kAckTxn)
    return Status::OK();  // ACKs are for sequencers, not applications
  ++delivered_;
  return emit(ReadDocument{env.journal, env.begin, env.end, env.content});
}

Status CollectionReader::ReadJournal(const std::string& name, JournalState& js,
                                     const DocumentFn& emit) {
  return ReadJournalLines(
      *store_, spool_dir_, name, &js.offset, 0, [&](const storage::JournalLine& line) -> Status {
        if (options_.uncommitted) {
          Result<MessageMeta> meta = parser_.Parse(line.content);
          if (!meta.ok()) {
            return Status::Corruption("journal {} at offset {}: {}", name, line.begin,
                                      meta.status().message());
          }
          if (meta->ack)
            return Status::OK();
          ++delivered_;
          return emit(ReadDocument{name, line.begin, line.end, line.content});
        }
        FLOW_ASSIGN_OR_RETURN(storage::Envelope env, ToEnvelope(name, line));
        storage::QueueOutcome outcome = sequencer_->QueueUncommitted(std::move(env));
        switch (outcome) {
          case storage::QueueOutcome::kOutsideCommit:
          case storage::QueueOutcome::kAckEmpty:
          case storage::QueueOutcome::kAckCommitRing:
            break;
          case storage::QueueOutcome::kAckCommitReplay: {
            // Part of the span left the ring: re-read it from the journal.
            storage::Sequencer::Range range = sequencer_->ReplayRange();
            auto replay = std::make_shared<std::deque<storage::Envelope>>();
            const std::string journal(range.journal);
            int64_t from = range.begin;
            FLOW_TRY(ReadJournalLines(*store_, spool_dir_, journal, &from, range.end,
                                      [&](const storage::JournalLine& l) -> Status {
                                        // range.journal is the sequencer's own copy.
                                        FLOW_ASSIGN_OR_RETURN(storage::Envelope e,
                                                              ToEnvelope(range.journal, l));
                                        replay->push_back(std::move(e));
                                        return Status::OK();
                                      }));
            sequencer_->StartReplay([replay]() -> Result<std::optional<storage::Envelope>> {
              if (replay->empty())
                return std::optional<storage::Envelope>();
              storage::Envelope e = std::move(replay->front());
              replay->pop_front();
              return std::optional<storage::Envelope>(std::move(e));
            });
            break;
          }
          default:
            return Status::OK();  // held, skipped or rolled back: nothing to deliver now
        }
        while (true) {
          FLOW_ASSIGN_OR_RETURN(const storage::Envelope* committed, sequencer_->Step());
          if (committed == nullptr)
            return Status::OK();
          FLOW_TRY(Deliver(*committed, emit));
        }
      });
}

Status CollectionReader::ReadAvailable(const DocumentFn& emit) {
  FLOW_TRY(Discover());
  for (auto& [name, js] : journals_)
    FLOW_TRY(ReadJournal(name, js, emit));
  return Status::OK();
}

Status CollectionReader::Follow(uv_loop_t* loop, DocumentFn emit) {
  FLOW_TRY(ReadAvailable(emit));
  FLOW_TRY(MakeDirs(spool_dir_));
  follow_emit_ = std::move(emit);
  follow_status_ = Status::OK();
  stopping_ = false;

  watch_ = std::make_unique<uv_fs_event_t>();
  FLOW_TRY(FromUv(uv_fs_event_init(loop, watch_.get())));
  watch_->data = this;
  ++open_handles_;
  timer_ = std::make_unique<uv_timer_t>();
  FLOW_TRY(FromUv(uv_timer_init(loop, timer_.get())));
  timer_->data = this;
  ++open_handles_;
  Status started = FromUv(uv_fs_event_start(watch_.get(), OnFsEvent, spool_dir_.c_str(), 0));
  if (!started.ok()) {
    Stop();
    follow_status_ = std::move(started).Annotatef("watching {}", spool_dir_);
  } else {
    // Changes between the first read and the watch are caught by one more read.
    scheduled_ = true;
    uv_timer_start(timer_.get(), OnTimer, 0, 0);
  }
  while (open_handles_ > 0)
    uv_run(loop, UV_RUN_ONCE);
  watch_.reset();
  timer_.reset();
  return follow_status_;
}

void CollectionReader::Stop() {
  if (stopping_ || open_handles_ == 0)
    return;
  stopping_ = true;
  auto on_close = [](uv_handle_t* h) { static_cast<CollectionReader*>(h->data)->open_handles_--; };
  uv_close(reinterpret_cast<uv_handle_t*>(watch_.get()), on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(timer_.get()), on_close);
}

void CollectionReader::OnFsEvent(uv_fs_event_t* handle, const char*, int, int status) noexcept {
  auto* self = static_cast<CollectionReader*>(handle->data);
  if (self->stopping_)
    return;
  if (status < 0) {
    self->follow_status_ = FromUv(status).Annotate("watching the spool directory");
    self->Stop();
    return;
  }
  if (!self->scheduled_) {
    // Coalesce a burst of events into one read on the next loop iteration.
    self->scheduled_ = true;
    uv_timer_start(self->timer_.get(), OnTimer, 0, 0);
  }
}

void CollectionReader::OnTimer(uv_timer_t* handle) noexcept {
  auto* self = static_cast<CollectionReader*>(handle->data);
  self->scheduled_ = false;
  if (self->stopping_)
    return;
  Status s = self->ReadAvailable(self->follow_emit_);
  if (!s.ok()) {
    self->follow_status_ = std::move(s);
    self->Stop();
  }
}

}  // namespace flow::runtime::read

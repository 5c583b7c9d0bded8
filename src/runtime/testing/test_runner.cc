// SPDX-License-Identifier: Apache-2.0
// runtime/testing/test_runner.cc: the in-process test runtime behind `flowctl test`.
#include "runtime/testing/test_runner.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "base/file.h"
#include "doc/combine/combiner.h"
#include "doc/json.h"
#include "runtime/derive/partitions.h"
#include "runtime/derive/published_at.h"
#include "runtime/derive/sqlite_derivation.h"
#include "runtime/derive/transaction.h"
#include "runtime/test_graph.h"
#include "runtime/verify.h"
#include "storage/partition.h"
#include "storage/uuid.h"

namespace flow::runtime::testing {

namespace {

// Synthetic publish clocks start at Unix time 1s, as Flow's test harness does.
constexpr int64_t kEpochNanos = 1000000000;

struct StoredDoc {
  doc::Node doc;
  uint64_t seq = 0;  // global publish order
  TestTime written_at = 0;
  std::string published_at;
};

struct Journal {
  std::string name;
  derive::PartitionValues partitions;
  std::vector<StoredDoc> docs;
};

struct CollectionStore {
  const catalog::Collection* collection = nullptr;
  std::map<std::string, Journal> journals;
};

struct DerivationTask {
  const catalog::Collection* collection = nullptr;
  std::unique_ptr<derive::SqliteDerivation> shard;
  // Per transform index: journal -> documents read.
  std::map<size_t, std::map<std::string, uint64_t>> offsets;
};

storage::PartitionValue ToPartitionValue(const doc::Node& n) {
  switch (n.type()) {
    case doc::Type::kBool:
      return n.as_bool();
    case doc::Type::kPosInt:
      return n.as_u64();
    case doc::Type::kNegInt:
      return n.as_i64();
    case doc::Type::kString:
      return std::string(n.as_string());
    default:
      return std::monostate{};
  }
}

class Runtime : public TestDriver {
 public:
  Runtime(const catalog::Catalog& catalog, const TestOptions& options)
      : catalog_(catalog), options_(options), producer_(storage::ProducerId::Random()) {
    auto uuid_ptr = doc::Pointer::Parse("/_meta/uuid");
    uuid_ptr_ = *uuid_ptr;
  }

  Status Init();
  Status ResetDerivations();
  std::vector<TestOutcome> RunAll();

  // TestDriver.
  Status Read(const PendingRead& read, Clock* read_clock, Clock* write_clock) override;
  Status Ingest(size_t step, Clock* write_clock) override;
  Status Verify(size_t step, const Clock& from, const Clock& to) override;
  Status Advance(TestTime delta) override {
    (void)delta;
    return Status::OK();
  }

 private:
  CollectionStore& Store(const catalog::Collection* c) {
    CollectionStore& s = stores_[c->name];
    s.collection = c;
    return s;
  }
  Status Publish(CollectionStore& store, const doc::Node& drained, std::set<std::string>* touched);
  void WriteClockOf(const CollectionStore& store, Clock* clock) const;
  std::string NotRunnableReason(const catalog::Test& test) const;

  const catalog::Catalog& catalog_;
  const TestOptions& options_;
  storage::ProducerId producer_;
  storage::Clock clock_;
  doc::Pointer uuid_ptr_;
  doc::Arena arena_{1 << 20};  // every stored document
  std::map<std::string, CollectionStore> stores_;
  std::map<std::string, DerivationTask> tasks_;
  // Collections written by derivations flowctl cannot run, and everything downstream.
  std::map<std::string, std::string> unrunnable_;  // collection -> reason
  TestGraph graph_;
  const catalog::Test* test_ = nullptr;
  uint64_t seq_ = 0;
};

Status Runtime::Init() {
  // Derivations that cannot run locally make their outputs (and what reads them)
  // unverifiable; tests that verify those collections are reported as not run.
  for (const catalog::Collection& c : catalog_.collections) {
    if (!c.derive || c.derive->shards_disabled)
      continue;
    if (!c.derive->runnable()) {
      unrunnable_[c.name] = fmt::format("derivation {} uses `{}`, which flowctl cannot run locally",
                                        c.name, catalog::DeriveUsingName(c.derive->using_));
    }
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const catalog::Collection& c : catalog_.collections) {
      if (!c.derive || c.derive->shards_disabled || unrunnable_.count(c.name))
        continue;
      for (const catalog::Transform& t : c.derive->transforms) {
        auto up = unrunnable_.find(t.source);
        if (!t.disable && up != unrunnable_.end()) {
          unrunnable_[c.name] = up->second;
          grew = true;
          break;
        }
      }
    }
  }

  for (const catalog::Collection& c : catalog_.collections) {
    if (!c.derive || c.derive->shards_disabled || unrunnable_.count(c.name))
      continue;
    DerivationTask& task = tasks_[c.name];
    task.collection = &c;
    graph_.AddTask(c.name, {c.name});
    for (size_t i = 0; i < c.derive->transforms.size(); ++i) {
      const catalog::Transform& t = c.derive->transforms[i];
      if (t.disable)
        continue;
      auto delay = std::chrono::duration_cast<std::chrono::seconds>(t.read_delay).count();
      graph_.AddRead(t.source, TaskRead{c.name, t.name, static_cast<TestTime>(delay)});
    }
  }
  return ResetDerivations();
}

Status Runtime::ResetDerivations() {
  for (auto& [name, task] : tasks_) {
    task.shard.reset();
    Result<std::unique_ptr<derive::SqliteDerivation>> shard =
        derive::SqliteDerivation::Open(*task.collection, ":memory:");
    if (!shard.ok())
      return std::move(shard).take_status().Annotatef("derivation {}", name);
    task.shard = std::move(shard).value();
  }
  return Status::OK();
}

Status Runtime::Publish(CollectionStore& store, const doc::Node& drained,
                        std::set<std::string>* touched) {
  const catalog::Collection& c = *store.collection;
  doc::Node copy = doc::Clone(drained, arena_);
  clock_.Update(kEpochNanos + graph_.now() * 1000000000);
  storage::Clock tick = clock_.Tick();
  storage::Uuid uuid = storage::Uuid::Build(producer_, tick, storage::kContinueTxn);
  *uuid_ptr_.Create(copy, arena_) = doc::Node::String(arena_, uuid.ToString());

  derive::PartitionValues values = derive::PartitionValues::Of(c, copy);
  std::vector<storage::PartitionField> fields;
  for (const auto& [field, value] : values.fields())
    fields.push_back({std::string(field), ToPartitionValue(value)});
  FLOW_ASSIGN_OR_RETURN(std::string name, storage::PartitionJournalName(c.name, fields, 0));
  Journal& j = store.journals[name];
  if (j.name.empty()) {
    j.name = name;
    j.partitions = std::move(values);
  }
  j.docs.push_back(
      StoredDoc{copy, ++seq_, graph_.now(), derive::FormatPublishedAt(tick.ToUnixNanos())});
  touched->insert(name);
  return Status::OK();
}

void Runtime::WriteClockOf(const CollectionStore& store, Clock* clock) const {
  for (const auto& [name, j] : store.journals)
    clock->Set(name, j.docs.size());
}

Status Runtime::Ingest(size_t step_index, Clock* write_clock) {
  const catalog::TestStep& step = test_->steps[step_index];
  const catalog::Collection* c = step.built_collection;
  if (c == nullptr)
    return Status::Internal("ingest step names unknown collection {}", step.collection);
  doc::combine::Spec spec;
  spec.key = c->key_extractors;
  spec.name = c->name;
  spec.full = false;
  spec.ordinal_label = "ingest document";
  doc::combine::Combiner combiner(std::move(spec),
                                  doc::combine::NewSchemaValidator(c->write_validator_schema));
  const doc::Node& docs = step.documents.value;
  for (uint32_t i = 0; i < docs.size(); ++i)
    FLOW_TRY(combiner.Add(docs.items()[i], i));
  CollectionStore& store = Store(c);
  std::set<std::string> touched;
  FLOW_TRY(combiner.Drain(
      [&](const doc::combine::DrainedDoc& d) { return Publish(store, d.doc, &touched); }));
  WriteClockOf(store, write_clock);
  return Status::OK();
}

Status Runtime::Read(const PendingRead& read, Clock* read_clock, Clock* write_clock) {
  DerivationTask& task = tasks_.at(read.task);
  const catalog::Collection& derived = *task.collection;
  const catalog::Derivation& d = *derived.derive;

  struct Ready {
    uint32_t priority;
    uint64_t seq;
    size_t transform;
    const StoredDoc* doc;
  };
  std::vector<Ready> ready;
  for (size_t ti = 0; ti < d.transforms.size(); ++ti) {
    const catalog::Transform& t = d.transforms[ti];
    if (t.disable)
      continue;
    auto delay = std::chrono::duration_cast<std::chrono::seconds>(t.read_delay).count();
    auto it = stores_.find(t.source);
    if (it == stores_.end())
      continue;
    for (auto& [name, j] : it->second.journals) {
      if (!j.partitions.SelectedBy(t.partitions))
        continue;
      uint64_t& offset = task.offsets[ti][name];
      // A document is readable once its publish time plus the read delay has passed.
      while (offset < j.docs.size() && j.docs[offset].written_at + delay <= graph_.now()) {
        ready.push_back({t.priority, j.docs[offset].seq, ti, &j.docs[offset]});
        ++offset;
      }
    }
  }
  // Higher priorities first; otherwise in publish order.
  std::stable_sort(ready.begin(), ready.end(), [](const Ready& a, const Ready& b) {
    if (a.priority != b.priority)
      return a.priority > b.priority;
    return a.seq < b.seq;
  });

  CollectionStore& out_store = Store(&derived);
  std::set<std::string> touched;
  derive::Transaction txn(derived, *task.shard);
  for (const Ready& r : ready)
    FLOW_TRY(txn.Add(r.transform, r.doc->doc, r.doc->published_at));
  FLOW_TRY(txn.Commit("", [&](const doc::combine::DrainedDoc& dd) {
    return Publish(out_store, dd.doc, &touched);
  }));

  for (const auto& [ti, journals] : task.offsets) {
    for (const auto& [journal, offset] : journals) {
      read_clock->Set(journal + ";" + d.transforms[ti].name, offset);
    }
  }
  WriteClockOf(out_store, write_clock);
  return Status::OK();
}

Status Runtime::Verify(size_t step_index, const Clock& from, const Clock& to) {
  const catalog::TestStep& step = test_->steps[step_index];
  const catalog::Collection* c = step.built_collection;
  if (c == nullptr)
    return Status::Internal("verify step names unknown collection {}", step.collection);

  std::vector<const StoredDoc*> window;
  auto it = stores_.find(c->name);
  if (it != stores_.end()) {
    for (const auto& [name, j] : it->second.journals) {
      if (!j.partitions.SelectedBy(step.partitions))
        continue;
      uint64_t begin = from.Get(name), end = std::min<uint64_t>(to.Get(name), j.docs.size());
      for (uint64_t i = begin; i < end; ++i)
        window.push_back(&j.docs[i]);
    }
  }
  std::sort(window.begin(), window.end(),
            [](const StoredDoc* a, const StoredDoc* b) { return a->seq < b->seq; });

  doc::combine::Spec spec;
  spec.key = c->key_extractors;
  spec.name = c->name;
  spec.full = true;
  spec.ordinal_label = "document";
  doc::combine::Combiner combiner(std::move(spec),
                                  doc::combine::NewSchemaValidator(c->read_validator_schema));
  for (size_t i = 0; i < window.size(); ++i)
    FLOW_TRY(combiner.Add(window[i]->doc, i));
  doc::Arena arena;
  std::vector<doc::Node> actual;
  FLOW_TRY(combiner.Drain([&](const doc::combine::DrainedDoc& d) {
    if (d.deleted)
      return Status::OK();
    doc::Node copy = doc::Clone(d.doc, arena);
    MaskUuid(copy, uuid_ptr_, arena);
    actual.push_back(copy);
    return Status::OK();
  }));

  if (!options_.snapshot_dir.empty()) {
    std::string dir = options_.snapshot_dir + "/" + test_->name;
    FLOW_TRY(MakeDirs(dir));
    doc::Node arr = doc::MakeArray(arena, actual);
    FLOW_TRY(WriteFileAtomic(fmt::format("{}/verify-{}.json", dir, step_index),
                             doc::ToPrettyJson(arr) + "\n"));
  }

  std::span<const doc::Node> expected = step.documents.value.items();
  std::vector<Mismatch> failures = CompareDocuments(actual, expected);
  if (!failures.empty())
    return Status::FailedPrecondition(RenderMismatches(failures));
  return Status::OK();
}

std::string Runtime::NotRunnableReason(const catalog::Test& test) const {
  for (const catalog::TestStep& step : test.steps) {
    auto it = unrunnable_.find(step.collection);
    if (step.kind == catalog::TestStep::Kind::kVerify && it != unrunnable_.end()) {
      return it->second;
    }
  }
  return "";
}

std::vector<TestOutcome> Runtime::RunAll() {
  std::vector<TestOutcome> outcomes;
  for (const catalog::Test& test : catalog_.tests) {
    TestOutcome o;
    o.name = test.name;
    std::string reason = NotRunnableReason(test);
    if (!reason.empty()) {
      o.kind = TestOutcome::Kind::kNotRun;
      o.reason = reason;
    } else {
      test_ = &test;
      std::vector<TestStepRef> refs;
      for (const catalog::TestStep& s : test.steps) {
        refs.push_back(TestStepRef{s.kind == catalog::TestStep::Kind::kIngest, s.collection});
      }
      size_t failed_step = 0;
      Status s = RunTestCase(graph_, *this, refs, &failed_step);
      if (!s.ok()) {
        o.kind = TestOutcome::Kind::kFailed;
        if (failed_step < test.steps.size()) {
          const catalog::Scope& scope = test.steps[failed_step].scope;
          o.where =
              (scope.resource ? scope.resource->display : std::string()) + "#" + scope.pointer;
        }
        o.error = std::string(s.message());
        // A failure can leave pending reads behind; drop them so the next case starts
        // quiescent. The failed case's documents stay, as collections always do.
        graph_.ClearPending();
      }
      Status r = ResetDerivations();
      if (!r.ok()) {
        o.kind = TestOutcome::Kind::kFailed;
        o.error = r.ToString();
      }
    }
    if (options_.on_outcome)
      options_.on_outcome(o);
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

}  // namespace

Result<std::vector<TestOutcome>> RunTests(const catalog::Catalog& catalog,
                                          const TestOptions& options) {
  if (catalog.diagnostics.has_errors()) {
    return Status::InvalidArgument("catalog has errors; run `flowctl check` for details");
  }
  Runtime rt(catalog, options);
  FLOW_TRY(rt.Init());
  return rt.RunAll();
}

}  // namespace flow::runtime::testing

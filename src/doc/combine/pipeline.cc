// SPDX-License-Identifier: Apache-2.0
// doc/combine/pipeline.cc: the parse-and-validate worker thread in front of a Combiner.
#include "doc/combine/pipeline.h"

#include <string>

#include "doc/json.h"
#include "doc/key.h"

namespace flow::doc::combine {
namespace {

constexpr size_t kBatchLines = 2048;
constexpr size_t kBatchBytes = 512 << 10;
constexpr size_t kMaxInFlight = 4;

}  // namespace

struct Pipeline::Batch {
  std::string text;
  std::vector<size_t> ends;  // end offset of each line in `text`
  std::vector<uint64_t> ordinals;
  // Filled by the worker.
  Arena arena{256 << 10};
  std::string keys;
  std::vector<size_t> key_ends;
  Tape tapes;
  std::vector<size_t> tape_ends;
  std::vector<PreparedDoc> docs;

  void Clear() {
    text.clear();
    ends.clear();
    ordinals.clear();
    arena.Reset();
    keys.clear();
    key_ends.clear();
    tapes.clear();
    tape_ends.clear();
    docs.clear();
  }
};

Pipeline::Pipeline(Combiner* combiner, std::unique_ptr<DocValidator> validator)
    : combiner_(combiner), validator_(std::move(validator)) {
  filling_ = std::make_unique<Batch>();
  worker_ = std::thread([this] { Work(); });
}

Pipeline::~Pipeline() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable())
    worker_.join();
}

void Pipeline::Prepare(Batch& b) {
  Parser parser;
  Tape tape;
  const std::vector<KeyExtractor>& key = combiner_->spec().key;
  size_t begin = 0;
  b.docs.resize(b.ends.size());
  for (size_t i = 0; i < b.ends.size(); ++i) {
    PreparedDoc& p = b.docs[i];
    p.ordinal = b.ordinals[i];
    auto doc = parser.Parse(std::string_view(b.text).substr(begin, b.ends[i] - begin), b.arena);
    begin = b.ends[i];
    if (!doc.ok()) {
      p.parsed = false;
      p.error = std::move(doc).take_status();
    } else {
      p.doc = *doc;
      PackKey(p.doc, key, &b.keys);
      p.validated = true;
      p.error = validator_->Validate(p.doc, &tape);
      if (p.error.ok())
        b.tapes.insert(b.tapes.end(), tape.begin(), tape.end());
    }
    b.key_ends.push_back(b.keys.size());
    b.tape_ends.push_back(b.tapes.size());
  }
  // The buffers are complete: point into them.
  for (size_t i = 0; i < b.docs.size(); ++i) {
    size_t kb = i == 0 ? 0 : b.key_ends[i - 1];
    size_t tb = i == 0 ? 0 : b.tape_ends[i - 1];
    b.docs[i].packed_key = std::string_view(b.keys).substr(kb, b.key_ends[i] - kb);
    b.docs[i].tape = std::span<const TapeEntry>(b.tapes.data() + tb, b.tape_ends[i] - tb);
  }
}

void Pipeline::Work() {
  while (true) {
    std::unique_ptr<Batch> b;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stop_ || !todo_.empty(); });
      if (stop_)
        return;
      b = std::move(todo_.front());
      todo_.pop_front();
    }
    Prepare(*b);
    {
      std::lock_guard<std::mutex> l(mu_);
      done_.push_back(std::move(b));
    }
    cv_.notify_all();
  }
}

Status Pipeline::CombineOne(bool wait) {
  std::unique_ptr<Batch> b;
  {
    std::unique_lock<std::mutex> l(mu_);
    if (wait)
      cv_.wait(l, [&] { return !done_.empty(); });
    if (done_.empty())
      return Status::OK();
    b = std::move(done_.front());
    done_.pop_front();
    --in_flight_;
  }
  Status s = combiner_->AddPrepared(b->docs);
  b->Clear();
  free_.push_back(std::move(b));
  return s;
}

Status Pipeline::Send() {
  if (filling_->ends.empty())
    return Status::OK();
  // Bound the batches in flight: combine a prepared one first if at the limit.
  if (in_flight_ >= kMaxInFlight)
    FLOW_TRY(CombineOne(true));
  {
    std::lock_guard<std::mutex> l(mu_);
    todo_.push_back(std::move(filling_));
    ++in_flight_;
  }
  cv_.notify_all();
  if (!free_.empty()) {
    filling_ = std::move(free_.back());
    free_.pop_back();
  } else {
    filling_ = std::make_unique<Batch>();
  }
  // Combine whatever is ready without waiting.
  return CombineOne(false);
}

Status Pipeline::Add(std::string_view line, uint64_t ordinal) {
  filling_->text.append(line);
  filling_->ends.push_back(filling_->text.size());
  filling_->ordinals.push_back(ordinal);
  if (filling_->ends.size() >= kBatchLines || filling_->text.size() >= kBatchBytes)
    return Send();
  return Status::OK();
}

Status Pipeline::Finish() {
  FLOW_TRY(Send());
  while (in_flight_ > 0)
    FLOW_TRY(CombineOne(true));
  return Status::OK();
}

}  // namespace flow::doc::combine

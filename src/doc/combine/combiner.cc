// SPDX-License-Identifier: Apache-2.0
// doc/combine/combiner.cc: the keyed, spilling, reducing combiner.
//
// Accumulation: an open-addressing hash table maps a packed key to its Entry; the
// entry's document is reduced into in place (reduce::ReduceOwned), so steady-state
// reductions allocate only for data that is actually new. Before any spill, the first
// document of a key is its root-most one, so reductions use the caller's full/partial
// mode. After a spill an earlier run may hold the same key, so in full mode each key
// keeps its first document ("front") apart and reduces later ones into a second,
// partially reduced document ("rest"); draining then reduces run by run, left to right,
// exactly as Flow holds back reductions into a left-most document it is unsure of.
#include "doc/combine/combiner.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "doc/combine/codec.h"
#include "doc/combine/spill.h"
#include "doc/reduce/reduce.h"

namespace flow::doc::combine {
namespace {

constexpr uint32_t kNoRest = UINT32_MAX;
constexpr uint32_t kNone = UINT32_MAX;

enum Flags : uint8_t {
  kReduced = 1,  // more than one document went into it
  kDeleted = 2,  // valid with kReduced: the last document applied was a deletion
  kHasRest = 4,  // spill records: a rest document follows
  kRestReduced = 8,
  kRestDeleted = 16,
};

uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

uint64_t HashBytes(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ s.size();
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = Mix(h ^ w) + 0x9e3779b97f4a7c15ull;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  std::memcpy(&w, p, n);
  return Mix(h ^ w);
}

// The first 8 key bytes, big-endian and zero-padded: ordering by it agrees with memcmp.
uint64_t Prefix(std::string_view s) {
  unsigned char b[8] = {0};
  std::memcpy(b, s.data(), std::min<size_t>(8, s.size()));
  uint64_t v = 0;
  for (unsigned char c : b)
    v = (v << 8) | c;
  return v;
}

std::string Truncated(const Node& doc) {
  constexpr size_t kMax = 2000;
  std::string s = ToJson(doc);
  if (s.size() > kMax) {
    size_t n = s.size();
    s.resize(kMax);
    s.append(fmt::format("... ({} bytes)", n));
  }
  return s;
}

}  // namespace

struct Combiner::Entry {
  uint64_t prefix;
  const char* key;
  uint32_t key_len;
  uint32_t rest;  // index into rests_, or kNoRest
  Node doc;
  uint64_t ordinal;  // of the first document
  uint8_t flags;
  std::string_view key_view() const { return {key, key_len}; }
};

// Interns property names in the combiner's arena, so the names of all documents share
// a few hot cache lines (reductions compare names constantly).
class Combiner::Names : public reduce::NameTable {
 public:
  explicit Names(Arena& arena) : arena_(arena) { Clear(); }
  std::string_view Intern(std::string_view name) override {
    if (count_ * 10 >= slots_.size() * 7)
      Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = HashBytes(name) & mask;; i = (i + 1) & mask) {
      std::string_view& s = slots_[i];
      if (s.data() == nullptr) {
        s = name.empty() ? std::string_view("", 0) : arena_.CopyString(name);
        ++count_;
        return s;
      }
      if (s == name)
        return s;
    }
  }
  void Clear() {
    slots_.assign(256, std::string_view());
    count_ = 0;
  }
  size_t bytes() const { return slots_.capacity() * sizeof(std::string_view); }

 private:
  void Grow() {
    std::vector<std::string_view> old(slots_.size() * 2);
    old.swap(slots_);
    size_t mask = slots_.size() - 1;
    for (std::string_view s : old) {
      if (s.data() == nullptr)
        continue;
      size_t i = HashBytes(s) & mask;
      while (slots_[i].data() != nullptr)
        i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  Arena& arena_;
  std::vector<std::string_view> slots_;
  size_t count_ = 0;
};

struct Combiner::Rest {
  Node doc;
  uint64_t ordinal;
  uint8_t flags;
};

struct Combiner::Run {
  uint64_t begin;  // byte range in spill_file_
  uint64_t size;
};

struct Combiner::Stored {
  Node doc;
  uint64_t ordinal;
  bool reduced;
  bool deleted;
};

// A sorted stream of keys and their stored documents: a run file or the memtable.
class Combiner::Source {
 public:
  virtual ~Source() = default;
  virtual Result<bool> Next() = 0;
  virtual std::string_view key() const = 0;
  /// Appends the current key's documents (front, then rest) in arrival order.
  virtual Status Docs(Arena& arena, std::vector<Stored>* out) = 0;
};

class Combiner::MemSource : public Combiner::Source {
 public:
  explicit MemSource(const Combiner& c) : c_(c) {}
  Result<bool> Next() override { return ++i_ < c_.order_.size(); }
  std::string_view key() const override { return Current().key_view(); }
  Status Docs(Arena&, std::vector<Stored>* out) override {
    const Entry& e = Current();
    out->push_back({e.doc, e.ordinal, (e.flags & kReduced) != 0, (e.flags & kDeleted) != 0});
    if (e.rest != kNoRest) {
      const Rest& r = c_.rests_[e.rest];
      out->push_back({r.doc, r.ordinal, (r.flags & kReduced) != 0, (r.flags & kDeleted) != 0});
    }
    return Status::OK();
  }

 private:
  const Entry& Current() const { return c_.entry(c_.order_[i_]); }
  const Combiner& c_;
  size_t i_ = SIZE_MAX;  // ++ wraps to 0
};

class Combiner::RunSource : public Combiner::Source {
 public:
  RunSource(int fd, const Run& run) : reader_(fd, run.begin, run.size) {}
  Result<bool> Next() override {
    FLOW_ASSIGN_OR_RETURN(bool more, reader_.Next());
    if (!more)
      return false;
    std::string_view rec = reader_.record();
    const char* p = rec.data();
    end_ = rec.data() + rec.size();
    uint64_t len;
    if (!GetVarint(&p, end_, &len) || len > static_cast<uint64_t>(end_ - p) || len == 0) {
      return Status::Corruption("spill file: bad key");
    }
    key_ = std::string_view(p, len);
    p += len;
    if (p >= end_)
      return Status::Corruption("spill file: truncated record");
    flags_ = static_cast<uint8_t>(*p++);
    body_ = p;
    return true;
  }
  std::string_view key() const override { return key_; }
  Status Docs(Arena& arena, std::vector<Stored>* out) override {
    const char* p = body_;
    uint64_t ordinal;
    if (!GetVarint(&p, end_, &ordinal))
      return Status::Corruption("spill file: bad ordinal");
    FLOW_ASSIGN_OR_RETURN(Node doc, DecodeNode(&p, end_, arena));
    out->push_back({doc, ordinal, (flags_ & kReduced) != 0, (flags_ & kDeleted) != 0});
    if (flags_ & kHasRest) {
      if (!GetVarint(&p, end_, &ordinal))
        return Status::Corruption("spill file: bad ordinal");
      FLOW_ASSIGN_OR_RETURN(Node rest, DecodeNode(&p, end_, arena));
      out->push_back({rest, ordinal, (flags_ & kRestReduced) != 0, (flags_ & kRestDeleted) != 0});
    }
    if (p != end_)
      return Status::Corruption("spill file: trailing bytes in a record");
    return Status::OK();
  }

 private:
  RunReader reader_;
  std::string_view key_;
  uint8_t flags_ = 0;
  const char* body_ = nullptr;
  const char* end_ = nullptr;
};

Combiner::Combiner(Spec spec, std::unique_ptr<DocValidator> validator)
    : spec_(std::move(spec)),
      validator_(std::move(validator)),
      batch_arena_(64 << 10),
      names_(std::make_unique<Names>(arena_)) {
  ResetMemtable();
}

Combiner::~Combiner() = default;

size_t Combiner::MemoryUsed() const {
  return arena_.bytes() + slots_.capacity() * sizeof(Slot) +
         chunks_.size() * (kChunk * sizeof(Entry)) + order_.capacity() * sizeof(uint32_t) +
         rests_.capacity() * sizeof(Rest) + names_->bytes();
}

Combiner::Entry& Combiner::entry(size_t i) {
  return chunks_[i / kChunk][i % kChunk];
}
const Combiner::Entry& Combiner::entry(size_t i) const {
  return chunks_[i / kChunk][i % kChunk];
}

std::string Combiner::KeyJson(std::string_view packed) const {
  Arena a;
  auto k = UnpackKey(packed, a);
  return k.ok() ? ToJson(*k) : "(undecodable key)";
}

Status Combiner::ValidationError(const Status& s, const Node& doc, std::string_view what,
                                 uint64_t ordinal, std::string_view key) const {
  return Status::InvalidArgument("{} {}: {} failed validation against {} (key {}): {}: {}",
                                 spec_.ordinal_label, ordinal, what, spec_.name, KeyJson(key),
                                 s.message(), Truncated(doc));
}

Status Combiner::Validate(const Node& doc, Tape* tape, std::string_view what, uint64_t ordinal,
                          std::string_view key) {
  Status s = validator_->Validate(doc, tape);
  if (s.ok())
    return s;
  return ValidationError(s, doc, what, ordinal, key);
}

Status Combiner::ReduceError(const Status& s, uint64_t ordinal, std::string_view key) const {
  if (s.code() != Code::kInvalidArgument)
    return s;
  return Status::InvalidArgument("{} {}: failed to combine documents having shared key {}: {}",
                                 spec_.ordinal_label, ordinal, KeyJson(key), s.message());
}

size_t Combiner::Probe(std::string_view key, uint64_t hash, uint64_t prefix) const {
  size_t mask = slots_.size() - 1;
  uint32_t h32 = static_cast<uint32_t>(hash >> 32);
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.entry_plus_one == 0)
      return i;
    if (s.hash != h32)
      continue;
    // Keys of at most 8 bytes are equal when their length and prefix are.
    const Entry& e = entry(s.entry_plus_one - 1);
    if (e.prefix == prefix && e.key_len == key.size() &&
        (key.size() <= 8 || std::memcmp(e.key, key.data(), key.size()) == 0)) {
      return i;
    }
  }
}

void Combiner::Grow() {
  slots_.assign(slots_.size() * 2, Slot{0, 0});
  size_t mask = slots_.size() - 1;
  for (size_t n = 0; n < count_; ++n) {
    uint64_t h = HashBytes(entry(n).key_view());
    size_t i = h & mask;
    while (slots_[i].entry_plus_one != 0)
      i = (i + 1) & mask;
    slots_[i] = Slot{static_cast<uint32_t>(n + 1), static_cast<uint32_t>(h >> 32)};
  }
}

void Combiner::ResetMemtable() {
  // Release the index storage too: it counts against the bound, and a memtable that
  // starts over the bound would spill on every document.
  slots_ = std::vector<Slot>(1024, Slot{0, 0});
  chunks_ = std::vector<std::unique_ptr<Entry[]>>();
  order_ = std::vector<uint32_t>();
  count_ = 0;
  rests_ = std::vector<Rest>();
  names_->Clear();
  arena_.Reset();
}

void Combiner::SortEntries() {
  order_.resize(count_);
  for (size_t i = 0; i < count_; ++i)
    order_[i] = static_cast<uint32_t>(i);
  std::sort(order_.begin(), order_.end(), [this](uint32_t x, uint32_t y) {
    const Entry& a = entry(x);
    const Entry& b = entry(y);
    if (a.prefix != b.prefix)
      return a.prefix < b.prefix;
    return a.key_view() < b.key_view();
  });
}

// Prefetches the memory of a container or string node (its first two cache lines).
inline void PrefetchNode(const Node& n) {
  const void* p = nullptr;
  switch (n.type()) {
    case Type::kString:
      p = n.as_string().data();
      break;
    case Type::kArray:
      p = n.items().data();
      break;
    case Type::kObject:
      p = n.fields().data();
      break;
    default:
      return;
  }
  __builtin_prefetch(p);
  __builtin_prefetch(static_cast<const char*>(p) + 64);
}

Status Combiner::AddJson(std::string_view json, uint64_t ordinal) {
  PreparedDoc p;
  p.ordinal = ordinal;
  auto doc = parser_.Parse(json, batch_arena_);
  if (doc.ok()) {
    p.doc = *doc;
    batch_key_offsets_.push_back(batch_keys_.size());
    PackKey(*doc, spec_.key, &batch_keys_);
  } else {
    p.parsed = false;
    p.error = std::move(doc).take_status();
    batch_key_offsets_.push_back(batch_keys_.size());
  }
  batch_.push_back(std::move(p));
  if (batch_.size() == kBatch || !batch_.back().parsed)
    return ProcessBatch();
  return Status::OK();
}

Status Combiner::Add(const Node& doc, uint64_t ordinal) {
  FLOW_TRY(ProcessBatch());
  key_buf_.clear();
  PackKey(doc, spec_.key, &key_buf_);
  PreparedDoc p;
  p.doc = doc;
  p.ordinal = ordinal;
  p.packed_key = key_buf_;
  return AddPrepared(std::span<PreparedDoc>(&p, 1));
}

Status Combiner::ProcessBatch() {
  if (batch_.empty())
    return Status::OK();
  // Keys were appended to one buffer; point at them now that it no longer grows.
  batch_key_offsets_.push_back(batch_keys_.size());
  for (size_t i = 0; i < batch_.size(); ++i) {
    batch_[i].packed_key = std::string_view(batch_keys_.data() + batch_key_offsets_[i],
                                            batch_key_offsets_[i + 1] - batch_key_offsets_[i]);
  }
  Status s = AddPrepared(batch_);
  batch_.clear();
  batch_keys_.clear();
  batch_key_offsets_.clear();
  batch_arena_.Reset();
  return s;
}

Status Combiner::AddPrepared(std::span<PreparedDoc> docs) {
  // Group prefetching: the documents of a batch belong to unrelated keys scattered over
  // the table and arena, so their cache misses are issued together, a level at a time
  // (table slot, then the document's root, then its children), instead of one after
  // another.
  constexpr size_t kGroup = 32;
  for (size_t g = 0; g < docs.size(); g += kGroup) {
    std::span<PreparedDoc> group = docs.subspan(g, std::min(kGroup, docs.size() - g));
    hashes_.clear();
    size_t mask = slots_.size() - 1;
    for (const PreparedDoc& p : group) {
      uint64_t h = HashBytes(p.packed_key);
      hashes_.push_back(h);
      __builtin_prefetch(&slots_[h & mask]);
    }
    // The first slot with a matching hash is almost always the key's: fetch its entry.
    for (uint64_t h : hashes_) {
      for (size_t i = h & mask; slots_[i].entry_plus_one != 0; i = (i + 1) & mask) {
        if (slots_[i].hash == static_cast<uint32_t>(h >> 32)) {
          const Entry* e = &entry(slots_[i].entry_plus_one - 1);
          __builtin_prefetch(e);
          __builtin_prefetch(reinterpret_cast<const char*>(e) + sizeof(Entry) - 1);
          break;
        }
      }
    }
    for (size_t i = 0; i < group.size(); ++i) {
      if (!group[i].parsed)
        continue;
      const Slot& s = slots_[Probe(group[i].packed_key, hashes_[i], Prefix(group[i].packed_key))];
      if (s.entry_plus_one != 0)
        PrefetchNode(entry(s.entry_plus_one - 1).doc);
    }
    for (size_t i = 0; i < group.size(); ++i) {
      if (!group[i].parsed)
        continue;
      const Slot& s = slots_[Probe(group[i].packed_key, hashes_[i], Prefix(group[i].packed_key))];
      if (s.entry_plus_one == 0)
        continue;
      const Node& doc = entry(s.entry_plus_one - 1).doc;
      if (doc.is_object()) {
        for (const Field& f : doc.fields())
          PrefetchNode(f.value);
      }
    }
    for (const PreparedDoc& p : group)
      FLOW_TRY(AddOne(p));
  }
  return Status::OK();
}

Status Combiner::AddOne(const PreparedDoc& p) {
  if (!p.parsed) {
    return Status::InvalidArgument("{} {}: {}", spec_.ordinal_label, p.ordinal, p.error.message());
  }
  const Node& doc = p.doc;
  uint64_t ordinal = p.ordinal;
  std::string_view key_bytes = p.packed_key;
  ++stats_.docs;
  uint64_t hash = HashBytes(key_bytes);
  uint64_t prefix = Prefix(key_bytes);
  size_t slot = Probe(key_bytes, hash, prefix);

  if (slots_[slot].entry_plus_one == 0) {
    std::string_view key = arena_.CopyString(key_bytes);
    if (count_ == chunks_.size() * kChunk)
      chunks_.push_back(std::make_unique<Entry[]>(kChunk));
    entry(count_) = Entry{prefix,
                          key.data(),
                          static_cast<uint32_t>(key.size()),
                          kNoRest,
                          reduce::CloneWithNames(doc, arena_, names_.get()),
                          ordinal,
                          0};
    slots_[slot] = Slot{static_cast<uint32_t>(count_ + 1), static_cast<uint32_t>(hash >> 32)};
    if (++count_ * 10 > slots_.size() * 7)
      Grow();
  } else {
    Entry& e = entry(slots_[slot].entry_plus_one - 1);
    reduce::OwnedOptions opts;
    opts.copy_rhs = true;  // `doc` is the caller's (or batch) memory
    opts.names = names_.get();
    if (hold_back_ && e.rest == kNoRest) {
      rests_.push_back(Rest{reduce::CloneWithNames(doc, arena_, names_.get()), ordinal, 0});
      e.rest = static_cast<uint32_t>(rests_.size() - 1);
    } else {
      // The right-hand document must be valid, and its tape selects the strategies.
      std::span<const TapeEntry> tape;
      if (p.validated) {
        if (!p.error.ok())
          return ValidationError(p.error, doc, "document", ordinal, key_bytes);
        tape = p.tape;
      } else {
        FLOW_TRY(Validate(doc, &tape_, "document", ordinal, key_bytes));
        tape = tape_;
      }
      Node* into;
      uint8_t* flags;
      if (hold_back_) {
        Rest& r = rests_[e.rest];
        into = &r.doc;
        flags = &r.flags;
        opts.full = false;  // the rest is never root-most
      } else {
        into = &e.doc;
        flags = &e.flags;
        opts.full = spec_.full;
      }
      Status s = reduce::ReduceOwned(into, doc, tape, arena_, opts);
      if (!s.ok())
        return ReduceError(s, ordinal, key_bytes);
      *flags = kReduced | (reduce::IsDeletion(tape) ? kDeleted : 0);
    }
  }

  size_t used = MemoryUsed();
  stats_.peak_memory = std::max(stats_.peak_memory, used);
  if (used > spec_.memory_limit)
    FLOW_TRY(Spill());
  return Status::OK();
}

Status Combiner::Spill() {
  if (count_ == 0)
    return Status::OK();
  SortEntries();
  if (!spill_file_) {
    FLOW_ASSIGN_OR_RETURN(TempFile file, TempFile::Create(spec_.spill_dir));
    spill_file_ = std::make_unique<TempFile>(std::move(file));
  }
  RunWriter w(spill_file_->fd(), &write_buf_);
  for (uint32_t idx : order_) {
    const Entry& e = entry(idx);
    record_buf_.clear();
    PutVarint(e.key_len, &record_buf_);
    record_buf_.append(e.key, e.key_len);
    uint8_t flags = e.flags;
    if (e.rest != kNoRest) {
      uint8_t rf = rests_[e.rest].flags;
      flags |=
          kHasRest | ((rf & kReduced) ? kRestReduced : 0) | ((rf & kDeleted) ? kRestDeleted : 0);
    }
    record_buf_.push_back(static_cast<char>(flags));
    PutVarint(e.ordinal, &record_buf_);
    EncodeNode(e.doc, &record_buf_);
    if (e.rest != kNoRest) {
      PutVarint(rests_[e.rest].ordinal, &record_buf_);
      EncodeNode(rests_[e.rest].doc, &record_buf_);
    }
    FLOW_TRY(w.Append(record_buf_));
  }
  FLOW_TRY(w.Flush());
  ++stats_.spills;
  stats_.spilled_bytes += w.bytes();
  runs_.push_back(Run{spill_end_, w.bytes()});
  spill_end_ += w.bytes();

  ResetMemtable();
  // An earlier run may now hold any key: in full mode, hold back each key's front.
  hold_back_ = spec_.full;
  return Status::OK();
}

Status Combiner::Finish(std::string_view key, std::vector<Stored>& seq,
                        const std::function<Status(const DrainedDoc&)>& emit) {
  Node acc = seq[0].doc;
  bool reduced = seq[0].reduced;
  bool deleted = seq[0].deleted;
  for (size_t i = 1; i < seq.size(); ++i) {
    FLOW_TRY(Validate(seq[i].doc, &tape_, "document", seq[i].ordinal, key));
    auto r = reduce::Reduce(acc, seq[i].doc, tape_, drain_arena_, spec_.full);
    if (!r.ok())
      return ReduceError(r.status(), seq[i].ordinal, key);
    acc = *r;
    deleted = seq[i].reduced ? seq[i].deleted : reduce::IsDeletion(tape_);
    reduced = true;
  }
  FLOW_TRY(
      Validate(acc, &tape_, reduced ? "the combined document" : "document", seq[0].ordinal, key));
  if (!reduced)
    deleted = reduce::IsDeletion(tape_);
  ++stats_.keys;
  FLOW_TRY(emit(DrainedDoc{key, acc, deleted, reduced}));
  drain_arena_.Reset();
  return Status::OK();
}

Status Combiner::Drain(const std::function<Status(const DrainedDoc&)>& emit) {
  FLOW_TRY(ProcessBatch());
  SortEntries();
  std::vector<Stored> seq;
  std::vector<std::unique_ptr<Source>> sources;
  for (const Run& run : runs_) {
    sources.push_back(std::make_unique<RunSource>(spill_file_->fd(), run));
  }
  sources.push_back(std::make_unique<MemSource>(*this));

  // A min-heap of sources by (current key, source index); the index is arrival order.
  std::vector<size_t> heap;
  auto after = [&](size_t a, size_t b) {
    int c = sources[a]->key().compare(sources[b]->key());
    return c != 0 ? c > 0 : a > b;
  };
  for (size_t i = 0; i < sources.size(); ++i) {
    FLOW_ASSIGN_OR_RETURN(bool more, sources[i]->Next());
    if (more)
      heap.push_back(i);
  }
  std::make_heap(heap.begin(), heap.end(), after);

  std::vector<size_t> group;
  while (!heap.empty()) {
    group.clear();
    std::pop_heap(heap.begin(), heap.end(), after);
    group.push_back(heap.back());
    heap.pop_back();
    std::string_view key = sources[group[0]]->key();
    while (!heap.empty() && sources[heap.front()]->key() == key) {
      std::pop_heap(heap.begin(), heap.end(), after);
      group.push_back(heap.back());
      heap.pop_back();
    }
    seq.clear();
    for (size_t g : group)
      FLOW_TRY(sources[g]->Docs(drain_arena_, &seq));
    FLOW_TRY(Finish(key, seq, emit));
    for (size_t g : group) {
      FLOW_ASSIGN_OR_RETURN(bool more, sources[g]->Next());
      if (more) {
        heap.push_back(g);
        std::push_heap(heap.begin(), heap.end(), after);
      }
    }
  }

  sources.clear();
  runs_.clear();
  spill_file_.reset();
  spill_end_ = 0;
  ResetMemtable();
  hold_back_ = false;
  return Status::OK();
}

}  // namespace flow::doc::combine

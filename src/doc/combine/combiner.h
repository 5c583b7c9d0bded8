// SPDX-License-Identifier: Apache-2.0
// doc/combine/combiner.h: groups documents by key, reduces them in arrival order, and
// drains one document per key in ascending key order, spilling to disk over a memory
// bound (spec §3.5; Flow's crates/doc/src/combine).
//
//   Combiner c(spec, NewSchemaValidator(schema));
//   for (each line) FLOW_TRY(c.AddJson(line, line_number));
//   FLOW_TRY(c.Drain([&](const DrainedDoc& d) { ...; return Status::OK(); }));
//
// Every right-hand document is validated before it is reduced, and every drained
// document is validated once more (so a document that was never reduced is validated
// exactly then). A validation or reduction error fails the combine: Add() or Drain()
// returns InvalidArgument naming the document (`{ordinal_label} {ordinal}`), the key and
// the failure; the Combiner must not be used afterwards.
//
// Memory: documents live in an Arena; its real block bytes plus the entry and hash
// table storage are the memory that `memory_limit` bounds. Over the bound, the entries
// are sorted by packed key and written as a run to an unlinked temporary file in a
// compact binary form (README.md); draining merges the runs and the in-memory entries,
// reducing each key's documents across runs in arrival order.
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "doc/arena.h"
#include "doc/combine/validate.h"
#include "doc/json.h"
#include "doc/key.h"
#include "doc/node.h"

namespace flow::doc::combine {

struct Spec {
  std::vector<KeyExtractor> key;  ///< the grouping key; must not be empty
  /// The collection (or schema) name used in validation errors.
  std::string name;
  /// The first document added for a key is known to be its root-most document, so the
  /// reductions are full (spec §3.5): set terms are pruned. False: partial reductions.
  bool full = true;
  /// Bound on arena + index memory before spilling a run.
  size_t memory_limit = size_t{256} << 20;
  /// Directory for spill files; empty means $TMPDIR or /tmp.
  std::string spill_dir;
  /// How errors name a document: "{ordinal_label} {ordinal}", e.g. "line 12".
  std::string ordinal_label = "document";
};

struct DrainedDoc {
  std::string_view packed_key;  ///< doc/key.h packed form
  Node doc;
  /// The last document applied for this key was a deletion (its root is annotated
  /// `merge` with `delete: true`): drop the row downstream. Full-reduction output
  /// omits such documents; partial output keeps them for later reductions.
  bool deleted = false;
  /// More than one document was reduced into `doc`.
  bool reduced = false;
};

/// A document parsed, keyed and (optionally) validated ahead of
/// Combiner::AddPrepared(), e.g. on another thread (see pipeline.h). Validation is
/// done with a validator of the same schema; its outcome counts only if the combiner
/// reduces the document as a right-hand side, exactly as if the combiner validated it.
struct PreparedDoc {
  Node doc;
  uint64_t ordinal = 0;
  std::string_view packed_key;
  /// False: the line was not JSON and `error` says why.
  bool parsed = true;
  /// True: `error` and `tape` hold the outcome of validating `doc`.
  bool validated = false;
  Status error;
  std::span<const TapeEntry> tape;
};

struct CombineStats {
  uint64_t docs = 0;    ///< documents added
  uint64_t keys = 0;    ///< documents drained
  uint64_t spills = 0;  ///< runs written
  uint64_t spilled_bytes = 0;
  size_t peak_memory = 0;  ///< highest accounted memory
};

class TempFile;

class Combiner {
 public:
  Combiner(Spec spec, std::unique_ptr<DocValidator> validator);
  ~Combiner();
  Combiner(const Combiner&) = delete;
  Combiner& operator=(const Combiner&) = delete;

  /// Parses one JSON document and adds it. InvalidArgument on bad JSON. Documents are
  /// processed in small batches, so a document's validation or reduction error may be
  /// returned by a later AddJson(), by Flush() or by Drain().
  Status AddJson(std::string_view json, uint64_t ordinal);
  /// Processes the documents waiting in the current batch.
  Status Flush() { return ProcessBatch(); }
  /// Adds prepared documents in order. They (and their keys and tapes) may be freed
  /// after the call. Errors as for AddJson(), in input order.
  Status AddPrepared(std::span<PreparedDoc> docs);
  const Spec& spec() const { return spec_; }
  /// Adds a document; it is copied as needed and may be freed after the call.
  Status Add(const Node& doc, uint64_t ordinal);

  /// Calls `emit` with one document per key in ascending packed-key order, then
  /// leaves the Combiner empty. A DrainedDoc is valid only during its call.
  Status Drain(const std::function<Status(const DrainedDoc&)>& emit);

  /// Memory currently accounted against the limit.
  size_t MemoryUsed() const;
  const CombineStats& stats() const { return stats_; }

 private:
  struct Entry;
  struct Rest;
  struct Run;
  struct Stored;
  class Source;
  class MemSource;
  class RunSource;

  Status ProcessBatch();
  Status AddOne(const PreparedDoc& p);
  Status Spill();
  Status Validate(const Node& doc, Tape* tape, std::string_view what, uint64_t ordinal,
                  std::string_view key);
  Status ValidationError(const Status& s, const Node& doc, std::string_view what, uint64_t ordinal,
                         std::string_view key) const;
  Status ReduceError(const Status& s, uint64_t ordinal, std::string_view key) const;
  std::string KeyJson(std::string_view packed) const;
  size_t Probe(std::string_view key, uint64_t hash, uint64_t prefix) const;
  void Grow();
  void SortEntries();
  void ResetMemtable();
  Status Finish(std::string_view key, std::vector<Stored>& seq,
                const std::function<Status(const DrainedDoc&)>& emit);

  Spec spec_;
  std::unique_ptr<DocValidator> validator_;
  Parser parser_;
  Arena arena_;  // entries' keys and documents
  // Parsed documents wait in a batch so that their cache misses overlap (ProcessBatch).
  static constexpr size_t kBatch = 32;
  Arena batch_arena_;
  std::vector<PreparedDoc> batch_;
  std::vector<size_t> batch_key_offsets_;
  std::vector<uint64_t> hashes_;  // per prepared document, during AddPrepared()
  std::string batch_keys_;
  Arena drain_arena_;  // per-key drain work
  class Names;
  std::unique_ptr<Names> names_;  // interned property names, in arena_
  // Open-addressing hash table over the entries, which live in fixed-size chunks so
  // that growing never copies them.
  struct Slot {
    uint32_t entry_plus_one;  // 0: empty
    uint32_t hash;            // high bits of the key's hash
  };
  static constexpr size_t kChunk = 4096;
  Entry& entry(size_t i);
  const Entry& entry(size_t i) const;
  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<Entry[]>> chunks_;
  size_t count_ = 0;
  std::vector<uint32_t> order_;  // entry indices in key order, to spill or drain
  std::vector<Rest> rests_;
  std::vector<Run> runs_;
  std::unique_ptr<TempFile> spill_file_;  // all runs, back to back
  uint64_t spill_end_ = 0;
  bool hold_back_ = false;  // after a spill, in full mode: keep each key's front document apart
  std::string key_buf_;
  std::string record_buf_;
  std::string write_buf_;
  Tape tape_;
  CombineStats stats_;
};

}  // namespace flow::doc::combine

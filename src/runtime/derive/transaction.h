// SPDX-License-Identifier: Apache-2.0
// runtime/derive/transaction.h: one derivation transaction: source documents run through
// their transforms, outputs combined by the derived key, drained, then committed.
//
//   Transaction txn(derived, *shard);
//   for (each source document read by transform t) FLOW_TRY(txn.Add(t, doc, published_at));
//   FLOW_TRY(txn.Commit(checkpoint, [&](const doc::combine::DrainedDoc& d) { ... }));
//
// Outputs are validated against the derived collection's write schema and partially
// (associatively) reduced by its key, as Flow's runtime does before publishing (spec §6.5).
// Commit() hands them over in key order and then commits the shard's SQLite transaction
// with the checkpoint. A Transaction is reusable: after Commit() the next one begins.
// Not thread-safe; the collection and shard must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "doc/arena.h"
#include "doc/combine/combiner.h"
#include "doc/node.h"
#include "runtime/derive/sqlite_derivation.h"

namespace flow::runtime::derive {

class Transaction {
 public:
  Transaction(const catalog::Collection& derived, SqliteDerivation& shard);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  /// Runs `doc`, read by transform index `transform`, through its lambda and adds every
  /// output row to the combiner. A lambda error names the transform, statement and
  /// document; an invalid or irreducible output names the transform and the output.
  Status Add(size_t transform, const doc::Node& doc, std::string_view published_at);

  /// Calls `emit` with each combined output in ascending key order, then commits the
  /// shard with `checkpoint`. After an error the shard's transaction is left open and
  /// uncommitted (the caller discards or resets the shard).
  Status Commit(std::string_view checkpoint,
                const std::function<Status(const doc::combine::DrainedDoc&)>& emit);

  /// Output documents added to the current transaction so far.
  uint64_t outputs() const { return ordinal_; }

 private:
  std::string_view TransformOf(uint64_t ordinal) const;

  const catalog::Collection& derived_;
  SqliteDerivation& shard_;
  doc::combine::Combiner combiner_;
  doc::Arena scratch_;  // one source document's outputs; the combiner copies them
  std::vector<doc::Node> outputs_;
  uint64_t ordinal_ = 0;
  // (first output ordinal, transform) for each run of outputs of one transform, so a
  // drain-time failure can name the transform that produced the document.
  std::vector<std::pair<uint64_t, size_t>> origins_;
};

}  // namespace flow::runtime::derive

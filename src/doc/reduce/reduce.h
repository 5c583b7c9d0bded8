// SPDX-License-Identifier: Apache-2.0
// doc/reduce/reduce.h: combines a left-hand and a right-hand document under the
// right-hand document's `reduce` annotations (spec §3).
//
// The RHS must have been validated: `rhs_tape` holds one TapeEntry per RHS node in
// pre-order (doc/annotation.h). Strategies are chosen per RHS node; a node without an
// annotation is lastWriteWins. `full` says the LHS is known to be the root-most
// document of its key, which lets `set` drop its `intersect`/`remove` terms.
//
// The result is allocated in `arena` and shares unchanged subtrees of `lhs` and `rhs`
// by reference, so both inputs must outlive it. Errors are InvalidArgument with Flow's
// text, e.g.
//   having values LHS: 1, RHS: "a": while reducing "/n": 'sum' strategy expects numbers
// (Flow's error chain, outermost first). Not thread-safe only in that `arena` is not.
#pragma once

#include <span>
#include <string_view>

#include "base/status.h"
#include "doc/annotation.h"
#include "doc/arena.h"
#include "doc/node.h"

namespace flow::doc::reduce {

/// Reduces `rhs` into `lhs` without modifying either.
Result<Node> Reduce(const Node& lhs, const Node& rhs, std::span<const TapeEntry> rhs_tape,
                    Arena& arena, bool full);

/// Where copied property names go: a combiner interns them, so the names of many
/// documents share memory that stays in cache.
class NameTable {
 public:
  virtual ~NameTable() = default;
  /// A copy of `name` that lives as long as the arena the names are copied for.
  virtual std::string_view Intern(std::string_view name) = 0;
};

/// Deep-copies `n` into `arena`, taking property names from `names` (if non-null).
Node CloneWithNames(const Node& n, Arena& arena, NameTable* names);

/// How the combiner reduces into a document it owns.
struct OwnedOptions {
  bool full = false;
  /// `rhs` lives in scratch memory that is reused after the call: every RHS node kept
  /// in the result is deep-copied into `arena`.
  bool copy_rhs = false;
  /// With copy_rhs: where copied property names come from (else the arena).
  NameTable* names = nullptr;
};

/// Reduces `rhs` into `*lhs` in place where the shape allows (containers of `*lhs` are
/// overwritten instead of re-allocated), then stores the result in `*lhs`. `*lhs` must
/// be exclusively owned by the caller (no other live Node shares its containers), all
/// of it in writable arena memory. On error `*lhs` may be partially updated; callers
/// treat a reduction error as fatal for the whole combine.
Status ReduceOwned(Node* lhs, const Node& rhs, std::span<const TapeEntry> rhs_tape, Arena& arena,
                   const OwnedOptions& options);

/// Whether a validated document is a deletion: its root is annotated
/// `reduce: {strategy: merge, delete: true}`. A reduction's result is deleted exactly
/// when its last right-hand document is a deletion.
bool IsDeletion(std::span<const TapeEntry> tape);

}  // namespace flow::doc::reduce

// SPDX-License-Identifier: Apache-2.0
// doc/reduce/reducer.h: the recursive reduction cursor shared by the strategy files.
//
// Internal to doc/reduce. A Reducer walks the RHS tape in pre-order while it recurses
// into the documents: every strategy consumes exactly the tape entries of the RHS
// subtree it was given (in O(1) for subtrees it does not descend into, thanks to
// TapeEntry::length).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "doc/annotation.h"
#include "doc/arena.h"
#include "doc/node.h"
#include "doc/reduce/reduce.h"

namespace flow::doc::reduce {

/// A location in the document being reduced, as a linked list of frames on the stack;
/// nullptr is the root. Rendered to a JSON pointer only when an error needs it.
struct Loc {
  const Loc* parent = nullptr;
  std::string_view property;  ///< set when !is_index
  uint32_t index = 0;
  bool is_index = false;

  static Loc Prop(const Loc* parent, std::string_view p) { return Loc{parent, p, 0, false}; }
  static Loc Item(const Loc* parent, uint32_t i) { return Loc{parent, {}, i, true}; }
};

/// The JSON pointer of `loc` ("" for the root).
std::string PointerOf(const Loc* loc);

/// The failure kinds of spec §3.1, with Flow's messages.
enum class ErrorKind {
  kAppendWrongType,
  kMergeWrongType,
  kSumWrongType,
  kSumNumericOverflow,
  kSetWrongType,
  kJsonSchemaMergeWrongType,
};

/// Flow's message of `kind`; `detail` only for jsonSchemaMerge.
std::string ErrorMessage(ErrorKind kind, std::string_view detail = {});
/// `while reducing "{ptr}": {message}`.
Status ErrorAt(const Loc* loc, ErrorKind kind, std::string_view detail = {});
/// `having values LHS: {l}, RHS: {r}: while reducing "{ptr}": {message}`.
Status ErrorWithValues(const Loc* loc, ErrorKind kind, const Node& lhs, const Node& rhs);

/// Three-way comparison of property names, inline: names are short, and a libc
/// memcmp call per comparison costs more than the bytes.
inline int CompareNames(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x != y)
      return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

class Reducer {
 public:
  Reducer(std::span<const TapeEntry> tape, Arena& arena, bool full, bool in_place, bool copy_rhs,
          NameTable* names = nullptr)
      : t_(tape.data()),
        end_(tape.data() + tape.size()),
        arena_(arena),
        names_(names),
        full_(full),
        in_place_(in_place),
        copy_rhs_(copy_rhs) {}

  /// Reduces `rhs` into `lhs` at `loc` with the strategy of the current tape entry.
  Result<Node> Reduce(const Node& lhs, const Node& rhs, const Loc* loc);

  /// True once every tape entry was consumed.
  bool AtEnd() const { return t_ == end_; }

  // Building blocks for the strategies.

  /// Consumes `rhs`'s subtree and returns it (copied into the arena if copy_rhs).
  Node TakeRhs(const Node& rhs) {
    t_ += t_->length;
    return copy_rhs_ ? CloneWithNames(rhs, arena_, names_) : rhs;
  }
  /// Consumes `rhs`'s subtree, discarding it.
  void SkipRhs() { t_ += t_->length; }
  /// Consumes the entry of the current RHS container itself (before its children).
  void EnterRhs() { ++t_; }
  /// A property name from the RHS, owned by the arena if copy_rhs.
  std::string_view RhsName(std::string_view name) {
    if (!copy_rhs_)
      return name;
    return names_ != nullptr ? names_->Intern(name) : arena_.CopyString(name);
  }
  /// The RHS node the cursor is on must exist; Internal if the tape is too short.
  Status CheckTape(const Node& rhs) const;

  /// merge without a key (by property, or by index), or with `key` for arrays.
  Result<Node> Merge(const Node& lhs, const Node& rhs, const Loc* loc,
                     std::span<const Pointer> key);

  Arena& arena() { return arena_; }
  bool full() const { return full_; }

 private:
  Result<Node> Append(const Node& lhs, const Node& rhs, const Loc* loc);
  Result<Node> MinMax(const Node& lhs, const Node& rhs, const Loc* loc,
                      std::span<const Pointer> key, bool maximize);
  Result<Node> Sum(const Node& lhs, const Node& rhs, const Loc* loc);
  Result<Node> MergeObjects(const Node& lhs, const Node& rhs, const Loc* loc);
  Result<Node> MergeArraysByIndex(const Node& lhs, const Node& rhs, const Loc* loc);
  Result<Node> MergeArraysByKey(const Node& lhs, const Node& rhs, const Loc* loc,
                                std::span<const Pointer> key);

  const TapeEntry* t_;
  const TapeEntry* end_;
  Arena& arena_;
  NameTable* names_;
  bool full_;
  bool in_place_;
  bool copy_rhs_;
};

/// The `set` strategy (set.cc). The cursor is on the set node.
Result<Node> ReduceSet(Reducer& r, const Node& lhs, const Node& rhs, const Loc* loc,
                       std::span<const Pointer> key);

/// The `jsonSchemaMerge` strategy (schema_merge.cc). The cursor is on the node.
Result<Node> ReduceJsonSchemaMerge(Reducer& r, const Node& lhs, const Node& rhs, const Loc* loc);

}  // namespace flow::doc::reduce

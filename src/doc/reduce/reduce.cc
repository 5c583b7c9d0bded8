// SPDX-License-Identifier: Apache-2.0
// doc/reduce/reduce.cc: the reduction cursor and the scalar, append, merge and min/max
// strategies (Flow's crates/doc/src/reduce/{mod,strategy}.rs).
#include "doc/reduce/reduce.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "doc/compare.h"
#include "doc/json.h"
#include "doc/pointer.h"
#include "doc/reduce/number.h"
#include "doc/reduce/reducer.h"

namespace flow::doc::reduce {
namespace {

void AppendPointer(const Loc* loc, std::string* out) {
  if (loc == nullptr)
    return;
  AppendPointer(loc->parent, out);
  out->push_back('/');
  if (loc->is_index) {
    fmt::format_to(std::back_inserter(*out), "{}", loc->index);
  } else {
    out->append(EscapeToken(loc->property));
  }
}

// Rust's `{:?}` of a string: quoted, with Rust's escapes.
std::string DebugQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\0':
        out.append("\\0");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          fmt::format_to(std::back_inserter(out), "\\u{{{:x}}}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string PointerOf(const Loc* loc) {
  std::string out;
  AppendPointer(loc, &out);
  return out;
}

std::string ErrorMessage(ErrorKind kind, std::string_view detail) {
  switch (kind) {
    case ErrorKind::kAppendWrongType:
      return "'append' strategy expects arrays";
    case ErrorKind::kMergeWrongType:
      return "'merge' strategy expects objects or arrays";
    case ErrorKind::kSumWrongType:
      return "'sum' strategy expects numbers";
    case ErrorKind::kSumNumericOverflow:
      return "`sum` resulted in numeric overflow";
    case ErrorKind::kSetWrongType:
      return "'set' strategy expects objects having only 'add', 'remove', and 'intersect' "
             "properties with consistent object or array types";
    case ErrorKind::kJsonSchemaMergeWrongType:
      return fmt::format(
          "'json-schema-merge' strategy expects objects containing valid JSON schemas. {}", detail);
  }
  return "unknown reduction error";
}

Status ErrorAt(const Loc* loc, ErrorKind kind, std::string_view detail) {
  return Status::InvalidArgument("while reducing {}: {}", DebugQuote(PointerOf(loc)),
                                 ErrorMessage(kind, detail));
}

Status ErrorWithValues(const Loc* loc, ErrorKind kind, const Node& lhs, const Node& rhs) {
  return Status::InvalidArgument("having values LHS: {}, RHS: {}: while reducing {}: {}",
                                 ToJson(lhs), ToJson(rhs), DebugQuote(PointerOf(loc)),
                                 ErrorMessage(kind));
}

Status Reducer::CheckTape(const Node& rhs) const {
  if (t_ >= end_) {
    return Status::Internal("reduce: the RHS tape ended before the document ({} nodes short)",
                            TapeLength(rhs));
  }
  return Status::OK();
}

Result<Node> Reducer::Reduce(const Node& lhs, const Node& rhs, const Loc* loc) {
  FLOW_TRY(CheckTape(rhs));
  const ReduceSpec* spec = t_->reduce;
  if (spec == nullptr)
    return TakeRhs(rhs);  // lastWriteWins, the default
  switch (spec->strategy) {
    case Strategy::kLastWriteWins:
      return TakeRhs(rhs);
    case Strategy::kFirstWriteWins:
      SkipRhs();
      return lhs;
    case Strategy::kAppend:
      return Append(lhs, rhs, loc);
    case Strategy::kMerge:
      return Merge(lhs, rhs, loc, spec->key);
    case Strategy::kMinimize:
      return MinMax(lhs, rhs, loc, spec->key, false);
    case Strategy::kMaximize:
      return MinMax(lhs, rhs, loc, spec->key, true);
    case Strategy::kSum:
      return Sum(lhs, rhs, loc);
    case Strategy::kSet:
      return ReduceSet(*this, lhs, rhs, loc, spec->key);
    case Strategy::kJsonSchemaMerge:
      return ReduceJsonSchemaMerge(*this, lhs, rhs, loc);
  }
  return Status::Internal("reduce: unknown strategy {}", static_cast<int>(spec->strategy));
}

Result<Node> Reducer::Append(const Node& lhs, const Node& rhs, const Loc* loc) {
  if (lhs.is_array() && rhs.is_array()) {
    // There is no spare capacity in an array node, so appending always re-allocates;
    // the LHS items are shared, not copied.
    uint32_t n = lhs.size() + rhs.size();
    Node* items = arena_.AllocateArray<Node>(n);
    std::copy(lhs.items().begin(), lhs.items().end(), items);
    EnterRhs();
    Node* out = items + lhs.size();
    for (const Node& item : rhs.items())
      *out++ = TakeRhs(item);
    return Node::Array(items, n);
  }
  if (lhs.is_null() && rhs.is_array()) {  // append into null is a no-op
    SkipRhs();
    return lhs;
  }
  return ErrorWithValues(loc, ErrorKind::kAppendWrongType, lhs, rhs);
}

Result<Node> Reducer::Merge(const Node& lhs, const Node& rhs, const Loc* loc,
                            std::span<const Pointer> key) {
  if (lhs.is_object() && rhs.is_object())
    return MergeObjects(lhs, rhs, loc);
  if (lhs.is_array() && rhs.is_array()) {
    if (key.empty())
      return MergeArraysByIndex(lhs, rhs, loc);
    return MergeArraysByKey(lhs, rhs, loc, key);
  }
  if (lhs.is_null() && (rhs.is_array() || rhs.is_object())) {  // merge into null is a no-op
    SkipRhs();
    return lhs;
  }
  return ErrorWithValues(loc, ErrorKind::kMergeWrongType, lhs, rhs);
}

Result<Node> Reducer::MergeObjects(const Node& lhs, const Node& rhs, const Loc* loc) {
  EnterRhs();
  std::span<const Field> lf = lhs.fields();
  std::span<const Field> rf = rhs.fields();

  // Count RHS-only properties: with none, an owned LHS is updated in place.
  size_t rhs_only = 0;
  for (size_t i = 0, j = 0; j < rf.size();) {
    int c = i == lf.size() ? 1 : CompareNames(lf[i].name, rf[j].name);
    if (c > 0) {
      ++rhs_only;
      ++j;
    } else {
      ++i;
      j += c == 0;
    }
  }

  if (in_place_ && rhs_only == 0) {
    Node out = lhs;
    std::span<Field> mf = out.mutable_fields();
    size_t i = 0;
    for (const Field& r : rf) {
      while (CompareNames(mf[i].name, r.name) < 0)
        ++i;
      Loc child = Loc::Prop(loc, r.name);
      FLOW_ASSIGN_OR_RETURN(mf[i].value, Reduce(mf[i].value, r.value, &child));
      ++i;
    }
    return out;
  }

  uint32_t n = static_cast<uint32_t>(lf.size() + rhs_only);
  Field* fields = arena_.AllocateArray<Field>(n);
  Field* out = fields;
  size_t i = 0, j = 0;
  while (i < lf.size() || j < rf.size()) {
    int c = i == lf.size() ? 1 : j == rf.size() ? -1 : CompareNames(lf[i].name, rf[j].name);
    if (c < 0) {
      new (out++) Field(lf[i++]);
    } else if (c > 0) {
      // RHS-only: taken as is, even if annotated.
      std::string_view name = RhsName(rf[j].name);
      new (out++) Field{name, TakeRhs(rf[j].value)};
      ++j;
    } else {
      Loc child = Loc::Prop(loc, rf[j].name);
      FLOW_ASSIGN_OR_RETURN(Node v, Reduce(lf[i].value, rf[j].value, &child));
      new (out++) Field{lf[i].name, v};
      ++i;
      ++j;
    }
  }
  return Node::Object(fields, n);
}

Result<Node> Reducer::MergeArraysByIndex(const Node& lhs, const Node& rhs, const Loc* loc) {
  EnterRhs();
  std::span<const Node> li = lhs.items();
  std::span<const Node> ri = rhs.items();
  if (in_place_ && ri.size() <= li.size()) {
    Node out = lhs;
    std::span<Node> mi = out.mutable_items();
    for (uint32_t k = 0; k < ri.size(); ++k) {
      Loc child = Loc::Item(loc, k);
      FLOW_ASSIGN_OR_RETURN(mi[k], Reduce(mi[k], ri[k], &child));
    }
    return out;
  }
  uint32_t n = static_cast<uint32_t>(std::max(li.size(), ri.size()));
  Node* items = arena_.AllocateArray<Node>(n);
  for (uint32_t k = 0; k < n; ++k) {
    if (k < li.size() && k < ri.size()) {
      Loc child = Loc::Item(loc, k);
      FLOW_ASSIGN_OR_RETURN(Node v, Reduce(li[k], ri[k], &child));
      new (&items[k]) Node(v);
    } else if (k < li.size()) {
      new (&items[k]) Node(li[k]);
    } else {
      new (&items[k]) Node(TakeRhs(ri[k]));
    }
  }
  return Node::Array(items, n);
}

Result<Node> Reducer::MergeArraysByKey(const Node& lhs, const Node& rhs, const Loc* loc,
                                       std::span<const Pointer> key) {
  EnterRhs();
  std::span<const Node> li = lhs.items();
  std::span<const Node> ri = rhs.items();

  // Both sides are sorted and de-duplicated by `key`: a sorted merge-join.
  size_t rhs_only = 0;
  for (size_t i = 0, j = 0; j < ri.size();) {
    int c = i == li.size() ? 1 : CompareKeys(li[i], ri[j], key);
    if (c > 0) {
      ++rhs_only;
      ++j;
    } else if (c < 0) {
      ++i;
    } else {
      ++i;
      ++j;
    }
  }

  if (in_place_ && rhs_only == 0) {
    Node out = lhs;
    std::span<Node> mi = out.mutable_items();
    size_t i = 0;
    for (uint32_t j = 0; j < ri.size(); ++j) {
      while (CompareKeys(mi[i], ri[j], key) < 0)
        ++i;
      Loc child = Loc::Item(loc, j);
      FLOW_ASSIGN_OR_RETURN(mi[i], Reduce(mi[i], ri[j], &child));
      ++i;
    }
    return out;
  }

  uint32_t n = static_cast<uint32_t>(li.size() + rhs_only);
  Node* items = arena_.AllocateArray<Node>(n);
  Node* out = items;
  size_t i = 0, j = 0;
  while (i < li.size() || j < ri.size()) {
    int c = i == li.size() ? 1 : j == ri.size() ? -1 : CompareKeys(li[i], ri[j], key);
    if (c < 0) {
      new (out++) Node(li[i++]);
    } else if (c > 0) {
      new (out++) Node(TakeRhs(ri[j++]));
    } else {
      Loc child = Loc::Item(loc, static_cast<uint32_t>(j));
      FLOW_ASSIGN_OR_RETURN(Node v, Reduce(li[i], ri[j], &child));
      new (out++) Node(v);
      ++i;
      ++j;
    }
  }
  return Node::Array(items, n);
}

Result<Node> Reducer::MinMax(const Node& lhs, const Node& rhs, const Loc* loc,
                             std::span<const Pointer> key, bool maximize) {
  int c = key.empty() ? Compare(lhs, rhs) : CompareKeys(lhs, rhs, key);
  if (maximize)
    c = -c;
  if (c < 0) {
    SkipRhs();
    return lhs;
  }
  if (c > 0 || key.empty())
    return TakeRhs(rhs);
  // Equal keys: deep-merge LHS and RHS, as `merge` without a key.
  return Merge(lhs, rhs, loc, {});
}

Result<Node> Reducer::Sum(const Node& lhs, const Node& rhs, const Loc* loc) {
  if (!lhs.is_number() || !rhs.is_number()) {
    return ErrorWithValues(loc, ErrorKind::kSumWrongType, lhs, rhs);
  }
  std::optional<Node> sum = CheckedAdd(lhs, rhs);
  if (!sum)
    return ErrorWithValues(loc, ErrorKind::kSumNumericOverflow, lhs, rhs);
  EnterRhs();
  return *sum;
}

namespace {

Result<Node> Run(Reducer& r, const Node& lhs, const Node& rhs) {
  FLOW_ASSIGN_OR_RETURN(Node out, r.Reduce(lhs, rhs, nullptr));
  if (!r.AtEnd()) {
    return Status::Internal("reduce: the RHS tape has more entries than the document has nodes");
  }
  return out;
}

}  // namespace

Result<Node> Reduce(const Node& lhs, const Node& rhs, std::span<const TapeEntry> rhs_tape,
                    Arena& arena, bool full) {
  Reducer r(rhs_tape, arena, full, /*in_place=*/false, /*copy_rhs=*/false);
  return Run(r, lhs, rhs);
}

Node CloneWithNames(const Node& n, Arena& arena, NameTable* names) {
  if (names == nullptr)
    return Clone(n, arena);
  switch (n.type()) {
    case Type::kString:
      return Node::String(arena, n.as_string());
    case Type::kArray: {
      Node* items = arena.AllocateArray<Node>(n.size());
      for (uint32_t i = 0; i < n.size(); ++i) {
        new (&items[i]) Node(CloneWithNames(n.items()[i], arena, names));
      }
      return Node::Array(items, n.size());
    }
    case Type::kObject: {
      Field* fields = arena.AllocateArray<Field>(n.size());
      for (uint32_t i = 0; i < n.size(); ++i) {
        const Field& f = n.fields()[i];
        new (&fields[i]) Field{names->Intern(f.name), CloneWithNames(f.value, arena, names)};
      }
      return Node::Object(fields, n.size());
    }
    default:
      return n;
  }
}

Status ReduceOwned(Node* lhs, const Node& rhs, std::span<const TapeEntry> rhs_tape, Arena& arena,
                   const OwnedOptions& options) {
  Reducer r(rhs_tape, arena, options.full, /*in_place=*/true, options.copy_rhs, options.names);
  FLOW_ASSIGN_OR_RETURN(*lhs, Run(r, *lhs, rhs));
  return Status::OK();
}

bool IsDeletion(std::span<const TapeEntry> tape) {
  if (tape.empty() || tape[0].reduce == nullptr)
    return false;
  return tape[0].reduce->strategy == Strategy::kMerge && tape[0].reduce->delete_;
}

}  // namespace flow::doc::reduce

// SPDX-License-Identifier: Apache-2.0
// doc/reduce/set.cc: the `set` strategy (Flow's crates/doc/src/reduce/set.rs, spec §3.3).
//
// A set location is an object of at most `add`, `intersect` and `remove` terms, each an
// object (members keyed by property name) or a sorted array (members keyed by the
// strategy's `key`). Terms are computed by two sorted merge-joins: first the LHS term is
// filtered by a subtrahend (`sub`), then joined with the RHS term under a mask saying
// which of left-only, right-only and common members to keep. Common members are reduced
// recursively with the RHS member's annotations.
#include <array>
#include <vector>

#include "doc/compare.h"
#include "doc/reduce/reducer.h"

namespace flow::doc::reduce {
namespace {

enum : uint8_t { kNone = 0, kLeft = 1, kRight = 2, kBoth = 4, kUnion = 7 };
enum Term { kAdd = 0, kIntersect = 1, kRemove = 2 };

// One side's terms; each is null (absent) or an object or array node.
struct Terms {
  std::array<const Node*, 3> arr{};
  std::array<const Node*, 3> obj{};
  bool any_arr() const { return arr[0] || arr[1] || arr[2]; }
  bool any_obj() const { return obj[0] || obj[1] || obj[2]; }
};

Status Unpack(const Node& side, const Loc* loc, Terms* t) {
  for (const Field& f : side.fields()) {
    bool is_obj = f.value.is_object();
    bool is_arr = f.value.is_array();
    int term = -1;
    if (f.name == "add" && (is_obj || is_arr)) {
      term = kAdd;
    } else if (f.name == "intersect" && (is_obj || is_arr)) {
      term = kIntersect;
    } else if (f.name == "remove" && is_obj && t->obj[kIntersect] == nullptr) {
      term = kRemove;
    } else if (f.name == "remove" && is_arr && t->arr[kIntersect] == nullptr) {
      term = kRemove;
    }
    if (term < 0) {
      Loc child = Loc::Prop(loc, f.name);
      return ErrorAt(&child, ErrorKind::kSetWrongType);
    }
    (is_obj ? t->obj : t->arr)[term] = &f.value;
  }
  return Status::OK();
}

class Builder {
 public:
  Builder(Reducer& r, const Loc* loc, std::span<const Pointer> key) : r_(r), loc_(loc), key_(key) {}

  // The array form of a term: ((lhs op1 sub) op2 rhs). op1 removes the members of `sub`
  // (or, if `naught`, those not in `sub`); `mask` selects op2. Returns nullopt if
  // neither `lhs` nor `rhs` is present.
  Result<std::optional<Node>> ArrayTerm(const Node* lhs, const Node* sub, bool naught, uint8_t mask,
                                        const Node* rhs) {
    if (rhs != nullptr) {
      r_.EnterRhs();
    } else if (lhs == nullptr) {
      return std::optional<Node>();
    }
    // LHS members filtered by `sub`.
    std::vector<Node> left;
    if (lhs != nullptr) {
      std::span<const Node> li = lhs->items();
      if (sub == nullptr) {
        left.assign(li.begin(), li.end());
      } else {
        std::span<const Node> si = sub->items();
        size_t i = 0, j = 0;
        while (i < li.size()) {
          int c = j == si.size() ? -1 : CompareKeys(li[i], si[j], key_);
          if (c < 0) {
            if (!naught)
              left.push_back(li[i]);
            ++i;
          } else if (c > 0) {
            ++j;
          } else {
            if (naught)
              left.push_back(li[i]);
            ++i;
            ++j;
          }
        }
      }
    }
    std::span<const Node> ri = rhs != nullptr ? rhs->items() : std::span<const Node>();
    out_items_.clear();
    size_t i = 0, j = 0;
    while (i < left.size() || j < ri.size()) {
      int c = i == left.size() ? 1 : j == ri.size() ? -1 : CompareKeys(left[i], ri[j], key_);
      if (c < 0) {
        if (mask & kLeft)
          out_items_.push_back(left[i]);
        ++i;
      } else if (c > 0) {
        if (mask & kRight) {
          out_items_.push_back(r_.TakeRhs(ri[j]));
        } else {
          r_.SkipRhs();
        }
        ++j;
      } else {
        if (mask & kBoth) {
          Loc child = Loc::Item(loc_, static_cast<uint32_t>(j));
          FLOW_ASSIGN_OR_RETURN(Node v, r_.Reduce(left[i], ri[j], &child));
          out_items_.push_back(v);
        } else {
          r_.SkipRhs();
        }
        ++i;
        ++j;
      }
    }
    return std::optional<Node>(MakeArray(r_.arena(), out_items_));
  }

  // The object form of a term, as ArrayTerm with members keyed by property name.
  Result<std::optional<Node>> ObjectTerm(const Node* lhs, const Node* sub, bool naught,
                                         uint8_t mask, const Node* rhs) {
    if (rhs != nullptr) {
      r_.EnterRhs();
    } else if (lhs == nullptr) {
      return std::optional<Node>();
    }
    std::vector<Field> left;
    if (lhs != nullptr) {
      std::span<const Field> lf = lhs->fields();
      if (sub == nullptr) {
        left.assign(lf.begin(), lf.end());
      } else {
        std::span<const Field> sf = sub->fields();
        size_t i = 0, j = 0;
        while (i < lf.size()) {
          int c = j == sf.size() ? -1 : lf[i].name.compare(sf[j].name);
          if (c < 0) {
            if (!naught)
              left.push_back(lf[i]);
            ++i;
          } else if (c > 0) {
            ++j;
          } else {
            if (naught)
              left.push_back(lf[i]);
            ++i;
            ++j;
          }
        }
      }
    }
    std::span<const Field> rf = rhs != nullptr ? rhs->fields() : std::span<const Field>();
    std::vector<Field> out;
    size_t i = 0, j = 0;
    while (i < left.size() || j < rf.size()) {
      int c = i == left.size() ? 1 : j == rf.size() ? -1 : left[i].name.compare(rf[j].name);
      if (c < 0) {
        if (mask & kLeft)
          out.push_back(left[i]);
        ++i;
      } else if (c > 0) {
        if (mask & kRight) {
          std::string_view name = r_.RhsName(rf[j].name);
          out.push_back(Field{name, r_.TakeRhs(rf[j].value)});
        } else {
          r_.SkipRhs();
        }
        ++j;
      } else {
        if (mask & kBoth) {
          Loc child = Loc::Prop(loc_, rf[j].name);
          FLOW_ASSIGN_OR_RETURN(Node v, r_.Reduce(left[i].value, rf[j].value, &child));
          out.push_back(Field{left[i].name, v});
        } else {
          r_.SkipRhs();
        }
        ++i;
        ++j;
      }
    }
    // `out` is sorted and unique already.
    Field* fields = r_.arena().AllocateArray<Field>(out.size());
    for (size_t k = 0; k < out.size(); ++k)
      new (&fields[k]) Field(out[k]);
    return std::optional<Node>(Node::Object(fields, static_cast<uint32_t>(out.size())));
  }

  Result<std::optional<Node>> Term(bool objects, const Node* lhs, const Node* sub, bool naught,
                                   uint8_t mask, const Node* rhs) {
    return objects ? ObjectTerm(lhs, sub, naught, mask, rhs)
                   : ArrayTerm(lhs, sub, naught, mask, rhs);
  }

 private:
  Reducer& r_;
  const Loc* loc_;
  std::span<const Pointer> key_;
  std::vector<Node> out_items_;
};

}  // namespace

Result<Node> ReduceSet(Reducer& r, const Node& lhs, const Node& rhs, const Loc* loc,
                       std::span<const Pointer> key) {
  if (!lhs.is_object() || !rhs.is_object()) {
    return ErrorWithValues(loc, ErrorKind::kSetWrongType, lhs, rhs);
  }
  Terms lt, rt;
  FLOW_TRY(Unpack(lhs, loc, &lt));
  FLOW_TRY(Unpack(rhs, loc, &rt));
  bool any_arr = lt.any_arr() || rt.any_arr();
  bool any_obj = lt.any_obj() || rt.any_obj();
  if (any_arr && any_obj)
    return ErrorAt(loc, ErrorKind::kSetWrongType);
  const std::array<const Node*, 3>& l = any_obj ? lt.obj : lt.arr;
  const std::array<const Node*, 3>& rr = any_obj ? rt.obj : rt.arr;

  r.EnterRhs();  // the object holding the set
  Builder b(r, loc, key);
  bool full = r.full();
  std::optional<Node> add, second;
  std::string_view second_name;

  const Node *la = l[kAdd], *li = l[kIntersect], *lr = l[kRemove];
  const Node *ra = rr[kAdd], *ri = rr[kIntersect], *rm = rr[kRemove];
  if (li != nullptr && ri != nullptr) {
    // (LA ∩ RI) ∪ RA; intersect = LI ∩ RI.
    FLOW_ASSIGN_OR_RETURN(add, b.Term(any_obj, la, ri, true, kUnion, ra));
    FLOW_ASSIGN_OR_RETURN(second, b.Term(any_obj, li, nullptr, false, full ? kNone : kBoth, ri));
    second_name = "intersect";
  } else if (li != nullptr) {
    // (LA − RR) ∪ RA; intersect = LI − RR.
    FLOW_ASSIGN_OR_RETURN(add, b.Term(any_obj, la, rm, false, kUnion, ra));
    FLOW_ASSIGN_OR_RETURN(second, b.Term(any_obj, li, nullptr, false, full ? kNone : kLeft, rm));
    second_name = "intersect";
  } else if (ri != nullptr) {
    // (LA ∩ RI) ∪ RA; intersect = RI − LR.
    FLOW_ASSIGN_OR_RETURN(add, b.Term(any_obj, la, ri, true, kUnion, ra));
    FLOW_ASSIGN_OR_RETURN(second, b.Term(any_obj, lr, nullptr, false, full ? kNone : kRight, ri));
    second_name = "intersect";
  } else {
    // (LA − RR) ∪ RA; remove = LR ∪ RR.
    FLOW_ASSIGN_OR_RETURN(add, b.Term(any_obj, la, rm, false, kUnion, ra));
    FLOW_ASSIGN_OR_RETURN(second, b.Term(any_obj, lr, nullptr, false, full ? kNone : kUnion, rm));
    second_name = "remove";
  }
  // A full reduction keeps only `add`. "add" sorts before "intersect" and "remove".
  Field* fields = r.arena().AllocateArray<Field>(2);
  uint32_t n = 0;
  if (add)
    new (&fields[n++]) Field{"add", *add};
  if (second && !full)
    new (&fields[n++]) Field{second_name, *second};
  return Node::Object(fields, n);
}

}  // namespace flow::doc::reduce

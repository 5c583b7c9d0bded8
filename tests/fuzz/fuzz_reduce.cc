// SPDX-License-Identifier: Apache-2.0
// tests/fuzz/fuzz_reduce.cc: random annotations and documents through doc/reduce.
//
// The input drives a small generator: a tree of `reduce` annotations (a schema without
// conditionals: strategies per property, per other property and per item) and three
// documents whose shapes loosely follow it, with small integers (so sums are exact) and
// arrays kept sorted and unique where a strategy's key requires it. Checks:
//  - determinism: reducing twice gives the same bytes or the same error;
//  - no internal errors: the tape is consumed exactly (never Code::kInternal);
//  - in place equals pure: ReduceOwned() of a copy matches Reduce(), the RHS unchanged;
//  - associativity: when reduce(reduce(a, b), c) and reduce(a, reduce(b, c)) both
//    succeed (partial reductions), they are equal.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/check.h"
#include "doc/json.h"
#include "doc/reduce/reduce.h"
#include "doc/reduce/testing.h"

namespace {

using flow::doc::Arena;
using flow::doc::Field;
using flow::doc::Node;
using flow::doc::Pointer;
using flow::doc::ReduceSpec;
using flow::doc::Strategy;
using flow::doc::Tape;
using flow::doc::reduce::testing::BuildTape;
using flow::doc::reduce::testing::SpecTree;

class Input {
 public:
  Input(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  uint32_t Next(uint32_t n) {  // in [0, n)
    if (n <= 1)
      return 0;
    uint32_t v = p_ < end_ ? *p_++ : 0;
    if (n > 256 && p_ < end_)
      v = v << 8 | *p_++;
    return v % n;
  }
  bool Chance(uint32_t pct) { return Next(100) < pct; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// Annotations live here for the whole run.
struct Specs {
  std::vector<std::unique_ptr<ReduceSpec>> all;
  const ReduceSpec* Make(Strategy s, std::vector<std::string> key = {}) {
    auto r = std::make_unique<ReduceSpec>();
    r->strategy = s;
    for (const std::string& k : key)
      r->key.push_back(*Pointer::Parse(k));
    all.push_back(std::move(r));
    return all.back().get();
  }
};

// What a generated location holds, so documents can follow the tree loosely.
enum class Kind { kAny, kNumber, kArray, kSortedArray, kObject, kKeyedObject, kSet };

struct Gen {
  Input& in;
  Specs& specs;
  Arena& arena;

  std::shared_ptr<SpecTree> Tree(int depth, Kind* kind) {
    auto t = std::make_shared<SpecTree>();
    static constexpr Strategy kStrategies[] = {
        Strategy::kLastWriteWins, Strategy::kFirstWriteWins, Strategy::kAppend, Strategy::kMerge,
        Strategy::kMinimize,      Strategy::kMaximize,       Strategy::kSum,    Strategy::kSet};
    uint32_t pick = in.Next(10);
    if (depth == 0 || pick >= 8) {
      // A leaf: no annotation, sum, or a strategy that takes whole values.
      static constexpr Strategy kLeaves[] = {Strategy::kSum, Strategy::kLastWriteWins,
                                             Strategy::kFirstWriteWins, Strategy::kMinimize,
                                             Strategy::kMaximize};
      uint32_t leaf = in.Next(6);
      t->spec = leaf == 5 ? nullptr : specs.Make(kLeaves[leaf]);
      *kind = leaf == 0 ? Kind::kNumber : Kind::kAny;
      return t;
    }
    Strategy s = kStrategies[pick];
    Kind child_kind;
    switch (s) {
      case Strategy::kMerge: {
        uint32_t form = in.Next(3);
        if (form == 0) {
          t->spec = specs.Make(s);
          *kind = Kind::kObject;
          t->properties["a"] = Tree(depth - 1, &child_kind);
          t->additional = Tree(depth - 1, &child_kind);
        } else if (form == 1) {
          t->spec = specs.Make(s);
          *kind = Kind::kArray;
          t->items = Tree(depth - 1, &child_kind);
        } else {
          t->spec = specs.Make(s, {"/k"});
          *kind = Kind::kKeyedObject;  // sorted array of {k: int, ...}
          t->items = std::make_shared<SpecTree>();
          t->items->spec = specs.Make(Strategy::kMerge);
          // The key itself is never reduced (a summed key breaks the sort order).
          t->items->properties["k"] = std::make_shared<SpecTree>();
          t->items->additional = Tree(depth - 1, &child_kind);
        }
        return t;
      }
      case Strategy::kMinimize:
      case Strategy::kMaximize:
        if (in.Chance(50)) {
          t->spec = specs.Make(s, {"/k"});
          *kind = Kind::kObject;
          t->properties["k"] = std::make_shared<SpecTree>();
          t->additional = Tree(depth - 1, &child_kind);
        } else {
          t->spec = specs.Make(s);
          *kind = Kind::kAny;
        }
        return t;
      case Strategy::kSet:
        t->spec = specs.Make(s, {""});  // array terms in natural order
        *kind = Kind::kSet;
        t->properties["add"] = std::make_shared<SpecTree>();
        t->properties["add"]->additional = Tree(depth - 1, &child_kind);
        return t;
      case Strategy::kAppend:
        t->spec = specs.Make(s);
        *kind = Kind::kArray;
        return t;
      default:
        t->spec = specs.Make(s);
        *kind = Kind::kAny;
        return t;
    }
  }

  Node Scalar() {
    switch (in.Next(5)) {
      case 0:
        return Node::Null();
      case 1:
        return Node::Bool(in.Chance(50));
      case 2:
        return Node::StringRef(in.Chance(50) ? "x" : "y");
      default:
        return Node::Int(static_cast<int64_t>(in.Next(9)) - 4);
    }
  }

  Node Doc(const SpecTree* t, Kind kind, int depth) {
    if (in.Chance(8))
      return Scalar();  // a type mismatch now and then
    switch (kind) {
      case Kind::kNumber:
        return Node::Int(static_cast<int64_t>(in.Next(9)) - 4);
      case Kind::kArray: {
        std::vector<Node> items;
        for (uint32_t n = in.Next(4); n > 0; --n)
          items.push_back(Child(t ? t->items.get() : nullptr, depth));
        return MakeArray(arena, items);
      }
      case Kind::kKeyedObject: {
        std::vector<Node> items;
        for (int k = 0; k < 5; ++k) {
          if (!in.Chance(40))
            continue;
          std::vector<Field> f{{"k", Node::Int(k)}};
          if (in.Chance(60))
            f.push_back({"v", Child(t && t->items ? t->items->additional.get() : nullptr, depth)});
          items.push_back(MakeObject(arena, f));
        }
        return MakeArray(arena, items);
      }
      case Kind::kObject: {
        std::vector<Field> f;
        if (in.Chance(70))
          f.push_back({"k", Node::Int(in.Next(3))});
        if (in.Chance(60))
          f.push_back({"a", Child(t ? Prop(t, "a") : nullptr, depth)});
        if (in.Chance(60))
          f.push_back({"b", Child(t ? t->additional.get() : nullptr, depth)});
        return MakeObject(arena, f);
      }
      case Kind::kSet: {
        bool objects = in.Chance(50);
        auto term = [&](bool values) -> Node {
          if (objects) {
            std::vector<Field> f;
            static const char* kMembers[] = {"1", "2", "3", "4"};
            for (const char* m : kMembers) {
              if (in.Chance(40))
                f.push_back({m, values ? Child(t ? Prop(Prop(t, "add"), "") : nullptr, depth)
                                       : Node::Int(0)});
            }
            return MakeObject(arena, f);
          }
          std::vector<Node> items;
          for (int k = 0; k < 4; ++k) {
            if (in.Chance(40))
              items.push_back(Node::Int(k));
          }
          return MakeArray(arena, items);
        };
        std::vector<Field> f;
        uint32_t shape = in.Next(5);
        if (shape != 3 && shape != 4)
          f.push_back({"add", term(true)});
        if (shape == 1 || shape == 3)
          f.push_back({"remove", term(false)});
        if (shape == 2 || shape == 4)
          f.push_back({"intersect", term(false)});
        return MakeObject(arena, f);
      }
      case Kind::kAny:
      default:
        return Scalar();
    }
  }

  static const SpecTree* Prop(const SpecTree* t, const char* name) {
    if (t == nullptr)
      return nullptr;
    auto it = t->properties.find(name);
    return it != t->properties.end() ? it->second.get() : t->additional.get();
  }

  Node Child(const SpecTree* t, int depth) {
    if (depth <= 0 || t == nullptr)
      return Scalar();
    // Children follow their subtree's kind as generated: re-derive it from the spec.
    Kind kind = Kind::kAny;
    if (t->spec != nullptr) {
      switch (t->spec->strategy) {
        case Strategy::kSum:
          kind = Kind::kNumber;
          break;
        case Strategy::kAppend:
          kind = Kind::kArray;
          break;
        case Strategy::kSet:
          kind = Kind::kSet;
          break;
        case Strategy::kMerge:
          kind = !t->spec->key.empty() ? Kind::kKeyedObject
                 : t->items            ? Kind::kArray
                                       : Kind::kObject;
          break;
        case Strategy::kMinimize:
        case Strategy::kMaximize:
          kind = t->spec->key.empty() ? Kind::kAny : Kind::kObject;
          break;
        default:
          break;
      }
    }
    return Doc(t, kind, depth - 1);
  }
};

std::string Outcome(const flow::Result<Node>& r) {
  FLOW_CHECK(r.ok() || r.status().code() != flow::Code::kInternal, "internal error: {}",
             r.status().ToString());
  return r.ok() ? flow::doc::ToJson(*r) : "error: " + std::string(r.status().message());
}

flow::Result<Node> R(const Node& lhs, const Node& rhs, const SpecTree* tree, Arena& arena) {
  Tape tape = BuildTape(rhs, tree);
  return flow::doc::reduce::Reduce(lhs, rhs, tape, arena, false);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  Specs specs;
  Arena arena;
  Gen g{in, specs, arena};
  Kind kind;
  std::shared_ptr<SpecTree> tree = g.Tree(3, &kind);
  Node a = g.Doc(tree.get(), kind, 3);
  Node b = g.Doc(tree.get(), kind, 3);
  Node c = g.Doc(tree.get(), kind, 3);
  std::string b_json = flow::doc::ToJson(b);

  auto ab = R(a, b, tree.get(), arena);
  std::string ab_out = Outcome(ab);
  FLOW_CHECK(Outcome(R(a, b, tree.get(), arena)) == ab_out, "reduce is not deterministic");

  if (ab.ok()) {
    Node owned = flow::doc::Clone(a, arena);
    Tape tape = BuildTape(b, tree.get());
    flow::doc::reduce::OwnedOptions opts;
    opts.copy_rhs = true;
    flow::Status s = flow::doc::reduce::ReduceOwned(&owned, b, tape, arena, opts);
    FLOW_CHECK(s.ok(), "in-place reduction failed where the pure one succeeded: {}", s.ToString());
    FLOW_CHECK(flow::doc::ToJson(owned) == ab_out, "in place {} != pure {}",
               flow::doc::ToJson(owned), ab_out);
    FLOW_CHECK(flow::doc::ToJson(b) == b_json, "the RHS was modified");
  }

  auto bc = R(b, c, tree.get(), arena);
  if (ab.ok() && bc.ok()) {
    auto left = R(*ab, c, tree.get(), arena);
    auto right = R(a, *bc, tree.get(), arena);
    std::string l = Outcome(left), r = Outcome(right);
    if (left.ok() && right.ok()) {
      FLOW_CHECK(l == r, "not associative: a={} b={} c={}: {} vs {}", flow::doc::ToJson(a), b_json,
                 flow::doc::ToJson(c), l, r);
    }
  }
  return 0;
}

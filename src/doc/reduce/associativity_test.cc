// SPDX-License-Identifier: Apache-2.0
// doc/reduce/associativity_test.cc: property tests: every strategy is associative,
// reduce(reduce(a, b), c) == reduce(a, reduce(b, c)), and a full reduction over a
// partial one equals a left fold of full reductions. Documents are random (seeded),
// annotations come from a SpecTree (a schema without conditionals), and a reduced
// right-hand side is re-annotated the way the validator would re-validate it.
#include <functional>
#include <memory>
#include <random>
#include <string>

#include <doctest/doctest.h>

#include "doc/json.h"
#include "doc/reduce/reduce.h"
#include "doc/reduce/testing.h"

namespace flow::doc::reduce {
namespace {

using testing::BuildTape;
using testing::SpecTree;

ReduceSpec Spec(Strategy s, std::vector<std::string> key = {}) {
  ReduceSpec r;
  r.strategy = s;
  for (const std::string& k : key)
    r.key.push_back(*Pointer::Parse(k));
  return r;
}

std::shared_ptr<SpecTree> Tree(const ReduceSpec* spec) {
  auto t = std::make_shared<SpecTree>();
  t->spec = spec;
  return t;
}

// The annotations and document generators of one strategy family.
struct Family {
  std::string name;
  std::shared_ptr<SpecTree> tree;
  std::function<Node(std::mt19937&, Arena&)> gen;
};

class Gen {
 public:
  explicit Gen(std::mt19937& rng, Arena& arena) : rng_(rng), arena_(arena) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int pct) { return Int(0, 99) < pct; }
  Node SmallInt() { return Node::Int(Int(-5, 5)); }
  Node Scalar() {
    switch (Int(0, 5)) {
      case 0:
        return Node::Null();
      case 1:
        return Node::Bool(Chance(50));
      case 2:
        return Node::Double(Int(-4, 4) / 2.0);
      case 3:
        return Node::String(arena_, std::string(1, static_cast<char>('a' + Int(0, 3))));
      default:
        return SmallInt();
    }
  }
  Node Any(int depth) {
    if (depth == 0 || Chance(60))
      return Scalar();
    std::vector<Node> items;
    int n = Int(0, 3);
    if (Chance(50)) {
      for (int i = 0; i < n; ++i)
        items.push_back(Any(depth - 1));
      return MakeArray(arena_, items);
    }
    std::vector<Field> fields;
    for (int i = 0; i < n; ++i)
      fields.push_back({Name(), Any(depth - 1)});
    return MakeObject(arena_, fields);
  }
  std::string_view Name() {
    static const char* kNames[] = {"a", "b", "c", "d"};
    return kNames[Int(0, 3)];
  }
  // Sorted, unique members by `key(i)`.
  template <typename F>
  Node SortedArray(int max_key, F make) {
    std::vector<Node> items;
    for (int k = 0; k <= max_key; ++k) {
      if (Chance(40))
        items.push_back(make(k));
    }
    return MakeArray(arena_, items);
  }
  Node Obj(std::vector<Field> fields) { return MakeObject(arena_, fields); }
  Arena& arena() { return arena_; }

 private:
  std::mt19937& rng_;
  Arena& arena_;
};

struct Specs {
  ReduceSpec lww = Spec(Strategy::kLastWriteWins);
  ReduceSpec fww = Spec(Strategy::kFirstWriteWins);
  ReduceSpec append = Spec(Strategy::kAppend);
  ReduceSpec merge = Spec(Strategy::kMerge);
  ReduceSpec merge_k = Spec(Strategy::kMerge, {"/k"});
  ReduceSpec merge_self = Spec(Strategy::kMerge, {""});
  ReduceSpec min = Spec(Strategy::kMinimize);
  ReduceSpec max = Spec(Strategy::kMaximize);
  ReduceSpec min_k = Spec(Strategy::kMinimize, {"/k"});
  ReduceSpec max_k = Spec(Strategy::kMaximize, {"/k"});
  ReduceSpec sum = Spec(Strategy::kSum);
  ReduceSpec set = Spec(Strategy::kSet);
  ReduceSpec set_0 = Spec(Strategy::kSet, {"/0"});
};

std::vector<Family> Families(const Specs& s) {
  std::vector<Family> out;
  auto scalar_family = [&](std::string name, const ReduceSpec* spec) {
    out.push_back(
        {name, Tree(spec), [](std::mt19937& rng, Arena& a) { return Gen(rng, a).Any(2); }});
  };
  scalar_family("lastWriteWins", &s.lww);
  scalar_family("firstWriteWins", &s.fww);
  scalar_family("minimize", &s.min);
  scalar_family("maximize", &s.max);

  out.push_back({"sum", Tree(&s.sum), [](std::mt19937& rng, Arena& a) {
                   Gen g(rng, a);
                   return g.Chance(5) ? g.Scalar() : g.SmallInt();
                 }});
  out.push_back({"append", Tree(&s.append), [](std::mt19937& rng, Arena& a) {
                   Gen g(rng, a);
                   if (g.Chance(10))
                     return Node::Null();
                   std::vector<Node> items;
                   for (int i = g.Int(0, 3); i > 0; --i)
                     items.push_back(g.Scalar());
                   return MakeArray(a, items);
                 }});
  {
    // merge objects, with nested per-property strategies.
    auto t = Tree(&s.merge);
    t->properties["sum"] = Tree(&s.sum);
    t->properties["max"] = Tree(&s.max);
    t->properties["fww"] = Tree(&s.fww);
    t->properties["app"] = Tree(&s.append);
    t->properties["obj"] = Tree(&s.merge);
    t->properties["obj"]->additional = Tree(&s.sum);
    out.push_back({"merge objects", t, [](std::mt19937& rng, Arena& a) {
                     Gen g(rng, a);
                     std::vector<Field> f;
                     if (g.Chance(60))
                       f.push_back({"sum", g.SmallInt()});
                     if (g.Chance(60))
                       f.push_back({"max", g.Scalar()});
                     if (g.Chance(60))
                       f.push_back({"fww", g.Any(1)});
                     if (g.Chance(50))
                       f.push_back({"lww", g.Any(2)});
                     if (g.Chance(50)) {
                       std::vector<Node> items;
                       for (int i = g.Int(0, 2); i > 0; --i)
                         items.push_back(g.Scalar());
                       f.push_back({"app", MakeArray(a, items)});
                     }
                     if (g.Chance(60)) {
                       std::vector<Field> inner;
                       for (int i = g.Int(0, 3); i > 0; --i)
                         inner.push_back({g.Name(), g.SmallInt()});
                       f.push_back({"obj", MakeObject(a, inner)});
                     }
                     return g.Obj(f);
                   }});
  }
  {
    auto t = Tree(&s.merge);
    t->items = Tree(&s.max);
    out.push_back({"merge arrays by index", t, [](std::mt19937& rng, Arena& a) {
                     Gen g(rng, a);
                     std::vector<Node> items;
                     for (int i = g.Int(0, 4); i > 0; --i)
                       items.push_back(g.Scalar());
                     return MakeArray(a, items);
                   }});
  }
  {
    auto t = Tree(&s.merge_k);
    t->items = Tree(&s.merge);
    t->items->properties["n"] = Tree(&s.sum);
    out.push_back({"merge arrays by key", t, [](std::mt19937& rng, Arena& a) {
                     Gen g(rng, a);
                     return g.SortedArray(6, [&](int k) {
                       std::vector<Field> f{{"k", Node::Int(k)}};
                       if (g.Chance(70))
                         f.push_back({"n", g.SmallInt()});
                       if (g.Chance(30))
                         f.push_back({"x", g.Scalar()});
                       return g.Obj(f);
                     });
                   }});
  }
  out.push_back({"merge scalars by self", Tree(&s.merge_self), [](std::mt19937& rng, Arena& a) {
                   Gen g(rng, a);
                   return g.SortedArray(8, [&](int k) { return Node::Int(k); });
                 }});
  for (const ReduceSpec* spec : {&s.min_k, &s.max_k}) {
    auto t = Tree(spec);
    t->properties["n"] = Tree(&s.sum);
    out.push_back({spec == &s.min_k ? "minimize by key" : "maximize by key", t,
                   [](std::mt19937& rng, Arena& a) {
                     Gen g(rng, a);
                     std::vector<Field> f;
                     if (g.Chance(85))
                       f.push_back({"k", g.Chance(15) ? Node::Null() : Node::Int(g.Int(0, 2))});
                     f.push_back({"n", g.SmallInt()});
                     if (g.Chance(40))
                       f.push_back({"x", g.Scalar()});
                     return g.Obj(f);
                   }});
  }
  {
    auto t = Tree(&s.set);
    t->properties["add"] = Tree(nullptr);
    t->properties["add"]->additional = Tree(&s.sum);
    out.push_back({"set, object form", t, [](std::mt19937& rng, Arena& a) {
                     Gen g(rng, a);
                     auto term = [&](bool counts) {
                       std::vector<Field> f;
                       static const char* kMembers[] = {"1", "2", "3", "4", "5"};
                       for (const char* m : kMembers) {
                         if (g.Chance(35))
                           f.push_back({m, counts ? Node::Int(g.Int(1, 3)) : Node::Int(0)});
                       }
                       return MakeObject(a, f);
                     };
                     std::vector<Field> f;
                     int shape = g.Int(0, 4);
                     if (shape != 3 && shape != 4)
                       f.push_back({"add", term(true)});
                     if (shape == 1 || shape == 3)
                       f.push_back({"remove", term(false)});
                     if (shape == 2 || shape == 4)
                       f.push_back({"intersect", term(false)});
                     return g.Obj(f);
                   }});
  }
  {
    auto t = Tree(&s.set_0);
    t->properties["add"] = Tree(nullptr);
    t->properties["add"]->items = Tree(&s.merge);
    t->properties["add"]->items->tuple = {Tree(nullptr), Tree(&s.sum)};
    out.push_back({"set, array form", t, [](std::mt19937& rng, Arena& a) {
                     Gen g(rng, a);
                     auto term = [&](bool counts) {
                       return g.SortedArray(5, [&](int k) {
                         std::vector<Node> tuple{Node::Int(k)};
                         if (counts)
                           tuple.push_back(Node::Int(g.Int(1, 3)));
                         return MakeArray(a, tuple);
                       });
                     };
                     std::vector<Field> f;
                     int shape = g.Int(0, 4);
                     if (shape != 3 && shape != 4)
                       f.push_back({"add", term(true)});
                     if (shape == 1 || shape == 3)
                       f.push_back({"remove", term(false)});
                     if (shape == 2 || shape == 4)
                       f.push_back({"intersect", term(false)});
                     return g.Obj(f);
                   }});
  }
  {
    // A merge root over every family above, as properties.
    auto t = Tree(&s.merge);
    std::vector<Family> members = out;
    for (const Family& m : members)
      t->properties[m.name] = m.tree;
    out.push_back({"everything under merge", t, [members](std::mt19937& rng, Arena& a) {
                     Gen g(rng, a);
                     std::vector<Field> f;
                     for (const Family& m : members) {
                       if (g.Chance(30))
                         f.push_back({a.CopyString(m.name), m.gen(rng, a)});
                     }
                     return g.Obj(f);
                   }});
  }
  return out;
}

Result<Node> R(const Node& lhs, const Node& rhs, const SpecTree* tree, Arena& arena, bool full) {
  Tape tape = BuildTape(rhs, tree);
  return Reduce(lhs, rhs, tape, arena, full);
}

TEST_CASE("reduce: every strategy is associative under partial reduction") {
  Specs specs;
  for (const Family& fam : Families(specs)) {
    SUBCASE(fam.name.c_str()) {
      std::mt19937 rng(20240611);
      Arena arena;
      int checked = 0;
      for (int trial = 0; trial < 600; ++trial) {
        Node a = fam.gen(rng, arena), b = fam.gen(rng, arena), c = fam.gen(rng, arena);
        auto ab = R(a, b, fam.tree.get(), arena, false);
        auto bc = R(b, c, fam.tree.get(), arena, false);
        if (!ab.ok() || !bc.ok())
          continue;
        auto left = R(*ab, c, fam.tree.get(), arena, false);
        auto right = R(a, *bc, fam.tree.get(), arena, false);
        if (!left.ok() || !right.ok()) {
          // Both groupings fail, or neither does.
          INFO("a=", ToJson(a), " b=", ToJson(b), " c=", ToJson(c));
          CHECK(left.ok() == right.ok());
          continue;
        }
        INFO("a=", ToJson(a), " b=", ToJson(b), " c=", ToJson(c));
        REQUIRE(ToJson(*left) == ToJson(*right));
        ++checked;
      }
      INFO(fam.name, ": ", checked, " associative triples");
      CHECK(checked >= 300);
    }
  }
}

TEST_CASE("reduce: a full reduction over partial ones equals a left fold of full reductions") {
  Specs specs;
  for (const Family& fam : Families(specs)) {
    // Not under a merge root: a property present only on the RHS is taken as is, so
    // a set that first appears there keeps its intersect/remove terms (Flow's rule),
    // and whether it does depends on the grouping.
    if (fam.name == "everything under merge")
      continue;
    SUBCASE(fam.name.c_str()) {
      std::mt19937 rng(7);
      Arena arena;
      int checked = 0;
      for (int trial = 0; trial < 400; ++trial) {
        Node a = fam.gen(rng, arena), b = fam.gen(rng, arena), c = fam.gen(rng, arena);
        auto ab = R(a, b, fam.tree.get(), arena, true);
        auto bc = R(b, c, fam.tree.get(), arena, false);
        if (!ab.ok() || !bc.ok())
          continue;
        auto folded = R(*ab, c, fam.tree.get(), arena, true);
        auto grouped = R(a, *bc, fam.tree.get(), arena, true);
        if (!folded.ok() || !grouped.ok())
          continue;
        INFO("a=", ToJson(a), " b=", ToJson(b), " c=", ToJson(c));
        REQUIRE(ToJson(*folded) == ToJson(*grouped));
        ++checked;
      }
      CHECK(checked >= 200);
    }
  }
}

TEST_CASE("reduce: in-place reduction of an owned document equals the pure reduction") {
  Specs specs;
  for (const Family& fam : Families(specs)) {
    SUBCASE(fam.name.c_str()) {
      std::mt19937 rng(99);
      Arena arena;
      for (int trial = 0; trial < 300; ++trial) {
        Node a = fam.gen(rng, arena);
        Node owned = Clone(a, arena);
        for (int step = 0; step < 4; ++step) {
          // A scratch arena per RHS, freed before the owned result is read: ASan
          // catches any reference into it.
          auto scratch = std::make_unique<Arena>();
          Node b = fam.gen(rng, *scratch);
          Tape tape = BuildTape(b, fam.tree.get());
          auto pure = Reduce(a, b, tape, arena, false);
          if (!pure.ok())
            break;
          std::string pure_json = ToJson(*pure);
          std::string b_json = ToJson(b);
          a = Clone(*pure, arena);
          OwnedOptions opts;
          opts.copy_rhs = true;
          REQUIRE(ReduceOwned(&owned, b, tape, arena, opts).ok());
          CHECK(ToJson(b) == b_json);  // the RHS is never modified
          scratch.reset();
          REQUIRE(ToJson(owned) == pure_json);
        }
      }
    }
  }
}

}  // namespace
}  // namespace flow::doc::reduce

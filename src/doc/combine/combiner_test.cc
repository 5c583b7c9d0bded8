// SPDX-License-Identifier: Apache-2.0
// doc/combine/combiner_test.cc: grouping, order, full vs partial, validation and
// reduction errors, and that spilling never changes the output.
#include "doc/combine/combiner.h"

#include <random>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "doc/reduce/testing.h"

namespace flow::doc::combine {
namespace {

using reduce::testing::BuildTape;
using reduce::testing::SpecTree;

ReduceSpec Spec_(Strategy s, std::vector<std::string> key = {}) {
  ReduceSpec r;
  r.strategy = s;
  for (const std::string& k : key)
    r.key.push_back(*Pointer::Parse(k));
  return r;
}

// Annotates with a SpecTree; rejects documents whose "k" is a string "invalid", and
// counts calls.
class TreeValidator : public DocValidator {
 public:
  TreeValidator(const SpecTree* tree, int* calls) : tree_(tree), calls_(calls) {}
  Status Validate(const Node& doc, Tape* tape) override {
    ++*calls_;
    const Node* k = doc.Find("k");
    if (k != nullptr && k->is_string() && k->as_string() == "invalid") {
      return Status::InvalidArgument("\"/k\": \"invalid\" is not of type \"integer\"");
    }
    *tape = BuildTape(doc, tree_);
    return Status::OK();
  }

 private:
  const SpecTree* tree_;
  int* calls_;
};

struct Fixture {
  ReduceSpec merge = Spec_(Strategy::kMerge);
  ReduceSpec merge_del = [] {
    ReduceSpec s = Spec_(Strategy::kMerge);
    s.delete_ = true;
    return s;
  }();
  ReduceSpec sum = Spec_(Strategy::kSum);
  ReduceSpec append = Spec_(Strategy::kAppend);
  ReduceSpec max = Spec_(Strategy::kMaximize);
  ReduceSpec set = Spec_(Strategy::kSet);
  std::shared_ptr<SpecTree> tree = std::make_shared<SpecTree>();
  int validations = 0;

  Fixture() {
    tree->spec = &merge;
    auto leaf = [](const ReduceSpec* s) {
      auto t = std::make_shared<SpecTree>();
      t->spec = s;
      return t;
    };
    tree->properties["n"] = leaf(&sum);
    tree->properties["app"] = leaf(&append);
    tree->properties["max"] = leaf(&max);
    tree->properties["obj"] = leaf(&merge);
    tree->properties["obj"]->additional = leaf(&sum);
    tree->properties["set"] = leaf(&set);
    tree->properties["set"]->properties["add"] = leaf(nullptr);
    tree->properties["set"]->properties["add"]->additional = leaf(&sum);
  }

  std::unique_ptr<Combiner> Make(bool full, size_t limit, const SpecTree* t = nullptr) {
    Spec spec;
    spec.key.push_back(*KeyExtractor::Parse("/k"));
    spec.name = "schema test.json";
    spec.full = full;
    spec.memory_limit = limit;
    spec.ordinal_label = "line";
    return std::make_unique<Combiner>(
        std::move(spec), std::make_unique<TreeValidator>(t ? t : tree.get(), &validations));
  }
};

std::vector<std::string> Drain(Combiner& c, bool keep_deleted = true) {
  std::vector<std::string> out;
  Status s = c.Drain([&](const DrainedDoc& d) {
    if (d.deleted && !keep_deleted)
      return Status::OK();
    out.push_back(ToJson(d.doc) + (d.deleted ? " (deleted)" : ""));
    return Status::OK();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

Status AddAll(Combiner& c, const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size(); ++i)
    FLOW_TRY(c.AddJson(lines[i], i + 1));
  return c.Flush();
}

TEST_CASE("combine: groups by key, reduces in arrival order, drains in key order") {
  Fixture f;
  auto c = f.Make(true, 1 << 30);
  REQUIRE(AddAll(*c,
                 {
                     R"({"k": 3, "n": 1, "app": ["a"]})",
                     R"({"k": 1, "n": 5})",
                     R"({"k": 3, "n": 2, "app": ["b"]})",
                     R"({"k": "x"})",
                     R"({"k": -2, "n": 0})",
                     R"({"k": 3, "app": ["c"], "max": 7})",
                     R"({"n": 9})",
                 })
              .ok());
  // Keys order null (missing) < numbers < strings.
  CHECK(Drain(*c) == std::vector<std::string>{
                         R"({"n":9})",
                         R"({"k":-2,"n":0})",
                         R"({"k":1,"n":5})",
                         R"({"app":["a","b","c"],"k":3,"max":7,"n":3})",
                         R"({"k":"x"})",
                     });
  CHECK(c->stats().docs == 7);
  CHECK(c->stats().keys == 5);
  // Two RHS validations (k=3) plus one per drained document.
  CHECK(f.validations == 2 + 5);
}

TEST_CASE("combine: full reduction prunes set terms, a single document passes through") {
  Fixture f;
  std::vector<std::string> lines = {
      R"({"k": 1, "set": {"add": {"a": 1}, "remove": {"z": 0}}})",
      R"({"k": 1, "set": {"add": {"a": 2, "b": 1}, "remove": {"y": 0}}})",
      R"({"k": 2, "set": {"add": {"a": 1}, "remove": {"z": 0}}})",
  };
  auto full = f.Make(true, 1 << 30);
  REQUIRE(AddAll(*full, lines).ok());
  CHECK(Drain(*full) == std::vector<std::string>{
                            R"({"k":1,"set":{"add":{"a":3,"b":1}}})",
                            R"({"k":2,"set":{"add":{"a":1},"remove":{"z":0}}})",
                        });
  auto partial = f.Make(false, 1 << 30);
  REQUIRE(AddAll(*partial, lines).ok());
  CHECK(Drain(*partial) == std::vector<std::string>{
                               R"({"k":1,"set":{"add":{"a":3,"b":1},"remove":{"y":0,"z":0}}})",
                               R"({"k":2,"set":{"add":{"a":1},"remove":{"z":0}}})",
                           });
}

TEST_CASE("combine: a reduction error fails the combine, naming the line and key") {
  Fixture f;
  auto c = f.Make(true, 1 << 30);
  Status s = AddAll(*c, {R"({"k": 1, "n": 1})", R"({"k": 2, "n": 1})", R"({"k": 1, "n": "x"})"});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() ==
        "line 3: failed to combine documents having shared key [1]: having values LHS: 1, RHS: "
        "\"x\": while reducing \"/n\": 'sum' strategy expects numbers");
}

TEST_CASE("combine: validation errors name the document") {
  Fixture f;
  SUBCASE("a right-hand document is validated before it is reduced") {
    auto c = f.Make(true, 1 << 30);
    Status s = AddAll(*c, {R"({"k": "invalid", "n": 1})", R"({"k": "invalid", "n": 2})"});
    REQUIRE_FALSE(s.ok());
    CHECK(s.message() ==
          "line 2: document failed validation against schema test.json (key [\"invalid\"]): "
          "\"/k\": \"invalid\" is not of type \"integer\": {\"k\":\"invalid\",\"n\":2}");
  }
  SUBCASE("a document that was never reduced is validated on drain") {
    auto c = f.Make(true, 1 << 30);
    REQUIRE(AddAll(*c, {R"({"k": 1})", R"({"k": "invalid", "n": 1})"}).ok());
    Status s = c->Drain([](const DrainedDoc&) { return Status::OK(); });
    REQUIRE_FALSE(s.ok());
    CHECK(s.message() ==
          "line 2: document failed validation against schema test.json (key [\"invalid\"]): "
          "\"/k\": \"invalid\" is not of type \"integer\": {\"k\":\"invalid\",\"n\":1}");
  }
  SUBCASE("bad JSON names the line") {
    auto c = f.Make(true, 1 << 30);
    Status s = AddAll(*c, {R"({"k": 1})", R"({"k": )"});
    REQUIRE_FALSE(s.ok());
    CHECK(std::string(s.message()).rfind("line 2: invalid JSON", 0) == 0);
  }
}

TEST_CASE("combine: deletions are flagged by the last document applied") {
  Fixture f;
  auto del = std::make_shared<SpecTree>(*f.tree);
  del->spec = &f.merge_del;
  // A tree whose root is `merge, delete: true` for documents with "d", else `merge`:
  // stands in for the `if _meta/op == "d"` conditional.
  class DelValidator : public DocValidator {
   public:
    DelValidator(const SpecTree* plain, const SpecTree* del) : plain_(plain), del_(del) {}
    Status Validate(const Node& doc, Tape* tape) override {
      *tape = BuildTape(doc, doc.Find("d") ? del_ : plain_);
      return Status::OK();
    }
    const SpecTree *plain_, *del_;
  };
  for (size_t limit : {size_t{1} << 30, size_t{1}}) {
    Spec spec;
    spec.key.push_back(*KeyExtractor::Parse("/k"));
    spec.memory_limit = limit;
    Combiner c(std::move(spec), std::make_unique<DelValidator>(f.tree.get(), del.get()));
    REQUIRE(AddAll(c,
                   {
                       R"({"k": 1, "n": 1})",
                       R"({"k": 1, "d": true})",  // deleted
                       R"({"k": 2, "n": 1})", R"({"k": 2, "d": true})",
                       R"({"k": 2, "n": 5})",     // re-inserted after the delete
                       R"({"k": 3, "d": true})",  // a lone deletion
                   })
                .ok());
    CHECK(Drain(c) == std::vector<std::string>{
                          R"({"d":true,"k":1,"n":1} (deleted))",
                          R"({"d":true,"k":2,"n":6})",
                          R"({"d":true,"k":3} (deleted))",
                      });
  }
}

// Documents with integer sums, appends, maxima, nested merges and sets that are present in
// every document, over `keys` keys: reductions of these are exactly associative, so any
// grouping of them gives the same bytes.
std::vector<std::string> RandomDocs(int n, int keys, uint32_t seed) {
  std::mt19937 rng(seed);
  auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string d = fmt::format(R"({{"k": {}, "n": {})", r(0, keys - 1), r(-3, 9));
    if (r(0, 1))
      d += fmt::format(R"(, "app": [{}, "s{}"])", r(0, 99), r(0, 9));
    if (r(0, 1))
      d += fmt::format(R"(, "max": "{}")", std::string(r(1, 30), 'a' + r(0, 5)));
    if (r(0, 2))
      d += fmt::format(R"(, "obj": {{"p{}": {}, "q": 1}})", r(0, 4), r(0, 5));
    if (r(0, 3))
      d += fmt::format(R"(, "x{}": {})", r(0, 3), r(0, 1) ? "null" : "[1, {\"y\": 2}]");
    std::string set_terms = fmt::format(R"("add": {{"m{}": 1, "m{}": 2}})", r(0, 6), r(7, 9));
    if (r(0, 3) == 0)
      set_terms += fmt::format(R"(, "remove": {{"m{}": 0}})", r(0, 9));
    if (r(0, 5) == 0)
      set_terms = fmt::format(R"("intersect": {{"m{}": 0, "m{}": 0}})", r(0, 4), r(5, 9));
    d += ", \"set\": {" + set_terms + "}}";
    out.push_back(d);
  }
  return out;
}

std::vector<std::string> Combined(Fixture& f, bool full, size_t limit,
                                  const std::vector<std::string>& docs, uint64_t* spills) {
  auto c = f.Make(full, limit);
  Status s = AddAll(*c, docs);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  auto out = Drain(*c);
  *spills = c->stats().spills;
  return out;
}

TEST_CASE("combine: spilling never changes the output") {
  Fixture f;
  for (bool full : {true, false}) {
    for (uint32_t seed : {1u, 2u, 3u}) {
      INFO("full=", full, " seed=", seed);
      std::vector<std::string> docs = RandomDocs(3000, seed == 3 ? 7 : 400, seed);
      uint64_t big_spills, small_spills;
      auto big = Combined(f, full, size_t{1} << 30, docs, &big_spills);
      auto small = Combined(f, full, 256 << 10, docs, &small_spills);
      CHECK(big_spills == 0);
      CHECK(small_spills >= 2);
      REQUIRE(big == small);
      CHECK(big.size() == (seed == 3 ? 7u : 400u));
      if (seed == 1) {
        // A run per document: every key's documents meet only at drain.
        docs.resize(600);
        uint64_t tiny_spills;
        auto tiny = Combined(f, full, 1, docs, &tiny_spills);
        CHECK(tiny_spills == docs.size());
        REQUIRE(tiny == Combined(f, full, size_t{1} << 30, docs, &big_spills));
      }
    }
  }
}

TEST_CASE("combine: memory accounting follows the arena and bounds it") {
  Fixture f;
  auto c = f.Make(true, 1 << 20);
  std::vector<std::string> docs = RandomDocs(8000, 8000, 9);
  for (size_t i = 0; i < docs.size(); ++i) {
    REQUIRE(c->AddJson(docs[i], i + 1).ok());
    CHECK(c->MemoryUsed() <= (1 << 20));
  }
  CHECK(c->stats().spills >= 2);
  CHECK(c->stats().peak_memory > (1 << 20));  // the add that crossed the bound
  std::set<std::string> keys;
  for (const std::string& d : docs)
    keys.insert(d.substr(0, d.find(',')));
  CHECK(Drain(*c).size() == keys.size());
}

}  // namespace
}  // namespace flow::doc::combine

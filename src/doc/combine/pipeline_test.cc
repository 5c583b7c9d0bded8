// SPDX-License-Identifier: Apache-2.0
// doc/combine/pipeline_test.cc: the threaded parse/validate pipeline gives exactly the
// results and errors of adding the lines to the Combiner directly.
#include "doc/combine/pipeline.h"

#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "doc/reduce/testing.h"

namespace flow::doc::combine {
namespace {

using reduce::testing::BuildTape;
using reduce::testing::SpecTree;

// merge at the root, `n` summed; documents with "bad" are invalid.
class Validator : public DocValidator {
 public:
  explicit Validator(const SpecTree* t) : t_(t) {}
  Status Validate(const Node& doc, Tape* tape) override {
    if (doc.Find("bad") != nullptr)
      return Status::InvalidArgument("\"/bad\": not allowed");
    *tape = BuildTape(doc, t_);
    return Status::OK();
  }
  const SpecTree* t_;
};

struct Setup {
  ReduceSpec merge, sum, lww;
  std::shared_ptr<SpecTree> tree = std::make_shared<SpecTree>();
  Setup() {
    merge.strategy = Strategy::kMerge;
    sum.strategy = Strategy::kSum;
    lww.strategy = Strategy::kLastWriteWins;
    tree->spec = &merge;
    tree->properties["n"] = std::make_shared<SpecTree>();
    tree->properties["n"]->spec = &sum;
  }
  std::unique_ptr<Combiner> Make(size_t limit) {
    Spec spec;
    spec.key.push_back(*KeyExtractor::Parse("/k"));
    spec.memory_limit = limit;
    spec.ordinal_label = "line";
    return std::make_unique<Combiner>(std::move(spec), std::make_unique<Validator>(tree.get()));
  }
};

Result<std::string> Run(Setup& s, const std::vector<std::string>& lines, bool piped, size_t limit) {
  auto c = s.Make(limit);
  if (piped) {
    Pipeline pipe(c.get(), std::make_unique<Validator>(s.tree.get()));
    for (size_t i = 0; i < lines.size(); ++i)
      FLOW_TRY(pipe.Add(lines[i], i + 1));
    FLOW_TRY(pipe.Finish());
  } else {
    for (size_t i = 0; i < lines.size(); ++i)
      FLOW_TRY(c->AddJson(lines[i], i + 1));
  }
  std::string out;
  FLOW_TRY(c->Drain([&](const DrainedDoc& d) {
    out += ToJson(d.doc) + "\n";
    return Status::OK();
  }));
  return out;
}

TEST_CASE("pipeline: same output as adding directly, with and without spills") {
  Setup s;
  std::mt19937 rng(3);
  std::vector<std::string> lines;
  for (int i = 0; i < 20000; ++i) {
    lines.push_back(
        fmt::format(R"({{"k": {}, "n": {}, "v{}": "x"}})", rng() % 3000, rng() % 10, rng() % 4));
  }
  for (size_t limit : {size_t{1} << 30, size_t{512} << 10}) {
    auto direct = Run(s, lines, false, limit);
    auto piped = Run(s, lines, true, limit);
    REQUIRE(direct.ok());
    REQUIRE(piped.ok());
    CHECK(*direct == *piped);
  }
}

TEST_CASE("pipeline: errors are the combiner's, in input order") {
  Setup s;
  std::vector<std::string> lines;
  for (int i = 0; i < 5000; ++i)
    lines.push_back(fmt::format(R"({{"k": {}, "n": 1}})", i));
  // An invalid first document of a key is only checked when drained, and the invalid
  // right-hand document at line 4001 fails first.
  lines[2999] = R"({"k": 100000, "bad": true})";
  lines[4000] = R"({"k": 7, "bad": true})";
  auto direct = Run(s, lines, false, 1 << 30);
  auto piped = Run(s, lines, true, 1 << 30);
  REQUIRE_FALSE(direct.ok());
  REQUIRE_FALSE(piped.ok());
  CHECK(direct.status().message() == piped.status().message());
  CHECK(std::string(piped.status().message()).rfind("line 4001: document failed validation", 0) ==
        0);

  lines[4000] = R"({"k": 7, "n": )";
  piped = Run(s, lines, true, 1 << 30);
  REQUIRE_FALSE(piped.ok());
  CHECK(std::string(piped.status().message()).rfind("line 4001: invalid JSON", 0) == 0);
}

}  // namespace
}  // namespace flow::doc::combine

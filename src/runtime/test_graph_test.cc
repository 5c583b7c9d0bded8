// SPDX-License-Identifier: Apache-2.0
// runtime/test_graph_test.cc: scheduling of test steps: cascades, delays, verify gating, cycles.
#include "runtime/test_graph.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

namespace flow::runtime {
namespace {

// A fake driver over a toy data flow: each derivation copies every document of its
// sources into its output collection (one journal per collection), and logs actions.
class FakeDriver : public TestDriver {
 public:
  struct Derivation {
    struct Source {
      std::string collection, transform;
      TestTime delay;
    };
    std::vector<Source> reads;
    std::string output;
    bool self_limiting = false;  // re-publishes only half of its own documents
  };

  std::map<std::string, std::vector<TestTime>> docs;  // journal -> write time of each doc
  std::map<std::string, Derivation> derivations;
  std::map<std::string, Clock> read_clocks;
  std::vector<std::pair<std::string, std::string>> steps;  // (kind, collection)
  std::vector<std::string> log;
  TestTime time = 0;

  static std::string J(const std::string& c) { return c + "/pivot=00"; }

  Status Read(const PendingRead& read, Clock* read_clock, Clock* write_clock) override {
    Derivation& d = derivations[read.task];
    Clock& rc = read_clocks[read.task];
    uint64_t produced = 0;
    for (auto& src : d.reads) {
      std::string key = J(src.collection) + ";" + src.transform;
      const auto& written = docs[J(src.collection)];
      // A document is readable once its write time plus the read delay has passed.
      uint64_t have = rc.Get(key);
      while (have < written.size() && written[have] + src.delay <= time)
        ++have;
      uint64_t n = have - rc.Get(key);
      // A self-limiting derivation re-publishes half of what it reads of itself.
      produced += (d.self_limiting && src.collection == d.output) ? n / 2 : n;
      rc.Set(key, have);
    }
    for (uint64_t i = 0; i < produced; ++i)
      docs[J(d.output)].push_back(time);
    log.push_back(fmt::format("t={} read {} +{}", time, read.task, produced));
    *read_clock = rc;
    write_clock->Set(J(d.output), docs[J(d.output)].size());
    return Status::OK();
  }
  Status Ingest(size_t step, Clock* write_clock) override {
    const std::string& c = steps[step].second;
    docs[J(c)].push_back(time);
    log.push_back(fmt::format("t={} ingest {}", time, c));
    write_clock->Set(J(c), docs[J(c)].size());
    return Status::OK();
  }
  Status Verify(size_t step, const Clock& from, const Clock& to) override {
    const std::string& c = steps[step].second;
    log.push_back(fmt::format("t={} verify {} {}", time, c, to.Get(J(c)) - from.Get(J(c))));
    return Status::OK();
  }
  Status Advance(TestTime delta) override {
    time += delta;
    log.push_back(fmt::format("advance {}", delta));
    return Status::OK();
  }
};

struct Fixture {
  TestGraph graph;
  FakeDriver driver;

  void Derive(const std::string& task, std::vector<std::pair<std::string, TestTime>> sources,
              const std::string& output, bool self_limiting = false) {
    graph.AddTask(task, {output});
    FakeDriver::Derivation d;
    d.output = output;
    d.self_limiting = self_limiting;
    int i = 0;
    for (auto& [coll, delay] : sources) {
      std::string t = fmt::format("t{}", i++);
      graph.AddRead(coll, TaskRead{task, t, delay});
      d.reads.push_back({coll, t, delay});
    }
    driver.derivations[task] = d;
  }

  Status Run(std::vector<std::pair<std::string, std::string>> steps) {
    driver.steps = steps;
    std::vector<TestStepRef> refs;
    for (auto& [kind, c] : steps)
      refs.push_back(TestStepRef{kind == "ingest", c});
    size_t failed = 0;
    return RunTestCase(graph, driver, refs, &failed);
  }
};

TEST_CASE("test graph: ingest cascades through a multi-hop chain before the next step") {
  Fixture f;
  f.Derive("B", {{"A", 0}}, "B");
  f.Derive("C", {{"B", 0}}, "C");
  REQUIRE(f.Run({{"ingest", "A"}, {"verify", "C"}, {"ingest", "A"}, {"verify", "C"}}).ok());
  CHECK(f.driver.log == std::vector<std::string>{"t=0 ingest A", "t=0 read B +1", "t=0 read C +1",
                                                 "t=0 verify C 1", "t=0 ingest A", "t=0 read B +1",
                                                 "t=0 read C +1", "t=0 verify C 2"});
}

TEST_CASE("test graph: a verify of an unrelated collection does not wait for delayed reads") {
  Fixture f;
  f.Derive("B", {{"A", 3600}}, "B");
  REQUIRE(f.Run({{"ingest", "A"}, {"verify", "A"}, {"verify", "B"}}).ok());
  CHECK(f.driver.log == std::vector<std::string>{"t=0 ingest A", "t=0 verify A 1", "advance 3600",
                                                 "t=3600 read B +1", "t=3600 verify B 1"});
  CHECK(f.graph.now() == 3600);
}

TEST_CASE("test graph: delayed reads are drained at the end of a case and time persists") {
  Fixture f;
  f.Derive("B", {{"A", 7200}}, "B");
  REQUIRE(f.Run({{"ingest", "A"}}).ok());
  CHECK(f.driver.log ==
        std::vector<std::string>{"t=0 ingest A", "advance 7200", "t=7200 read B +1"});
  CHECK(f.graph.pending().empty());
  f.driver.log.clear();
  REQUIRE(f.Run({{"ingest", "A"}, {"verify", "B"}}).ok());
  CHECK(f.driver.log == std::vector<std::string>{"t=7200 ingest A", "advance 7200",
                                                 "t=14400 read B +1", "t=14400 verify B 1"});
}

TEST_CASE("test graph: an immediate and a delayed transform of the same task") {
  Fixture f;
  f.Derive("B", {{"A", 0}, {"R", 7200}}, "B");
  REQUIRE(f.Run({{"ingest", "R"}, {"ingest", "A"}, {"verify", "B"}}).ok());
  // The ingest of R schedules B at t=7200; the ingest of A schedules it at t=0. The
  // verify of B must wait for the delayed one as well.
  CHECK(f.driver.log == std::vector<std::string>{"t=0 ingest R", "t=0 ingest A", "t=0 read B +1",
                                                 "advance 7200", "t=7200 read B +1",
                                                 "t=7200 verify B 2"});
}

TEST_CASE("test graph: a self-reading derivation terminates once it reads its own writes") {
  Fixture f;
  f.Derive("S", {{"A", 0}, {"S", 0}}, "S", /*self_limiting=*/true);
  REQUIRE(f.Run({{"ingest", "A"}, {"ingest", "A"}, {"verify", "S"}}).ok());
  CHECK(f.graph.pending().empty());
  // Each ingest: S copies the new document, then reads its own write and re-publishes
  // nothing, which leaves its write clock unchanged and ends the cascade.
  CHECK(f.driver.log == std::vector<std::string>{"t=0 ingest A", "t=0 read S +1", "t=0 read S +0",
                                                 "t=0 ingest A", "t=0 read S +1", "t=0 read S +0",
                                                 "t=0 verify S 2"});
}

TEST_CASE("test graph: verify gating follows transitive writers only") {
  TestGraph g;
  g.AddTask("B", {"B"});
  g.AddTask("C", {"C"});
  g.AddRead("A", TaskRead{"B", "x", 0});
  g.AddRead("B", TaskRead{"C", "y", 0});
  Clock w;
  w.Set("A/pivot=00", 1);
  g.CompletedIngest("A", w);
  CHECK(g.HasPendingWrite("B"));
  CHECK(g.HasPendingWrite("C"));
  CHECK_FALSE(g.HasPendingWrite("A"));
  CHECK_FALSE(g.HasPendingWrite("D"));
}

TEST_CASE("test graph: journals of a nested collection name are not the parent's") {
  TestGraph g;
  g.AddTask("D", {"out"});
  g.AddRead("acme/nest", TaskRead{"D", "t", 0});
  Clock w;
  w.Set("acme/nest/inner/pivot=00", 3);
  g.CompletedIngest("acme/nest", w);
  TestTime next = 0;
  CHECK(g.PopReady(&next).empty());
  Clock w2;
  w2.Set("acme/nest/region=eu/pivot=00", 1);
  g.CompletedIngest("acme/nest", w2);
  auto ready = g.PopReady(&next);
  REQUIRE(ready.size() == 1);
  CHECK(ready[0].read_through.Get("acme/nest/region=eu/pivot=00;t") == 1);
}

TEST_CASE("test graph: advancing past a pending read is an internal error") {
  TestGraph g;
  g.AddTask("B", {"B"});
  g.AddRead("A", TaskRead{"B", "x", 10});
  Clock w;
  w.Set("A/pivot=00", 1);
  g.CompletedIngest("A", w);
  CHECK(g.Advance(5).ok());
  CHECK(g.Advance(10).Is(Code::kInternal));
}

TEST_CASE("test clock: reduce max and contains") {
  Clock a, b;
  a.Set("x", 3);
  b.Set("x", 5);
  b.Set("y", 1);
  CHECK_FALSE(a.Contains(b));
  a.ReduceMax(b);
  CHECK(a.Get("x") == 5);
  CHECK(a.Contains(b));
  CHECK(b.Contains(Clock()));
}

}  // namespace
}  // namespace flow::runtime

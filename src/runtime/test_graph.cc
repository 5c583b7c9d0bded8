// SPDX-License-Identifier: Apache-2.0
// runtime/test_graph.cc: pending-read projection and the per-case step loop.
#include "runtime/test_graph.h"

#include <deque>

#include "base/check.h"

namespace flow::runtime {
namespace {

// Journals of a collection are "<collection>/<field>=<value>/.../pivot=..": the segment
// after the name has an '=', so "a/nest/inner/pivot=00" is not a journal of "a/nest".
bool IsJournalOf(std::string_view journal, std::string_view collection) {
  if (journal.size() <= collection.size() + 1 ||
      journal.substr(0, collection.size()) != collection || journal[collection.size()] != '/') {
    return false;
  }
  std::string_view rest = journal.substr(collection.size() + 1);
  std::string_view segment = rest.substr(0, rest.find('/'));
  return segment.find('=') != std::string_view::npos;
}

}  // namespace

void TestGraph::AddTask(const std::string& task, std::vector<std::string> outputs) {
  auto& out = outputs_[task];
  for (auto& o : outputs)
    out.push_back(std::move(o));
  read_through_.try_emplace(task);
}

void TestGraph::AddRead(const std::string& collection, TaskRead read) {
  read_through_.try_emplace(read.task);
  readers_[collection].push_back(std::move(read));
}

bool TestGraph::HasPendingWrite(const std::string& collection) const {
  std::deque<std::string> fifo;
  std::set<std::string> visited;
  for (const PendingRead& p : pending_) {
    if (visited.insert(p.task).second)
      fifo.push_back(p.task);
  }
  while (!fifo.empty()) {
    std::string task = std::move(fifo.front());
    fifo.pop_front();
    auto outs = outputs_.find(task);
    if (outs == outputs_.end())
      continue;
    for (const std::string& output : outs->second) {
      if (output == collection)
        return true;
      auto rs = readers_.find(output);
      if (rs == readers_.end())
        continue;
      for (const TaskRead& r : rs->second) {
        if (visited.insert(r.task).second)
          fifo.push_back(r.task);
      }
    }
  }
  return false;
}

std::vector<PendingRead> TestGraph::PopReady(TestTime* next_ready) {
  std::vector<PendingRead> ready;
  *next_ready = -1;
  size_t w = 0;
  for (size_t r = 0; r < pending_.size(); ++r) {
    TestTime delta = pending_[r].ready_at - at_time_;
    if (*next_ready == -1 || delta < *next_ready)
      *next_ready = delta;
    if (delta == 0) {
      ready.push_back(std::move(pending_[r]));
    } else {
      if (w != r)
        pending_[w] = std::move(pending_[r]);
      ++w;
    }
  }
  pending_.resize(w);
  return ready;
}

void TestGraph::CompletedIngest(const std::string& collection, const Clock& write) {
  write_clock_.ReduceMax(write);
  ProjectWrite(collection, write);
}

void TestGraph::CompletedRead(const std::string& task, const Clock& read, const Clock& write) {
  write_clock_.ReduceMax(write);
  read_through_[task] = read;
  auto outs = outputs_.find(task);
  if (outs == outputs_.end())
    return;
  for (const std::string& output : outs->second)
    ProjectWrite(output, write);
}

void TestGraph::ProjectWrite(const std::string& collection, const Clock& write) {
  auto rs = readers_.find(collection);
  if (rs == readers_.end())
    return;
  for (const TaskRead& r : rs->second) {
    // The write, as journals of this transform's read.
    Clock clock;
    for (const auto& [journal, offset] : write.offsets()) {
      if (!IsJournalOf(journal, collection))
        continue;
      clock.Set(journal + ";" + r.transform, offset);
    }
    if (read_through_[r.task].Contains(clock))
      continue;

    PendingRead add{at_time_ + r.delay, r.task, std::move(clock)};
    bool found = false;
    for (PendingRead& p : pending_) {
      if (p.task == add.task && p.ready_at == add.ready_at) {
        p.read_through.ReduceMax(add.read_through);
        found = true;
      }
    }
    if (!found)
      pending_.push_back(std::move(add));
  }
}

Status TestGraph::Advance(TestTime delta) {
  at_time_ += delta;
  for (const PendingRead& p : pending_) {
    if (p.ready_at < at_time_) {
      return Status::Internal("test time advanced beyond a pending read of {}", p.task);
    }
  }
  return Status::OK();
}

Status RunTestCase(TestGraph& graph, TestDriver& driver, const std::vector<TestStepRef>& steps,
                   size_t* failed_step) {
  const Clock initial = graph.write_clock();
  size_t step = 0;
  *failed_step = 0;
  while (true) {
    TestTime next_ready = -1;
    std::vector<PendingRead> ready = graph.PopReady(&next_ready);
    for (const PendingRead& r : ready) {
      Clock read, write;
      FLOW_TRY(driver.Read(r, &read, &write));
      graph.CompletedRead(r.task, read, write);
    }
    if (!ready.empty())
      continue;

    if (step < steps.size())
      *failed_step = step;
    if (step < steps.size() && steps[step].is_ingest) {
      Clock write;
      FLOW_TRY(driver.Ingest(step, &write));
      graph.CompletedIngest(steps[step].collection, write);
      ++step;
      continue;
    }
    if (step < steps.size() && !graph.HasPendingWrite(steps[step].collection)) {
      FLOW_TRY(driver.Verify(step, initial, graph.write_clock()));
      ++step;
      continue;
    }
    if (next_ready != -1) {
      FLOW_TRY(driver.Advance(next_ready));
      FLOW_TRY(graph.Advance(next_ready));
      continue;
    }
    FLOW_CHECK(step == steps.size(), "test steps remain with nothing pending");
    return Status::OK();
  }
}

}  // namespace flow::runtime

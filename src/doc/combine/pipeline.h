// SPDX-License-Identifier: Apache-2.0
// doc/combine/pipeline.h: feeds JSON lines to a Combiner through a worker thread that
// parses, keys and validates them, so that work overlaps the combining.
//
//   Pipeline pipe(&combiner, NewSchemaValidator(schema));
//   for (each line) FLOW_TRY(pipe.Add(line, line_number));
//   FLOW_TRY(pipe.Finish());
//   FLOW_TRY(combiner.Drain(...));
//
// Lines are copied into batches; the worker prepares a batch (PreparedDoc) while the
// calling thread combines the previous one, in order. The worker validates every
// document with its own validator of the combiner's schema; the combiner uses an
// outcome only for documents it reduces as right-hand sides, so results and errors are
// exactly those of Combiner::AddJson(). A few batches are in flight at most, which
// bounds the memory outside the combiner. Add() and Finish() are for one thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "doc/combine/combiner.h"
#include "doc/combine/validate.h"

namespace flow::doc::combine {

class Pipeline {
 public:
  Pipeline(Combiner* combiner, std::unique_ptr<DocValidator> validator);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  /// Queues a line (copied). Returns the first error of the documents combined so far.
  Status Add(std::string_view line, uint64_t ordinal);
  /// Combines everything queued, then stops the worker. Returns the first error.
  Status Finish();

 private:
  struct Batch;
  void Work();
  void Prepare(Batch& b);
  Status Send();
  Status CombineOne(bool wait);

  Combiner* combiner_;
  std::unique_ptr<DocValidator> validator_;  // used by the worker only
  std::unique_ptr<Batch> filling_;
  std::vector<std::unique_ptr<Batch>> free_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Batch>> todo_;  // to prepare
  std::deque<std::unique_ptr<Batch>> done_;  // prepared, in order
  size_t in_flight_ = 0;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace flow::doc::combine

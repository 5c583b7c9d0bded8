// SPDX-License-Identifier: Apache-2.0
// runtime/testing/test_runner.h: `flowctl test`: runs a catalog's tests in process.
//
// Each collection is an in-memory set of journals (one per logical partition, named as
// in storage/partition.h) whose offsets count documents. Ingest steps combine their
// documents by key (partial reduction under the write schema) and publish them in key
// order; SQLite derivations run as one shard each, reading their sources as scheduled
// by runtime/test_graph.h (synthetic time, read delays, priorities); verify steps fully
// reduce the documents their case wrote under the read schema, mask UUIDs and superset-
// match them against the expected documents. Derivation state is reset after every case.
// Single-threaded.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"

namespace flow::runtime::testing {

struct TestOutcome {
  enum class Kind { kPassed, kFailed, kNotRun };
  std::string name;
  Kind kind = Kind::kPassed;
  std::string where;   ///< failed: "<path>#<pointer>" of the step
  std::string error;   ///< failed: the error text
  std::string reason;  ///< not run: why
};

struct TestOptions {
  /// If set, each verify's actual documents are written to
  /// DIR/<test name>/verify-<step index>.json as a pretty JSON array.
  std::string snapshot_dir;
  /// Called as each test finishes (for streaming output).
  std::function<void(const TestOutcome&)> on_outcome;
};

/// Runs every test of `catalog`, which must have no errors. Returns the outcomes in run
/// order; a Status error means the run itself could not proceed (e.g. a derivation's
/// database could not be opened).
Result<std::vector<TestOutcome>> RunTests(const catalog::Catalog& catalog,
                                          const TestOptions& options);

}  // namespace flow::runtime::testing

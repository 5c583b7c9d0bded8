// SPDX-License-Identifier: Apache-2.0
// doc/annotation.h: the `reduce` annotation and the per-node tape the validator emits.
//
// Validation of a document yields a Tape: one entry per node in pre-order (the node,
// then its children in order), holding the `reduce` annotation that applied to the
// node (nullptr means none, i.e. lastWriteWins) and the node's tape length (1 plus
// its descendants), so a reducer can skip a child's subtree in O(1).
// ReduceSpecs are owned by the compiled schema and outlive every Tape.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "doc/node.h"
#include "doc/pointer.h"

namespace flow::doc {

enum class Strategy : uint8_t {
  kLastWriteWins = 0,
  kFirstWriteWins,
  kAppend,
  kMerge,
  kMinimize,
  kMaximize,
  kSum,
  kSet,
  kJsonSchemaMerge,
};

std::string_view StrategyName(Strategy s);

struct ReduceSpec {
  Strategy strategy = Strategy::kLastWriteWins;
  std::vector<Pointer> key;  ///< merge/minimize/maximize/set: item key pointers
  bool delete_ = false;      ///< merge with `delete: true`
};

/// Parses a `reduce` keyword value, e.g. {strategy: merge, key: [/k]}. Unknown
/// properties, unknown strategies and options a strategy does not take are
/// InvalidArgument.
Result<ReduceSpec> ParseReduceSpec(const Node& value);

struct TapeEntry {
  const ReduceSpec* reduce = nullptr;
  uint32_t length = 1;
};
using Tape = std::vector<TapeEntry>;

}  // namespace flow::doc

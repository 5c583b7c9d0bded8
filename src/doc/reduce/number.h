// SPDX-License-Identifier: Apache-2.0
// doc/reduce/number.h: checked addition with Flow's number promotion rules.
#pragma once

#include <optional>

#include "doc/node.h"

namespace flow::doc::reduce {

/// a + b for two numbers (json/src/number.rs `checked_add`): u64+u64 and i64+i64 are
/// checked; u64 mixed with i64 promotes the u64 to i64 if it fits (else overflow); a
/// double on either side promotes both to f64. nullopt on integer overflow or a
/// non-finite double.
std::optional<Node> CheckedAdd(const Node& a, const Node& b);

}  // namespace flow::doc::reduce

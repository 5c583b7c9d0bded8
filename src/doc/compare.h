// SPDX-License-Identifier: Apache-2.0
// doc/compare.h: the JSON total order (spec §3.7) over Nodes.
//
// Types rank null < boolean < number < string < array < object. Numbers compare by
// value across u64, i64 and f64 without rounding: 18446744073709551615 orders before
// the double 1.8446744073709552e19 (2^64), which a conversion to double would call
// equal. -0.0 equals 0; NaN equals NaN and is less than every other number. Strings compare
// bytewise, arrays lexicographically (a proper prefix is smaller), objects lexicographically over
// their (name, value) pairs in sorted name order. This is the order of Flow's `doc::compare`.
#pragma once

#include <span>

#include "doc/node.h"
#include "doc/pointer.h"

namespace flow::doc {

/// -1, 0 or 1 as `a` orders before, equal to or after `b`.
int Compare(const Node& a, const Node& b);
/// Compare(a, b) == 0, answered without ordering (unequal sizes exit early).
bool Equal(const Node& a, const Node& b);
/// Compare() for two numbers (any of kPosInt, kNegInt, kDouble), exactly.
int CompareNumbers(const Node& a, const Node& b);

/// Compares two documents by a composite key, component by component. A location that
/// is missing orders before every present value (including null), and two missing
/// locations are equal: the rule of reduce strategy keys (minimize/maximize/merge/set).
/// An empty key compares equal.
int CompareKeys(const Node& doc_a, const Node& doc_b, std::span<const Pointer> key);

}  // namespace flow::doc

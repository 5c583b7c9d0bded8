// SPDX-License-Identifier: Apache-2.0
// runtime/verify.h: the verify comparator of `flowctl test` (Flow's go/testing driver).
//
// Actual documents (one per key, in key order, UUIDs masked) are compared with the
// expected documents in lock-step: an actual document passes if it is a superset of
// the expected one; numbers are equal if their texts are equal or they are within
// DBL_EPSILON scaled by the larger magnitude. The report lists mismatched, missing and
// unexpected documents in Flow's V2 format, plus the paths at which documents differ.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "doc/arena.h"
#include "doc/node.h"
#include "doc/pointer.h"

namespace flow::runtime {

/// The placeholder substituted for `_meta/uuid` before comparison.
inline constexpr std::string_view kUuidMask = "flow-uuid";

bool NumbersMatch(const doc::Node& actual, const doc::Node& expected);
bool SupersetMatch(const doc::Node& actual, const doc::Node& expected);

/// Replaces the value at `uuid_ptr` in `doc` with kUuidMask, if present.
void MaskUuid(doc::Node& doc, const doc::Pointer& uuid_ptr, doc::Arena& arena);

struct Mismatch {
  enum class Kind { kMismatched, kMissing, kUnexpected };
  Kind kind;
  size_t index;
  const doc::Node* actual = nullptr;
  const doc::Node* expected = nullptr;
};

std::vector<Mismatch> CompareDocuments(std::span<const doc::Node> actual,
                                       std::span<const doc::Node> expected);

/// Where a superset match fails, as JSON pointers with both values, e.g.
/// `/stamps: actual 2, expected 3` or `/drinks/1: missing, expected "chai"`.
std::vector<std::string> DescribeDifferences(const doc::Node& actual, const doc::Node& expected);

/// "actual and expected document(s) did not match:\n" followed by each failure.
std::string RenderMismatches(const std::vector<Mismatch>& failures);

}  // namespace flow::runtime

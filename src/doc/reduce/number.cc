// SPDX-License-Identifier: Apache-2.0
// doc/reduce/number.cc: checked addition with Flow's number promotion rules.
#include "doc/reduce/number.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace flow::doc::reduce {
namespace {

std::optional<Node> AddDoubles(double a, double b) {
  double s = a + b;
  if (!std::isfinite(s))
    return std::nullopt;
  return Node::Double(s);
}

std::optional<Node> AddSigned(int64_t a, int64_t b) {
  int64_t s;
  if (__builtin_add_overflow(a, b, &s))
    return std::nullopt;
  return Node::Int(s);
}

// A u64 promoted to i64 must be representable.
std::optional<Node> AddMixed(uint64_t u, int64_t i) {
  if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return std::nullopt;
  return AddSigned(static_cast<int64_t>(u), i);
}

}  // namespace

std::optional<Node> CheckedAdd(const Node& a, const Node& b) {
  if (a.type() == Type::kDouble || b.type() == Type::kDouble) {
    return AddDoubles(a.as_double(), b.as_double());
  }
  bool a_pos = a.type() == Type::kPosInt;
  bool b_pos = b.type() == Type::kPosInt;
  if (a_pos && b_pos) {
    uint64_t s;
    if (__builtin_add_overflow(a.as_u64(), b.as_u64(), &s))
      return std::nullopt;
    return Node::PosInt(s);
  }
  if (!a_pos && !b_pos)
    return AddSigned(a.as_i64(), b.as_i64());
  if (a_pos)
    return AddMixed(a.as_u64(), b.as_i64());
  return AddMixed(b.as_u64(), a.as_i64());
}

}  // namespace flow::doc::reduce

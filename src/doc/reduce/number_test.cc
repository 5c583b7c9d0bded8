// SPDX-License-Identifier: Apache-2.0
// doc/reduce/number_test.cc: Flow's checked addition and number promotion rules.
#include "doc/reduce/number.h"

#include <cstdint>
#include <limits>

#include <doctest/doctest.h>

#include "doc/json.h"

namespace flow::doc::reduce {
namespace {

std::string Add(Node a, Node b) {
  auto s = CheckedAdd(a, b);
  return s ? ToJson(*s) : "overflow";
}

TEST_CASE("sum: integer kinds add exactly and promote u64 to i64 when it fits") {
  constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
  constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
  constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
  CHECK(Add(Node::PosInt(1), Node::PosInt(2)) == "3");
  CHECK(Add(Node::Int(-1), Node::Int(-2)) == "-3");
  CHECK(Add(Node::PosInt(1), Node::Int(-2)) == "-1");
  CHECK(Add(Node::Int(-2), Node::PosInt(3)) == "1");
  CHECK(Add(Node::Int(-1), Node::PosInt(kU64Max / 2)) == std::to_string(kI64Max - 1));
  CHECK(Add(Node::PosInt(kU64Max / 2), Node::Int(-1)) == std::to_string(kI64Max - 1));
  // A u64 beyond i64 cannot be promoted, even if the sum would fit.
  CHECK(Add(Node::Int(-1), Node::PosInt(1 + kU64Max / 2)) == "overflow");
  CHECK(Add(Node::PosInt(1 + kU64Max / 2), Node::Int(-1)) == "overflow");
  CHECK(Add(Node::PosInt(1), Node::PosInt(kU64Max)) == "overflow");
  CHECK(Add(Node::PosInt(kU64Max - 1), Node::PosInt(1)) == std::to_string(kU64Max));
  CHECK(Add(Node::Int(kI64Min), Node::Int(-1)) == "overflow");
}

TEST_CASE("sum: a double on either side promotes to f64; non-finite results overflow") {
  constexpr double kMax = std::numeric_limits<double>::max();
  CHECK(Add(Node::PosInt(1), Node::Double(0.1)) == "1.1");
  CHECK(Add(Node::Double(-0.1), Node::PosInt(1)) == "0.9");
  CHECK(Add(Node::Int(-1), Node::Double(2.5)) == "1.5");
  CHECK(Add(Node::Double(kMax), Node::Double(kMax / 2)) == "overflow");
  CHECK(Add(Node::Double(-kMax), Node::Double(-kMax / 2)) == "overflow");
  // Losing precision is accepted.
  constexpr int64_t k2p53 = int64_t{1} << 53;
  auto s = CheckedAdd(Node::PosInt(k2p53), Node::Double(1.0));
  REQUIRE(s);
  CHECK(s->type() == Type::kDouble);
  CHECK(s->as_double() == static_cast<double>(k2p53));
  // Integer results keep integer kinds: a non-negative i64 sum is a PosInt.
  CHECK(CheckedAdd(Node::Int(-2), Node::PosInt(5))->type() == Type::kPosInt);
}

}  // namespace
}  // namespace flow::doc::reduce

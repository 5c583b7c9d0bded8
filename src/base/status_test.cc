// SPDX-License-Identifier: Apache-2.0
// base/status_test.cc: Status and Result behaviour.
#include "base/status.h"

#include <doctest/doctest.h>

namespace flow {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0)
    return Status::InvalidArgument("{} is odd", x);
  return x / 2;
}

Result<int> Quarter(int x) {
  FLOW_ASSIGN_OR_RETURN(int h, Half(x));
  FLOW_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  FLOW_TRY(Half(x));
  return Status::OK();
}

TEST_CASE("status: ok has no message and prints OK") {
  Status s;
  CHECK(s.ok());
  CHECK(s.code() == Code::kOk);
  CHECK(s.message().empty());
  CHECK(s.ToString() == "OK");
  s.Annotate("ignored");
  CHECK(s.ok());
}

TEST_CASE("status: factories, annotation and copies") {
  Status s = Status::Corruption("gzip: bad header");
  CHECK_FALSE(s.ok());
  CHECK(s.Is(Code::kCorruption));
  s.Annotate("fragment 00-1f.gz").Annotate("reading journal acmeCo/anvils");
  CHECK(s.ToString() ==
        "Corruption: reading journal acmeCo/anvils: fragment 00-1f.gz: gzip: bad header");
  Status copy = s;
  CHECK(copy.ToString() == s.ToString());
  Status moved = std::move(copy);
  CHECK(moved.Is(Code::kCorruption));
  CHECK(Status::NotFound("journal {} at {}", "a/b", 42).message() == "journal a/b at 42");
}

TEST_CASE("status: result propagation through FLOW_TRY and FLOW_ASSIGN_OR_RETURN") {
  auto q = Quarter(8);
  REQUIRE(q.ok());
  CHECK(*q == 2);
  auto bad = Quarter(6);  // 6/2 = 3 is odd
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().ToString() == "InvalidArgument: 3 is odd");
  CHECK(CheckEven(4).ok());
  CHECK(CheckEven(5).Is(Code::kInvalidArgument));
}

TEST_CASE("status: a result built from an OK status is an internal error") {
  Result<int> r{Status::OK()};
  CHECK_FALSE(r.ok());
  CHECK(r.status().Is(Code::kInternal));
}

}  // namespace
}  // namespace flow

// SPDX-License-Identifier: Apache-2.0
// runtime/read/message_test.cc: UUIDs and ACK markers found in journal lines.
#include "runtime/read/message.h"

#include <doctest/doctest.h>

namespace flow::runtime::read {
namespace {

TEST_CASE("message: /_meta/uuid and ACKs, wherever _meta sits") {
  MessageParser p;
  auto m = p.Parse(R"({"a":1,"_meta":{"x":[1,2],"uuid":"bf356100-07bb-11ef-8001-010203040506"}})"
                   "\n");
  REQUIRE(m.ok());
  CHECK(m->has_uuid);
  CHECK_FALSE(m->ack);
  CHECK(m->uuid.flags() == storage::kContinueTxn);
  CHECK(m->uuid.ToString() == "bf356100-07bb-11ef-8001-010203040506");

  auto ack = p.Parse(R"({"_meta":{"uuid":"bf356100-07bb-11ef-8002-010203040506","ack":true}})");
  REQUIRE(ack.ok());
  CHECK(ack->ack);
  CHECK(ack->uuid.flags() == storage::kAckTxn);

  // The flag alone makes an ACK; `ack: true` alone too.
  auto flag = p.Parse(R"({"_meta":{"uuid":"bf356100-07bb-11ef-8002-010203040506"}})");
  REQUIRE(flag.ok());
  CHECK(flag->ack);
  auto marker = p.Parse(R"({"_meta":{"ack":true}})");
  REQUIRE(marker.ok());
  CHECK(marker->ack);
  CHECK_FALSE(marker->has_uuid);
}

TEST_CASE("message: documents without a UUID, and malformed lines") {
  MessageParser p;
  auto none = p.Parse(R"({"a":{"_meta":{"uuid":"bf356100-07bb-11ef-8001-010203040506"}}})");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_uuid);  // only the root's _meta counts
  CHECK(none->uuid.clock().value() == 0);
  CHECK(p.Parse(R"({"_meta":"x"})").ok());
  CHECK(p.Parse("[1,2]").status().Is(Code::kInvalidArgument));
  CHECK(p.Parse(R"({"_meta":{"uuid":"not-a-uuid"}})").status().Is(Code::kInvalidArgument));
  CHECK(p.Parse(R"({"_meta":{"uuid":7}})").status().Is(Code::kInvalidArgument));
  CHECK_FALSE(p.Parse(R"({"_meta":{"uuid":"bf356100-07bb-11ef-8001-0102030)").ok());
}

}  // namespace
}  // namespace flow::runtime::read

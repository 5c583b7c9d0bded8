// SPDX-License-Identifier: Apache-2.0
// storage/uuid_test.cc: v1 UUID layout, clocks and producer ids (spec §4.2).
#include "storage/uuid.h"

#include <set>

#include <doctest/doctest.h>

namespace flow::storage {
namespace {

constexpr int64_t kT = int64_t{1714568842} * 1'000'000'000;  // 2024-05-01T13:07:22Z
const ProducerId kProducer{{0x01, 0x02, 0x03, 0x04, 0x05, 0x06}};

TEST_CASE("uuid: the spec's worked example") {
  Uuid uuid = Uuid::Build(kProducer, Clock::FromUnixNanos(kT), kContinueTxn);
  CHECK(uuid.ToString() == "bf356100-07bb-11ef-8001-010203040506");
  auto parsed = Uuid::Parse("bf356100-07bb-11ef-8001-010203040506");
  REQUIRE(parsed.ok());
  CHECK(*parsed == uuid);
  CHECK(parsed->clock() == Clock::FromUnixNanos(kT));
  CHECK(parsed->producer() == kProducer);
  CHECK(parsed->flags() == kContinueTxn);
  CHECK(parsed->clock().ToUnixNanos() == kT);
  CHECK(kProducer.ToString() == "01:02:03:04:05:06");
}

TEST_CASE("uuid: layout of every field, round-tripped") {
  // A clock with a non-zero counter and high bits, every flag value.
  const Clock clock(0x0fedcba987654321ULL);
  for (uint16_t flags : {uint16_t{0}, uint16_t{1}, uint16_t{2}, uint16_t{0x3ff}}) {
    Uuid uuid = Uuid::Build(kProducer, clock, flags);
    const auto& b = uuid.bytes();
    CHECK((b[6] >> 4) == 1);       // version 1
    CHECK((b[8] & 0xC0) == 0x80);  // RFC 4122 variant
    CHECK(uuid.clock() == clock);
    CHECK(uuid.flags() == flags);
    CHECK(uuid.producer() == kProducer);
    auto parsed = Uuid::Parse(uuid.ToString());
    REQUIRE(parsed.ok());
    CHECK(*parsed == uuid);
  }
  CHECK(Uuid::Build(kProducer, clock, kAckTxn).ToString() ==
        "98765432-dcba-10fe-8402-010203040506");
  // Upper case parses too; the output is always lower case.
  CHECK(Uuid::Parse("BF356100-07BB-11EF-8001-010203040506")->ToString() ==
        "bf356100-07bb-11ef-8001-010203040506");
}

TEST_CASE("uuid: malformed text") {
  for (const char* text :
       {"", "bf356100-07bb-11ef-8001-01020304050", "bf356100-07bb-11ef-8001-0102030405067",
        "bf35610007bb11ef8001010203040506", "bf356100-07bb-11ef-8001_010203040506",
        "gf356100-07bb-11ef-8001-010203040506", "DocUUIDPlaceholder-329Bb50aa48EAa9ef"}) {
    CHECK_MESSAGE(Uuid::Parse(text).status().Is(Code::kInvalidArgument), text);
  }
  CHECK(Uuid().clock() == Clock(0));
  CHECK(Uuid().ToString() == "00000000-0000-0000-0000-000000000000");
}

TEST_CASE("uuid: clocks tick monotonically and rise to wall time, never back") {
  Clock clock;
  clock.Update(kT);
  CHECK(clock == Clock::FromUnixNanos(kT));
  Clock a = clock.Tick();
  Clock b = clock.Tick();
  CHECK(b.value() - a.value() == kClockTickIncrement);
  CHECK(b.ToUnixNanos() - a.ToUnixNanos() == 1000);  // one microsecond per tick
  // Wall time going backwards does not move the clock.
  clock.Update(kT - 1'000'000'000);
  CHECK(clock == b);
  // Wall time ahead of the clock raises it.
  clock.Update(kT + 5'000'000'000);
  CHECK(clock == Clock::FromUnixNanos(kT + 5'000'000'000));
  // Many ticks within one wall-clock instant stay strictly increasing.
  Clock prev = clock;
  for (int i = 0; i < 1000; ++i) {
    clock.Update(kT + 5'000'000'000);
    Clock next = clock.Tick();
    CHECK(next > prev);
    prev = next;
  }
}

TEST_CASE("uuid: producer ids are random with the multicast bit set") {
  std::set<ProducerId> seen;
  for (int i = 0; i < 100; ++i) {
    ProducerId id = ProducerId::Random();
    CHECK((id.bytes[0] & 0x01) == 0x01);
    seen.insert(id);
  }
  CHECK(seen.size() == 100);
}

}  // namespace
}  // namespace flow::storage

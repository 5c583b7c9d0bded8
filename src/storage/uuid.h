// SPDX-License-Identifier: Apache-2.0
// storage/uuid.h: Gazette/Flow message UUIDs (spec §4.2): RFC 4122 v1 UUIDs whose
// timestamp and clock sequence carry a 64-bit Clock and 10 bits of transaction flags.
//
//   Clock = (100 ns ticks since 1582-10-15 UTC) << 4 | 4-bit counter
//   bytes 0-3  clock bits 4..35      bytes 6-7  clock bits 52..63 | 0x1000 (version 1)
//   bytes 4-5  clock bits 36..51     bytes 8-9  0x8000 | counter << 10 | flags
//   bytes 10-15  producer id (48 bits, multicast bit 0x01 of byte 0 set)
//
// Value types; everything is safe from any thread except a Clock being updated.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace flow::storage {

/// Transaction semantics of a message (the low 10 bits of the clock sequence).
enum UuidFlags : uint16_t {
  kOutsideTxn = 0x0,   ///< commits immediately
  kContinueTxn = 0x1,  ///< pending until an ACK of the same producer with a greater clock
  kAckTxn = 0x2,       ///< commits the producer's pending messages with clock <= its own
};

/// 100 ns intervals between 1582-10-15 and the Unix epoch.
inline constexpr uint64_t kGregorianToUnix100ns = 122192928000000000ULL;
/// What one Clock::Tick() adds: one microsecond (10 ticks of 100 ns, each worth 16).
inline constexpr uint64_t kClockTickIncrement = 160;

/// The 48-bit producer id in a UUID's node field.
struct ProducerId {
  std::array<uint8_t, 6> bytes{};

  /// Six random bytes (from the OS CSPRNG) with the multicast bit set, marking them as
  /// not a real MAC address (RFC 4122 §4.5).
  static ProducerId Random();
  /// "01:02:03:04:05:06".
  std::string ToString() const;

  friend auto operator<=>(const ProducerId&, const ProducerId&) = default;
};

/// A 64-bit v1 timestamp plus counter; totally orders the UUIDs of one producer.
class Clock {
 public:
  Clock() = default;
  explicit Clock(uint64_t value) : value_(value) {}
  /// The clock of a wall time: (unix_nanos / 100 + kGregorianToUnix100ns) << 4.
  static Clock FromUnixNanos(int64_t unix_nanos);

  uint64_t value() const { return value_; }
  /// Unix nanoseconds of the timestamp part (the counter is dropped).
  int64_t ToUnixNanos() const;

  /// Raises the clock to `unix_nanos` if that is later; never moves it backwards.
  void Update(int64_t unix_nanos);
  /// Advances by one tick (kClockTickIncrement) and returns the new value. Successive
  /// ticks are strictly increasing, so each UUID of a producer gets a distinct clock.
  Clock Tick();

  friend auto operator<=>(const Clock&, const Clock&) = default;

 private:
  uint64_t value_ = 0;
};

class Uuid {
 public:
  Uuid() = default;  // the nil UUID: clock 0 (sequencers treat it as "no UUID")
  explicit Uuid(const std::array<uint8_t, 16>& bytes) : bytes_(bytes) {}

  /// Gazette's BuildUUID. `flags` must fit in 10 bits (FLOW_CHECK).
  static Uuid Build(const ProducerId& producer, Clock clock, uint16_t flags);
  /// Parses the canonical 8-4-4-4-12 hex form (either case). InvalidArgument otherwise.
  /// Any version and variant parse; Clock(), Flags() just read the bits.
  static Result<Uuid> Parse(std::string_view text);

  Clock clock() const;
  ProducerId producer() const;
  uint16_t flags() const;
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }

  /// Lowercase canonical form, e.g. "bf356100-07bb-11ef-8001-010203040506".
  std::string ToString() const;
  /// Writes the 36-character canonical form to `out` (which must have room for 36).
  void Format(char* out) const;

  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<uint8_t, 16> bytes_{};
};

}  // namespace flow::storage

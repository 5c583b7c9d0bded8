// SPDX-License-Identifier: Apache-2.0
// storage/uuid.cc: v1 UUID layout, clocks and producer ids.
#include "storage/uuid.h"

#include <errno.h>
#include <sys/random.h>

#include <fmt/format.h>

#include "base/check.h"

namespace flow::storage {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

}  // namespace

ProducerId ProducerId::Random() {
  ProducerId id;
  size_t done = 0;
  while (done < id.bytes.size()) {
    ssize_t n = ::getrandom(id.bytes.data() + done, id.bytes.size() - done, 0);
    if (n < 0) {
      FLOW_CHECK(errno == EINTR, "getrandom failed: errno {}", errno);
      continue;
    }
    done += static_cast<size_t>(n);
  }
  id.bytes[0] |= 0x01;
  return id;
}

std::string ProducerId::ToString() const {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", bytes[0], bytes[1], bytes[2],
                     bytes[3], bytes[4], bytes[5]);
}

Clock Clock::FromUnixNanos(int64_t unix_nanos) {
  uint64_t ticks = static_cast<uint64_t>(unix_nanos / 100) + kGregorianToUnix100ns;
  return Clock(ticks << 4);
}

int64_t Clock::ToUnixNanos() const {
  return (static_cast<int64_t>(value_ >> 4) - static_cast<int64_t>(kGregorianToUnix100ns)) * 100;
}

void Clock::Update(int64_t unix_nanos) {
  Clock wall = FromUnixNanos(unix_nanos);
  if (wall.value_ > value_)
    value_ = wall.value_;
}

Clock Clock::Tick() {
  value_ += kClockTickIncrement;
  return *this;
}

Uuid Uuid::Build(const ProducerId& producer, Clock clock, uint16_t flags) {
  FLOW_CHECK(flags <= 0x3ff, "UUID flags {:#x} do not fit in 10 bits", flags);
  const uint64_t c = clock.value();
  std::array<uint8_t, 16> b{};
  const uint32_t low = static_cast<uint32_t>(c >> 4);
  const uint16_t mid = static_cast<uint16_t>(c >> 36);
  const uint16_t high = static_cast<uint16_t>((c >> 52) | 0x1000);
  const uint16_t seq = static_cast<uint16_t>(((c << 10) & 0x3c00) | flags | 0x8000);
  b[0] = static_cast<uint8_t>(low >> 24);
  b[1] = static_cast<uint8_t>(low >> 16);
  b[2] = static_cast<uint8_t>(low >> 8);
  b[3] = static_cast<uint8_t>(low);
  b[4] = static_cast<uint8_t>(mid >> 8);
  b[5] = static_cast<uint8_t>(mid);
  b[6] = static_cast<uint8_t>(high >> 8);
  b[7] = static_cast<uint8_t>(high);
  b[8] = static_cast<uint8_t>(seq >> 8);
  b[9] = static_cast<uint8_t>(seq);
  for (size_t i = 0; i < 6; ++i)
    b[10 + i] = producer.bytes[i];
  return Uuid(b);
}

Result<Uuid> Uuid::Parse(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-') {
    return Status::InvalidArgument("\"{}\" is not a UUID (expected 8-4-4-4-12 hex digits)", text);
  }
  std::array<uint8_t, 16> b{};
  size_t k = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      ++i;
      continue;
    }
    int hi = HexValue(text[i]);
    int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0)
      return Status::InvalidArgument("\"{}\" is not a UUID (non-hex digit)", text);
    b[k++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return Uuid(b);
}

Clock Uuid::clock() const {
  const auto& b = bytes_;
  uint64_t t = (uint64_t{b[0]} << 24 | uint64_t{b[1]} << 16 | uint64_t{b[2]} << 8 | b[3]) << 4;
  t |= (uint64_t{b[4]} << 8 | b[5]) << 36;
  t |= (uint64_t{b[6]} << 8 | b[7]) << 52;  // the version nibble shifts out of the 64 bits
  t |= (b[8] >> 2) & 0xf;
  return Clock(t);
}

ProducerId Uuid::producer() const {
  ProducerId id;
  for (size_t i = 0; i < 6; ++i)
    id.bytes[i] = bytes_[10 + i];
  return id;
}

uint16_t Uuid::flags() const {
  return static_cast<uint16_t>((uint16_t{bytes_[8]} << 8 | bytes_[9]) & 0x3ff);
}

void Uuid::Format(char* out) const {
  static constexpr char kDigits[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[o++] = '-';
    out[o++] = kDigits[bytes_[i] >> 4];
    out[o++] = kDigits[bytes_[i] & 0xF];
  }
}

std::string Uuid::ToString() const {
  std::string out(36, '\0');
  Format(out.data());
  return out;
}

}  // namespace flow::storage

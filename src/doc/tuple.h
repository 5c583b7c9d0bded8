// SPDX-License-Identifier: Apache-2.0
// doc/tuple.h: Flow's wire form of key values, the FoundationDB tuple layer encoding.
//
// This is byte for byte what Flow's extractor writes (crates/doc/src/tuple_pack.rs over
// crates/tuple): null 0x00, bytes 0x01, string 0x02 (a 0x00 byte escaped as 0x00 0xff,
// then a 0x00 terminator), integers 0x0c..0x1c (0x14 is zero; 0x14+n / 0x14-n carry n
// big-endian magnitude bytes, ones' complemented when negative), double 0x21 (IEEE bits
// big-endian, all bits flipped when negative, else only the sign bit), false 0x26,
// true 0x27. Arrays and objects pack as bytes (0x01) holding their compact canonical
// JSON. Use it where Flow's bytes are part of a protocol (connectors' `key_packed`).
//
// Its memcmp order is NOT the JSON total order: strings (0x02) sort before numbers and
// booleans after them, doubles after every integer. Sort and group by doc/key.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "doc/arena.h"
#include "doc/node.h"

namespace flow::doc {

class KeyExtractor;

namespace tuple {
inline constexpr uint8_t kNil = 0x00;
inline constexpr uint8_t kBytes = 0x01;
inline constexpr uint8_t kString = 0x02;
inline constexpr uint8_t kNegIntStart = 0x0b;  ///< negative integer of more than 8 bytes
inline constexpr uint8_t kIntZero = 0x14;
inline constexpr uint8_t kPosIntEnd = 0x1d;  ///< positive integer of more than 8 bytes
inline constexpr uint8_t kDouble = 0x21;
inline constexpr uint8_t kFalse = 0x26;
inline constexpr uint8_t kTrue = 0x27;
inline constexpr uint8_t kEscape = 0xff;

/// Appends the tuple integer `-magnitude` (if `negative`) or `magnitude`: one code byte
/// (0x0c..0x1c) then the magnitude's minimal big-endian bytes.
void AppendInt(bool negative, uint64_t magnitude, std::string* out);
/// Appends `bytes` with each 0x00 escaped as 0x00 0xff, then the 0x00 terminator.
void AppendEscaped(std::string_view bytes, std::string* out);
/// Reads an escaped byte string starting at `*pos` (after its code byte) up to and
/// including its terminator into `out`. False if the terminator is missing.
bool ReadEscaped(std::string_view in, size_t* pos, std::string* out);
}  // namespace tuple

/// Appends `value` as one tuple element, exactly as Flow packs it.
void PackTupleValue(const Node& value, std::string* out);
/// Appends each extractor's value (missing: its default, else null) as tuple elements:
/// Flow's `Extractor::extract_all`.
void PackTupleKey(const Node& doc, std::span<const KeyExtractor> key, std::string* out);
/// Decodes a tuple into an array node of its elements (bytes elements are parsed back
/// as JSON). Corruption if `packed` is not a tuple of the codes above.
Result<Node> UnpackTuple(std::string_view packed, Arena& arena);

}  // namespace flow::doc

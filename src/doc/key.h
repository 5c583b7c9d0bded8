// SPDX-License-Identifier: Apache-2.0
// doc/key.h: packed keys, whose memcmp order is the JSON total order; key extractors.
//
// A packed key is the concatenation of its components' packed values, so composite keys
// compare component by component with one memcmp, and two keys are equal exactly when
// Compare() calls every component equal (20 and 20.0 pack alike). The combiner sorts and
// groups by these bytes.
//
// The layout borrows the FoundationDB tuple encoding (doc/tuple.h) wherever that
// encoding's order agrees with the JSON order, and departs from it where it doesn't
// (tuple type codes order strings < numbers < booleans, and doubles after integers):
//
//   0x00        null (inside an array or object: 0x00 0xff); 0x00 also terminates
//               strings, arrays and objects
//   0x08, 0x09  false, true
//   0x0a        NaN (less than every other number, as in Compare())
//   0x0c..0x1c  an integer-valued number with |v| < 2^64: the tuple integer encoding,
//               byte-identical to tuple.h for every u64 and i64. Integral doubles in
//               range pack exactly as the integer they equal.
//   int 0xff f  a non-integral double d: the integer floor(d), then 0xff, then the 8
//               big-endian IEEE bytes of f = |d| - trunc(|d|), in (0, 1) so its bits order
//               as its value; inverted if d < 0, where a larger f is a smaller d. 0xff never
//               starts an element, so d sorts after (floor(d), anything) and before
//               floor(d) + 1.
//   0x1d n mag  an integral double >= 2^64: n magnitude bytes (tuple "big integer").
//   0x0b ~n ~mag an integral double <= -2^64 (ones' complemented, tuple style).
//   0x1d 0xff / 0x0b 0x00  +inf / -inf (lengths no finite double needs).
//   0x20 s 0x00 a string, 0x00 bytes escaped as 0x00 0xff.
//   0x30 ... 0x00 an array: its items' packed values, then the terminator.
//   0x31 ... 0x00 an object: (name as a string, value) per property in name order.
//
// Flow only allows null, boolean, integer and string keys; for those, null and integers
// pack exactly as Flow's tuple bytes, strings and booleans differ only in the type code.
// Flow's own byte form for protocols is PackTupleKey() in doc/tuple.h.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "doc/arena.h"
#include "doc/node.h"
#include "doc/pointer.h"

namespace flow::doc {

/// A key component: a location and the value to use when the location is missing
/// (the projection's schema `default`; null if there is none). Copies are cheap and
/// share the default's storage, which the extractor owns.
class KeyExtractor {
 public:
  explicit KeyExtractor(Pointer pointer);
  /// Deep-copies `default_value` into storage owned by the extractor.
  KeyExtractor(Pointer pointer, const Node& default_value);
  /// A KeyExtractor of the pointer text; InvalidArgument if it is not a JSON pointer.
  static Result<KeyExtractor> Parse(std::string_view pointer);

  const Pointer& pointer() const { return pointer_; }
  /// The default for a missing location, or nullptr if there is none.
  const Node* default_value() const { return has_default_ ? &default_ : nullptr; }
  /// The value at the location in `doc`; else the default; else null. The result may
  /// refer to `doc` or to this extractor's storage.
  Node Extract(const Node& doc) const;

 private:
  Pointer pointer_;
  std::shared_ptr<Arena> arena_;  // owns the default's strings and children
  Node default_;
  bool has_default_ = false;
};

/// Appends the packed form of one value.
void PackValue(const Node& value, std::string* out);
/// Appends the packed composite key of `doc`: each extractor's Extract() in turn.
void PackKey(const Node& doc, std::span<const KeyExtractor> key, std::string* out);
/// Decodes a packed key into an array node of its components, allocated in `arena`.
/// An integral double comes back as the integer it packed as. Corruption if `packed`
/// is not a sequence of packed values.
Result<Node> UnpackKey(std::string_view packed, Arena& arena);

/// Compares two documents by extracted key values (defaults applied, missing is null):
/// the order of Flow's `Extractor::compare_key`, and the memcmp order of PackKey().
int CompareKeys(const Node& doc_a, const Node& doc_b, std::span<const KeyExtractor> key);

}  // namespace flow::doc

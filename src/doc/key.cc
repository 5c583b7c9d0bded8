// SPDX-License-Identifier: Apache-2.0
// doc/key.cc: the order-preserving packed key encoding and its decoder.
#include "doc/key.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <simdjson.h>

#include "doc/compare.h"
#include "doc/tuple.h"

namespace flow::doc {
namespace {

constexpr uint8_t kNull = 0x00;
constexpr uint8_t kEnd = 0x00;  // terminates strings, arrays and objects
constexpr uint8_t kFalse = 0x08;
constexpr uint8_t kTrue = 0x09;
constexpr uint8_t kNaN = 0x0a;
constexpr uint8_t kBigNeg = tuple::kNegIntStart;  // 0x0b
constexpr uint8_t kIntZero = tuple::kIntZero;     // 0x14
constexpr uint8_t kBigPos = tuple::kPosIntEnd;    // 0x1d
constexpr uint8_t kFraction = 0xff;
constexpr uint8_t kEscape = 0xff;
constexpr uint8_t kString = 0x20;
constexpr uint8_t kArray = 0x30;
constexpr uint8_t kObject = 0x31;
// Length bytes no finite double needs (at most 128 magnitude bytes).
constexpr uint8_t kPosInfLength = 0xff;
constexpr uint8_t kNegInfLength = 0x00;
constexpr int kMaxDepth = 1024;

constexpr double kTwo64 = 18446744073709551616.0;

// An integral double with |d| >= 2^64: `d` is m * 2^e with a 53-bit m and e >= 12, so
// its magnitude is m shifted left; emit the minimal big-endian bytes.
void AppendBigMagnitude(double d, std::string* out) {
  int exp = 0;
  double frac = std::frexp(std::fabs(d), &exp);  // |d| = frac * 2^exp, frac in [0.5, 1)
  uint64_t m = static_cast<uint64_t>(std::ldexp(frac, 53));
  int shift = exp - 53;  // >= 12 for |d| >= 2^64
  uint64_t head = m << (shift % 8);
  int zero_bytes = shift / 8;
  uint8_t be[8];
  for (int i = 0; i < 8; ++i)
    be[i] = static_cast<uint8_t>(head >> (56 - 8 * i));
  int skip = 0;
  while (skip < 8 && be[skip] == 0)
    ++skip;
  size_t n = static_cast<size_t>(8 - skip + zero_bytes);
  bool negative = d < 0;
  out->push_back(static_cast<char>(negative ? kBigNeg : kBigPos));
  out->push_back(static_cast<char>(negative ? (n ^ 0xff) : n));
  for (int i = skip; i < 8; ++i)
    out->push_back(static_cast<char>(negative ? ~be[i] : be[i]));
  out->append(static_cast<size_t>(zero_bytes), static_cast<char>(negative ? 0xff : 0x00));
}

void AppendDoubleKey(double d, std::string* out) {
  if (std::isnan(d)) {
    out->push_back(static_cast<char>(kNaN));
    return;
  }
  if (std::isinf(d)) {
    out->push_back(static_cast<char>(d > 0 ? kBigPos : kBigNeg));
    out->push_back(static_cast<char>(d > 0 ? kPosInfLength : kNegInfLength));
    return;
  }
  double whole = std::floor(d);
  if (whole == d) {
    if (std::fabs(d) >= kTwo64) {
      AppendBigMagnitude(d, out);
    } else if (d < 0) {
      tuple::AppendInt(true, static_cast<uint64_t>(-d), out);
    } else {
      tuple::AppendInt(false, static_cast<uint64_t>(d), out);
    }
    return;
  }
  // Non-integral, so |d| < 2^52 and floor(d) is an exact int64. The fraction is taken
  // from |d| (|d| - trunc(|d|) is exact; d - floor(d) is not for tiny negative d) and,
  // for negative d, stored with its bits inverted: a larger fraction is a smaller d.
  int64_t k = static_cast<int64_t>(whole);
  double abs = std::fabs(d);
  uint64_t bits = std::bit_cast<uint64_t>(abs - std::trunc(abs));
  if (k < 0) {
    tuple::AppendInt(true, static_cast<uint64_t>(-k), out);
    bits = ~bits;
  } else {
    tuple::AppendInt(false, static_cast<uint64_t>(k), out);
  }
  out->push_back(static_cast<char>(kFraction));
  for (int i = 0; i < 8; ++i)
    out->push_back(static_cast<char>(bits >> (56 - 8 * i)));
}

void AppendString(uint8_t code, std::string_view s, std::string* out) {
  out->push_back(static_cast<char>(code));
  tuple::AppendEscaped(s, out);
}

void Pack(const Node& v, bool nested, std::string* out) {
  switch (v.type()) {
    case Type::kNull:
      out->push_back(static_cast<char>(kNull));
      if (nested)
        out->push_back(static_cast<char>(kEscape));
      return;
    case Type::kBool:
      out->push_back(static_cast<char>(v.as_bool() ? kTrue : kFalse));
      return;
    case Type::kPosInt:
      tuple::AppendInt(false, v.as_u64(), out);
      return;
    case Type::kNegInt:
      // Two's complement negation of the bits is the magnitude, also for INT64_MIN.
      tuple::AppendInt(true, ~static_cast<uint64_t>(v.as_i64()) + 1, out);
      return;
    case Type::kDouble:
      AppendDoubleKey(v.as_double(), out);
      return;
    case Type::kString:
      AppendString(kString, v.as_string(), out);
      return;
    case Type::kArray:
      out->push_back(static_cast<char>(kArray));
      for (const Node& item : v.items())
        Pack(item, true, out);
      out->push_back(static_cast<char>(kEnd));
      return;
    case Type::kObject:
      out->push_back(static_cast<char>(kObject));
      for (const Field& f : v.fields()) {
        AppendString(kString, f.name, out);
        Pack(f.value, true, out);
      }
      out->push_back(static_cast<char>(kEnd));
      return;
  }
}

class Decoder {
 public:
  Decoder(std::string_view in, Arena& arena) : in_(in), arena_(arena) {}

  Result<Node> Key() {
    std::vector<Node> items;
    while (pos_ < in_.size()) {
      FLOW_ASSIGN_OR_RETURN(Node n, Value(false, 0));
      items.push_back(n);
    }
    return MakeArray(arena_, items);
  }

 private:
  Status Error(std::string_view what) const {
    return Status::Corruption("packed key: {} at byte {}", what, pos_);
  }
  bool AtEnd() const { return pos_ >= in_.size(); }
  uint8_t Peek(size_t ahead = 0) const { return static_cast<uint8_t>(in_[pos_ + ahead]); }

  // True (and consumes it) if the next byte ends the enclosing array or object.
  bool TakeEnd() {
    if (AtEnd() || Peek() != kEnd)
      return false;
    if (pos_ + 1 < in_.size() && Peek(1) == kEscape)
      return false;  // a nested null
    ++pos_;
    return true;
  }

  Result<Node> Value(bool nested, int depth) {
    if (AtEnd())
      return Error("unexpected end");
    if (depth > kMaxDepth)
      return Error("nesting too deep");
    uint8_t code = Peek();
    ++pos_;
    if (code == kNull) {
      if (nested) {
        if (AtEnd() || Peek() != kEscape)
          return Error("unescaped null in a container");
        ++pos_;
      }
      return Node::Null();
    }
    if (code == kFalse || code == kTrue)
      return Node::Bool(code == kTrue);
    if (code == kNaN)
      return Node::Double(std::numeric_limits<double>::quiet_NaN());
    if (code >= kIntZero - 8 && code <= kIntZero + 8)
      return Number(code);
    if (code == kBigPos || code == kBigNeg)
      return BigNumber(code);
    if (code == kString) {
      std::string s;
      if (!tuple::ReadEscaped(in_, &pos_, &s)) {
        return Error("unterminated string");
      }
      if (!simdjson::validate_utf8(s.data(), s.size())) {
        return Error("string is not UTF-8");
      }
      return Node::String(arena_, s);
    }
    if (code == kArray) {
      std::vector<Node> items;
      while (!TakeEnd()) {
        FLOW_ASSIGN_OR_RETURN(Node n, Value(true, depth + 1));
        items.push_back(n);
      }
      return MakeArray(arena_, items);
    }
    if (code == kObject) {
      std::vector<Field> fields;
      while (!TakeEnd()) {
        if (AtEnd())
          return Error("unterminated object");
        if (Peek() != kString)
          return Error("object property name is not a string");
        ++pos_;
        std::string name;
        if (!tuple::ReadEscaped(in_, &pos_, &name)) {
          return Error("unterminated property name");
        }
        if (!simdjson::validate_utf8(name.data(), name.size())) {
          return Error("property name is not UTF-8");
        }
        if (!fields.empty() && !(fields.back().name < name)) {
          return Error("object properties out of order");
        }
        std::string_view stored = arena_.CopyString(name);
        FLOW_ASSIGN_OR_RETURN(Node value, Value(true, depth + 1));
        fields.push_back(Field{stored, value});
      }
      return MakeObject(arena_, fields);
    }
    --pos_;
    return Error(fmt::format("unknown type code 0x{:02x}", code));
  }

  // A tuple integer (its code already read), then an optional fraction.
  Result<Node> Number(uint8_t code) {
    bool negative = code < kIntZero;
    size_t n = negative ? kIntZero - code : code - kIntZero;
    if (in_.size() - pos_ < n)
      return Error("truncated integer");
    uint64_t raw = 0;
    for (size_t i = 0; i < n; ++i)
      raw = (raw << 8) | Peek(i);
    pos_ += n;
    uint64_t mask = n == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * n)) - 1;
    uint64_t magnitude = negative ? ~raw & mask : raw;
    if (AtEnd() || Peek() != kFraction) {
      if (!negative)
        return Node::PosInt(magnitude);
      if (magnitude <= (uint64_t{1} << 63))
        return Node::Int(static_cast<int64_t>(~magnitude + 1));
      return Node::Double(-static_cast<double>(magnitude));  // an integral double < -2^63
    }
    ++pos_;
    if (in_.size() - pos_ < 8)
      return Error("truncated fraction");
    uint64_t bits = 0;
    for (size_t i = 0; i < 8; ++i)
      bits = (bits << 8) | Peek(i);
    pos_ += 8;
    double frac = std::bit_cast<double>(negative ? ~bits : bits);
    if (!(frac > 0 && frac < 1) || magnitude > (uint64_t{1} << 53) ||
        (negative && magnitude == 0)) {
      return Error("invalid fraction");
    }
    // A negative d was packed as floor(d) = -(trunc(|d|) + 1) and the fraction of |d|.
    if (negative)
      return Node::Double(-(static_cast<double>(magnitude - 1) + frac));
    return Node::Double(static_cast<double>(magnitude) + frac);
  }

  // A magnitude of more than 8 bytes, or an infinity.
  Result<Node> BigNumber(uint8_t code) {
    bool negative = code == kBigNeg;
    if (AtEnd())
      return Error("truncated number");
    uint8_t len = Peek();
    ++pos_;
    if (len == (negative ? kNegInfLength : kPosInfLength)) {
      double inf = std::numeric_limits<double>::infinity();
      return Node::Double(negative ? -inf : inf);
    }
    size_t n = negative ? len ^ 0xff : len;
    if (in_.size() - pos_ < n)
      return Error("truncated number");
    double magnitude = 0;
    for (size_t i = 0; i < n; ++i) {
      uint8_t b = Peek(i);
      magnitude = magnitude * 256 + (negative ? static_cast<uint8_t>(~b) : b);
    }
    pos_ += n;
    return Node::Double(negative ? -magnitude : magnitude);
  }

  std::string_view in_;
  Arena& arena_;
  size_t pos_ = 0;
};

}  // namespace

KeyExtractor::KeyExtractor(Pointer pointer) : pointer_(std::move(pointer)) {}

KeyExtractor::KeyExtractor(Pointer pointer, const Node& default_value)
    : pointer_(std::move(pointer)), arena_(std::make_shared<Arena>(1024)), has_default_(true) {
  default_ = Clone(default_value, *arena_);
}

Result<KeyExtractor> KeyExtractor::Parse(std::string_view pointer) {
  FLOW_ASSIGN_OR_RETURN(Pointer p, Pointer::Parse(pointer));
  return KeyExtractor(std::move(p));
}

Node KeyExtractor::Extract(const Node& doc) const {
  if (const Node* n = pointer_.Query(doc))
    return *n;
  return default_;  // null unless a default was given
}

void PackValue(const Node& value, std::string* out) {
  Pack(value, false, out);
}

void PackKey(const Node& doc, std::span<const KeyExtractor> key, std::string* out) {
  for (const KeyExtractor& k : key)
    Pack(k.Extract(doc), false, out);
}

Result<Node> UnpackKey(std::string_view packed, Arena& arena) {
  return Decoder(packed, arena).Key();
}

int CompareKeys(const Node& doc_a, const Node& doc_b, std::span<const KeyExtractor> key) {
  for (const KeyExtractor& k : key) {
    if (int c = Compare(k.Extract(doc_a), k.Extract(doc_b)); c != 0)
      return c;
  }
  return 0;
}

}  // namespace flow::doc

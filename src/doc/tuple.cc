// SPDX-License-Identifier: Apache-2.0
// doc/tuple.cc: FoundationDB tuple packing of Nodes as Flow does it, and its decoder.
#include "doc/tuple.h"

#include <bit>
#include <cstring>
#include <vector>

#include <simdjson.h>

#include "doc/json.h"
#include "doc/key.h"

namespace flow::doc {
namespace tuple {

void AppendInt(bool negative, uint64_t magnitude, std::string* out) {
  int n = magnitude == 0 ? 0 : 8 - std::countl_zero(magnitude) / 8;
  out->push_back(static_cast<char>(negative ? kIntZero - n : kIntZero + n));
  uint64_t bytes = negative ? ~magnitude : magnitude;
  for (int i = n - 1; i >= 0; --i)
    out->push_back(static_cast<char>(bytes >> (8 * i)));
}

void AppendEscaped(std::string_view bytes, std::string* out) {
  size_t start = 0;
  while (true) {
    size_t nul = bytes.find('\0', start);
    if (nul == std::string_view::npos)
      break;
    out->append(bytes.data() + start, nul + 1 - start);
    out->push_back(static_cast<char>(kEscape));
    start = nul + 1;
  }
  out->append(bytes.data() + start, bytes.size() - start);
  out->push_back('\0');
}

bool ReadEscaped(std::string_view in, size_t* pos, std::string* out) {
  size_t p = *pos;
  while (true) {
    size_t nul = in.find('\0', p);
    if (nul == std::string_view::npos)
      return false;
    out->append(in.data() + p, nul - p);
    if (nul + 1 < in.size() && static_cast<uint8_t>(in[nul + 1]) == kEscape) {
      out->push_back('\0');
      p = nul + 2;
      continue;
    }
    *pos = nul + 1;
    return true;
  }
}

}  // namespace tuple

void PackTupleValue(const Node& value, std::string* out) {
  using namespace tuple;
  switch (value.type()) {
    case Type::kNull:
      out->push_back(static_cast<char>(kNil));
      return;
    case Type::kBool:
      out->push_back(static_cast<char>(value.as_bool() ? kTrue : kFalse));
      return;
    case Type::kPosInt:
      AppendInt(false, value.as_u64(), out);
      return;
    case Type::kNegInt:
      AppendInt(true, ~static_cast<uint64_t>(value.as_i64()) + 1, out);
      return;
    case Type::kDouble: {
      uint64_t bits = std::bit_cast<uint64_t>(value.as_double());
      bits = (bits >> 63) != 0 ? ~bits : bits ^ (uint64_t{1} << 63);
      out->push_back(static_cast<char>(kDouble));
      for (int i = 7; i >= 0; --i)
        out->push_back(static_cast<char>(bits >> (8 * i)));
      return;
    }
    case Type::kString:
      out->push_back(static_cast<char>(kString));
      AppendEscaped(value.as_string(), out);
      return;
    case Type::kArray:
    case Type::kObject: {
      out->push_back(static_cast<char>(kBytes));
      AppendEscaped(ToJson(value), out);
      return;
    }
  }
}

void PackTupleKey(const Node& doc, std::span<const KeyExtractor> key, std::string* out) {
  for (const KeyExtractor& k : key)
    PackTupleValue(k.Extract(doc), out);
}

Result<Node> UnpackTuple(std::string_view packed, Arena& arena) {
  using namespace tuple;
  std::vector<Node> items;
  std::unique_ptr<Parser> parser;  // only for bytes elements
  size_t pos = 0;
  auto error = [&](std::string_view what) {
    return Status::Corruption("packed tuple: {} at byte {}", what, pos);
  };
  while (pos < packed.size()) {
    uint8_t code = static_cast<uint8_t>(packed[pos++]);
    if (code == kNil) {
      items.push_back(Node::Null());
    } else if (code == kFalse || code == kTrue) {
      items.push_back(Node::Bool(code == kTrue));
    } else if (code == kString || code == kBytes) {
      std::string s;
      if (!ReadEscaped(packed, &pos, &s))
        return error("unterminated string");
      if (code == kString) {
        if (!simdjson::validate_utf8(s.data(), s.size())) {
          return error("string is not UTF-8");
        }
        items.push_back(Node::String(arena, s));
        continue;
      }
      if (!parser)
        parser = std::make_unique<Parser>();
      auto parsed = parser->Parse(s, arena);
      if (!parsed.ok())
        return error(parsed.status().message());
      items.push_back(*parsed);
    } else if (code >= kIntZero - 8 && code <= kIntZero + 8) {
      bool negative = code < kIntZero;
      size_t n = negative ? kIntZero - code : code - kIntZero;
      if (packed.size() - pos < n)
        return error("truncated integer");
      uint64_t raw = 0;
      for (size_t i = 0; i < n; ++i)
        raw = (raw << 8) | static_cast<uint8_t>(packed[pos + i]);
      pos += n;
      uint64_t mask = n == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * n)) - 1;
      if (!negative) {
        items.push_back(Node::PosInt(raw));
        continue;
      }
      uint64_t magnitude = ~raw & mask;
      if (magnitude > (uint64_t{1} << 63))
        return error("integer below the i64 range");
      items.push_back(Node::Int(static_cast<int64_t>(~magnitude + 1)));
    } else if (code == kDouble) {
      if (packed.size() - pos < 8)
        return error("truncated double");
      uint64_t bits = 0;
      for (size_t i = 0; i < 8; ++i)
        bits = (bits << 8) | static_cast<uint8_t>(packed[pos + i]);
      pos += 8;
      bits = (bits >> 63) != 0 ? bits ^ (uint64_t{1} << 63) : ~bits;
      items.push_back(Node::Double(std::bit_cast<double>(bits)));
    } else {
      --pos;
      return error(fmt::format("unsupported type code 0x{:02x}", code));
    }
  }
  return MakeArray(arena, items);
}

}  // namespace flow::doc

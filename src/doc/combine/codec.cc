// SPDX-License-Identifier: Apache-2.0
// doc/combine/codec.cc: the compact binary form of a Node used in spill files.
#include "doc/combine/codec.h"

#include <bit>
#include <cstring>

namespace flow::doc::combine {
namespace {

// Doubles are stored as their in-memory bytes, which are the little-endian IEEE form.
static_assert(std::endian::native == std::endian::little);

enum Tag : uint8_t {
  kTagNull = 0,
  kTagFalse = 1,
  kTagTrue = 2,
  kTagPosInt = 3,
  kTagNegInt = 4,  // varint of -(v + 1)
  kTagDouble = 5,
  kTagString = 6,
  kTagArray = 7,
  kTagObject = 8,
};

// Nesting is bounded by the decoder so corrupt input cannot exhaust the stack.
constexpr int kMaxDepth = 4096;

Status Truncated() {
  return Status::Corruption("spill record: truncated or malformed node");
}

Result<Node> Decode(const char** p, const char* end, Arena& arena, int depth) {
  if (*p >= end)
    return Truncated();
  uint8_t tag = static_cast<uint8_t>(*(*p)++);
  uint64_t v;
  switch (tag) {
    case kTagNull:
      return Node::Null();
    case kTagFalse:
      return Node::Bool(false);
    case kTagTrue:
      return Node::Bool(true);
    case kTagPosInt:
      if (!GetVarint(p, end, &v))
        return Truncated();
      return Node::PosInt(v);
    case kTagNegInt:
      if (!GetVarint(p, end, &v) || v > uint64_t{INT64_MAX})
        return Truncated();
      return Node::Int(-static_cast<int64_t>(v) - 1);
    case kTagDouble: {
      if (end - *p < 8)
        return Truncated();
      double d;
      std::memcpy(&d, *p, 8);
      *p += 8;
      return Node::Double(d);
    }
    case kTagString:
      if (!GetVarint(p, end, &v) || v > static_cast<uint64_t>(end - *p))
        return Truncated();
      *p += v;
      return Node::String(arena, std::string_view(*p - v, v));
    case kTagArray: {
      // Every item takes at least one byte, which bounds the allocation.
      if (!GetVarint(p, end, &v) || v > static_cast<uint64_t>(end - *p))
        return Truncated();
      if (depth >= kMaxDepth)
        return Truncated();
      Node* items = arena.AllocateArray<Node>(v);
      for (uint64_t i = 0; i < v; ++i) {
        FLOW_ASSIGN_OR_RETURN(Node item, Decode(p, end, arena, depth + 1));
        new (&items[i]) Node(item);
      }
      return Node::Array(items, static_cast<uint32_t>(v));
    }
    case kTagObject: {
      if (!GetVarint(p, end, &v) || v > static_cast<uint64_t>(end - *p) / 2)
        return Truncated();
      if (depth >= kMaxDepth)
        return Truncated();
      Field* fields = arena.AllocateArray<Field>(v);
      for (uint64_t i = 0; i < v; ++i) {
        uint64_t len;
        if (!GetVarint(p, end, &len) || len > static_cast<uint64_t>(end - *p))
          return Truncated();
        std::string_view name = arena.CopyString(std::string_view(*p, len));
        *p += len;
        if (i > 0 && !(fields[i - 1].name < name)) {
          return Status::Corruption("spill record: object properties out of order");
        }
        FLOW_ASSIGN_OR_RETURN(Node value, Decode(p, end, arena, depth + 1));
        new (&fields[i]) Field{name, value};
      }
      return Node::Object(fields, static_cast<uint32_t>(v));
    }
  }
  return Status::Corruption("spill record: unknown node tag {}", tag);
}

}  // namespace

void PutVarint(uint64_t v, std::string* out) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

bool GetVarint(const char** p, const char* end, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift <= 63 && *p < end; shift += 7) {
    uint8_t b = static_cast<uint8_t>(*(*p)++);
    r |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = r;
      return true;
    }
  }
  return false;
}

void EncodeNode(const Node& n, std::string* out) {
  switch (n.type()) {
    case Type::kNull:
      out->push_back(kTagNull);
      return;
    case Type::kBool:
      out->push_back(n.as_bool() ? kTagTrue : kTagFalse);
      return;
    case Type::kPosInt:
      out->push_back(kTagPosInt);
      PutVarint(n.as_u64(), out);
      return;
    case Type::kNegInt:
      out->push_back(kTagNegInt);
      PutVarint(static_cast<uint64_t>(-(n.as_i64() + 1)), out);
      return;
    case Type::kDouble: {
      out->push_back(kTagDouble);
      double d = n.as_double();
      char buf[8];
      std::memcpy(buf, &d, 8);
      out->append(buf, 8);
      return;
    }
    case Type::kString:
      out->push_back(kTagString);
      PutVarint(n.size(), out);
      out->append(n.as_string());
      return;
    case Type::kArray:
      out->push_back(kTagArray);
      PutVarint(n.size(), out);
      for (const Node& item : n.items())
        EncodeNode(item, out);
      return;
    case Type::kObject:
      out->push_back(kTagObject);
      PutVarint(n.size(), out);
      for (const Field& f : n.fields()) {
        PutVarint(f.name.size(), out);
        out->append(f.name);
        EncodeNode(f.value, out);
      }
      return;
  }
}

Result<Node> DecodeNode(const char** p, const char* end, Arena& arena) {
  return Decode(p, end, arena, 0);
}

}  // namespace flow::doc::combine

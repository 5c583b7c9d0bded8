// SPDX-License-Identifier: Apache-2.0
// doc/node.cc: node construction helpers and property lookup.
#include "doc/node.h"

#include <algorithm>
#include <cstring>

namespace flow::doc {

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "boolean";
    case Type::kPosInt:
    case Type::kNegInt:
      return "integer";
    case Type::kDouble:
      return "number";
    case Type::kString:
      return "string";
    case Type::kArray:
      return "array";
    case Type::kObject:
      return "object";
  }
  return "unknown";
}

const Node* Node::Find(std::string_view name) const {
  if (type_ != Type::kObject)
    return nullptr;
  const Field* lo = fields_;
  const Field* hi = fields_ + len_;
  auto it =
      std::lower_bound(lo, hi, name, [](const Field& f, std::string_view n) { return f.name < n; });
  if (it != hi && it->name == name)
    return &it->value;
  return nullptr;
}

Node* Node::FindMutable(std::string_view name) {
  return const_cast<Node*>(Find(name));
}

Node MakeArray(Arena& arena, std::span<const Node> items) {
  Node* out = arena.AllocateArray<Node>(items.size());
  if (!items.empty())
    std::memcpy(static_cast<void*>(out), items.data(), items.size() * sizeof(Node));
  return Node::Array(out, static_cast<uint32_t>(items.size()));
}

Node MakeObject(Arena& arena, std::vector<Field>& fields) {
  std::stable_sort(fields.begin(), fields.end(),
                   [](const Field& a, const Field& b) { return a.name < b.name; });
  // Keep the last of each run of equal names.
  size_t w = 0;
  for (size_t r = 0; r < fields.size(); ++r) {
    if (r + 1 < fields.size() && fields[r + 1].name == fields[r].name)
      continue;
    fields[w++] = fields[r];
  }
  fields.resize(w);
  Field* out = arena.AllocateArray<Field>(w);
  for (size_t i = 0; i < w; ++i)
    new (&out[i]) Field(fields[i]);
  return Node::Object(out, static_cast<uint32_t>(w));
}

Node Clone(const Node& n, Arena& arena) {
  switch (n.type()) {
    case Type::kString:
      return Node::String(arena, n.as_string());
    case Type::kArray: {
      Node* items = arena.AllocateArray<Node>(n.size());
      for (uint32_t i = 0; i < n.size(); ++i)
        new (&items[i]) Node(Clone(n.items()[i], arena));
      return Node::Array(items, n.size());
    }
    case Type::kObject: {
      Field* fields = arena.AllocateArray<Field>(n.size());
      for (uint32_t i = 0; i < n.size(); ++i) {
        const Field& f = n.fields()[i];
        new (&fields[i]) Field{arena.CopyString(f.name), Clone(f.value, arena)};
      }
      return Node::Object(fields, n.size());
    }
    default:
      return n;
  }
}

uint32_t TapeLength(const Node& n) {
  uint32_t len = 1;
  if (n.is_array()) {
    for (const Node& c : n.items())
      len += TapeLength(c);
  } else if (n.is_object()) {
    for (const Field& f : n.fields())
      len += TapeLength(f.value);
  }
  return len;
}

}  // namespace flow::doc

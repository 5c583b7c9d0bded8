// SPDX-License-Identifier: Apache-2.0
// doc/pointer.cc: pointer parsing, query and create-on-write.
#include "doc/pointer.h"

#include <cstring>

namespace flow::doc {
namespace {

std::optional<uint32_t> ParseIndex(std::string_view s) {
  if (s.empty() || s.size() > 9)
    return std::nullopt;
  if (s.size() > 1 && s[0] == '0')
    return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  return v;
}

}  // namespace

std::string EscapeToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out.append("~0");
    } else if (c == '/') {
      out.append("~1");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<Pointer> Pointer::Parse(std::string_view text) {
  Pointer p;
  if (text.empty())
    return p;
  if (text[0] != '/') {
    return Status::InvalidArgument("{} is not a valid JSON pointer (missing leading '/' slash)",
                                   text);
  }
  size_t pos = 1;
  while (true) {
    size_t end = text.find('/', pos);
    std::string_view raw = text.substr(pos, end == std::string_view::npos ? end : end - pos);
    std::string tok;
    tok.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '~') {
        tok.push_back(raw[i]);
      } else if (i + 1 < raw.size() && raw[i + 1] == '0') {
        tok.push_back('~');
        ++i;
      } else if (i + 1 < raw.size() && raw[i + 1] == '1') {
        tok.push_back('/');
        ++i;
      } else {
        return Status::InvalidArgument(
            "{} is not a valid JSON pointer ('~' must be escaped as '~0' or '~1')", text);
      }
    }
    p.Push(tok);
    if (end == std::string_view::npos)
      break;
    pos = end + 1;
  }
  return p;
}

void Pointer::Push(std::string_view property) {
  Token t;
  t.property = std::string(property);
  t.index = ParseIndex(property);
  t.next_item = property == "-";
  tokens_.push_back(std::move(t));
}

const Node* Pointer::Query(const Node& doc) const {
  const Node* cur = &doc;
  for (const Token& t : tokens_) {
    if (cur->is_object()) {
      cur = cur->Find(t.property);
      if (cur == nullptr)
        return nullptr;
    } else if (cur->is_array()) {
      if (!t.index || *t.index >= cur->size())
        return nullptr;
      cur = &cur->items()[*t.index];
    } else {
      return nullptr;
    }
  }
  return cur;
}

Node* Pointer::Create(Node& doc, Arena& arena) const {
  Node* cur = &doc;
  for (const Token& t : tokens_) {
    bool item_token = t.index.has_value() || t.next_item;
    if (cur->is_null())
      *cur = item_token ? Node::Array(nullptr, 0) : Node::Object(nullptr, 0);
    if (cur->is_array()) {
      if (!item_token)
        return nullptr;  // a property of an array
      uint32_t idx = t.next_item ? cur->size() : *t.index;
      if (idx >= cur->size()) {
        uint32_t n = idx + 1;
        Node* items = arena.AllocateArray<Node>(n);
        for (uint32_t i = 0; i < n; ++i) {
          new (&items[i]) Node(i < cur->size() ? cur->items()[i] : Node::Null());
        }
        *cur = Node::Array(items, n);
      }
      cur = &cur->mutable_items()[idx];
      continue;
    }
    if (!cur->is_object())
      return nullptr;  // a child of a scalar
    Node* found = cur->FindMutable(t.property);
    if (found == nullptr) {
      // Insert the property in sorted position.
      uint32_t n = cur->size() + 1;
      Field* fields = arena.AllocateArray<Field>(n);
      uint32_t w = 0;
      bool placed = false;
      uint32_t placed_at = 0;
      for (const Field& f : cur->fields()) {
        if (!placed && t.property < f.name) {
          new (&fields[w]) Field{arena.CopyString(t.property), Node::Null()};
          placed_at = w++;
          placed = true;
        }
        new (&fields[w++]) Field(f);
      }
      if (!placed) {
        new (&fields[w]) Field{arena.CopyString(t.property), Node::Null()};
        placed_at = w++;
      }
      *cur = Node::Object(fields, n);
      found = &cur->mutable_fields()[placed_at].value;
    }
    cur = found;
  }
  return cur;
}

std::string Pointer::ToString() const {
  std::string out;
  for (const Token& t : tokens_) {
    out.push_back('/');
    out.append(EscapeToken(t.property));
  }
  return out;
}

}  // namespace flow::doc

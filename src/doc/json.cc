// SPDX-License-Identifier: Apache-2.0
// doc/json.cc: simdjson DOM to Node conversion, and the serializers.
#include "doc/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <simdjson.h>

namespace flow::doc {

struct Parser::Impl {
  simdjson::dom::parser parser;
};

Parser::Parser() : impl_(std::make_unique<Impl>()) {}
Parser::~Parser() = default;

namespace {

Node Convert(simdjson::dom::element e, Arena& arena) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::NULL_VALUE:
      return Node::Null();
    case element_type::BOOL:
      return Node::Bool(e.get_bool().value_unsafe());
    case element_type::INT64:
      return Node::Int(e.get_int64().value_unsafe());
    case element_type::UINT64:
      return Node::PosInt(e.get_uint64().value_unsafe());
    case element_type::DOUBLE:
      return Node::Double(e.get_double().value_unsafe());
    case element_type::STRING:
      return Node::String(arena, e.get_string().value_unsafe());
    case element_type::ARRAY: {
      simdjson::dom::array a = e.get_array().value_unsafe();
      size_t n = a.size();
      Node* items = arena.AllocateArray<Node>(n);
      size_t i = 0;
      for (simdjson::dom::element c : a)
        new (&items[i++]) Node(Convert(c, arena));
      return Node::Array(items, static_cast<uint32_t>(n));
    }
    case element_type::OBJECT: {
      simdjson::dom::object o = e.get_object().value_unsafe();
      size_t n = o.size();
      Field* fields = arena.AllocateArray<Field>(n);
      size_t i = 0;
      bool sorted = true;
      for (simdjson::dom::key_value_pair kv : o) {
        std::string_view name = arena.CopyString(kv.key);
        if (i > 0 && !(fields[i - 1].name < name))
          sorted = false;
        new (&fields[i++]) Field{name, Convert(kv.value, arena)};
      }
      if (!sorted) {
        std::stable_sort(fields, fields + n,
                         [](const Field& a, const Field& b) { return a.name < b.name; });
        // A repeated property keeps its last value.
        size_t w = 0;
        for (size_t r = 0; r < n; ++r) {
          if (r + 1 < n && fields[r + 1].name == fields[r].name)
            continue;
          fields[w++] = fields[r];
        }
        n = w;
      }
      return Node::Object(fields, static_cast<uint32_t>(n));
    }
  }
  return Node::Null();
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// True if the digits of an integer literal exceed u64 (or, negated, i64).
bool BeyondInt64Range(std::string_view digits, bool negative) {
  std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
  if (digits.size() != limit.size())
    return digits.size() > limit.size();
  return digits > limit;
}

// simdjson rejects integer literals beyond 64 bits, which Flow (serde_json) reads as
// doubles. Returns `json` with ".0" after each such literal, or nothing if there is none.
std::optional<std::string> WidenBigIntegers(std::string_view json) {
  std::string out;
  size_t copied = 0;
  size_t i = 0;
  while (i < json.size()) {
    char c = json[i];
    if (c == '"') {
      for (++i; i < json.size() && json[i] != '"'; ++i) {
        if (json[i] == '\\')
          ++i;
      }
      ++i;
      continue;
    }
    if (c != '-' && !IsDigit(c)) {
      ++i;
      continue;
    }
    bool negative = c == '-';
    size_t digits_begin = negative ? i + 1 : i;
    size_t digits_end = digits_begin;
    while (digits_end < json.size() && IsDigit(json[digits_end]))
      ++digits_end;
    i = digits_end;
    bool integral = i >= json.size() || (json[i] != '.' && json[i] != 'e' && json[i] != 'E');
    while (i < json.size() && (IsDigit(json[i]) || json[i] == '.' || json[i] == 'e' ||
                               json[i] == 'E' || json[i] == '+' || json[i] == '-')) {
      ++i;
    }
    std::string_view digits = json.substr(digits_begin, digits_end - digits_begin);
    if (integral && BeyondInt64Range(digits, negative)) {
      out.append(json.substr(copied, digits_end - copied));
      out.append(".0");
      copied = digits_end;
    }
  }
  if (copied == 0)
    return std::nullopt;
  out.append(json.substr(copied));
  return out;
}

}  // namespace

Result<Node> Parser::Parse(std::string_view json, Arena& arena) {
  simdjson::dom::element root;
  auto err = impl_->parser.parse(json.data(), json.size(), true).get(root);
  if (err == simdjson::NUMBER_ERROR) {
    if (std::optional<std::string> widened = WidenBigIntegers(json)) {
      if (!impl_->parser.parse(widened->data(), widened->size(), true).get(root)) {
        return Convert(root, arena);
      }
    }
  }
  if (err) {
    return Status::InvalidArgument("invalid JSON: {}", simdjson::error_message(err));
  }
  return Convert(root, arena);
}

void AppendJsonString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the current run of bytes needing no escape
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default: {
        char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out->append(u, 6);
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendDouble(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append("null");
    return;
  }
  // The shortest round-trip digits, laid out as serde_json (ryu) lays them out, so
  // documents read back byte-identical to Flow's: "1e21", "1.5e-7", "0.000001",
  // "100000000000000000000.0".
  char sci[32];
  auto res = std::to_chars(sci, sci + sizeof(sci), d, std::chars_format::scientific);
  std::string_view s(sci, static_cast<size_t>(res.ptr - sci));
  if (s[0] == '-') {
    out->push_back('-');
    s.remove_prefix(1);
  }
  size_t e = s.find('e');
  char digits[20];
  int length = 0;
  for (char c : s.substr(0, e)) {
    if (c != '.')
      digits[length++] = c;
  }
  int exp10 = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp10);
  int kk = exp10 + 1;  // 10^(kk-1) <= |d| < 10^kk
  int k = kk - length;
  if (length == 1 && digits[0] == '0') {
    out->append("0.0");
  } else if (k >= 0 && kk <= 21) {
    out->append(digits, static_cast<size_t>(length));
    out->append(static_cast<size_t>(k), '0');
    out->append(".0");
  } else if (kk > 0 && kk <= 21) {
    out->append(digits, static_cast<size_t>(kk));
    out->push_back('.');
    out->append(digits + kk, static_cast<size_t>(length - kk));
  } else if (kk > -6 && kk <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-kk), '0');
    out->append(digits, static_cast<size_t>(length));
  } else {
    out->push_back(digits[0]);
    if (length > 1) {
      out->push_back('.');
      out->append(digits + 1, static_cast<size_t>(length - 1));
    }
    out->push_back('e');
    char buf[8];
    auto r = std::to_chars(buf, buf + sizeof(buf), kk - 1);
    out->append(buf, static_cast<size_t>(r.ptr - buf));
  }
}

void AppendJson(const Node& n, std::string* out) {
  switch (n.type()) {
    case Type::kNull:
      out->append("null");
      return;
    case Type::kBool:
      out->append(n.as_bool() ? "true" : "false");
      return;
    case Type::kPosInt: {
      char buf[24];
      auto end = fmt::format_to(buf, "{}", n.as_u64());
      out->append(buf, static_cast<size_t>(end - buf));
      return;
    }
    case Type::kNegInt: {
      char buf[24];
      auto end = fmt::format_to(buf, "{}", n.as_i64());
      out->append(buf, static_cast<size_t>(end - buf));
      return;
    }
    case Type::kDouble:
      AppendDouble(n.as_double(), out);
      return;
    case Type::kString:
      AppendJsonString(n.as_string(), out);
      return;
    case Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Node& c : n.items()) {
        if (!first)
          out->push_back(',');
        first = false;
        AppendJson(c, out);
      }
      out->push_back(']');
      return;
    }
    case Type::kObject: {
      out->push_back('{');
      bool first = true;
      for (const Field& f : n.fields()) {
        if (!first)
          out->push_back(',');
        first = false;
        AppendJsonString(f.name, out);
        out->push_back(':');
        AppendJson(f.value, out);
      }
      out->push_back('}');
      return;
    }
  }
}

std::string ToJson(const Node& n) {
  std::string out;
  AppendJson(n, &out);
  return out;
}

namespace {

void AppendPretty(const Node& n, int indent, int depth, std::string* out) {
  auto newline = [&](int d) {
    out->push_back('\n');
    out->append(static_cast<size_t>(indent * d), ' ');
  };
  if (n.is_array() && n.size() > 0) {
    out->push_back('[');
    bool first = true;
    for (const Node& c : n.items()) {
      if (!first)
        out->push_back(',');
      first = false;
      newline(depth + 1);
      AppendPretty(c, indent, depth + 1, out);
    }
    newline(depth);
    out->push_back(']');
  } else if (n.is_object() && n.size() > 0) {
    out->push_back('{');
    bool first = true;
    for (const Field& f : n.fields()) {
      if (!first)
        out->push_back(',');
      first = false;
      newline(depth + 1);
      AppendJsonString(f.name, out);
      out->append(": ");
      AppendPretty(f.value, indent, depth + 1, out);
    }
    newline(depth);
    out->push_back('}');
  } else {
    AppendJson(n, out);
  }
}

}  // namespace

std::string ToPrettyJson(const Node& n, int indent) {
  std::string out;
  AppendPretty(n, indent, 0, &out);
  return out;
}

}  // namespace flow::doc

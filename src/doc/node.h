// SPDX-License-Identifier: Apache-2.0
// doc/node.h: the JSON document model: 16-byte nodes whose children live in an Arena.
//
// A Node is a value type: copying it copies the handle, not the children. Strings,
// arrays and objects point into an Arena (or into static memory) that must outlive
// every Node referring to it. Object fields are kept sorted by name (bytewise) with
// unique names, which is the order Flow serializes and compares them in.
// Integers are normalized: non-negative values are kPosInt (u64), negative values
// kNegInt (i64); kDouble is kept distinct even when integral (1.0 stays 1.0).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "doc/arena.h"

namespace flow::doc {

enum class Type : uint8_t {
  kNull = 0,
  kBool,
  kPosInt,  ///< an integer >= 0, as u64
  kNegInt,  ///< an integer < 0, as i64
  kDouble,
  kString,
  kArray,
  kObject,
};

/// JSON Schema type name of a type ("integer" for both int kinds).
std::string_view TypeName(Type t);

struct Field;

class Node {
 public:
  Node() : type_(Type::kNull), len_(0), u_(0) {}

  static Node Null() { return Node(); }
  static Node Bool(bool b) {
    Node n(Type::kBool, 0);
    n.b_ = b;
    return n;
  }
  static Node PosInt(uint64_t v) {
    Node n(Type::kPosInt, 0);
    n.u_ = v;
    return n;
  }
  static Node Int(int64_t v) {
    if (v >= 0)
      return PosInt(static_cast<uint64_t>(v));
    Node n(Type::kNegInt, 0);
    n.i_ = v;
    return n;
  }
  static Node Double(double d) {
    Node n(Type::kDouble, 0);
    n.d_ = d;
    return n;
  }
  /// A string referring to `s`, which must outlive the node.
  static Node StringRef(std::string_view s) {
    Node n(Type::kString, static_cast<uint32_t>(s.size()));
    n.s_ = s.data();
    return n;
  }
  /// A string copied into `arena`.
  static Node String(Arena& arena, std::string_view s) { return StringRef(arena.CopyString(s)); }
  /// An array over `n` contiguous items (arena memory).
  static Node Array(Node* items, uint32_t n) {
    Node a(Type::kArray, n);
    a.items_ = items;
    return a;
  }
  /// An object over `n` fields that are already sorted by name and unique.
  static Node Object(Field* fields, uint32_t n) {
    Node o(Type::kObject, n);
    o.fields_ = fields;
    return o;
  }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_integer() const { return type_ == Type::kPosInt || type_ == Type::kNegInt; }
  bool is_number() const { return is_integer() || type_ == Type::kDouble; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool as_bool() const { return b_; }
  uint64_t as_u64() const { return u_; }
  int64_t as_i64() const { return i_; }
  /// Any number as a double (integers are converted).
  double as_double() const {
    switch (type_) {
      case Type::kPosInt:
        return static_cast<double>(u_);
      case Type::kNegInt:
        return static_cast<double>(i_);
      case Type::kDouble:
        return d_;
      default:
        return 0;
    }
  }
  std::string_view as_string() const { return std::string_view(s_, len_); }

  /// Number of array items, object fields or string bytes; 0 for scalars.
  uint32_t size() const { return len_; }
  std::span<const Node> items() const { return {items_, len_}; }
  std::span<Node> mutable_items() { return {items_, len_}; }
  std::span<const Field> fields() const;
  std::span<Field> mutable_fields();

  /// The value of property `name`, or nullptr (binary search; objects only).
  const Node* Find(std::string_view name) const;
  Node* FindMutable(std::string_view name);

 private:
  Node(Type t, uint32_t len) : type_(t), len_(len), u_(0) {}

  Type type_;
  uint32_t len_;
  union {
    bool b_;
    uint64_t u_;
    int64_t i_;
    double d_;
    const char* s_;
    Node* items_;
    Field* fields_;
  };
};
static_assert(sizeof(Node) == 16);

struct Field {
  std::string_view name;
  Node value;
};

inline std::span<const Field> Node::fields() const {
  return {fields_, len_};
}
inline std::span<Field> Node::mutable_fields() {
  return {fields_, len_};
}

/// Builds an array in `arena` from `items`.
Node MakeArray(Arena& arena, std::span<const Node> items);
/// Builds an object in `arena`: sorts `fields` by name; a repeated name keeps the last value.
Node MakeObject(Arena& arena, std::vector<Field>& fields);
/// Deep-copies `n` (strings and children) into `arena`.
Node Clone(const Node& n, Arena& arena);
/// Counts `n` and its descendants (the pre-order "tape" length).
uint32_t TapeLength(const Node& n);

}  // namespace flow::doc

// SPDX-License-Identifier: Apache-2.0
// doc/schema/shape.h: static facts about the documents a schema admits, per location.
//
// A Shape describes one document location: the types it may take, its annotations
// (title, description, default, reduce, format, secret, x-*), bounds, and the shapes of
// its properties and items. InferShape() computes it from a compiled Schema the way
// Flow's crates/doc/src/shape does: `allOf` (and `$ref`, `$dynamicRef`, sibling
// keywords) intersect, `anyOf`/`oneOf` union, and `if`/`then`/`else` contributes the
// union of `then` and `else`. The catalog uses Locate() for key and partition
// pointers, Locations() for inferred projections, and Inspect() for schema errors.
//
// Node values inside a Shape (enum, default, bounds) point into the Schema's memory:
// keep the Schema alive while using the Shape.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doc/annotation.h"
#include "doc/node.h"
#include "doc/pointer.h"
#include "doc/schema/validator.h"

namespace flow::doc::schema {

class Regex;

/// A set of JSON types as Flow distinguishes them: "number" is integer | fractional.
using TypeSet = uint8_t;
inline constexpr TypeSet kTypeInvalid = 0;
inline constexpr TypeSet kTypeArray = 1 << 0;
inline constexpr TypeSet kTypeBoolean = 1 << 1;
inline constexpr TypeSet kTypeFractional = 1 << 2;
inline constexpr TypeSet kTypeInteger = 1 << 3;
inline constexpr TypeSet kTypeNull = 1 << 4;
inline constexpr TypeSet kTypeObject = 1 << 5;
inline constexpr TypeSet kTypeString = 1 << 6;
inline constexpr TypeSet kTypeNumber = kTypeInteger | kTypeFractional;
inline constexpr TypeSet kTypeAny = 0x7f;

/// Type names in Flow's order: "array", "boolean", "fractional"|"integer"|"number",
/// "null", "object", "string" ("number" when both integer and fractional are in).
std::vector<std::string_view> TypeNames(TypeSet types);
/// Flow's rendering of a type set in messages: `"integer", "null"` (empty set: ``).
std::string TypeSetString(TypeSet types);
/// The type of a value (a double with no fractional part is an integer).
TypeSet TypeOfNode(const Node& n);

/// Whether a location exists, from the schema's point of view (spec §2.1).
enum class Exists : uint8_t {
  kMust,      ///< always required
  kMay,       ///< explicitly described but optional
  kImplicit,  ///< not described, but permitted (e.g. open additionalProperties)
  kCannot,    ///< prohibited
};
std::string_view ExistsName(Exists e);

class Shape;

/// A deep-copying owning pointer, so Shapes are regular values.
class ShapeBox {
 public:
  ShapeBox() = default;
  explicit ShapeBox(Shape s);
  ShapeBox(const ShapeBox& o);
  ShapeBox& operator=(const ShapeBox& o);
  ShapeBox(ShapeBox&&) noexcept = default;
  ShapeBox& operator=(ShapeBox&&) noexcept = default;
  ~ShapeBox();
  explicit operator bool() const { return p_ != nullptr; }
  Shape* get() const { return p_.get(); }
  Shape& operator*() const { return *p_; }
  Shape* operator->() const { return p_.get(); }
  void reset() { p_.reset(); }

 private:
  std::unique_ptr<Shape> p_;
};

class Shape {
 public:
  enum class Reduction : uint8_t {
    kUnset,     ///< no `reduce` annotation
    kStrategy,  ///< exactly one strategy: `reduce`
    kMultiple,  ///< several different strategies may apply (e.g. per oneOf branch)
  };

  struct Property {
    std::string name;
    bool required = false;
    ShapeBox shape;
  };
  struct Pattern {
    std::string pattern;
    std::shared_ptr<const Regex> re;
    ShapeBox shape;
  };

  enum class Redact : uint8_t { kUnset, kBlock, kSha256, kMultiple };

  TypeSet types = kTypeAny;
  std::optional<std::vector<Node>> enum_values;  ///< allowed values, if restricted
  std::optional<std::string> title;
  std::optional<std::string> description;
  Reduction reduction = Reduction::kUnset;
  const ReduceSpec* reduce = nullptr;  ///< set iff reduction == kStrategy
  std::optional<Node> default_value;
  /// If the default does not validate against its own schema: the first error.
  std::optional<std::string> default_error;
  Redact redact = Redact::kUnset;  ///< `redact: {strategy: block|sha256}`
  std::optional<bool> secret;
  std::vector<std::pair<std::string, Node>> annotations;  ///< x-*/X-* keywords, sorted

  // Strings.
  std::optional<std::string> format;
  std::optional<std::string> content_encoding;
  std::optional<std::string> content_media_type;
  uint32_t min_length = 0;
  std::optional<uint32_t> max_length;
  // Numbers (also x-str-minimum/maximum are not tracked).
  std::optional<Node> minimum;
  std::optional<Node> maximum;
  // Arrays.
  std::vector<ShapeBox> tuple;  ///< prefixItems / array-form items
  ShapeBox additional_items;    ///< items after the tuple, if constrained
  uint32_t min_items = 0;
  std::optional<uint32_t> max_items;
  // Objects.
  std::vector<Property> properties;  ///< sorted by name
  std::vector<Pattern> pattern_properties;
  ShapeBox additional_properties;  ///< additionalProperties/unevaluatedProperties

  /// The shape that admits anything ("true") and the one that admits nothing ("false").
  static Shape Anything();
  static Shape Nothing();

  /// The shape at `ptr` and whether it exists there. Unknown locations get the
  /// Anything() shape; a location whose types are empty is kCannot.
  std::pair<const Shape*, Exists> Locate(const Pointer& ptr) const;

  struct Location {
    std::string pointer;   ///< e.g. "/a/b", "/arr/0"; "/*" for additionalProperties, "/-" for items
    bool pattern = false;  ///< below a patternProperties, additionalProperties or items
    const Shape* shape = nullptr;
    Exists exists = Exists::kMust;
  };
  /// Every location of the shape in Flow's order (root first, then properties in name
  /// order, pattern properties, additional properties, tuple items, additional items).
  /// Inferred projections use the entries with pattern == false (spec §1.6).
  std::vector<Location> Locations() const;

  /// The schema inspections of spec §2.2, as messages in Flow's wording.
  std::vector<std::string> Inspect() const;

  /// Intersection (allOf) and union (anyOf/oneOf) of shapes, as Flow computes them.
  static Shape Intersect(Shape a, Shape b);
  static Shape Union(Shape a, Shape b);
};

/// Infers the Shape of the root of `schema`.
Shape InferShape(const Schema& schema);

}  // namespace flow::doc::schema

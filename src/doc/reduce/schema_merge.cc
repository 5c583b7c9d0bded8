// SPDX-License-Identifier: Apache-2.0
// doc/reduce/schema_merge.cc: the `jsonSchemaMerge` strategy: the union of two schemas'
// inferred shapes, rendered back to a schema (Flow's reduce/strategy.rs
// json_schema_merge over shape/{inference,union,schema}.rs).
//
// Each side is compiled as the schema `json-schema-reduction:///` and its root shape is
// inferred by doc/schema (so $ref, allOf, anyOf, oneOf and if/then/else count as in
// Flow); the union is doc/schema's Shape::Union. Malformed `type` keywords are reported
// in Flow's words before compiling; any other compile error carries doc/schema's text.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "doc/json.h"
#include "doc/reduce/reducer.h"
#include "doc/schema/shape.h"
#include "doc/schema/validator.h"

namespace flow::doc::reduce {
namespace {

constexpr std::string_view kSchemaUrl = "json-schema-reduction:///";
constexpr std::string_view kDraft07 = "http://json-schema.org/draft-07/schema#";

bool IsTypeName(std::string_view n) {
  return n == "array" || n == "boolean" || n == "integer" || n == "null" || n == "number" ||
         n == "object" || n == "string";
}

// Checks every subschema's `type`, with Flow's message for a bad one.
Status CheckTypes(const Node& schema, const std::string& ptr) {
  if (!schema.is_object())
    return Status::OK();
  for (const Field& f : schema.fields()) {
    const Node& v = f.value;
    std::string child = ptr + "/" + EscapeToken(f.name);
    if (f.name == "type") {
      auto bad = [&](std::string_view why) {
        return Status::InvalidArgument(
            "at keyword 'type' of schema '{}{}': expected a type or array of types: {}", kSchemaUrl,
            ptr.empty() ? "" : "#" + ptr, why);
      };
      std::vector<Node> names = v.is_array() ? std::vector<Node>(v.items().begin(), v.items().end())
                                             : std::vector<Node>{v};
      for (const Node& n : names) {
        if (!n.is_string())
          return bad("expected a string");
        if (!IsTypeName(n.as_string())) {
          return bad(fmt::format("invalid type name: '{}'", n.as_string()));
        }
      }
    } else if (f.name == "properties" || f.name == "patternProperties" || f.name == "$defs" ||
               f.name == "definitions" || f.name == "dependentSchemas") {
      for (const Field& p : v.fields()) {
        FLOW_TRY(CheckTypes(p.value, child + "/" + EscapeToken(p.name)));
      }
    } else if (f.name == "items" || f.name == "prefixItems" || f.name == "allOf" ||
               f.name == "anyOf" || f.name == "oneOf") {
      if (v.is_array()) {
        for (uint32_t i = 0; i < v.size(); ++i) {
          FLOW_TRY(CheckTypes(v.items()[i], fmt::format("{}/{}", child, i)));
        }
      } else {
        FLOW_TRY(CheckTypes(v, child));
      }
    } else if (f.name == "additionalProperties" || f.name == "additionalItems" || f.name == "not" ||
               f.name == "if" || f.name == "then" || f.name == "else" || f.name == "contains" ||
               f.name == "propertyNames" || f.name == "unevaluatedItems" ||
               f.name == "unevaluatedProperties") {
      FLOW_TRY(CheckTypes(v, child));
    }
  }
  return Status::OK();
}

struct Inferred {
  std::shared_ptr<const schema::Schema> schema;  // owns the Nodes the shape points to
  schema::Shape shape;
};

Result<Inferred> Infer(const Node& doc) {
  FLOW_TRY(CheckTypes(doc, ""));
  schema::SchemaIndex index;
  FLOW_TRY(index.Add(kSchemaUrl, doc));
  FLOW_ASSIGN_OR_RETURN(auto compiled, schema::Schema::Compile(index, kSchemaUrl));
  schema::Shape shape = schema::InferShape(*compiled);
  return Inferred{std::move(compiled), std::move(shape)};
}

Node RenderReduce(const ReduceSpec& spec, Arena& arena) {
  std::vector<Field> f{{"strategy", Node::String(arena, StrategyName(spec.strategy))}};
  bool takes_key = spec.strategy == Strategy::kMerge || spec.strategy == Strategy::kMinimize ||
                   spec.strategy == Strategy::kMaximize || spec.strategy == Strategy::kSet;
  if (takes_key) {
    std::vector<Node> key;
    for (const Pointer& p : spec.key)
      key.push_back(Node::String(arena, p.ToString()));
    f.push_back({"key", MakeArray(arena, key)});
  }
  if (spec.delete_)
    f.push_back({"delete", Node::Bool(true)});
  return MakeObject(arena, f);
}

// Flow's shape/schema.rs to_sub_schema.
Node Render(const schema::Shape& s, Arena& arena) {
  using namespace schema;
  if (s.types == kTypeInvalid)
    return Node::Bool(false);
  std::vector<Field> f;
  auto str = [&](std::string_view v) { return Node::String(arena, v); };
  if (s.types != kTypeAny) {
    std::vector<Node> names;
    for (std::string_view n : TypeNames(s.types)) {
      names.push_back(Node::StringRef(n == "fractional" ? "number" : n));
    }
    f.push_back({"type", names.size() == 1 ? names[0] : MakeArray(arena, names)});
  }
  if (s.enum_values)
    f.push_back({"enum", MakeArray(arena, *s.enum_values)});
  if (s.title)
    f.push_back({"title", str(*s.title)});
  if (s.description)
    f.push_back({"description", str(*s.description)});
  if (s.default_value)
    f.push_back({"default", *s.default_value});
  if (s.types & kTypeObject) {
    std::vector<Field> props;
    std::vector<Node> required;
    for (const Shape::Property& p : s.properties) {
      if (p.required)
        required.push_back(str(p.name));
      props.push_back({arena.CopyString(p.name), Render(*p.shape, arena)});
    }
    if (!props.empty())
      f.push_back({"properties", MakeObject(arena, props)});
    if (!required.empty())
      f.push_back({"required", MakeArray(arena, required)});
    std::vector<Field> pats;
    for (const Shape::Pattern& p : s.pattern_properties) {
      pats.push_back({arena.CopyString(p.pattern), Render(*p.shape, arena)});
    }
    if (!pats.empty())
      f.push_back({"patternProperties", MakeObject(arena, pats)});
    if (s.additional_properties) {
      f.push_back({"additionalProperties", Render(*s.additional_properties, arena)});
    }
  }
  if (s.types & kTypeArray) {
    if (s.min_items != 0)
      f.push_back({"minItems", Node::PosInt(s.min_items)});
    if (s.max_items)
      f.push_back({"maxItems", Node::PosInt(*s.max_items)});
    if (!s.tuple.empty()) {
      std::vector<Node> items;
      for (const ShapeBox& t : s.tuple)
        items.push_back(Render(*t, arena));
      f.push_back({"items", MakeArray(arena, items)});
      if (s.additional_items) {
        f.push_back({"additionalItems", Render(*s.additional_items, arena)});
      }
    } else if (s.additional_items) {
      f.push_back({"items", Render(*s.additional_items, arena)});
    }
  }
  if (s.types & kTypeString) {
    if (s.content_encoding)
      f.push_back({"contentEncoding", str(*s.content_encoding)});
    if (s.content_media_type)
      f.push_back({"contentMediaType", str(*s.content_media_type)});
    if (s.format)
      f.push_back({"format", str(*s.format)});
    if (s.min_length != 0)
      f.push_back({"minLength", Node::PosInt(s.min_length)});
    if (s.max_length)
      f.push_back({"maxLength", Node::PosInt(*s.max_length)});
  }
  if (s.types & kTypeNumber) {
    if (s.minimum)
      f.push_back({"minimum", *s.minimum});
    if (s.maximum)
      f.push_back({"maximum", *s.maximum});
  }
  if (s.secret && *s.secret)
    f.push_back({"secret", Node::Bool(true)});
  if (s.reduction == Shape::Reduction::kStrategy && s.reduce != nullptr) {
    f.push_back({"reduce", RenderReduce(*s.reduce, arena)});
  } else if (s.reduction == Shape::Reduction::kMultiple) {
    f.push_back({"reduce", Node::StringRef("multiple-strategies")});
  }
  for (const auto& [k, v] : s.annotations)
    f.push_back({arena.CopyString(k), v});
  return MakeObject(arena, f);
}

}  // namespace

Result<Node> ReduceJsonSchemaMerge(Reducer& r, const Node& lhs, const Node& rhs, const Loc* loc) {
  if (!lhs.is_object() || !rhs.is_object()) {
    return ErrorAt(loc, ErrorKind::kJsonSchemaMergeWrongType);
  }
  auto left = Infer(lhs);
  if (!left.ok()) {
    return ErrorAt(loc, ErrorKind::kJsonSchemaMergeWrongType, left.status().message());
  }
  auto right = Infer(rhs);
  if (!right.ok()) {
    return ErrorAt(loc, ErrorKind::kJsonSchemaMergeWrongType, right.status().message());
  }
  schema::Shape merged = schema::Shape::Union(left->shape, right->shape);
  // Render into a temporary arena (the shapes point into the compiled schemas), then
  // copy the result into the reduction's arena.
  Arena tmp;
  Node out = Render(merged, tmp);
  if (out.is_object()) {
    std::vector<Field> f(out.fields().begin(), out.fields().end());
    f.push_back({"$schema", Node::StringRef(kDraft07)});
    out = MakeObject(tmp, f);
  }
  r.SkipRhs();
  return Clone(out, r.arena());
}

}  // namespace flow::doc::reduce

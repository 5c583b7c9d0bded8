// SPDX-License-Identifier: Apache-2.0
// doc/schema/shape.cc: shape inference over a compiled Program, with Flow's union and
// intersection rules (crates/doc/src/shape/{inference,intersect,union,location,
// inspections}.rs).
#include "doc/schema/shape.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "doc/json.h"
#include "doc/schema/program.h"

namespace flow::doc::schema {

using internal::Instr;
using internal::kNone;
using internal::Op;
using internal::Program;
using internal::SNode;

std::vector<std::string_view> TypeNames(TypeSet t) {
  std::vector<std::string_view> out;
  if (t & kTypeArray)
    out.push_back("array");
  if (t & kTypeBoolean)
    out.push_back("boolean");
  if ((t & kTypeNumber) == kTypeFractional)
    out.push_back("fractional");
  if ((t & kTypeNumber) == kTypeInteger)
    out.push_back("integer");
  if (t & kTypeNull)
    out.push_back("null");
  if ((t & kTypeNumber) == kTypeNumber)
    out.push_back("number");
  if (t & kTypeObject)
    out.push_back("object");
  if (t & kTypeString)
    out.push_back("string");
  return out;
}

std::string TypeSetString(TypeSet t) {
  std::string out;
  for (std::string_view n : TypeNames(t)) {
    if (!out.empty())
      out += ", ";
    out += '"';
    out += n;
    out += '"';
  }
  return out;
}

TypeSet TypeOfNode(const Node& n) {
  switch (n.type()) {
    case Type::kNull:
      return kTypeNull;
    case Type::kBool:
      return kTypeBoolean;
    case Type::kPosInt:
    case Type::kNegInt:
      return kTypeInteger;
    case Type::kDouble: {
      double d = n.as_double();
      return std::isfinite(d) && d == std::floor(d) ? kTypeInteger : kTypeFractional;
    }
    case Type::kString:
      return kTypeString;
    case Type::kArray:
      return kTypeArray;
    case Type::kObject:
      return kTypeObject;
  }
  return kTypeInvalid;
}

std::string_view ExistsName(Exists e) {
  switch (e) {
    case Exists::kMust:
      return "must";
    case Exists::kMay:
      return "may";
    case Exists::kImplicit:
      return "implicit";
    case Exists::kCannot:
      return "cannot";
  }
  return "unknown";
}

ShapeBox::ShapeBox(Shape s) : p_(std::make_unique<Shape>(std::move(s))) {}
ShapeBox::ShapeBox(const ShapeBox& o) : p_(o.p_ ? std::make_unique<Shape>(*o.p_) : nullptr) {}
ShapeBox& ShapeBox::operator=(const ShapeBox& o) {
  if (this != &o)
    p_ = o.p_ ? std::make_unique<Shape>(*o.p_) : nullptr;
  return *this;
}
ShapeBox::~ShapeBox() = default;

Shape Shape::Anything() {
  return Shape();
}

Shape Shape::Nothing() {
  Shape s;
  s.types = kTypeInvalid;
  return s;
}

namespace {

bool Overlaps(TypeSet a, TypeSet b) {
  return (a & b) != 0;
}

TypeSet ValueTypes(const std::vector<Node>& values) {
  TypeSet t = kTypeInvalid;
  for (const Node& v : values)
    t |= TypeOfNode(v);
  return t;
}

std::vector<Node> FilterToTypes(TypeSet t, std::vector<Node> v) {
  std::erase_if(v, [&](const Node& n) { return !Overlaps(t, TypeOfNode(n)); });
  return v;
}

void SortValues(std::vector<Node>& v) {
  std::stable_sort(v.begin(), v.end(),
                   [](const Node& a, const Node& b) { return internal::JsonCompare(a, b) < 0; });
}

std::optional<std::vector<Node>> IntersectEnum(TypeSet t, std::optional<std::vector<Node>> l,
                                               std::optional<std::vector<Node>> r) {
  if (!l && !r)
    return std::nullopt;
  if (l && !r)
    return FilterToTypes(t, std::move(*l));
  if (!l && r)
    return FilterToTypes(t, std::move(*r));
  std::vector<Node> out;
  size_t i = 0, j = 0;
  while (i < l->size() && j < r->size()) {
    int c = internal::JsonCompare((*l)[i], (*r)[j]);
    if (c < 0) {
      ++i;
    } else if (c > 0) {
      ++j;
    } else {
      out.push_back((*l)[i]);
      ++i, ++j;
    }
  }
  return FilterToTypes(t, std::move(out));
}

std::optional<std::vector<Node>> UnionEnum(std::optional<std::vector<Node>> l,
                                           std::optional<std::vector<Node>> r) {
  if (!l || !r)
    return std::nullopt;
  std::vector<Node> out;
  size_t i = 0, j = 0;
  while (i < l->size() || j < r->size()) {
    if (j >= r->size()) {
      out.push_back((*l)[i++]);
    } else if (i >= l->size()) {
      out.push_back((*r)[j++]);
    } else {
      int c = internal::JsonCompare((*l)[i], (*r)[j]);
      if (c < 0) {
        out.push_back((*l)[i++]);
      } else if (c > 0) {
        out.push_back((*r)[j++]);
      } else {
        out.push_back((*l)[i]);
        ++i, ++j;
      }
    }
  }
  return out;
}

bool SpecEqual(const ReduceSpec* a, const ReduceSpec* b) {
  if (a == b)
    return true;
  if (!a || !b || a->strategy != b->strategy || a->delete_ != b->delete_ ||
      a->key.size() != b->key.size()) {
    return false;
  }
  for (size_t i = 0; i < a->key.size(); ++i) {
    if (!(a->key[i] == b->key[i]))
      return false;
  }
  return true;
}

template <typename T>
std::optional<T> UnionOption(std::optional<T> l, const std::optional<T>& r) {
  if (l == r)
    return l;
  return std::nullopt;
}

std::optional<Node> UnionNode(const std::optional<Node>& l, const std::optional<Node>& r) {
  if (l && r && internal::JsonEqual(*l, *r))
    return l;
  return std::nullopt;
}

// The shape a property named `name` takes from patterns, else additional properties.
std::optional<Shape> ImputeProperty(const std::string& name,
                                    const std::vector<Shape::Pattern>& patterns,
                                    const ShapeBox& additional) {
  std::optional<Shape> out;
  for (const Shape::Pattern& p : patterns) {
    if (!p.re->Search(name))
      continue;
    out = out ? Shape::Intersect(std::move(*out), *p.shape) : *p.shape;
  }
  if (out)
    return out;
  if (additional)
    return *additional;
  return std::nullopt;
}

ShapeBox IntersectBox(ShapeBox l, ShapeBox r) {
  if (l && r)
    return ShapeBox(Shape::Intersect(*l, *r));
  return l ? l : r;
}

ShapeBox UnionBox(const ShapeBox& l, const ShapeBox& r) {
  if (l && r)
    return ShapeBox(Shape::Union(*l, *r));
  return ShapeBox();
}

void IntersectObject(Shape& out, Shape& l, Shape& r) {
  std::vector<Shape::Property> props;
  size_t i = 0, j = 0;
  auto& lp = l.properties;
  auto& rp = r.properties;
  while (i < lp.size() || j < rp.size()) {
    int c = i >= lp.size() ? 1 : j >= rp.size() ? -1 : lp[i].name.compare(rp[j].name);
    if (c == 0) {
      Shape::Property p;
      p.name = lp[i].name;
      p.required = lp[i].required || rp[j].required;
      p.shape = ShapeBox(Shape::Intersect(*lp[i].shape, *rp[j].shape));
      props.push_back(std::move(p));
      ++i, ++j;
    } else {
      Shape::Property p = c < 0 ? std::move(lp[i++]) : std::move(rp[j++]);
      const Shape& other = c < 0 ? r : l;
      if (auto imputed =
              ImputeProperty(p.name, other.pattern_properties, other.additional_properties)) {
        p.shape = ShapeBox(Shape::Intersect(*p.shape, std::move(*imputed)));
      }
      props.push_back(std::move(p));
    }
  }
  std::vector<Shape::Pattern> patterns;
  i = 0, j = 0;
  auto& lq = l.pattern_properties;
  auto& rq = r.pattern_properties;
  while (i < lq.size() || j < rq.size()) {
    int c = i >= lq.size() ? 1 : j >= rq.size() ? -1 : lq[i].pattern.compare(rq[j].pattern);
    if (c == 0) {
      Shape::Pattern p = lq[i];
      p.shape = ShapeBox(Shape::Intersect(*lq[i].shape, *rq[j].shape));
      patterns.push_back(std::move(p));
      ++i, ++j;
    } else {
      patterns.push_back(c < 0 ? lq[i++] : rq[j++]);
    }
  }
  out.properties = std::move(props);
  out.pattern_properties = std::move(patterns);
  out.additional_properties = IntersectBox(l.additional_properties, r.additional_properties);
}

void UnionObject(Shape& out, Shape& l, Shape& r) {
  std::vector<Shape::Property> props;
  size_t i = 0, j = 0;
  auto& lp = l.properties;
  auto& rp = r.properties;
  while (i < lp.size() || j < rp.size()) {
    int c = i >= lp.size() ? 1 : j >= rp.size() ? -1 : lp[i].name.compare(rp[j].name);
    if (c == 0) {
      Shape::Property p;
      p.name = lp[i].name;
      p.required = lp[i].required && rp[j].required;
      p.shape = ShapeBox(Shape::Union(*lp[i].shape, *rp[j].shape));
      props.push_back(std::move(p));
      ++i, ++j;
    } else {
      Shape::Property p = c < 0 ? std::move(lp[i++]) : std::move(rp[j++]);
      const Shape& other = c < 0 ? r : l;
      if (auto imputed =
              ImputeProperty(p.name, other.pattern_properties, other.additional_properties)) {
        p.required = false;
        p.shape = ShapeBox(Shape::Union(*p.shape, std::move(*imputed)));
        props.push_back(std::move(p));
      }
    }
  }
  std::vector<Shape::Pattern> patterns;
  i = 0, j = 0;
  auto& lq = l.pattern_properties;
  auto& rq = r.pattern_properties;
  while (i < lq.size() || j < rq.size()) {
    int c = i >= lq.size() ? 1 : j >= rq.size() ? -1 : lq[i].pattern.compare(rq[j].pattern);
    if (c == 0) {
      Shape::Pattern p = lq[i];
      p.shape = ShapeBox(Shape::Union(*lq[i].shape, *rq[j].shape));
      patterns.push_back(std::move(p));
      ++i, ++j;
    } else if (c < 0) {
      if (r.additional_properties) {
        Shape::Pattern p = lq[i];
        p.shape = ShapeBox(Shape::Union(*lq[i].shape, *r.additional_properties));
        patterns.push_back(std::move(p));
      }
      ++i;
    } else {
      if (l.additional_properties) {
        Shape::Pattern p = rq[j];
        p.shape = ShapeBox(Shape::Union(*l.additional_properties, *rq[j].shape));
        patterns.push_back(std::move(p));
      }
      ++j;
    }
  }
  out.properties = std::move(props);
  out.pattern_properties = std::move(patterns);
  out.additional_properties = UnionBox(l.additional_properties, r.additional_properties);
}

void IntersectArray(Shape& out, Shape& l, Shape& r) {
  out.min_items = std::max(l.min_items, r.min_items);
  if (l.max_items && r.max_items) {
    out.max_items = std::min(*l.max_items, *r.max_items);
  } else {
    out.max_items = l.max_items ? l.max_items : r.max_items;
  }
  std::vector<ShapeBox> tuple;
  size_t n = std::max(l.tuple.size(), r.tuple.size());
  for (size_t i = 0; i < n; ++i) {
    if (i < l.tuple.size() && i < r.tuple.size()) {
      tuple.emplace_back(Shape::Intersect(*l.tuple[i], *r.tuple[i]));
    } else if (i < l.tuple.size()) {
      tuple.push_back(r.additional_items
                          ? ShapeBox(Shape::Intersect(*l.tuple[i], *r.additional_items))
                          : l.tuple[i]);
    } else {
      tuple.push_back(l.additional_items
                          ? ShapeBox(Shape::Intersect(*l.additional_items, *r.tuple[i]))
                          : r.tuple[i]);
    }
  }
  out.tuple = std::move(tuple);
  out.additional_items = IntersectBox(l.additional_items, r.additional_items);
}

void UnionArray(Shape& out, Shape& l, Shape& r) {
  out.min_items = std::min(l.min_items, r.min_items);
  out.max_items = l.max_items && r.max_items ? std::optional(std::max(*l.max_items, *r.max_items))
                                             : std::nullopt;
  std::vector<ShapeBox> tuple;
  size_t n = std::max(l.tuple.size(), r.tuple.size());
  for (size_t i = 0; i < n; ++i) {
    if (i < l.tuple.size() && i < r.tuple.size()) {
      tuple.emplace_back(Shape::Union(*l.tuple[i], *r.tuple[i]));
    } else if (i < l.tuple.size()) {
      if (!r.additional_items)
        break;
      tuple.emplace_back(Shape::Union(*l.tuple[i], *r.additional_items));
    } else {
      if (!l.additional_items)
        break;
      tuple.emplace_back(Shape::Union(*l.additional_items, *r.tuple[i]));
    }
  }
  out.tuple = std::move(tuple);
  out.additional_items = UnionBox(l.additional_items, r.additional_items);
}

int CompareNumbers(const Node& a, const Node& b) {
  bool unordered;
  return internal::CompareNum(a, internal::Num::Of(b), &unordered);
}

// ---------------------------------------------------------------------------------
// Inference.

class Inferrer {
 public:
  explicit Inferrer(const Program& p) : p_(p) {}

  Shape Infer(uint32_t id) {
    // A schema recursing into itself (e.g. a tree's items) is unconstrained below.
    if (std::find(stack_.begin(), stack_.end(), id) != stack_.end())
      return Shape::Anything();
    stack_.push_back(id);
    Shape s = InferNode(id);
    stack_.pop_back();
    return s;
  }

 private:
  Shape InferNode(uint32_t id) {
    const SNode& sn = p_.nodes[id];
    if (sn.is_false)
      return Shape::Nothing();
    Shape shape = Shape::Anything();
    std::optional<Shape> unevaluated_props, unevaluated_items;

    if (sn.reduce != nullptr) {
      shape.reduction = Shape::Reduction::kStrategy;
      shape.reduce = sn.reduce;
    }
    if (sn.source != nullptr && sn.source->is_object())
      Annotations(id, *sn.source, shape);

    for (uint32_t pc = sn.code_begin; pc < sn.code_end; ++pc) {
      const Instr& in = p_.code[pc];
      switch (in.op) {
        case Op::kFalse:
          shape.types = kTypeInvalid;
          break;
        case Op::kType:
          shape.types = static_cast<TypeSet>(in.a);
          break;
        case Op::kConst:
          shape.enum_values = std::vector<Node>{p_.values[in.a]};
          break;
        case Op::kEnum: {
          std::vector<Node> v(p_.values.begin() + in.a, p_.values.begin() + in.a + in.b);
          SortValues(v);
          shape.enum_values = std::move(v);
          break;
        }
        case Op::kMaxLength:
          shape.max_length = in.a;
          break;
        case Op::kMinLength:
          shape.min_length = in.a;
          break;
        case Op::kMinimum:
          shape.minimum = in.num.ToNode();
          break;
        case Op::kMaximum:
          shape.maximum = in.num.ToNode();
          break;
        case Op::kMinItems:
          shape.min_items = in.a;
          break;
        case Op::kMaxItems:
          shape.max_items = in.a;
          break;
        case Op::kItems:
          for (uint32_t i = 0; i < in.b; ++i)
            shape.tuple.emplace_back(Infer(p_.children[in.a + i]));
          if (in.c != kNone)
            shape.additional_items = ShapeBox(Infer(in.c));
          break;
        case Op::kUnevaluatedItems:
          unevaluated_items = Infer(in.a);
          break;
        case Op::kUnevaluatedProperties:
          unevaluated_props = Infer(in.a);
          break;
        case Op::kProperties: {
          Shape obj = Shape::Anything();
          for (uint32_t i = 0; i < in.b; ++i) {
            const internal::Prop& pr = p_.props[in.a + i];
            if (pr.node == kNone)
              continue;  // named only by `required`
            Shape::Property prop;
            prop.name = std::string(pr.name);
            prop.shape = ShapeBox(Infer(pr.node));
            obj.properties.push_back(std::move(prop));
          }
          for (uint32_t i = 0; i < in.d; ++i) {
            const internal::Pattern& pt = p_.patterns[in.c + i];
            Shape::Pattern pat;
            pat.pattern = pt.re->pattern();
            pat.re = pt.re;
            pat.shape = ShapeBox(Infer(pt.node));
            obj.pattern_properties.push_back(std::move(pat));
          }
          std::sort(obj.pattern_properties.begin(), obj.pattern_properties.end(),
                    [](const Shape::Pattern& a, const Shape::Pattern& b) {
                      return a.pattern < b.pattern;
                    });
          ShapeBox additional = shape.additional_properties;
          IntersectObject(shape, shape, obj);
          if (in.e != kNone) {
            shape.additional_properties = ShapeBox(Infer(in.e));
          } else {
            shape.additional_properties = additional;
          }
          break;
        }
        default:
          break;
      }
    }

    // `required` applies after properties and additionalProperties, so that required
    // properties without a schema of their own are imputed from them (Flow's order).
    for (uint32_t pc = sn.code_begin; pc < sn.code_end; ++pc) {
      const Instr& in = p_.code[pc];
      std::vector<std::string_view> names;
      if (in.op == Op::kRequired) {
        names.assign(p_.names.begin() + in.a, p_.names.begin() + in.a + in.b);
      } else if (in.op == Op::kProperties && in.required > 0) {
        for (uint32_t i = 0; i < in.b; ++i) {
          if (p_.props[in.a + i].required)
            names.push_back(p_.props[in.a + i].name);
        }
      }
      if (names.empty())
        continue;
      Shape req = Shape::Anything();
      for (std::string_view name : names) {
        Shape::Property prop;
        prop.name = std::string(name);
        prop.required = true;
        prop.shape = ShapeBox(Shape::Anything());
        req.properties.push_back(std::move(prop));
      }
      IntersectObject(shape, shape, req);
    }

    // Patterns apply to the named properties they match.
    for (Shape::Property& prop : shape.properties) {
      for (const Shape::Pattern& pat : shape.pattern_properties) {
        if (pat.re->Search(prop.name))
          prop.shape = ShapeBox(Shape::Intersect(*prop.shape, *pat.shape));
      }
    }
    // An enum restricts the types, and the types filter the enum.
    shape.enum_values = IntersectEnum(shape.types, std::move(shape.enum_values), std::nullopt);
    if (shape.enum_values)
      shape.types &= ValueTypes(*shape.enum_values);

    std::optional<Shape> one_of, any_of, then_, else_;
    bool has_if = false;
    for (uint32_t pc = sn.code_begin; pc < sn.code_end; ++pc) {
      const Instr& in = p_.code[pc];
      switch (in.op) {
        case Op::kRef:
        case Op::kDynamicRef:
        case Op::kRecursiveRef: {
          Shape referent = Shape::Anything();
          if (std::find(visited_.begin(), visited_.end(), in.a) == visited_.end()) {
            visited_.push_back(in.a);
            referent = Infer(in.a);
            visited_.pop_back();
          }
          shape = Shape::Intersect(std::move(shape), std::move(referent));
          break;
        }
        case Op::kAllOf:
          for (uint32_t i = 0; i < in.b; ++i) {
            shape = Shape::Intersect(std::move(shape), Infer(p_.children[in.a + i]));
          }
          break;
        case Op::kOneOf:
        case Op::kAnyOf: {
          std::optional<Shape>& acc = in.op == Op::kOneOf ? one_of : any_of;
          for (uint32_t i = 0; i < in.b; ++i) {
            Shape s = Infer(p_.children[in.a + i]);
            acc = acc ? Shape::Union(std::move(*acc), std::move(s)) : std::move(s);
          }
          break;
        }
        case Op::kIf:
          has_if = true;
          if (in.b != kNone)
            then_ = Infer(in.b);
          if (in.c != kNone)
            else_ = Infer(in.c);
          break;
        default:
          break;
      }
    }
    if (one_of)
      shape = Shape::Intersect(std::move(shape), std::move(*one_of));
    if (any_of)
      shape = Shape::Intersect(std::move(shape), std::move(*any_of));
    if (has_if && then_ && else_) {
      shape =
          Shape::Intersect(std::move(shape), Shape::Union(std::move(*then_), std::move(*else_)));
    }
    if (!shape.additional_properties && unevaluated_props) {
      shape.additional_properties = ShapeBox(std::move(*unevaluated_props));
    }
    if (!shape.additional_items && unevaluated_items) {
      shape.additional_items = ShapeBox(std::move(*unevaluated_items));
    }
    return shape;
  }

  void Annotations(uint32_t id, const Node& s, Shape& shape) {
    for (const Field& f : s.fields()) {
      std::string_view kw = f.name;
      const Node& v = f.value;
      if (kw == "title" && v.is_string()) {
        shape.title = std::string(v.as_string());
      } else if (kw == "description" && v.is_string()) {
        shape.description = std::string(v.as_string());
      } else if (kw == "default") {
        shape.default_value = v;
        std::vector<Error> errors;
        if (!internal::ValidateNode(p_, id, v, &errors) && !errors.empty()) {
          shape.default_error = errors[0].ToString();
        }
      } else if (kw == "contentEncoding" && v.is_string()) {
        shape.content_encoding = std::string(v.as_string());
      } else if (kw == "contentMediaType" && v.is_string()) {
        shape.content_media_type = std::string(v.as_string());
      } else if (kw == "format" && v.is_string()) {
        shape.format = std::string(v.as_string());
      } else if ((kw == "secret" || kw == "airbyte_secret") && v.is_bool()) {
        shape.secret = v.as_bool();
      } else if (kw == "redact" && v.is_object()) {
        if (const Node* st = v.Find("strategy"); st && st->is_string()) {
          if (st->as_string() == "block")
            shape.redact = Shape::Redact::kBlock;
          if (st->as_string() == "sha256")
            shape.redact = Shape::Redact::kSha256;
        }
      } else if ((kw.starts_with("x-") || kw.starts_with("X-")) && kw != "x-str-minimum" &&
                 kw != "x-str-maximum") {
        shape.annotations.emplace_back(std::string(kw), v);
      }
    }
  }

  const Program& p_;
  std::vector<uint32_t> visited_;
  std::vector<uint32_t> stack_;
};

std::string PushProp(const std::string& ptr, std::string_view name) {
  return ptr + "/" + EscapeToken(name);
}

Exists Extend(Exists parent, Exists child) {
  if (parent == Exists::kCannot || child == Exists::kCannot)
    return Exists::kCannot;
  if (parent == Exists::kImplicit || child == Exists::kImplicit)
    return Exists::kImplicit;
  if (parent == Exists::kMay || child == Exists::kMay)
    return Exists::kMay;
  return Exists::kMust;
}

const Shape& Sentinel() {
  static const Shape s = Shape::Anything();
  return s;
}

std::pair<const Shape*, Exists> PropertyLocation(const Shape& s, std::string_view name) {
  for (const Shape::Property& p : s.properties) {
    if (p.name == name) {
      bool must = s.types == kTypeObject && p.required;
      return {p.shape.get(), must ? Exists::kMust : Exists::kMay};
    }
  }
  for (const Shape::Pattern& p : s.pattern_properties) {
    if (p.re->Search(name))
      return {p.shape.get(), Exists::kMay};
  }
  if (s.additional_properties)
    return {s.additional_properties.get(), Exists::kMay};
  return {&Sentinel(), Exists::kImplicit};
}

std::pair<const Shape*, Exists> LocateToken(const Shape& s, const Pointer::Token& t) {
  if (t.index && Overlaps(s.types, kTypeArray)) {
    uint32_t i = *t.index;
    Exists e;
    if (s.types == kTypeArray && i < s.min_items) {
      e = Exists::kMust;
    } else if (i >= s.max_items.value_or(UINT32_MAX)) {
      e = Exists::kCannot;
    } else if (s.max_items || i < s.tuple.size() || s.additional_items) {
      e = Exists::kMay;
    } else {
      e = Exists::kImplicit;
    }
    if (i < s.tuple.size())
      return {s.tuple[i].get(), e};
    if (s.additional_items)
      return {s.additional_items.get(), e};
    return {&Sentinel(), e};
  }
  if (t.next_item && Overlaps(s.types, kTypeArray)) {
    return {s.additional_items ? s.additional_items.get() : &Sentinel(), Exists::kCannot};
  }
  if (Overlaps(s.types, kTypeObject))
    return PropertyLocation(s, t.property);
  return {&Sentinel(), Exists::kCannot};
}

void LocationsInner(const Shape& s, const std::string& ptr, Exists exists, bool pattern,
                    std::vector<Shape::Location>* out) {
  if (s.types == kTypeInvalid)
    exists = Exists::kCannot;
  out->push_back({ptr, pattern, &s, exists});
  for (const Shape::Property& p : s.properties) {
    Exists e = Extend(exists, s.types == kTypeObject && p.required ? Exists::kMust : Exists::kMay);
    LocationsInner(*p.shape, PushProp(ptr, p.name), e, pattern, out);
  }
  for (const Shape::Pattern& p : s.pattern_properties) {
    LocationsInner(*p.shape, PushProp(ptr, p.pattern), Extend(exists, Exists::kMay), true, out);
  }
  if (s.additional_properties) {
    LocationsInner(*s.additional_properties, ptr + "/*", Extend(exists, Exists::kMay), true, out);
  }
  for (size_t i = 0; i < s.tuple.size(); ++i) {
    Exists e =
        Extend(exists, s.types == kTypeArray && i < s.min_items ? Exists::kMust : Exists::kMay);
    LocationsInner(*s.tuple[i], ptr + "/" + std::to_string(i), e, pattern, out);
  }
  if (s.additional_items) {
    LocationsInner(*s.additional_items, ptr + "/-", Extend(exists, Exists::kMay), true, out);
  }
}

void InspectInner(const Shape& s, const std::string& ptr, bool must_exist,
                  std::vector<std::string>* out) {
  struct Child {
    std::string ptr;
    bool must;
    const Shape* shape;
    bool is_set_member;  // a property or pattern named add/intersect/remove
  };
  std::vector<Child> kids;
  for (size_t i = 0; i < s.tuple.size(); ++i) {
    kids.push_back({ptr + "/" + std::to_string(i), s.types == kTypeArray && i < s.min_items,
                    s.tuple[i].get(), false});
  }
  if (s.additional_items)
    kids.push_back({ptr + "/-", false, s.additional_items.get(), false});
  size_t first_prop = kids.size();
  for (const Shape::Property& p : s.properties) {
    bool member = p.name == "add" || p.name == "intersect" || p.name == "remove";
    kids.push_back(
        {PushProp(ptr, p.name), s.types == kTypeObject && p.required, p.shape.get(), member});
  }
  for (const Shape::Pattern& p : s.pattern_properties) {
    bool member = p.pattern == "add" || p.pattern == "intersect" || p.pattern == "remove";
    kids.push_back({PushProp(ptr, p.pattern), false, p.shape.get(), member});
  }
  size_t end_props = kids.size();
  if (s.additional_properties)
    kids.push_back({ptr + "/*", false, s.additional_properties.get(), false});

  if (s.types == kTypeInvalid && must_exist) {
    out->push_back(fmt::format("'{}' must exist, but is constrained to always be invalid", ptr));
  }
  if (s.redact == Shape::Redact::kBlock && must_exist) {
    out->push_back(fmt::format(
        "`block` redact strategy cannot be applied at '{}' because it must exist", ptr));
  }
  if (s.redact == Shape::Redact::kSha256 && !Overlaps(s.types, kTypeString)) {
    out->push_back(
        fmt::format("{} has 'sha256' redact strategy but cannot be a string (types are {})", ptr,
                    TypeSetString(s.types)));
  }
  if (s.default_error) {
    out->push_back(fmt::format("{} default value is invalid: {}", ptr, *s.default_error));
  }
  Strategy strategy = Strategy::kLastWriteWins;
  bool single = s.reduction == Shape::Reduction::kStrategy && s.reduce != nullptr;
  if (single)
    strategy = s.reduce->strategy;
  if (single && strategy == Strategy::kSum) {
    TypeSet rest = s.types & ~kTypeNumber;
    bool numeric_string =
        rest == kTypeString && s.format && (*s.format == "integer" || *s.format == "number");
    if (rest != kTypeInvalid && !numeric_string) {
      out->push_back(fmt::format(
          "{} has 'sum' reduction strategy (restricted to integers, numbers and strings with "
          "`format: integer` or `format: number`) but has types {}",
          ptr, TypeSetString(rest)));
    }
  }
  if (single && strategy == Strategy::kMerge && (s.types & ~(kTypeObject | kTypeArray)) != 0) {
    out->push_back(fmt::format(
        "{} has 'merge' reduction strategy, restricted to objects & arrays, but has types {}", ptr,
        TypeSetString(s.types)));
  }
  if (single && strategy == Strategy::kSet) {
    if (s.types != kTypeObject) {
      out->push_back(
          fmt::format("{} has 'set' reduction strategy, restricted to objects, but has types {}",
                      ptr, TypeSetString(s.types)));
    }
    for (size_t k = first_prop; k < end_props; ++k) {
      if (!kids[k].is_set_member) {
        out->push_back(
            fmt::format("{} location's parent has 'set' reduction strategy, restricted to "
                        "'add'/'remove'/'intersect' properties",
                        kids[k].ptr));
      }
    }
  }
  for (const Child& c : kids) {
    if (s.reduction == Shape::Reduction::kUnset && c.shape->reduction != Shape::Reduction::kUnset) {
      out->push_back(fmt::format("'{}' has reduction strategy, but its parent does not", c.ptr));
    }
    InspectInner(*c.shape, c.ptr, must_exist && c.must, out);
  }
}

}  // namespace

Shape Shape::Intersect(Shape l, Shape r) {
  Shape out;
  out.types = l.types & r.types;
  out.enum_values = IntersectEnum(out.types, std::move(l.enum_values), std::move(r.enum_values));
  if (out.enum_values)
    out.types &= ValueTypes(*out.enum_values);
  out.title = l.title ? l.title : r.title;
  out.description = l.description ? l.description : r.description;
  if (l.reduction == Reduction::kUnset) {
    out.reduction = r.reduction;
    out.reduce = r.reduce;
  } else {
    out.reduction = l.reduction;
    out.reduce = l.reduce;
  }
  out.redact = l.redact == Redact::kUnset ? r.redact : l.redact;
  if (l.default_value) {
    out.default_value = l.default_value;
    out.default_error = l.default_error;
  } else {
    out.default_value = r.default_value;
    out.default_error = r.default_error;
  }
  out.secret = l.secret ? l.secret : r.secret;
  // Annotations: the union, with the left side winning.
  out.annotations = std::move(l.annotations);
  for (auto& kv : r.annotations) {
    auto it = std::find_if(out.annotations.begin(), out.annotations.end(),
                           [&](const auto& e) { return e.first == kv.first; });
    if (it == out.annotations.end())
      out.annotations.push_back(std::move(kv));
  }
  std::sort(out.annotations.begin(), out.annotations.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  if (Overlaps(l.types, kTypeString) && Overlaps(r.types, kTypeString)) {
    out.content_encoding = l.content_encoding ? l.content_encoding : r.content_encoding;
    out.content_media_type = l.content_media_type ? l.content_media_type : r.content_media_type;
    out.format = l.format ? l.format : r.format;
    out.min_length = std::max(l.min_length, r.min_length);
    if (l.max_length && r.max_length) {
      out.max_length = std::min(*l.max_length, *r.max_length);
    } else {
      out.max_length = l.max_length ? l.max_length : r.max_length;
    }
  }
  if (Overlaps(l.types, kTypeNumber) && Overlaps(r.types, kTypeNumber)) {
    if (l.minimum && r.minimum) {
      out.minimum = CompareNumbers(*l.minimum, *r.minimum) >= 0 ? l.minimum : r.minimum;
    } else {
      out.minimum = l.minimum ? l.minimum : r.minimum;
    }
    if (l.maximum && r.maximum) {
      out.maximum = CompareNumbers(*l.maximum, *r.maximum) <= 0 ? l.maximum : r.maximum;
    } else {
      out.maximum = l.maximum ? l.maximum : r.maximum;
    }
  }
  if (Overlaps(l.types, kTypeArray) && Overlaps(r.types, kTypeArray))
    IntersectArray(out, l, r);
  if (Overlaps(l.types, kTypeObject) && Overlaps(r.types, kTypeObject))
    IntersectObject(out, l, r);
  return out;
}

Shape Shape::Union(Shape l, Shape r) {
  if (l.types == kTypeInvalid)
    return r;
  if (r.types == kTypeInvalid)
    return l;
  Shape out;
  out.types = l.types | r.types;
  out.enum_values = UnionEnum(std::move(l.enum_values), std::move(r.enum_values));
  out.title = UnionOption(l.title, r.title);
  out.description = UnionOption(l.description, r.description);
  if (l.reduction == r.reduction &&
      (l.reduction != Reduction::kStrategy || SpecEqual(l.reduce, r.reduce))) {
    out.reduction = l.reduction;
    out.reduce = l.reduce;
  } else if (l.reduction == Reduction::kUnset || r.reduction == Reduction::kUnset) {
    out.reduction = Reduction::kUnset;
  } else {
    out.reduction = Reduction::kMultiple;
  }
  if (l.redact == r.redact) {
    out.redact = l.redact;
  } else if (l.redact == Redact::kUnset || r.redact == Redact::kUnset) {
    out.redact = Redact::kUnset;
  } else {
    out.redact = Redact::kMultiple;
  }
  out.default_value = UnionNode(l.default_value, r.default_value);
  if (out.default_value)
    out.default_error = l.default_error;
  out.secret = UnionOption(l.secret, r.secret);
  for (auto& kv : l.annotations) {
    for (const auto& rv : r.annotations) {
      if (rv.first == kv.first && internal::JsonEqual(rv.second, kv.second)) {
        out.annotations.push_back(kv);
        break;
      }
    }
  }
  bool ls = Overlaps(l.types, kTypeString), rs = Overlaps(r.types, kTypeString);
  if (ls && rs) {
    out.content_encoding = UnionOption(l.content_encoding, r.content_encoding);
    out.content_media_type = UnionOption(l.content_media_type, r.content_media_type);
    if (l.format == r.format) {
      out.format = l.format;
    } else if (l.format && r.format &&
               ((*l.format == "integer" && *r.format == "number") ||
                (*l.format == "number" && *r.format == "integer"))) {
      out.format = "number";
    }
    out.min_length = std::min(l.min_length, r.min_length);
    out.max_length = l.max_length && r.max_length
                         ? std::optional(std::max(*l.max_length, *r.max_length))
                         : std::nullopt;
  } else {
    const Shape& src = rs && !ls ? r : l;
    out.content_encoding = src.content_encoding;
    out.content_media_type = src.content_media_type;
    out.format = src.format;
    out.min_length = src.min_length;
    out.max_length = src.max_length;
  }
  bool ln = Overlaps(l.types, kTypeNumber), rn = Overlaps(r.types, kTypeNumber);
  if (ln && rn) {
    if (l.minimum && r.minimum)
      out.minimum = CompareNumbers(*l.minimum, *r.minimum) <= 0 ? l.minimum : r.minimum;
    if (l.maximum && r.maximum)
      out.maximum = CompareNumbers(*l.maximum, *r.maximum) >= 0 ? l.maximum : r.maximum;
  } else {
    const Shape& src = rn && !ln ? r : l;
    out.minimum = src.minimum;
    out.maximum = src.maximum;
  }
  bool la = Overlaps(l.types, kTypeArray), ra = Overlaps(r.types, kTypeArray);
  if (la && ra) {
    UnionArray(out, l, r);
  } else {
    Shape& src = ra && !la ? r : l;
    out.tuple = std::move(src.tuple);
    out.additional_items = std::move(src.additional_items);
    out.min_items = src.min_items;
    out.max_items = src.max_items;
  }
  bool lo = Overlaps(l.types, kTypeObject), ro = Overlaps(r.types, kTypeObject);
  if (lo && ro) {
    UnionObject(out, l, r);
  } else {
    Shape& src = ro && !lo ? r : l;
    out.properties = std::move(src.properties);
    out.pattern_properties = std::move(src.pattern_properties);
    out.additional_properties = std::move(src.additional_properties);
  }
  return out;
}

std::pair<const Shape*, Exists> Shape::Locate(const Pointer& ptr) const {
  const Shape* s = this;
  Exists exists = Exists::kMust;
  for (const Pointer::Token& t : ptr.tokens()) {
    auto [next, e] = LocateToken(*s, t);
    s = next;
    exists = Extend(exists, e);
  }
  if (s->types == kTypeInvalid)
    exists = Exists::kCannot;
  return {s, exists};
}

std::vector<Shape::Location> Shape::Locations() const {
  std::vector<Location> out;
  LocationsInner(*this, "", Exists::kMust, false, &out);
  return out;
}

std::vector<std::string> Shape::Inspect() const {
  std::vector<std::string> out;
  InspectInner(*this, "", true, &out);
  return out;
}

Shape InferShape(const Schema& schema) {
  Inferrer inf(schema.program());
  return inf.Infer(schema.program().root);
}

}  // namespace flow::doc::schema

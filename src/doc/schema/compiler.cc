// SPDX-License-Identifier: Apache-2.0
// doc/schema/compiler.cc: compiling indexed schema documents into a flat Program.
//
// Every reachable subschema location becomes one SNode, compiled once (memoized by
// location, so recursive schemas form cycles of node indices). Keywords become Instrs
// ordered for early failure: type, const/enum, other assertions, object and array
// applicators, in-place applicators (in keyword-name order), then unevaluated*.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <map>
#include <set>
#include <tuple>

#include "doc/json.h"
#include "doc/pointer.h"
#include "doc/schema/program.h"
#include "doc/schema/uri.h"
#include "doc/schema/validator.h"

namespace flow::doc::schema {

namespace internal {

namespace {

constexpr std::string_view kValidationVocab =
    "https://json-schema.org/draft/2020-12/vocab/validation";
constexpr std::string_view kFormatAssertionVocab =
    "https://json-schema.org/draft/2020-12/vocab/format-assertion";

// Keywords accepted without effect on validation.
constexpr std::string_view kAnnotationKeywords[] = {
    "$anchor",
    "$comment",
    "$defs",
    "$dynamicAnchor",
    "$id",
    "$recursiveAnchor",
    "$schema",
    "$vocabulary",
    "advanced",
    "airbyte_secret",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "default",
    "definitions",
    "deprecated",
    "description",
    "discriminator",
    "examples",
    "multiline",
    "nonsensitive",
    "order",
    "readOnly",
    "redact",
    "secret",
    "title",
    "writeOnly",
};

// Keywords of the validation vocabulary (disabled by a meta-schema without it).
constexpr std::string_view kValidationKeywords[] = {
    "const",
    "dependentRequired",
    "enum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxContains",
    "maxItems",
    "maxLength",
    "maxProperties",
    "maximum",
    "minContains",
    "minItems",
    "minLength",
    "minProperties",
    "minimum",
    "multipleOf",
    "pattern",
    "required",
    "type",
    "uniqueItems",
};

template <size_t N>
bool In(const std::string_view (&list)[N], std::string_view s) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

struct SLoc {
  const IndexData* idx = nullptr;
  uint32_t doc = 0;
  std::string ptr;
};

std::string Describe(const Node& n) {
  std::string s = ToJson(n);
  if (s.size() > 80)
    s = s.substr(0, 77) + "...";
  return s;
}

class Compiler {
 public:
  Compiler(std::shared_ptr<IndexData> user, const CompileOptions& opts, Program* p)
      : user_(std::move(user)), builtin_(&BuiltinIndex()), opts_(opts), p_(p) {}

  Result<uint32_t> Root(std::string_view uri) {
    std::string full = ResolveUri("", uri);
    if (!Uri::Parse(full).absolute()) {
      return Status::InvalidArgument("schema URI {} is not absolute", uri);
    }
    FLOW_ASSIGN_OR_RETURN(SLoc loc, Resolve(full, std::string(uri)));
    uint32_t root = NodeFor(loc);
    while (!work_.empty()) {
      uint32_t id = work_.front();
      work_.pop_front();
      FLOW_TRY(CompileNode(id));
    }
    Finish();
    return root;
  }

 private:
  // ---- Locations.

  const Node* QueryNode(const SLoc& l) {
    auto p = Pointer::Parse(l.ptr);
    if (!p.ok())
      return nullptr;
    return p->Query(l.idx->docs[l.doc].root);
  }

  LocInfo Info(const SLoc& l) {
    const auto& locs = l.idx->locations[l.doc];
    if (auto it = locs.find(l.ptr); it != locs.end())
      return it->second;
    // A location the index did not walk (e.g. inside an unknown keyword): inherit
    // from the nearest walked ancestor, applying `$id`s on the way down.
    std::string ptr = l.ptr;
    std::vector<std::string> suffix;
    while (true) {
      size_t slash = ptr.rfind('/');
      if (slash == std::string::npos)
        break;
      suffix.push_back(ptr.substr(slash));
      ptr.resize(slash);
      if (auto it = locs.find(ptr); it != locs.end()) {
        LocInfo info = it->second;
        std::string cur = ptr;
        for (auto s = suffix.rbegin(); s != suffix.rend(); ++s) {
          cur += *s;
          const Node* n = QueryNode(SLoc{l.idx, l.doc, cur});
          if (n && n->is_object()) {
            if (const Node* id = n->Find("$id"); id && id->is_string()) {
              info.base = std::string(StripFragment(ResolveUri(info.base, id->as_string())));
            }
          }
        }
        return info;
      }
    }
    LocInfo info;
    info.base = l.idx->docs[l.doc].uri;
    info.resource = 0;
    for (uint32_t r = 0; r < l.idx->resources.size(); ++r) {
      if (l.idx->resources[r].doc == l.doc && l.idx->resources[r].pointer.empty()) {
        info.resource = r;
        break;
      }
    }
    return info;
  }

  std::string Canonical(const SLoc& l, const LocInfo& info) {
    const Resource& r = l.idx->resources[info.resource];
    if (r.doc == l.doc && l.ptr.starts_with(r.pointer)) {
      return r.uri + "#" + l.ptr.substr(r.pointer.size());
    }
    return l.idx->docs[l.doc].uri + "#" + l.ptr;
  }

  const Resource* FindResource(const std::string& uri, const IndexData** idx) {
    for (const IndexData* d : {static_cast<const IndexData*>(user_.get()), builtin_}) {
      if (auto it = d->resource_by_uri.find(uri); it != d->resource_by_uri.end()) {
        *idx = d;
        return &d->resources[it->second];
      }
    }
    return nullptr;
  }

  // Resolves an absolute reference (with optional fragment) to a location.
  Result<SLoc> Resolve(const std::string& full, const std::string& where) {
    std::string uri(StripFragment(full));
    std::string frag = PercentDecode(FragmentOf(full));
    const IndexData* idx = nullptr;
    const Resource* r = FindResource(uri, &idx);
    if (r == nullptr) {
      return Status::InvalidArgument(
          "{}: cannot resolve reference {} (no schema document {} is loaded)", where, full, uri);
    }
    SLoc loc{idx, r->doc, r->pointer};
    if (frag.empty())
      return loc;
    if (frag[0] == '/') {
      loc.ptr += frag;
      if (!Pointer::Parse(frag).ok() || QueryNode(loc) == nullptr) {
        return Status::InvalidArgument("{}: cannot resolve reference {} (no such location)", where,
                                       full);
      }
      return loc;
    }
    auto it = idx->anchors.find(uri + "#" + frag);
    if (it == idx->anchors.end()) {
      return Status::InvalidArgument("{}: cannot resolve reference {} (no such anchor)", where,
                                     full);
    }
    return SLoc{idx, it->second.doc, it->second.pointer};
  }

  uint32_t NodeFor(const SLoc& l) {
    auto key = std::make_tuple(l.idx, l.doc, l.ptr);
    if (auto it = memo_.find(key); it != memo_.end())
      return it->second;
    uint32_t id = static_cast<uint32_t>(p_->nodes.size());
    p_->nodes.emplace_back();
    locs_.push_back(l);
    memo_[key] = id;
    work_.push_back(id);
    return id;
  }

  uint32_t AddString(std::string s) {
    p_->strings.push_back(std::move(s));
    return static_cast<uint32_t>(p_->strings.size() - 1);
  }

  uint32_t NameId(const std::string& name) {
    for (uint32_t i = 0; i < p_->anchor_names.size(); ++i) {
      if (p_->anchor_names[i] == name)
        return i;
    }
    p_->anchor_names.push_back(name);
    return static_cast<uint32_t>(p_->anchor_names.size() - 1);
  }

  uint32_t ProgramResource(const IndexData* idx, uint32_t rid) {
    auto key = std::make_pair(idx, rid);
    if (auto it = resources_.find(key); it != resources_.end())
      return it->second;
    uint32_t id = static_cast<uint32_t>(p_->resources.size());
    resources_[key] = id;
    const Resource& r = idx->resources[rid];
    p_->resources.push_back({r.uri, {}, kNone});
    for (const auto& [name, ptr] : r.dynamic_anchors) {
      uint32_t node = NodeFor(SLoc{idx, r.doc, ptr});
      p_->resources[id].dynamic_anchors.emplace_back(NameId(name), node);
    }
    if (r.recursive_anchor)
      p_->resources[id].recursive_anchor_node = NodeFor(SLoc{idx, r.doc, r.pointer});
    return id;
  }

  struct Vocab {
    bool validation = true;
    bool format_assertion = false;
  };

  // The vocabularies declared by a custom meta-schema (`$schema`) in the index.
  Vocab Vocabularies(const LocInfo& info) {
    if (info.schema_uri.empty() || DraftOfSchemaUri(info.schema_uri))
      return Vocab{};
    if (auto it = vocab_cache_.find(info.schema_uri); it != vocab_cache_.end())
      return it->second;
    Vocab vocab;
    const IndexData* idx = nullptr;
    if (const Resource* r = FindResource(std::string(StripFragment(info.schema_uri)), &idx)) {
      const Node* root = QueryNode(SLoc{idx, r->doc, r->pointer});
      if (root && root->is_object()) {
        if (const Node* v = root->Find("$vocabulary"); v && v->is_object()) {
          vocab.validation = v->Find(kValidationVocab) != nullptr;
          vocab.format_assertion = v->Find(kFormatAssertionVocab) != nullptr;
        }
      }
    }
    vocab_cache_[info.schema_uri] = vocab;
    return vocab;
  }

  // ---- Keyword compilation.

  struct Pending {
    int order;
    Instr in;
  };

  Status CompileNode(uint32_t id) {
    SLoc loc = locs_[id];
    const Node* n = QueryNode(loc);
    LocInfo info = Info(loc);
    std::string where = Canonical(loc, info);
    {
      SNode& sn = p_->nodes[id];
      sn.loc = AddString(where);
      sn.source = n;
      sn.draft = info.draft;
    }
    uint32_t resource = ProgramResource(loc.idx, info.resource);
    p_->nodes[id].resource = resource;
    if (n == nullptr || !(n->is_object() || n->is_bool())) {
      return Status::InvalidArgument("{}: expected a schema (an object or a boolean), not {}",
                                     where, n ? Describe(*n) : "nothing");
    }
    std::vector<Pending> out;
    if (n->is_bool()) {
      if (!n->as_bool()) {
        p_->nodes[id].is_false = true;
        Instr in;
        in.op = Op::kFalse;
        in.loc = p_->nodes[id].loc;
        out.push_back({0, in});
      }
      return Emit(id, out);
    }

    Vocab vocab = Vocabularies(info);
    bool validation = vocab.validation;
    auto kw_loc = [&](std::string_view kw) { return AddString(where + "/" + EscapeToken(kw)); };
    auto child = [&](std::string_view kw, const std::string& suffix = "") -> Result<uint32_t> {
      SLoc c{loc.idx, loc.doc, loc.ptr + "/" + EscapeToken(kw) + suffix};
      const Node* v = QueryNode(c);
      if (v == nullptr || !(v->is_object() || v->is_bool())) {
        return Status::InvalidArgument("{}/{}{}: expected a schema (an object or a boolean)", where,
                                       EscapeToken(kw), suffix);
      }
      return NodeFor(c);
    };
    auto bad = [&](std::string_view kw, std::string_view what) {
      return Status::InvalidArgument("{}/{}: {}", where, EscapeToken(kw), what);
    };
    auto count = [&](std::string_view kw, const Node& v) -> Result<uint32_t> {
      if (v.type() == Type::kPosInt && v.as_u64() <= UINT32_MAX)
        return uint32_t(v.as_u64());
      if (v.type() == Type::kDouble && v.as_double() >= 0 && v.as_double() <= UINT32_MAX &&
          std::floor(v.as_double()) == v.as_double()) {
        return uint32_t(v.as_double());
      }
      return bad(kw, "expected a non-negative integer, not " + Describe(v));
    };
    auto make = [&](Op op, TypeSet applies, std::string_view kw) {
      Instr in;
      in.op = op;
      in.applies = applies;
      in.loc = kw_loc(kw);
      return in;
    };

    const Node& s = *n;
    // Object applicators are gathered, then emitted as one instruction.
    const Node* properties = nullptr;
    const Node* pattern_props = nullptr;
    const Node* additional_props = nullptr;
    const Node* prefix_items = nullptr;
    const Node* items = nullptr;
    const Node* additional_items = nullptr;
    const Node* contains = nullptr;
    const Node* min_contains = nullptr;
    const Node* max_contains = nullptr;
    std::vector<std::string_view> required_names;
    uint32_t required_loc = 0;

    for (const Field& f : s.fields()) {
      std::string_view kw = f.name;
      const Node& v = f.value;
      if (!validation && In(kValidationKeywords, kw))
        continue;

      if (kw == "type") {
        TypeSet mask = 0;
        auto add = [&](const Node& t) -> Status {
          if (!t.is_string())
            return bad(kw, "expected a type name or an array of them");
          std::string_view name = t.as_string();
          if (name == "null")
            mask |= kTypeNull;
          else if (name == "boolean")
            mask |= kTypeBoolean;
          else if (name == "integer")
            mask |= kTypeInteger;
          else if (name == "number")
            mask |= kTypeNumber;
          else if (name == "fractional")
            mask |= kTypeFractional;
          else if (name == "string")
            mask |= kTypeString;
          else if (name == "array")
            mask |= kTypeArray;
          else if (name == "object")
            mask |= kTypeObject;
          else
            return bad(kw, fmt::format("invalid type name '{}'", name));
          return Status::OK();
        };
        if (v.is_array()) {
          for (const Node& t : v.items())
            FLOW_TRY(add(t));
        } else {
          FLOW_TRY(add(v));
        }
        Instr in = make(Op::kType, kTypeAny, kw);
        in.a = mask;
        out.push_back({0, in});
      } else if (kw == "const") {
        Instr in = make(Op::kConst, kTypeAny, kw);
        in.a = static_cast<uint32_t>(p_->values.size());
        p_->values.push_back(v);
        out.push_back({1, in});
      } else if (kw == "enum") {
        if (!v.is_array())
          return bad(kw, "expected an array");
        Instr in = make(Op::kEnum, kTypeAny, kw);
        in.a = static_cast<uint32_t>(p_->values.size());
        in.b = v.size();
        for (const Node& e : v.items())
          p_->values.push_back(e);
        out.push_back({1, in});
      } else if (kw == "multipleOf" || kw == "minimum" || kw == "maximum" ||
                 kw == "exclusiveMinimum" || kw == "exclusiveMaximum") {
        if (v.is_bool() && info.draft == Draft::k07)
          continue;  // draft-04 form: ignored
        if (!v.is_number())
          return bad(kw, "expected a number, not " + Describe(v));
        Op op = kw == "multipleOf"         ? Op::kMultipleOf
                : kw == "minimum"          ? Op::kMinimum
                : kw == "maximum"          ? Op::kMaximum
                : kw == "exclusiveMinimum" ? Op::kExclusiveMinimum
                                           : Op::kExclusiveMaximum;
        if (op == Op::kMultipleOf && !(v.as_double() > 0)) {
          return bad(kw, "expected a number greater than 0");
        }
        Instr in = make(op, kTypeNumber, kw);
        in.num = Num::Of(v);
        out.push_back({2, in});
      } else if (kw == "minLength" || kw == "maxLength") {
        FLOW_ASSIGN_OR_RETURN(uint32_t c, count(kw, v));
        Instr in = make(kw == "minLength" ? Op::kMinLength : Op::kMaxLength, kTypeString, kw);
        in.a = c;
        out.push_back({2, in});
      } else if (kw == "pattern") {
        if (!v.is_string())
          return bad(kw, "expected a string");
        auto re = Regex::Compile(v.as_string());
        if (!re.ok())
          return bad(kw, re.status().message());
        Instr in = make(Op::kPattern, kTypeString, kw);
        in.a = static_cast<uint32_t>(p_->patterns.size());
        p_->patterns.push_back({*re, kNone});
        out.push_back({2, in});
      } else if (kw == "format") {
        if (!v.is_string())
          return bad(kw, "expected a string");
        Format fmt = ParseFormat(v.as_string());
        if ((opts_.assert_format || vocab.format_assertion) && fmt != Format::kUnknown) {
          Instr in = make(Op::kFormat, kTypeString, kw);
          in.a = static_cast<uint32_t>(fmt);
          out.push_back({2, in});
        }
      } else if (kw == "x-str-minimum" || kw == "x-str-maximum") {
        Num bound;
        if (v.is_number()) {
          bound = Num::Of(v);
        } else if (v.is_string()) {
          std::string text(v.as_string());
          char* end = nullptr;
          double d = std::strtod(text.c_str(), &end);
          if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(d)) {
            return bad(kw, "expected a number or a numeric string");
          }
          bound.kind = Num::kD;
          bound.d = d;
        } else {
          return bad(kw, "expected a number or a numeric string");
        }
        Instr in =
            make(kw == "x-str-minimum" ? Op::kXStrMinimum : Op::kXStrMaximum, kTypeString, kw);
        in.num = bound;
        out.push_back({2, in});
      } else if (kw == "minItems" || kw == "maxItems" || kw == "minProperties" ||
                 kw == "maxProperties") {
        FLOW_ASSIGN_OR_RETURN(uint32_t c, count(kw, v));
        bool arr = kw == "minItems" || kw == "maxItems";
        Op op = kw == "minItems"        ? Op::kMinItems
                : kw == "maxItems"      ? Op::kMaxItems
                : kw == "minProperties" ? Op::kMinProperties
                                        : Op::kMaxProperties;
        Instr in = make(op, arr ? kTypeArray : kTypeObject, kw);
        in.a = c;
        out.push_back({2, in});
      } else if (kw == "uniqueItems") {
        if (!v.is_bool())
          return bad(kw, "expected a boolean");
        if (v.as_bool())
          out.push_back({2, make(Op::kUniqueItems, kTypeArray, kw)});
      } else if (kw == "minContains") {
        FLOW_TRY(count(kw, v).status());
        min_contains = &v;
      } else if (kw == "maxContains") {
        FLOW_TRY(count(kw, v).status());
        max_contains = &v;
      } else if (kw == "required") {
        if (!v.is_array())
          return bad(kw, "expected an array of strings");
        std::vector<std::string_view> names;
        for (const Node& r : v.items()) {
          if (!r.is_string())
            return bad(kw, "expected an array of strings");
          names.push_back(r.as_string());
        }
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        required_names = names;
        required_loc = kw_loc(kw);
        Instr in = make(Op::kRequired, kTypeObject, kw);
        in.a = static_cast<uint32_t>(p_->names.size());
        in.b = static_cast<uint32_t>(names.size());
        p_->names.insert(p_->names.end(), names.begin(), names.end());
        out.push_back({3, in});
      } else if (kw == "dependentRequired" || kw == "dependentSchemas" || kw == "dependencies") {
        if (!v.is_object())
          return bad(kw, "expected an object");
        std::vector<Dep> req, sch;
        for (const Field& d : v.fields()) {
          if (d.value.is_array() && kw != "dependentSchemas") {
            Dep dep{d.name, static_cast<uint32_t>(p_->names.size()), 0};
            for (const Node& r : d.value.items()) {
              if (!r.is_string())
                return bad(kw, "expected arrays of property names");
              p_->names.push_back(r.as_string());
              ++dep.b;
            }
            req.push_back(dep);
          } else if ((d.value.is_object() || d.value.is_bool()) && kw != "dependentRequired") {
            FLOW_ASSIGN_OR_RETURN(uint32_t c, child(kw, "/" + EscapeToken(d.name)));
            sch.push_back(Dep{d.name, c, 0});
          } else {
            return bad(kw, fmt::format("unexpected value for property '{}'", d.name));
          }
        }
        if (!validation)
          req.clear();
        if (!req.empty()) {
          Instr in = make(Op::kDependentRequired, kTypeObject, kw);
          in.a = static_cast<uint32_t>(p_->deps.size());
          in.b = static_cast<uint32_t>(req.size());
          p_->deps.insert(p_->deps.end(), req.begin(), req.end());
          out.push_back({3, in});
        }
        if (!sch.empty()) {
          Instr in = make(Op::kDependentSchemas, kTypeObject, kw);
          in.a = static_cast<uint32_t>(p_->deps.size());
          in.b = static_cast<uint32_t>(sch.size());
          p_->deps.insert(p_->deps.end(), sch.begin(), sch.end());
          out.push_back({4, in});
        }
      } else if (kw == "properties") {
        if (!v.is_object())
          return bad(kw, "expected an object of schemas");
        properties = &v;
      } else if (kw == "patternProperties") {
        if (!v.is_object())
          return bad(kw, "expected an object of schemas");
        pattern_props = &v;
      } else if (kw == "additionalProperties") {
        additional_props = &v;
      } else if (kw == "propertyNames") {
        FLOW_ASSIGN_OR_RETURN(uint32_t c, child(kw));
        Instr in = make(Op::kPropertyNames, kTypeObject, kw);
        in.a = c;
        out.push_back({3, in});
      } else if (kw == "prefixItems") {
        if (!v.is_array())
          return bad(kw, "expected an array of schemas");
        // Not a keyword before 2020-12 (a 2019-09 resource ignores it).
        if (info.draft == Draft::k2020)
          prefix_items = &v;
      } else if (kw == "items") {
        if (!(v.is_array() || v.is_object() || v.is_bool())) {
          return bad(kw, "expected a schema or an array of schemas");
        }
        items = &v;
      } else if (kw == "additionalItems") {
        additional_items = &v;
      } else if (kw == "contains") {
        contains = &v;
      } else if (kw == "$ref" || kw == "$dynamicRef" || kw == "$recursiveRef") {
        if (!v.is_string())
          return bad(kw, "expected a URI reference string");
        std::string full = ResolveUri(info.base, v.as_string());
        FLOW_ASSIGN_OR_RETURN(SLoc target, Resolve(full, where + "/" + EscapeToken(kw)));
        Instr in = make(kw == "$ref"          ? Op::kRef
                        : kw == "$dynamicRef" ? Op::kDynamicRef
                                              : Op::kRecursiveRef,
                        kTypeAny, kw);
        in.a = NodeFor(target);
        in.b = kNone;
        if (kw == "$dynamicRef") {
          // Dynamic only if the initially resolved target carries a matching
          // $dynamicAnchor (the "bookend"); otherwise it behaves like $ref.
          std::string frag = PercentDecode(FragmentOf(full));
          if (!frag.empty() && frag[0] != '/') {
            LocInfo tinfo = Info(target);
            const Resource& r = target.idx->resources[tinfo.resource];
            auto it = r.dynamic_anchors.find(frag);
            if (it != r.dynamic_anchors.end() && it->second == target.ptr) {
              in.b = NameId(frag);
              p_->uses_dynamic_scope = true;
            }
          }
        } else if (kw == "$recursiveRef") {
          p_->uses_dynamic_scope = true;
        }
        out.push_back({4, in});
      } else if (kw == "allOf" || kw == "anyOf" || kw == "oneOf") {
        if (!v.is_array() || v.size() == 0)
          return bad(kw, "expected a non-empty array of schemas");
        Instr in = make(kw == "allOf"   ? Op::kAllOf
                        : kw == "anyOf" ? Op::kAnyOf
                                        : Op::kOneOf,
                        kTypeAny, kw);
        std::vector<uint32_t> kids;
        for (uint32_t i = 0; i < v.size(); ++i) {
          FLOW_ASSIGN_OR_RETURN(uint32_t c, child(kw, "/" + std::to_string(i)));
          kids.push_back(c);
        }
        in.a = static_cast<uint32_t>(p_->children.size());
        in.b = static_cast<uint32_t>(kids.size());
        p_->children.insert(p_->children.end(), kids.begin(), kids.end());
        out.push_back({4, in});
      } else if (kw == "not") {
        FLOW_ASSIGN_OR_RETURN(uint32_t c, child(kw));
        Instr in = make(Op::kNot, kTypeAny, kw);
        in.a = c;
        out.push_back({4, in});
      } else if (kw == "if") {
        FLOW_ASSIGN_OR_RETURN(uint32_t c, child(kw));
        Instr in = make(Op::kIf, kTypeAny, kw);
        in.a = c;
        in.b = kNone;
        in.c = kNone;
        if (s.Find("then")) {
          FLOW_ASSIGN_OR_RETURN(in.b, child("then"));
        }
        if (s.Find("else")) {
          FLOW_ASSIGN_OR_RETURN(in.c, child("else"));
        }
        out.push_back({4, in});
      } else if (kw == "then" || kw == "else") {
        // Compiled with `if`; without `if` they do nothing, but must still be schemas.
        if (!s.Find("if"))
          FLOW_TRY(child(kw).status());
      } else if (kw == "unevaluatedProperties" || kw == "unevaluatedItems") {
        FLOW_ASSIGN_OR_RETURN(uint32_t c, child(kw));
        bool props = kw == "unevaluatedProperties";
        Instr in = make(props ? Op::kUnevaluatedProperties : Op::kUnevaluatedItems,
                        props ? kTypeObject : kTypeArray, kw);
        in.a = c;
        out.push_back({5, in});
        p_->nodes[id].unevaluated = true;
      } else if (kw == "reduce") {
        auto spec = ParseReduceSpec(v);
        if (!spec.ok())
          return bad(kw, spec.status().message());
        p_->reduce_specs.push_back(std::make_unique<ReduceSpec>(std::move(*spec)));
        p_->nodes[id].reduce = p_->reduce_specs.back().get();
      } else if (kw == "$defs" || kw == "definitions") {
        if (!v.is_object())
          return bad(kw, "expected an object of schemas");
      } else if (In(kAnnotationKeywords, kw) || In(kValidationKeywords, kw) ||
                 kw.starts_with("x-") || kw.starts_with("X-")) {
        // Annotations: no effect on validation.
      } else if (!opts_.allow_unknown_keywords) {
        return Status::InvalidArgument("{}: unexpected keyword '{}'", where, kw);
      }
    }

    if (properties || pattern_props || additional_props) {
      Instr in = make(Op::kProperties, kTypeObject,
                      properties      ? "properties"
                      : pattern_props ? "patternProperties"
                                      : "additionalProperties");
      // The table is sorted by name and also holds `required` names, so one merge
      // join over the (sorted) fields checks both.
      std::vector<Prop> table;
      if (properties) {
        for (const Field& f : properties->fields()) {
          FLOW_ASSIGN_OR_RETURN(uint32_t c, child("properties", "/" + EscapeToken(f.name)));
          table.push_back({f.name, c, false, UINT32_MAX});
        }
      }
      if (!required_names.empty()) {
        for (std::string_view r : required_names) {
          auto it = std::lower_bound(table.begin(), table.end(), r,
                                     [](const Prop& p, std::string_view n) { return p.name < n; });
          if (it != table.end() && it->name == r) {
            it->required = true;
          } else {
            table.insert(it, Prop{r, kNone, true, UINT32_MAX});
          }
        }
        in.required = static_cast<uint32_t>(required_names.size());
        in.required_loc = required_loc;
        // Drop the separate kRequired instruction.
        std::erase_if(out, [](const Pending& pd) { return pd.in.op == Op::kRequired; });
      }
      in.a = static_cast<uint32_t>(p_->props.size());
      in.b = static_cast<uint32_t>(table.size());
      p_->props.insert(p_->props.end(), table.begin(), table.end());
      in.c = static_cast<uint32_t>(p_->patterns.size());
      if (pattern_props) {
        for (const Field& f : pattern_props->fields()) {
          auto re = Regex::Compile(f.name);
          if (!re.ok())
            return bad("patternProperties", re.status().message());
          FLOW_ASSIGN_OR_RETURN(uint32_t c, child("patternProperties", "/" + EscapeToken(f.name)));
          p_->patterns.push_back({*re, c});
        }
        in.d = pattern_props->size();
      }
      in.e = kNone;
      if (additional_props) {
        FLOW_ASSIGN_OR_RETURN(in.e, child("additionalProperties"));
      }
      out.push_back({3, in});
    }

    if (prefix_items || items || (additional_items && items && items->is_array())) {
      const Node* prefix =
          prefix_items ? prefix_items : (items && items->is_array() ? items : nullptr);
      std::string_view prefix_kw = prefix_items ? "prefixItems" : "items";
      Instr in = make(Op::kItems, kTypeArray, prefix ? prefix_kw : "items");
      in.a = static_cast<uint32_t>(p_->children.size());
      std::vector<uint32_t> kids;
      if (prefix) {
        for (uint32_t i = 0; i < prefix->size(); ++i) {
          FLOW_ASSIGN_OR_RETURN(uint32_t c, child(prefix_kw, "/" + std::to_string(i)));
          kids.push_back(c);
        }
      }
      in.a = static_cast<uint32_t>(p_->children.size());
      in.b = static_cast<uint32_t>(kids.size());
      p_->children.insert(p_->children.end(), kids.begin(), kids.end());
      in.c = kNone;
      if (items && !items->is_array()) {
        FLOW_ASSIGN_OR_RETURN(in.c, child("items"));
        in.d = AddString(where + "/items");
      } else if (items && items->is_array() && additional_items) {
        FLOW_ASSIGN_OR_RETURN(in.c, child("additionalItems"));
        in.d = AddString(where + "/additionalItems");
      }
      out.push_back({3, in});
    } else if (additional_items) {
      FLOW_TRY(child("additionalItems").status());  // must still be a schema
    }

    if (contains) {
      FLOW_ASSIGN_OR_RETURN(uint32_t c, child("contains"));
      Instr in = make(Op::kContains, kTypeArray, "contains");
      in.a = c;
      in.b = 1;
      in.c = kNone;
      if (validation && min_contains)
        in.b = *count("minContains", *min_contains);
      if (validation && max_contains)
        in.c = *count("maxContains", *max_contains);
      in.d = min_contains ? AddString(where + "/minContains") : in.loc;
      in.e = max_contains ? AddString(where + "/maxContains") : in.loc;
      out.push_back({3, in});
    }

    return Emit(id, out);
  }

  Status Emit(uint32_t id, std::vector<Pending>& out) {
    std::stable_sort(out.begin(), out.end(),
                     [](const Pending& a, const Pending& b) { return a.order < b.order; });
    SNode& sn = p_->nodes[id];
    sn.code_begin = static_cast<uint32_t>(p_->code.size());
    for (const Pending& pd : out)
      p_->code.push_back(pd.in);
    sn.code_end = static_cast<uint32_t>(p_->code.size());
    return Status::OK();
  }

  // ---- Whole-program facts.

  template <typename F>
  void ForEachChild(const Instr& in, F&& f) {
    switch (in.op) {
      case Op::kItems:
        for (uint32_t i = 0; i < in.b; ++i)
          f(p_->children[in.a + i]);
        if (in.c != kNone)
          f(in.c);
        break;
      case Op::kProperties:
        for (uint32_t i = 0; i < in.b; ++i) {
          if (p_->props[in.a + i].node != kNone)
            f(p_->props[in.a + i].node);
        }
        for (uint32_t i = 0; i < in.d; ++i)
          f(p_->patterns[in.c + i].node);
        if (in.e != kNone)
          f(in.e);
        break;
      case Op::kDependentSchemas:
        for (uint32_t i = 0; i < in.b; ++i)
          f(p_->deps[in.a + i].a);
        break;
      case Op::kAllOf:
      case Op::kAnyOf:
      case Op::kOneOf:
        for (uint32_t i = 0; i < in.b; ++i)
          f(p_->children[in.a + i]);
        break;
      case Op::kIf:
        f(in.a);
        if (in.b != kNone)
          f(in.b);
        if (in.c != kNone)
          f(in.c);
        break;
      case Op::kContains:
      case Op::kRef:
      case Op::kPropertyNames:
      case Op::kNot:
      case Op::kUnevaluatedItems:
      case Op::kUnevaluatedProperties:
        f(in.a);
        break;
      case Op::kDynamicRef:
      case Op::kRecursiveRef:
        f(in.a);
        break;
      default:
        break;
    }
  }

  void Finish() {
    // may_annotate: a reduce annotation is reachable. Dynamic references may land on
    // any dynamic anchor, so they count every anchored node as reachable.
    std::vector<uint32_t> dynamic_targets;
    for (const auto& r : p_->resources) {
      for (auto [name, node] : r.dynamic_anchors)
        dynamic_targets.push_back(node);
      if (r.recursive_anchor_node != kNone)
        dynamic_targets.push_back(r.recursive_anchor_node);
    }
    for (SNode& n : p_->nodes)
      n.may_annotate = n.reduce != nullptr;
    bool changed = true;
    while (changed) {
      changed = false;
      for (SNode& n : p_->nodes) {
        if (n.may_annotate)
          continue;
        bool any = false;
        for (uint32_t pc = n.code_begin; pc < n.code_end && !any; ++pc) {
          const Instr& in = p_->code[pc];
          ForEachChild(in, [&](uint32_t c) { any |= p_->nodes[c].may_annotate; });
          if ((in.op == Op::kDynamicRef && in.b != kNone) || in.op == Op::kRecursiveRef) {
            for (uint32_t t : dynamic_targets)
              any |= p_->nodes[t].may_annotate;
          }
        }
        if (any) {
          n.may_annotate = true;
          changed = true;
        }
      }
    }
    AliasPureRefs();
    FindLeaves();
    // Combinators note whether a branch may annotate (then every branch is evaluated).
    for (Instr& in : p_->code) {
      if (in.op == Op::kAnyOf || in.op == Op::kOneOf) {
        bool any = false;
        ForEachChild(in, [&](uint32_t c) { any |= p_->nodes[c].may_annotate; });
        in.d = any;
      }
    }
  }

  // A node that is only a `$ref` (no other keyword, no annotation) is replaced by its
  // target wherever it is used: one evaluation less per reference. Error locations
  // are unchanged, since a `$ref` node reports nothing of its own.
  void AliasPureRefs() {
    auto pure = [&](uint32_t id) -> uint32_t {
      const SNode& n = p_->nodes[id];
      if (n.code_end - n.code_begin != 1 || n.reduce != nullptr || n.unevaluated)
        return kNone;
      const Instr& in = p_->code[n.code_begin];
      if (in.op != Op::kRef)
        return kNone;
      if (p_->uses_dynamic_scope && p_->nodes[in.a].resource != n.resource)
        return kNone;
      return in.a;
    };
    auto resolve = [&](uint32_t id) {
      for (int hops = 0; hops < 64; ++hops) {
        uint32_t t = pure(id);
        if (t == kNone || t == id)
          break;
        id = t;
      }
      return id;
    };
    for (Instr& in : p_->code) {
      switch (in.op) {
        case Op::kItems:
          for (uint32_t i = 0; i < in.b; ++i)
            p_->children[in.a + i] = resolve(p_->children[in.a + i]);
          if (in.c != kNone)
            in.c = resolve(in.c);
          break;
        case Op::kProperties:
          for (uint32_t i = 0; i < in.b; ++i) {
            Prop& pr = p_->props[in.a + i];
            if (pr.node != kNone)
              pr.node = resolve(pr.node);
          }
          for (uint32_t i = 0; i < in.d; ++i)
            p_->patterns[in.c + i].node = resolve(p_->patterns[in.c + i].node);
          if (in.e != kNone)
            in.e = resolve(in.e);
          break;
        case Op::kDependentSchemas:
          for (uint32_t i = 0; i < in.b; ++i)
            p_->deps[in.a + i].a = resolve(p_->deps[in.a + i].a);
          break;
        case Op::kAllOf:
        case Op::kAnyOf:
        case Op::kOneOf:
          for (uint32_t i = 0; i < in.b; ++i)
            p_->children[in.a + i] = resolve(p_->children[in.a + i]);
          break;
        case Op::kIf:
          in.a = resolve(in.a);
          if (in.b != kNone)
            in.b = resolve(in.b);
          if (in.c != kNone)
            in.c = resolve(in.c);
          break;
        case Op::kContains:
        case Op::kPropertyNames:
        case Op::kNot:
        case Op::kUnevaluatedItems:
        case Op::kUnevaluatedProperties:
        case Op::kRef:
          in.a = resolve(in.a);
          break;
        default:
          break;
      }
    }
  }

  // Marks nodes made only of scalar assertions as leaves.
  void FindLeaves() {
    for (SNode& n : p_->nodes) {
      if (n.reduce != nullptr || n.unevaluated || n.is_false)
        continue;
      Leaf leaf;
      bool ok = true;
      for (uint32_t pc = n.code_begin; pc < n.code_end && ok; ++pc) {
        const Instr& in = p_->code[pc];
        switch (in.op) {
          case Op::kType:
            leaf.types = static_cast<TypeSet>(in.a);
            break;
          case Op::kMinimum:
            ok = !(leaf.flags & Leaf::kMin);
            leaf.flags |= Leaf::kMin;
            leaf.min = in.num;
            break;
          case Op::kExclusiveMinimum:
            ok = !(leaf.flags & Leaf::kMin);
            leaf.flags |= Leaf::kMin | Leaf::kExclusiveMin;
            leaf.min = in.num;
            break;
          case Op::kMaximum:
            ok = !(leaf.flags & Leaf::kMax);
            leaf.flags |= Leaf::kMax;
            leaf.max = in.num;
            break;
          case Op::kExclusiveMaximum:
            ok = !(leaf.flags & Leaf::kMax);
            leaf.flags |= Leaf::kMax | Leaf::kExclusiveMax;
            leaf.max = in.num;
            break;
          case Op::kMinLength:
            leaf.flags |= Leaf::kLength;
            leaf.min_length = in.a;
            break;
          case Op::kMaxLength:
            leaf.flags |= Leaf::kLength;
            leaf.max_length = in.a;
            break;
          case Op::kFormat:
            ok = !(leaf.flags & Leaf::kFormat);
            leaf.flags |= Leaf::kFormat;
            leaf.format = static_cast<Format>(in.a);
            break;
          case Op::kConst:
          case Op::kEnum:
            ok = !(leaf.flags & Leaf::kEnum);
            leaf.flags |= Leaf::kEnum;
            leaf.enum_begin = in.a;
            leaf.enum_count = in.op == Op::kConst ? 1 : in.b;
            break;
          default:
            ok = false;
            break;
        }
      }
      if (!ok)
        continue;
      n.leaf = static_cast<uint32_t>(p_->leaves.size());
      p_->leaves.push_back(leaf);
    }
    for (Prop& pr : p_->props) {
      if (pr.node != kNone)
        pr.leaf = p_->nodes[pr.node].leaf;
    }
  }

  std::shared_ptr<IndexData> user_;
  const IndexData* builtin_;
  CompileOptions opts_;
  Program* p_;
  std::map<std::tuple<const IndexData*, uint32_t, std::string>, uint32_t> memo_;
  std::map<std::pair<const IndexData*, uint32_t>, uint32_t> resources_;
  std::map<std::string, Vocab> vocab_cache_;
  std::vector<SLoc> locs_;
  std::deque<uint32_t> work_;
};

}  // namespace

Result<std::unique_ptr<Program>> BuildProgram(std::shared_ptr<IndexData> data, std::string_view uri,
                                              const CompileOptions& options) {
  auto p = std::make_unique<Program>();
  p->options = options;
  p->keep_alive.push_back(data);
  Compiler c(std::move(data), options, p.get());
  FLOW_ASSIGN_OR_RETURN(p->root, c.Root(uri));
  p->has_reduce = p->nodes[p->root].may_annotate;
  p->root_uri = p->strings[p->nodes[p->root].loc];
  if (p->root_uri.ends_with("#"))
    p->root_uri.pop_back();
  return p;
}

}  // namespace internal

Schema::Schema(std::unique_ptr<internal::Program> p) : program_(std::move(p)) {}
Schema::~Schema() = default;

Result<std::shared_ptr<const Schema>> Schema::Compile(const SchemaIndex& index,
                                                      std::string_view uri,
                                                      const CompileOptions& options) {
  FLOW_ASSIGN_OR_RETURN(auto program, internal::BuildProgram(index.data_, uri, options));
  return std::shared_ptr<const Schema>(new Schema(std::move(program)));
}

const std::string& Schema::uri() const {
  return program_->root_uri;
}

bool Schema::has_reduce() const {
  return program_->has_reduce;
}

}  // namespace flow::doc::schema

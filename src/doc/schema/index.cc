// SPDX-License-Identifier: Apache-2.0
// doc/schema/index.cc: walking schema documents and indexing their identifiers.
#include "doc/schema/index.h"

#include <algorithm>
#include <optional>
#include <set>

#include "doc/json.h"
#include "doc/pointer.h"
#include "doc/schema/program.h"
#include "doc/schema/uri.h"

namespace flow::doc::schema {

namespace internal {

namespace {

// Keywords whose value is one subschema, an array of them, or a map of them.
constexpr std::string_view kSchemaKeywords[] = {
    "additionalItems",
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
};
constexpr std::string_view kArrayKeywords[] = {"allOf", "anyOf", "oneOf", "prefixItems", "items"};
constexpr std::string_view kMapKeywords[] = {
    "$defs", "definitions", "dependencies", "dependentSchemas", "patternProperties", "properties"};

bool IsAnchorName(std::string_view s) {
  if (s.empty())
    return false;
  char c = s[0];
  if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'))
    return false;
  for (char ch : s) {
    bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.';
    if (!ok)
      return false;
  }
  return true;
}

}  // namespace

std::optional<Draft> DraftOfSchemaUri(std::string_view uri) {
  std::string_view u = StripFragment(uri);
  if (u == "https://json-schema.org/draft/2020-12/schema")
    return Draft::k2020;
  if (u == "https://json-schema.org/draft/2019-09/schema")
    return Draft::k2019;
  if (u == "http://json-schema.org/draft-07/schema" ||
      u == "http://json-schema.org/draft-06/schema" ||
      u == "http://json-schema.org/draft-04/schema") {
    return Draft::k07;
  }
  return std::nullopt;
}

class Walker {
 public:
  Walker(IndexData& d, uint32_t doc) : d_(d), doc_(doc) {}

  Status Walk(const Node& n, const std::string& ptr, std::string base, uint32_t resource,
              Draft draft, std::string schema_uri) {
    std::string where = d_.docs[doc_].uri + "#" + ptr;
    if (n.is_object()) {
      if (const Node* s = n.Find("$schema"); s != nullptr && s->is_string()) {
        schema_uri = ResolveUri(base, s->as_string());
        if (auto dr = DraftOfSchemaUri(schema_uri)) {
          draft = *dr;
        } else {
          d_.references.emplace_back(StripFragment(schema_uri));
        }
      }
      if (const Node* id = n.Find("$id"); id != nullptr && id->is_string()) {
        std::string_view idv = id->as_string();
        if (idv.starts_with("#") && draft == Draft::k07) {
          // draft-07: a fragment-only $id is an anchor.
          FLOW_TRY(AddAnchor(base, idv.substr(1), ptr, where));
        } else {
          std::string full = ResolveUri(base, idv);
          std::string_view frag = FragmentOf(full);
          if (!frag.empty() && draft != Draft::k07) {
            return Status::InvalidArgument("{}/$id: unexpected fragment component '{}' of $id",
                                           where, frag);
          }
          std::string uri(StripFragment(full));
          if (!frag.empty())
            FLOW_TRY(AddAnchor(uri, frag, ptr, where));
          if (uri != base || ptr != root_pointer_) {
            FLOW_ASSIGN_OR_RETURN(resource, AddResource(uri, ptr, where));
          }
          base = uri;
        }
      }
      if (const Node* a = n.Find("$anchor"); a != nullptr) {
        if (!a->is_string() || !IsAnchorName(a->as_string())) {
          return Status::InvalidArgument("{}/$anchor: invalid anchor name {}", where, ToJson(*a));
        }
        FLOW_TRY(AddAnchor(base, a->as_string(), ptr, where));
      }
      if (const Node* a = n.Find("$dynamicAnchor"); a != nullptr) {
        if (!a->is_string() || !IsAnchorName(a->as_string())) {
          return Status::InvalidArgument("{}/$dynamicAnchor: invalid anchor name {}", where,
                                         ToJson(*a));
        }
        FLOW_TRY(AddAnchor(base, a->as_string(), ptr, where));
        d_.resources[resource].dynamic_anchors[std::string(a->as_string())] = ptr;
      }
      if (const Node* a = n.Find("$recursiveAnchor");
          a != nullptr && a->is_bool() && a->as_bool()) {
        if (d_.resources[resource].pointer == ptr)
          d_.resources[resource].recursive_anchor = true;
      }
      for (std::string_view kw : {"$ref", "$dynamicRef", "$recursiveRef"}) {
        if (const Node* r = n.Find(kw); r != nullptr && r->is_string()) {
          std::string full = ResolveUri(base, r->as_string());
          d_.references.emplace_back(StripFragment(full));
        }
      }
    } else if (!n.is_bool()) {
      return Status::OK();  // not a schema; the compiler reports it if it is used as one
    }
    auto& locs = d_.locations[doc_];
    LocInfo info{base, resource, draft, schema_uri};
    locs[ptr] = std::move(info);
    if (!n.is_object())
      return Status::OK();

    for (const Field& f : n.fields()) {
      std::string child = ptr + "/" + EscapeToken(f.name);
      bool single = std::find(std::begin(kSchemaKeywords), std::end(kSchemaKeywords), f.name) !=
                    std::end(kSchemaKeywords);
      bool array = std::find(std::begin(kArrayKeywords), std::end(kArrayKeywords), f.name) !=
                   std::end(kArrayKeywords);
      bool map = std::find(std::begin(kMapKeywords), std::end(kMapKeywords), f.name) !=
                 std::end(kMapKeywords);
      if (single && (f.value.is_object() || f.value.is_bool())) {
        FLOW_TRY(Walk(f.value, child, base, resource, draft, schema_uri));
      } else if (array && f.value.is_array()) {
        for (size_t i = 0; i < f.value.size(); ++i) {
          FLOW_TRY(Walk(f.value.items()[i], child + "/" + std::to_string(i), base, resource, draft,
                        schema_uri));
        }
      } else if (map && f.value.is_object()) {
        for (const Field& m : f.value.fields()) {
          FLOW_TRY(
              Walk(m.value, child + "/" + EscapeToken(m.name), base, resource, draft, schema_uri));
        }
      }
    }
    return Status::OK();
  }

  Result<uint32_t> AddResource(const std::string& uri, const std::string& ptr,
                               const std::string& where) {
    if (auto it = d_.resource_by_uri.find(uri); it != d_.resource_by_uri.end()) {
      const Resource& r = d_.resources[it->second];
      if (r.doc == doc_ && r.pointer == ptr)
        return it->second;
      return Status::InvalidArgument("{}: schema resource {} is defined more than once", where,
                                     uri);
    }
    uint32_t id = static_cast<uint32_t>(d_.resources.size());
    d_.resources.push_back(Resource{doc_, ptr, uri, {}, false});
    d_.resource_by_uri[uri] = id;
    return id;
  }

  Status AddAnchor(const std::string& base, std::string_view name, const std::string& ptr,
                   const std::string& where) {
    std::string key = base + "#" + std::string(name);
    auto [it, inserted] = d_.anchors.emplace(key, Loc{doc_, ptr});
    if (!inserted && !(it->second.doc == doc_ && it->second.pointer == ptr)) {
      return Status::InvalidArgument("{}: anchor {} is defined more than once", where, key);
    }
    return Status::OK();
  }

  std::string root_pointer_;

 private:
  IndexData& d_;
  uint32_t doc_;
};

Status AddDocument(IndexData& d, std::string_view uri_in, const Node& doc,
                   const std::vector<std::string>& schema_pointers) {
  Uri parsed = Uri::Parse(uri_in);
  if (!parsed.absolute()) {
    return Status::InvalidArgument("schema URI {} is not absolute", uri_in);
  }
  std::string uri(StripFragment(ResolveUri("", uri_in)));
  if (d.resource_by_uri.count(uri)) {
    return Status::InvalidArgument("schema document {} is already indexed", uri);
  }
  uint32_t doc_id = static_cast<uint32_t>(d.docs.size());
  d.docs.push_back(Document{uri, Clone(doc, d.arena)});
  d.locations.emplace_back();
  uint32_t resource = static_cast<uint32_t>(d.resources.size());
  d.resources.push_back(Resource{doc_id, "", uri, {}, false});
  d.resource_by_uri[uri] = resource;

  Walker w(d, doc_id);
  for (const std::string& ptr : schema_pointers) {
    FLOW_ASSIGN_OR_RETURN(Pointer p, Pointer::Parse(ptr));
    const Node* at = p.Query(d.docs[doc_id].root);
    if (at == nullptr) {
      return Status::InvalidArgument("{}#{}: no schema at this location", uri, ptr);
    }
    w.root_pointer_ = "";
    FLOW_TRY(w.Walk(*at, ptr, uri, resource, Draft::k2020, ""));
  }
  return Status::OK();
}

}  // namespace internal

SchemaIndex::SchemaIndex() : data_(std::make_shared<internal::IndexData>()) {}
SchemaIndex::~SchemaIndex() = default;
SchemaIndex::SchemaIndex(SchemaIndex&&) noexcept = default;
SchemaIndex& SchemaIndex::operator=(SchemaIndex&&) noexcept = default;

Status SchemaIndex::Add(std::string_view uri, const Node& doc,
                        const std::vector<std::string>& schema_pointers) {
  return internal::AddDocument(*data_, uri, doc, schema_pointers);
}

bool SchemaIndex::Contains(std::string_view uri) const {
  std::string u(StripFragment(ResolveUri("", uri)));
  return data_->resource_by_uri.count(u) > 0;
}

std::vector<std::string> SchemaIndex::MissingReferences() const {
  const internal::IndexData& builtin = internal::BuiltinIndex();
  std::set<std::string> out;
  for (const std::string& r : data_->references) {
    if (r.empty() || data_->resource_by_uri.count(r) || builtin.resource_by_uri.count(r))
      continue;
    out.insert(r);
  }
  return {out.begin(), out.end()};
}

}  // namespace flow::doc::schema

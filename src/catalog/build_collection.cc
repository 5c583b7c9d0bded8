// SPDX-License-Identifier: Apache-2.0
// catalog/build_collection.cc: collection schemas, keys, projections, selectors, references.
#include <algorithm>
#include <climits>

#include "catalog/builder.h"
#include "catalog/names.h"
#include "catalog/sql.h"
#include "doc/json.h"

namespace flow::catalog {
namespace {

using doc::schema::Exists;
using doc::schema::Shape;

constexpr std::string_view kFlowDocument = "flow_document";
constexpr std::string_view kFlowPublishedAt = "flow_published_at";
constexpr std::string_view kFlowTruncated = "_meta/flow_truncated";
constexpr std::string_view kUuidPtr = "/_meta/uuid";
constexpr std::string_view kUuidDateTimePtr = "/_meta/uuid/date-time";
constexpr std::string_view kTruncationPtr = "/_meta/flow_truncated";

void FillInference(Projection* p, const Shape* shape, Exists exists) {
  p->exists = exists;
  if (shape == nullptr)
    return;
  p->types = shape->types;
  if (shape->default_value)
    p->default_value = *shape->default_value;
  if (shape->format)
    p->format = *shape->format;
  if (shape->content_encoding)
    p->content_encoding = *shape->content_encoding;
  if (shape->title)
    p->title = *shape->title;
  if (shape->description)
    p->description = *shape->description;
}

Projection Synthetic(std::string_view field, std::string_view ptr, Projection::Kind kind) {
  Projection p;
  p.field = std::string(field);
  p.ptr = std::string(ptr);
  p.kind = kind;
  if (kind == Projection::Kind::kPublishedAt) {
    p.types = doc::schema::kTypeString;
    p.format = "date-time";
    p.exists = Exists::kMust;
  } else if (kind == Projection::Kind::kTruncated) {
    p.types = doc::schema::kTypeBoolean;
    p.exists = Exists::kMay;
  }
  return p;
}

}  // namespace

std::optional<BuiltSchema> Builder::BuildSchema(const SchemaRef& ref, const SchemaRef* write) {
  std::optional<BuiltSchema> built = schemas_.Build(ref, write);
  if (!built)
    return std::nullopt;
  if (built->shape->types != doc::schema::kTypeObject) {
    Error(ref.scope, "collection schema " + built->uri + " must have type 'object'");
    return std::nullopt;
  }
  for (const std::string& problem : built->shape->Inspect()) {
    // Messages start with the location: `'/a' has ...` or `/a has ...`.
    std::string_view m = problem;
    std::string_view ptr;
    if (!m.empty() && m[0] == '\'') {
      ptr = m.substr(1, m.find('\'', 1) - 1);
    } else if (!m.empty() && m[0] == '/') {
      ptr = m.substr(0, m.find(' '));
    }
    Error(schemas_.LocationOf(ref, ptr), problem);
  }
  return built;
}

std::optional<std::string> Builder::WalkPtr(const Collection& c, std::string_view ptr, bool is_key,
                                            bool with_write) const {
  if (auto err = CheckPointer(ptr))
    return err;
  auto pointer = doc::Pointer::Parse(ptr);
  if (!pointer.ok())
    return std::string(pointer.status().message());
  auto [shape, exists] = c.read_shape->Locate(*pointer);
  const std::string& uri = c.read_schema_uri;
  if (exists == Exists::kImplicit)
    return "location " + std::string(ptr) + " is unknown in schema " + uri;
  if (exists == Exists::kCannot) {
    return "location " + std::string(ptr) + " is prohibited from ever existing by the schema " +
           uri;
  }
  if (!is_key)
    return std::nullopt;
  if (!KeyableTypes(shape->types)) {
    return "location " + std::string(ptr) + " accepts " + doc::schema::TypeSetString(shape->types) +
           " in schema " + uri +
           ", but locations used as keys may only be null-able integers, strings, or booleans";
  }
  bool lww = shape->reduction == Shape::Reduction::kUnset ||
             (shape->reduction == Shape::Reduction::kStrategy && shape->reduce != nullptr &&
              shape->reduce->strategy == doc::Strategy::kLastWriteWins);
  if (!lww) {
    return "location " + std::string(ptr) +
           " has a reduction strategy, which is disallowed because the location is used as a key";
  }
  if (with_write && c.has_distinct_read_schema() && c.write_shape) {
    auto [wshape, wexists] = c.write_shape->Locate(*pointer);
    const std::string& wuri = c.write_schema_uri;
    if (wexists == Exists::kImplicit) {
      return "location " + std::string(ptr) + " is unknown in schema " + wuri;
    }
    if (wexists == Exists::kCannot) {
      return "location " + std::string(ptr) + " is prohibited from ever existing by the schema " +
             wuri;
    }
    auto strip = [](doc::schema::TypeSet t) {
      return static_cast<doc::schema::TypeSet>(t & ~doc::schema::kTypeNull);
    };
    if (strip(shape->types) != strip(wshape->types)) {
      return "location " + std::string(ptr) + " accepts " +
             doc::schema::TypeSetString(strip(shape->types)) + " in read schema " + uri + " but " +
             doc::schema::TypeSetString(strip(wshape->types)) + " in write schema " + wuri +
             "; the types of a keyed location may differ only in null-ability";
    }
  }
  return std::nullopt;
}

void Builder::BuildCollection(Collection& c) {
  const doc::Node* key_node = nullptr;
  if (c.key_scope.resource != nullptr) {
    if (auto p = doc::Pointer::Parse(c.key_scope.pointer); p.ok()) {
      key_node = p->Query(c.key_scope.resource->root);
    }
  }
  if (key_node != nullptr && key_node->is_array() && key_node->size() == 0) {
    Error(c.key_scope, "collection " + c.name + " key cannot be empty");
  }
  const bool single = c.schema && !c.write_schema && !c.read_schema;
  const bool pair = !c.schema && c.write_schema && c.read_schema;
  if (!single && !pair) {
    Error(c.scope,
          "collection " + c.name +
              " must define either `schema` or both of `writeSchema` and `readSchema`",
          /*at_key=*/true);
    return;
  }
  const SchemaRef& write_ref = single ? *c.schema : *c.write_schema;
  std::optional<BuiltSchema> write = BuildSchema(write_ref, nullptr);
  std::optional<BuiltSchema> read;
  if (pair)
    read = BuildSchema(*c.read_schema, &*c.write_schema);
  if (!write || (pair && !read))
    return;

  c.write_validator_schema = write->schema;
  c.write_shape = write->shape;
  c.write_schema_uri = write->uri;
  const BuiltSchema& r = pair ? *read : *write;
  c.read_validator_schema = r.schema;
  c.read_shape = r.shape;
  c.read_schema_uri = r.uri;

  bool key_ok = !c.key.empty();
  for (size_t i = 0; i < c.key.size(); ++i) {
    if (auto err = WalkPtr(c, c.key[i], /*is_key=*/true, /*with_write=*/true)) {
      Error(c.key_scope.Push(i), *err);
      key_ok = false;
    }
  }
  BuildProjections(c);
  for (const std::string& k : c.key) {
    auto ptr = doc::Pointer::Parse(k);
    if (!ptr.ok())
      continue;
    const Projection* p = nullptr;
    for (const Projection& q : c.projections) {
      if (q.ptr == k && q.kind == Projection::Kind::kLocation)
        p = &q;
    }
    if (p != nullptr && p->default_value) {
      c.key_extractors.emplace_back(*ptr, *p->default_value);
    } else {
      c.key_extractors.emplace_back(*ptr);
    }
  }
  if (key_ok)
    built_.insert(&c);
}

void Builder::BuildProjections(Collection& c) {
  Scope scope = c.scope.Push("projections");
  // Explicit fields may not collide under collation (this keeps partitions distinct).
  {
    std::vector<std::pair<std::string, const ProjectionSpec*>> keyed;
    for (const ProjectionSpec& p : c.projection_specs)
      keyed.emplace_back(CollationKey(p.field), &p);
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < keyed.size(); ++i) {
      if (keyed[i].first != keyed[i - 1].first)
        continue;
      Error(keyed[i].second->scope,
            "projection " + keyed[i].second->field + " collides with projection " +
                keyed[i - 1].second->field + ", defined at " + keyed[i - 1].second->scope.Where(),
            true);
    }
  }

  std::vector<Projection> specs;
  bool saw_root = false, saw_uuid_timestamp = false;
  for (const ProjectionSpec& ps : c.projection_specs) {
    if (ps.partition) {
      if (auto err = CheckName(ps.field, NameKind::kToken, "partition"))
        Error(ps.scope, *err, true);
    } else if (auto err = CheckName(ps.field, NameKind::kField, "projection")) {
      Error(ps.scope, *err, true);
    }
    if (ps.location.empty()) {
      saw_root = true;
    } else if (ps.location == kUuidDateTimePtr && !ps.partition) {
      saw_uuid_timestamp = true;
      Projection p = Synthetic(ps.field, kUuidPtr, Projection::Kind::kPublishedAt);
      p.is_explicit = true;
      p.scope = ps.scope;
      specs.push_back(std::move(p));
      continue;
    }
    if (auto err = WalkPtr(c, ps.location, ps.partition, /*with_write=*/true)) {
      Error(ps.scope, *err);
    }
    Projection p;
    p.field = ps.field;
    p.ptr = ps.location;
    p.kind = ps.location.empty() ? Projection::Kind::kDocument : Projection::Kind::kLocation;
    p.is_explicit = true;
    p.is_partition = ps.partition;
    p.is_primary_key = std::find(c.key.begin(), c.key.end(), ps.location) != c.key.end();
    p.scope = ps.scope;
    if (auto ptr = doc::Pointer::Parse(ps.location); ptr.ok()) {
      auto [shape, exists] = c.read_shape->Locate(*ptr);
      FillInference(&p, shape, exists);
    }
    specs.push_back(std::move(p));
  }
  if (!saw_root) {
    Projection p = Synthetic(kFlowDocument, "", Projection::Kind::kDocument);
    auto [shape, exists] = c.read_shape->Locate(doc::Pointer());
    FillInference(&p, shape, exists);
    specs.push_back(std::move(p));
  }
  if (!saw_uuid_timestamp) {
    specs.push_back(Synthetic(kFlowPublishedAt, kUuidPtr, Projection::Kind::kPublishedAt));
  }
  specs.push_back(Synthetic(kFlowTruncated, kTruncationPtr, Projection::Kind::kTruncated));
  for (const std::string& k : c.key) {
    if (k.empty() || k[0] != '/' || CheckPointer(k))
      continue;
    Projection p;
    p.field = k.substr(1);
    p.ptr = k;
    p.is_primary_key = true;
    if (auto ptr = doc::Pointer::Parse(k); ptr.ok()) {
      auto [shape, exists] = c.read_shape->Locate(*ptr);
      FillInference(&p, shape, exists);
    }
    specs.push_back(std::move(p));
  }
  for (const Shape::Location& loc : c.read_shape->Locations()) {
    if (loc.pattern || loc.pointer.empty() || loc.pointer.back() == '/')
      continue;
    std::string field = loc.pointer.substr(1);
    if (field == kFlowDocument)
      continue;
    Projection p;
    p.field = std::move(field);
    p.ptr = loc.pointer;
    FillInference(&p, loc.shape, loc.exists);
    specs.push_back(std::move(p));
  }
  // Explicit first, then key, then inferred projections of each field.
  std::stable_sort(specs.begin(), specs.end(),
                   [](const Projection& a, const Projection& b) { return a.field < b.field; });
  for (size_t i = 1; i < specs.size(); ++i) {
    const Projection& l = specs[i - 1];
    const Projection& r = specs[i];
    if (l.field == r.field && l.ptr != r.ptr) {
      Error(l.is_explicit ? l.scope : scope.Push(l.field),
            "projection " + l.field + " is the canonical field name of location " +
                DebugQuote(r.ptr) + ", and cannot re-map it to " + DebugQuote(l.ptr));
    }
  }
  std::vector<Projection> out;
  out.reserve(specs.size());
  for (Projection& p : specs) {
    if (!out.empty() && out.back().field == p.field)
      continue;
    if (p.scope.resource == nullptr)
      p.scope = c.scope;
    if (auto ptr = doc::Pointer::Parse(p.ptr); ptr.ok())
      p.pointer = std::move(*ptr);
    p.param = CanonicalParamEncoding(p.field);
    if (p.is_partition)
      c.partition_fields.push_back(p.field);
    out.push_back(std::move(p));
  }
  c.projections = std::move(out);
}

void Builder::WalkSelector(const Collection& c, const PartitionSelector& sel) {
  for (bool include : {true, false}) {
    std::string category = include ? "include" : "exclude";
    for (const PartitionSelector::Field& f : include ? sel.include : sel.exclude) {
      const Projection* p = c.FindProjection(f.name);
      if (p == nullptr) {
        Error(f.scope,
              category + " projection " + f.name + " does not exist in collection " + c.name, true);
        continue;
      }
      if (!p->is_partition) {
        Error(
            f.scope,
            category + " projection " + f.name + " of collection " + c.name + " is not a partition",
            true);
      }
      for (size_t i = 0; i < f.values.size(); ++i) {
        const doc::Node& v = f.values[i];
        if ((doc::schema::TypeOfNode(v) & p->types) == 0) {
          Error(f.scope.Push(i), category + " partition selector field " + f.name + " value " +
                                     doc::ToJson(v) +
                                     " is incompatible with the projections type, " +
                                     doc::schema::TypeSetString(p->types));
        }
        if (v.is_string() && v.as_string().empty()) {
          Error(f.scope.Push(i),
                category + " partition selector field " + f.name + " cannot be an empty string");
        }
      }
    }
  }
}

const Collection* Builder::WalkReference(const Scope& at, const std::string& this_entity,
                                         const std::string& name) {
  if (const Collection* c = cat_->FindCollection(name))
    return c;
  const Collection* best = nullptr;
  size_t best_d = SIZE_MAX;
  for (const Collection& c : cat_->collections) {
    size_t d = EditDistance(name, c.name);
    if (d <= 4 && d < best_d) {
      best_d = d;
      best = &c;
    }
  }
  std::string msg = "collection " + name + ", referenced by " + this_entity + ", is not defined";
  if (best != nullptr)
    msg += "; did you mean " + best->name + " defined at " + best->scope.Where() + " ?";
  Error(at, std::move(msg));
  return nullptr;
}

}  // namespace flow::catalog

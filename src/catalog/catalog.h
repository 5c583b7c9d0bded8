// SPDX-License-Identifier: Apache-2.0
// catalog/catalog.h: the loaded, resolved and validated catalog: flowctl's view of a Flow spec.
//
//   LoadOptions opts;
//   std::unique_ptr<Catalog> cat = LoadCatalog("examples/rides/flow.yaml", opts);
//   for (const Diagnostic& d : cat->diagnostics.Sorted()) ... FormatDiagnostic(d) ...
//   if (!cat->diagnostics.has_errors()) { const Collection* c = cat->FindCollection("a/b"); }
//
// A Catalog owns every resource it loaded (files, parsed nodes, marks) and every
// compiled schema; the structs below point into it and stay valid for its lifetime.
// Loading never stops at the first problem: everything that can be checked is, and
// each problem becomes a Diagnostic. Parts of the catalog with errors are still
// present but their `built` data may be incomplete: consumers (test runner, runtime,
// combiner) must only use a catalog without errors.
// Immutable once returned; may be read from several threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/diagnostics.h"
#include "catalog/resource.h"
#include "doc/arena.h"
#include "doc/compare.h"
#include "doc/key.h"
#include "doc/node.h"
#include "doc/pointer.h"
#include "doc/schema/shape.h"
#include "doc/schema/validator.h"

namespace flow::catalog {

/// A location in a resource: Flow's "scope", a URL with a JSON-pointer fragment.
struct Scope {
  const Resource* resource = nullptr;
  std::string pointer;  ///< JSON pointer within the resource ("" is the root)

  Scope Push(std::string_view property) const;
  Scope Push(size_t index) const;
  /// e.g. file:///abs/flow.yaml#/collections/acmeCo~1x/key/0
  std::string Url() const;
  /// e.g. flow.yaml:12:7 (display path, line, column), or the URL if unknown.
  std::string Where() const;
};

/// A value given inline or as a file reference (spec §1.13.4: a string without
/// whitespace names a file; .yaml/.yml/.json files are parsed, others are text).
struct Content {
  Scope origin;     ///< where the value (inline, or the file reference) is written
  Scope scope;      ///< where `value` lives: in the catalog, or the root of the file
  doc::Node value;  ///< the inline value, or the file's content (a string for text files)
  std::string url;  ///< the file's absolute URL if the value came from a file
  bool ok = true;   ///< false if the file could not be fetched or parsed

  bool from_file() const { return !url.empty(); }
  bool is_text() const { return value.is_string(); }
  std::string_view text() const {
    return value.is_string() ? value.as_string() : std::string_view();
  }
};

/// A collection schema as written: inline, or a URL with an optional fragment.
struct SchemaRef {
  Scope scope;           ///< the `schema`/`writeSchema`/`readSchema` value
  std::string url;       ///< absolute URL (may have a #fragment); empty if inline
  doc::Node inline_doc;  ///< the inline schema
  bool is_inline() const { return url.empty(); }
  /// Canonical URI as Flow names it: the URL, or for inline schemas the catalog file
  /// URL plus the pointer to the schema (file:///d/flow.yaml#/collections/a~1b/schema).
  std::string Uri() const { return is_inline() ? scope.Url() : url; }
};

/// `partitions: {include: {field: [values]}, exclude: {...}}` (spec §1.6).
struct PartitionSelector {
  struct Field {
    std::string name;
    std::vector<doc::Node> values;
    Scope scope;
  };
  Scope scope;
  std::vector<Field> include;
  std::vector<Field> exclude;

  bool empty() const { return include.empty() && exclude.empty(); }
  /// Whether a partition with these field values is selected. `value_of(field)`
  /// returns the partition's value of a field (nullptr if it has none).
  template <typename ValueOf>
  bool Matches(ValueOf&& value_of) const;
};

/// A projection of a collection (explicit, key, inferred or synthetic), with what the
/// read schema says about its location.
struct Projection {
  enum class Kind : uint8_t {
    kLocation,     ///< a document location
    kDocument,     ///< the whole document (ptr "")
    kPublishedAt,  ///< the UUID timestamp of /_meta/uuid as RFC 3339 (flow_published_at)
    kTruncated,    ///< _meta/flow_truncated, the truncation indicator
  };
  std::string field;
  std::string ptr;  ///< "" for the root; "/_meta/uuid" for flow_published_at
  doc::Pointer pointer;
  Kind kind = Kind::kLocation;
  bool is_explicit = false;
  bool is_partition = false;
  bool is_primary_key = false;
  doc::schema::TypeSet types = doc::schema::kTypeAny;
  doc::schema::Exists exists = doc::schema::Exists::kImplicit;
  std::optional<doc::Node> default_value;  ///< the schema `default` at the location
  std::string format;                      ///< e.g. "integer", "number", "date-time"
  std::string content_encoding;            ///< e.g. "base64"
  std::string title;
  std::string description;
  /// The SQLite parameter naming this field (spec §6.4): "$id", "$a$b", "$p::(x+y)".
  std::string param;
  Scope scope;  ///< explicit projections: their definition; others: the collection
};

struct ProjectionSpec {
  std::string field;
  std::string location;
  bool partition = false;
  Scope scope;
};

/// One statement of a SQLite block (spec §6.3), with its parameters resolved.
struct SqlStatement {
  std::string sql;
  uint32_t offset = 0;  ///< byte offset of `sql` within its block
  struct Param {
    int index = 0;      ///< 1-based SQLite parameter index
    std::string name;   ///< as written, e.g. "$customer$name"
    std::string field;  ///< the projection it binds
  };
  std::vector<Param> params;
  bool read_only = false;
};

enum class ShuffleKind : uint8_t {
  kAny,        ///< `shuffle: any`
  kKey,        ///< `shuffle: {key: [...]}`
  kLambda,     ///< `shuffle: {lambda: ...}` (computed; not functional in Flow either)
  kSourceKey,  ///< no `shuffle` given: the source collection's key (legacy default)
};

struct Collection;

struct Transform {
  std::string name;
  Scope scope;
  std::string source;  ///< source collection name
  Scope source_scope;
  PartitionSelector partitions;
  std::optional<std::string> not_before;  ///< RFC 3339 as written
  std::optional<std::string> not_after;
  ShuffleKind shuffle = ShuffleKind::kAny;
  std::vector<std::string> shuffle_key;  ///< kKey: as written; kSourceKey: the source key
  Scope shuffle_scope;
  std::optional<Content> shuffle_lambda;
  std::optional<Content> lambda;
  uint32_t priority = 0;
  std::chrono::milliseconds read_delay{0};
  bool disable = false;

  // Built.
  const Collection* source_collection = nullptr;
  std::vector<doc::KeyExtractor> shuffle_extractors;  ///< kKey/kSourceKey, with defaults
  std::vector<SqlStatement> statements;               ///< SQLite: the split lambda
  bool read_only = false;
};

enum class DeriveUsing : uint8_t { kSqlite, kTypescript, kPython, kConnector, kLocal, kLegacy };
std::string_view DeriveUsingName(DeriveUsing u);

struct Derivation {
  Scope scope;
  DeriveUsing using_ = DeriveUsing::kSqlite;
  std::vector<Content> migrations;   ///< sqlite
  std::optional<Content> module;     ///< typescript / python
  std::string image;                 ///< connector
  std::optional<Content> config;     ///< connector / local
  std::vector<std::string> command;  ///< local
  std::vector<Transform> transforms;
  std::vector<std::string> shuffle_key_types;  ///< "string" | "integer" | "boolean"
  bool shards_disabled = false;

  /// Whether flowctl can run it locally (SQLite only); others are reported
  /// "not runnable locally" by the commands that would run them.
  bool runnable() const { return using_ == DeriveUsing::kSqlite; }

  // Built: each migration block split into statements.
  std::vector<std::vector<SqlStatement>> migration_statements;
};

struct Collection {
  std::string name;
  Scope scope;
  std::optional<SchemaRef> schema;
  std::optional<SchemaRef> write_schema;
  std::optional<SchemaRef> read_schema;
  std::vector<std::string> key;  ///< key pointers as written
  Scope key_scope;
  std::vector<ProjectionSpec> projection_specs;
  std::optional<Derivation> derive;

  // Built.
  std::shared_ptr<const doc::schema::Schema> write_validator_schema;
  std::shared_ptr<const doc::schema::Schema> read_validator_schema;  ///< == write if one schema
  std::shared_ptr<const doc::schema::Shape> write_shape;
  std::shared_ptr<const doc::schema::Shape> read_shape;
  std::string write_schema_uri;  ///< canonical URIs, as used in messages
  std::string read_schema_uri;
  std::vector<doc::KeyExtractor> key_extractors;  ///< with read-schema defaults
  std::vector<Projection> projections;            ///< sorted by field, unique
  std::vector<std::string> partition_fields;      ///< sorted

  bool has_distinct_read_schema() const { return read_schema.has_value(); }
  const Projection* FindProjection(std::string_view field) const;
  bool is_derivation() const { return derive.has_value(); }
};

struct Binding {
  Scope scope;
  std::optional<Content> resource;
  std::string collection;  ///< capture target or materialization source
  Scope collection_scope;
  PartitionSelector partitions;
  bool disable = false;
  const Collection* built_collection = nullptr;
};

struct Capture {
  std::string name;
  Scope scope;
  std::string endpoint;  ///< "connector", "local", ...
  std::string image;
  std::optional<Content> config;
  std::vector<std::string> command;
  std::vector<Binding> bindings;
  std::chrono::milliseconds interval{5 * 60 * 1000};
  bool shards_disabled = false;
};

struct Materialization {
  std::string name;
  Scope scope;
  std::string endpoint;  ///< "connector", "local", "sqlite", "dekaf"
  std::string image;
  std::optional<Content> config;
  std::vector<std::string> command;
  std::string sqlite_path;  ///< built-in sqlite endpoint: the path as written
  std::vector<Binding> bindings;
  bool shards_disabled = false;
};

struct TestStep {
  enum class Kind : uint8_t { kIngest, kVerify };
  Kind kind = Kind::kIngest;
  Scope scope;  ///< the step's `ingest`/`verify` object, e.g. .../tests/a~1b/0/ingest
  std::string description;
  std::string collection;
  Scope collection_scope;
  PartitionSelector partitions;  ///< verify only
  Content documents;             ///< an array of objects
  const Collection* built_collection = nullptr;
};

struct Test {
  std::string name;
  Scope scope;
  std::string description;
  std::vector<TestStep> steps;
};

struct StorageMapping {
  std::string prefix;
  Scope scope;
};

struct LoadOptions {
  /// Validate the model (spec §2). False only loads, resolves and parses, which is
  /// what `raw bundle` needs.
  bool validate = true;
  /// Prepare SQLite migrations and lambdas against a scratch database (spec §6.7).
  bool validate_sqlite = true;
  /// SQLite virtual-machine steps that migrations may take during validation before
  /// they are interrupted (guards against unbounded recursive queries).
  uint64_t sqlite_step_budget = 2'000'000'000;
  /// Validate every test ingest document against its collection's write schema.
  bool validate_test_documents = true;
  /// Reads a file by path; the default reads the filesystem. Tests and the fuzzer
  /// substitute an in-memory tree. Must return NotFound for a missing file.
  std::function<Result<std::string>(const std::string& path)> read_file;
  /// Display resource paths relative to this directory (default: the cwd). When the
  /// source is given as an absolute path, absolute paths are displayed.
  std::string display_base;
};

class Catalog {
 public:
  Catalog() = default;
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const Collection* FindCollection(std::string_view name) const;
  const Test* FindTest(std::string_view name) const;
  /// The resource loaded from `url` (without fragment), or nullptr.
  const Resource* FindResource(std::string_view url) const;
  /// How messages show a URL: a file:// URL as its path relative to `display_base`
  /// (absolute if the source was given absolutely), keeping any #fragment.
  std::string DisplayUrl(std::string_view url) const;
  /// `message` with every file:// URL in it replaced by DisplayUrl().
  std::string DisplayUrls(std::string message) const;

  std::string display_base;       ///< directory display paths are relative to
  bool display_absolute = false;  ///< show absolute paths

  std::string root_url;
  std::vector<std::unique_ptr<Resource>> resources;  ///< in load order
  std::vector<std::string> imports;                  ///< catalog URLs, in load order
  std::vector<Collection> collections;               ///< sorted by name
  std::vector<Capture> captures;                     ///< sorted by name
  std::vector<Materialization> materializations;     ///< sorted by name
  std::vector<Test> tests;  ///< in Flow's run order: by scope URL of the first step
  std::vector<StorageMapping> storage_mappings;  ///< sorted by prefix
  Diagnostics diagnostics;

  /// Owns every parsed node. Declared last-but-one so it outlives nothing it backs.
  std::unique_ptr<doc::Arena> arena = std::make_unique<doc::Arena>(1 << 20);
};

/// Loads `source` (a path or file:// URL), resolves imports and resources, parses the
/// model and validates it. Always returns a catalog; problems are in `diagnostics`.
std::unique_ptr<Catalog> LoadCatalog(std::string_view source, const LoadOptions& options = {});

template <typename ValueOf>
bool PartitionSelector::Matches(ValueOf&& value_of) const {
  auto equal_any = [](const doc::Node* v, const std::vector<doc::Node>& values) {
    for (const doc::Node& w : values) {
      if (v == nullptr ? w.is_null() : doc::Equal(*v, w))
        return true;
    }
    return false;
  };
  for (const Field& f : include) {
    if (!equal_any(value_of(f.name), f.values))
      return false;
  }
  for (const Field& f : exclude) {
    if (equal_any(value_of(f.name), f.values))
      return false;
  }
  return true;
}

}  // namespace flow::catalog

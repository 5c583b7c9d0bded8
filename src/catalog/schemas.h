// SPDX-License-Identifier: Apache-2.0
// catalog/schemas.h: compiling collection schemas and inferring their shapes.
//
// Each collection schema is compiled from its own doc::schema::SchemaIndex holding the
// schema document and the transitive closure of documents it references, so inline
// schemas of different collections never clash and `flow://write-schema`,
// `flow://relaxed-write-schema` and `flow://inferred-schema` (`{}` locally) can be
// bound per collection, as Flow bundles them. Inline schemas are indexed under
// `<catalog URL>?ptr=<pointer>`, so `#anchor` refs resolve within the inline schema
// and relative refs against the catalog file; messages name them the way Flow does
// (`<catalog URL>#<pointer>`). Schemas referenced by URL alone are compiled once and
// shared. Single-threaded.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "catalog/loader.h"

namespace flow::catalog {

struct BuiltSchema {
  std::shared_ptr<const doc::schema::Schema> schema;
  std::shared_ptr<const doc::schema::Shape> shape;
  std::string uri;  ///< canonical URI for messages
};

class SchemaBuilder {
 public:
  SchemaBuilder(Catalog* cat, Loader* loader) : cat_(cat), loader_(loader) {}

  /// Compiles `ref`. For a read schema, `write` is the collection's write schema,
  /// which `flow://write-schema` and `flow://relaxed-write-schema` name. Returns
  /// nullopt if the schema cannot be built; the reason was reported at ref.scope
  /// unless it is a fetch failure reported earlier.
  std::optional<BuiltSchema> Build(const SchemaRef& ref, const SchemaRef* write);

  /// Where in the catalog (or schema file) the subschema describing document location
  /// `doc_ptr` is written, following `properties` and `items`; else the schema itself.
  Scope LocationOf(const SchemaRef& ref, std::string_view doc_ptr) const;

  /// The index URI of a schema reference (synthetic for inline schemas).
  static std::string IndexUri(const SchemaRef& ref);
  /// Rewrites synthetic inline-schema URIs in `message` into Flow's form.
  std::string Humanize(std::string message) const;

 private:
  /// Adds the documents `ref` needs; false if one failed to load.
  bool AddDocuments(doc::schema::SchemaIndex* index, const SchemaRef& ref);

  Catalog* cat_;
  Loader* loader_;
  std::map<std::string, BuiltSchema> by_url_;     ///< schemas by URL, compiled once
  std::map<std::string, std::string> synthetic_;  ///< synthetic URI -> Flow URI
};

}  // namespace flow::catalog

// SPDX-License-Identifier: Apache-2.0
// doc/schema/index.h: SchemaIndex, the set of schema documents a compiled Schema is built from.
//
// Add every schema document with the URI it was retrieved from (a file:// URL, an
// https:// URL, ...). Add() walks the document's subschemas and indexes each `$id`,
// `$anchor`, `$dynamicAnchor` and (2019-09) `$recursiveAnchor` under its canonical
// URI. References are not resolved until a Schema is compiled from the index, so
// documents can be added in any order; MissingReferences() lists the documents that
// still need fetching (the catalog loader fetches and adds them, then asks again).
// The draft 2020-12 meta-schemas are built in and never reported missing.
// Not thread-safe while adding; compiled Schemas do not depend on the index's lifetime.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "doc/node.h"

namespace flow::doc::schema {

namespace internal {
struct IndexData;
}  // namespace internal

class SchemaIndex {
 public:
  SchemaIndex();
  ~SchemaIndex();
  SchemaIndex(SchemaIndex&&) noexcept;
  SchemaIndex& operator=(SchemaIndex&&) noexcept;
  SchemaIndex(const SchemaIndex&) = delete;
  SchemaIndex& operator=(const SchemaIndex&) = delete;

  /// Adds the document `doc` retrieved from `uri` (absolute; any fragment is ignored)
  /// and indexes the schemas at `schema_pointers` within it: by default the document
  /// is one schema. A catalog file passes the pointers of its inline schemas, so that
  /// their `$anchor`s are indexed under the catalog file's URI and `#/...` references
  /// resolve against the whole file. `doc` is deep-copied. InvalidArgument if `uri` is
  /// not absolute, if it or an `$id` or anchor inside is already indexed, or if an
  /// `$id` or anchor is malformed; the message names the schema location.
  Status Add(std::string_view uri, const Node& doc,
             const std::vector<std::string>& schema_pointers = {""});

  /// True if `uri` (fragment ignored) names an added document or embedded resource.
  bool Contains(std::string_view uri) const;

  /// Absolute URIs without fragment that `$ref`, `$dynamicRef` or `$schema` of the
  /// added documents point to but that no added document (nor a built-in meta-schema)
  /// provides, sorted and unique. `flow://` URIs are listed too; the caller decides.
  std::vector<std::string> MissingReferences() const;

  const internal::IndexData& data() const { return *data_; }

 private:
  std::shared_ptr<internal::IndexData> data_;
  friend class Schema;
};

}  // namespace flow::doc::schema

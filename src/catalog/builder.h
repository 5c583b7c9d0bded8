// SPDX-License-Identifier: Apache-2.0
// catalog/builder.h: validation of a parsed catalog (spec §2) and its built data.
//
// The Builder walks a Catalog whose resources are loaded and whose model is parsed:
// it sorts entities, checks name collisions, compiles schemas, checks keys,
// projections and partition selectors, derivations (shuffles, SQLite migrations and
// lambdas on a scratch database), tests and task bindings, filling in each entity's
// built fields. Every problem is a diagnostic; nothing stops at the first.
// Internal to the catalog module; single-threaded.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/loader.h"
#include "catalog/schemas.h"

namespace flow::catalog {

class Builder {
 public:
  Builder(Catalog* cat, Loader* loader, const LoadOptions& options);
  void Run();
  /// Sorts entities and checks name collisions only (no schema or model validation).
  void SortOnly();

  /// The file position of byte `offset` of a text Content (e.g. a SQL error inside a
  /// `|` block maps to the line and column in the catalog file).
  static Mark MarkInContent(const Content& c, uint32_t offset);

 private:
  void Error(const Scope& at, std::string message, bool at_key = false);
  void Warning(const Scope& at, std::string message, bool at_key = false);
  void ErrorAt(const Content& c, uint32_t offset, std::string message);

  // Names (builder.cc).
  void SortAndCheckNames();

  // Collections (build_collection.cc).
  void BuildCollection(Collection& c);
  std::optional<BuiltSchema> BuildSchema(const SchemaRef& ref, const SchemaRef* write);
  std::optional<std::string> WalkPtr(const Collection& c, std::string_view ptr, bool is_key,
                                     bool with_write) const;
  void BuildProjections(Collection& c);
  void WalkSelector(const Collection& c, const PartitionSelector& sel);
  const Collection* WalkReference(const Scope& at, const std::string& this_entity,
                                  const std::string& name);
  bool Built(const Collection* c) const { return c != nullptr && built_.count(c) > 0; }

  // Derivations (build_derive.cc).
  void BuildDerivation(Collection& c);
  void ValidateSqlite(Collection& c);

  // Tests and tasks (build_tests.cc).
  void BuildTest(Test& t);
  void BuildTasks();

  Catalog* cat_;
  Loader* loader_;
  const LoadOptions& options_;
  SchemaBuilder schemas_;
  std::set<const Collection*> built_;  ///< collections whose schemas and key built cleanly
  std::map<const Collection*, std::unique_ptr<doc::schema::Validator>> validators_;
};

/// True if (types - null) is non-empty and only integer, string or boolean.
bool KeyableTypes(doc::schema::TypeSet types);
/// Flow's shuffle type name of a location's types: "String", "Integer", "Boolean",
/// or "InvalidShuffleType".
std::string_view ShuffleTypeName(doc::schema::TypeSet types);

}  // namespace flow::catalog

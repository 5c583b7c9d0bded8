// SPDX-License-Identifier: Apache-2.0
// catalog/loader.h: fetching catalog resources: files, imports, schemas and their $refs.
//
// The Loader owns the resource table of a Catalog while it is being loaded. Each URL is
// fetched at most once (so import cycles are harmless); only file:// URLs are
// supported. Fetch failures become diagnostics at the referring node. Schema documents
// are scanned for `$ref`s, and referenced files are loaded too (spec §1.13.3); the
// scan also records which documents each schema depends on, so that a collection's
// schema can later be compiled from exactly its transitive closure.
// Single-threaded; lives only during LoadCatalog().
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.h"

namespace flow::catalog {

class Loader {
 public:
  /// `on_catalog` is called for every newly loaded catalog resource (the spec parser).
  Loader(Catalog* catalog, const LoadOptions& options, std::function<void(Resource*)> on_catalog);

  /// Loads the root catalog: a path (relative to the cwd) or a file:// URL.
  void LoadRoot(std::string_view source);

  /// Fetches and parses `url` (absolute, no fragment) as `type`, or returns the
  /// resource already loaded from it. Returns nullptr, with an error reported at
  /// `referrer`, if it cannot be fetched or parsed.
  Resource* Fetch(const std::string& url, ContentType type, const Scope& referrer);

  /// Applies the whitespace rule (spec §1.13.4) to the value at `at`: a string without
  /// whitespace is fetched as a file, anything else is inline.
  Content ResolveContent(const Scope& at, const doc::Node& value);

  /// Handles an `import` of `url` (relative to `at`'s resource).
  void Import(const Scope& at, std::string_view url, ContentType type);

  /// Loads the schema file named by the (relative) URL `ref` at `at`; returns its
  /// absolute URL, with the fragment kept.
  std::string LoadSchemaUrl(const Scope& at, std::string_view ref);

  /// Scans an inline schema at `at` for references and loads them.
  void ScanInlineSchema(const Scope& at, const doc::Node& schema);

  /// Schema documents (file URLs, or inline keys from InlineKey()) that `doc_key`
  /// references directly, outside itself.
  const std::vector<std::string>& SchemaDeps(const std::string& doc_key) const;
  /// The transitive closure of SchemaDeps() from `doc_key` (excluding it), in a stable order.
  std::vector<std::string> SchemaClosure(const std::string& doc_key) const;
  /// The key under which an inline schema's references are recorded.
  static std::string InlineKey(const Scope& at) { return at.Url(); }
  /// URLs that failed to fetch (so compiles depending on them are skipped).
  bool Failed(const std::string& url) const { return failed_.count(url) > 0; }

  /// Reports references to non-file documents that no loaded schema declares as `$id`.
  void Finish();

  const std::string& cwd() const { return cwd_; }

 private:
  void ScanSchema(const doc::Node& node, std::string base, const std::string& doc_key,
                  const Scope& at, int depth);
  void NoteRef(const std::string& target, const std::string& doc_key, const Scope& at);
  std::string DisplayPath(const std::string& url) const;

  Catalog* cat_;
  const LoadOptions& options_;
  std::function<void(Resource*)> on_catalog_;
  std::string cwd_;
  std::string display_base_;
  bool display_absolute_ = false;
  std::unordered_map<std::string, Resource*> by_url_;
  std::set<std::string> failed_;
  std::set<std::string> declared_ids_;                     ///< `$id`s of every scanned schema
  std::unordered_map<std::string, std::string> id_owner_;  ///< `$id` -> declaring document
  std::unordered_map<std::string, std::vector<std::string>> deps_;
  struct Deferred {
    std::string url;
    Scope at;
  };
  std::vector<Deferred> remote_refs_;
  int depth_ = 0;
};

/// True if `s` contains a Unicode White_Space character.
bool HasWhitespace(std::string_view s);

}  // namespace flow::catalog

// SPDX-License-Identifier: Apache-2.0
// catalog/resource.h: one fetched file of a catalog: its URL, text, parsed nodes and marks.
//
// Resources are owned by a Sources set and never move once loaded, so the rest of the
// catalog refers to them by pointer. Parsed nodes live in the set's Arena.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/source_map.h"
#include "doc/node.h"

namespace flow::catalog {

enum class ContentType : uint8_t {
  kCatalog,     ///< a Flow catalog (YAML/JSON, merge keys expanded)
  kJsonSchema,  ///< a JSON schema document (YAML/JSON, no merge keys)
  kConfig,      ///< a config, resource or fixture: parsed if .yaml/.yml/.json, else text
  kText,        ///< UTF-8 text (SQL, TypeScript)
};

std::string_view ContentTypeName(ContentType t);

struct Resource {
  std::string url;      ///< absolute, without fragment
  std::string display;  ///< path shown in diagnostics
  ContentType type = ContentType::kCatalog;
  std::string text;          ///< the raw file contents
  bool loaded = false;       ///< fetched and parsed without error
  bool is_document = false;  ///< `root` holds parsed YAML/JSON (else a string of `text`)
  bool merge_keys = false;   ///< parsed with YAML merge keys expanded (catalog files)
  doc::Node root;
  uint32_t order = 0;  ///< load order, used to sort diagnostics

  /// Where each node of `root` is written. Built on first use by parsing `text` again
  /// (loading skips marks, since only diagnostics need them). Thread-safe.
  const SourceMap& marks() const;
  /// Uses `marks` instead of parsing on demand (tests, or a caller that has them).
  void set_marks(SourceMap marks);

  /// The text of 1-based line `line`, without its newline; empty if out of range.
  std::string_view Line(uint32_t line) const;

 private:
  mutable std::once_flag marks_once_;
  mutable SourceMap marks_;
  mutable std::once_flag lines_once_;
  mutable std::vector<uint32_t> line_starts_;
};

}  // namespace flow::catalog

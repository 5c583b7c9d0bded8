// SPDX-License-Identifier: Apache-2.0
// catalog/yaml_loader.h: YAML (and JSON, a subset) text into doc::Nodes with source marks.
//
// This is the only file that calls yaml-cpp; its exceptions are caught here. Scalars
// are resolved as Flow's serde_yaml does (YAML 1.2 core schema): null/~/empty, true/false,
// decimal/0x/0o integers, floats incl. .inf/.nan; quoted and block scalars stay strings.
// Anchors and aliases are always expanded; merge keys (`<<: *x`) only when asked,
// because Flow expands them in catalog files but not in schema documents.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "catalog/source_map.h"
#include "doc/arena.h"
#include "doc/node.h"

namespace flow::catalog {

struct YamlError {
  Mark mark;
  std::string message;
};

struct YamlDocument {
  doc::Node root;
  SourceMap marks;
  std::optional<YamlError> error;  ///< set if the text could not be parsed
};

struct YamlOptions {
  bool merge_keys = true;
  /// Record a SourceMap. Loading skips it and re-parses a file only when a diagnostic
  /// needs a position (marks of aliased and merged content fall back to the alias).
  bool record_marks = true;
  /// Expansion limit guarding against alias bombs ("billion laughs").
  size_t max_nodes = 20'000'000;
  /// Nesting limit, including nesting created by aliases.
  int max_depth = 512;
};

/// Parses `text` (one YAML document; an empty text is null) into nodes in `arena`.
YamlDocument ParseYaml(std::string_view text, doc::Arena& arena, const YamlOptions& options = {});

/// Resolves an unquoted YAML scalar per the core schema (exposed for tests).
doc::Node ResolvePlainScalar(std::string_view text, doc::Arena& arena);

}  // namespace flow::catalog

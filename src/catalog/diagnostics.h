// SPDX-License-Identifier: Apache-2.0
// catalog/diagnostics.h: errors and warnings with file:line:col and a caret.
//
// Every problem found while loading and validating a catalog is collected here (never
// just the first). A diagnostic names a node of a resource by JSON pointer; its mark
// is looked up in the resource's SourceMap. Formatting follows ninja:
//   path/to/flow.yaml:12:7: message
//   <the source line>
//         ^
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/resource.h"
#include "catalog/source_map.h"

namespace flow::catalog {

enum class Severity : uint8_t { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  const Resource* resource = nullptr;  ///< null when not tied to a file
  Mark mark;
  std::string message;
};

/// Renders a diagnostic: the location line, then the source line and a caret when known.
std::string FormatDiagnostic(const Diagnostic& d);

class Diagnostics {
 public:
  /// Whether a node is pointed at by its value or by the key that names it.
  enum class At { kValue, kKey };

  void Add(Severity sev, const Resource* r, std::string_view pointer, std::string message,
           At at = At::kValue);
  void AddAtMark(Severity sev, const Resource* r, Mark mark, std::string message);

  void Error(const Resource* r, std::string_view pointer, std::string message, At at = At::kValue) {
    Add(Severity::kError, r, pointer, std::move(message), at);
  }
  void Warning(const Resource* r, std::string_view pointer, std::string message,
               At at = At::kValue) {
    Add(Severity::kWarning, r, pointer, std::move(message), at);
  }

  size_t error_count() const { return errors_; }
  size_t warning_count() const { return diags_.size() - errors_; }
  bool has_errors() const { return errors_ > 0; }

  /// In file load order, then line and column; exact duplicates removed.
  std::vector<Diagnostic> Sorted() const;
  const std::vector<Diagnostic>& all() const { return diags_; }
  /// Rewrites every message (e.g. to show URLs as paths).
  template <typename Fn>
  void RewriteMessages(Fn&& fn) {
    for (Diagnostic& d : diags_)
      d.message = fn(std::move(d.message));
  }

 private:
  std::vector<Diagnostic> diags_;
  size_t errors_ = 0;
};

}  // namespace flow::catalog

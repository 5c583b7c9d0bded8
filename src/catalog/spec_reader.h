// SPDX-License-Identifier: Apache-2.0
// catalog/spec_reader.h: strict, typed reading of catalog nodes with serde-like messages.
//
// Flow's models deny unknown fields; these helpers report the same problems serde
// would, in its words ("unknown field `x`, expected one of `a`, `b`", "missing field
// `key`", "invalid type: integer `5`, expected a string"), at the offending node.
#pragma once

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"

namespace flow::catalog {

class SpecReader {
 public:
  explicit SpecReader(Diagnostics* diags) : diags_(diags) {}

  /// serde's description of an unexpected value: `integer \`5\``, `string "x"`, `map`.
  static std::string Describe(const doc::Node& n);

  void Error(const Scope& at, std::string message, bool at_key = false);
  void Warning(const Scope& at, std::string message, bool at_key = false);
  void TypeError(const Scope& at, const doc::Node& n, std::string_view expected);
  void Missing(const Scope& at, std::string_view field);

  /// Requires a map whose keys are all in `allowed`; reports each unknown key.
  bool Object(const Scope& at, const doc::Node& n, std::initializer_list<std::string_view> allowed,
              std::string_view expected = "a map");
  bool String(const Scope& at, const doc::Node& n, std::string* out);
  bool Bool(const Scope& at, const doc::Node& n, bool* out);
  bool U32(const Scope& at, const doc::Node& n, uint32_t* out);
  bool StringArray(const Scope& at, const doc::Node& n, std::vector<std::string>* out);
  /// One of `values` (a string).
  bool Enum(const Scope& at, const doc::Node& n, std::initializer_list<std::string_view> values,
            std::string* out);
  /// "24h", "5m", "30s" (and humantime forms such as "1h 30m", "2d").
  bool Duration(const Scope& at, const doc::Node& n, std::chrono::milliseconds* out);
  /// An RFC 3339 date-time string.
  bool Timestamp(const Scope& at, const doc::Node& n, std::string* out);

  size_t errors() const { return errors_; }

 private:
  Diagnostics* diags_;
  size_t errors_ = 0;
};

/// Parses a duration; nullopt if invalid.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view s);
/// Nanoseconds since the Unix epoch of an RFC 3339 date-time; nullopt if invalid.
std::optional<__int128> ParseRfc3339(std::string_view s);

}  // namespace flow::catalog

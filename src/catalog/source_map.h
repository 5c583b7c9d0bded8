// SPDX-License-Identifier: Apache-2.0
// catalog/source_map.h: where each node of a parsed YAML/JSON document came from.
//
// Marks are kept by the JSON pointer of the node (after merge keys and aliases are
// expanded), so a diagnostic about "/collections/acme~1x/key/0" can name the line
// and column of that YAML node. Keys of mappings have their own marks, used for
// "unknown field" errors. Lines and columns are 1-based; 0 means unknown.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace flow::catalog {

struct Mark {
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t offset = 0;  ///< byte offset into the resource text

  bool known() const { return line != 0; }
};

/// How a scalar was written; used to map positions inside a string (e.g. a SQL error
/// at line 3 of a `|` block) back to the file.
enum class ScalarStyle : uint8_t {
  kNone = 0,  ///< not a scalar, or parsed from JSON without marks
  kPlain,
  kSingleQuoted,
  kDoubleQuoted,
  kLiteral,  ///< `|` block
  kFolded,   ///< `>` block
};

class SourceMap {
 public:
  struct Entry {
    Mark value;
    Mark key;  ///< the mapping key that introduced the node, if any
    ScalarStyle style = ScalarStyle::kNone;
  };

  void Set(std::string pointer, Entry entry) { entries_[std::move(pointer)] = entry; }
  const Entry* Find(std::string_view pointer) const;

  /// The mark of the node at `pointer`, else of its nearest ancestor with one.
  Mark ValueMark(std::string_view pointer) const;
  /// The mark of the key naming the node at `pointer`, else its value mark.
  Mark KeyMark(std::string_view pointer) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace flow::catalog

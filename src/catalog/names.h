// SPDX-License-Identifier: Apache-2.0
// catalog/names.h: Flow's name rules (tokens, catalog names, prefixes, fields, pointers)
// and the collation under which names collide.
//
// The checks mirror the `models` crate regexes: an unanchored leftmost match, with the
// characters outside the match reported as the "unmatched" portion, e.g.
//   a b cannot be used as name for collection (" b" is invalid)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flow::catalog {

enum class NameKind {
  kCatalogName,  ///< TOKEN(/TOKEN)*: collections, captures, materializations, tests
  kPrefix,       ///< (TOKEN/)*: storage mapping prefixes
  kToken,        ///< TOKEN: transform names and partition fields
  kField,        ///< projection fields: pointer-like components without a leading '/'
};

/// The problem with `name` as a `kind` name for `entity`, or nullopt if it is valid.
/// Messages: "{entity} name cannot be empty" and
/// "{name} cannot be used as name for {entity} ({unmatched:?} is invalid)".
std::optional<std::string> CheckName(std::string_view name, NameKind kind, std::string_view entity);

/// The problem with `ptr` as a JSON pointer, or nullopt:
/// "{ptr} is not a valid JSON pointer (missing leading '/' slash)" or
/// "{ptr} is not a valid JSON pointer ({unmatched:?} is invalid)".
std::optional<std::string> CheckPointer(std::string_view ptr);

/// True for a code point in \p{Letter} or \p{Number}, or one of '-', '_', '.'.
bool IsTokenChar(char32_t c);

/// The collation key of `name`: Unicode NFD, default case fold, then compatibility
/// decomposition, so that equal keys mean colliding names (`Foo/Bar` vs `foo/bar`,
/// `ß` vs `ss`, `ﬁ` vs `fi`, precomposed vs combining accents).
std::string CollationKey(std::string_view name);

/// Rust's `{:?}` rendering of a string: quoted, with \" \\ \n \r \t and \u{..} escapes.
std::string DebugQuote(std::string_view s);

/// Decodes one UTF-8 code point at `*pos`, advancing it; U+FFFD for invalid bytes.
char32_t DecodeUtf8(std::string_view s, size_t* pos);
void AppendUtf8(char32_t c, std::string* out);

/// Optimal-string-alignment edit distance over code points (for "did you mean").
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace flow::catalog

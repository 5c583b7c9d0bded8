// SPDX-License-Identifier: Apache-2.0
// catalog/sql.h: SQLite blocks and parameters as Flow's derive-sqlite defines them.
//
// SplitSqlBlock() cuts a block into statements at each ';' where the text so far is a
// complete statement per sqlite3_complete() (spec §6.3). Statements keep their leading
// whitespace and comments, as Flow's do. Parameters name projections of the source
// collection: CanonicalParamEncoding() gives a field's name ("$a$b", "$p::(x+y)") and
// ResolveParam() maps a name used in SQL back to a field, with wildcard matching and a
// "did you mean" suggestion (spec §6.4). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace flow::catalog {

struct SqlPiece {
  uint32_t offset = 0;  ///< byte offset of the statement within the block
  std::string_view text;
};

struct SqlSplitError {
  uint32_t offset = 0;  ///< where the problem is within the block
  std::string message;
};

/// Splits `block` into statements; false (with `err` set) on a NUL byte or trailing
/// content without a closing ';'.
bool SplitSqlBlock(std::string_view block, std::vector<SqlPiece>* out, SqlSplitError* err);

/// The canonical SQLite parameter for a projection field.
std::string CanonicalParamEncoding(std::string_view field);

struct ParamField {
  std::string_view field;
  std::string_view encoding;  ///< CanonicalParamEncoding(field)
};

/// The index into `fields` that parameter `param` (e.g. "$customer$name") binds, or the
/// error "parameter $x not found: did you mean $y ?".
std::variant<size_t, std::string> ResolveParam(std::string_view param,
                                               std::span<const ParamField> fields);

}  // namespace flow::catalog

// SPDX-License-Identifier: Apache-2.0
// doc/schema/unicode_tables.h: Unicode general-category code point ranges for \p{...}.
#pragma once

#include <cstddef>
#include <cstdint>

namespace flow::doc::schema {

struct CodeRange {
  uint32_t lo, hi;  ///< inclusive
};

struct UnicodeCategory {
  const char* name;  ///< two-letter general category, e.g. "Lu" (Cn is not listed)
  const CodeRange* ranges;
  size_t count;
};

extern const UnicodeCategory kUnicodeCategories[];
extern const size_t kUnicodeCategoryCount;

/// Sorted code points with canonical combining class 9 (Virama).
extern const uint32_t kViramas[];
extern const size_t kViramaCount;

/// The two-letter general category of `cp` ("Cn" if unassigned).
const char* GeneralCategory(uint32_t cp);

}  // namespace flow::doc::schema

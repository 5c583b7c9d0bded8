// SPDX-License-Identifier: Apache-2.0
// storage/journal_name.h: validation of journal names and path components (spec §1.1, §1.3).
//
// A name that passes ValidateJournalName() or ValidatePathComponent() is a clean,
// relative path with no "." or ".." segment, so joining it under a data directory can
// never leave that directory. Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/status.h"

namespace flow::storage {

inline constexpr size_t kMinJournalNameLength = 4;
inline constexpr size_t kMaxJournalNameLength = 512;
inline constexpr size_t kMaxPathComponentLength = 512;

/// True for the runes Gazette allows in names besides its symbols: Unicode letters and
/// digits. Non-ASCII runes are classified by block (letters and digits of the common
/// scripts are accepted; general punctuation, symbol, private-use and emoji blocks are
/// not), which approximates Go's unicode.IsLetter || unicode.IsDigit.
bool IsLetterOrDigitRune(char32_t rune);

/// A journal name: 4..512 bytes of valid UTF-8, letters, digits and `-_+/.=%`, a clean
/// relative path (no leading or trailing '/', no "//", no "." or ".." segment).
/// InvalidArgument("journal name \"...\": <reason>") otherwise.
Status ValidateJournalName(std::string_view name);

/// A path postfix (or other path component): 0..512 bytes, the same alphabet and
/// cleanliness rules as journal names. An empty component is valid.
Status ValidatePathComponent(std::string_view path);

}  // namespace flow::storage

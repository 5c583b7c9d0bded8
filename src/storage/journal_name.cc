// SPDX-License-Identifier: Apache-2.0
// storage/journal_name.cc: journal name and path component validation.
#include "storage/journal_name.h"

#include <cstdint>

namespace flow::storage {
namespace {

// Decodes one UTF-8 rune at s[*i], advancing *i. Returns false on malformed input
// (overlong forms, surrogates, values past U+10FFFF, truncation).
bool DecodeRune(std::string_view s, size_t* i, char32_t* out) {
  auto b0 = static_cast<uint8_t>(s[*i]);
  if (b0 < 0x80) {
    *out = b0;
    *i += 1;
    return true;
  }
  int len;
  char32_t r;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    r = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    r = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    r = b0 & 0x07;
  } else {
    return false;
  }
  if (*i + len > s.size())
    return false;
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<uint8_t>(s[*i + k]);
    if ((b & 0xC0) != 0x80)
      return false;
    r = (r << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (r < kMin[len] || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
    return false;
  *i += len;
  *out = r;
  return true;
}

bool IsNameSymbol(char32_t r) {
  return r == '-' || r == '_' || r == '+' || r == '/' || r == '.' || r == '=' || r == '%';
}

// Checks the alphabet, UTF-8 validity and path cleanliness shared by journal names and
// path components; `what` names the thing in messages.
Status ValidateCleanPath(std::string_view what, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t at = i;
    char32_t r;
    if (!DecodeRune(s, &i, &r)) {
      return Status::InvalidArgument("{} \"{}\": invalid UTF-8 at byte {}", what, s, at);
    }
    if (!IsNameSymbol(r) && !IsLetterOrDigitRune(r)) {
      return Status::InvalidArgument(
          "{} \"{}\": character {:?} at byte {} is not allowed "
          "(expected letters, digits, or -_+/.=%)",
          what, s, std::string(s.substr(at, i - at)), at);
    }
  }
  if (s.empty())
    return Status::OK();
  if (s.front() == '/')
    return Status::InvalidArgument("{} \"{}\": must not begin with '/'", what, s);
  if (s.back() == '/')
    return Status::InvalidArgument("{} \"{}\": must not end with '/'", what, s);
  size_t start = 0;
  while (start <= s.size()) {
    size_t slash = s.find('/', start);
    std::string_view seg =
        s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg.empty())
      return Status::InvalidArgument("{} \"{}\": must be a clean path (empty segment)", what, s);
    if (seg == "." || seg == "..") {
      return Status::InvalidArgument("{} \"{}\": must be a clean path (\"{}\" segment)", what, s,
                                     seg);
    }
    if (slash == std::string_view::npos)
      break;
    start = slash + 1;
  }
  return Status::OK();
}

}  // namespace

bool IsLetterOrDigitRune(char32_t r) {
  if (r < 0x80) {
    return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
  }
  // Latin-1 supplement: only the letters (and the feminine/masculine ordinals, micro sign).
  if (r < 0xC0)
    return r == 0xAA || r == 0xB5 || r == 0xBA;
  if (r == 0xD7 || r == 0xF7)
    return false;  // multiplication and division signs
  // Combining marks are not letters.
  if (r >= 0x0300 && r <= 0x036F)
    return false;
  // General punctuation through miscellaneous symbols and arrows (incl. math operators,
  // box drawing, dingbats), except the letterlike and number forms blocks' letters.
  if (r >= 0x2000 && r <= 0x2BFF)
    return false;
  if (r >= 0x2E00 && r <= 0x2E7F)
    return false;  // supplemental punctuation
  if (r >= 0x3000 && r <= 0x303F)
    return false;  // CJK symbols and punctuation
  if (r >= 0xD800 && r <= 0xF8FF)
    return false;  // surrogates and the private use area
  if (r >= 0xFE00 && r <= 0xFE0F)
    return false;  // variation selectors
  if (r >= 0xFE30 && r <= 0xFE6F)
    return false;  // CJK compatibility forms, small forms
  if (r >= 0xFF00 && r <= 0xFF0F)
    return false;  // fullwidth punctuation
  if (r >= 0xFFF0)
    return r >= 0x10000 && !(r >= 0x1F000 && r <= 0x1FAFF) && !(r >= 0xE0000);
  return true;
}

Status ValidateJournalName(std::string_view name) {
  if (name.size() < kMinJournalNameLength || name.size() > kMaxJournalNameLength) {
    return Status::InvalidArgument("journal name \"{}\": length {} is outside {}..{}", name,
                                   name.size(), kMinJournalNameLength, kMaxJournalNameLength);
  }
  return ValidateCleanPath("journal name", name);
}

Status ValidatePathComponent(std::string_view path) {
  if (path.size() > kMaxPathComponentLength) {
    return Status::InvalidArgument("path component \"{}\": length {} is over {}", path, path.size(),
                                   kMaxPathComponentLength);
  }
  return ValidateCleanPath("path component", path);
}

}  // namespace flow::storage

// SPDX-License-Identifier: Apache-2.0
// catalog/names.cc: name regexes without a regex engine, and collation keys.
#include "catalog/names.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace flow::catalog {
namespace {

struct CodeRange {
  uint32_t lo, hi;
};
struct FoldEntry {
  uint32_t cp;
  uint32_t offset;
  uint32_t length;
};
#include "catalog/unicode_tables.inc"

template <size_t N>
bool InRanges(const CodeRange (&ranges)[N], uint32_t c) {
  auto it = std::upper_bound(std::begin(ranges), std::end(ranges), c,
                             [](uint32_t v, const CodeRange& r) { return v < r.lo; });
  if (it == std::begin(ranges))
    return false;
  --it;
  return c >= it->lo && c <= it->hi;
}

// Characters as (code point, byte offset) so unmatched portions slice the original bytes.
struct Char {
  char32_t c;
  size_t begin, end;
};

std::vector<Char> Chars(std::string_view s) {
  std::vector<Char> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t b = pos;
    char32_t c = DecodeUtf8(s, &pos);
    out.push_back(Char{c, b, pos});
  }
  return out;
}

// Length (in chars) of the longest run of token chars starting at i.
size_t TokenRun(const std::vector<Char>& cs, size_t i) {
  size_t n = 0;
  while (i + n < cs.size() && IsTokenChar(cs[i + n].c))
    ++n;
  return n;
}

// Length of a JSON-pointer component ([^/~]|~[01])+ starting at i.
size_t PointerRun(const std::vector<Char>& cs, size_t i) {
  size_t n = 0;
  while (i + n < cs.size()) {
    char32_t c = cs[i + n].c;
    if (c == '/')
      break;
    if (c == '~') {
      if (i + n + 1 < cs.size() && (cs[i + n + 1].c == '0' || cs[i + n + 1].c == '1')) {
        n += 2;
        continue;
      }
      break;
    }
    ++n;
  }
  return n;
}

// Leftmost-first match of the pattern for `kind`, as [start, end) char indexes;
// `found` is false if nothing (not even an empty string) matches.
using RunFn = size_t (*)(const std::vector<Char>&, size_t);

// Matches RUN(/RUN)* at the leftmost position where RUN matches.
bool MatchJoined(const std::vector<Char>& cs, RunFn run, size_t* start, size_t* end) {
  for (size_t i = 0; i < cs.size(); ++i) {
    size_t n = run(cs, i);
    if (n == 0)
      continue;
    size_t j = i + n;
    while (j < cs.size() && cs[j].c == '/') {
      size_t m = run(cs, j + 1);
      if (m == 0)
        break;
      j += 1 + m;
    }
    *start = i;
    *end = j;
    return true;
  }
  return false;
}

// (TOKEN/)* and (/PTR)*: may match empty at 0.
void MatchRepeated(const std::vector<Char>& cs, bool slash_first, RunFn run, size_t* start,
                   size_t* end) {
  size_t j = 0;
  while (true) {
    if (slash_first) {
      if (j < cs.size() && cs[j].c == '/') {
        size_t m = run(cs, j + 1);
        if (m == 0)
          break;
        j += 1 + m;
        continue;
      }
      break;
    }
    size_t m = run(cs, j);
    if (m == 0 || j + m >= cs.size() || cs[j + m].c != '/')
      break;
    j += m + 1;
  }
  *start = 0;
  *end = j;
}

std::string Unmatched(std::string_view s, const std::vector<Char>& cs, size_t start, size_t end) {
  size_t b = start < cs.size() ? cs[start].begin : s.size();
  size_t e = end < cs.size() ? cs[end].begin : s.size();
  return std::string(s.substr(0, b)) + std::string(s.substr(e));
}

void AppendFolded(char32_t c, std::string* out) {
  // Hangul syllables decompose algorithmically (Unicode 3.12).
  if (c >= 0xAC00 && c <= 0xD7A3) {
    uint32_t s = c - 0xAC00;
    AppendUtf8(0x1100 + s / 588, out);
    AppendUtf8(0x1161 + (s % 588) / 28, out);
    if (s % 28 != 0)
      AppendUtf8(0x11A7 + s % 28, out);
    return;
  }
  auto it = std::lower_bound(std::begin(kFoldEntries), std::end(kFoldEntries), c,
                             [](const FoldEntry& e, char32_t v) { return e.cp < v; });
  if (it != std::end(kFoldEntries) && it->cp == c) {
    for (uint32_t i = 0; i < it->length; ++i)
      AppendUtf8(kFoldPool[it->offset + i], out);
    return;
  }
  AppendUtf8(c, out);
}

}  // namespace

char32_t DecodeUtf8(std::string_view s, size_t* pos) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  size_t p = *pos;
  unsigned char c0 = b(p);
  if (c0 < 0x80) {
    *pos = p + 1;
    return c0;
  }
  int len = (c0 & 0xE0) == 0xC0 ? 2 : (c0 & 0xF0) == 0xE0 ? 3 : (c0 & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || p + len > s.size()) {
    *pos = p + 1;
    return 0xFFFD;
  }
  char32_t c = c0 & (0x7F >> len);
  for (int i = 1; i < len; ++i) {
    if ((b(p + i) & 0xC0) != 0x80) {
      *pos = p + 1;
      return 0xFFFD;
    }
    c = (c << 6) | (b(p + i) & 0x3F);
  }
  *pos = p + len;
  return c;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool IsTokenChar(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  }
  return InRanges(kLetterRanges, c) || InRanges(kNumberRanges, c);
}

std::string DebugQuote(std::string_view s) {
  std::string out = "\"";
  size_t pos = 0;
  while (pos < s.size()) {
    size_t b = pos;
    char32_t c = DecodeUtf8(s, &pos);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\0':
        out += "\\0";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[16];
          std::snprintf(buf, sizeof(buf), "\\u{%x}", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.append(s.substr(b, pos - b));
        }
    }
  }
  out += '"';
  return out;
}

std::optional<std::string> CheckName(std::string_view name, NameKind kind,
                                     std::string_view entity) {
  if (name.empty()) {
    if (kind == NameKind::kPrefix)
      return std::nullopt;
    return std::string(entity) + " name cannot be empty";
  }
  std::vector<Char> cs = Chars(name);
  size_t start = 0, end = 0;
  bool found = true;
  switch (kind) {
    case NameKind::kCatalogName:
      found = MatchJoined(cs, TokenRun, &start, &end);
      break;
    case NameKind::kField:
      found = MatchJoined(cs, PointerRun, &start, &end);
      break;
    case NameKind::kToken:
      found = false;
      for (size_t i = 0; i < cs.size() && !found; ++i) {
        if (size_t n = TokenRun(cs, i); n > 0) {
          start = i;
          end = i + n;
          found = true;
        }
      }
      break;
    case NameKind::kPrefix:
      MatchRepeated(cs, false, TokenRun, &start, &end);
      break;
  }
  std::string unmatched = found ? Unmatched(name, cs, start, end) : std::string(name);
  if (unmatched.empty())
    return std::nullopt;
  return std::string(name) + " cannot be used as name for " + std::string(entity) + " (" +
         DebugQuote(unmatched) + " is invalid)";
}

std::optional<std::string> CheckPointer(std::string_view ptr) {
  if (ptr.empty())
    return std::nullopt;
  if (ptr[0] != '/') {
    return std::string(ptr) + " is not a valid JSON pointer (missing leading '/' slash)";
  }
  std::vector<Char> cs = Chars(ptr);
  size_t start = 0, end = 0;
  MatchRepeated(cs, true, PointerRun, &start, &end);
  std::string unmatched = Unmatched(ptr, cs, start, end);
  if (unmatched.empty())
    return std::nullopt;
  return std::string(ptr) + " is not a valid JSON pointer (" + DebugQuote(unmatched) +
         " is invalid)";
}

std::string CollationKey(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  size_t pos = 0;
  while (pos < name.size()) {
    unsigned char b = static_cast<unsigned char>(name[pos]);
    if (b < 0x80) {
      out.push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32) : static_cast<char>(b));
      ++pos;
      continue;
    }
    AppendFolded(DecodeUtf8(name, &pos), &out);
  }
  return out;
}

size_t EditDistance(std::string_view a_text, std::string_view b_text) {
  std::vector<char32_t> a, b;
  for (size_t p = 0; p < a_text.size();)
    a.push_back(DecodeUtf8(a_text, &p));
  for (size_t p = 0; p < b_text.size();)
    b.push_back(DecodeUtf8(b_text, &p));
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= m; ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

}  // namespace flow::catalog

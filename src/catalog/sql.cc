// SPDX-License-Identifier: Apache-2.0
// catalog/sql.cc: statement splitting and parameter names.
#include "catalog/sql.h"

#include <tuple>

#include <sqlite3.h>

#include "catalog/loader.h"
#include "catalog/names.h"

namespace flow::catalog {
namespace {

constexpr std::string_view kExplicitPrefix = "$p::(";

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsAlphanumeric(char32_t c) {
  if (c < 0x80)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return IsTokenChar(c);  // \p{Letter} | \p{Number} beyond ASCII
}

bool IsWhitespace(char32_t c) {
  std::string s;
  AppendUtf8(c, &s);
  return HasWhitespace(s);
}

}  // namespace

bool SplitSqlBlock(std::string_view block, std::vector<SqlPiece>* out, SqlSplitError* err) {
  if (size_t nul = block.find('\0'); nul != std::string_view::npos) {
    *err = SqlSplitError{static_cast<uint32_t>(nul), "SQL block contains illegal NULL characters"};
    return false;
  }
  size_t begin = 0;
  std::string prefix;
  for (size_t i = 0; i < block.size(); ++i) {
    if (block[i] != ';')
      continue;
    prefix.assign(block.substr(begin, i + 1 - begin));
    if (sqlite3_complete(prefix.c_str()) == 0)
      continue;
    // Drop "statements" that are only whitespace and a ';' (extra semicolons).
    size_t a = 0, b = prefix.size();
    while (a < b && IsAsciiSpace(prefix[a]))
      ++a;
    while (b > a && IsAsciiSpace(prefix[b - 1]))
      --b;
    if (!(b - a == 1 && prefix[a] == ';')) {
      out->push_back(SqlPiece{static_cast<uint32_t>(begin), block.substr(begin, i + 1 - begin)});
    }
    begin = i + 1;
  }
  std::string_view rest = block.substr(begin);
  // Only whitespace may follow the last statement.
  size_t first = 0;
  while (first < rest.size()) {
    size_t p = first;
    if (!IsWhitespace(DecodeUtf8(rest, &p)))
      break;
    first = p;
  }
  if (first < rest.size()) {
    *err = SqlSplitError{static_cast<uint32_t>(begin + first),
                         "SQL block has ambiguous trailing non-whitespace content without a "
                         "closing ';' semicolon"};
    return false;
  }
  return true;
}

std::string CanonicalParamEncoding(std::string_view field) {
  bool simple = true;
  for (size_t p = 0; p < field.size() && simple;) {
    char32_t c = DecodeUtf8(field, &p);
    simple = IsAlphanumeric(c) || IsWhitespace(c) || c == '_' || c == '-' || c == '/';
  }
  std::string param;
  for (size_t p = 0; p < field.size();) {
    size_t b = p;
    char32_t c = DecodeUtf8(field, &p);
    if (IsWhitespace(c)) {
      param += '_';
    } else if (c == '/' && simple) {
      param += '$';
    } else if (c == '-' && simple) {
      param += '_';
    } else {
      param.append(field.substr(b, p - b));
    }
  }
  return simple ? "$" + param : std::string(kExplicitPrefix) + param + ")";
}

std::variant<size_t, std::string> ResolveParam(std::string_view encoding,
                                               std::span<const ParamField> fields) {
  bool is_explicit = encoding.substr(0, kExplicitPrefix.size()) == kExplicitPrefix &&
                     encoding.size() > kExplicitPrefix.size() && encoding.back() == ')';
  std::string field;
  if (is_explicit) {
    field = std::string(
        encoding.substr(kExplicitPrefix.size(), encoding.size() - kExplicitPrefix.size() - 1));
  } else {
    field = std::string(encoding.size() > 0 ? encoding.substr(1) : encoding);
    for (char& c : field) {
      if (c == '$')
        c = '/';
    }
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].field == field)
      return i;
  }
  // A wildcard match, where '_' stands for whitespace (or '-', in the simple form).
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string_view p = fields[i].field;
    size_t fp = 0, pp = 0;
    bool ok = true;
    while (fp < field.size() && ok) {
      char32_t f = DecodeUtf8(field, &fp);
      char32_t c = pp < p.size() ? DecodeUtf8(p, &pp) : 0;
      ok = f == c || (f == '_' && c != 0 && IsWhitespace(c)) ||
           (f == '_' && c == '-' && !is_explicit);
    }
    if (ok && pp == p.size())
      return i;
  }
  if (fields.empty()) {
    return "parameter " + std::string(encoding) + " not found: the source has no projections";
  }
  std::tuple<size_t, std::string_view> best{SIZE_MAX, {}};
  for (const ParamField& f : fields) {
    best = std::min(best, std::make_tuple(EditDistance(field, f.field), f.encoding));
  }
  return "parameter " + std::string(encoding) + " not found: did you mean " +
         std::string(std::get<1>(best)) + " ?";
}

}  // namespace flow::catalog

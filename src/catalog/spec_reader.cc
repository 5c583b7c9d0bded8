// SPDX-License-Identifier: Apache-2.0
// catalog/spec_reader.cc: typed reads, durations and RFC 3339 times.
#include "catalog/spec_reader.h"

#include <cctype>

#include "catalog/names.h"
#include "doc/json.h"

namespace flow::catalog {
namespace {

std::string Backticked(std::initializer_list<std::string_view> names) {
  std::string out;
  size_t i = 0;
  for (std::string_view n : names) {
    if (i > 0)
      out += names.size() == 2 ? " or " : ", ";
    out += "`" + std::string(n) + "`";
    ++i;
  }
  return out;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size())
    return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string SpecReader::Describe(const doc::Node& n) {
  switch (n.type()) {
    case doc::Type::kNull:
      return "null";
    case doc::Type::kBool:
      return std::string("boolean `") + (n.as_bool() ? "true" : "false") + "`";
    case doc::Type::kPosInt:
    case doc::Type::kNegInt:
      return "integer `" + doc::ToJson(n) + "`";
    case doc::Type::kDouble:
      return "floating point `" + doc::ToJson(n) + "`";
    case doc::Type::kString:
      return "string " + DebugQuote(n.as_string());
    case doc::Type::kArray:
      return "sequence";
    case doc::Type::kObject:
      return "map";
  }
  return "value";
}

void SpecReader::Error(const Scope& at, std::string message, bool at_key) {
  ++errors_;
  diags_->Error(at.resource, at.pointer, std::move(message),
                at_key ? Diagnostics::At::kKey : Diagnostics::At::kValue);
}

void SpecReader::Warning(const Scope& at, std::string message, bool at_key) {
  diags_->Warning(at.resource, at.pointer, std::move(message),
                  at_key ? Diagnostics::At::kKey : Diagnostics::At::kValue);
}

void SpecReader::TypeError(const Scope& at, const doc::Node& n, std::string_view expected) {
  Error(at, "invalid type: " + Describe(n) + ", expected " + std::string(expected));
}

void SpecReader::Missing(const Scope& at, std::string_view field) {
  Error(at, "missing field `" + std::string(field) + "`", /*at_key=*/true);
}

bool SpecReader::Object(const Scope& at, const doc::Node& n,
                        std::initializer_list<std::string_view> allowed,
                        std::string_view expected) {
  if (!n.is_object()) {
    TypeError(at, n, expected);
    return false;
  }
  for (const doc::Field& f : n.fields()) {
    bool ok = false;
    for (std::string_view a : allowed)
      ok = ok || a == f.name;
    if (ok)
      continue;
    std::string msg = "unknown field `" + std::string(f.name) + "`, expected ";
    if (allowed.size() == 0) {
      msg = "unknown field `" + std::string(f.name) + "`, there are no fields";
    } else {
      msg += allowed.size() > 2 ? "one of " + Backticked(allowed) : Backticked(allowed);
      std::string_view best;
      size_t best_d = 3;
      for (std::string_view a : allowed) {
        size_t d = EditDistance(CollationKey(f.name), CollationKey(a));
        if (d < best_d) {
          best_d = d;
          best = a;
        }
      }
      if (!best.empty())
        msg += " (did you mean `" + std::string(best) + "`?)";
    }
    Error(at.Push(f.name), std::move(msg), /*at_key=*/true);
  }
  return true;
}

bool SpecReader::String(const Scope& at, const doc::Node& n, std::string* out) {
  if (!n.is_string()) {
    TypeError(at, n, "a string");
    return false;
  }
  *out = std::string(n.as_string());
  return true;
}

bool SpecReader::Bool(const Scope& at, const doc::Node& n, bool* out) {
  if (!n.is_bool()) {
    TypeError(at, n, "a boolean");
    return false;
  }
  *out = n.as_bool();
  return true;
}

bool SpecReader::U32(const Scope& at, const doc::Node& n, uint32_t* out) {
  if (n.type() != doc::Type::kPosInt || n.as_u64() > UINT32_MAX) {
    if (n.type() == doc::Type::kPosInt || n.type() == doc::Type::kNegInt) {
      Error(at, "invalid value: " + Describe(n) + ", expected u32");
    } else {
      TypeError(at, n, "u32");
    }
    return false;
  }
  *out = static_cast<uint32_t>(n.as_u64());
  return true;
}

bool SpecReader::StringArray(const Scope& at, const doc::Node& n, std::vector<std::string>* out) {
  if (!n.is_array()) {
    TypeError(at, n, "a sequence");
    return false;
  }
  bool ok = true;
  size_t i = 0;
  for (const doc::Node& item : n.items()) {
    std::string s;
    if (String(at.Push(i), item, &s)) {
      out->push_back(std::move(s));
    } else {
      ok = false;
    }
    ++i;
  }
  return ok;
}

bool SpecReader::Enum(const Scope& at, const doc::Node& n,
                      std::initializer_list<std::string_view> values, std::string* out) {
  if (!n.is_string()) {
    TypeError(at, n, "a string");
    return false;
  }
  for (std::string_view v : values) {
    if (n.as_string() == v) {
      *out = std::string(v);
      return true;
    }
  }
  Error(at, "unknown variant `" + std::string(n.as_string()) + "`, expected " +
                (values.size() > 2 ? "one of " : "") + Backticked(values));
  return false;
}

bool SpecReader::Duration(const Scope& at, const doc::Node& n, std::chrono::milliseconds* out) {
  if (!n.is_string()) {
    TypeError(at, n, "a duration string such as \"24h\"");
    return false;
  }
  auto d = ParseDuration(n.as_string());
  if (!d) {
    Error(at, "invalid duration " + DebugQuote(n.as_string()) +
                  ": expected a number and a unit, such as \"30s\", \"5m\" or \"24h\"");
    return false;
  }
  *out = *d;
  return true;
}

bool SpecReader::Timestamp(const Scope& at, const doc::Node& n, std::string* out) {
  if (!n.is_string()) {
    TypeError(at, n, "an RFC 3339 date-time string");
    return false;
  }
  if (!ParseRfc3339(n.as_string())) {
    Error(at, "invalid date-time " + DebugQuote(n.as_string()) +
                  ": expected RFC 3339, such as \"2024-01-31T12:00:00Z\"");
    return false;
  }
  *out = std::string(n.as_string());
  return true;
}

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view s) {
  using std::chrono::milliseconds;
  struct Unit {
    std::string_view name;
    double ms;
  };
  static constexpr Unit kUnits[] = {
      {"ns", 1e-6},      {"nsec", 1e-6},    {"us", 1e-3},       {"usec", 1e-3},
      {"ms", 1},         {"msec", 1},       {"millis", 1},      {"s", 1e3},
      {"sec", 1e3},      {"secs", 1e3},     {"second", 1e3},    {"seconds", 1e3},
      {"m", 60e3},       {"min", 60e3},     {"mins", 60e3},     {"minute", 60e3},
      {"minutes", 60e3}, {"h", 3600e3},     {"hr", 3600e3},     {"hrs", 3600e3},
      {"hour", 3600e3},  {"hours", 3600e3}, {"d", 86400e3},     {"day", 86400e3},
      {"days", 86400e3}, {"w", 604800e3},   {"week", 604800e3}, {"weeks", 604800e3},
  };
  double total = 0;
  size_t i = 0, groups = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ')
      ++i;
    if (i == s.size())
      break;
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i;
    if (i == start || i - start > 15)
      return std::nullopt;
    double value = std::stod(std::string(s.substr(start, i - start)));
    size_t ustart = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])))
      ++i;
    std::string_view unit = s.substr(ustart, i - ustart);
    bool found = false;
    for (const Unit& u : kUnits) {
      if (u.name == unit) {
        total += value * u.ms;
        found = true;
        break;
      }
    }
    if (!found)
      return std::nullopt;
    ++groups;
  }
  if (groups == 0)
    return std::nullopt;
  return milliseconds(static_cast<int64_t>(total));
}

std::optional<__int128> ParseRfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || h > 23 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap)
    return std::nullopt;
  size_t i = 19;
  int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    int64_t scale = 100000000;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      nanos += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start)
      return std::nullopt;
  }
  int offset_min = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!Digits(s, i + 1, 2, &oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !Digits(s, i + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size())
    return std::nullopt;
  int64_t secs = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                 h * 3600 + mi * 60 + sec - offset_min * 60;
  return static_cast<__int128>(secs) * 1000000000 + nanos;
}

}  // namespace flow::catalog

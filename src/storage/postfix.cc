// SPDX-License-Identifier: Apache-2.0
// storage/postfix.cc: Go time layouts and the `{{ .Spool.FirstAppendTime.Format }}` subset.
#include "storage/postfix.h"

#include <chrono>

#include <fmt/format.h>

#include "storage/journal_name.h"

namespace flow::storage {
namespace {

constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
constexpr std::string_view kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};

struct CivilTime {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  int yday;   // 1..366
  int wday;   // 0 = Sunday
  int hour, minute, second;
  int64_t nanos;
};

CivilTime ToCivil(int64_t unix_nanos) {
  using namespace std::chrono;
  int64_t secs = unix_nanos / 1'000'000'000;
  int64_t nanos = unix_nanos % 1'000'000'000;
  if (nanos < 0) {
    nanos += 1'000'000'000;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  sys_days sd{std::chrono::days{days}};
  year_month_day ymd{sd};
  sys_days jan1{year_month_day{ymd.year(), January, day{1}}};
  CivilTime t;
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.yday = static_cast<int>((sd - jan1).count()) + 1;
  t.wday = static_cast<int>(weekday{sd}.c_encoding());
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem % 3600 / 60);
  t.second = static_cast<int>(rem % 60);
  t.nanos = nanos;
  return t;
}

bool HasPrefixAt(std::string_view s, size_t i, std::string_view p) {
  return s.size() >= i + p.size() && s.substr(i, p.size()) == p;
}

bool StartsWithLower(std::string_view s, size_t i) {
  return i < s.size() && s[i] >= 'a' && s[i] <= 'z';
}

bool IsDigitAt(std::string_view s, size_t i) {
  return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

// Appends `v` zero-padded to `width`, with a leading '-' for negatives as Go does.
void AppendPadded(std::string* out, int64_t v, int width, char pad = '0') {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (v < 0)
    out->push_back('-');
  for (int k = static_cast<int>(digits.size()); k < width; ++k)
    out->push_back(pad);
  out->append(digits);
}

}  // namespace

std::string FormatGoTime(std::string_view layout, int64_t unix_nanos) {
  const CivilTime t = ToCivil(unix_nanos);
  const int hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
  std::string out;
  size_t i = 0;
  while (i < layout.size()) {
    const char c = layout[i];
    auto take = [&](std::string_view token) { return HasPrefixAt(layout, i, token); };
    switch (c) {
      case 'J':
        if (take("January")) {
          out.append(kMonths[t.month - 1]);
          i += 7;
          continue;
        }
        if (take("Jan") && !StartsWithLower(layout, i + 3)) {
          out.append(kMonths[t.month - 1].substr(0, 3));
          i += 3;
          continue;
        }
        break;
      case 'M':
        if (take("Monday")) {
          out.append(kDays[t.wday]);
          i += 6;
          continue;
        }
        if (take("Mon") && !StartsWithLower(layout, i + 3)) {
          out.append(kDays[t.wday].substr(0, 3));
          i += 3;
          continue;
        }
        if (take("MST")) {
          out.append("UTC");
          i += 3;
          continue;
        }
        break;
      case '0':
        if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          switch (layout[i + 1]) {
            case '1':
              AppendPadded(&out, t.month, 2);
              break;
            case '2':
              AppendPadded(&out, t.day, 2);
              break;
            case '3':
              AppendPadded(&out, hour12, 2);
              break;
            case '4':
              AppendPadded(&out, t.minute, 2);
              break;
            case '5':
              AppendPadded(&out, t.second, 2);
              break;
            case '6':
              AppendPadded(&out, ((t.year % 100) + 100) % 100, 2);
              break;
          }
          i += 2;
          continue;
        }
        if (take("002")) {
          AppendPadded(&out, t.yday, 3);
          i += 3;
          continue;
        }
        break;
      case '1':
        if (take("15")) {
          AppendPadded(&out, t.hour, 2);
          i += 2;
        } else {
          out.append(std::to_string(t.month));
          i += 1;
        }
        continue;
      case '2':
        if (take("2006")) {
          AppendPadded(&out, t.year, 4);
          i += 4;
        } else {
          out.append(std::to_string(t.day));
          i += 1;
        }
        continue;
      case '_':
        if (take("_2")) {
          if (take("_2006")) {  // a literal '_' followed by the year
            out.push_back('_');
            i += 1;
            continue;
          }
          AppendPadded(&out, t.day, 2, ' ');
          i += 2;
          continue;
        }
        if (take("__2")) {
          AppendPadded(&out, t.yday, 3, ' ');
          i += 3;
          continue;
        }
        break;
      case '3':
        out.append(std::to_string(hour12));
        i += 1;
        continue;
      case '4':
        out.append(std::to_string(t.minute));
        i += 1;
        continue;
      case '5':
        out.append(std::to_string(t.second));
        i += 1;
        continue;
      case 'P':
        if (take("PM")) {
          out.append(t.hour >= 12 ? "PM" : "AM");
          i += 2;
          continue;
        }
        break;
      case 'p':
        if (take("pm")) {
          out.append(t.hour >= 12 ? "pm" : "am");
          i += 2;
          continue;
        }
        break;
      case '-':
      case 'Z': {
        // The zone is always UTC: Z-forms print "Z", numeric forms a zero offset.
        static constexpr std::string_view kForms[] = {"070000", "07:00:00", "0700", "07:00", "07"};
        static constexpr std::string_view kZero[] = {"+000000", "+00:00:00", "+0000", "+00:00",
                                                     "+00"};
        bool matched = false;
        for (size_t k = 0; k < 5; ++k) {
          if (HasPrefixAt(layout, i + 1, kForms[k])) {
            out.append(c == 'Z' ? std::string_view("Z") : kZero[k]);
            i += 1 + kForms[k].size();
            matched = true;
            break;
          }
        }
        if (matched)
          continue;
        break;
      }
      case '.':
      case ',':
        if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
          const char digit = layout[i + 1];
          size_t j = i + 1;
          while (j < layout.size() && layout[j] == digit)
            ++j;
          if (!IsDigitAt(layout, j)) {
            const size_t n = std::min<size_t>(j - i - 1, 9);
            std::string frac = fmt::format("{:09d}", t.nanos).substr(0, n);
            if (digit == '9') {
              while (!frac.empty() && frac.back() == '0')
                frac.pop_back();
              if (!frac.empty()) {
                out.push_back(c);
                out.append(frac);
              }
            } else {
              out.push_back(c);
              out.append(frac);
            }
            i = j;
            continue;
          }
        }
        break;
      default:
        break;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

Result<PostfixTemplate> PostfixTemplate::Parse(std::string_view text) {
  PostfixTemplate tpl;
  tpl.text_ = std::string(text);
  auto invalid = [&](std::string_view why) {
    return Status::InvalidArgument("path postfix template \"{}\": {}", text, why);
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find("{{", i);
    if (open == std::string_view::npos) {
      if (text.find("}}", i) != std::string_view::npos)
        return invalid("unexpected \"}}\"");
      tpl.pieces_.push_back({false, std::string(text.substr(i))});
      break;
    }
    if (text.substr(i, open - i).find("}}") != std::string_view::npos)
      return invalid("unexpected \"}}\"");
    if (open > i)
      tpl.pieces_.push_back({false, std::string(text.substr(i, open - i))});
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos)
      return invalid("unclosed \"{{\"");
    std::string_view action = text.substr(open + 2, close - open - 2);
    auto trim = [](std::string_view s) {
      while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
      while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
      return s;
    };
    action = trim(action);
    constexpr std::string_view kCall = ".Spool.FirstAppendTime.Format";
    if (action.substr(0, kCall.size()) != kCall) {
      return invalid(fmt::format(
          "unsupported action {{{{{}}}}} (only .Spool.FirstAppendTime.Format \"layout\")", action));
    }
    std::string_view arg = action.substr(kCall.size());
    if (arg.empty() || (arg.front() != ' ' && arg.front() != '\t'))
      return invalid("expected a quoted layout after .Spool.FirstAppendTime.Format");
    arg = trim(arg);
    if (arg.size() < 2 || (arg.front() != '"' && arg.front() != '`') || arg.back() != arg.front())
      return invalid("expected a quoted layout after .Spool.FirstAppendTime.Format");
    std::string_view layout = arg.substr(1, arg.size() - 2);
    if (arg.front() == '"' && layout.find_first_of("\"\\") != std::string_view::npos)
      return invalid("escapes in layout strings are not supported");
    tpl.pieces_.push_back({true, std::string(layout)});
    i = close + 2;
  }
  return tpl;
}

Result<std::string> PostfixTemplate::Render(int64_t first_append_unix_nanos) const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (p.is_time) {
      out.append(FormatGoTime(p.text, first_append_unix_nanos));
    } else {
      out.append(p.text);
    }
  }
  if (Status s = ValidatePathComponent(out); !s.ok()) {
    return std::move(s).Annotatef("rendering path postfix template \"{}\"", text_);
  }
  return out;
}

}  // namespace flow::storage

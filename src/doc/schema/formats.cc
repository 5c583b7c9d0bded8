// SPDX-License-Identifier: Apache-2.0
// doc/schema/formats.cc: one hand-written validator per format.
#include "doc/schema/formats.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "doc/schema/regex.h"
#include "doc/schema/unicode_tables.h"

namespace flow::doc::schema {

namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Reads exactly `n` ASCII digits at `*i` as a number.
bool Digits(std::string_view s, size_t* i, size_t n, int* out) {
  if (*i + n > s.size())
    return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[*i + k];
    if (!IsDigit(c))
      return false;
    v = v * 10 + (c - '0');
  }
  *i += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* i, char c) {
  if (*i < s.size() && s[*i] == c) {
    ++*i;
    return true;
  }
  return false;
}

// Decodes one UTF-8 code point at *i (input is valid UTF-8).
uint32_t NextCodePoint(std::string_view s, size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  if (c < 0x80) {
    ++*i;
    return c;
  }
  int len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
  uint32_t cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
  for (int k = 1; k < len && *i + k < s.size(); ++k)
    cp = (cp << 6) | (s[*i + k] & 0x3f);
  *i += len;
  return cp;
}

std::vector<uint32_t> CodePoints(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();)
    out.push_back(NextCodePoint(s, &i));
  return out;
}

// ---------------------------------------------------------------------------------
// RFC 3339.

bool IsLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool FullDate(std::string_view s, size_t* i) {
  int y, m, d;
  if (!Digits(s, i, 4, &y) || !Expect(s, i, '-') || !Digits(s, i, 2, &m) || !Expect(s, i, '-') ||
      !Digits(s, i, 2, &d)) {
    return false;
  }
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1)
    return false;
  int max = kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
  return d <= max;
}

// full-time = partial-time time-offset; a leap second must fall on 23:59:60 UTC.
bool FullTime(std::string_view s, size_t* i) {
  int h, m, sec;
  if (!Digits(s, i, 2, &h) || !Expect(s, i, ':') || !Digits(s, i, 2, &m) || !Expect(s, i, ':') ||
      !Digits(s, i, 2, &sec)) {
    return false;
  }
  if (h > 23 || m > 59 || sec > 60)
    return false;
  if (Expect(s, i, '.')) {
    size_t start = *i;
    while (*i < s.size() && IsDigit(s[*i]))
      ++*i;
    if (*i == start)
      return false;
  }
  int off_min = 0;
  if (*i < s.size() && (s[*i] == 'Z' || s[*i] == 'z')) {
    ++*i;
  } else if (*i < s.size() && (s[*i] == '+' || s[*i] == '-')) {
    int sign = s[*i] == '+' ? 1 : -1;
    ++*i;
    int oh, om;
    if (!Digits(s, i, 2, &oh) || !Expect(s, i, ':') || !Digits(s, i, 2, &om))
      return false;
    if (oh > 23 || om > 59)
      return false;
    off_min = sign * (oh * 60 + om);
  } else {
    return false;
  }
  if (sec == 60) {
    int utc = ((h * 60 + m - off_min) % 1440 + 1440) % 1440;
    if (utc != 23 * 60 + 59)
      return false;
  }
  return true;
}

bool ValidDate(std::string_view s) {
  size_t i = 0;
  return FullDate(s, &i) && i == s.size();
}

bool ValidTime(std::string_view s) {
  size_t i = 0;
  return FullTime(s, &i) && i == s.size();
}

// The common "YYYY-MM-DDTHH:MM:SSZ" form, checked without the general parser.
// Returns 1 (valid), 0 (invalid) or -1 (another form: use the general parser).
int FastUtcDateTime(std::string_view s) {
  if (s.size() != 20 || s[19] != 'Z')
    return -1;
  const char* p = s.data();
  auto d = [&](int i) { return static_cast<unsigned>(p[i] - '0'); };
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (d(i) > 9)
      return 0;
  }
  if (p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':')
    return -1;
  unsigned y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  unsigned m = d(5) * 10 + d(6), day = d(8) * 10 + d(9);
  unsigned h = d(11) * 10 + d(12), mi = d(14) * 10 + d(15), sec = d(17) * 10 + d(18);
  static const unsigned char kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || day < 1)
    return 0;
  if (day > kDays[m - 1] + (m == 2 && IsLeap(static_cast<int>(y)) ? 1u : 0u))
    return 0;
  if (h > 23 || mi > 59 || sec > 60)
    return 0;
  if (sec == 60 && (h != 23 || mi != 59))
    return 0;
  return 1;
}

bool ValidDateTime(std::string_view s) {
  if (int fast = FastUtcDateTime(s); fast >= 0)
    return fast == 1;
  size_t i = 0;
  if (!FullDate(s, &i))
    return false;
  if (i >= s.size() || (s[i] != 'T' && s[i] != 't'))
    return false;
  ++i;
  return FullTime(s, &i) && i == s.size();
}

// RFC 3339 appendix A: dur-date / dur-time / dur-week, integer components only.
bool ValidDuration(std::string_view s) {
  size_t i = 0;
  if (!Expect(s, &i, 'P'))
    return false;
  auto component = [&](char* unit) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i]))
      ++i;
    if (i == start || i >= s.size())
      return false;
    *unit = s[i++];
    return true;
  };
  // Units must appear in order, each at most once, with no gaps in Y-M-D / H-M-S.
  auto sequence = [&](std::string_view units) {
    int last = -1;
    int count = 0;
    while (i < s.size() && s[i] != 'T') {
      char u;
      if (!component(&u))
        return -1;
      size_t pos = units.find(u);
      if (pos == std::string_view::npos || static_cast<int>(pos) <= last)
        return -1;
      if (last >= 0 && static_cast<int>(pos) != last + 1)
        return -1;
      last = static_cast<int>(pos);
      ++count;
    }
    return count;
  };
  if (i < s.size() && s[i] != 'T') {
    // dur-week is alone.
    size_t save = i;
    char u;
    if (component(&u) && u == 'W')
      return i == s.size();
    i = save;
    if (sequence("YMD") <= 0)
      return false;
  }
  if (i == s.size())
    return i > 1;
  if (!Expect(s, &i, 'T'))
    return false;
  int n = sequence("HMS");
  return n > 0 && i == s.size();
}

// ---------------------------------------------------------------------------------
// IP addresses.

bool ValidIpv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t start = i;
    int v = 0;
    while (i < s.size() && IsDigit(s[i]) && i - start < 4)
      v = v * 10 + (s[i++] - '0');
    size_t len = i - start;
    if (len == 0 || len > 3 || v > 255 || (len > 1 && s[start] == '0'))
      return false;
    ++parts;
    if (i == s.size())
      break;
    if (s[i] != '.' || parts == 4)
      return false;
    ++i;
  }
  return parts == 4;
}

bool ValidIpv6(std::string_view s) {
  if (s.empty())
    return false;
  int groups = 0;
  bool compressed = false;
  size_t i = 0;
  if (s.starts_with("::")) {
    compressed = true;
    i = 2;
    if (i == s.size())
      return true;
  } else if (s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    // An embedded IPv4 address ends the text.
    size_t end = s.find(':', i);
    std::string_view part =
        s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (end == std::string_view::npos && part.find('.') != std::string_view::npos) {
      if (!ValidIpv4(part))
        return false;
      groups += 2;
      i = s.size();
      break;
    }
    if (part.empty() || part.size() > 4)
      return false;
    for (char c : part) {
      if (!IsHex(c))
        return false;
    }
    ++groups;
    if (end == std::string_view::npos) {
      i = s.size();
      break;
    }
    i = end + 1;
    if (i < s.size() && s[i] == ':') {
      if (compressed)
        return false;
      compressed = true;
      ++i;
      if (i == s.size())
        break;
    } else if (i == s.size()) {
      return false;  // a trailing single ':'
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

// ---------------------------------------------------------------------------------
// Hostnames and IDNA2008 (RFC 5890-5893).

// RFC 3492 Punycode decoding.
bool PunycodeDecode(std::string_view in, std::vector<uint32_t>* out) {
  constexpr uint32_t kBase = 36, kTmin = 1, kTmax = 26, kSkew = 38, kDamp = 700;
  uint32_t n = 128, bias = 72, i = 0;
  size_t b = in.rfind('-');
  if (b == std::string_view::npos)
    b = 0;
  for (size_t k = 0; k < b; ++k) {
    if (static_cast<unsigned char>(in[k]) >= 0x80)
      return false;
    out->push_back(static_cast<unsigned char>(in[k]));
  }
  auto adapt = [&](uint32_t delta, uint32_t numpoints, bool first) {
    delta = first ? delta / kDamp : delta / 2;
    delta += delta / numpoints;
    uint32_t k = 0;
    while (delta > ((kBase - kTmin) * kTmax) / 2) {
      delta /= kBase - kTmin;
      k += kBase;
    }
    return k + (kBase - kTmin + 1) * delta / (delta + kSkew);
  };
  for (size_t p = b > 0 ? b + 1 : 0; p < in.size();) {
    uint32_t oldi = i, w = 1;
    for (uint32_t k = kBase;; k += kBase) {
      if (p >= in.size())
        return false;
      char c = in[p++];
      uint32_t digit = IsDigit(c)               ? uint32_t(c - '0' + 26)
                       : (c >= 'a' && c <= 'z') ? uint32_t(c - 'a')
                       : (c >= 'A' && c <= 'Z') ? uint32_t(c - 'A')
                                                : kBase;
      if (digit >= kBase)
        return false;
      if (digit > (UINT32_MAX - i) / w)
        return false;
      i += digit * w;
      uint32_t t = k <= bias ? kTmin : k >= bias + kTmax ? kTmax : k - bias;
      if (digit < t)
        break;
      if (w > UINT32_MAX / (kBase - t))
        return false;
      w *= kBase - t;
    }
    uint32_t len = static_cast<uint32_t>(out->size()) + 1;
    bias = adapt(i - oldi, len, oldi == 0);
    if (i / len > 0x10FFFF - n)
      return false;
    n += i / len;
    i %= len;
    if (n < 0x80 || (n >= 0xD800 && n <= 0xDFFF))
      return false;
    out->insert(out->begin() + i, n);
    ++i;
  }
  return true;
}

// Length of the RFC 3492 Punycode encoding of `in` (to measure A-labels).
size_t PunycodeLength(const std::vector<uint32_t>& in) {
  constexpr uint64_t kBase = 36, kTmin = 1, kTmax = 26, kSkew = 38, kDamp = 700;
  uint64_t n = 128, delta = 0, bias = 72;
  size_t out = 0, b = 0;
  for (uint32_t c : in)
    b += c < 0x80;
  out = b + (b > 0 ? 1 : 0);
  size_t h = b;
  auto adapt = [&](uint64_t d, uint64_t numpoints, bool first) {
    d = first ? d / kDamp : d / 2;
    d += d / numpoints;
    uint64_t k = 0;
    while (d > ((kBase - kTmin) * kTmax) / 2) {
      d /= kBase - kTmin;
      k += kBase;
    }
    return k + (kBase - kTmin + 1) * d / (d + kSkew);
  };
  while (h < in.size()) {
    uint64_t m = UINT64_MAX;
    for (uint32_t c : in) {
      if (c >= n && c < m)
        m = c;
    }
    delta += (m - n) * (h + 1);
    n = m;
    for (uint32_t c : in) {
      if (c < n)
        ++delta;
      if (c == n) {
        uint64_t q = delta;
        for (uint64_t k = kBase;; k += kBase) {
          uint64_t t = k <= bias ? kTmin : k >= bias + kTmax ? kTmax : k - bias;
          if (q < t)
            break;
          ++out;
          q = (q - t) / (kBase - t);
        }
        ++out;
        bias = adapt(delta, h + 1, h == b);
        delta = 0;
        ++h;
      }
    }
    ++delta;
    ++n;
  }
  return out;
}

bool InRanges(uint32_t c, std::initializer_list<std::pair<uint32_t, uint32_t>> r) {
  for (auto [lo, hi] : r) {
    if (c >= lo && c <= hi)
      return true;
  }
  return false;
}

bool IsGreek(uint32_t c) {
  return InRanges(c, {{0x370, 0x373},
                      {0x375, 0x377},
                      {0x37a, 0x37d},
                      {0x37f, 0x37f},
                      {0x384, 0x384},
                      {0x386, 0x3e1},
                      {0x3f0, 0x3ff},
                      {0x1d26, 0x1d2a},
                      {0x1f00, 0x1ffe},
                      {0x2126, 0x2126},
                      {0xab65, 0xab65},
                      {0x10140, 0x1018e},
                      {0x1d200, 0x1d245}});
}
bool IsHebrew(uint32_t c) {
  return InRanges(c, {{0x591, 0x5f4}, {0xfb1d, 0xfb4f}});
}
bool IsHiraganaKatakanaHan(uint32_t c) {
  return c != 0x30fb && InRanges(c, {{0x3041, 0x309f},
                                     {0x30a0, 0x30ff},
                                     {0x31f0, 0x31ff},
                                     {0x32d0, 0x32fe},
                                     {0x3300, 0x3357},
                                     {0xff66, 0xff9d},
                                     {0x1b000, 0x1b16f},
                                     {0x2e80, 0x2fd5},
                                     {0x3005, 0x3007},
                                     {0x3021, 0x3029},
                                     {0x3038, 0x303b},
                                     {0x3400, 0x4dbf},
                                     {0x4e00, 0x9fff},
                                     {0xf900, 0xfad9},
                                     {0x20000, 0x3134f}});
}
bool IsVirama(uint32_t c) {
  return std::binary_search(kViramas, kViramas + kViramaCount, c);
}

// Joining_Type approximation for the ZERO WIDTH NON-JOINER rule: letters of the
// joining scripts (Arabic, Syriac, N'Ko, Mongolian...) join on both sides, except the
// right-joining Arabic letters; marks are transparent.
bool IsJoiningScriptLetter(uint32_t c) {
  return InRanges(c, {{0x620, 0x64a},
                      {0x66e, 0x6d3},
                      {0x6fa, 0x6ff},
                      {0x710, 0x74f},
                      {0x750, 0x77f},
                      {0x7ca, 0x7ea},
                      {0x840, 0x858},
                      {0x860, 0x86a},
                      {0x8a0, 0x8c9},
                      {0x1820, 0x1878},
                      {0xa840, 0xa872}});
}
bool IsRightJoiningOnly(uint32_t c) {
  return InRanges(c, {{0x622, 0x625},
                      {0x627, 0x627},
                      {0x629, 0x629},
                      {0x62f, 0x632},
                      {0x648, 0x648},
                      {0x671, 0x673},
                      {0x675, 0x677},
                      {0x688, 0x699},
                      {0x6c0, 0x6c0},
                      {0x6c3, 0x6cb},
                      {0x6cd, 0x6cd},
                      {0x6cf, 0x6cf},
                      {0x6d2, 0x6d3}});
}
bool IsTransparent(uint32_t c) {
  const char* gc = GeneralCategory(c);
  return (gc[0] == 'M' && (gc[1] == 'n' || gc[1] == 'e')) ||
         (std::strcmp(gc, "Cf") == 0 && c != 0x200c && c != 0x200d);
}

// RFC 5891 §4.2 checks of a U-label (given as code points).
bool ValidULabel(const std::vector<uint32_t>& l) {
  if (l.empty() || l.size() > 63)
    return false;
  if (l.size() >= 4 && l[2] == '-' && l[3] == '-')
    return false;
  if (l.front() == '-' || l.back() == '-')
    return false;
  const char* first = GeneralCategory(l[0]);
  if (first[0] == 'M')
    return false;
  bool arabic_indic = false, extended_arabic_indic = false, has_kana_han = false;
  for (uint32_t c : l) {
    arabic_indic |= c >= 0x660 && c <= 0x669;
    extended_arabic_indic |= c >= 0x6f0 && c <= 0x6f9;
    has_kana_han |= IsHiraganaKatakanaHan(c);
  }
  if (arabic_indic && extended_arabic_indic)
    return false;
  for (size_t k = 0; k < l.size(); ++k) {
    uint32_t c = l[k];
    uint32_t prev = k > 0 ? l[k - 1] : UINT32_MAX;
    uint32_t next = k + 1 < l.size() ? l[k + 1] : UINT32_MAX;
    // RFC 5892 §2.6 exceptions.
    switch (c) {
      case 0xdf:
      case 0x3c2:
      case 0x6fd:
      case 0x6fe:
      case 0xf0b:
      case 0x3007:
        continue;
      case 0x640:
      case 0x7fa:
      case 0x302e:
      case 0x302f:
      case 0x3031:
      case 0x3032:
      case 0x3033:
      case 0x3034:
      case 0x3035:
      case 0x303b:
        return false;
      case 0xb7:
        if (prev != 'l' || next != 'l')
          return false;
        continue;
      case 0x375:
        if (next == UINT32_MAX || !IsGreek(next))
          return false;
        continue;
      case 0x5f3:
      case 0x5f4:
        if (prev == UINT32_MAX || !IsHebrew(prev))
          return false;
        continue;
      case 0x30fb:
        if (!has_kana_han)
          return false;
        continue;
      case 0x200d:
        if (prev == UINT32_MAX || !IsVirama(prev))
          return false;
        continue;
      case 0x200c: {
        if (prev != UINT32_MAX && IsVirama(prev))
          continue;
        // (L|D) T* ZWNJ T* (R|D)
        size_t b = k;
        while (b > 0 && IsTransparent(l[b - 1]))
          --b;
        size_t a = k + 1;
        while (a < l.size() && IsTransparent(l[a]))
          ++a;
        bool left = b > 0 && IsJoiningScriptLetter(l[b - 1]) && !IsRightJoiningOnly(l[b - 1]);
        bool right = a < l.size() && IsJoiningScriptLetter(l[a]);
        if (!left || !right)
          return false;
        continue;
      }
      default:
        break;
    }
    if (c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      continue;
    if (c < 0x80)
      return false;
    // PVALID: letters, digits and marks (RFC 5892 LetterDigits); the rest is
    // DISALLOWED or unassigned.
    const char* gc = GeneralCategory(c);
    bool letter_digit = std::strcmp(gc, "Ll") == 0 || std::strcmp(gc, "Lo") == 0 ||
                        std::strcmp(gc, "Lm") == 0 || std::strcmp(gc, "Mn") == 0 ||
                        std::strcmp(gc, "Mc") == 0 || std::strcmp(gc, "Nd") == 0;
    if (!letter_digit)
      return false;
  }
  return true;
}

// One label of a hostname: LDH, or an A-label whose U-label is valid. With
// `allow_unicode`, a U-label is accepted as is (idn-hostname). Adds the label's
// length in A-label form to `*ascii_len`.
bool ValidLabel(std::string_view label, bool allow_unicode, size_t* ascii_len) {
  if (label.empty())
    return false;
  bool ascii = std::all_of(label.begin(), label.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) {
    if (!allow_unicode)
      return false;
    std::vector<uint32_t> cps = CodePoints(label);
    // Lower-case ASCII so case differences do not count as unstable characters.
    for (uint32_t& c : cps) {
      if (c >= 'A' && c <= 'Z')
        c += 32;
    }
    size_t alabel = 4 + PunycodeLength(cps);
    *ascii_len += alabel;
    return alabel <= 63 && ValidULabel(cps);
  }
  *ascii_len += label.size();
  if (label.size() > 63)
    return false;
  for (char c : label) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '-')
      return false;
  }
  if (label.front() == '-' || label.back() == '-')
    return false;
  if (label.size() >= 4 && (label[0] == 'x' || label[0] == 'X') &&
      (label[1] == 'n' || label[1] == 'N') && label[2] == '-' && label[3] == '-') {
    std::vector<uint32_t> u;
    if (!PunycodeDecode(label.substr(4), &u))
      return false;
    for (uint32_t& c : u) {
      if (c >= 'A' && c <= 'Z')
        c += 32;
    }
    return ValidULabel(u);
  }
  return true;
}

bool ValidHostname(std::string_view s, bool allow_unicode) {
  if (s.empty())
    return false;
  // IDNA label separators (U+3002, U+FF0E, U+FF61) count as dots for idn-hostname.
  std::string norm;
  if (allow_unicode) {
    for (size_t i = 0; i < s.size();) {
      size_t start = i;
      uint32_t c = NextCodePoint(s, &i);
      if (c == 0x3002 || c == 0xff0e || c == 0xff61) {
        norm += '.';
      } else {
        norm.append(s.substr(start, i - start));
      }
    }
    s = norm;
  }
  size_t ascii_len = 0;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!ValidLabel(label, allow_unicode, &ascii_len))
      return false;
    ++ascii_len;
    if (dot == std::string_view::npos)
      break;
    start = dot + 1;
  }
  return ascii_len - 1 <= 253;
}

// ---------------------------------------------------------------------------------
// Email (RFC 5321 Mailbox).

bool IsAtext(uint32_t c) {
  if (c == 0 || c >= 0x80)
    return false;
  return IsAlpha(static_cast<char>(c)) || IsDigit(static_cast<char>(c)) ||
         std::strchr("!#$%&'*+-/=?^_`{|}~", static_cast<int>(c)) != nullptr;
}

bool ValidEmail(std::string_view s, bool idn) {
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size())
    return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.size() > 64)
    return false;
  if (local.front() == '"') {
    // quoted-string: printable ASCII (and UTF-8 for idn) with \-escapes.
    if (local.size() < 2 || local.back() != '"')
      return false;
    for (size_t i = 1; i + 1 < local.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(local[i]);
      if (c == '\\') {
        ++i;
        if (i + 1 >= local.size())
          return false;
        continue;
      }
      if (c == '"')
        return false;
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && !idn))
        return false;
    }
  } else {
    // dot-string
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
      return false;
    }
    for (size_t i = 0; i < local.size();) {
      uint32_t c = NextCodePoint(local, &i);
      if (c == '.')
        continue;
      if (c >= 0x80 ? !idn : !IsAtext(c))
        return false;
    }
  }
  if (domain.front() == '[') {
    if (domain.back() != ']')
      return false;
    std::string_view lit = domain.substr(1, domain.size() - 2);
    if (lit.starts_with("IPv6:"))
      return ValidIpv6(lit.substr(5));
    return ValidIpv4(lit);
  }
  return ValidHostname(domain, idn);
}

// ---------------------------------------------------------------------------------
// RFC 3986 URIs and RFC 3987 IRIs.

bool IsUnreserved(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool IsSubDelim(char c) {
  return c != 0 && std::strchr("!$&'()*+,;=", c) != nullptr;
}

bool IsUcsChar(uint32_t c) {
  return InRanges(c, {{0xa0, 0xd7ff},
                      {0xf900, 0xfdcf},
                      {0xfdf0, 0xffef},
                      {0x10000, 0x1fffd},
                      {0x20000, 0x2fffd},
                      {0x30000, 0x3fffd},
                      {0x40000, 0x4fffd},
                      {0x50000, 0x5fffd},
                      {0x60000, 0x6fffd},
                      {0x70000, 0x7fffd},
                      {0x80000, 0x8fffd},
                      {0x90000, 0x9fffd},
                      {0xa0000, 0xafffd},
                      {0xb0000, 0xbfffd},
                      {0xc0000, 0xcfffd},
                      {0xd0000, 0xdfffd},
                      {0xe1000, 0xefffd}});
}
bool IsIPrivate(uint32_t c) {
  return InRanges(c, {{0xe000, 0xf8ff}, {0xf0000, 0xffffd}, {0x100000, 0x10fffd}});
}

// Checks that every character of `s` is allowed: unreserved, sub-delims, `extra`,
// percent-encodings, and (IRIs) ucschar / iprivate.
bool CheckChars(std::string_view s, std::string_view extra, bool iri, bool allow_private) {
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      if (!iri)
        return false;
      uint32_t cp = NextCodePoint(s, &i);
      if (!IsUcsChar(cp) && !(allow_private && IsIPrivate(cp)))
        return false;
      continue;
    }
    if (c == '%') {
      if (i + 2 >= s.size() + 0 || !IsHex(s[i + 1]) || !IsHex(s[i + 2]))
        return false;
      i += 3;
      continue;
    }
    if (!IsUnreserved(c) && !IsSubDelim(c) && extra.find(c) == std::string_view::npos)
      return false;
    ++i;
  }
  return true;
}

bool ValidAuthority(std::string_view a, bool iri) {
  size_t at = a.find('@');
  if (at != std::string_view::npos) {
    if (!CheckChars(a.substr(0, at), ":", iri, false))
      return false;
    a = a.substr(at + 1);
  }
  std::string_view host = a, port;
  if (!a.empty() && a[0] == '[') {
    size_t close = a.find(']');
    if (close == std::string_view::npos)
      return false;
    host = a.substr(0, close + 1);
    std::string_view rest = a.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':')
        return false;
      port = rest.substr(1);
    }
    std::string_view lit = host.substr(1, host.size() - 2);
    if (!lit.empty() && (lit[0] == 'v' || lit[0] == 'V')) {
      // IPvFuture
      size_t dot = lit.find('.');
      if (dot == std::string_view::npos || dot < 2 || dot + 1 >= lit.size())
        return false;
      for (size_t k = 1; k < dot; ++k) {
        if (!IsHex(lit[k]))
          return false;
      }
      for (size_t k = dot + 1; k < lit.size(); ++k) {
        if (!IsUnreserved(lit[k]) && !IsSubDelim(lit[k]) && lit[k] != ':')
          return false;
      }
    } else if (!ValidIpv6(lit)) {
      return false;
    }
  } else {
    size_t colon = a.find(':');
    if (colon != std::string_view::npos) {
      host = a.substr(0, colon);
      port = a.substr(colon + 1);
    }
    if (!CheckChars(host, "", iri, false))
      return false;
  }
  for (char c : port) {
    if (!IsDigit(c))
      return false;
  }
  return true;
}

// Validates an RFC 3986 URI-reference (or URI if `absolute`); RFC 3987 with `iri`.
bool ValidUriRef(std::string_view s, bool absolute, bool iri) {
  if (size_t h = s.find('#'); h != std::string_view::npos) {
    if (!CheckChars(s.substr(h + 1), ":@/?", iri, false))
      return false;
    s = s.substr(0, h);
  }
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    if (!CheckChars(s.substr(q + 1), ":@/?", iri, true))
      return false;
    s = s.substr(0, q);
  }
  bool has_scheme = false;
  size_t colon = s.find(':');
  size_t slash = s.find('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) {
    std::string_view scheme = s.substr(0, colon);
    bool ok = !scheme.empty() && IsAlpha(scheme[0]) &&
              std::all_of(scheme.begin(), scheme.end(), [](char c) {
                return IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.';
              });
    if (!ok)
      return false;  // a colon in a first relative segment is not allowed either
    has_scheme = true;
    s = s.substr(colon + 1);
  }
  if (absolute && !has_scheme)
    return false;
  std::string_view path = s;
  if (s.starts_with("//")) {
    size_t end = s.find('/', 2);
    std::string_view authority =
        s.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2);
    if (!ValidAuthority(authority, iri))
      return false;
    path = end == std::string_view::npos ? std::string_view() : s.substr(end);
  }
  return CheckChars(path, ":@/", iri, false);
}

// RFC 6570 level 4 templates.
bool ValidUriTemplate(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '{') {
      size_t close = s.find('}', i);
      if (close == std::string_view::npos)
        return false;
      std::string_view expr = s.substr(i + 1, close - i - 1);
      i = close + 1;
      if (expr.empty())
        return false;
      if (std::strchr("+#./;?&=,!@|", expr[0]) != nullptr) {
        // Reserved operators "=,!@|" are not valid in level 4 either.
        if (std::strchr("=,!@|", expr[0]) != nullptr)
          return false;
        expr.remove_prefix(1);
      }
      // variable-list = varspec *( "," varspec )
      size_t k = 0;
      while (true) {
        // varname = varchar *( ["."] varchar ); varchar = ALPHA / DIGIT / "_" / pct-encoded
        size_t start = k;
        bool last_dot = true;
        while (k < expr.size()) {
          char v = expr[k];
          if (IsAlpha(v) || IsDigit(v) || v == '_') {
            ++k;
            last_dot = false;
          } else if (v == '%' && k + 2 < expr.size() + 0 && IsHex(expr[k + 1]) &&
                     IsHex(expr[k + 2])) {
            k += 3;
            last_dot = false;
          } else if (v == '.' && !last_dot) {
            ++k;
            last_dot = true;
          } else {
            break;
          }
        }
        if (k == start || last_dot)
          return false;
        if (k < expr.size() && expr[k] == ':') {
          ++k;
          size_t d = k;
          while (k < expr.size() && IsDigit(expr[k]))
            ++k;
          if (k == d || k - d > 4 || expr[d] == '0')
            return false;
        } else if (k < expr.size() && expr[k] == '*') {
          ++k;
        }
        if (k == expr.size())
          break;
        if (expr[k] != ',')
          return false;
        ++k;
        if (k == expr.size())
          return false;
      }
      continue;
    }
    if (c == '}')
      return false;
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      uint32_t cp = NextCodePoint(s, &i);
      if (!IsUcsChar(cp) && !IsIPrivate(cp))
        return false;
      continue;
    }
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2]))
        return false;
      i += 3;
      continue;
    }
    // literals: any except CTL, SP, DQUOTE, "'"?, "%", "<", ">", "\", "^", "`", "{", "|", "}"
    if (u <= 0x20 || u == 0x7f || std::strchr("\"<>\\^`|", c) != nullptr)
      return false;
    ++i;
  }
  return true;
}

bool ValidJsonPointer(std::string_view s) {
  if (s.empty())
    return true;
  if (s[0] != '/')
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~' && (i + 1 >= s.size() || (s[i + 1] != '0' && s[i + 1] != '1')))
      return false;
  }
  return true;
}

bool ValidRelativeJsonPointer(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i]))
    ++i;
  if (i == 0 || (i > 1 && s[0] == '0'))
    return false;
  // Index manipulation ("+1"/"-1") from newer drafts.
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    size_t j = i + 1;
    while (j < s.size() && IsDigit(s[j]))
      ++j;
    if (j == i + 1 || (j > i + 2 && s[i + 1] == '0') || (s[i + 1] == '0' && j == i + 2)) {
      return false;
    }
    i = j;
  }
  std::string_view rest = s.substr(i);
  return rest == "#" || ValidJsonPointer(rest);
}

bool ValidUuid(std::string_view s) {
  if (s.size() != 36)
    return false;
  for (size_t i = 0; i < 36; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i]))
      return false;
  }
  return true;
}

// A decimal number as BigDecimal parses it: [+-]digits[.digits][e[+-]digits].
bool ParseDecimal(std::string_view s, bool* integral) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-'))
    ++i;
  size_t int_start = i;
  while (i < s.size() && IsDigit(s[i]))
    ++i;
  size_t int_end = i;
  size_t frac_start = i, frac_end = i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac_start = i;
    while (i < s.size() && IsDigit(s[i]))
      ++i;
    frac_end = i;
  }
  if (int_end == int_start && frac_end == frac_start)
    return false;
  long long exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
      neg = s[i++] == '-';
    size_t e0 = i;
    while (i < s.size() && IsDigit(s[i])) {
      exp = std::min<long long>(exp * 10 + (s[i] - '0'), 1LL << 40);
      ++i;
    }
    if (i == e0)
      return false;
    if (neg)
      exp = -exp;
  }
  if (i != s.size())
    return false;
  // Integral iff every digit after the decimal point (shifted by exp) is zero.
  std::string digits(s.substr(int_start, int_end - int_start));
  digits.append(s.substr(frac_start, frac_end - frac_start));
  long long point = static_cast<long long>(int_end - int_start) + exp;
  *integral = true;
  for (size_t k = 0; k < digits.size(); ++k) {
    if (static_cast<long long>(k) >= point && digits[k] != '0') {
      *integral = false;
      break;
    }
  }
  return true;
}

bool ValidMac(std::string_view s, int groups) {
  // ([0-9A-Fa-f]{2}[:-]?){groups-1}[0-9A-Fa-f]{2}
  size_t i = 0;
  for (int g = 0; g < groups; ++g) {
    if (i + 2 > s.size() || !IsHex(s[i]) || !IsHex(s[i + 1]))
      return false;
    i += 2;
    if (g + 1 < groups && i < s.size() && (s[i] == ':' || s[i] == '-'))
      ++i;
  }
  return i == s.size();
}

struct FormatName_ {
  std::string_view name;
  Format format;
};
constexpr FormatName_ kFormats[] = {
    {"date", Format::kDate},
    {"date-time", Format::kDateTime},
    {"time", Format::kTime},
    {"duration", Format::kDuration},
    {"email", Format::kEmail},
    {"idn-email", Format::kIdnEmail},
    {"hostname", Format::kHostname},
    {"idn-hostname", Format::kIdnHostname},
    {"ipv4", Format::kIpv4},
    {"ipv6", Format::kIpv6},
    {"uuid", Format::kUuid},
    {"uri", Format::kUri},
    {"uri-reference", Format::kUriReference},
    {"iri", Format::kIri},
    {"iri-reference", Format::kIriReference},
    {"uri-template", Format::kUriTemplate},
    {"json-pointer", Format::kJsonPointer},
    {"relative-json-pointer", Format::kRelativeJsonPointer},
    {"regex", Format::kRegex},
    {"integer", Format::kInteger},
    {"number", Format::kNumber},
    {"macaddr", Format::kMacaddr},
    {"macaddr8", Format::kMacaddr8},
    {"sha256", Format::kSha256},
};

}  // namespace

Format ParseFormat(std::string_view name) {
  if (name == "datetime")
    return Format::kDateTime;
  if (name == "uint32" || name == "uint64")
    return Format::kInteger;
  for (const auto& f : kFormats) {
    if (f.name == name)
      return f.format;
  }
  return Format::kUnknown;
}

std::string_view FormatName(Format f) {
  for (const auto& e : kFormats) {
    if (e.format == f)
      return e.name;
  }
  return "unknown";
}

bool ValidateFormat(Format f, std::string_view s) {
  switch (f) {
    case Format::kUnknown:
      return true;
    case Format::kDate:
      return ValidDate(s);
    case Format::kDateTime:
      return ValidDateTime(s);
    case Format::kTime:
      return ValidTime(s);
    case Format::kDuration:
      return ValidDuration(s);
    case Format::kEmail:
      return ValidEmail(s, false);
    case Format::kIdnEmail:
      return ValidEmail(s, true);
    case Format::kHostname:
      return ValidHostname(s, false);
    case Format::kIdnHostname:
      return ValidHostname(s, true);
    case Format::kIpv4:
      return ValidIpv4(s);
    case Format::kIpv6:
      return ValidIpv6(s);
    case Format::kUuid:
      return ValidUuid(s);
    case Format::kUri:
      return ValidUriRef(s, true, false);
    case Format::kUriReference:
      return ValidUriRef(s, false, false);
    case Format::kIri:
      return ValidUriRef(s, true, true);
    case Format::kIriReference:
      return ValidUriRef(s, false, true);
    case Format::kUriTemplate:
      return ValidUriTemplate(s);
    case Format::kJsonPointer:
      return ValidJsonPointer(s);
    case Format::kRelativeJsonPointer:
      return ValidRelativeJsonPointer(s);
    case Format::kRegex:
      return Regex::Compile(s).ok();
    case Format::kInteger: {
      bool integral;
      return s.find('_') == std::string_view::npos && ParseDecimal(s, &integral) && integral;
    }
    case Format::kNumber: {
      bool integral;
      return s == "NaN" || s == "Infinity" || s == "-Infinity" ||
             (s.find('_') == std::string_view::npos && ParseDecimal(s, &integral));
    }
    case Format::kMacaddr:
      return ValidMac(s, 6);
    case Format::kMacaddr8:
      return ValidMac(s, 8);
    case Format::kSha256:
      return s.size() == 71 && s.starts_with("sha256:") &&
             std::all_of(s.begin() + 7, s.end(), IsHex);
  }
  return true;
}

}  // namespace flow::doc::schema

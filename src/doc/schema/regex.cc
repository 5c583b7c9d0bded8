// SPDX-License-Identifier: Apache-2.0
// doc/schema/regex.cc: the ECMA-262 parser, program builder and backtracking VM.
#include "doc/schema/regex.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "doc/schema/unicode_tables.h"

namespace flow::doc::schema {

namespace {

constexpr uint32_t kMaxCodePoint = 0x10FFFF;
constexpr size_t kMaxProgram = 200000;        // instructions, after expanding {n,m}
constexpr size_t kMemoBitsLimit = 64u << 20;  // 8 MB of visited bits per search
constexpr uint64_t kStepLimit = 50'000'000;   // backtracking steps without memo

// ---------------------------------------------------------------------------------
// Character sets: sorted, disjoint, inclusive code point ranges.

using Ranges = std::vector<CodeRange>;

void Normalize(Ranges& r) {
  std::sort(r.begin(), r.end(), [](const CodeRange& a, const CodeRange& b) { return a.lo < b.lo; });
  Ranges out;
  for (const CodeRange& c : r) {
    if (!out.empty() && c.lo <= out.back().hi + 1) {
      out.back().hi = std::max(out.back().hi, c.hi);
    } else {
      out.push_back(c);
    }
  }
  r.swap(out);
}

Ranges Complement(const Ranges& r) {
  Ranges out;
  uint32_t next = 0;
  for (const CodeRange& c : r) {
    if (c.lo > next)
      out.push_back({next, c.lo - 1});
    next = c.hi + 1;
  }
  if (next <= kMaxCodePoint)
    out.push_back({next, kMaxCodePoint});
  return out;
}

void AddDigit(Ranges& r) {
  r.push_back({'0', '9'});
}
void AddWord(Ranges& r) {
  r.push_back({'0', '9'});
  r.push_back({'A', 'Z'});
  r.push_back({'_', '_'});
  r.push_back({'a', 'z'});
}
void AddSpace(Ranges& r) {
  static const CodeRange kSpace[] = {
      {0x09, 0x0d},     {0x20, 0x20},     {0xa0, 0xa0},     {0x1680, 0x1680}, {0x2000, 0x200a},
      {0x2028, 0x2029}, {0x202f, 0x202f}, {0x205f, 0x205f}, {0x3000, 0x3000}, {0xfeff, 0xfeff}};
  r.insert(r.end(), std::begin(kSpace), std::end(kSpace));
}

bool IsWordChar(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool IsLineTerminator(uint32_t c) {
  return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

// Adds the code points of Unicode property `name` (\p{name}); false if unknown.
bool AddProperty(std::string_view name, Ranges& r) {
  if (name.starts_with("General_Category=")) {
    name.remove_prefix(17);
  } else if (name.starts_with("gc=")) {
    name.remove_prefix(3);
  }
  if (name == "Any") {
    r.push_back({0, kMaxCodePoint});
    return true;
  }
  if (name == "ASCII") {
    r.push_back({0, 0x7f});
    return true;
  }
  static const std::map<std::string_view, std::string_view> kLong = {
      {"Letter", "L"},
      {"Cased_Letter", "LC"},
      {"Uppercase_Letter", "Lu"},
      {"Lowercase_Letter", "Ll"},
      {"Titlecase_Letter", "Lt"},
      {"Modifier_Letter", "Lm"},
      {"Other_Letter", "Lo"},
      {"Mark", "M"},
      {"Combining_Mark", "M"},
      {"Nonspacing_Mark", "Mn"},
      {"Spacing_Mark", "Mc"},
      {"Enclosing_Mark", "Me"},
      {"Number", "N"},
      {"Decimal_Number", "Nd"},
      {"digit", "Nd"},
      {"Letter_Number", "Nl"},
      {"Other_Number", "No"},
      {"Punctuation", "P"},
      {"punct", "P"},
      {"Connector_Punctuation", "Pc"},
      {"Dash_Punctuation", "Pd"},
      {"Open_Punctuation", "Ps"},
      {"Close_Punctuation", "Pe"},
      {"Initial_Punctuation", "Pi"},
      {"Final_Punctuation", "Pf"},
      {"Other_Punctuation", "Po"},
      {"Symbol", "S"},
      {"Math_Symbol", "Sm"},
      {"Currency_Symbol", "Sc"},
      {"Modifier_Symbol", "Sk"},
      {"Other_Symbol", "So"},
      {"Separator", "Z"},
      {"Space_Separator", "Zs"},
      {"Line_Separator", "Zl"},
      {"Paragraph_Separator", "Zp"},
      {"Other", "C"},
      {"Control", "Cc"},
      {"cntrl", "Cc"},
      {"Format", "Cf"},
      {"Surrogate", "Cs"},
      {"Private_Use", "Co"},
      {"Unassigned", "Cn"},
  };
  if (auto it = kLong.find(name); it != kLong.end())
    name = it->second;

  bool assigned = name == "Assigned";
  bool unassigned = name == "Cn";
  if (assigned || unassigned) {
    Ranges all;
    for (size_t i = 0; i < kUnicodeCategoryCount; ++i) {
      const UnicodeCategory& c = kUnicodeCategories[i];
      all.insert(all.end(), c.ranges, c.ranges + c.count);
    }
    Normalize(all);
    if (unassigned)
      all = Complement(all);
    r.insert(r.end(), all.begin(), all.end());
    return true;
  }
  bool found = false;
  for (size_t i = 0; i < kUnicodeCategoryCount; ++i) {
    const UnicodeCategory& c = kUnicodeCategories[i];
    std::string_view cn(c.name);
    bool match = cn == name || (name.size() == 1 && cn[0] == name[0]) ||
                 (name == "LC" && (cn == "Lu" || cn == "Ll" || cn == "Lt"));
    if (match) {
      r.insert(r.end(), c.ranges, c.ranges + c.count);
      found = true;
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------
// Syntax tree.

struct Ast {
  enum Kind : uint8_t {
    kEmpty,
    kLit,
    kAny,
    kClass,
    kCat,
    kAlt,
    kRep,
    kGroup,  // capture index in `n`, or none (non-capturing) when n == UINT32_MAX
    kBackref,
    kBol,
    kEol,
    kWordB,
    kNotWordB,
    kLook,
  };
  Kind kind = kEmpty;
  uint32_t n = 0;        // literal code point, class index, group or backref number
  int min = 0, max = 0;  // repetition; max < 0 is unbounded
  bool greedy = true;
  bool behind = false, negate = false;  // lookaround
  std::vector<std::unique_ptr<Ast>> kids;
};
using AstPtr = std::unique_ptr<Ast>;

AstPtr MakeAst(Ast::Kind k, uint32_t n = 0) {
  auto a = std::make_unique<Ast>();
  a->kind = k;
  a->n = n;
  return a;
}

std::vector<uint32_t> DecodeUtf8(std::string_view s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c >> 5) == 6 && i + 1 < s.size()) {
      cp = ((c & 0x1f) << 6) | (s[i + 1] & 0x3f);
      len = 2;
    } else if ((c >> 4) == 14 && i + 2 < s.size()) {
      cp = ((c & 0x0f) << 12) | ((s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
      len = 3;
    } else if ((c >> 3) == 30 && i + 3 < s.size()) {
      cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3f) << 12) | ((s[i + 2] & 0x3f) << 6) |
           (s[i + 3] & 0x3f);
      len = 4;
    } else {
      cp = 0xFFFD;
      len = 1;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Parser (ECMA-262 Pattern grammar with the `u` flag, plus Annex B's literal `{`, `}`
// and `]`, and identity escapes of any ASCII punctuation).

class Parser {
 public:
  Parser(std::vector<uint32_t> p, std::vector<Ranges>* classes)
      : p_(std::move(p)), classes_(classes) {}

  Result<AstPtr> Parse() {
    Prescan();
    if (!error_.empty())
      return Status::InvalidArgument("{}", error_);
    AstPtr a = Disjunction();
    if (error_.empty() && i_ < p_.size())
      Fail("unmatched ')'");
    if (!error_.empty())
      return Status::InvalidArgument("{}", error_);
    for (uint32_t b : backrefs_) {
      if (b > ngroups_)
        return Status::InvalidArgument("backreference \\{} to a nonexistent group", b);
    }
    return a;
  }
  uint32_t ngroups() const { return ngroups_; }
  bool has_backrefs() const { return !backrefs_.empty(); }
  uint32_t nlooks() const { return nlooks_; }

 private:
  bool more() const { return i_ < p_.size(); }
  uint32_t peek(size_t k = 0) const { return i_ + k < p_.size() ? p_[i_ + k] : UINT32_MAX; }
  void Fail(std::string msg) {
    if (error_.empty())
      error_ = std::move(msg);
  }
  bool failed() const { return !error_.empty(); }

  static bool IsIdStart(uint32_t c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$' || c > 0x7f;
  }
  static bool IsIdPart(uint32_t c) { return IsIdStart(c) || (c >= '0' && c <= '9'); }

  // Counts capturing groups and collects their names (needed before parsing to tell
  // backreferences from errors).
  void Prescan() {
    bool in_class = false;
    for (size_t i = 0; i < p_.size(); ++i) {
      uint32_t c = p_[i];
      if (c == '\\') {
        ++i;
      } else if (in_class) {
        if (c == ']')
          in_class = false;
      } else if (c == '[') {
        in_class = true;
      } else if (c == '(') {
        if (i + 1 < p_.size() && p_[i + 1] == '?') {
          if (i + 2 < p_.size() && p_[i + 2] == '<' && i + 3 < p_.size() && p_[i + 3] != '=' &&
              p_[i + 3] != '!') {
            ++total_groups_;
            std::string name;
            for (size_t j = i + 3; j < p_.size() && p_[j] != '>'; ++j) {
              if (p_[j] < 0x80)
                name += static_cast<char>(p_[j]);
            }
            if (names_.count(name))
              Fail("duplicate capture group name '" + name + "'");
            names_[name] = total_groups_;
          }
        } else {
          ++total_groups_;
        }
      }
    }
  }

  AstPtr Disjunction() {
    AstPtr first = Alternative();
    if (peek() != '|')
      return first;
    AstPtr alt = MakeAst(Ast::kAlt);
    alt->kids.push_back(std::move(first));
    while (peek() == '|' && !failed()) {
      ++i_;
      alt->kids.push_back(Alternative());
    }
    return alt;
  }

  AstPtr Alternative() {
    AstPtr cat = MakeAst(Ast::kCat);
    while (more() && peek() != '|' && peek() != ')' && !failed()) {
      AstPtr t = Term();
      if (t)
        cat->kids.push_back(std::move(t));
    }
    if (cat->kids.size() == 1)
      return std::move(cat->kids[0]);
    return cat;
  }

  // Parses {n}, {n,} or {n,m} at i_ without consuming on failure.
  bool BraceQuantifier(int* min, int* max, size_t* end) {
    size_t j = i_;
    if (j >= p_.size() || p_[j] != '{')
      return false;
    ++j;
    auto digits = [&](int* out) {
      size_t start = j;
      int64_t v = 0;
      while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9') {
        v = std::min<int64_t>(v * 10 + (p_[j] - '0'), INT32_MAX);
        ++j;
      }
      *out = static_cast<int>(v);
      return j > start;
    };
    if (!digits(min))
      return false;
    *max = *min;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      if (!digits(max))
        *max = -1;
    }
    if (j >= p_.size() || p_[j] != '}')
      return false;
    *end = j + 1;
    return true;
  }

  bool AtQuantifier() {
    uint32_t c = peek();
    if (c == '*' || c == '+' || c == '?')
      return true;
    int a, b;
    size_t e;
    return c == '{' && BraceQuantifier(&a, &b, &e);
  }

  AstPtr Term() {
    uint32_t c = peek();
    // Assertions.
    if (c == '^' || c == '$') {
      ++i_;
      if (AtQuantifier())
        Fail("nothing to repeat");
      return MakeAst(c == '^' ? Ast::kBol : Ast::kEol);
    }
    if (c == '\\' && (peek(1) == 'b' || peek(1) == 'B')) {
      i_ += 2;
      if (AtQuantifier())
        Fail("nothing to repeat");
      return MakeAst(p_[i_ - 1] == 'b' ? Ast::kWordB : Ast::kNotWordB);
    }
    if (c == '(' && peek(1) == '?') {
      bool behind = peek(2) == '<' && (peek(3) == '=' || peek(3) == '!');
      bool ahead = peek(2) == '=' || peek(2) == '!';
      if (ahead || behind) {
        AstPtr look = MakeAst(Ast::kLook, nlooks_++);
        look->behind = behind;
        look->negate = behind ? peek(3) == '!' : peek(2) == '!';
        i_ += behind ? 4 : 3;
        look->kids.push_back(Disjunction());
        if (peek() != ')') {
          Fail("missing ')'");
          return nullptr;
        }
        ++i_;
        // Annex B allows quantified lookaheads; quantifying them is pointless, so a
        // quantifier is accepted and applied like any other atom.
        if (behind && AtQuantifier())
          Fail("nothing to repeat");
        if (!behind)
          return Quantified(std::move(look));
        return look;
      }
    }
    AstPtr atom = Atom();
    if (!atom)
      return nullptr;
    return Quantified(std::move(atom));
  }

  AstPtr Quantified(AstPtr atom) {
    int min, max;
    uint32_t c = peek();
    if (c == '*') {
      min = 0, max = -1, ++i_;
    } else if (c == '+') {
      min = 1, max = -1, ++i_;
    } else if (c == '?') {
      min = 0, max = 1, ++i_;
    } else {
      size_t end;
      if (c != '{' || !BraceQuantifier(&min, &max, &end))
        return atom;
      if (max >= 0 && min > max) {
        Fail("numbers out of order in {} quantifier");
        return nullptr;
      }
      i_ = end;
    }
    AstPtr rep = MakeAst(Ast::kRep);
    rep->min = min;
    rep->max = max;
    if (peek() == '?') {
      rep->greedy = false;
      ++i_;
    }
    if (AtQuantifier())
      Fail("nothing to repeat");
    rep->kids.push_back(std::move(atom));
    return rep;
  }

  AstPtr Atom() {
    uint32_t c = peek();
    switch (c) {
      case '.':
        ++i_;
        return MakeAst(Ast::kAny);
      case '[':
        return Class();
      case '\\':
        return AtomEscape();
      case '*':
      case '+':
      case '?':
        Fail("nothing to repeat");
        return nullptr;
      case '{': {
        if (AtQuantifier()) {
          Fail("nothing to repeat");
          return nullptr;
        }
        ++i_;
        return MakeAst(Ast::kLit, '{');
      }
      case '(':
        return Group();
      default:
        ++i_;
        return MakeAst(Ast::kLit, c);
    }
  }

  AstPtr Group() {
    ++i_;  // '('
    uint32_t group = UINT32_MAX;
    if (peek() == '?') {
      if (peek(1) == ':') {
        i_ += 2;
      } else if (peek(1) == '<') {
        i_ += 2;
        std::string name;
        if (!IsIdStart(peek())) {
          Fail("invalid capture group name");
          return nullptr;
        }
        while (more() && peek() != '>') {
          if (!IsIdPart(peek())) {
            Fail("invalid capture group name");
            return nullptr;
          }
          name += static_cast<char>(peek() < 0x80 ? peek() : '?');
          ++i_;
        }
        if (!more()) {
          Fail("invalid capture group name");
          return nullptr;
        }
        ++i_;  // '>'
        group = ++ngroups_;
      } else {
        Fail("invalid group");
        return nullptr;
      }
    } else {
      group = ++ngroups_;
    }
    AstPtr g = MakeAst(Ast::kGroup, group);
    g->kids.push_back(Disjunction());
    if (peek() != ')') {
      Fail("missing ')'");
      return nullptr;
    }
    ++i_;
    return g;
  }

  bool HexDigits(size_t n, uint32_t* out) {
    uint32_t v = 0;
    for (size_t k = 0; k < n; ++k) {
      uint32_t c = peek(k);
      int d = (c >= '0' && c <= '9')   ? int(c - '0')
              : (c >= 'a' && c <= 'f') ? int(c - 'a' + 10)
              : (c >= 'A' && c <= 'F') ? int(c - 'A' + 10)
                                       : -1;
      if (d < 0)
        return false;
      v = v * 16 + d;
    }
    i_ += n;
    *out = v;
    return true;
  }

  // \u escapes, with surrogate pairs joined. i_ is just past 'u'.
  bool UnicodeEscape(uint32_t* out) {
    if (peek() == '{') {
      ++i_;
      uint32_t v = 0;
      size_t n = 0;
      while (more() && peek() != '}') {
        uint32_t d;
        if (!HexDigits(1, &d))
          return false;
        v = v * 16 + d;
        if (v > kMaxCodePoint)
          return false;
        ++n;
      }
      if (!more() || n == 0)
        return false;
      ++i_;
      *out = v;
      return true;
    }
    uint32_t v;
    if (!HexDigits(4, &v))
      return false;
    if (v >= 0xD800 && v <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
      size_t save = i_;
      i_ += 2;
      uint32_t lo;
      if (HexDigits(4, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
        v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
      } else {
        i_ = save;
      }
    }
    *out = v;
    return true;
  }

  // Parses an escape after '\\' that denotes one character or a class. Returns false
  // (with error set) on bad syntax. `set` receives class escapes.
  bool CharacterEscape(bool in_class, uint32_t* ch, Ranges* set, bool* is_set) {
    *is_set = false;
    uint32_t c = peek();
    if (c == UINT32_MAX) {
      Fail("\\ at end of pattern");
      return false;
    }
    ++i_;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S': {
        Ranges r;
        if (c == 'd' || c == 'D')
          AddDigit(r);
        if (c == 'w' || c == 'W')
          AddWord(r);
        if (c == 's' || c == 'S')
          AddSpace(r);
        Normalize(r);
        if (c == 'D' || c == 'W' || c == 'S')
          r = Complement(r);
        *set = std::move(r);
        *is_set = true;
        return true;
      }
      case 'p':
      case 'P': {
        if (peek() != '{') {
          Fail("invalid Unicode property escape");
          return false;
        }
        ++i_;
        std::string name;
        while (more() && peek() != '}') {
          name += static_cast<char>(peek() < 0x80 ? peek() : '?');
          ++i_;
        }
        if (!more()) {
          Fail("invalid Unicode property escape");
          return false;
        }
        ++i_;
        Ranges r;
        if (!AddProperty(name, r)) {
          Fail("unsupported Unicode property \\p{" + name + "}");
          return false;
        }
        Normalize(r);
        if (c == 'P')
          r = Complement(r);
        *set = std::move(r);
        *is_set = true;
        return true;
      }
      case 'f':
        *ch = '\f';
        return true;
      case 'n':
        *ch = '\n';
        return true;
      case 'r':
        *ch = '\r';
        return true;
      case 't':
        *ch = '\t';
        return true;
      case 'v':
        *ch = '\v';
        return true;
      case 'b':
        if (in_class) {
          *ch = 8;
          return true;
        }
        break;
      case '-':
        *ch = '-';
        return true;
      case 'c': {
        uint32_t l = peek();
        if ((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z')) {
          ++i_;
          *ch = l % 32;
          return true;
        }
        Fail("invalid control escape \\c");
        return false;
      }
      case '0':
        if (!(peek() >= '0' && peek() <= '9')) {
          *ch = 0;
          return true;
        }
        Fail("invalid octal escape");
        return false;
      case 'x':
        if (HexDigits(2, ch))
          return true;
        Fail("invalid \\x escape");
        return false;
      case 'u':
        if (UnicodeEscape(ch))
          return true;
        Fail("invalid Unicode escape");
        return false;
      default:
        break;
    }
    // Identity escapes: syntax characters and other ASCII punctuation.
    if (c < 0x80 && !IsWordChar(c) && c > 0x20) {
      *ch = c;
      return true;
    }
    Fail(fmt::format("invalid escape \\{}", c < 0x80 ? std::string(1, char(c)) : "?"));
    return false;
  }

  AstPtr AtomEscape() {
    ++i_;  // '\\'
    uint32_t c = peek();
    if (c >= '1' && c <= '9') {
      uint32_t n = 0;
      while (peek() >= '0' && peek() <= '9') {
        n = std::min<uint32_t>(n * 10 + (peek() - '0'), 100000);
        ++i_;
      }
      if (n > total_groups_) {
        Fail(fmt::format("backreference \\{} to a nonexistent group", n));
        return nullptr;
      }
      backrefs_.push_back(n);
      return MakeAst(Ast::kBackref, n);
    }
    if (c == 'k') {
      ++i_;
      if (peek() != '<') {
        Fail("invalid named backreference");
        return nullptr;
      }
      ++i_;
      std::string name;
      while (more() && peek() != '>') {
        name += static_cast<char>(peek() < 0x80 ? peek() : '?');
        ++i_;
      }
      if (!more() || !names_.count(name)) {
        Fail("invalid named backreference");
        return nullptr;
      }
      ++i_;
      backrefs_.push_back(names_[name]);
      return MakeAst(Ast::kBackref, names_[name]);
    }
    uint32_t ch;
    Ranges set;
    bool is_set;
    if (!CharacterEscape(false, &ch, &set, &is_set))
      return nullptr;
    if (is_set) {
      classes_->push_back(std::move(set));
      return MakeAst(Ast::kClass, static_cast<uint32_t>(classes_->size() - 1));
    }
    return MakeAst(Ast::kLit, ch);
  }

  // One class atom: a character or a class escape.
  bool ClassAtom(uint32_t* ch, Ranges* set, bool* is_set) {
    *is_set = false;
    if (peek() == '\\') {
      ++i_;
      uint32_t c = peek();
      if (c >= '1' && c <= '9') {
        Fail("invalid class escape");
        return false;
      }
      return CharacterEscape(true, ch, set, is_set);
    }
    *ch = peek();
    ++i_;
    return true;
  }

  AstPtr Class() {
    ++i_;  // '['
    bool negate = false;
    if (peek() == '^') {
      negate = true;
      ++i_;
    }
    Ranges r;
    while (true) {
      if (!more()) {
        Fail("missing ']' in character class");
        return nullptr;
      }
      if (peek() == ']') {
        ++i_;
        break;
      }
      uint32_t lo;
      Ranges set;
      bool is_set;
      if (!ClassAtom(&lo, &set, &is_set))
        return nullptr;
      if (peek() == '-' && peek(1) != ']' && peek(1) != UINT32_MAX) {
        ++i_;  // '-'
        uint32_t hi;
        Ranges set2;
        bool is_set2;
        if (!ClassAtom(&hi, &set2, &is_set2))
          return nullptr;
        if (is_set || is_set2) {
          Fail("invalid character class range");
          return nullptr;
        }
        if (lo > hi) {
          Fail("character class range out of order");
          return nullptr;
        }
        r.push_back({lo, hi});
        continue;
      }
      if (is_set) {
        r.insert(r.end(), set.begin(), set.end());
      } else {
        r.push_back({lo, lo});
      }
    }
    Normalize(r);
    if (negate)
      r = Complement(r);
    classes_->push_back(std::move(r));
    return MakeAst(Ast::kClass, static_cast<uint32_t>(classes_->size() - 1));
  }

  std::vector<uint32_t> p_;
  std::vector<Ranges>* classes_;
  size_t i_ = 0;
  std::string error_;
  uint32_t ngroups_ = 0;
  uint32_t total_groups_ = 0;
  uint32_t nlooks_ = 0;
  std::map<std::string, uint32_t> names_;
  std::vector<uint32_t> backrefs_;
};

// ---------------------------------------------------------------------------------
// Program.

enum Op : uint8_t {
  kOpChar,
  kOpAny,
  kOpClass,
  kOpSplit,  // x first, then y
  kOpJmp,
  kOpSave,  // slot x
  kOpBackref,
  kOpBol,
  kOpEol,
  kOpWordB,
  kOpNotWordB,
  kOpLook,   // look x
  kOpMark,   // register x = pos (empty-loop check; without memo only)
  kOpCheck,  // fail if pos == register x
  kOpMatch,
};

struct Inst {
  Op op;
  uint32_t x = 0, y = 0;
};

struct Look {
  uint32_t start = 0, end = 0;  // body instructions [start, end)
  bool behind = false, negate = false;
};

struct Class {
  uint64_t ascii[2] = {0, 0};
  Ranges ranges;
  bool Has(uint32_t c) const {
    if (c < 128)
      return (ascii[c >> 6] >> (c & 63)) & 1;
    auto it = std::upper_bound(ranges.begin(), ranges.end(), c,
                               [](uint32_t v, const CodeRange& r) { return v < r.lo; });
    return it != ranges.begin() && c <= std::prev(it)->hi;
  }
};

}  // namespace

struct Regex::Program {
  std::vector<Inst> code;
  std::vector<Class> classes;
  std::vector<Look> looks;
  uint32_t nslots = 0;  // 2 per group incl. group 0 (unused), plus marks
  uint32_t nmarks = 0;
  bool backrefs = false;
  bool anchored = false;  // starts with ^ on every path
  bool literal = false;   // the whole pattern is the literal `lit`
  std::string lit;
};

namespace {

class Builder {
 public:
  explicit Builder(Regex::Program* p) : p_(p) {}

  bool Emit(const Ast& a) {
    if (p_->code.size() > kMaxProgram)
      return false;
    switch (a.kind) {
      case Ast::kEmpty:
        return true;
      case Ast::kLit:
        Add(kOpChar, a.n);
        return true;
      case Ast::kAny:
        Add(kOpAny);
        return true;
      case Ast::kClass:
        Add(kOpClass, a.n);
        return true;
      case Ast::kBol:
        Add(kOpBol);
        return true;
      case Ast::kEol:
        Add(kOpEol);
        return true;
      case Ast::kWordB:
        Add(kOpWordB);
        return true;
      case Ast::kNotWordB:
        Add(kOpNotWordB);
        return true;
      case Ast::kBackref:
        Add(kOpBackref, a.n);
        return true;
      case Ast::kCat:
        for (const auto& k : a.kids) {
          if (!Emit(*k))
            return false;
        }
        return true;
      case Ast::kAlt: {
        std::vector<uint32_t> jumps;
        for (size_t i = 0; i < a.kids.size(); ++i) {
          if (i + 1 < a.kids.size()) {
            uint32_t split = Add(kOpSplit);
            p_->code[split].x = Pc();
            if (!Emit(*a.kids[i]))
              return false;
            jumps.push_back(Add(kOpJmp));
            p_->code[split].y = Pc();
          } else if (!Emit(*a.kids[i])) {
            return false;
          }
        }
        for (uint32_t j : jumps)
          p_->code[j].x = Pc();
        return true;
      }
      case Ast::kGroup:
        if (a.n == UINT32_MAX)
          return Emit(*a.kids[0]);
        Add(kOpSave, 2 * a.n);
        if (!Emit(*a.kids[0]))
          return false;
        Add(kOpSave, 2 * a.n + 1);
        return true;
      case Ast::kLook: {
        // The body is emitted out of line after the main program.
        Add(kOpLook, a.n);
        deferred_.push_back(&a);
        return true;
      }
      case Ast::kRep:
        return EmitRep(a);
    }
    return false;
  }

  bool EmitDeferred() {
    // Lookaround bodies may contain further lookarounds; emit until none are left.
    for (size_t i = 0; i < deferred_.size(); ++i) {
      const Ast& a = *deferred_[i];
      Look& l = p_->looks[a.n];
      l.behind = a.behind;
      l.negate = a.negate;
      l.start = Pc();
      if (!Emit(*a.kids[0]))
        return false;
      Add(kOpMatch);
      l.end = Pc();
    }
    return true;
  }

 private:
  uint32_t Pc() const { return static_cast<uint32_t>(p_->code.size()); }
  uint32_t Add(Op op, uint32_t x = 0, uint32_t y = 0) {
    p_->code.push_back({op, x, y});
    return Pc() - 1;
  }

  static bool CanBeEmpty(const Ast& a) {
    switch (a.kind) {
      case Ast::kLit:
      case Ast::kAny:
      case Ast::kClass:
        return false;
      case Ast::kCat:
        for (const auto& k : a.kids) {
          if (!CanBeEmpty(*k))
            return false;
        }
        return true;
      case Ast::kAlt:
        for (const auto& k : a.kids) {
          if (CanBeEmpty(*k))
            return true;
        }
        return false;
      case Ast::kGroup:
        return CanBeEmpty(*a.kids[0]);
      case Ast::kRep:
        return a.min == 0 || CanBeEmpty(*a.kids[0]);
      default:
        return true;
    }
  }

  bool EmitRep(const Ast& a) {
    const Ast& body = *a.kids[0];
    for (int i = 0; i < a.min; ++i) {
      if (!Emit(body))
        return false;
    }
    bool empty = CanBeEmpty(body);
    if (a.max < 0) {
      // L: split body, out; body: [mark] x [check]; jmp L
      uint32_t mark = empty ? p_->nmarks++ : 0;
      uint32_t split = Add(kOpSplit);
      uint32_t body_pc = Pc();
      if (empty)
        Add(kOpMark, mark);
      if (!Emit(body))
        return false;
      if (empty)
        Add(kOpCheck, mark);
      Add(kOpJmp, split);
      SetSplit(split, body_pc, Pc(), a.greedy);
      return true;
    }
    std::vector<uint32_t> splits;
    for (int i = a.min; i < a.max; ++i) {
      uint32_t mark = empty ? p_->nmarks++ : 0;
      splits.push_back(Add(kOpSplit));
      p_->code[splits.back()].x = Pc();
      if (empty)
        Add(kOpMark, mark);
      if (!Emit(body))
        return false;
      if (empty)
        Add(kOpCheck, mark);
      if (p_->code.size() > kMaxProgram)
        return false;
    }
    for (uint32_t s : splits)
      SetSplit(s, p_->code[s].x, Pc(), a.greedy);
    return true;
  }

  void SetSplit(uint32_t split, uint32_t body, uint32_t out, bool greedy) {
    p_->code[split].x = greedy ? body : out;
    p_->code[split].y = greedy ? out : body;
  }

  Regex::Program* p_;
  std::vector<const Ast*> deferred_;
};

// ---------------------------------------------------------------------------------
// The VM.

struct Scratch {
  std::vector<uint32_t> text;
  struct Frame {
    uint32_t pc;  // UINT32_MAX marks a slot restore
    uint32_t pos;
    uint32_t slot;
  };
  std::vector<Frame> stack;
  std::vector<uint64_t> visited;
  std::vector<uint32_t> slots;
  std::vector<int8_t> look_cache;  // per (look, pos): -1 unknown, 0, 1
  uint64_t steps = 0;
};

class Vm {
 public:
  Vm(const Regex::Program& p, Scratch& s, bool memo) : p_(p), s_(s), memo_(memo) {
    n_ = static_cast<uint32_t>(s_.text.size());
  }

  // Runs from (pc, pos); true if kMatch is reached (at `end`, if end != UINT32_MAX).
  bool Run(uint32_t pc0, uint32_t pos0, uint32_t end) {
    size_t base = s_.stack.size();
    s_.stack.push_back({pc0, pos0, 0});
    const uint32_t* t = s_.text.data();
    while (s_.stack.size() > base) {
      Scratch::Frame f = s_.stack.back();
      s_.stack.pop_back();
      if (f.pc == UINT32_MAX) {
        s_.slots[f.slot] = f.pos;
        continue;
      }
      uint32_t pc = f.pc, pos = f.pos;
      while (true) {
        if (memo_) {
          size_t bit = size_t(pc) * (n_ + 1) + pos;
          uint64_t& w = s_.visited[bit >> 6];
          uint64_t m = uint64_t(1) << (bit & 63);
          if (w & m)
            break;
          w |= m;
        } else if (++s_.steps > kStepLimit) {
          s_.stack.resize(base);
          return false;
        }
        const Inst& in = p_.code[pc];
        bool ok = true;
        switch (in.op) {
          case kOpChar:
            ok = pos < n_ && t[pos] == in.x;
            ++pos, ++pc;
            break;
          case kOpAny:
            ok = pos < n_ && !IsLineTerminator(t[pos]);
            ++pos, ++pc;
            break;
          case kOpClass:
            ok = pos < n_ && p_.classes[in.x].Has(t[pos]);
            ++pos, ++pc;
            break;
          case kOpSplit:
            s_.stack.push_back({in.y, pos, 0});
            pc = in.x;
            break;
          case kOpJmp:
            pc = in.x;
            break;
          case kOpSave:
            if (!memo_) {
              s_.stack.push_back({UINT32_MAX, s_.slots[in.x], in.x});
              s_.slots[in.x] = pos;
            }
            ++pc;
            break;
          case kOpMark:
            if (!memo_) {
              uint32_t slot = p_.nslots + in.x;
              s_.stack.push_back({UINT32_MAX, s_.slots[slot], slot});
              s_.slots[slot] = pos;
            }
            ++pc;
            break;
          case kOpCheck:
            ok = memo_ || s_.slots[p_.nslots + in.x] != pos;
            ++pc;
            break;
          case kOpBackref: {
            uint32_t b = s_.slots[2 * in.x], e = s_.slots[2 * in.x + 1];
            if (b != UINT32_MAX && e != UINT32_MAX && e >= b) {
              uint32_t len = e - b;
              ok = pos + len <= n_ && std::equal(t + b, t + e, t + pos);
              pos += len;
            }
            ++pc;
            break;
          }
          case kOpBol:
            ok = pos == 0;
            ++pc;
            break;
          case kOpEol:
            ok = pos == n_;
            ++pc;
            break;
          case kOpWordB:
          case kOpNotWordB: {
            bool a = pos > 0 && IsWordChar(t[pos - 1]);
            bool b = pos < n_ && IsWordChar(t[pos]);
            ok = (a != b) == (in.op == kOpWordB);
            ++pc;
            break;
          }
          case kOpLook:
            ok = LookAt(in.x, pos) != p_.looks[in.x].negate;
            ++pc;
            break;
          case kOpMatch:
            if (end == UINT32_MAX || pos == end) {
              s_.stack.resize(base);
              return true;
            }
            ok = false;
            break;
        }
        if (!ok)
          break;
      }
    }
    return false;
  }

 private:
  void ClearVisited(const Look& l) {
    if (!memo_)
      return;
    size_t from = size_t(l.start) * (n_ + 1), to = size_t(l.end) * (n_ + 1);
    for (size_t b = from; b < to; ++b)
      s_.visited[b >> 6] &= ~(uint64_t(1) << (b & 63));
  }

  bool LookAt(uint32_t id, uint32_t pos) {
    const Look& l = p_.looks[id];
    int8_t& cached = s_.look_cache[size_t(id) * (n_ + 1) + pos];
    // With backreferences, results depend on captures: never cache.
    if (memo_ && cached >= 0)
      return cached;
    bool found = false;
    if (!l.behind) {
      ClearVisited(l);
      found = Run(l.start, pos, UINT32_MAX);
    } else {
      for (uint32_t s = pos + 1; s-- > 0 && !found;) {
        ClearVisited(l);
        found = Run(l.start, s, pos);
      }
    }
    if (memo_)
      cached = found;
    return found;
  }

  const Regex::Program& p_;
  Scratch& s_;
  bool memo_;
  uint32_t n_;
};

}  // namespace

Regex::~Regex() = default;

Result<std::shared_ptr<const Regex>> Regex::Compile(std::string_view pattern) {
  auto re = std::shared_ptr<Regex>(new Regex());
  re->pattern_ = std::string(pattern);
  re->prog_ = std::make_unique<Program>();
  Program& p = *re->prog_;

  std::vector<Ranges> classes;
  Parser parser(DecodeUtf8(pattern), &classes);
  auto ast = parser.Parse();
  if (!ast.ok()) {
    return Status::InvalidArgument("invalid regular expression /{}/: {}", pattern,
                                   ast.status().message());
  }
  p.backrefs = parser.has_backrefs();
  p.nslots = 2 * (parser.ngroups() + 1);
  p.looks.resize(parser.nlooks());
  for (Ranges& r : classes) {
    Class c;
    for (const CodeRange& cr : r) {
      for (uint32_t ch = cr.lo; ch <= std::min<uint32_t>(cr.hi, 127); ++ch) {
        c.ascii[ch >> 6] |= uint64_t(1) << (ch & 63);
      }
    }
    c.ranges = std::move(r);
    p.classes.push_back(std::move(c));
  }

  // A pattern of plain characters is searched for as a substring.
  const Ast& root = **ast;
  auto literal_of = [&](const Ast& a, std::string* out) {
    auto one = [&](const Ast& k) {
      if (k.kind != Ast::kLit)
        return false;
      uint32_t c = k.n;
      if (c < 0x80) {
        *out += static_cast<char>(c);
      } else if (c < 0x800) {
        *out += static_cast<char>(0xC0 | (c >> 6));
        *out += static_cast<char>(0x80 | (c & 0x3F));
      } else if (c < 0x10000) {
        *out += static_cast<char>(0xE0 | (c >> 12));
        *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        *out += static_cast<char>(0x80 | (c & 0x3F));
      } else {
        *out += static_cast<char>(0xF0 | (c >> 18));
        *out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        *out += static_cast<char>(0x80 | (c & 0x3F));
      }
      return true;
    };
    if (a.kind == Ast::kCat) {
      for (const auto& k : a.kids) {
        if (!one(*k))
          return false;
      }
      return true;
    }
    return a.kind == Ast::kEmpty || one(a);
  };
  p.literal = literal_of(root, &p.lit);

  Builder b(&p);
  if (!b.Emit(root) || (p.code.push_back({kOpMatch}), !b.EmitDeferred()) ||
      p.code.size() > kMaxProgram) {
    return Status::InvalidArgument("regular expression /{}/ is too large", pattern);
  }
  p.anchored = !p.code.empty() && p.code[0].op == kOpBol;
  return std::shared_ptr<const Regex>(std::move(re));
}

bool Regex::Search(std::string_view subject) const {
  const Program& p = *prog_;
  if (p.literal)
    return subject.find(p.lit) != std::string_view::npos;

  thread_local Scratch s;
  s.text.clear();
  // Decode UTF-8 (input from the JSON parser is valid UTF-8).
  for (size_t i = 0; i < subject.size();) {
    unsigned char c = static_cast<unsigned char>(subject[i]);
    if (c < 0x80) {
      s.text.push_back(c);
      ++i;
      continue;
    }
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if ((c >> 5) == 6 && i + 1 < subject.size()) {
      cp = ((c & 0x1f) << 6) | (subject[i + 1] & 0x3f), len = 2;
    } else if ((c >> 4) == 14 && i + 2 < subject.size()) {
      cp = ((c & 0x0f) << 12) | ((subject[i + 1] & 0x3f) << 6) | (subject[i + 2] & 0x3f), len = 3;
    } else if ((c >> 3) == 30 && i + 3 < subject.size()) {
      cp = ((c & 0x07) << 18) | ((subject[i + 1] & 0x3f) << 12) | ((subject[i + 2] & 0x3f) << 6) |
           (subject[i + 3] & 0x3f),
      len = 4;
    }
    s.text.push_back(cp);
    i += len;
  }
  size_t n = s.text.size();
  size_t bits = p.code.size() * (n + 1);
  bool memo = !p.backrefs && bits <= kMemoBitsLimit;
  if (memo)
    s.visited.assign((bits + 63) / 64, 0);
  s.slots.assign(p.nslots + p.nmarks, UINT32_MAX);
  s.look_cache.assign(p.looks.size() * (n + 1), -1);
  s.steps = 0;
  s.stack.clear();

  Vm vm(p, s, memo);
  uint32_t last = p.anchored ? 0 : static_cast<uint32_t>(n);
  for (uint32_t start = 0; start <= last; ++start) {
    if (!memo)
      std::fill(s.slots.begin(), s.slots.end(), UINT32_MAX);
    if (vm.Run(0, start, UINT32_MAX))
      return true;
  }
  return false;
}

}  // namespace flow::doc::schema

// SPDX-License-Identifier: Apache-2.0
// doc/schema/validator.cc: the evaluation engine over a compiled Program.
//
// Evaluation is recursive descent over (schema node, document node). It runs twice
// only for invalid documents: first a fast pass that stops at the first failure and
// tracks nothing it does not need (no instance paths, no messages), then, if errors
// are wanted, an error pass that visits every failing keyword and builds messages.
//
// Annotations go to a log of (tape index, ReduceSpec) in emission order; a tolerant
// context (anyOf/oneOf branch, if, not, contains item) truncates the log back to its
// mark when its subschema fails, so only annotations of successful paths survive.
// unevaluatedProperties/Items use bitsets of evaluated children (one bit per field or
// item) carved from a LIFO pool, merged into the parent's set on success.
#include "doc/schema/validator.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "doc/json.h"
#include "doc/pointer.h"
#include "doc/schema/program.h"

namespace flow::doc::schema {

using internal::Instr;
using internal::kNone;
using internal::Op;
using internal::Program;
using internal::SNode;

namespace {

constexpr uint32_t kMaxDepth = 512;

inline TypeSet TypeOfFast(const Node& n) {
  switch (n.type()) {
    case Type::kNull:
      return kTypeNull;
    case Type::kBool:
      return kTypeBoolean;
    case Type::kPosInt:
    case Type::kNegInt:
      return kTypeInteger;
    case Type::kDouble: {
      double d = n.as_double();
      return std::isfinite(d) && d == std::floor(d) ? kTypeInteger : kTypeFractional;
    }
    case Type::kString:
      return kTypeString;
    case Type::kArray:
      return kTypeArray;
    case Type::kObject:
      return kTypeObject;
  }
  return kTypeInvalid;
}

// Bytewise three-way comparison of property names, inlined: names are short and
// usually differ in their first bytes, where a memcmp call would dominate.
inline int NameCompare(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  const unsigned char* x = reinterpret_cast<const unsigned char*>(a.data());
  const unsigned char* y = reinterpret_cast<const unsigned char*>(b.data());
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i])
      return x[i] < y[i] ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

// Equality of two names of the same length, with word loads instead of a memcmp call.
inline bool SameLengthNameEq(const char* x, const char* y, size_t n) {
  if (n >= 8) {
    uint64_t u, v;
    for (size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&u, x + i, 8);
      std::memcpy(&v, y + i, 8);
      if (u != v)
        return false;
    }
    std::memcpy(&u, x + n - 8, 8);
    std::memcpy(&v, y + n - 8, 8);
    return u == v;
  }
  if (n >= 4) {
    uint32_t u, v, u2, v2;
    std::memcpy(&u, x, 4);
    std::memcpy(&v, y, 4);
    std::memcpy(&u2, x + n - 4, 4);
    std::memcpy(&v2, y + n - 4, 4);
    return u == v && u2 == v2;
  }
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i])
      return false;
  }
  return true;
}

// The instance compared to a numeric bound: <0, 0, >0; `unordered` for NaN. Integer
// instances against integer bounds (the common case) avoid the general path.
inline int CompareBound(const Node& n, const internal::Num& b, bool* unordered) {
  if (n.type() == Type::kPosInt && b.kind == internal::Num::kU) {
    *unordered = false;
    return n.as_u64() < b.u ? -1 : n.as_u64() > b.u ? 1 : 0;
  }
  if (n.type() == Type::kDouble && b.kind != internal::Num::kD) {
    double d = n.as_double();
    if (std::isnan(d)) {
      *unordered = true;
      return 0;
    }
    *unordered = false;
    double bd = b.kind == internal::Num::kU ? static_cast<double>(b.u) : static_cast<double>(b.i);
    // Exact when the bound is representable, which holds below 2^53.
    if (std::fabs(bd) < 9007199254740992.0)
      return d < bd ? -1 : d > bd ? 1 : 0;
  }
  return internal::CompareNum(n, b, unordered);
}

size_t CountCodePoints(std::string_view s);

// Checks a Leaf node: straight-line tests, no recursion.
inline bool CheckLeaf(const Program& p, const internal::Leaf& leaf, const Node& n) {
  using internal::Leaf;
  TypeSet t = TypeOfFast(n);
  if (!(leaf.types & t))
    return false;
  if (leaf.flags == 0)
    return true;
  if ((leaf.flags & (Leaf::kMin | Leaf::kMax)) && (t & kTypeNumber)) {
    bool unordered;
    if (leaf.flags & Leaf::kMin) {
      int c = CompareBound(n, leaf.min, &unordered);
      if (unordered || c < 0 || (c == 0 && (leaf.flags & Leaf::kExclusiveMin)))
        return false;
    }
    if (leaf.flags & Leaf::kMax) {
      int c = CompareBound(n, leaf.max, &unordered);
      if (unordered || c > 0 || (c == 0 && (leaf.flags & Leaf::kExclusiveMax)))
        return false;
    }
  }
  if (t == kTypeString && (leaf.flags & (Leaf::kLength | Leaf::kFormat))) {
    std::string_view s = n.as_string();
    if (leaf.flags & Leaf::kLength) {
      bool fits = s.size() <= leaf.max_length && s.size() / 4 >= leaf.min_length;
      if (!fits) {
        size_t cps = CountCodePoints(s);
        if (cps < leaf.min_length || cps > leaf.max_length)
          return false;
      }
    }
    if ((leaf.flags & Leaf::kFormat) && !ValidateFormat(leaf.format, s))
      return false;
  }
  if (leaf.flags & Leaf::kEnum) {
    for (uint32_t i = 0; i < leaf.enum_count; ++i) {
      if (internal::JsonEqual(n, p.values[leaf.enum_begin + i]))
        return true;
    }
    return false;
  }
  return true;
}

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

std::string Show(const Node& n) {
  std::string s = ToJson(n);
  if (s.size() > 100)
    s = s.substr(0, 97) + "...";
  return s;
}

std::string TypeList(TypeSet mask) {
  std::vector<std::string_view> names = TypeNames(mask);
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      out += i + 1 == names.size() ? " or " : ", ";
    out += '"';
    out += names[i];
    out += '"';
  }
  return out.empty() ? "(no type)" : out;
}

std::string Plural(uint64_t n, std::string_view what) {
  if (n == 1)
    return fmt::format("1 {}", what);
  if (what == "property")
    return fmt::format("{} properties", n);
  return fmt::format("{} {}s", n, what);
}

// Parses a decimal string (x-str-minimum/maximum); false if it is not a finite number.
bool ParseNumericString(std::string_view s, long double* out) {
  if (s.empty() || s.size() > 400)
    return false;
  char buf[408];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = 0;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
      return false;
    }
  }
  char* end = nullptr;
  long double v = std::strtold(buf, &end);
  if (end != buf + s.size() || !std::isfinite(v))
    return false;
  *out = v;
  return true;
}

long double NumAsLong(const internal::Num& n) {
  switch (n.kind) {
    case internal::Num::kU:
      return static_cast<long double>(n.u);
    case internal::Num::kI:
      return static_cast<long double>(n.i);
    case internal::Num::kD:
      return static_cast<long double>(n.d);
  }
  return 0;
}

}  // namespace

std::string Error::ToString() const {
  std::string out;
  AppendJsonString(instance, &out);
  out += ": ";
  out += message;
  return out;
}

struct Validator::Scratch {
  const Program* p = nullptr;
  bool collect = false;
  Tape* tape = nullptr;
  std::vector<std::pair<uint32_t, const ReduceSpec*>> ann;
  std::vector<uint32_t> scope;
  std::vector<uint64_t> pool;
  size_t pool_top = 0;
  uint32_t depth = 0;
  std::vector<Error>* errors = nullptr;
  size_t error_limit = 0;
  struct Tok {
    std::string_view prop;
    uint32_t index;
    bool is_index;
  };
  std::vector<Tok> path;
  std::vector<const Node*> sort_buf;
};

namespace {

struct Ev {
  uint32_t off = 0;
  uint32_t words = 0;
};

class Engine {
 public:
  explicit Engine(Validator::Scratch& s) : s_(s), p_(*s.p) {}

  template <bool E>
  bool Eval(uint32_t id, const Node& inst, uint32_t off, Ev* ev);

 private:
  // ---- Evaluated-children bitsets.
  Ev Alloc(uint32_t n) {
    Ev e;
    e.off = static_cast<uint32_t>(s_.pool_top);
    e.words = (n + 63) / 64;
    if (s_.pool.size() < s_.pool_top + e.words)
      s_.pool.resize((s_.pool_top + e.words) * 2);
    std::fill_n(s_.pool.data() + e.off, e.words, 0);
    s_.pool_top += e.words;
    return e;
  }
  void Mark(const Ev& e, uint32_t i) { s_.pool[e.off + (i >> 6)] |= uint64_t(1) << (i & 63); }
  bool Test(const Ev& e, uint32_t i) const { return (s_.pool[e.off + (i >> 6)] >> (i & 63)) & 1; }
  void Or(const Ev& dst, const Ev& src) {
    for (uint32_t w = 0; w < dst.words && w < src.words; ++w)
      s_.pool[dst.off + w] |= s_.pool[src.off + w];
  }
  void Copy(const Ev& dst, const Ev& src) {
    for (uint32_t w = 0; w < dst.words && w < src.words; ++w)
      s_.pool[dst.off + w] = s_.pool[src.off + w];
  }

  uint32_t NextOff(uint32_t child_off) const {
    return s_.collect ? child_off + (*s_.tape)[child_off].length : child_off;
  }

  // ---- Errors.
  bool Full() const { return s_.errors->size() >= s_.error_limit; }
  std::string PathString() const {
    std::string out;
    for (const auto& t : s_.path) {
      out += '/';
      if (t.is_index) {
        out += std::to_string(t.index);
      } else {
        out += EscapeToken(t.prop);
      }
    }
    return out;
  }
  void Err(uint32_t loc, std::string msg) {
    if (Full())
      return;
    s_.errors->push_back(Error{PathString(), p_.strings[loc], std::move(msg)});
  }
  void ErrAt(size_t pos, uint32_t loc, std::string msg) {
    if (Full())
      return;
    s_.errors->insert(s_.errors->begin() + static_cast<ptrdiff_t>(pos),
                      Error{PathString(), p_.strings[loc], std::move(msg)});
  }
  void PushProp(std::string_view name) { s_.path.push_back({name, 0, false}); }
  void PushIndex(uint32_t i) { s_.path.push_back({{}, i, true}); }
  void Pop() { s_.path.pop_back(); }

  std::string FalseMessage(const SNode& sn) const {
    std::string_view loc = p_.strings[sn.loc];
    size_t hash = loc.find('#');
    std::string_view ptr = hash == std::string_view::npos ? loc : loc.substr(hash + 1);
    size_t last = ptr.rfind('/');
    std::string_view tail = last == std::string_view::npos ? ptr : ptr.substr(last + 1);
    std::string_view parent;
    if (last != std::string_view::npos && last > 0) {
      size_t prev = ptr.rfind('/', last - 1);
      parent = ptr.substr(prev + 1, last - prev - 1);
    }
    std::string what;
    if (!s_.path.empty()) {
      const auto& t = s_.path.back();
      what = t.is_index ? fmt::format("item {}", t.index) : fmt::format("property \"{}\"", t.prop);
    }
    if (tail == "additionalProperties" || tail == "unevaluatedProperties" ||
        tail == "additionalItems" || tail == "unevaluatedItems" || tail == "items") {
      return fmt::format("unexpected {} ({} is false)", what.empty() ? "value" : what, tail);
    }
    if (parent == "properties" || parent == "patternProperties" || parent == "prefixItems" ||
        parent == "items") {
      return fmt::format("{} is not allowed (its schema is false)", what.empty() ? "value" : what);
    }
    return "no value is allowed here (the schema is false)";
  }

  template <bool E>
  bool Exec(const Instr& in, const Node& inst, uint32_t off, Ev* ev, const SNode& sn);

  template <bool E>
  bool Child(uint32_t node, const Node& v, uint32_t off, bool* ok) {
    if (!E) {
      uint32_t leaf = p_.nodes[node].leaf;
      if (leaf != UINT32_MAX) {
        if (CheckLeaf(p_, p_.leaves[leaf], v))
          return true;
        *ok = false;
        return false;
      }
    }
    bool r = Eval<E>(node, v, off, nullptr);
    if (!r)
      *ok = false;
    return r || (E && !Full());
  }

  Validator::Scratch& s_;
  const Program& p_;
};

template <bool E>
bool Engine::Eval(uint32_t id, const Node& inst, uint32_t off, Ev* ev) {
  const SNode& sn = p_.nodes[id];
  if (s_.collect && sn.reduce != nullptr)
    s_.ann.emplace_back(off, sn.reduce);
  if (sn.code_begin == sn.code_end)
    return true;
  if (!E && sn.leaf != UINT32_MAX)
    return CheckLeaf(p_, p_.leaves[sn.leaf], inst);
  if (s_.depth >= kMaxDepth) {
    if (E)
      Err(sn.loc,
          fmt::format("evaluation exceeds {} nested schemas (a recursive schema?)", kMaxDepth));
    return false;
  }
  ++s_.depth;
  bool pushed = false;
  if (p_.uses_dynamic_scope && s_.scope.back() != sn.resource) {
    s_.scope.push_back(sn.resource);
    pushed = true;
  }
  const TypeSet t = TypeOfFast(inst);
  Ev local;
  Ev* use = ev;
  size_t pool_mark = s_.pool_top;
  if (sn.unevaluated && (t & (kTypeObject | kTypeArray))) {
    local = Alloc(inst.size());
    use = &local;
  }
  bool ok = true;
  for (uint32_t pc = sn.code_begin; pc < sn.code_end; ++pc) {
    const Instr& in = p_.code[pc];
    if (!(in.applies & t))
      continue;
    if (!Exec<E>(in, inst, off, use, sn)) {
      ok = false;
      if (!E || Full())
        break;
    }
  }
  if (ok && ev != nullptr && use != ev)
    Or(*ev, local);
  s_.pool_top = pool_mark;
  if (pushed)
    s_.scope.pop_back();
  --s_.depth;
  return ok;
}

template <bool E>
bool Engine::Exec(const Instr& in, const Node& inst, uint32_t off, Ev* ev, const SNode& sn) {
  switch (in.op) {
    case Op::kFalse:
      if (E)
        Err(in.loc, FalseMessage(sn));
      return false;

    case Op::kType:
      if (in.a & TypeOfFast(inst))
        return true;
      if (E)
        Err(in.loc, fmt::format("{} is not of type {}", Show(inst), TypeList(in.a)));
      return false;

    case Op::kConst:
      if (internal::JsonEqual(inst, p_.values[in.a]))
        return true;
      if (E)
        Err(in.loc,
            fmt::format("{} is not equal to the constant {}", Show(inst), Show(p_.values[in.a])));
      return false;

    case Op::kEnum: {
      for (uint32_t i = 0; i < in.b; ++i) {
        if (internal::JsonEqual(inst, p_.values[in.a + i]))
          return true;
      }
      if (E) {
        std::string list = "[";
        for (uint32_t i = 0; i < in.b; ++i) {
          if (i > 0)
            list += ", ";
          list += Show(p_.values[in.a + i]);
          if (list.size() > 200) {
            list += ", ...";
            break;
          }
        }
        list += "]";
        Err(in.loc, fmt::format("{} is not one of {}", Show(inst), list));
      }
      return false;
    }

    case Op::kMinimum:
    case Op::kMaximum:
    case Op::kExclusiveMinimum:
    case Op::kExclusiveMaximum: {
      bool unordered;
      int c = CompareBound(inst, in.num, &unordered);
      bool ok = !unordered && (in.op == Op::kMinimum            ? c >= 0
                               : in.op == Op::kMaximum          ? c <= 0
                               : in.op == Op::kExclusiveMinimum ? c > 0
                                                                : c < 0);
      if (ok)
        return true;
      if (E) {
        std::string_view what = in.op == Op::kMinimum   ? "is less than the minimum of"
                                : in.op == Op::kMaximum ? "is greater than the maximum of"
                                : in.op == Op::kExclusiveMinimum
                                    ? "is less than or equal to the exclusive minimum of"
                                    : "is greater than or equal to the exclusive maximum of";
        Err(in.loc, fmt::format("{} {} {}", Show(inst), what, Show(in.num.ToNode())));
      }
      return false;
    }

    case Op::kMultipleOf: {
      bool ok;
      if (inst.is_integer() && in.num.kind == internal::Num::kU) {
        uint64_t v = inst.type() == Type::kPosInt
                         ? inst.as_u64()
                         : uint64_t(0) - static_cast<uint64_t>(inst.as_i64());
        ok = v % in.num.u == 0;
      } else {
        double m = in.num.kind == internal::Num::kU ? static_cast<double>(in.num.u) : in.num.d;
        double v = inst.as_double();
        double q = v / m;
        // An overflowing quotient falls back to the exact remainder.
        ok = std::isfinite(q) ? q == std::floor(q) : std::isfinite(v) && std::fmod(v, m) == 0;
      }
      if (ok)
        return true;
      if (E)
        Err(in.loc, fmt::format("{} is not a multiple of {}", Show(inst), Show(in.num.ToNode())));
      return false;
    }

    case Op::kMinLength: {
      std::string_view s = inst.as_string();
      if (s.size() / 4 >= in.a)
        return true;
      size_t n = CountCodePoints(s);
      if (n >= in.a)
        return true;
      if (E)
        Err(in.loc, fmt::format("{} has {}, fewer than the minLength of {}", Show(inst),
                                Plural(n, "character"), in.a));
      return false;
    }
    case Op::kMaxLength: {
      std::string_view s = inst.as_string();
      if (s.size() <= in.a)
        return true;
      size_t n = CountCodePoints(s);
      if (n <= in.a)
        return true;
      if (E)
        Err(in.loc, fmt::format("{} has {}, more than the maxLength of {}", Show(inst),
                                Plural(n, "character"), in.a));
      return false;
    }
    case Op::kPattern: {
      const auto& re = p_.patterns[in.a].re;
      if (re->Search(inst.as_string()))
        return true;
      if (E) {
        std::string pat;
        AppendJsonString(re->pattern(), &pat);
        Err(in.loc, fmt::format("{} does not match the pattern {}", Show(inst), pat));
      }
      return false;
    }
    case Op::kFormat: {
      auto f = static_cast<Format>(in.a);
      if (ValidateFormat(f, inst.as_string()))
        return true;
      if (E)
        Err(in.loc, fmt::format("{} is not a valid \"{}\" (format)", Show(inst), FormatName(f)));
      return false;
    }
    case Op::kXStrMinimum:
    case Op::kXStrMaximum: {
      long double v;
      bool ok = ParseNumericString(inst.as_string(), &v);
      if (ok)
        ok = in.op == Op::kXStrMinimum ? v >= NumAsLong(in.num) : v <= NumAsLong(in.num);
      if (ok)
        return true;
      if (E) {
        Err(in.loc,
            fmt::format("{} is not a number {} {}", Show(inst),
                        in.op == Op::kXStrMinimum ? "at least" : "at most", Show(in.num.ToNode())));
      }
      return false;
    }

    case Op::kMinItems:
      if (inst.size() >= in.a)
        return true;
      if (E)
        Err(in.loc, fmt::format("array has {}, fewer than the minItems of {}",
                                Plural(inst.size(), "item"), in.a));
      return false;
    case Op::kMaxItems:
      if (inst.size() <= in.a)
        return true;
      if (E)
        Err(in.loc, fmt::format("array has {}, more than the maxItems of {}",
                                Plural(inst.size(), "item"), in.a));
      return false;
    case Op::kUniqueItems: {
      auto items = inst.items();
      size_t n = items.size();
      size_t di = 0, dj = 0;
      bool dup = false;
      if (n <= 32) {
        for (size_t i = 0; i < n && !dup; ++i) {
          for (size_t j = i + 1; j < n; ++j) {
            if (internal::JsonEqual(items[i], items[j])) {
              dup = true, di = i, dj = j;
              break;
            }
          }
        }
      } else {
        auto& buf = s_.sort_buf;
        buf.clear();
        for (const Node& it : items)
          buf.push_back(&it);
        std::sort(buf.begin(), buf.end(), [](const Node* a, const Node* b) {
          int c = internal::JsonCompare(*a, *b);
          return c < 0 || (c == 0 && a < b);
        });
        for (size_t i = 1; i < n; ++i) {
          if (internal::JsonCompare(*buf[i - 1], *buf[i]) == 0) {
            dup = true;
            di = static_cast<size_t>(buf[i - 1] - items.data());
            dj = static_cast<size_t>(buf[i] - items.data());
            break;
          }
        }
      }
      if (!dup)
        return true;
      if (E)
        Err(in.loc,
            fmt::format("array items {} and {} are equal, but uniqueItems is true", di, dj));
      return false;
    }
    case Op::kItems: {
      auto items = inst.items();
      bool ok = true;
      uint32_t child_off = off + 1;
      for (uint32_t i = 0; i < items.size(); ++i) {
        uint32_t node = i < in.b ? p_.children[in.a + i] : in.c;
        if (node == kNone)
          break;
        if (E)
          PushIndex(i);
        bool go = Child<E>(node, items[i], child_off, &ok);
        if (E)
          Pop();
        if (!go)
          return false;
        if (ev)
          Mark(*ev, i);
        child_off = NextOff(child_off);
      }
      return ok;
    }
    case Op::kContains: {
      auto items = inst.items();
      const SNode& target = p_.nodes[in.a];
      bool need_all = ev != nullptr || in.c != kNone || (s_.collect && target.may_annotate);
      uint32_t matched = 0;
      uint32_t child_off = off + 1;
      for (uint32_t i = 0; i < items.size(); ++i) {
        size_t mark = s_.ann.size();
        if (Eval<false>(in.a, items[i], child_off, nullptr)) {
          ++matched;
          if (ev)
            Mark(*ev, i);
          if (!need_all && matched >= in.b)
            break;
        } else {
          s_.ann.resize(mark);
        }
        child_off = NextOff(child_off);
      }
      if (matched < in.b) {
        if (E) {
          if (in.d == in.loc) {
            Err(in.loc, "no array item matches the \"contains\" schema");
          } else {
            Err(in.d, fmt::format("{} the \"contains\" schema, fewer than the minContains of {}",
                                  matched == 1 ? "1 array item matches"
                                               : fmt::format("{} array items match", matched),
                                  in.b));
          }
        }
        return false;
      }
      if (in.c != kNone && matched > in.c) {
        if (E) {
          Err(in.e,
              fmt::format(
                  "{} array items match the \"contains\" schema, more than the maxContains of {}",
                  matched, in.c));
        }
        return false;
      }
      return true;
    }

    case Op::kMinProperties:
      if (inst.size() >= in.a)
        return true;
      if (E)
        Err(in.loc, fmt::format("object has {}, fewer than the minProperties of {}",
                                Plural(inst.size(), "property"), in.a));
      return false;
    case Op::kMaxProperties:
      if (inst.size() <= in.a)
        return true;
      if (E)
        Err(in.loc, fmt::format("object has {}, more than the maxProperties of {}",
                                Plural(inst.size(), "property"), in.a));
      return false;
    case Op::kRequired: {
      auto fields = inst.fields();
      size_t i = 0, nf = fields.size();
      bool ok = true;
      for (uint32_t j = 0; j < in.b; ++j) {
        std::string_view name = p_.names[in.a + j];
        while (i < nf && NameCompare(fields[i].name, name) < 0)
          ++i;
        if (i < nf && fields[i].name == name)
          continue;
        ok = false;
        if (!E)
          return false;
        Err(in.loc, fmt::format("missing required property \"{}\"", name));
      }
      return ok;
    }
    case Op::kProperties: {
      auto fields = inst.fields();
      const internal::Prop* props = p_.props.data() + in.a;
      const internal::Pattern* pats = p_.patterns.data() + in.c;
      bool ok = true;
      if (E && in.required > 0) {
        // Report missing properties first, in name order.
        for (uint32_t j = 0; j < in.b; ++j) {
          if (props[j].required && inst.Find(props[j].name) == nullptr) {
            ok = false;
            Err(in.required_loc, fmt::format("missing required property \"{}\"", props[j].name));
          }
        }
        if (Full())
          return false;
      }
      uint32_t j = 0;
      uint32_t required_seen = 0;
      uint32_t child_off = off + 1;
      for (uint32_t k = 0; k < fields.size(); ++k) {
        const Field& f = fields[k];
        bool matched = false;
        const internal::Prop* hit = nullptr;
        while (j < in.b) {
          // Fields usually match the schema's properties one for one.
          std::string_view pn = props[j].name;
          if (pn.size() == f.name.size() && SameLengthNameEq(pn.data(), f.name.data(), pn.size())) {
            hit = &props[j];
            break;
          }
          if (NameCompare(pn, f.name) < 0) {
            ++j;
            continue;
          }
          break;
        }
        if (E)
          PushProp(f.name);
        bool go = true;
        if (hit != nullptr) {
          required_seen += hit->required;
          if (!E && hit->leaf != UINT32_MAX) {
            matched = true;
            if (!CheckLeaf(p_, p_.leaves[hit->leaf], f.value))
              return false;
          } else if (hit->node != kNone) {
            matched = true;
            go = Child<E>(hit->node, f.value, child_off, &ok);
          }
        }
        for (uint32_t q = 0; go && q < in.d; ++q) {
          if (pats[q].re->Search(f.name)) {
            matched = true;
            go = Child<E>(pats[q].node, f.value, child_off, &ok);
          }
        }
        if (go && !matched && in.e != kNone) {
          matched = true;
          go = Child<E>(in.e, f.value, child_off, &ok);
        }
        if (E)
          Pop();
        if (!go)
          return false;
        if (matched && ev)
          Mark(*ev, k);
        child_off = NextOff(child_off);
      }
      if (!E && required_seen < in.required)
        return false;
      return ok;
    }
    case Op::kDependentRequired: {
      bool ok = true;
      for (uint32_t d = 0; d < in.b; ++d) {
        const internal::Dep& dep = p_.deps[in.a + d];
        if (inst.Find(dep.name) == nullptr)
          continue;
        for (uint32_t k = 0; k < dep.b; ++k) {
          std::string_view need = p_.names[dep.a + k];
          if (inst.Find(need) != nullptr)
            continue;
          ok = false;
          if (!E)
            return false;
          Err(in.loc,
              fmt::format("property \"{}\" is required when \"{}\" is present", need, dep.name));
        }
      }
      return ok;
    }
    case Op::kDependentSchemas: {
      bool ok = true;
      for (uint32_t d = 0; d < in.b; ++d) {
        const internal::Dep& dep = p_.deps[in.a + d];
        if (inst.Find(dep.name) == nullptr)
          continue;
        if (!Eval<E>(dep.a, inst, off, ev)) {
          ok = false;
          if (!E || Full())
            return false;
        }
      }
      return ok;
    }
    case Op::kPropertyNames: {
      bool ok = true;
      for (const Field& f : inst.fields()) {
        Node name = Node::StringRef(f.name);
        size_t mark = s_.ann.size();
        if (E)
          PushProp(f.name);
        bool r = Eval<E>(in.a, name, off, nullptr);
        if (E)
          Pop();
        s_.ann.resize(mark);  // property names are not document nodes
        if (!r) {
          ok = false;
          if (!E || Full())
            return false;
        }
      }
      return ok;
    }

    case Op::kRef:
      return Eval<E>(in.a, inst, off, ev);
    case Op::kDynamicRef: {
      uint32_t target = in.a;
      if (in.b != kNone) {
        for (uint32_t r : s_.scope) {
          bool found = false;
          for (auto [name, node] : p_.resources[r].dynamic_anchors) {
            if (name == in.b) {
              target = node;
              found = true;
              break;
            }
          }
          if (found)
            break;
        }
      }
      return Eval<E>(target, inst, off, ev);
    }
    case Op::kRecursiveRef: {
      uint32_t target = in.a;
      const SNode& t = p_.nodes[target];
      if (p_.resources[t.resource].recursive_anchor_node == target) {
        for (uint32_t r : s_.scope) {
          if (p_.resources[r].recursive_anchor_node != kNone) {
            target = p_.resources[r].recursive_anchor_node;
            break;
          }
        }
      }
      return Eval<E>(target, inst, off, ev);
    }
    case Op::kAllOf: {
      bool ok = true;
      for (uint32_t i = 0; i < in.b; ++i) {
        if (!Eval<E>(p_.children[in.a + i], inst, off, ev)) {
          ok = false;
          if (!E || Full())
            return false;
        }
      }
      return ok;
    }
    case Op::kAnyOf: {
      bool all = ev != nullptr || (s_.collect && in.d);
      size_t err_mark = E ? s_.errors->size() : 0;
      bool any = false;
      uint32_t n = inst.size();
      for (uint32_t i = 0; i < in.b; ++i) {
        size_t mark = s_.ann.size();
        size_t pool_mark = s_.pool_top;
        Ev tmp;
        if (ev)
          tmp = Alloc(n);
        bool r = Eval<E>(p_.children[in.a + i], inst, off, ev ? &tmp : nullptr);
        if (r) {
          any = true;
          if (ev)
            Or(*ev, tmp);
        } else {
          s_.ann.resize(mark);
        }
        s_.pool_top = pool_mark;
        if (r && !all)
          break;
      }
      if (any) {
        if (E)
          s_.errors->resize(err_mark);
        return true;
      }
      if (E)
        ErrAt(err_mark, in.loc, fmt::format("{} does not match any schema of anyOf", Show(inst)));
      return false;
    }
    case Op::kOneOf: {
      size_t err_mark = E ? s_.errors->size() : 0;
      uint32_t n = inst.size();
      uint32_t matched = 0, first = 0, second = 0;
      size_t pool_mark = s_.pool_top;
      Ev win;
      if (ev)
        win = Alloc(n);
      for (uint32_t i = 0; i < in.b; ++i) {
        size_t mark = s_.ann.size();
        size_t trial_mark = s_.pool_top;
        Ev tmp;
        if (ev)
          tmp = Alloc(n);
        bool r = Eval<E>(p_.children[in.a + i], inst, off, ev ? &tmp : nullptr);
        if (r) {
          (matched == 0 ? first : second) = i;
          ++matched;
          if (ev && matched == 1)
            Copy(win, tmp);
        } else {
          s_.ann.resize(mark);
        }
        s_.pool_top = trial_mark;
        if (matched > 1)
          break;
      }
      if (matched == 1 && ev)
        Or(*ev, win);
      s_.pool_top = pool_mark;
      if (matched == 1) {
        if (E)
          s_.errors->resize(err_mark);
        return true;
      }
      if (E) {
        if (matched == 0) {
          ErrAt(err_mark, in.loc, fmt::format("{} does not match any schema of oneOf", Show(inst)));
        } else {
          s_.errors->resize(err_mark);
          Err(in.loc, fmt::format("{} matches more than one schema of oneOf (#{} and #{}), but "
                                  "must match exactly one",
                                  Show(inst), first, second));
        }
      }
      return false;
    }
    case Op::kNot: {
      size_t mark = s_.ann.size();
      bool r = Eval<false>(in.a, inst, off, nullptr);
      s_.ann.resize(mark);
      if (!r)
        return true;
      if (E)
        Err(in.loc, fmt::format("{} must not match the \"not\" schema", Show(inst)));
      return false;
    }
    case Op::kIf: {
      size_t mark = s_.ann.size();
      size_t pool_mark = s_.pool_top;
      Ev tmp;
      if (ev)
        tmp = Alloc(inst.size());
      bool r = Eval<false>(in.a, inst, off, ev ? &tmp : nullptr);
      if (r) {
        if (ev)
          Or(*ev, tmp);
      } else {
        s_.ann.resize(mark);
      }
      s_.pool_top = pool_mark;
      uint32_t next = r ? in.b : in.c;
      if (next == kNone)
        return true;
      return Eval<E>(next, inst, off, ev);
    }
    case Op::kUnevaluatedProperties: {
      auto fields = inst.fields();
      bool ok = true;
      uint32_t child_off = off + 1;
      for (uint32_t k = 0; k < fields.size(); ++k) {
        if (!Test(*ev, k)) {
          if (E)
            PushProp(fields[k].name);
          bool go = Child<E>(in.a, fields[k].value, child_off, &ok);
          if (E)
            Pop();
          if (!go)
            return false;
          Mark(*ev, k);
        }
        child_off = NextOff(child_off);
      }
      return ok;
    }
    case Op::kUnevaluatedItems: {
      auto items = inst.items();
      bool ok = true;
      uint32_t child_off = off + 1;
      for (uint32_t k = 0; k < items.size(); ++k) {
        if (!Test(*ev, k)) {
          if (E)
            PushIndex(k);
          bool go = Child<E>(in.a, items[k], child_off, &ok);
          if (E)
            Pop();
          if (!go)
            return false;
          Mark(*ev, k);
        }
        child_off = NextOff(child_off);
      }
      return ok;
    }
  }
  return true;
}

void FillTape(const Node& n, Tape* tape) {
  size_t at = tape->size();
  tape->push_back(TapeEntry{nullptr, 1});
  if (n.is_array()) {
    for (const Node& c : n.items())
      FillTape(c, tape);
  } else if (n.is_object()) {
    for (const Field& f : n.fields())
      FillTape(f.value, tape);
  }
  (*tape)[at].length = static_cast<uint32_t>(tape->size() - at);
}

}  // namespace

namespace internal {

bool ValidateNode(const Program& program, uint32_t node, const Node& doc,
                  std::vector<Error>* errors) {
  Validator::Scratch s;
  s.p = &program;
  s.scope.assign(1, program.nodes[node].resource);
  Engine engine(s);
  if (engine.Eval<false>(node, doc, 0, nullptr))
    return true;
  if (errors != nullptr) {
    s.errors = errors;
    s.error_limit = errors->size() + 64;
    s.scope.assign(1, program.nodes[node].resource);
    engine.Eval<true>(node, doc, 0, nullptr);
  }
  return false;
}

}  // namespace internal

Validator::Validator(std::shared_ptr<const Schema> schema)
    : schema_(std::move(schema)), scratch_(std::make_unique<Scratch>()) {
  scratch_->p = &schema_->program();
}

Validator::~Validator() = default;

bool Validator::Validate(const Node& doc, Tape* tape, std::vector<Error>* errors) {
  Scratch& s = *scratch_;
  const Program& p = *s.p;
  s.collect = tape != nullptr && p.has_reduce;
  s.tape = tape;
  if (tape != nullptr) {
    tape->clear();
    FillTape(doc, tape);
  }
  s.ann.clear();
  s.scope.assign(1, p.nodes[p.root].resource);
  s.pool_top = 0;
  s.depth = 0;
  Engine engine(s);
  if (engine.Eval<false>(p.root, doc, 0, nullptr)) {
    if (s.collect) {
      for (const auto& [i, spec] : s.ann)
        (*tape)[i].reduce = spec;
    }
    return true;
  }
  if (errors != nullptr) {
    s.collect = false;
    s.errors = errors;
    size_t before = errors->size();
    s.error_limit = before + std::max<size_t>(max_errors_, 1);
    s.path.clear();
    s.ann.clear();
    s.scope.assign(1, p.nodes[p.root].resource);
    s.pool_top = 0;
    s.depth = 0;
    engine.Eval<true>(p.root, doc, 0, nullptr);
    if (errors->size() == before) {
      errors->push_back(Error{"", p.strings[p.nodes[p.root].loc], "document is invalid"});
    }
    s.errors = nullptr;
  }
  return false;
}

}  // namespace flow::doc::schema

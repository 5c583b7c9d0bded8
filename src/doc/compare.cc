// SPDX-License-Identifier: Apache-2.0
// doc/compare.cc: the JSON total order, with exact mixed integer/double comparison.
#include "doc/compare.h"

#include <cmath>
#include <cstring>

namespace flow::doc {
namespace {

// 2^63 and 2^64 are exact doubles; every double in [-2^63, 2^63) or [0, 2^64) truncates
// to an in-range integer without undefined behaviour.
constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

int Rank(Type t) {
  switch (t) {
    case Type::kNull:
      return 0;
    case Type::kBool:
      return 1;
    case Type::kPosInt:
    case Type::kNegInt:
    case Type::kDouble:
      return 2;
    case Type::kString:
      return 3;
    case Type::kArray:
      return 4;
    case Type::kObject:
      return 5;
  }
  return 6;
}

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareBytes(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0)
    return c < 0 ? -1 : 1;
  return Cmp(a.size(), b.size());
}

// `d` (not NaN) against the unsigned `u`.
int CompareDoubleU64(double d, uint64_t u) {
  if (d < 0)
    return -1;
  if (d >= kTwo64)
    return 1;
  double whole = std::trunc(d);
  uint64_t t = static_cast<uint64_t>(whole);
  if (t != u)
    return t < u ? -1 : 1;
  return d > whole ? 1 : 0;
}

// `d` (not NaN) against the signed `i`.
int CompareDoubleI64(double d, int64_t i) {
  if (d < -kTwo63)
    return -1;
  if (d >= kTwo63)
    return 1;
  double whole = std::trunc(d);  // toward zero, so d lies strictly within (t-1, t+1)
  int64_t t = static_cast<int64_t>(whole);
  if (t != i)
    return t < i ? -1 : 1;
  return Cmp(d, whole);
}

// `d` against an integer node.
int CompareDoubleInt(double d, const Node& n) {
  if (std::isnan(d))
    return -1;
  return n.type() == Type::kPosInt ? CompareDoubleU64(d, n.as_u64())
                                   : CompareDoubleI64(d, n.as_i64());
}

}  // namespace

int CompareNumbers(const Node& a, const Node& b) {
  Type ta = a.type(), tb = b.type();
  if (ta == Type::kDouble && tb == Type::kDouble) {
    double x = a.as_double(), y = b.as_double();
    bool nx = std::isnan(x), ny = std::isnan(y);
    if (nx || ny)
      return nx && ny ? 0 : (nx ? -1 : 1);
    return Cmp(x, y);
  }
  if (ta == Type::kDouble)
    return CompareDoubleInt(a.as_double(), b);
  if (tb == Type::kDouble)
    return -CompareDoubleInt(b.as_double(), a);
  if (ta != tb)
    return ta == Type::kNegInt ? -1 : 1;
  return ta == Type::kPosInt ? Cmp(a.as_u64(), b.as_u64()) : Cmp(a.as_i64(), b.as_i64());
}

int Compare(const Node& a, const Node& b) {
  int ra = Rank(a.type()), rb = Rank(b.type());
  if (ra != rb)
    return ra < rb ? -1 : 1;
  switch (a.type()) {
    case Type::kNull:
      return 0;
    case Type::kBool:
      return Cmp(a.as_bool(), b.as_bool());
    case Type::kPosInt:
    case Type::kNegInt:
    case Type::kDouble:
      return CompareNumbers(a, b);
    case Type::kString:
      return CompareBytes(a.as_string(), b.as_string());
    case Type::kArray: {
      auto x = a.items(), y = b.items();
      size_t n = x.size() < y.size() ? x.size() : y.size();
      for (size_t i = 0; i < n; ++i) {
        if (int c = Compare(x[i], y[i]); c != 0)
          return c;
      }
      return Cmp(x.size(), y.size());
    }
    case Type::kObject: {
      auto x = a.fields(), y = b.fields();
      size_t n = x.size() < y.size() ? x.size() : y.size();
      for (size_t i = 0; i < n; ++i) {
        if (int c = CompareBytes(x[i].name, y[i].name); c != 0)
          return c;
        if (int c = Compare(x[i].value, y[i].value); c != 0)
          return c;
      }
      return Cmp(x.size(), y.size());
    }
  }
  return 0;
}

bool Equal(const Node& a, const Node& b) {
  switch (a.type()) {
    case Type::kString:
      return b.is_string() && a.size() == b.size() && a.as_string() == b.as_string();
    case Type::kArray: {
      if (!b.is_array() || a.size() != b.size())
        return false;
      for (uint32_t i = 0; i < a.size(); ++i) {
        if (!Equal(a.items()[i], b.items()[i]))
          return false;
      }
      return true;
    }
    case Type::kObject: {
      if (!b.is_object() || a.size() != b.size())
        return false;
      for (uint32_t i = 0; i < a.size(); ++i) {
        const Field& x = a.fields()[i];
        const Field& y = b.fields()[i];
        if (x.name != y.name || !Equal(x.value, y.value))
          return false;
      }
      return true;
    }
    default:
      return Compare(a, b) == 0;
  }
}

int CompareKeys(const Node& doc_a, const Node& doc_b, std::span<const Pointer> key) {
  for (const Pointer& p : key) {
    const Node* a = p.Query(doc_a);
    const Node* b = p.Query(doc_b);
    if (a == nullptr || b == nullptr) {
      if (a != b)
        return a == nullptr ? -1 : 1;
      continue;
    }
    if (int c = Compare(*a, *b); c != 0)
      return c;
  }
  return 0;
}

}  // namespace flow::doc

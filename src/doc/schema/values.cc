// SPDX-License-Identifier: Apache-2.0
// doc/schema/values.cc: exact number comparison and JSON equality for the validator.
#include <cmath>

#include "doc/schema/program.h"

namespace flow::doc::schema::internal {

Num Num::Of(const Node& n) {
  Num r;
  switch (n.type()) {
    case Type::kPosInt:
      r.kind = kU, r.u = n.as_u64();
      break;
    case Type::kNegInt:
      r.kind = kI, r.i = n.as_i64();
      break;
    default:
      r.kind = kD, r.d = n.as_double();
      break;
  }
  return r;
}

Node Num::ToNode() const {
  switch (kind) {
    case kU:
      return Node::PosInt(u);
    case kI:
      return Node::Int(i);
    case kD:
      return Node::Double(d);
  }
  return Node();
}

namespace {

// long double holds every u64, i64 and double exactly on x86-64 (64-bit mantissa).
long double AsLong(const Node& n) {
  switch (n.type()) {
    case Type::kPosInt:
      return static_cast<long double>(n.as_u64());
    case Type::kNegInt:
      return static_cast<long double>(n.as_i64());
    default:
      return static_cast<long double>(n.as_double());
  }
}

int Sign(long double a, long double b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

int CompareNodes(const Node& a, const Node& b, bool* unordered) {
  *unordered = false;
  Type ta = a.type(), tb = b.type();
  if (ta == Type::kPosInt && tb == Type::kPosInt) {
    return a.as_u64() < b.as_u64() ? -1 : a.as_u64() > b.as_u64();
  }
  if (ta == Type::kNegInt && tb == Type::kNegInt) {
    return a.as_i64() < b.as_i64() ? -1 : a.as_i64() > b.as_i64();
  }
  if (ta == Type::kNegInt && tb == Type::kPosInt)
    return -1;
  if (ta == Type::kPosInt && tb == Type::kNegInt)
    return 1;
  if ((ta == Type::kDouble && std::isnan(a.as_double())) ||
      (tb == Type::kDouble && std::isnan(b.as_double()))) {
    *unordered = true;
    return 0;
  }
  return Sign(AsLong(a), AsLong(b));
}

int TypeRank(Type t) {
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

}  // namespace

int CompareNum(const Node& n, const Num& b, bool* unordered) {
  return CompareNodes(n, b.ToNode(), unordered);
}

bool JsonEqual(const Node& a, const Node& b) {
  int ra = TypeRank(a.type()), rb = TypeRank(b.type());
  if (ra != rb)
    return false;
  switch (a.type()) {
    case Type::kNull:
      return true;
    case Type::kBool:
      return a.as_bool() == b.as_bool();
    case Type::kPosInt:
    case Type::kNegInt:
    case Type::kDouble: {
      bool unordered;
      int c = CompareNodes(a, b, &unordered);
      if (unordered)
        return a.is_number() && b.is_number() && std::isnan(a.as_double()) &&
               std::isnan(b.as_double());
      return c == 0;
    }
    case Type::kString:
      return a.as_string() == b.as_string();
    case Type::kArray: {
      if (a.size() != b.size())
        return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!JsonEqual(a.items()[i], b.items()[i]))
          return false;
      }
      return true;
    }
    case Type::kObject: {
      if (a.size() != b.size())
        return false;
      for (size_t i = 0; i < a.size(); ++i) {
        const Field& fa = a.fields()[i];
        const Field& fb = b.fields()[i];
        if (fa.name != fb.name || !JsonEqual(fa.value, fb.value))
          return false;
      }
      return true;
    }
  }
  return false;
}

int JsonCompare(const Node& a, const Node& b) {
  int ra = TypeRank(a.type()), rb = TypeRank(b.type());
  if (ra != rb)
    return ra < rb ? -1 : 1;
  switch (a.type()) {
    case Type::kNull:
      return 0;
    case Type::kBool:
      return int(a.as_bool()) - int(b.as_bool());
    case Type::kPosInt:
    case Type::kNegInt:
    case Type::kDouble: {
      bool unordered;
      int c = CompareNodes(a, b, &unordered);
      if (!unordered)
        return c;
      bool na = a.type() == Type::kDouble && std::isnan(a.as_double());
      bool nb = b.type() == Type::kDouble && std::isnan(b.as_double());
      return na == nb ? 0 : na ? -1 : 1;  // NaN sorts first
    }
    case Type::kString: {
      int c = a.as_string().compare(b.as_string());
      return c < 0 ? -1 : c > 0;
    }
    case Type::kArray: {
      size_t n = std::min(a.size(), b.size());
      for (size_t i = 0; i < n; ++i) {
        int c = JsonCompare(a.items()[i], b.items()[i]);
        if (c != 0)
          return c;
      }
      return a.size() < b.size() ? -1 : a.size() > b.size();
    }
    case Type::kObject: {
      size_t n = std::min(a.size(), b.size());
      for (size_t i = 0; i < n; ++i) {
        const Field& fa = a.fields()[i];
        const Field& fb = b.fields()[i];
        int c = fa.name.compare(fb.name);
        if (c != 0)
          return c < 0 ? -1 : 1;
        c = JsonCompare(fa.value, fb.value);
        if (c != 0)
          return c;
      }
      return a.size() < b.size() ? -1 : a.size() > b.size();
    }
  }
  return 0;
}

}  // namespace flow::doc::schema::internal

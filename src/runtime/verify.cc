// SPDX-License-Identifier: Apache-2.0
// runtime/verify.cc: superset matching, numeric tolerance and failure reports.
#include "runtime/verify.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <fmt/format.h>

#include "doc/json.h"

namespace flow::runtime {

bool NumbersMatch(const doc::Node& a, const doc::Node& e) {
  if (doc::ToJson(a) == doc::ToJson(e))
    return true;
  double af = a.as_double(), ef = e.as_double();
  double scaled = DBL_EPSILON * std::max(std::fabs(af), std::fabs(ef));
  return std::fabs(af - ef) < scaled || af == ef;
}

bool SupersetMatch(const doc::Node& a, const doc::Node& e) {
  if (a.is_object() && e.is_object()) {
    for (const doc::Field& f : e.fields()) {
      const doc::Node* av = a.Find(f.name);
      if (av == nullptr || !SupersetMatch(*av, f.value))
        return false;
    }
    return true;
  }
  if (a.is_array() && e.is_array()) {
    if (a.size() != e.size())
      return false;
    for (uint32_t i = 0; i < a.size(); ++i) {
      if (!SupersetMatch(a.items()[i], e.items()[i]))
        return false;
    }
    return true;
  }
  if (a.is_number() && e.is_number())
    return NumbersMatch(a, e);
  if (a.type() != e.type())
    return false;
  switch (a.type()) {
    case doc::Type::kNull:
      return true;
    case doc::Type::kBool:
      return a.as_bool() == e.as_bool();
    case doc::Type::kString:
      return a.as_string() == e.as_string();
    default:
      return false;
  }
}

void MaskUuid(doc::Node& doc, const doc::Pointer& uuid_ptr, doc::Arena& arena) {
  if (uuid_ptr.empty() || uuid_ptr.Query(doc) == nullptr)
    return;
  *uuid_ptr.Create(doc, arena) = doc::Node::StringRef(kUuidMask);
}

std::vector<Mismatch> CompareDocuments(std::span<const doc::Node> actual,
                                       std::span<const doc::Node> expected) {
  std::vector<Mismatch> out;
  size_t common = std::min(actual.size(), expected.size());
  for (size_t i = 0; i < common; ++i) {
    if (!SupersetMatch(actual[i], expected[i])) {
      out.push_back({Mismatch::Kind::kMismatched, i, &actual[i], &expected[i]});
    }
  }
  for (size_t i = common; i < expected.size(); ++i) {
    out.push_back({Mismatch::Kind::kMissing, i, nullptr, &expected[i]});
  }
  for (size_t i = common; i < actual.size(); ++i) {
    out.push_back({Mismatch::Kind::kUnexpected, i, &actual[i], nullptr});
  }
  return out;
}

namespace {

void Describe(const doc::Node& a, const doc::Node& e, const std::string& ptr,
              std::vector<std::string>* out) {
  if (a.is_object() && e.is_object()) {
    for (const doc::Field& f : e.fields()) {
      std::string child = ptr + "/" + doc::EscapeToken(f.name);
      const doc::Node* av = a.Find(f.name);
      if (av == nullptr) {
        out->push_back(fmt::format("{}: missing, expected {}", child, doc::ToJson(f.value)));
      } else {
        Describe(*av, f.value, child, out);
      }
    }
    return;
  }
  if (a.is_array() && e.is_array()) {
    uint32_t n = std::min(a.size(), e.size());
    for (uint32_t i = 0; i < n; ++i) {
      Describe(a.items()[i], e.items()[i], fmt::format("{}/{}", ptr, i), out);
    }
    if (a.size() != e.size()) {
      out->push_back(fmt::format("{}: actual has {} items, expected {}", ptr.empty() ? "/" : ptr,
                                 a.size(), e.size()));
    }
    return;
  }
  if (!SupersetMatch(a, e)) {
    out->push_back(fmt::format("{}: actual {}, expected {}", ptr.empty() ? "/" : ptr,
                               doc::ToJson(a), doc::ToJson(e)));
  }
}

}  // namespace

std::vector<std::string> DescribeDifferences(const doc::Node& actual, const doc::Node& expected) {
  std::vector<std::string> out;
  Describe(actual, expected, "", &out);
  return out;
}

std::string RenderMismatches(const std::vector<Mismatch>& failures) {
  std::string out = "actual and expected document(s) did not match:\n";
  for (const Mismatch& m : failures) {
    switch (m.kind) {
      case Mismatch::Kind::kMismatched:
        out += fmt::format("mismatched document at index {}:\n", m.index);
        out += fmt::format("  actual:   {}\n", doc::ToJson(*m.actual));
        out += fmt::format("  expected: {}\n", doc::ToJson(*m.expected));
        for (const std::string& d : DescribeDifferences(*m.actual, *m.expected)) {
          out += fmt::format("    at {}\n", d);
        }
        break;
      case Mismatch::Kind::kMissing:
        out += fmt::format("missing expected document at index {}:\n", m.index);
        out += fmt::format("  {}\n", doc::ToJson(*m.expected));
        break;
      case Mismatch::Kind::kUnexpected:
        out += fmt::format("unexpected actual document at index {}:\n", m.index);
        out += fmt::format("  {}\n", doc::ToJson(*m.actual));
        break;
    }
  }
  return out;
}

}  // namespace flow::runtime

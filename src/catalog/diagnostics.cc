// SPDX-License-Identifier: Apache-2.0
// catalog/diagnostics.cc: collecting, ordering and rendering diagnostics.
#include "catalog/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace flow::catalog {

std::string FormatDiagnostic(const Diagnostic& d) {
  std::string out;
  if (d.resource != nullptr) {
    out += d.resource->display;
    if (d.mark.known()) {
      out += ':' + std::to_string(d.mark.line) + ':' + std::to_string(d.mark.column);
    }
    out += ": ";
  }
  if (d.severity == Severity::kWarning)
    out += "warning: ";
  out += d.message;
  out += '\n';
  if (d.resource != nullptr && d.mark.known()) {
    std::string_view line = d.resource->Line(d.mark.line);
    if (!line.empty()) {
      out += line;
      out += '\n';
      // Keep tabs so the caret lines up under the same column.
      for (uint32_t i = 0; i + 1 < d.mark.column && i < line.size(); ++i) {
        out += line[i] == '\t' ? '\t' : ' ';
      }
      out += "^\n";
    }
  }
  return out;
}

void Diagnostics::Add(Severity sev, const Resource* r, std::string_view pointer,
                      std::string message, At at) {
  Mark m;
  if (r != nullptr)
    m = at == At::kKey ? r->marks().KeyMark(pointer) : r->marks().ValueMark(pointer);
  AddAtMark(sev, r, m, std::move(message));
}

void Diagnostics::AddAtMark(Severity sev, const Resource* r, Mark mark, std::string message) {
  diags_.push_back(Diagnostic{sev, r, mark, std::move(message)});
  if (sev == Severity::kError)
    ++errors_;
}

std::vector<Diagnostic> Diagnostics::Sorted() const {
  std::vector<Diagnostic> out = diags_;
  auto key = [](const Diagnostic& d) {
    return std::make_tuple(d.resource ? d.resource->order + 1 : 0u, d.mark.line, d.mark.column);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return a.severity == b.severity && a.resource == b.resource && a.mark.line == b.mark.line &&
           a.mark.column == b.mark.column && a.message == b.message;
  };
  std::vector<Diagnostic> dedup;
  for (Diagnostic& d : out) {
    bool dup = false;
    // Duplicates are adjacent unless another message shares the location.
    for (size_t i = dedup.size(); i > 0 && !dup; --i) {
      const Diagnostic& p = dedup[i - 1];
      if (key(p) != key(d))
        break;
      dup = same(p, d);
    }
    if (!dup)
      dedup.push_back(std::move(d));
  }
  return dedup;
}

}  // namespace flow::catalog

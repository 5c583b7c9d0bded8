// SPDX-License-Identifier: Apache-2.0
// cli/catalog_diagnostics.cc: diagnostics to stderr.
#include "cli/catalog_diagnostics.h"

#include <cstdio>
#include <string>

#include <fmt/format.h>

namespace flow::cli {

size_t PrintCatalogDiagnostics(const catalog::Catalog& cat) {
  std::string out;
  for (const catalog::Diagnostic& d : cat.diagnostics.Sorted())
    out += catalog::FormatDiagnostic(d);
  size_t errors = cat.diagnostics.error_count();
  if (errors > 0) {
    out += fmt::format("flowctl: catalog has {} error{}\n", errors, errors == 1 ? "" : "s");
  }
  std::fwrite(out.data(), 1, out.size(), stderr);
  return errors;
}

}  // namespace flow::cli

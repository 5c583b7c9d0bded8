// SPDX-License-Identifier: Apache-2.0
// tests/fuzz/fuzz_catalog.cc: any bytes as a catalog file: diagnostics, never a crash.
//
// The input is served as /fuzz/flow.yaml from an in-memory file tree (it is also what
// /fuzz/schema.yaml and /fuzz/docs.json contain, so references to those exercise the
// schema and fixture paths); every other path is missing, so nothing on disk is read.
// Checks: loading terminates, every diagnostic renders, and every diagnostic that names
// a file has a line inside it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "catalog/bundle.h"
#include "catalog/catalog.h"
#include "doc/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  flow::catalog::LoadOptions options;
  options.display_base = "/fuzz";
  options.sqlite_step_budget = 200000;
  options.read_file = [&](const std::string& path) -> flow::Result<std::string> {
    if (path == "/fuzz/flow.yaml" || path == "/fuzz/schema.yaml" || path == "/fuzz/docs.json") {
      return text;
    }
    return flow::Status::NotFound("open {}: No such file or directory", path);
  };
  auto cat = flow::catalog::LoadCatalog("/fuzz/flow.yaml", options);
  for (const flow::catalog::Diagnostic& d : cat->diagnostics.Sorted()) {
    std::string rendered = flow::catalog::FormatDiagnostic(d);
    FLOW_CHECK(!rendered.empty() && rendered.back() == '\n', "diagnostic rendering");
    if (d.resource != nullptr && d.mark.known()) {
      size_t lines = 1;
      for (char c : d.resource->text)
        lines += c == '\n';
      FLOW_CHECK(d.mark.line <= lines + 1, "diagnostic line {} past the end ({} lines): {}",
                 d.mark.line, lines, d.message);
    }
  }
  if (!cat->diagnostics.has_errors()) {
    flow::doc::Arena arena;
    std::string bundle = flow::doc::ToJson(flow::catalog::BundleCatalog(*cat, arena));
    FLOW_CHECK(!bundle.empty(), "empty bundle");
  }
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
// catalog/testing.h: a test fixture that loads a catalog from files in a temporary directory.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "base/file.h"
#include "catalog/catalog.h"

namespace flow::catalog {

using Files = std::map<std::string, std::string>;

// Writes `files` (relative paths to contents) into a fresh directory; Load() loads a
// catalog from it with paths displayed relative to it, and Diags() renders the first
// line of each diagnostic ("file:line:col: message").
struct Fixture {
  explicit Fixture(const Files& files) : dir(std::move(ScopedTempDir::Create().value())) {
    for (const auto& [name, text] : files) {
      std::string path = dir.Join(name);
      REQUIRE(MakeDirs(path.substr(0, path.rfind('/'))).ok());
      REQUIRE(WriteFileAtomic(path, text).ok());
    }
  }

  const Catalog& Load(const std::string& root = "flow.yaml", LoadOptions options = {}) {
    options.display_base = dir.path();
    cat = LoadCatalog(dir.Join(root), options);
    return *cat;
  }

  std::string Diags() const {
    std::string out;
    for (const Diagnostic& d : cat->diagnostics.Sorted()) {
      std::string s = FormatDiagnostic(d);
      out += s.substr(0, s.find('\n')) + "\n";
    }
    return out;
  }

  ScopedTempDir dir;
  std::unique_ptr<Catalog> cat;
};

}  // namespace flow::catalog

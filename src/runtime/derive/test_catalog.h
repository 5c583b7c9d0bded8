// SPDX-License-Identifier: Apache-2.0
// runtime/derive/test_catalog.h: (tests only) loads a catalog from YAML text via a temp dir.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "base/file.h"
#include "catalog/catalog.h"

namespace flow::runtime::derive {

struct TestCatalog {
  std::optional<ScopedTempDir> tmp;
  std::unique_ptr<catalog::Catalog> cat;

  explicit TestCatalog(std::string_view yaml) {
    auto dir = ScopedTempDir::Create();
    REQUIRE(dir.ok());
    tmp.emplace(std::move(dir).value());
    std::string path = tmp->path() + "/flow.yaml";
    REQUIRE(WriteFileAtomic(path, yaml).ok());
    cat = catalog::LoadCatalog(path);
    for (const auto& d : cat->diagnostics.Sorted())
      MESSAGE(catalog::FormatDiagnostic(d));
    REQUIRE_FALSE(cat->diagnostics.has_errors());
  }

  const catalog::Collection& Collection(std::string_view name) const {
    const catalog::Collection* c = cat->FindCollection(name);
    REQUIRE(c != nullptr);
    return *c;
  }
};

}  // namespace flow::runtime::derive

// SPDX-License-Identifier: Apache-2.0
// cli/catalog_diagnostics.h: printing a loaded catalog's errors and warnings.
//
// Commands that load a catalog (check, raw bundle, test, develop, ...) print its
// diagnostics the same way: each as `file:line:col: message` plus the source line and a
// caret, warnings prefixed `warning:`, then a one-line summary when there are errors.
#pragma once

#include <cstddef>

#include "catalog/catalog.h"

namespace flow::cli {

/// Prints every diagnostic of `cat` to stderr in file order; returns the error count.
size_t PrintCatalogDiagnostics(const catalog::Catalog& cat);

}  // namespace flow::cli

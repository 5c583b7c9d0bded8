// SPDX-License-Identifier: Apache-2.0
// catalog/bundle.h: the resolved catalog as one self-contained JSON document (`raw bundle`).
//
// Every entity of every imported file is gathered under its top-level key; `import`
// is dropped; file references are replaced by their contents (SQL as strings,
// configs, resources and fixtures as JSON); schemas given by URL are inlined with the
// documents they reference bundled under `$defs` by absolute URL (each with `$id`),
// and relative `$ref`s are made absolute so the result resolves on its own.
// Objects are sorted by key, so the output is stable.
#pragma once

#include "catalog/catalog.h"
#include "doc/arena.h"
#include "doc/node.h"

namespace flow::catalog {

doc::Node BundleCatalog(const Catalog& catalog, doc::Arena& arena);

}  // namespace flow::catalog

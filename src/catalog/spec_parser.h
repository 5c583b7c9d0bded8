// SPDX-License-Identifier: Apache-2.0
// catalog/spec_parser.h: a catalog file's nodes into the model (collections, derivations,
// captures, materializations, tests, storage mappings), loading what they reference.
//
// Every model struct is strict (unknown keys are errors, as Flow's serde models are).
// Entities are appended to the Catalog in file order; LoadCatalog() sorts and validates
// them afterwards.
#pragma once

#include "catalog/catalog.h"
#include "catalog/loader.h"
#include "catalog/spec_reader.h"

namespace flow::catalog {

void ParseCatalogResource(Resource* resource, Loader* loader, Catalog* catalog, SpecReader* reader);

}  // namespace flow::catalog

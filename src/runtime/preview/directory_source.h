// SPDX-License-Identifier: Apache-2.0
// runtime/preview/directory_source.h: a data directory's current documents (written by
// `flowctl ingest`) as one preview transaction.
//
// Every collection the derivation reads is read committed (runtime/read/
// collection_reader.h) up to what is readable now. The documents of all of them are
// then run in publish order, by their UUID clocks (a tie keeps the collections'
// transform order and each journal's order), as Flow's readers interleave sources by
// clock; their flow_published_at is that clock. They form a single transaction, so the
// output is each derived key's partially reduced document. The documents' text is held
// in memory for the run.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"
#include "runtime/preview/preview.h"

namespace flow::runtime::preview {

/// Reads the sources of `derived` (a derivation of `catalog`) from data directory
/// `dir`. NotFound if `dir` does not exist; Corruption or IOError from the reads.
Result<std::unique_ptr<PreviewSource>> NewDirectorySource(const catalog::Collection& derived,
                                                          const std::string& dir);

}  // namespace flow::runtime::preview

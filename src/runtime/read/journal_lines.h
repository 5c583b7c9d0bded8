// SPDX-License-Identifier: Apache-2.0
// runtime/read/journal_lines.h: reading a journal of a data directory up to its write
// head, from any offset, while another process may be writing it.
//
// The index is loaded from the store listing plus the spool files (storage::
// LoadJournalIndex), and lines are read from fragment files, then spools. A writer can
// seal or persist a spool between the listing and the spool scan, leaving a transient
// gap in the index; the read then reloads the index and continues, so a read always
// reaches the write head it saw. Blocking file I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "storage/fragment_store.h"
#include "storage/journal_reader.h"

namespace flow::runtime::read {

using LineFn = std::function<Status(const storage::JournalLine&)>;

/// Emits the lines of `journal` from `*offset` (-1: the write head) up to its current
/// write head, or to `end_offset` if that is not 0; `*offset` ends past the last line
/// emitted (also when `emit` fails). A range no fragment covers any longer (deleted
/// fragments) is skipped with a warning.
Status ReadJournalLines(storage::FragmentStore& store, const std::string& spool_dir,
                        const std::string& journal, int64_t* offset, int64_t end_offset,
                        const LineFn& emit);

}  // namespace flow::runtime::read

// SPDX-License-Identifier: Apache-2.0
// runtime/read/journal_lines.cc: journal reads that survive concurrent rolls.
#include "runtime/read/journal_lines.h"

#include <ctime>

#include "base/log.h"
#include "storage/journal.h"

namespace flow::runtime::read {
namespace {

constexpr int kAttempts = 8;

}  // namespace

Status ReadJournalLines(storage::FragmentStore& store, const std::string& spool_dir,
                        const std::string& journal, int64_t* offset, int64_t end_offset,
                        const LineFn& emit) {
  for (int attempt = 0;; ++attempt) {
    FLOW_ASSIGN_OR_RETURN(storage::FragmentIndex index,
                          storage::LoadJournalIndex(store, spool_dir, journal));
    if (*offset == -1)
      *offset = index.EndOffset();
    const int64_t head =
        end_offset > 0 ? std::min(end_offset, index.EndOffset()) : index.EndOffset();
    if (*offset >= head)
      return Status::OK();
    storage::ReaderOptions ro;
    ro.offset = *offset;
    ro.end_offset = head;
    storage::JournalReader reader(&index, &store, ro);
    while (true) {
      FLOW_ASSIGN_OR_RETURN(std::optional<storage::JournalLine> line,
                            reader.Next(static_cast<int64_t>(std::time(nullptr))));
      if (!line)
        break;
      *offset = line->end;
      FLOW_TRY(emit(*line));
    }
    if (reader.offset() > *offset)
      *offset = reader.offset();  // an offset jump
    if (*offset >= head)
      return Status::OK();
    if (attempt + 1 == kAttempts) {
      FLOW_LOG_WARN("journal {}: no fragment covers offset {} (write head {}); skipping the rest",
                    journal, *offset, head);
      return Status::OK();
    }
  }
}

}  // namespace flow::runtime::read

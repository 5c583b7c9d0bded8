// SPDX-License-Identifier: Apache-2.0
// storage/journal_reader.h: reads a journal's lines from any offset, history from
// fragment files and then the spool tail, as the index lists them.
//
// The reader asks the FragmentIndex for the fragment covering its offset (§2.9) and
// reads it: persisted fragments are fetched from the store, decompressed as a stream
// (from their beginning, whatever the offset) and checked against the length and SHA-1
// in their names (Corruption otherwise); local fragments (spools) are read uncompressed
// from disk. It yields whole lines with their offsets. When it catches up with the write
// head, Next() returns nullopt; the caller waits for the journal to commit more (see
// Journal::AddObserver and tail_waker.h) and calls Next() again. Offset jumps over gaps
// (deleted or never-written ranges) are reported through jumps().
//
// Reading from an offset in the middle of a line yields the rest of that line first.
// A line may span adjacent fragments; at a gap its partial start is dropped with a
// warning. Not thread-safe: one reader per thread; the index must outlive the reader
// and only change between calls (the journal's thread).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/sha1.h"
#include "base/status.h"
#include "storage/fragment_file.h"
#include "storage/fragment_index.h"
#include "storage/fragment_store.h"

namespace flow::storage {

struct ReaderOptions {
  int64_t offset = 0;          ///< first offset to read; -1 means the current write head
  int64_t end_offset = 0;      ///< stop before this offset; 0 = unbounded
  int64_t begin_mod_time = 0;  ///< skip persisted fragments modified before (Unix s)
  bool verify_sums = true;     ///< check SHA-1 and length of fragments read whole
};

/// One line of a journal: `content` includes its '\n' and is valid until the next call
/// to Next(); [begin, end) are its journal offsets.
struct JournalLine {
  int64_t begin = 0;
  int64_t end = 0;
  std::string_view content;
};

class JournalReader {
 public:
  JournalReader(const FragmentIndex* index, FragmentStore* store, ReaderOptions options = {});

  /// The next line, or nullopt if none is readable yet (caught up with the write head,
  /// or waiting across a gap that may still be filled) or end_offset was reached.
  /// `now_unix` feeds the index's offset-jump rule. NotFound if a listed fragment
  /// vanished from the store, Corruption for damaged content, IOError for I/O.
  Result<std::optional<JournalLine>> Next(int64_t now_unix);

  /// Offset of the next byte to read (after the last returned line).
  int64_t offset() const { return offset_; }
  /// True once end_offset was reached.
  bool done() const { return options_.end_offset > 0 && offset_ >= options_.end_offset; }
  /// Number of offset jumps so far, and the last one as (from, to).
  int jumps() const { return jumps_; }
  std::pair<int64_t, int64_t> last_jump() const { return last_jump_; }

 private:
  // Appends more bytes to buf_; false if nothing is readable now.
  Result<bool> Fill(int64_t now_unix);
  Status OpenFragment(const IndexedFragment& f, int64_t offset);
  // Appends the fragment's next bytes; false once it is exhausted (and verified).
  Result<bool> FillFromFragment();
  Status FinishFragment();

  const FragmentIndex* index_;
  FragmentStore* store_;
  ReaderOptions options_;
  int64_t offset_ = 0;  // journal offset of buf_[pos_]

  std::string buf_;  // content from offset_ on; [0, pos_) was returned already
  size_t pos_ = 0;

  // The fragment being read.
  bool open_ = false;
  IndexedFragment frag_;
  int64_t frag_next_ = 0;  // journal offset of the next byte to take from the fragment
  // Persisted fragments: the compressed body, its decoder, and the sum of what it decoded.
  std::string body_;
  size_t body_pos_ = 0;
  bool body_finished_ = false;
  std::optional<FragmentDecoder> decoder_;
  // Decoder output not yet moved to buf_; on the heap so the decoder's pointer to it
  // survives moving the reader.
  std::unique_ptr<std::string> decoded_ = std::make_unique<std::string>();
  int64_t decoded_total_ = 0;  // bytes decoded since the fragment's begin
  std::optional<Sha1> sha_;

  int jumps_ = 0;
  std::pair<int64_t, int64_t> last_jump_{0, 0};
};

}  // namespace flow::storage

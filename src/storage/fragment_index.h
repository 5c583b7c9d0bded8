// SPDX-License-Identifier: Apache-2.0
// storage/fragment_index.h: CoverSet and FragmentIndex, which fragment serves an offset.
//
// Gazette's index semantics (spec §2.5, §2.9). A CoverSet holds a journal's fragments
// ordered by (begin, end) such that no member is fully covered by another, so begins
// and ends both strictly increase; partial overlaps are allowed. Adding prefers larger
// fragments: a fragment covered by a member is dropped, an identical one replaces it,
// and otherwise it replaces every member it covers. Smaller duplicates (races, replica
// uploads) are hidden but stay in the store.
//
// The FragmentIndex joins the remote set (store listings and our own uploads) with
// local fragments (spool files not yet persisted), and answers reads: the covering
// fragment with the most content after the offset, offset jumps over gaps, the write
// head. Not thread-safe: owned and used by one thread (the journal's).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "storage/fragment.h"

namespace flow::storage {

/// Uncompressed bytes of a fragment that still has a local file (a spool).
class LocalContent {
 public:
  virtual ~LocalContent() = default;
  /// Appends journal bytes [offset, offset + n) to *out. The range must lie within
  /// the fragment's committed content; Corruption or IOError otherwise.
  virtual Status ReadAt(int64_t offset, int64_t n, std::string* out) const = 0;
};

/// An index member: the Fragment, plus its local content if it has any.
struct IndexedFragment {
  Fragment fragment;
  std::shared_ptr<const LocalContent> local;  ///< null for remote-only fragments
};

class CoverSet {
 public:
  CoverSet() = default;

  /// Adds `f` under the rules above. Empty fragments (begin == end) are ignored.
  /// Returns true if the set changed (including replacement by an identical range).
  bool Add(IndexedFragment f);
  bool Add(Fragment f) { return Add(IndexedFragment{std::move(f), nullptr}); }

  /// Gazette's LongestOverlappingFragment: the index of the first member whose end is
  /// past `offset`, stepped forward while the next member also begins at or before it,
  /// so that it is the covering member with the most content after `offset`. `found`
  /// says whether that member begins at or before `offset`; if not, the index is that of
  /// the next member beginning after `offset` (or size() if there is none).
  std::pair<size_t, bool> LongestOverlapping(int64_t offset) const;

  /// Begin of the first member and end of the last; 0 for an empty set.
  int64_t BeginOffset() const { return items_.empty() ? 0 : items_.front().fragment.begin; }
  int64_t EndOffset() const { return items_.empty() ? 0 : items_.back().fragment.end; }

  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const IndexedFragment& operator[](size_t i) const { return items_[i]; }
  std::vector<IndexedFragment>::const_iterator begin() const { return items_.begin(); }
  std::vector<IndexedFragment>::const_iterator end() const { return items_.end(); }

 private:
  std::vector<IndexedFragment> items_;
};

/// Members of `a` not covered by `b`, where `b` may cover one member of `a` through
/// several overlapping or adjacent fragments.
CoverSet CoverSetDifference(const CoverSet& a, const CoverSet& b);

/// When nothing covers a read offset but a later persisted fragment exists that was
/// modified at least this long ago, the read jumps forward to it (spec §2.9).
inline constexpr int64_t kOffsetJumpAgeSeconds = 6 * 3600;

struct IndexQueryResult {
  /// False means OFFSET_NOT_YET_AVAILABLE: nothing covers `offset` yet.
  bool found = false;
  /// The effective offset: the request, or where an offset jump or a begin_mod_time skip
  /// moved it.
  int64_t offset = 0;
  int64_t write_head = 0;
  IndexedFragment fragment;  ///< set when found
};

class FragmentIndex {
 public:
  /// Adds or grows a local fragment (a spool's content after each commit; a sealed spool).
  void AddLocal(const Fragment& fragment, std::shared_ptr<const LocalContent> content);
  /// Adds a persisted fragment (after our own upload). Local fragments it covers are
  /// dropped from the local set; the remote entry replaces them in the full set.
  void AddRemote(const Fragment& fragment);
  /// Replaces the remote view with a full listing; local fragments the listing now
  /// covers are dropped, the rest are added back (Gazette's ReplaceRemote).
  void ReplaceRemote(CoverSet remote);

  /// Finds the fragment to read `offset` from (-1 means the write head). `now_unix`
  /// drives the 6-hour offset-jump rule; fragments persisted before `begin_mod_time`
  /// (Unix seconds; 0 = no bound) are skipped over.
  IndexQueryResult Query(int64_t offset, int64_t now_unix, int64_t begin_mod_time = 0) const;

  /// The write head: the end of the last fragment (0 when empty).
  int64_t EndOffset() const { return set_.EndOffset(); }
  int64_t BeginOffset() const { return set_.BeginOffset(); }
  const CoverSet& set() const { return set_; }
  const CoverSet& local() const { return local_; }

 private:
  CoverSet set_;    // local and remote
  CoverSet local_;  // fragments that have local content
};

}  // namespace flow::storage

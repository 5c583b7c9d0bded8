// SPDX-License-Identifier: Apache-2.0
// storage/fragment_index.cc: cover-set maintenance and index queries.
#include "storage/fragment_index.h"

#include <algorithm>

namespace flow::storage {

bool CoverSet::Add(IndexedFragment f) {
  const int64_t begin = f.fragment.begin;
  const int64_t end = f.fragment.end;
  if (begin >= end)
    return false;
  // Only the first member ending at or after `end` can cover f: earlier members end
  // before it, later ones begin after this one.
  auto covering =
      std::lower_bound(items_.begin(), items_.end(), end,
                       [](const IndexedFragment& m, int64_t e) { return m.fragment.end < e; });
  if (covering != items_.end() && covering->fragment.begin <= begin) {
    if (covering->fragment.begin == begin && covering->fragment.end == end) {
      *covering = std::move(f);  // identical range: the newer record wins
      return true;
    }
    return false;
  }
  // Replace the run of members that f covers: they begin at or after `begin` and end
  // at or before `end`, and are contiguous because begins and ends both increase.
  auto lo =
      std::lower_bound(items_.begin(), items_.end(), begin,
                       [](const IndexedFragment& m, int64_t b) { return m.fragment.begin < b; });
  auto hi = lo;
  while (hi != items_.end() && hi->fragment.end <= end)
    ++hi;
  lo = items_.erase(lo, hi);
  items_.insert(lo, std::move(f));
  return true;
}

std::pair<size_t, bool> CoverSet::LongestOverlapping(int64_t offset) const {
  auto it =
      std::upper_bound(items_.begin(), items_.end(), offset,
                       [](int64_t o, const IndexedFragment& m) { return o < m.fragment.end; });
  size_t ind = static_cast<size_t>(it - items_.begin());
  if (ind == items_.size() || items_[ind].fragment.begin > offset)
    return {ind, false};
  while (ind + 1 < items_.size() && items_[ind + 1].fragment.begin <= offset)
    ++ind;
  return {ind, true};
}

CoverSet CoverSetDifference(const CoverSet& a, const CoverSet& b) {
  CoverSet out;
  for (const IndexedFragment& f : a) {
    int64_t offset = f.fragment.begin;
    bool covered = false;
    while (true) {
      auto [ind, found] = b.LongestOverlapping(offset);
      if (!found)
        break;
      offset = b[ind].fragment.end;
      if (offset >= f.fragment.end) {
        covered = true;
        break;
      }
    }
    if (!covered)
      out.Add(f);
  }
  return out;
}

void FragmentIndex::AddLocal(const Fragment& fragment,
                             std::shared_ptr<const LocalContent> content) {
  set_.Add(IndexedFragment{fragment, content});
  local_.Add(IndexedFragment{fragment, std::move(content)});
}

void FragmentIndex::AddRemote(const Fragment& fragment) {
  CoverSet just_this;
  just_this.Add(fragment);
  local_ = CoverSetDifference(local_, just_this);
  set_.Add(fragment);
}

void FragmentIndex::ReplaceRemote(CoverSet remote) {
  local_ = CoverSetDifference(local_, remote);
  for (const IndexedFragment& f : local_)
    remote.Add(f);
  set_ = std::move(remote);
}

IndexQueryResult FragmentIndex::Query(int64_t offset, int64_t now_unix,
                                      int64_t begin_mod_time) const {
  IndexQueryResult r;
  r.offset = offset == -1 ? set_.EndOffset() : offset;
  r.write_head = set_.EndOffset();
  while (true) {
    auto [ind, found] = set_.LongestOverlapping(r.offset);
    // Nothing covers the offset, but a later persisted fragment exists: jump to it if
    // the reader is before all retained data, or the gap is old enough that it will
    // never be filled (and is not an upload still in flight).
    if (!found && ind < set_.size() && set_[ind].fragment.mod_time != 0 &&
        (ind == 0 || set_[ind].fragment.mod_time < now_unix - kOffsetJumpAgeSeconds)) {
      r.offset = set_[ind].fragment.begin;
      found = true;
    }
    if (!found)
      return r;
    const Fragment& f = set_[ind].fragment;
    if (f.mod_time != 0 && f.mod_time < begin_mod_time) {
      r.offset = f.end;
      continue;
    }
    r.found = true;
    r.fragment = set_[ind];
    return r;
  }
}

}  // namespace flow::storage

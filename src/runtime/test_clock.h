// SPDX-License-Identifier: Apache-2.0
// runtime/test_clock.h: per-journal progress clocks used to schedule test steps.
//
// A clock maps a journal name to an offset. In the test runtime a "journal" is one
// logical partition of a collection and an offset counts the documents written to it.
// Read clocks name a transform's read of a journal as "<journal>;<transform>".
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace flow::runtime {

class Clock {
 public:
  using Offsets = std::map<std::string, uint64_t, std::less<>>;

  const Offsets& offsets() const { return offsets_; }
  uint64_t Get(std::string_view journal) const;
  void Set(std::string journal, uint64_t offset) { offsets_[std::move(journal)] = offset; }

  /// Raises each journal's offset to the maximum of this and `other`.
  void ReduceMax(const Clock& other);
  /// True if every journal of `other` is at or below this clock's offset for it.
  bool Contains(const Clock& other) const;

 private:
  Offsets offsets_;
};

}  // namespace flow::runtime

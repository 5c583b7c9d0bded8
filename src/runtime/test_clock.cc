// SPDX-License-Identifier: Apache-2.0
// runtime/test_clock.cc: clock reductions and containment.
#include "runtime/test_clock.h"

#include <algorithm>

namespace flow::runtime {

uint64_t Clock::Get(std::string_view journal) const {
  auto it = offsets_.find(journal);
  return it == offsets_.end() ? 0 : it->second;
}

void Clock::ReduceMax(const Clock& other) {
  for (const auto& [journal, offset] : other.offsets_) {
    auto [it, inserted] = offsets_.emplace(journal, offset);
    if (!inserted)
      it->second = std::max(it->second, offset);
  }
}

bool Clock::Contains(const Clock& other) const {
  for (const auto& [journal, offset] : other.offsets_) {
    if (Get(journal) < offset)
      return false;
  }
  return true;
}

}  // namespace flow::runtime

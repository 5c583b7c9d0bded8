// SPDX-License-Identifier: Apache-2.0
// doc/arena.cc: block management for Arena.
#include "doc/arena.h"

#include <cstdlib>
#include <new>

namespace flow::doc {

Arena::~Arena() {
  for (Block& b : blocks_)
    std::free(b.data);
}

void* Arena::AllocateSlow(size_t n, size_t align) {
  // Large requests get a block of their own so the current block keeps its tail.
  size_t size = block_size_;
  if (n + align > block_size_ / 4)
    size = n + align;
  char* data = static_cast<char*>(std::malloc(size));
  if (data == nullptr)
    throw std::bad_alloc();
  blocks_.push_back(Block{data, size});
  held_ += size;
  uintptr_t p = (reinterpret_cast<uintptr_t>(data) + (align - 1)) & ~(uintptr_t)(align - 1);
  if (size == block_size_ || ptr_ == nullptr) {
    ptr_ = reinterpret_cast<char*>(p + n);
    end_ = data + size;
  }
  return reinterpret_cast<void*>(p);
}

void Arena::Reset() {
  if (blocks_.empty())
    return;
  // Keep the first regular-sized block.
  size_t keep = blocks_.size();
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (blocks_[i].size == block_size_) {
      keep = i;
      break;
    }
  }
  Block kept{nullptr, 0};
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (i == keep) {
      kept = blocks_[i];
    } else {
      std::free(blocks_[i].data);
    }
  }
  blocks_.clear();
  held_ = 0;
  ptr_ = end_ = nullptr;
  if (kept.data != nullptr) {
    blocks_.push_back(kept);
    held_ = kept.size;
    ptr_ = kept.data;
    end_ = kept.data + kept.size;
  }
}

}  // namespace flow::doc

// SPDX-License-Identifier: Apache-2.0
// doc/arena.h: a bump allocator that owns every node and string of a set of documents.
//
// Allocation is a pointer bump in the current block; nothing is freed individually.
// Reset() keeps the first block for reuse and frees the rest. bytes() is the real
// memory held (block sizes), which the combiner uses for its memory bound.
// Not thread-safe; an Arena belongs to one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace flow::doc {

class Arena {
 public:
  explicit Arena(size_t block_size = 64 * 1024) : block_size_(block_size) {}
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* Allocate(size_t n, size_t align = alignof(std::max_align_t)) {
    uintptr_t p = (reinterpret_cast<uintptr_t>(ptr_) + (align - 1)) & ~(uintptr_t)(align - 1);
    if (p + n > reinterpret_cast<uintptr_t>(end_) || ptr_ == nullptr) {
      return AllocateSlow(n, align);
    }
    ptr_ = reinterpret_cast<char*>(p + n);
    return reinterpret_cast<void*>(p);
  }

  template <typename T>
  T* AllocateArray(size_t n) {
    if (n == 0)
      return nullptr;
    return static_cast<T*>(Allocate(sizeof(T) * n, alignof(T)));
  }

  /// Copies `s` into the arena; the view stays valid until Reset() or destruction.
  std::string_view CopyString(std::string_view s) {
    if (s.empty())
      return std::string_view();
    char* p = static_cast<char*>(Allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return std::string_view(p, s.size());
  }

  /// Bytes of memory held by the arena's blocks.
  size_t bytes() const { return held_; }
  /// Frees all but the first block and rewinds.
  void Reset();

 private:
  void* AllocateSlow(size_t n, size_t align);

  struct Block {
    char* data;
    size_t size;
  };
  size_t block_size_;
  std::vector<Block> blocks_;
  char* ptr_ = nullptr;
  char* end_ = nullptr;
  size_t held_ = 0;
};

}  // namespace flow::doc

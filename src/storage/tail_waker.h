// SPDX-License-Identifier: Apache-2.0
// storage/tail_waker.h: wakes a libuv loop callback when a journal commits, so live
// readers (`collections read --follow`, derivations) tail without polling.
//
// The waker registers a Journal observer that signals a uv_async_t; libuv coalesces
// signals, so a burst of commits becomes one callback on the next loop iteration,
// outside the Append() that caused it (readers never run re-entrantly inside an
// append). The callback then drains its JournalReader until Next() returns nullopt.
//
// Lifetime: create and destroy on the loop thread. Destroy the waker before the Journal
// and before the UvLoop; its handle is freed by libuv's close callback, which the next
// loop run (or UvLoop's destructor) delivers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <uv.h>

#include "base/status.h"
#include "storage/journal.h"

namespace flow::storage {

class TailWaker {
 public:
  /// `on_commit` runs on the loop thread after one or more commits to `journal`.
  static Result<std::unique_ptr<TailWaker>> Create(uv_loop_t* loop, Journal* journal,
                                                   std::function<void()> on_commit);
  ~TailWaker();
  TailWaker(const TailWaker&) = delete;
  TailWaker& operator=(const TailWaker&) = delete;

  /// Signals the callback as if a commit happened (e.g. to drain a reader right away).
  void Wake();

 private:
  TailWaker() = default;
  static void OnAsync(uv_async_t* handle) noexcept;

  uv_async_t* async_ = nullptr;  // owned by libuv until its close callback frees it
  Journal* journal_ = nullptr;
  uint64_t observer_ = 0;
  std::function<void()> on_commit_;
};

}  // namespace flow::storage

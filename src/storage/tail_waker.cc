// SPDX-License-Identifier: Apache-2.0
// storage/tail_waker.cc: journal commit notifications delivered through uv_async_t.
#include "storage/tail_waker.h"

#include "base/uv_loop.h"

namespace flow::storage {

Result<std::unique_ptr<TailWaker>> TailWaker::Create(uv_loop_t* loop, Journal* journal,
                                                     std::function<void()> on_commit) {
  std::unique_ptr<TailWaker> waker(new TailWaker());
  auto* async = new uv_async_t;
  if (int rc = uv_async_init(loop, async, &TailWaker::OnAsync); rc != 0) {
    delete async;
    return FromUv(rc).Annotate("creating a journal tail waker");
  }
  async->data = waker.get();
  waker->async_ = async;
  waker->journal_ = journal;
  waker->on_commit_ = std::move(on_commit);
  waker->observer_ = journal->AddObserver([async](const Journal&) { uv_async_send(async); });
  return waker;
}

TailWaker::~TailWaker() {
  journal_->RemoveObserver(observer_);
  async_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(async_),
           [](uv_handle_t* h) noexcept { delete reinterpret_cast<uv_async_t*>(h); });
}

void TailWaker::Wake() {
  uv_async_send(async_);
}

void TailWaker::OnAsync(uv_async_t* handle) noexcept {
  auto* self = static_cast<TailWaker*>(handle->data);
  if (self != nullptr && self->on_commit_)
    self->on_commit_();
}

}  // namespace flow::storage

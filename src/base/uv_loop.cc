// SPDX-License-Identifier: Apache-2.0
// base/uv_loop.cc: UvLoop shutdown and the libuv error mapping.
#include "base/uv_loop.h"

#include "base/check.h"

namespace flow {
namespace {

void CloseIfOpen(uv_handle_t* handle, void* /*arg*/) noexcept {
  if (!uv_is_closing(handle))
    uv_close(handle, nullptr);
}

}  // namespace

Status FromUv(int rc) {
  if (rc >= 0)
    return Status::OK();
  switch (rc) {
    case UV_ENOENT:
      return Status::NotFound("uv: {} ({})", uv_strerror(rc), uv_err_name(rc));
    case UV_ECANCELED:
      return Status::Cancelled("uv: {} ({})", uv_strerror(rc), uv_err_name(rc));
    case UV_EINVAL:
      return Status::InvalidArgument("uv: {} ({})", uv_strerror(rc), uv_err_name(rc));
    case UV_ENOTSUP:
    case UV_ENOSYS:
      return Status::Unsupported("uv: {} ({})", uv_strerror(rc), uv_err_name(rc));
    default:
      return Status::IOError("uv: {} ({})", uv_strerror(rc), uv_err_name(rc));
  }
}

Result<UvLoop> UvLoop::Create() {
  auto loop = std::make_unique<uv_loop_t>();
  if (int rc = uv_loop_init(loop.get()); rc != 0) {
    return FromUv(rc).Annotate("uv_loop_init");
  }
  return UvLoop(std::move(loop));
}

UvLoop& UvLoop::operator=(UvLoop&& other) noexcept {
  if (this != &other) {
    Shutdown();
    loop_ = std::move(other.loop_);
  }
  return *this;
}

UvLoop::~UvLoop() {
  Shutdown();
}

void UvLoop::Shutdown() {
  if (!loop_)
    return;
  // Close callbacks may open (and must then close) further handles, so repeat until
  // the loop has nothing left; a few rounds is plenty for any sane shutdown.
  int rc = UV_EBUSY;
  for (int round = 0; round < 8 && rc == UV_EBUSY; ++round) {
    uv_walk(loop_.get(), &CloseIfOpen, nullptr);
    uv_run(loop_.get(), UV_RUN_DEFAULT);
    rc = uv_loop_close(loop_.get());
  }
  FLOW_CHECK(rc == 0, "uv_loop_close: {}", FromUv(rc).ToString());
  loop_.reset();
}

}  // namespace flow

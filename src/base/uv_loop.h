// SPDX-License-Identifier: Apache-2.0
// base/uv_loop.h: an owned libuv loop that shuts down cleanly, and libuv → Status.
//
// flowctl runs one loop (see runtime/); everything registered on it runs on the loop
// thread. Callbacks handed to libuv must be noexcept, since unwinding through libuv's
// C frames is undefined.
#pragma once

#include <memory>

#include <uv.h>

#include "base/status.h"

namespace flow {

/// Converts a libuv return code: >= 0 is OK, a negative errno becomes a Status whose
/// message is "uv: <uv_strerror> (<uv_err_name>)". Codes: UV_ENOENT NotFound,
/// UV_ECANCELED Cancelled, UV_EINVAL InvalidArgument, UV_ENOTSUP/UV_ENOSYS
/// Unsupported, anything else IOError.
Status FromUv(int rc);

/// Owns a uv_loop_t. Destruction closes every handle still open (without a close
/// callback), runs the loop until those closes and any in-flight requests finish,
/// then closes the loop, which must succeed (FLOW_CHECK). So handles left open must
/// still be valid memory when the UvLoop is destroyed: declare them before it, or
/// close and free them yourself first. Movable (the loop lives on the heap, so handle
/// pointers to it stay valid); use only from the thread that runs it.
class UvLoop {
 public:
  /// IOError etc. via FromUv() if uv_loop_init fails.
  static Result<UvLoop> Create();

  UvLoop(UvLoop&&) noexcept = default;
  UvLoop& operator=(UvLoop&& other) noexcept;
  UvLoop(const UvLoop&) = delete;
  UvLoop& operator=(const UvLoop&) = delete;
  ~UvLoop();

  uv_loop_t* get() const { return loop_.get(); }
  /// uv_run(); returns true if handles or requests are still active afterwards.
  bool Run(uv_run_mode mode = UV_RUN_DEFAULT) { return uv_run(loop_.get(), mode) != 0; }

 private:
  explicit UvLoop(std::unique_ptr<uv_loop_t> loop) : loop_(std::move(loop)) {}
  void Shutdown();

  std::unique_ptr<uv_loop_t> loop_;  // null once moved from
};

}  // namespace flow

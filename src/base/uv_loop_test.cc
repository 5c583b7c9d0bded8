// SPDX-License-Identifier: Apache-2.0
// base/uv_loop_test.cc: UvLoop in libuv's test style: count callbacks, run, close.
#include "base/uv_loop.h"

#include <doctest/doctest.h>

namespace flow {
namespace {

struct TimerState {
  int ticks = 0;
  int closes = 0;
  uv_timer_t timer;
};

void OnTick(uv_timer_t* t) noexcept {
  auto* st = static_cast<TimerState*>(t->data);
  if (++st->ticks == 3) {
    uv_close(reinterpret_cast<uv_handle_t*>(t),
             [](uv_handle_t* h) noexcept { static_cast<TimerState*>(h->data)->closes++; });
  }
}

TEST_CASE("uv_loop: a repeating timer fires until closed, then the loop closes") {
  TimerState st;
  {
    auto loop = UvLoop::Create();
    REQUIRE(loop.ok());
    REQUIRE(uv_timer_init(loop->get(), &st.timer) == 0);
    st.timer.data = &st;
    REQUIRE(uv_timer_start(&st.timer, &OnTick, 1, 1) == 0);
    CHECK_FALSE(loop->Run());  // returns once the timer is closed: nothing left
    CHECK(st.ticks == 3);
    CHECK(st.closes == 1);
  }  // ~UvLoop: uv_loop_close must return 0
  CHECK(st.ticks == 3);
  CHECK(st.closes == 1);
}

void CountTick(uv_timer_t* t) noexcept {
  ++*static_cast<int*>(t->data);
}

TEST_CASE("uv_loop: handles left open are closed by the destructor") {
  uv_timer_t timer;  // declared before the loop, so it outlives it
  uv_idle_t idle;
  int ticks = 0;
  {
    auto loop = UvLoop::Create();
    REQUIRE(loop.ok());
    REQUIRE(uv_timer_init(loop->get(), &timer) == 0);
    timer.data = &ticks;
    REQUIRE(uv_timer_start(&timer, &CountTick, /*timeout=*/1000000, /*repeat=*/0) == 0);
    REQUIRE(uv_idle_init(loop->get(), &idle) == 0);
    CHECK(loop->Run(UV_RUN_NOWAIT));  // the timer is still pending
    CHECK_FALSE(uv_is_closing(reinterpret_cast<uv_handle_t*>(&timer)));
    // Moving keeps the loop address, so the handles stay attached.
    UvLoop moved = std::move(loop).value();
    CHECK(timer.loop == moved.get());
  }
  CHECK(ticks == 0);  // closed, never fired
  CHECK(uv_is_closing(reinterpret_cast<uv_handle_t*>(&timer)));
  CHECK(uv_is_closing(reinterpret_cast<uv_handle_t*>(&idle)));
}

TEST_CASE("uv_loop: FromUv names the error") {
  CHECK(FromUv(0).ok());
  CHECK(FromUv(5).ok());
  CHECK(FromUv(UV_ENOENT).ToString() == "NotFound: uv: no such file or directory (ENOENT)");
  CHECK(FromUv(UV_ECANCELED).Is(Code::kCancelled));
  CHECK(FromUv(UV_EINVAL).Is(Code::kInvalidArgument));
  CHECK(FromUv(UV_ENOSYS).Is(Code::kUnsupported));
  CHECK(FromUv(UV_EPIPE).ToString() == "IOError: uv: broken pipe (EPIPE)");

  // A real failure through a real loop: stat of a missing file.
  auto loop = UvLoop::Create();
  REQUIRE(loop.ok());
  uv_fs_t req;
  int rc = uv_fs_stat(loop->get(), &req, "/nonexistent/flowctl-uv-test", nullptr);
  uv_fs_req_cleanup(&req);
  CHECK(FromUv(rc).Is(Code::kNotFound));
}

}  // namespace
}  // namespace flow

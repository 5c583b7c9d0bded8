// SPDX-License-Identifier: Apache-2.0
// base/sha1_test.cc: FIPS 180 test vectors, incremental updates and reuse.
#include "base/sha1.h"

#include <string>

#include <doctest/doctest.h>

namespace flow {
namespace {

TEST_CASE("sha1: standard test vectors") {
  CHECK(Sha1Hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(Sha1Hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(Sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(Sha1Hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST_CASE("sha1: incremental updates match one shot, and the object resets") {
  Sha1 h;
  std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i)
    h.Update(chunk);
  CHECK(h.FinishHex() == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  // After FinishHex the object hashes a new message from scratch.
  h.Update("a");
  h.Update("");
  h.Update("bc");
  CHECK(h.FinishHex() == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(h.FinishHex() == "da39a3ee5e6b4b0d3255bfef95601890afd80709");

  Sha1 moved = std::move(h);
  moved.Update("abc");
  CHECK(moved.FinishHex() == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

}  // namespace
}  // namespace flow

// SPDX-License-Identifier: Apache-2.0
// base/base64_test.cc: RFC 4648 vectors and rejection of malformed input.
#include "base/base64.h"

#include <doctest/doctest.h>

namespace flow {
namespace {

TEST_CASE("base64: RFC 4648 test vectors round-trip") {
  const char* vectors[][2] = {{"", ""},
                              {"f", "Zg=="},
                              {"fo", "Zm8="},
                              {"foo", "Zm9v"},
                              {"foob", "Zm9vYg=="},
                              {"fooba", "Zm9vYmE="},
                              {"foobar", "Zm9vYmFy"}};
  for (auto& v : vectors) {
    CHECK(Base64Encode(v[0]) == v[1]);
    auto d = Base64Decode(v[1]);
    REQUIRE(d.has_value());
    CHECK(*d == v[0]);
  }
  CHECK(Base64Encode("a raw string") == "YSByYXcgc3RyaW5n");
  std::string all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<char>(i));
  CHECK(*Base64Decode(Base64Encode(all)) == all);
}

TEST_CASE("base64: malformed input is rejected") {
  CHECK_FALSE(Base64Decode("Zg=").has_value());
  CHECK_FALSE(Base64Decode("Z===").has_value());
  CHECK_FALSE(Base64Decode("Zg==Zg==").has_value());
  CHECK_FALSE(Base64Decode("Zm9v!").has_value());
  CHECK_FALSE(Base64Decode("Zm=v").has_value());
}

}  // namespace
}  // namespace flow

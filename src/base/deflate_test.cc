// SPDX-License-Identifier: Apache-2.0
// base/deflate_test.cc: libdeflate members decode with zlib, alone and concatenated.
#include "base/deflate.h"

#include <string>

#include <doctest/doctest.h>

#include "base/gzip.h"

namespace flow {
namespace {

std::string Lines(int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += "{\"id\":" + std::to_string(i * 7919 % 10007) + ",\"name\":\"ride\"}\n";
  return s;
}

TEST_CASE("deflate: a member round-trips through zlib at every level") {
  const std::string data = Lines(2000);
  for (int level = 0; level <= kMaxDeflateLevel; ++level) {
    auto c = GzipMemberCompressor::Create(level);
    REQUIRE(c.ok());
    std::string out;
    REQUIRE(c->Compress(data, &out).ok());
    CHECK(out.substr(0, 2) == "\x1f\x8b");
    auto back = GzipDecompress(out);
    REQUIRE(back.ok());
    CHECK(*back == data);
    if (level >= 1)
      CHECK(out.size() < data.size() / 3);
  }
}

TEST_CASE("deflate: concatenated members, including empty ones, form one gzip stream") {
  auto c = GzipMemberCompressor::Create(1);
  REQUIRE(c.ok());
  const std::string a = Lines(10), b = Lines(3000);
  std::string out = "prefix";  // Compress appends
  REQUIRE(c->Compress(a, &out).ok());
  REQUIRE(c->Compress("", &out).ok());
  REQUIRE(c->Compress(b, &out).ok());
  CHECK(out.substr(0, 6) == "prefix");
  auto back = GzipDecompress(std::string_view(out).substr(6));
  REQUIRE(back.ok());
  CHECK(*back == a + b);
}

TEST_CASE("deflate: levels outside 0..12 are rejected") {
  CHECK(GzipMemberCompressor::Create(-1).status().Is(Code::kInvalidArgument));
  CHECK(GzipMemberCompressor::Create(13).status().Is(Code::kInvalidArgument));
}

}  // namespace
}  // namespace flow

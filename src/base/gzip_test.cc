// SPDX-License-Identifier: Apache-2.0
// base/gzip_test.cc: gzip/zstd round trips, multi-member streams, damage, system tools.
#include "base/gzip.h"

#include <stdio.h>

#include <cstdlib>
#include <random>
#include <string>

#include <doctest/doctest.h>

#include "base/file.h"

namespace flow {
namespace {

// Half JSON-like lines (compressible), half raw random bytes (not), so both the
// stored and the Huffman paths of deflate are exercised.
std::string TestData(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s;
  s.reserve(size + 128);
  while (s.size() < size) {
    if (rng() % 2 == 0) {
      s += "{\"ride_id\":" + std::to_string(rng() % 1000000) + ",\"bike\":\"" +
           std::to_string(rng() % 977) + "\"}\n";
    } else {
      for (int i = 0; i < 64; ++i)
        s.push_back(static_cast<char>(rng()));
    }
  }
  s.resize(size);
  return s;
}

// Decodes `data` fed in chunks of pseudo-random sizes up to `max_chunk`.
template <typename Reader>
Result<std::string> DecodeChunked(std::string_view data, size_t max_chunk, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out;
  Reader r(&out);
  while (!data.empty()) {
    size_t n = std::min<size_t>(data.size(), 1 + rng() % max_chunk);
    FLOW_TRY(r.Append(data.substr(0, n)));
    data.remove_prefix(n);
  }
  FLOW_TRY(r.Finish());
  return out;
}

// Runs `cmd` through the shell and returns its stdout.
std::string RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
    out.append(buf, n);
  CHECK(::pclose(p) == 0);
  return out;
}

TEST_CASE("gzip: round trip of small, empty and multi-megabyte inputs") {
  for (size_t size : {size_t{0}, size_t{1}, size_t{1000}, size_t{256 << 10}, size_t{3 << 20}}) {
    CAPTURE(size);
    std::string data = TestData(size, static_cast<uint32_t>(size));
    for (int level : {1, 6, 9}) {
      auto z = GzipCompress(data, level);
      REQUIRE(z.ok());
      CHECK(static_cast<unsigned char>((*z)[0]) == 0x1f);
      CHECK(static_cast<unsigned char>((*z)[1]) == 0x8b);
      auto back = GzipDecompress(*z);
      REQUIRE(back.ok());
      CHECK(*back == data);
    }
    auto z = GzipCompress(data);
    REQUIRE(z.ok());
    auto chunked = DecodeChunked<GzipReader>(*z, 7000, 1);
    REQUIRE(chunked.ok());
    CHECK(*chunked == data);
  }
}

TEST_CASE("gzip: concatenated members decode to the concatenation") {
  std::string a = TestData(50000, 1), b = TestData(70000, 2);
  auto za = GzipCompress(a), zb = GzipCompress(b, 1), ze = GzipCompress("");
  REQUIRE((za.ok() && zb.ok() && ze.ok()));

  SUBCASE("two members") {
    auto got = GzipDecompress(*za + *zb);
    REQUIRE(got.ok());
    CHECK(*got == a + b);
  }
  SUBCASE("empty members anywhere") {
    auto got = GzipDecompress(*ze + *za + *ze + *ze + *zb + *ze);
    REQUIRE(got.ok());
    CHECK(*got == a + b);
    CHECK(GzipDecompress(*ze)->empty());
    CHECK(GzipDecompress("")->empty());
  }
  SUBCASE("one byte at a time across the member boundary") {
    auto got = DecodeChunked<GzipReader>(*za + *zb, 1, 3);
    REQUIRE(got.ok());
    CHECK(*got == a + b);
  }
  SUBCASE("one writer, one member per Finish") {
    std::string out;
    GzipWriter w(&out);
    REQUIRE(w.Append(a.substr(0, 1000)).ok());
    REQUIRE(w.Append(a.substr(1000)).ok());
    REQUIRE(w.Finish().ok());
    REQUIRE(w.Finish().ok());  // an empty member
    REQUIRE(w.Append(b).ok());
    REQUIRE(w.Finish().ok());
    // Each Finish starts a fresh member, so the first one equals a standalone member.
    CHECK(out.substr(0, za->size()) == *za);
    auto got = GzipDecompress(out);
    REQUIRE(got.ok());
    CHECK(*got == a + b);
  }
}

TEST_CASE("gzip: truncated input is Corruption at every cut") {
  std::string data = TestData(2000, 9);
  auto z = GzipCompress(data);
  REQUIRE(z.ok());
  for (size_t cut = 1; cut < z->size(); ++cut) {
    CAPTURE(cut);
    auto got = GzipDecompress(std::string_view(*z).substr(0, cut));
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().Is(Code::kCorruption));
    CHECK(got.status().message().substr(0, 6) == "gzip: ");
  }
  // A whole member followed by the start of another is still truncated.
  auto got = GzipDecompress(*z + z->substr(0, 15));
  CHECK(got.status().ToString() ==
        "Corruption: gzip: truncated input (stream ends inside a member)");
}

TEST_CASE("gzip: bit flips are Corruption or harmless, never a crash") {
  std::string data = TestData(3000, 4);
  auto z = GzipCompress(data);
  REQUIRE(z.ok());
  int corrupt = 0, harmless = 0;
  for (size_t pos = 0; pos < z->size(); ++pos) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string damaged = *z;
      damaged[pos] = static_cast<char>(damaged[pos] ^ (1 << bit));
      auto got = GzipDecompress(damaged);
      if (got.ok()) {
        // Only fields nothing checks (mtime, OS byte, padding bits) may change.
        CHECK(*got == data);
        ++harmless;
      } else {
        CHECK(got.status().Is(Code::kCorruption));
        ++corrupt;
      }
    }
  }
  CHECK(corrupt > 10 * harmless);
  // The CRC trailer catches a flip that still decodes to well-formed deflate data.
  std::string bad_crc = *z;
  bad_crc[bad_crc.size() - 8] ^= 1;
  CHECK(GzipDecompress(bad_crc).status().ToString() == "Corruption: gzip: incorrect data check");
  CHECK(GzipDecompress("not gzip at all").status().Is(Code::kCorruption));
}

TEST_CASE("gzip: the reader stays failed after an error") {
  std::string out;
  GzipReader r(&out);
  Status s = r.Append("\x1f\x8b\x09garbage");
  CHECK(s.Is(Code::kCorruption));
  CHECK(r.Append("more").Is(Code::kCorruption));
  CHECK(r.Finish().Is(Code::kCorruption));
}

TEST_CASE("gzip: bad levels are InvalidArgument") {
  CHECK(GzipCompress("x", 10).status().ToString() ==
        "InvalidArgument: gzip: compression level 10 is not in 0..9");
  CHECK(GzipCompress("x", 0).ok());
  CHECK(GzipCompress("x", -1).ok());
  CHECK(ZstdCompress("x", 1000).status().Is(Code::kInvalidArgument));
}

TEST_CASE("gzip: interoperates with the system gzip") {
  auto dir = ScopedTempDir::Create();
  REQUIRE(dir.ok());
  std::string a = TestData(300000, 5), b = TestData(1000, 6);
  std::string out;
  GzipWriter w(&out, 1);
  REQUIRE(w.Append(a).ok());
  REQUIRE(w.Finish().ok());
  REQUIRE(w.Finish().ok());
  REQUIRE(w.Append(b).ok());
  REQUIRE(w.Finish().ok());
  std::string gz = dir->Join("ours.gz");
  REQUIRE(WriteFileAtomic(gz, out).ok());
  CHECK(RunCommand("gzip -dc '" + gz + "'") == a + b);

  // And the other way: members written by gzip(1) decode here.
  std::string plain = dir->Join("plain");
  REQUIRE(WriteFileAtomic(plain, a).ok());
  std::string theirs = RunCommand("gzip -9 -c '" + plain + "'; gzip -1 -c '" + plain + "'");
  auto got = GzipDecompress(theirs);
  REQUIRE(got.ok());
  CHECK(*got == a + a);
}

TEST_CASE("zstd: round trips, multiple frames, damage") {
  std::string a = TestData(3 << 20, 7), b = TestData(5000, 8);
  auto za = ZstdCompress(a), zb = ZstdCompress(b, 1), ze = ZstdCompress("");
  REQUIRE((za.ok() && zb.ok() && ze.ok()));
  auto da = ZstdDecompress(*za);
  REQUIRE_MESSAGE(da.ok(), da.status().ToString());
  CHECK(*da == a);
  CHECK(ZstdDecompress(*ze)->empty());
  CHECK(ZstdDecompress("")->empty());

  auto multi = DecodeChunked<ZstdReader>(*ze + *za + *zb + *ze, 9000, 2);
  REQUIRE(multi.ok());
  CHECK(*multi == a + b);

  std::string out;
  ZstdWriter w(&out);
  REQUIRE(w.Append(b).ok());
  REQUIRE(w.Finish().ok());
  REQUIRE(w.Append(b).ok());
  REQUIRE(w.Finish().ok());
  CHECK(ZstdDecompress(out).value() == b + b);

  for (size_t cut = 1; cut < zb->size(); cut += 7) {
    CAPTURE(cut);
    auto got = ZstdDecompress(std::string_view(*zb).substr(0, cut));
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().Is(Code::kCorruption));
    CHECK(got.status().message().substr(0, 6) == "zstd: ");
  }
  int corrupt = 0;
  for (size_t pos = 0; pos < zb->size(); ++pos) {
    std::string damaged = *zb;
    damaged[pos] ^= 0x10;
    auto got = ZstdDecompress(damaged);
    if (got.ok()) {
      CHECK(*got == b);
    } else {
      CHECK(got.status().Is(Code::kCorruption));
      ++corrupt;
    }
  }
  CHECK(corrupt > static_cast<int>(zb->size()) * 9 / 10);

  auto dir = ScopedTempDir::Create();
  REQUIRE(dir.ok());
  std::string path = dir->Join("x.zst");
  REQUIRE(WriteFileAtomic(path, out + *zb).ok());
  if (std::system("command -v zstd >/dev/null 2>&1") == 0) {  // zstd(1) is optional
    CHECK(RunCommand("zstd -q -dc '" + path + "'") == b + b + b);
  }
}

}  // namespace
}  // namespace flow

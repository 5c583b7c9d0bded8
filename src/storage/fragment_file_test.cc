// SPDX-License-Identifier: Apache-2.0
// storage/fragment_file_test.cc: fragment bodies for each codec.
#include "storage/fragment_file.h"

#include <random>

#include <doctest/doctest.h>

namespace flow::storage {
namespace {

std::string Lines(int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "{\"id\":" + std::to_string(i) + ",\"name\":\"rider " + std::to_string(i * 7) + "\"}\n";
  return out;
}

TEST_CASE("fragment file: every writable codec round-trips") {
  const std::string content = Lines(5000);
  for (Codec codec :
       {Codec::kNone, Codec::kGzip, Codec::kZstandard, Codec::kGzipOffloadDecompression}) {
    INFO(CodecName(codec));
    auto body = EncodeFragment(codec, content);
    REQUIRE(body.ok());
    if (codec == Codec::kNone) {
      CHECK(*body == content);
    } else {
      CHECK(body->size() < content.size() / 3);
    }
    if (codec == Codec::kGzip || codec == Codec::kGzipOffloadDecompression) {
      CHECK(static_cast<uint8_t>((*body)[0]) == 0x1f);  // gzip magic
      CHECK(static_cast<uint8_t>((*body)[1]) == 0x8b);
    }
    auto decoded = DecodeFragment(codec, *body);
    REQUIRE(decoded.ok());
    CHECK(*decoded == content);

    // Fed in small, odd-sized chunks.
    std::string out;
    auto dec = FragmentDecoder::Create(codec, &out);
    REQUIRE(dec.ok());
    for (size_t i = 0; i < body->size(); i += 777)
      REQUIRE(dec->Append(std::string_view(*body).substr(i, 777)).ok());
    REQUIRE(dec->Finish().ok());
    CHECK(out == content);
  }
  CHECK(ContentEncodingFor(Codec::kGzipOffloadDecompression) == "gzip");
  CHECK(ContentEncodingFor(Codec::kGzip) == "");
}

TEST_CASE("fragment file: multi-member gzip, as Gazette writes it, decodes whole") {
  std::string a = Lines(10), b = Lines(20);
  std::string body = *EncodeFragment(Codec::kGzip, a) + *EncodeFragment(Codec::kGzip, b);
  CHECK(*DecodeFragment(Codec::kGzip, body) == a + b);
  std::string zbody = *EncodeFragment(Codec::kZstandard, a) + *EncodeFragment(Codec::kZstandard, b);
  CHECK(*DecodeFragment(Codec::kZstandard, zbody) == a + b);
}

TEST_CASE("fragment file: damage is Corruption, snappy is Unsupported") {
  const std::string content = Lines(100);
  for (Codec codec : {Codec::kGzip, Codec::kZstandard}) {
    std::string body = *EncodeFragment(codec, content);
    std::string truncated = body.substr(0, body.size() - 5);
    CHECK(DecodeFragment(codec, truncated).status().Is(Code::kCorruption));
    std::string flipped = body;
    flipped[body.size() / 2] ^= 0x55;
    CHECK(DecodeFragment(codec, flipped).status().Is(Code::kCorruption));
  }
  CHECK(DecodeFragment(Codec::kGzip, "not gzip at all").status().Is(Code::kCorruption));
  CHECK(EncodeFragment(Codec::kSnappy, "x\n").status().Is(Code::kUnsupported));
  CHECK(DecodeFragment(Codec::kSnappy, "x").status().Is(Code::kUnsupported));
  CHECK(DecodeFragment(Codec::kInvalid, "x").status().Is(Code::kInvalidArgument));
  EncodeOptions bad;
  bad.gzip_level = 12;
  CHECK(EncodeFragment(Codec::kGzip, "x\n", bad).status().Is(Code::kInvalidArgument));
}

}  // namespace
}  // namespace flow::storage

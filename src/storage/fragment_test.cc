// SPDX-License-Identifier: Apache-2.0
// storage/fragment_test.cc: fragment names, suffixes, sums and parsing back.
#include "storage/fragment.h"

#include <doctest/doctest.h>

#include "base/sha1.h"
#include "storage/postfix.h"

namespace flow::storage {
namespace {

constexpr int64_t kMay1At130722 = 1714568842;  // 2024-05-01T13:07:22Z

Fragment WorkedExample() {
  Fragment f;
  f.journal = "acmeCo/orders/pivot=00";
  f.begin = 4096;
  f.end = 4112;
  f.sum = *Sha1Sum::FromHex(Sha1Hex("{\"a\":1}\n{\"a\":2}\n"));
  f.codec = Codec::kGzip;
  auto tpl = PostfixTemplate::Parse(kFlowPostfixTemplate);
  REQUIRE(tpl.ok());
  f.path_postfix = *tpl->Render(kMay1At130722 * 1'000'000'000);
  return f;
}

TEST_CASE("fragment: the worked example's object key (spec §0)") {
  Fragment f = WorkedExample();
  CHECK(f.sum.ToHex() == "9e8ef995961f964265f1bc9289060690353811c1");
  // The store s3://my-bucket/data/ contributes its path "data/".
  CHECK("data/" + f.ContentPath() ==
        "data/acmeCo/orders/pivot=00/utc_date=2024-05-01/utc_hour=13/"
        "0000000000001000-0000000000001010-9e8ef995961f964265f1bc9289060690353811c1.gz");
  f.codec = Codec::kGzipOffloadDecompression;
  CHECK(f.ContentName() ==
        "0000000000001000-0000000000001010-9e8ef995961f964265f1bc9289060690353811c1");
}

TEST_CASE("fragment: names round-trip through ParseFragmentFromRelativePath") {
  Fragment f = WorkedExample();
  for (Codec codec : {Codec::kNone, Codec::kGzip, Codec::kZstandard, Codec::kSnappy,
                      Codec::kGzipOffloadDecompression}) {
    for (std::string postfix : {"", "utc_date=2024-05-01/utc_hour=13", "date=2024-05-01"}) {
      f.codec = codec;
      f.path_postfix = postfix;
      std::string relative = f.ContentPath().substr(f.journal.size() + 1);
      auto parsed = ParseFragmentFromRelativePath(f.journal, relative);
      REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
      CHECK(*parsed == f);
    }
  }
  f.begin = 0;
  f.end = INT64_MAX;
  auto parsed = ParseFragmentFromRelativePath(f.journal, f.ContentName());
  REQUIRE(parsed.ok());
  CHECK(parsed->end == INT64_MAX);
  CHECK(f.ContentName().substr(0, 34) == "0000000000000000-7fffffffffffffff-");
}

TEST_CASE("fragment: suffixes parse case-insensitively, including long forms") {
  CHECK(*CodecFromSuffix(".raw") == Codec::kNone);
  CHECK(*CodecFromSuffix(".RAW") == Codec::kNone);
  CHECK(*CodecFromSuffix(".gz") == Codec::kGzip);
  CHECK(*CodecFromSuffix(".GZip") == Codec::kGzip);
  CHECK(*CodecFromSuffix(".zst") == Codec::kZstandard);
  CHECK(*CodecFromSuffix(".ZSTANDARD") == Codec::kZstandard);
  CHECK(*CodecFromSuffix(".sz") == Codec::kSnappy);
  CHECK(*CodecFromSuffix(".Snappy") == Codec::kSnappy);
  CHECK(*CodecFromSuffix("") == Codec::kGzipOffloadDecompression);
  CHECK(*CodecFromSuffix(".gzod") == Codec::kGzipOffloadDecompression);
  CHECK(*CodecFromSuffix(".GZOD") == Codec::kGzipOffloadDecompression);
  CHECK(CodecFromSuffix(".bz2").status().Is(Code::kInvalidArgument));
  CHECK(CodecFromSuffix(".").status().Is(Code::kInvalidArgument));

  CHECK(CodecSuffix(Codec::kNone) == ".raw");
  CHECK(CodecSuffix(Codec::kGzip) == ".gz");
  CHECK(CodecSuffix(Codec::kZstandard) == ".zst");
  CHECK(CodecSuffix(Codec::kSnappy) == ".sz");
  CHECK(CodecSuffix(Codec::kGzipOffloadDecompression) == "");

  CHECK(*ParseCodecName("GZIP_OFFLOAD_DECOMPRESSION") == Codec::kGzipOffloadDecompression);
  CHECK(*ParseCodecName("ZSTANDARD") == Codec::kZstandard);
  CHECK(ParseCodecName("gzip").status().Is(Code::kInvalidArgument));
  CHECK(ParseCodecName("INVALID").status().Is(Code::kInvalidArgument));
}

TEST_CASE("fragment: parsing accepts other widths and upper-case digits, writes canonical") {
  const std::string sum = "9E8EF995961F964265F1BC9289060690353811C1";
  auto f = ParseFragmentFromRelativePath("a/journal", "00000003b4b-0000014455f-" + sum + ".GZ");
  REQUIRE_MESSAGE(f.ok(), f.status().ToString());
  CHECK(f->begin == 0x3b4b);
  CHECK(f->end == 0x14455f);
  CHECK(f->codec == Codec::kGzip);
  CHECK(f->path_postfix.empty());
  CHECK(f->ContentName() ==
        "0000000000003b4b-000000000014455f-9e8ef995961f964265f1bc9289060690353811c1.gz");
  // An explicit '+' sign is what Go's ParseInt accepts too.
  CHECK(ParseFragmentFromRelativePath("a/journal", "+10-20-" + sum + ".raw").ok());
}

TEST_CASE("fragment: what parsing rejects") {
  const std::string sum(40, 'a');
  auto rejects = [](std::string relative) {
    auto f = ParseFragmentFromRelativePath("a/journal", relative);
    CHECK_MESSAGE(f.status().Is(Code::kInvalidArgument), relative);
    return f.status().ToString();
  };
  rejects(".partial-abcdef");
  rejects("health-check");
  rejects("10-20.gz");                        // two fields
  rejects("10-20-30-" + sum + ".gz");         // four fields
  rejects("1x-20-" + sum + ".gz");            // not hex
  rejects("-20-" + sum + ".gz");              // empty begin
  rejects("10-20-" + sum.substr(1) + ".gz");  // 39 digits
  rejects("10-20-" + sum + "aa.gz");          // 21 bytes
  rejects("10-20-" + std::string(40, 'g') + ".gz");
  rejects("20-10-" + sum + ".gz");                                // begin > end
  rejects("10-20-" + sum + ".lz4");                               // unknown codec
  rejects("10000000000000000-10000000000000001-" + sum + ".gz");  // overflows int64
  rejects("../10-20-" + sum + ".gz");                             // unclean postfix
  rejects("a//b/10-20-" + sum + ".gz");
  rejects("a b/10-20-" + sum + ".gz");  // space in postfix
  CHECK(rejects("20-10-" + sum + ".gz").find("20-10-") != std::string::npos);
  // A dot before the real extension belongs to the name and breaks the fields.
  rejects("10-20-" + sum + ".tmp.gz");
}

TEST_CASE("fragment: sha1 sum parts follow the proto layout") {
  auto sum = Sha1Sum::FromHex("0102030405060708090a0b0c0d0e0f1011121314");
  REQUIRE(sum.ok());
  CHECK(sum->part1() == 0x0102030405060708ULL);
  CHECK(sum->part2() == 0x090a0b0c0d0e0f10ULL);
  CHECK(sum->part3() == 0x11121314U);
  CHECK_FALSE(sum->IsZero());
  CHECK(Sha1Sum().IsZero());
  CHECK(Sha1Sum().ToHex() == std::string(40, '0'));
}

}  // namespace
}  // namespace flow::storage

// SPDX-License-Identifier: Apache-2.0
// storage/fragment.cc: codec names and suffixes, SHA-1 sums, fragment file names.
#include "storage/fragment.h"

#include <fmt/format.h>

#include "storage/journal_name.h"

namespace flow::storage {
namespace {

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = AsciiLower(c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

// Go's strconv.ParseInt(s, 16, 64): an optional sign, then one or more hex digits of
// any width, with overflow an error.
bool ParseSignedHex64(std::string_view s, int64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty())
    return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = HexValue(c);
    if (d < 0 || v > (UINT64_MAX >> 4))
      return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1)
      return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX))
      return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

}  // namespace

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kNone:
      return "NONE";
    case Codec::kGzip:
      return "GZIP";
    case Codec::kZstandard:
      return "ZSTANDARD";
    case Codec::kSnappy:
      return "SNAPPY";
    case Codec::kGzipOffloadDecompression:
      return "GZIP_OFFLOAD_DECOMPRESSION";
    case Codec::kInvalid:
      break;
  }
  return "INVALID";
}

Result<Codec> ParseCodecName(std::string_view name) {
  for (Codec c : {Codec::kNone, Codec::kGzip, Codec::kZstandard, Codec::kSnappy,
                  Codec::kGzipOffloadDecompression}) {
    if (name == CodecName(c))
      return c;
  }
  return Status::InvalidArgument(
      "compression codec \"{}\": expected NONE, GZIP, ZSTANDARD, SNAPPY or "
      "GZIP_OFFLOAD_DECOMPRESSION",
      name);
}

std::string_view CodecSuffix(Codec codec) {
  switch (codec) {
    case Codec::kNone:
      return ".raw";
    case Codec::kGzip:
      return ".gz";
    case Codec::kZstandard:
      return ".zst";
    case Codec::kSnappy:
      return ".sz";
    case Codec::kGzipOffloadDecompression:
    case Codec::kInvalid:
      break;
  }
  return "";
}

Result<Codec> CodecFromSuffix(std::string_view ext) {
  std::string lower;
  lower.reserve(ext.size());
  for (char c : ext)
    lower.push_back(AsciiLower(c));
  if (lower.empty() || lower == ".gzod")
    return Codec::kGzipOffloadDecompression;
  if (lower == ".raw")
    return Codec::kNone;
  if (lower == ".gz" || lower == ".gzip")
    return Codec::kGzip;
  if (lower == ".zst" || lower == ".zstandard")
    return Codec::kZstandard;
  if (lower == ".sz" || lower == ".snappy")
    return Codec::kSnappy;
  return Status::InvalidArgument("unknown fragment file extension \"{}\"", ext);
}

bool Sha1Sum::IsZero() const {
  for (uint8_t b : bytes) {
    if (b != 0)
      return false;
  }
  return true;
}

std::string Sha1Sum::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(40, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xF];
  }
  return out;
}

Result<Sha1Sum> Sha1Sum::FromHex(std::string_view hex) {
  if (hex.size() != 40) {
    return Status::InvalidArgument("SHA-1 sum \"{}\": expected 40 hex digits, got {}", hex,
                                   hex.size());
  }
  Sha1Sum sum;
  for (size_t i = 0; i < 20; ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return Status::InvalidArgument("SHA-1 sum \"{}\": not hexadecimal", hex);
    sum.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return sum;
}

uint64_t Sha1Sum::part1() const {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i)
    v = (v << 8) | bytes[i];
  return v;
}

uint64_t Sha1Sum::part2() const {
  uint64_t v = 0;
  for (size_t i = 8; i < 16; ++i)
    v = (v << 8) | bytes[i];
  return v;
}

uint32_t Sha1Sum::part3() const {
  uint32_t v = 0;
  for (size_t i = 16; i < 20; ++i)
    v = (v << 8) | bytes[i];
  return v;
}

std::string Fragment::ContentName() const {
  return fmt::format("{:016x}-{:016x}-{}{}", static_cast<uint64_t>(begin),
                     static_cast<uint64_t>(end), sum.ToHex(), CodecSuffix(codec));
}

std::string Fragment::ContentPath() const {
  std::string out = journal;
  out.push_back('/');
  if (!path_postfix.empty()) {
    out.append(path_postfix);
    out.push_back('/');
  }
  out.append(ContentName());
  return out;
}

Result<Fragment> ParseFragmentFromRelativePath(std::string_view journal,
                                               std::string_view relative_path) {
  auto invalid = [&](std::string_view why) {
    return Status::InvalidArgument("fragment path \"{}\" of journal {}: {}", relative_path, journal,
                                   why);
  };
  Fragment f;
  f.journal = std::string(journal);

  std::string_view name = relative_path;
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos) {
    f.path_postfix = std::string(name.substr(0, slash));
    name.remove_prefix(slash + 1);
  }
  std::string_view ext;
  if (size_t dot = name.rfind('.'); dot != std::string_view::npos) {
    ext = name.substr(dot);
    name = name.substr(0, dot);
  }

  std::string_view fields[3];
  size_t count = 0;
  for (size_t start = 0;;) {
    size_t dash = name.find('-', start);
    if (count == 3)
      return invalid("expected <begin>-<end>-<sha1>");
    fields[count++] = name.substr(start, dash == std::string_view::npos ? dash : dash - start);
    if (dash == std::string_view::npos)
      break;
    start = dash + 1;
  }
  if (count != 3)
    return invalid("expected <begin>-<end>-<sha1>");
  if (!ParseSignedHex64(fields[0], &f.begin))
    return invalid("begin is not a 64-bit hex offset");
  if (!ParseSignedHex64(fields[1], &f.end))
    return invalid("end is not a 64-bit hex offset");
  Result<Sha1Sum> sum = Sha1Sum::FromHex(fields[2]);
  if (!sum.ok())
    return invalid(sum.status().message());
  f.sum = *sum;
  Result<Codec> codec = CodecFromSuffix(ext);
  if (!codec.ok())
    return invalid(codec.status().message());
  f.codec = *codec;
  if (f.begin > f.end)
    return invalid("begin is after end");
  if (Status s = ValidatePathComponent(f.path_postfix); !s.ok())
    return invalid(s.message());
  return f;
}

}  // namespace flow::storage

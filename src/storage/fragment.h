// SPDX-License-Identifier: Apache-2.0
// storage/fragment.h: the Fragment record, codecs, and Gazette's content-addressed file names.
//
// A fragment is a run [begin, end) of a journal's uncompressed bytes, stored as one
// object named `<begin:016x>-<end:016x>-<sha1:40 hex><suffix>` under
// `<journal>/<postfix>/` (spec journals.md §2.2-§2.4). These names are what Gazette
// and Flow write, so a flowctl data directory and a Flow bucket are interchangeable.
// Everything here is pure value code: no I/O, safe to use from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace flow::storage {

/// JournalSpec.Fragment.CompressionCodec; the values are the protobuf enum numbers.
enum class Codec : int {
  kInvalid = 0,
  kNone = 1,                      ///< raw bytes, `.raw`
  kGzip = 2,                      ///< (multi-member) gzip, `.gz`
  kZstandard = 3,                 ///< zstd frames, `.zst`
  kSnappy = 4,                    ///< snappy framing format, `.sz` (read-only: not decodable here)
  kGzipOffloadDecompression = 5,  ///< one gzip stream, no suffix, Content-Encoding: gzip
};

/// "NONE", "GZIP", "ZSTANDARD", "SNAPPY", "GZIP_OFFLOAD_DECOMPRESSION" or "INVALID".
std::string_view CodecName(Codec codec);
/// Parses one of the CodecName() spellings (exact, upper case, as in Flow catalogs).
/// InvalidArgument otherwise, including for "INVALID".
Result<Codec> ParseCodecName(std::string_view name);
/// The suffix written for `codec`: ".raw", ".gz", ".zst", ".sz", or "" for
/// GZIP_OFFLOAD_DECOMPRESSION (and kInvalid).
std::string_view CodecSuffix(Codec codec);
/// Maps a file extension (including its dot, or empty) to a codec, case-insensitively,
/// accepting the long forms `.gzip`, `.zstandard`, `.snappy` and `.gzod`. An empty
/// extension is GZIP_OFFLOAD_DECOMPRESSION. InvalidArgument for anything else.
Result<Codec> CodecFromSuffix(std::string_view ext);

/// A SHA-1 digest; the all-zero value is the sum of an empty fragment.
struct Sha1Sum {
  std::array<uint8_t, 20> bytes{};

  bool IsZero() const;
  /// 40 lowercase hex digits.
  std::string ToHex() const;
  /// Decodes exactly 40 hex digits (either case). InvalidArgument otherwise.
  static Result<Sha1Sum> FromHex(std::string_view hex);
  /// The proto SHA1Sum fields: part1 = bytes[0..8) BE, part2 = [8..16) BE, part3 = [16..20) BE.
  uint64_t part1() const;
  uint64_t part2() const;
  uint32_t part3() const;

  friend bool operator==(const Sha1Sum&, const Sha1Sum&) = default;
};

/// broker/protocol Fragment.
struct Fragment {
  std::string journal;
  int64_t begin = 0;  ///< inclusive offset of the first byte
  int64_t end = 0;    ///< exclusive offset
  Sha1Sum sum;        ///< SHA-1 of the uncompressed bytes [begin, end)
  Codec codec = Codec::kNone;
  std::string backing_store;  ///< store URL; empty while the fragment is local only
  int64_t mod_time = 0;       ///< Unix seconds from the store listing; 0 while local
  std::string path_postfix;   ///< e.g. "utc_date=2024-05-01/utc_hour=13", or empty

  int64_t size() const { return end - begin; }
  /// `%016x-%016x-<sum><suffix>`, all lowercase.
  std::string ContentName() const;
  /// `<journal>/<postfix>/<ContentName()>`; the postfix segment is left out when empty.
  std::string ContentPath() const;

  friend bool operator==(const Fragment&, const Fragment&) = default;
};

/// Parses a path relative to the journal's listing prefix `<journal>/`, e.g.
/// `utc_date=2024-05-01/utc_hour=13/<begin>-<end>-<sum>.gz` (spec §2.4):
/// the directory part is the postfix; the extension (from the last '.' of the base
/// name, possibly empty) selects the codec; the rest must split on '-' into exactly
/// begin, end (signed 64-bit hex, any width) and a 20-byte hex sum; then begin <= end
/// and the postfix must be a valid path component. InvalidArgument otherwise, naming
/// the path. The result has `journal` set and mod_time / backing_store left empty.
Result<Fragment> ParseFragmentFromRelativePath(std::string_view journal,
                                               std::string_view relative_path);

}  // namespace flow::storage

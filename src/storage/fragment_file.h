// SPDX-License-Identifier: Apache-2.0
// storage/fragment_file.h: encodes and decodes fragment file bodies for each codec (§2.7).
//
// NONE is the raw content; GZIP is gzip (one member per Finish(); readers accept any
// number of members, as Gazette writes several); GZIP_OFFLOAD_DECOMPRESSION is a single
// gzip stream (stored with Content-Encoding: gzip); ZSTANDARD is zstd frames. SNAPPY
// names are understood, but its framing format is not decoded here: Unsupported.
// Encoders and decoders are used by one thread at a time (a uv threadpool worker);
// the output string is borrowed and must outlive the object.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/gzip.h"
#include "base/status.h"
#include "storage/fragment.h"

namespace flow::storage {

struct EncodeOptions {
  int gzip_level = kDefaultGzipLevel;
  int zstd_level = kDefaultZstdLevel;
};

/// Compresses content fed in chunks into `*out`.
class FragmentEncoder {
 public:
  /// Unsupported for SNAPPY, InvalidArgument for kInvalid or a bad level.
  static Result<FragmentEncoder> Create(Codec codec, std::string* out,
                                        const EncodeOptions& options = {});
  FragmentEncoder(FragmentEncoder&&) noexcept = default;
  FragmentEncoder& operator=(FragmentEncoder&&) noexcept = default;
  ~FragmentEncoder();

  Status Append(std::string_view content);
  /// Ends the stream (the gzip member or zstd frame). Call once, after the last Append.
  Status Finish();

 private:
  FragmentEncoder(Codec codec, std::string* out) : codec_(codec), out_(out) {}

  Codec codec_;
  std::string* out_;
  std::unique_ptr<GzipWriter> gzip_;
  std::unique_ptr<ZstdWriter> zstd_;
};

/// Decompresses a fragment file fed in chunks, appending content to `*out`. Corruption
/// for damaged or truncated input (reported by Append or Finish).
class FragmentDecoder {
 public:
  /// Unsupported for SNAPPY, InvalidArgument for kInvalid.
  static Result<FragmentDecoder> Create(Codec codec, std::string* out);
  FragmentDecoder(FragmentDecoder&&) noexcept = default;
  FragmentDecoder& operator=(FragmentDecoder&&) noexcept = default;
  ~FragmentDecoder();

  Status Append(std::string_view chunk);
  Status Finish();

 private:
  FragmentDecoder(Codec codec, std::string* out) : codec_(codec), out_(out) {}

  Codec codec_;
  std::string* out_;
  std::unique_ptr<GzipReader> gzip_;
  std::unique_ptr<ZstdReader> zstd_;
};

/// One-shot helpers over the classes above.
Result<std::string> EncodeFragment(Codec codec, std::string_view content,
                                   const EncodeOptions& options = {});
Result<std::string> DecodeFragment(Codec codec, std::string_view body);

/// The Content-Encoding a fragment object of `codec` is stored with ("gzip" for
/// GZIP_OFFLOAD_DECOMPRESSION, else empty).
std::string_view ContentEncodingFor(Codec codec);

}  // namespace flow::storage

// SPDX-License-Identifier: Apache-2.0
// base/gzip.h: gzip and zstd streams in the framing Gazette journals use.
//
// Gazette appends to a fragment by writing whole compressed members, so a fragment
// file is a *concatenation* of gzip members (or zstd frames). The readers here decode
// any number of members back to back, the way `gzip -dc` does, and report damaged or
// truncated input as Corruption("gzip: ..." / "zstd: ..."), never by crashing.
//
// None of these classes is thread-safe; each object is used by one thread at a time
// (typically a uv threadpool worker, since compression is CPU-bound). The output
// string passed to a constructor is borrowed and must outlive the object.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

struct z_stream_s;
struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace flow {

inline constexpr int kDefaultGzipLevel = 6;
inline constexpr int kDefaultZstdLevel = 3;

/// Compresses a stream into gzip members appended to `*out`. Each Finish() ends the
/// current member (writing its CRC and length trailer); later Append() calls start a
/// new one, so one writer can produce a multi-member stream. Finish() with no data
/// since the last member writes an empty member. InvalidArgument for a level outside
/// 0..9 (or -1, zlib's default); Internal if zlib fails otherwise.
class GzipWriter {
 public:
  explicit GzipWriter(std::string* out, int level = kDefaultGzipLevel);
  GzipWriter(GzipWriter&&) noexcept;
  GzipWriter& operator=(GzipWriter&&) noexcept;
  ~GzipWriter();

  Status Append(std::string_view data);
  Status Finish();

 private:
  Status Deflate(std::string_view data, int flush);

  std::string* out_;
  int level_;
  std::unique_ptr<z_stream_s> strm_;  // null until first use; zlib state points back at it
};

/// Decodes a stream of concatenated gzip members, fed in chunks of any size, and
/// appends the decompressed bytes to `*out`. Finish() reports input that ends inside
/// a member. Empty input decodes to nothing. Returns Corruption("gzip: ...") on a bad
/// header, bad data, a CRC or length mismatch, or truncation; once an error is
/// returned the reader stays failed.
class GzipReader {
 public:
  explicit GzipReader(std::string* out);
  GzipReader(GzipReader&&) noexcept;
  GzipReader& operator=(GzipReader&&) noexcept;
  ~GzipReader();

  Status Append(std::string_view chunk);
  Status Finish();

 private:
  std::string* out_;
  std::unique_ptr<z_stream_s> strm_;
  bool in_member_ = false;  // some bytes of the current member have been consumed
  Status failed_;
};

/// One gzip member holding `data`.
Result<std::string> GzipCompress(std::string_view data, int level = kDefaultGzipLevel);
/// Decodes all concatenated members in `data`.
Result<std::string> GzipDecompress(std::string_view data);

/// The zstd counterpart of GzipWriter: each Finish() ends one frame.
/// InvalidArgument for a level zstd rejects; Internal if zstd fails otherwise.
class ZstdWriter {
 public:
  explicit ZstdWriter(std::string* out, int level = kDefaultZstdLevel);
  ZstdWriter(ZstdWriter&&) noexcept;
  ZstdWriter& operator=(ZstdWriter&&) noexcept;
  ~ZstdWriter();

  Status Append(std::string_view data);
  Status Finish();

 private:
  Status Compress(std::string_view data, int mode);

  std::string* out_;
  int level_;
  std::unique_ptr<ZSTD_CCtx_s, void (*)(ZSTD_CCtx_s*)> cctx_;
};

/// The zstd counterpart of GzipReader: decodes concatenated frames (skippable frames
/// are skipped). Corruption("zstd: ...") on bad or truncated input.
class ZstdReader {
 public:
  explicit ZstdReader(std::string* out);
  ZstdReader(ZstdReader&&) noexcept;
  ZstdReader& operator=(ZstdReader&&) noexcept;
  ~ZstdReader();

  Status Append(std::string_view chunk);
  Status Finish();

 private:
  std::string* out_;
  std::unique_ptr<ZSTD_DCtx_s, void (*)(ZSTD_DCtx_s*)> dctx_;
  bool in_frame_ = false;  // the last call stopped inside a frame
  Status failed_;
};

/// One zstd frame holding `data`.
Result<std::string> ZstdCompress(std::string_view data, int level = kDefaultZstdLevel);
/// Decodes all concatenated frames in `data`.
Result<std::string> ZstdDecompress(std::string_view data);

}  // namespace flow

// SPDX-License-Identifier: Apache-2.0
// base/gzip.cc: zlib and libzstd streaming codecs behind GzipWriter/Reader and Zstd*.
#include "base/gzip.h"

#include <algorithm>
#include <climits>

#include <zlib.h>
#include <zstd.h>

namespace flow {
namespace {

// Output grows by this much per codec call; large enough to keep call counts low.
constexpr size_t kOutChunk = 128 * 1024;
// zlib counts input in uInt; feed big inputs in slices that always fit.
constexpr size_t kMaxZlibInput = size_t{1} << 30;

// windowBits for deflate: 15 (32 KiB window) + 16 selects a gzip header and trailer.
constexpr int kGzipWriteBits = 15 + 16;
// windowBits for inflate: 15 + 32 detects a gzip (or zlib) header automatically.
constexpr int kGzipReadBits = 15 + 32;

Status ZlibError(const z_stream& strm, int rc) {
  if (strm.msg != nullptr)
    return Status::Corruption("gzip: {}", strm.msg);
  return Status::Corruption("gzip: zlib error {}", rc);
}

// Grows `out` by kOutChunk and points the codec's output window at the new space.
char* GrowForOutput(std::string* out, size_t* old_size) {
  *old_size = out->size();
  out->resize(*old_size + kOutChunk);
  return out->data() + *old_size;
}

}  // namespace

// ---- GzipWriter ----

GzipWriter::GzipWriter(std::string* out, int level) : out_(out), level_(level) {}

GzipWriter::GzipWriter(GzipWriter&& other) noexcept
    : out_(other.out_), level_(other.level_), strm_(std::move(other.strm_)) {}

GzipWriter& GzipWriter::operator=(GzipWriter&& other) noexcept {
  if (this != &other) {
    if (strm_)
      deflateEnd(strm_.get());
    out_ = other.out_;
    level_ = other.level_;
    strm_ = std::move(other.strm_);
  }
  return *this;
}

GzipWriter::~GzipWriter() {
  if (strm_)
    deflateEnd(strm_.get());
}

Status GzipWriter::Deflate(std::string_view data, int flush) {
  if (!strm_) {
    if (level_ < Z_DEFAULT_COMPRESSION || level_ > Z_BEST_COMPRESSION) {
      return Status::InvalidArgument("gzip: compression level {} is not in 0..9", level_);
    }
    auto strm = std::make_unique<z_stream>();
    int rc = deflateInit2(strm.get(), level_, Z_DEFLATED, kGzipWriteBits, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK)
      return Status::Internal("gzip: deflateInit2 failed: {}", rc);
    strm_ = std::move(strm);
  }
  z_stream* s = strm_.get();
  do {
    size_t piece = std::min(data.size(), kMaxZlibInput);
    bool last = piece == data.size();
    int mode = last ? flush : Z_NO_FLUSH;
    s->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s->avail_in = static_cast<uInt>(piece);
    int rc;
    do {
      size_t old;
      s->next_out = reinterpret_cast<Bytef*>(GrowForOutput(out_, &old));
      s->avail_out = static_cast<uInt>(kOutChunk);
      rc = deflate(s, mode);
      out_->resize(old + kOutChunk - s->avail_out);
      if (rc == Z_STREAM_ERROR)
        return Status::Internal("gzip: deflate failed");
      // Z_BUF_ERROR only means "no progress possible"; the loop condition handles it.
    } while (s->avail_out == 0 || (mode == Z_FINISH && rc != Z_STREAM_END));
    data.remove_prefix(piece);
  } while (!data.empty());
  return Status::OK();
}

Status GzipWriter::Append(std::string_view data) {
  if (data.empty())
    return Status::OK();
  return Deflate(data, Z_NO_FLUSH);
}

Status GzipWriter::Finish() {
  FLOW_TRY(Deflate({}, Z_FINISH));
  // The member is complete; a later Append() begins the next one with a fresh header.
  if (deflateReset(strm_.get()) != Z_OK)
    return Status::Internal("gzip: deflateReset failed");
  return Status::OK();
}

// ---- GzipReader ----

GzipReader::GzipReader(std::string* out) : out_(out) {}

GzipReader::GzipReader(GzipReader&& other) noexcept
    : out_(other.out_),
      strm_(std::move(other.strm_)),
      in_member_(other.in_member_),
      failed_(std::move(other.failed_)) {}

GzipReader& GzipReader::operator=(GzipReader&& other) noexcept {
  if (this != &other) {
    if (strm_)
      inflateEnd(strm_.get());
    out_ = other.out_;
    strm_ = std::move(other.strm_);
    in_member_ = other.in_member_;
    failed_ = std::move(other.failed_);
  }
  return *this;
}

GzipReader::~GzipReader() {
  if (strm_)
    inflateEnd(strm_.get());
}

Status GzipReader::Append(std::string_view chunk) {
  if (!failed_.ok())
    return failed_;
  if (!strm_) {
    auto strm = std::make_unique<z_stream>();
    int rc = inflateInit2(strm.get(), kGzipReadBits);
    if (rc != Z_OK)
      return Status::Internal("gzip: inflateInit2 failed: {}", rc);
    strm_ = std::move(strm);
  }
  z_stream* s = strm_.get();
  while (!chunk.empty()) {
    if (!in_member_) {
      // Either the very first member or the one after a Z_STREAM_END: both start
      // from a clean state so the next gzip header is parsed.
      inflateReset(s);
      in_member_ = true;
    }
    size_t piece = std::min(chunk.size(), kMaxZlibInput);
    s->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
    s->avail_in = static_cast<uInt>(piece);
    for (;;) {
      size_t old;
      s->next_out = reinterpret_cast<Bytef*>(GrowForOutput(out_, &old));
      s->avail_out = static_cast<uInt>(kOutChunk);
      int rc = inflate(s, Z_NO_FLUSH);
      out_->resize(old + kOutChunk - s->avail_out);
      if (rc == Z_STREAM_END) {
        in_member_ = false;  // any remaining input is the next member
        break;
      }
      // Z_BUF_ERROR: no progress possible. With output space available that can only
      // mean the member needs more input than this chunk holds.
      if (rc == Z_BUF_ERROR && s->avail_in == 0)
        break;
      if (rc != Z_OK) {
        failed_ = ZlibError(*s, rc);
        return failed_;
      }
      if (s->avail_in == 0 && s->avail_out != 0)
        break;  // all input consumed and flushed
    }
    chunk.remove_prefix(piece - s->avail_in);
  }
  return Status::OK();
}

Status GzipReader::Finish() {
  if (!failed_.ok())
    return failed_;
  if (in_member_) {
    failed_ = Status::Corruption("gzip: truncated input (stream ends inside a member)");
    return failed_;
  }
  return Status::OK();
}

Result<std::string> GzipCompress(std::string_view data, int level) {
  std::string out;
  GzipWriter w(&out, level);
  FLOW_TRY(w.Append(data));
  FLOW_TRY(w.Finish());
  return out;
}

Result<std::string> GzipDecompress(std::string_view data) {
  std::string out;
  GzipReader r(&out);
  FLOW_TRY(r.Append(data));
  FLOW_TRY(r.Finish());
  return out;
}

// ---- ZstdWriter ----

namespace {
void FreeCCtx(ZSTD_CCtx* c) {
  ZSTD_freeCCtx(c);
}
void FreeDCtx(ZSTD_DCtx* d) {
  ZSTD_freeDCtx(d);
}
}  // namespace

ZstdWriter::ZstdWriter(std::string* out, int level)
    : out_(out), level_(level), cctx_(nullptr, &FreeCCtx) {}
ZstdWriter::ZstdWriter(ZstdWriter&&) noexcept = default;
ZstdWriter& ZstdWriter::operator=(ZstdWriter&&) noexcept = default;
ZstdWriter::~ZstdWriter() = default;

Status ZstdWriter::Compress(std::string_view data, int mode) {
  if (!cctx_) {
    if (level_ < ZSTD_minCLevel() || level_ > ZSTD_maxCLevel()) {
      return Status::InvalidArgument("zstd: compression level {} is not in {}..{}", level_,
                                     ZSTD_minCLevel(), ZSTD_maxCLevel());
    }
    cctx_.reset(ZSTD_createCCtx());
    if (!cctx_)
      return Status::Internal("zstd: cannot allocate a compression context");
    // The content checksum is what lets a reader notice flipped bits in literals.
    size_t rc = ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_compressionLevel, level_);
    if (!ZSTD_isError(rc))
      rc = ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_checksumFlag, 1);
    if (ZSTD_isError(rc)) {
      cctx_.reset();
      return Status::Internal("zstd: {}", ZSTD_getErrorName(rc));
    }
  }
  auto directive = static_cast<ZSTD_EndDirective>(mode);
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  for (;;) {
    size_t old;
    ZSTD_outBuffer o{GrowForOutput(out_, &old), kOutChunk, 0};
    size_t remaining = ZSTD_compressStream2(cctx_.get(), &o, &in, directive);
    out_->resize(old + o.pos);
    if (ZSTD_isError(remaining))
      return Status::Internal("zstd: {}", ZSTD_getErrorName(remaining));
    bool done = directive == ZSTD_e_end ? remaining == 0 : in.pos == in.size;
    if (done)
      break;
  }
  return Status::OK();
}

Status ZstdWriter::Append(std::string_view data) {
  if (data.empty())
    return Status::OK();
  return Compress(data, ZSTD_e_continue);
}

Status ZstdWriter::Finish() {
  return Compress({}, ZSTD_e_end);
}

// ---- ZstdReader ----

ZstdReader::ZstdReader(std::string* out) : out_(out), dctx_(nullptr, &FreeDCtx) {}
ZstdReader::ZstdReader(ZstdReader&&) noexcept = default;
ZstdReader& ZstdReader::operator=(ZstdReader&&) noexcept = default;
ZstdReader::~ZstdReader() = default;

Status ZstdReader::Append(std::string_view chunk) {
  if (!failed_.ok())
    return failed_;
  if (chunk.empty())
    return Status::OK();
  if (!dctx_) {
    dctx_.reset(ZSTD_createDCtx());
    if (!dctx_)
      return Status::Internal("zstd: cannot allocate a decompression context");
  }
  ZSTD_inBuffer in{chunk.data(), chunk.size(), 0};
  for (;;) {
    size_t old;
    ZSTD_outBuffer o{GrowForOutput(out_, &old), kOutChunk, 0};
    // After a frame ends (return 0) the next call starts on the following frame.
    size_t ret = ZSTD_decompressStream(dctx_.get(), &o, &in);
    out_->resize(old + o.pos);
    if (ZSTD_isError(ret)) {
      failed_ = Status::Corruption("zstd: {}", ZSTD_getErrorName(ret));
      return failed_;
    }
    in_frame_ = ret != 0;
    // Done when all input is consumed and flushed. Test ret == 0 first: a frame that
    // ends exactly as the output fills must not trigger one more call, which would
    // begin the (absent) next frame and report it as unfinished.
    if (in.pos == in.size && (ret == 0 || o.pos < o.size))
      break;
  }
  return Status::OK();
}

Status ZstdReader::Finish() {
  if (!failed_.ok())
    return failed_;
  if (in_frame_) {
    failed_ = Status::Corruption("zstd: truncated input (stream ends inside a frame)");
    return failed_;
  }
  return Status::OK();
}

Result<std::string> ZstdCompress(std::string_view data, int level) {
  std::string out;
  ZstdWriter w(&out, level);
  FLOW_TRY(w.Append(data));
  FLOW_TRY(w.Finish());
  return out;
}

Result<std::string> ZstdDecompress(std::string_view data) {
  std::string out;
  ZstdReader r(&out);
  FLOW_TRY(r.Append(data));
  FLOW_TRY(r.Finish());
  return out;
}

}  // namespace flow

// SPDX-License-Identifier: Apache-2.0
// storage/fragment_file.cc: per-codec fragment encoders and decoders.
#include "storage/fragment_file.h"

namespace flow::storage {
namespace {

Status CheckCodec(Codec codec) {
  switch (codec) {
    case Codec::kNone:
    case Codec::kGzip:
    case Codec::kGzipOffloadDecompression:
    case Codec::kZstandard:
      return Status::OK();
    case Codec::kSnappy:
      return Status::Unsupported(
          "SNAPPY fragments (snappy framing format) cannot be encoded or decoded by flowctl");
    case Codec::kInvalid:
      break;
  }
  return Status::InvalidArgument("invalid compression codec {}", static_cast<int>(codec));
}

bool IsGzip(Codec codec) {
  return codec == Codec::kGzip || codec == Codec::kGzipOffloadDecompression;
}

}  // namespace

FragmentEncoder::~FragmentEncoder() = default;

Result<FragmentEncoder> FragmentEncoder::Create(Codec codec, std::string* out,
                                                const EncodeOptions& options) {
  FLOW_TRY(CheckCodec(codec));
  FragmentEncoder enc(codec, out);
  if (IsGzip(codec)) {
    if (options.gzip_level < -1 || options.gzip_level > 9)
      return Status::InvalidArgument("gzip level {} is outside 0..9", options.gzip_level);
    enc.gzip_ = std::make_unique<GzipWriter>(out, options.gzip_level);
  } else if (codec == Codec::kZstandard) {
    enc.zstd_ = std::make_unique<ZstdWriter>(out, options.zstd_level);
  }
  return enc;
}

Status FragmentEncoder::Append(std::string_view content) {
  if (gzip_)
    return gzip_->Append(content);
  if (zstd_)
    return zstd_->Append(content);
  out_->append(content);
  return Status::OK();
}

Status FragmentEncoder::Finish() {
  if (gzip_)
    return gzip_->Finish();
  if (zstd_)
    return zstd_->Finish();
  return Status::OK();
}

FragmentDecoder::~FragmentDecoder() = default;

Result<FragmentDecoder> FragmentDecoder::Create(Codec codec, std::string* out) {
  FLOW_TRY(CheckCodec(codec));
  FragmentDecoder dec(codec, out);
  if (IsGzip(codec)) {
    dec.gzip_ = std::make_unique<GzipReader>(out);
  } else if (codec == Codec::kZstandard) {
    dec.zstd_ = std::make_unique<ZstdReader>(out);
  }
  return dec;
}

Status FragmentDecoder::Append(std::string_view chunk) {
  if (gzip_)
    return gzip_->Append(chunk);
  if (zstd_)
    return zstd_->Append(chunk);
  out_->append(chunk);
  return Status::OK();
}

Status FragmentDecoder::Finish() {
  if (gzip_)
    return gzip_->Finish();
  if (zstd_)
    return zstd_->Finish();
  return Status::OK();
}

Result<std::string> EncodeFragment(Codec codec, std::string_view content,
                                   const EncodeOptions& options) {
  std::string out;
  {
    FLOW_ASSIGN_OR_RETURN(FragmentEncoder enc, FragmentEncoder::Create(codec, &out, options));
    FLOW_TRY(enc.Append(content));
    FLOW_TRY(enc.Finish());
  }
  return out;
}

Result<std::string> DecodeFragment(Codec codec, std::string_view body) {
  std::string out;
  {
    FLOW_ASSIGN_OR_RETURN(FragmentDecoder dec, FragmentDecoder::Create(codec, &out));
    FLOW_TRY(dec.Append(body));
    FLOW_TRY(dec.Finish());
  }
  return out;
}

std::string_view ContentEncodingFor(Codec codec) {
  return codec == Codec::kGzipOffloadDecompression ? "gzip" : "";
}

}  // namespace flow::storage

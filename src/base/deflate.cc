// SPDX-License-Identifier: Apache-2.0
// base/deflate.cc: gzip members through libdeflate.
#include "base/deflate.h"

#include <libdeflate.h>

namespace flow {

void GzipMemberCompressor::Free::operator()(libdeflate_compressor* c) const {
  libdeflate_free_compressor(c);
}

Result<GzipMemberCompressor> GzipMemberCompressor::Create(int level) {
  if (level < 0 || level > kMaxDeflateLevel)
    return Status::InvalidArgument("gzip level {} is outside 0..{}", level, kMaxDeflateLevel);
  libdeflate_compressor* c = libdeflate_alloc_compressor(level);
  if (c == nullptr)
    return Status::Internal("libdeflate: cannot allocate a level {} compressor", level);
  return GzipMemberCompressor(c, level);
}

Status GzipMemberCompressor::Compress(std::string_view data, std::string* out) {
  const size_t bound = libdeflate_gzip_compress_bound(c_.get(), data.size());
  const size_t old = out->size();
  out->resize(old + bound);
  size_t n = libdeflate_gzip_compress(c_.get(), data.data(), data.size(), out->data() + old, bound);
  if (n == 0) {
    out->resize(old);
    return Status::Internal("libdeflate: {} bytes did not fit the {}-byte bound", data.size(),
                            bound);
  }
  out->resize(old + n);
  return Status::OK();
}

}  // namespace flow

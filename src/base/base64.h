// SPDX-License-Identifier: Apache-2.0
// base/base64.h: standard base64 (RFC 4648, with padding) for SQLite blobs and contentEncoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flow {

std::string Base64Encode(std::string_view bytes);
/// Decodes padded standard base64; nullopt if `text` is not valid base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace flow

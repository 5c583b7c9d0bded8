// SPDX-License-Identifier: Apache-2.0
// base/base64.cc: base64 encoding and strict decoding.
#include "base/base64.h"

#include <cstdint>

namespace flow {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) |
                 uint32_t(uint8_t(bytes[i + 2]));
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2)
      v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int c[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char ch = text[i + j];
      if (ch == '=') {
        // Padding only in the last one or two positions of the last quantum.
        if (i + 4 != text.size() || j < 2)
          return std::nullopt;
        c[j] = 0;
        ++pad;
      } else {
        if (pad > 0)
          return std::nullopt;
        c[j] = DecodeChar(ch);
        if (c[j] < 0)
          return std::nullopt;
      }
    }
    uint32_t v =
        (uint32_t(c[0]) << 18) | (uint32_t(c[1]) << 12) | (uint32_t(c[2]) << 6) | uint32_t(c[3]);
    out.push_back(static_cast<char>((v >> 16) & 0xff));
    if (pad < 2)
      out.push_back(static_cast<char>((v >> 8) & 0xff));
    if (pad < 1)
      out.push_back(static_cast<char>(v & 0xff));
  }
  return out;
}

}  // namespace flow

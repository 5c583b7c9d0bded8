// SPDX-License-Identifier: Apache-2.0
// base/sha1.cc: SHA-1 through OpenSSL's EVP digest interface.
#include "base/sha1.h"

#include <openssl/evp.h>

#include "base/check.h"

namespace flow {

Sha1::Sha1() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
  FLOW_CHECK(ctx_ != nullptr, "EVP_MD_CTX_new failed");
  Init();
}

Sha1::Sha1(Sha1&&) noexcept = default;
Sha1& Sha1::operator=(Sha1&&) noexcept = default;
Sha1::~Sha1() = default;

void Sha1::Init() {
  FLOW_CHECK(EVP_DigestInit_ex(ctx_.get(), EVP_sha1(), nullptr) == 1, "EVP_DigestInit_ex failed");
}

void Sha1::Update(std::string_view data) {
  FLOW_CHECK(ctx_ != nullptr, "Sha1 used after move");
  FLOW_CHECK(EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) == 1,
             "EVP_DigestUpdate failed");
}

std::string Sha1::FinishHex() {
  FLOW_CHECK(ctx_ != nullptr, "Sha1 used after move");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  FLOW_CHECK(EVP_DigestFinal_ex(ctx_.get(), digest, &len) == 1, "EVP_DigestFinal_ex failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  Init();
  return hex;
}

std::string Sha1Hex(std::string_view data) {
  Sha1 h;
  h.Update(data);
  return h.FinishHex();
}

}  // namespace flow

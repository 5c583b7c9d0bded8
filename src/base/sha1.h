// SPDX-License-Identifier: Apache-2.0
// base/sha1.h: SHA-1 digests (OpenSSL EVP), e.g. for Gazette's fragment content sums.
//
// SHA-1 here names content, as Gazette's fragment names do; it is not used for
// security. A Sha1 object is not thread-safe; use one per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace flow {

/// Incremental SHA-1. Update() any number of times, then FinishHex(), after which the
/// object is reset and may hash a new message. Allocation or OpenSSL failures are
/// treated as fatal (FLOW_CHECK), so nothing here returns a Status.
class Sha1 {
 public:
  Sha1();
  Sha1(Sha1&&) noexcept;
  Sha1& operator=(Sha1&&) noexcept;
  ~Sha1();

  void Update(std::string_view data);
  /// The digest as 40 lowercase hex digits.
  std::string FinishHex();

 private:
  void Init();

  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> ctx_;
};

/// SHA-1 of `data` as 40 lowercase hex digits.
std::string Sha1Hex(std::string_view data);

}  // namespace flow

// SPDX-License-Identifier: Apache-2.0
// catalog/url.h: just enough RFC 3986 for catalog resources: parse, join, file URLs.
//
// Catalog resources are named by absolute URLs (file:///abs/flow.yaml). References in
// a catalog are joined against the URL of the file that holds them, as Flow does with
// the `url` crate. Paths keep their UTF-8 bytes; only characters that cannot appear in
// a URL are percent-encoded when a file path becomes a URL.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace flow::catalog {

struct UrlParts {
  std::string scheme;  ///< lower-cased, without ':'; empty for a relative reference
  bool has_authority = false;
  std::string authority;
  std::string path;
  bool has_query = false;
  std::string query;
  bool has_fragment = false;
  std::string fragment;

  std::string ToString() const;
};

UrlParts ParseUrl(std::string_view url);

/// Resolves `ref` against the absolute `base` (RFC 3986 §5.2).
std::string JoinUrl(std::string_view base, std::string_view ref);

/// The URL without its `#fragment`.
std::string_view StripFragment(std::string_view url);
/// The fragment without '#', or empty.
std::string_view FragmentOf(std::string_view url);
bool HasFragment(std::string_view url);

/// `file://` URL of an absolute filesystem path.
std::string FileUrl(std::string_view abs_path);
/// The filesystem path of a file:// URL (percent-decoded); InvalidArgument otherwise.
Result<std::string> FilePath(std::string_view file_url);

/// Percent-decodes `s` (invalid escapes are kept as-is).
std::string PercentDecode(std::string_view s);

}  // namespace flow::catalog

// SPDX-License-Identifier: Apache-2.0
// doc/schema/uri.h: RFC 3986 URI references: splitting, resolution and normalization.
//
// Only what schema identification needs: split a reference into its five components
// (RFC 3986 appendix B, which accepts any string), resolve it against a base (§5.2),
// remove dot segments and lower-case the scheme and host. Percent-encodings are kept
// as written, except in fragments, which PercentDecode() undoes for JSON pointers.
#pragma once

#include <string>
#include <string_view>

namespace flow::doc::schema {

struct Uri {
  std::string scheme;  ///< without ':'; empty for a relative reference
  bool has_authority = false;
  std::string authority;
  std::string path;
  bool has_query = false;
  std::string query;
  bool has_fragment = false;
  std::string fragment;

  static Uri Parse(std::string_view s);
  bool absolute() const { return !scheme.empty(); }
  /// The normalized text form.
  std::string ToString() const;
  /// ToString() without the fragment.
  std::string WithoutFragment() const;
  /// Resolves `ref` against this (absolute) base URI.
  Uri Resolve(const Uri& ref) const;
};

/// Resolves `ref` against `base` and normalizes; an empty fragment ("x#") is dropped.
std::string ResolveUri(std::string_view base, std::string_view ref);
/// The part of `uri` before any '#'.
std::string_view StripFragment(std::string_view uri);
/// The part of `uri` after the first '#' ("" if none).
std::string_view FragmentOf(std::string_view uri);
/// Decodes %XX escapes; invalid escapes are kept as written.
std::string PercentDecode(std::string_view s);
/// Escapes a JSON pointer for use as a URI fragment (only characters outside RFC 3986
/// `fragment` are %-encoded).
std::string PercentEncodeFragment(std::string_view s);

}  // namespace flow::doc::schema

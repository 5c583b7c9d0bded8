// SPDX-License-Identifier: Apache-2.0
// doc/schema/formats.h: validation of the `format` keyword's string formats.
//
// The formats of spec §1.5 (RFC 3339 dates and times, RFC 5321 email, RFC 1123
// hostnames with IDNA2008 A-labels, IP addresses, RFC 3986/3987 URIs and IRIs, RFC
// 6570 templates, JSON pointers, ECMA-262 regexes, UUIDs, ISO 8601 durations) plus
// Flow's numeric-string formats `integer` and `number` and its `macaddr`,
// `macaddr8` and `sha256`.
#pragma once

#include <cstdint>
#include <string_view>

namespace flow::doc::schema {

enum class Format : uint8_t {
  kUnknown = 0,  ///< not validated
  kDate,
  kDateTime,
  kTime,
  kDuration,
  kEmail,
  kIdnEmail,
  kHostname,
  kIdnHostname,
  kIpv4,
  kIpv6,
  kUuid,
  kUri,
  kUriReference,
  kIri,
  kIriReference,
  kUriTemplate,
  kJsonPointer,
  kRelativeJsonPointer,
  kRegex,
  kInteger,  ///< Flow: a decimal string with an integral value ("12", "-3.00", "1e3")
  kNumber,   ///< Flow: a decimal string, or NaN, Infinity, -Infinity
  kMacaddr,
  kMacaddr8,
  kSha256,
};

/// The Format named `name` (Flow's aliases "datetime", "uint32", "uint64" included);
/// kUnknown for names that are not validated.
Format ParseFormat(std::string_view name);
/// The canonical name, e.g. "date-time".
std::string_view FormatName(Format f);
/// True if `s` is valid for `f` (always true for kUnknown).
bool ValidateFormat(Format f, std::string_view s);

}  // namespace flow::doc::schema

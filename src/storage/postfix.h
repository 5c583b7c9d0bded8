// SPDX-License-Identifier: Apache-2.0
// storage/postfix.h: the fragment path postfix template (spec §1.3), e.g. Flow's
// `utc_date=YYYY-MM-DD/utc_hour=HH`, rendered from a spool's first append time.
//
// Gazette evaluates a Go text/template. flowctl supports the subset journals use:
// literal text and `{{ .Spool.FirstAppendTime.Format "<Go layout>" }}` actions (spaces
// inside the braces optional, the layout in "double" or `back` quotes). Layouts use Go's
// reference time (2006-01-02 15:04:05 Mon Jan, see FormatGoTime). Times are always UTC.
// Immutable after Parse(); safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace flow::storage {

/// Flow's template for collection journals.
inline constexpr std::string_view kFlowPostfixTemplate =
    R"(utc_date={{.Spool.FirstAppendTime.Format "2006-01-02"}}/utc_hour={{.Spool.FirstAppendTime.Format "15"}})";

/// Formats `unix_nanos` (UTC) with a Go time layout. Supported elements: 2006 06 01 1
/// Jan January 02 2 _2 002 __2 Mon Monday 15 03 3 04 4 05 5 PM pm MST, the zone forms
/// Z07:00 Z0700 Z07 Z07:00:00 Z070000 -07:00 -0700 -07 -07:00:00 -070000, and fractional
/// seconds .000/.999 (also with ','). Everything else is copied literally, as Go does.
std::string FormatGoTime(std::string_view layout, int64_t unix_nanos);

class PostfixTemplate {
 public:
  /// The empty template, which renders "" (no postfix segment).
  PostfixTemplate() = default;

  /// InvalidArgument for unbalanced braces or an action other than
  /// `.Spool.FirstAppendTime.Format "<layout>"`.
  static Result<PostfixTemplate> Parse(std::string_view text);

  /// Renders the postfix for a spool whose first commit was at `first_append_unix_nanos`.
  /// InvalidArgument if the result is not a valid path component (§1.3).
  Result<std::string> Render(int64_t first_append_unix_nanos) const;

  const std::string& text() const { return text_; }

 private:
  struct Piece {
    bool is_time = false;
    std::string text;  // literal text, or the time layout
  };
  std::string text_;
  std::vector<Piece> pieces_;
};

}  // namespace flow::storage

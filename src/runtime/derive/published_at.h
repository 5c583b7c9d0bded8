// SPDX-License-Identifier: Apache-2.0
// runtime/derive/published_at.h: the `flow_published_at` text of a document's UUID clock.
#pragma once

#include <cstdint>
#include <string>

namespace flow::runtime::derive {

/// RFC 3339 UTC with up to 7 fractional digits (the UUID clock's 100 ns), trailing zeros
/// trimmed: 1687984186494594500 -> "2023-06-28T20:29:46.4945945Z".
std::string FormatPublishedAt(int64_t unix_nanos);

}  // namespace flow::runtime::derive

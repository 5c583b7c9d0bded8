// SPDX-License-Identifier: Apache-2.0
// base/log.h: leveled logging to stderr as text or JSON lines.
//
// Configured once at start-up from --log.level and --log.format; safe to call from
// any thread (each record is written with one write(2)).
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "base/status.h"

namespace flow::log {

enum class Level : int { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };
enum class Format : int { kText = 0, kJson };

Result<Level> ParseLevel(std::string_view name);
Result<Format> ParseFormat(std::string_view name);
std::string_view LevelName(Level level);

void SetLevel(Level level);
void SetFormat(Format format);
Level CurrentLevel();
bool Enabled(Level level);

/// Formats one record; exposed for tests. `now_unix_micros` stamps JSON records.
std::string FormatRecord(Format format, Level level, std::string_view msg,
                         long long now_unix_micros);

void Write(Level level, std::string_view msg);

template <typename... Args>
void Log(Level level, fmt::format_string<Args...> f, Args&&... args) {
  if (Enabled(level))
    Write(level, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace flow::log

#define FLOW_LOG_DEBUG(...) ::flow::log::Log(::flow::log::Level::kDebug, __VA_ARGS__)
#define FLOW_LOG_INFO(...) ::flow::log::Log(::flow::log::Level::kInfo, __VA_ARGS__)
#define FLOW_LOG_WARN(...) ::flow::log::Log(::flow::log::Level::kWarn, __VA_ARGS__)
#define FLOW_LOG_ERROR(...) ::flow::log::Log(::flow::log::Level::kError, __VA_ARGS__)

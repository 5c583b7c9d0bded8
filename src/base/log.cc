// SPDX-License-Identifier: Apache-2.0
// base/log.cc: log record formatting and the stderr sink.
#include "base/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>

namespace flow::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<int> g_format{static_cast<int>(Format::kText)};

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          out->append(fmt::format("\\u{:04x}", c));
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

}  // namespace

Result<Level> ParseLevel(std::string_view name) {
  if (name == "trace")
    return Level::kTrace;
  if (name == "debug")
    return Level::kDebug;
  if (name == "info")
    return Level::kInfo;
  if (name == "warn" || name == "warning")
    return Level::kWarn;
  if (name == "error")
    return Level::kError;
  if (name == "off")
    return Level::kOff;
  return Status::InvalidArgument(
      "unknown log level \"{}\" (expected trace, debug, info, warn, error or off)", name);
}

Result<Format> ParseFormat(std::string_view name) {
  if (name == "text")
    return Format::kText;
  if (name == "json")
    return Format::kJson;
  return Status::InvalidArgument("unknown log format \"{}\" (expected text or json)", name);
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kTrace:
      return "trace";
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
  }
  return "unknown";
}

void SetLevel(Level level) {
  g_level.store(static_cast<int>(level));
}
void SetFormat(Format format) {
  g_format.store(static_cast<int>(format));
}
Level CurrentLevel() {
  return static_cast<Level>(g_level.load());
}
bool Enabled(Level level) {
  return level != Level::kOff && static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

std::string FormatRecord(Format format, Level level, std::string_view msg, long long now_micros) {
  std::string out;
  if (format == Format::kJson) {
    std::time_t secs = static_cast<std::time_t>(now_micros / 1000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char ts[32];
    std::strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    out.append("{\"ts\":\"").append(ts);
    out.append(fmt::format(".{:06d}Z\",\"level\":\"", now_micros % 1000000));
    out.append(LevelName(level)).append("\",\"msg\":");
    AppendJsonString(&out, msg);
    out.append("}\n");
  } else {
    out.append(LevelName(level)).append(": ").append(msg).push_back('\n');
  }
  return out;
}

void Write(Level level, std::string_view msg) {
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::string rec = FormatRecord(static_cast<Format>(g_format.load()), level, msg, now);
  const char* p = rec.data();
  size_t left = rec.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0)
      return;  // stderr is gone; nothing better to do
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace flow::log

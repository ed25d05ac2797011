// Structured JSON log lines (one object per line on stdout), written by a background thread
// so request handling never blocks on the terminal or a pipe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace motcua::core {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

/// One field of a log line.
using LogValue = std::variant<std::string_view, std::int64_t, double, bool>;
using LogField = std::pair<std::string_view, LogValue>;

/// Sets up the process logger. `level` is one of debug|info|warn|error. Call once at start.
void InitLogging(LogLevel level);
/// Parses a level name; nullopt-like false when unknown.
bool ParseLogLevel(std::string_view name, LogLevel& out);
/// Writes `{"ts":…,"level":…,"msg":…, fields…}`. Thread-safe; drops lines under overload
/// rather than blocking the caller.
void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});
/// Flushes queued lines (at shutdown).
void FlushLogs();

/// Appends `text` to `out` as a JSON string literal (with quotes).
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace motcua::core

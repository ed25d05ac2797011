// Instants as text: RFC 3339 in UTC with milliseconds (`2026-11-22T05:30:00.123Z`), the form
// stored in the database (sortable as text in both engines) and written to logs.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace motcua::core {

/// Formats an instant as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
std::string FormatUtc(std::chrono::system_clock::time_point t);
/// FormatUtc(now).
std::string NowUtc();
/// Reads FormatUtc's form back (the milliseconds may be absent); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> ParseUtc(std::string_view text);

}  // namespace motcua::core

#include "core/time.hpp"

#include <cstdio>
#include <ctime>

namespace motcua::core {

std::string FormatUtc(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms / 1000);
  auto frac = static_cast<int>(ms % 1000);
  if (frac < 0) {
    frac += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

std::string NowUtc() { return FormatUtc(std::chrono::system_clock::now()); }

std::optional<std::chrono::system_clock::time_point> ParseUtc(std::string_view text) {
  using namespace std::chrono;
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    if (at + n > text.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s, ms = 0;
  if (text.size() < 20 || !digits(0, 4, y) || text[4] != '-' || !digits(5, 2, mo) || text[7] != '-' ||
      !digits(8, 2, d) || text[10] != 'T' || !digits(11, 2, h) || text[13] != ':' || !digits(14, 2, mi) ||
      text[16] != ':' || !digits(17, 2, s) || text.back() != 'Z') {
    return std::nullopt;
  }
  if (text.size() == 24) {
    if (text[19] != '.' || !digits(20, 3, ms)) return std::nullopt;
  } else if (text.size() != 20) {
    return std::nullopt;
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return system_clock::time_point(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
}

}  // namespace motcua::core

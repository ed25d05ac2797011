#include "notify/delivery.hpp"

#include <algorithm>
#include <cmath>

namespace motcua::notify {

std::chrono::milliseconds Backoff::Delay(int attempt, double jitter) const {
  using std::chrono::milliseconds;
  int n = std::clamp(attempt, 1, 40);
  double base_ms = static_cast<double>(std::chrono::duration_cast<milliseconds>(base).count());
  double cap_ms = static_cast<double>(std::chrono::duration_cast<milliseconds>(cap).count());
  double full = std::min(cap_ms, base_ms * std::ldexp(1.0, n - 1));
  // "Equal jitter": at least half the delay, so retries never bunch up near zero.
  double j = std::clamp(jitter, 0.0, 1.0);
  return milliseconds(static_cast<std::int64_t>(full * (0.5 + 0.5 * j)));
}

std::chrono::seconds RateLimitWait(std::int64_t sent_last_hour, std::int64_t per_hour,
                                   std::chrono::seconds since_oldest) {
  if (per_hour <= 0 || sent_last_hour < per_hour) return std::chrono::seconds(0);
  // The window frees a slot when the oldest message of the last hour leaves it.
  auto wait = std::chrono::seconds(std::chrono::hours(1)) - since_oldest;
  return std::max(wait, std::chrono::seconds(1));
}

std::optional<std::string> NormalizeEmail(std::string_view a) {
  while (!a.empty() && a.front() == ' ') a.remove_prefix(1);
  while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
  if (a.empty() || a.size() > 254) return std::nullopt;
  auto at = a.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || at + 1 >= a.size()) return std::nullopt;
  std::string_view local = a.substr(0, at), domain = a.substr(at + 1);
  for (char c : local) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '"' || c == '(' || c == ')' || c == ',' ||
        c == ';' || c == ':' || c == '\\' || c == '[' || c == ']' || c == '@') {
      return std::nullopt;
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return std::nullopt;
  // Domain: dot-separated labels of letters, digits and inner hyphens, at least two labels.
  if (domain.find('.') == std::string_view::npos) return std::nullopt;
  std::string out(local);
  out += '@';
  std::size_t label = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    char c = i < domain.size() ? domain[i] : '.';
    if (c == '.') {
      if (label == 0 || label > 63 || domain[i - 1] == '-') return std::nullopt;
      if (i < domain.size()) out += '.';
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c == '-' && label > 0);
    if (!ok) return std::nullopt;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    ++label;
  }
  return out;
}

std::optional<std::string> NormalizePhone(std::string_view p) {
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == ' ' || c == '.' || c == '-') continue;
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  std::string national;
  if (digits.starts_with("84") && (plus || digits.size() == 11)) {
    national = digits.substr(2);
  } else if (!plus && digits.starts_with("0")) {
    national = digits.substr(1);
  } else {
    return std::nullopt;
  }
  // Mobile numbers since 2018: 9 digits after the country code, starting 3, 5, 7, 8 or 9.
  if (national.size() != 9 || std::string_view("35789").find(national[0]) == std::string_view::npos) {
    return std::nullopt;
  }
  return "84" + national;
}

}  // namespace motcua::notify

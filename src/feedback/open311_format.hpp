// GeoReport v2 documents in XML and JSON (REFERENCES.md §5): one JSON value is written either as
// JSON or as the specification's XML (root element, one child element per array item, element
// names as the specification spells them), and the error list `[{code, description}]`. Also
// the `application/x-www-form-urlencoded` body of POST requests and a per-source rate limiter.
// Pure: no I/O.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace motcua::feedback::open311 {

enum class Format { kJson, kXml };

/// Splits `requests.json` into (`requests`, kJson); nullopt without a known suffix.
std::optional<std::pair<std::string, Format>> SplitFormat(std::string_view document);

/// `text/xml; charset=utf-8` or `application/json; charset=utf-8`.
std::string_view ContentType(Format f);

/// The value as XML under `root`. Arrays repeat the singular of their name (`services` →
/// `service`, `attributes` → `attribute`, `values` → `value`, `endpoints` → `endpoint`, `formats` →
/// `format`, `service_requests` → `request`, `errors` → `error`); null is an empty element;
/// text is escaped and characters XML 1.0 cannot carry are dropped. Starts with the XML
/// declaration.
std::string ToXml(const boost::json::value& v, std::string_view root);

/// The body in the chosen format (`root` names the XML root element).
std::string Render(const boost::json::value& v, std::string_view root, Format f);

/// The GeoReport error list with one error.
boost::json::value Errors(int code, std::string_view description);

/// Decodes `a=1&b=x+y`; nullopt on a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body);

/// A sliding-window limit of `per_hour` events per key (an api_key or a client address).
/// Thread-safe. Once it holds more than `max_keys` keys it forgets those idle for half an hour.
class RateLimiter {
 public:
  explicit RateLimiter(std::size_t per_hour, std::size_t max_keys = 10000) : per_hour_(per_hour), max_keys_(max_keys) {}
  /// Records an event for `key` at `now` and returns 0, or returns the seconds to wait (≥ 1)
  /// when the key has used its hour; a refused event is not recorded. 0 per hour = no limit.
  int Take(const std::string& key, std::chrono::steady_clock::time_point now);

 private:
  std::size_t per_hour_, max_keys_;
  std::mutex mutex_;
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> seen_;
};

}  // namespace motcua::feedback::open311

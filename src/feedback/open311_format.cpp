#include "feedback/open311_format.hpp"

#include <boost/json.hpp>

#include <cstdio>

#include "http/target.hpp"

namespace motcua::feedback::open311 {

namespace json = boost::json;

namespace {

std::string Singular(std::string_view plural) {
  if (plural == "service_requests") return "request";
  if (plural == "services") return "service";
  if (plural == "attributes") return "attribute";
  if (plural == "values") return "value";
  if (plural == "endpoints") return "endpoint";
  if (plural == "formats") return "format";
  if (plural == "errors") return "error";
  if (plural.ends_with("s")) return std::string(plural.substr(0, plural.size() - 1));
  return std::string(plural) + "_item";
}

// XML 1.0 text: escaped, with the characters it cannot carry (C0 controls but tab, LF, CR) left out.
void Escape(std::string_view s, std::string& out) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') break;
        out += ch;
    }
  }
}

void Element(const json::value& v, const std::string& name, std::string& out) {
  if (v.is_null()) {
    out += "<" + name + "/>";
    return;
  }
  out += "<" + name + ">";
  if (v.is_object()) {
    for (const auto& kv : v.as_object()) Element(kv.value(), std::string(kv.key()), out);
  } else if (v.is_array()) {
    std::string item = Singular(name);
    for (const auto& x : v.as_array()) Element(x, item, out);
  } else if (v.is_string()) {
    Escape(v.as_string(), out);
  } else if (v.is_bool()) {
    out += v.as_bool() ? "true" : "false";
  } else if (v.is_double()) {
    // Decimal text (coordinates), not JSON's exponent form.
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.8f", v.as_double());
    std::string t(buf);
    while (t.find('.') != std::string::npos && (t.back() == '0' || t.back() == '.')) {
      bool dot = t.back() == '.';
      t.pop_back();
      if (dot) break;
    }
    out += t;
  } else {
    out += json::serialize(v);
  }
  out += "</" + name + ">";
}

}  // namespace

std::optional<std::pair<std::string, Format>> SplitFormat(std::string_view document) {
  if (document.ends_with(".json") && document.size() > 5) return std::pair{std::string(document.substr(0, document.size() - 5)), Format::kJson};
  if (document.ends_with(".xml") && document.size() > 4) return std::pair{std::string(document.substr(0, document.size() - 4)), Format::kXml};
  return std::nullopt;
}

std::string_view ContentType(Format f) {
  return f == Format::kXml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";
}

std::string ToXml(const json::value& v, std::string_view root) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
  Element(v, std::string(root), out);
  return out;
}

std::string Render(const json::value& v, std::string_view root, Format f) {
  return f == Format::kXml ? ToXml(v, root) : json::serialize(v);
}

json::value Errors(int code, std::string_view description) {
  return json::array{json::object{{"code", code}, {"description", description}}};
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start <= body.size()) {
    auto amp = body.find('&', start);
    if (amp == std::string_view::npos) amp = body.size();
    std::string_view part = body.substr(start, amp - start);
    if (!part.empty()) {
      auto eq = part.find('=');
      std::string k, v;
      if (!http::PercentDecode(part.substr(0, eq), true, k)) return std::nullopt;
      if (eq != std::string_view::npos && !http::PercentDecode(part.substr(eq + 1), true, v)) return std::nullopt;
      out.emplace_back(std::move(k), std::move(v));
    }
    start = amp + 1;
  }
  return out;
}

int RateLimiter::Take(const std::string& key, std::chrono::steady_clock::time_point now) {
  if (per_hour_ == 0) return 0;
  constexpr auto kHour = std::chrono::hours(1);
  std::lock_guard lock(mutex_);
  auto& q = seen_[key];
  while (!q.empty() && now - q.front() >= kHour) q.pop_front();
  if (q.size() >= per_hour_) {
    auto wait = std::chrono::ceil<std::chrono::seconds>(q.front() + kHour - now).count();
    return static_cast<int>(std::max<long long>(wait, 1));
  }
  q.push_back(now);
  if (seen_.size() > max_keys_) {
    // Forget keys whose last event is the oldest; a bounded map under a flood of new sources.
    for (auto it = seen_.begin(); it != seen_.end() && seen_.size() > max_keys_;) {
      it = (it->first != key && (it->second.empty() || now - it->second.back() >= kHour / 2)) ? seen_.erase(it) : std::next(it);
    }
  }
  return 0;
}

}  // namespace motcua::feedback::open311

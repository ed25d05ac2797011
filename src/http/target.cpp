#include "http/target.hpp"

#include "core/text.hpp"

namespace motcua::http {

using core::HexDigitValue;

namespace {

core::Result<Target> Bad(std::string message) {
  return core::Fail(core::ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

bool PercentDecode(std::string_view text, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return false;
      int hi = HexDigitValue(text[i + 1]);
      int lo = HexDigitValue(text[i + 2]);
      if (hi < 0 || lo < 0) return false;
      char decoded = static_cast<char>(hi << 4 | lo);
      if (decoded == '\0') return false;
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  // Decoded text goes on to the database, whose UTF-8 text refuses anything else.
  return core::IsUtf8(out);
}

core::Result<Target> ParseTarget(std::string_view raw) {
  if (raw.empty() || raw.front() != '/') {
    return Bad("The request target must be an absolute path starting with '/'.");
  }
  for (char c : raw) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '#') {
      return Bad("The request target contains a character that is not allowed.");
    }
  }
  std::string_view raw_path = raw;
  std::string_view raw_query;
  if (auto q = raw.find('?'); q != std::string_view::npos) {
    raw_path = raw.substr(0, q);
    raw_query = raw.substr(q + 1);
  }

  Target target;
  std::string decoded;
  // Skip the leading '/', then split on '/' before decoding so that %2F stays inside a segment.
  std::string_view rest = raw_path.substr(1);
  if (!rest.empty()) {
    for (;;) {
      auto slash = rest.find('/');
      std::string_view seg = rest.substr(0, slash);
      if (!PercentDecode(seg, false, decoded)) {
        return Bad("The request path has a malformed percent-encoding or is not UTF-8 text.");
      }
      if (decoded == "." || decoded == "..") {
        return Bad("The request path must not contain '.' or '..' segments.");
      }
      target.segments.push_back(decoded);
      if (slash == std::string_view::npos) break;
      rest = rest.substr(slash + 1);
    }
  }
  target.path.push_back('/');
  for (std::size_t i = 0; i < target.segments.size(); ++i) {
    if (i > 0) target.path.push_back('/');
    target.path += target.segments[i];
  }

  while (!raw_query.empty()) {
    auto amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view{} : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key;
    std::string value;
    if (!PercentDecode(pair.substr(0, eq), true, key) ||
        (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, value))) {
      return Bad("The query string has a malformed percent-encoding or is not UTF-8 text.");
    }
    target.query.emplace_back(std::move(key), std::move(value));
  }
  return target;
}

}  // namespace motcua::http

#include "http/message.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace motcua::http {

core::Result<void> CheckIdempotencyKey(std::string_view key) {
  bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
  if (key.size() <= 200 && printable) return {};
  return core::Fail(core::ErrorCode::kInvalidArgument,
                    "Idempotency-Key gồm tối đa 200 ký tự ASCII in được. / Idempotency-Key is at most 200 printable ASCII characters.",
                    {{"Idempotency-Key", "1–200 printable ASCII characters"}});
}

bool HeaderNameEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

Language NegotiateLanguage(std::string_view accept_language) {
  Language best = Language::kVi;
  double best_q = -1;
  while (!accept_language.empty()) {
    auto comma = accept_language.find(',');
    std::string_view item = accept_language.substr(0, comma);
    accept_language =
        comma == std::string_view::npos ? std::string_view{} : accept_language.substr(comma + 1);
    double q = 1.0;
    if (auto semi = item.find(';'); semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      item = item.substr(0, semi);
      if (auto qpos = params.find("q="); qpos != std::string_view::npos) {
        std::string_view qs = params.substr(qpos + 2);
        // from_chars for double is in libstdc++ 12.
        auto [ptr, ec] = std::from_chars(qs.data(), qs.data() + qs.size(), q);
        if (ec != std::errc{}) q = 0;
      }
    }
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    std::string_view primary = item.substr(0, item.find('-'));
    std::optional<Language> lang;
    if (HeaderNameEquals(primary, "vi")) lang = Language::kVi;
    if (HeaderNameEquals(primary, "en")) lang = Language::kEn;
    if (lang && q > best_q) {
      best = *lang;
      best_q = q;
    }
  }
  return best;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) return v;
  }
  return std::nullopt;
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [k, v] : path_params) {
    if (k == name) return v;
  }
  return {};
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

Response& Response::SetHeader(std::string_view name, std::string value) {
  for (auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) {
      v = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
  return *this;
}

std::optional<std::string_view> Response::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) return v;
  }
  return std::nullopt;
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", std::move(content_type));
  return r;
}

}  // namespace motcua::http

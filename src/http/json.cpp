#include "http/json.hpp"

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace motcua::http {

namespace {

std::optional<std::string> FindNul(const boost::json::value& v, std::string& pointer) {
  auto escaped = [](std::string_view key) {
    std::string out;
    for (char c : key) {
      if (c == '~') out += "~0";
      else if (c == '/') out += "~1";
      else out += c;
    }
    return out;
  };
  switch (v.kind()) {
    case boost::json::kind::string: {
      const auto& s = v.get_string();
      if (std::string_view(s.data(), s.size()).find('\0') != std::string_view::npos) return pointer;
      return std::nullopt;
    }
    case boost::json::kind::array: {
      const auto& a = v.get_array();
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::size_t mark = pointer.size();
        pointer += "/" + std::to_string(i);
        if (auto at = FindNul(a[i], pointer)) return at;
        pointer.resize(mark);
      }
      return std::nullopt;
    }
    case boost::json::kind::object: {
      for (const auto& member : v.get_object()) {
        const std::size_t mark = pointer.size();
        std::string_view key(member.key().data(), member.key().size());
        pointer += "/" + escaped(key);
        if (key.find('\0') != std::string_view::npos) return pointer;
        if (auto at = FindNul(member.value(), pointer)) return at;
        pointer.resize(mark);
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::string> NulPointer(const boost::json::value& value) {
  std::string pointer;
  return FindNul(value, pointer);
}

core::Result<boost::json::value> ParseJsonBody(const Request& request, JsonLimits limits) {
  auto content_type = request.Header("Content-Type").value_or("");
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  bool is_json = HeaderNameEquals(media, "application/json") ||
                 (media.size() > 5 && HeaderNameEquals(media.substr(media.size() - 5), "+json"));
  if (!is_json) {
    return core::Fail(core::ErrorCode::kUnsupportedMedia,
                      "The request body must be JSON (Content-Type: application/json).");
  }
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  std::size_t consumed = parser.write_some(request.body.data(), request.body.size(), ec);
  if (!ec) {
    parser.finish(ec);
    if (ec) consumed = request.body.size();
  }
  if (ec) {
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < consumed && i < request.body.size(); ++i) {
      if (request.body[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = ec == boost::json::error::too_deep ? "nesting is too deep"
                                                          : std::string(ec.message());
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "Invalid JSON at line " + std::to_string(line) + ", column " +
                          std::to_string(column) + " (byte " + std::to_string(consumed) +
                          "): " + what + ".",
                      {{"body", "line " + std::to_string(line) + ", column " +
                                    std::to_string(column)}});
  }
  boost::json::value body = parser.release();
  if (auto at = limits.allow_nul ? std::nullopt : NulPointer(body)) {
    std::string field = at->empty() ? std::string("/") : *at;
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "Văn bản không được chứa ký tự NUL (\\u0000). / Text may not contain the NUL character (\\u0000).",
                      {{field, "Văn bản chứa ký tự NUL (\\u0000). / The text contains the NUL character (\\u0000)."}});
  }
  return body;
}

core::Result<boost::json::object> ParseJsonObject(const Request& request, JsonLimits limits) {
  auto v = ParseJsonBody(request, limits);
  if (!v) return std::unexpected(v.error());
  if (!v->is_object()) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "Nội dung phải là một đối tượng JSON. / The body must be a JSON object.");
  }
  return std::move(v->as_object());
}

Response JsonResponse(int status, const boost::json::value& value) {
  return Response::Text(status, boost::json::serialize(value), "application/json; charset=utf-8");
}

}  // namespace motcua::http

#include "http/json.hpp"

#include <boost/json.hpp>

#include <string>

namespace motcua::http {

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
  return parser.release();
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

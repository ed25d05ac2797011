#include "http/problem.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>

namespace motcua::http {

namespace {

// One row per status a problem is answered with: its stable `type` slug and its titles.
struct StatusText {
  int status;
  std::string_view slug;
  const char* vi;
  const char* en;
};

constexpr StatusText kStatusTexts[] = {
    {400, "bad-request", "Yêu cầu không hợp lệ", "Bad request"},
    {401, "unauthenticated", "Chưa xác thực", "Authentication required"},
    {403, "forbidden", "Không có quyền truy cập", "Forbidden"},
    {404, "not-found", "Không tìm thấy", "Not found"},
    {405, "method-not-allowed", "Phương thức không được hỗ trợ", "Method not allowed"},
    {408, "request-timeout", "Hết thời gian chờ yêu cầu", "Request timeout"},
    {409, "conflict", "Xung đột trạng thái", "Conflict"},
    {413, "payload-too-large", "Dữ liệu gửi lên quá lớn", "Payload too large"},
    {415, "unsupported-media-type", "Định dạng dữ liệu không được hỗ trợ", "Unsupported media type"},
    {422, "validation-failed", "Dữ liệu không hợp lệ", "Validation failed"},
    {429, "too-many-requests", "Quá nhiều yêu cầu", "Too many requests"},
    {431, "header-too-large", "Phần đầu yêu cầu quá lớn", "Request header fields too large"},
    {503, "unavailable", "Dịch vụ tạm thời không sẵn sàng", "Service unavailable"},
};

constexpr StatusText kOtherServerError{500, "internal", "Lỗi hệ thống", "Internal server error"};
constexpr StatusText kOtherClientError{400, "bad-request", "Yêu cầu không được xử lý",
                                       "Request not processed"};

const StatusText& TextFor(int status) {
  for (const auto& t : kStatusTexts) {
    if (t.status == status) return t;
  }
  return status >= 500 ? kOtherServerError : kOtherClientError;
}

// Messages written once for both languages, as "Vietnamese / English", are answered in the
// request's language; any other text is passed through as it is.
std::string InLanguage(std::string text, Language language) {
  auto split = text.find(" / ");
  if (split == std::string::npos || text.find(" / ", split + 3) != std::string::npos) return text;
  if (language != Language::kEn) return text.substr(0, split);
  std::string en = text.substr(split + 3);
  if (!en.empty() && en[0] >= 'a' && en[0] <= 'z') en[0] = static_cast<char>(en[0] - 'a' + 'A');  // a sentence
  return en;
}

Response Build(const Request& request, int status, std::string_view slug, std::string detail,
               const std::vector<core::FieldError>& fields,
               std::optional<boost::json::array> allowed_actions = std::nullopt) {
  const StatusText& titles = TextFor(status);
  boost::json::object body;
  body["type"] = std::string("urn:motcua:problem:") + std::string(slug);
  body["title"] = request.language == Language::kEn ? titles.en : titles.vi;
  body["status"] = status;
  if (!detail.empty()) body["detail"] = InLanguage(std::move(detail), request.language);
  body["instance"] = request.path.empty() ? std::string_view("/") : request.path;
  if (!request.request_id.empty()) body["request_id"] = request.request_id;
  if (!fields.empty()) {
    boost::json::array errors;
    for (const auto& f : fields) {
      errors.push_back(boost::json::object{{"field", f.field}, {"message", InLanguage(f.message, request.language)}});
    }
    body["errors"] = std::move(errors);
  }
  if (allowed_actions) body["allowed_actions"] = std::move(*allowed_actions);
  Response r = Response::Text(status, boost::json::serialize(body), "application/problem+json");
  r.SetHeader("Content-Language", request.language == Language::kEn ? "en" : "vi");
  return r;
}

}  // namespace

int StatusFor(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kInvalidArgument: return 400;
    case core::ErrorCode::kUnauthenticated: return 401;
    case core::ErrorCode::kForbidden: return 403;
    case core::ErrorCode::kNotFound: return 404;
    case core::ErrorCode::kConflict: return 409;
    case core::ErrorCode::kPayloadTooLarge: return 413;
    case core::ErrorCode::kUnsupportedMedia: return 415;
    case core::ErrorCode::kTooManyRequests: return 429;
    case core::ErrorCode::kUnavailable: return 503;
    case core::ErrorCode::kInternal: return 500;
  }
  return 500;
}

Response ProblemResponse(const Request& request, const core::Error& error) {
  bool with_allowed = error.code == core::ErrorCode::kConflict && !error.fields.empty() &&
                      error.fields.front().field == "allowed_actions";
  if (!with_allowed) {
    return Build(request, StatusFor(error.code), core::ErrorCodeName(error.code), error.message,
                 error.fields);
  }
  boost::json::array allowed;
  const std::string& names = error.fields.front().message;
  for (std::size_t start = 0; start < names.size();) {
    auto comma = std::min(names.find(',', start), names.size());
    allowed.push_back(boost::json::string(names.substr(start, comma - start)));
    start = comma + 1;
  }
  return Build(request, StatusFor(error.code), core::ErrorCodeName(error.code), error.message,
               {}, std::move(allowed));
}

Response ProblemForStatus(const Request& request, int status, std::string detail) {
  return Build(request, status, TextFor(status).slug, std::move(detail), {});
}

}  // namespace motcua::http

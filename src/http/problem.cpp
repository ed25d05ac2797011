#include "http/problem.hpp"

#include <boost/json.hpp>

namespace motcua::http {

namespace {

struct Titles {
  const char* vi;
  const char* en;
};

Titles TitlesFor(int status) {
  switch (status) {
    case 400: return {"Yêu cầu không hợp lệ", "Bad request"};
    case 401: return {"Chưa xác thực", "Authentication required"};
    case 403: return {"Không có quyền truy cập", "Forbidden"};
    case 404: return {"Không tìm thấy", "Not found"};
    case 405: return {"Phương thức không được hỗ trợ", "Method not allowed"};
    case 408: return {"Hết thời gian chờ yêu cầu", "Request timeout"};
    case 409: return {"Xung đột trạng thái", "Conflict"};
    case 413: return {"Dữ liệu gửi lên quá lớn", "Payload too large"};
    case 415: return {"Định dạng dữ liệu không được hỗ trợ", "Unsupported media type"};
    case 422: return {"Dữ liệu không hợp lệ", "Validation failed"};
    case 429: return {"Quá nhiều yêu cầu", "Too many requests"};
    case 431: return {"Phần đầu yêu cầu quá lớn", "Request header fields too large"};
    case 503: return {"Dịch vụ tạm thời không sẵn sàng", "Service unavailable"};
    default:
      if (status >= 500) return {"Lỗi hệ thống", "Internal server error"};
      return {"Yêu cầu không được xử lý", "Request not processed"};
  }
}

std::string_view TypeSlugForStatus(int status) {
  switch (status) {
    case 400: return "bad-request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not-found";
    case 405: return "method-not-allowed";
    case 408: return "request-timeout";
    case 409: return "conflict";
    case 413: return "payload-too-large";
    case 415: return "unsupported-media-type";
    case 429: return "too-many-requests";
    case 431: return "header-too-large";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : "bad-request";
  }
}

Response Build(const Request& request, int status, std::string_view slug, std::string detail,
               const std::vector<core::FieldError>& fields) {
  Titles titles = TitlesFor(status);
  boost::json::object body;
  body["type"] = std::string("urn:motcua:problem:") + std::string(slug);
  body["title"] = request.language == Language::kEn ? titles.en : titles.vi;
  body["status"] = status;
  if (!detail.empty()) body["detail"] = std::move(detail);
  body["instance"] = request.path.empty() ? std::string_view("/") : request.path;
  if (!request.request_id.empty()) body["request_id"] = request.request_id;
  if (!fields.empty()) {
    boost::json::array errors;
    for (const auto& f : fields) {
      errors.push_back(boost::json::object{{"field", f.field}, {"message", f.message}});
    }
    body["errors"] = std::move(errors);
  }
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
  return Build(request, StatusFor(error.code), core::ErrorCodeName(error.code), error.message,
               error.fields);
}

Response ProblemForStatus(const Request& request, int status, std::string detail) {
  return Build(request, status, TypeSlugForStatus(status), std::move(detail), {});
}

}  // namespace motcua::http

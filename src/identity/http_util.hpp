// Small helpers shared by the identity routes (JSON fields, cookies, origins).
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"
#include "identity/service.hpp"

namespace motcua::identity::web {

/// Reads string members of a JSON object body with per-field errors.
class Fields {
 public:
  explicit Fields(const boost::json::object& o) : o_(o) {}
  /// The member as a string ("" when absent); a field error when it is not a string or longer
  /// than `max` bytes.
  std::string Text(const char* name, std::size_t max = 1000);
  std::vector<core::FieldError>& Errors() { return errors_; }

 private:
  const boost::json::object& o_;
  std::vector<core::FieldError> errors_;
};

/// The body as a JSON object, or the problem to answer.
core::Result<boost::json::object> ObjectBody(const http::Request& req);

Origin OriginOf(const http::Request& req);

/// The `Set-Cookie` value for a new session (`Secure` when the public URL is https).
std::string SessionCookieHeader(const std::string& token, std::chrono::minutes ttl, bool secure);
std::string ClearedSessionCookieHeader(bool secure);

/// Problem for an error, adding Retry-After for waits.
http::Response Problem(const http::Request& req, const core::Error& e, int retry_after = 0);

/// `{"account": Me, "csrf_token", "stage"}` plus the cookie.
boost::json::object MeJson(const store::Account& a, const std::string& csrf_token, bool totp_required);

}  // namespace motcua::identity::web

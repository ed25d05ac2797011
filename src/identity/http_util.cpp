#include "identity/http_util.hpp"

#include "http/json.hpp"
#include "http/problem.hpp"

namespace motcua::identity::web {

namespace json = boost::json;

std::string Fields::Text(const char* name, std::size_t max) {
  const json::value* v = o_.if_contains(name);
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_string()) {
    errors_.push_back({name, "Phải là chuỗi / must be a string"});
    return {};
  }
  if (v->as_string().size() > max) {
    errors_.push_back({name, "Dài quá " + std::to_string(max) + " byte / longer than " +
                                 std::to_string(max) + " bytes"});
    return {};
  }
  return std::string(v->as_string());
}

core::Result<json::object> ObjectBody(const http::Request& req) { return http::ParseJsonObject(req); }

Origin OriginOf(const http::Request& req) {
  Origin o;
  // Throttling and the audit log are per client address (behind a trusted proxy, the address it
  // forwarded), never per port: a client opens a new port with every connection.
  o.ip = req.client_address;
  if (o.ip.empty()) {
    o.ip = req.remote_address;
    if (auto colon = o.ip.rfind(':'); colon != std::string::npos) o.ip.resize(colon);
  }
  // Kept with the session (the session list shows it), so it must be text PostgreSQL takes: a
  // byte outside printable ASCII, which a browser's User-Agent never holds, becomes '?', and the
  // cut at 300 bytes never splits a character.
  o.user_agent = std::string(req.Header("user-agent").value_or(""));
  for (char& c : o.user_agent) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  o.request_id = req.request_id;
  o.language = req.language;
  return o;
}

std::string SessionCookieHeader(const std::string& token, std::chrono::minutes ttl, bool secure) {
  return "motcua_session=" + token + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ttl).count()) +
         (secure ? "; Secure" : "");
}

std::string ClearedSessionCookieHeader(bool secure) {
  return std::string("motcua_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0") +
         (secure ? "; Secure" : "");
}

http::Response Problem(const http::Request& req, const core::Error& e, int retry_after) {
  http::Response res = http::ProblemResponse(req, e);
  if (retry_after > 0) res.SetHeader("Retry-After", std::to_string(retry_after));
  if (e.code == core::ErrorCode::kUnauthenticated) {
    res.SetHeader("WWW-Authenticate", "Bearer realm=\"motcua\"");
  }
  return res;
}

json::object MeJson(const store::Account& a, const std::string& csrf_token, bool totp_required) {
  json::object o{{"id", a.id},
                 {"kind", a.kind},
                 {"login", a.login},
                 {"full_name", a.full_name},
                 {"personal_id", a.personal_id},
                 {"birth_date", a.birth_date},
                 {"gender", a.gender},
                 {"tax_code", a.tax_code},
                 {"business_name", a.business_name},
                 {"email", a.email},
                 {"phone", a.phone},
                 {"address", a.address},
                 {"language", a.language},
                 {"assurance_level", a.assurance_level},
                 {"totp_enabled", a.totp_enabled},
                 {"totp_required", totp_required},
                 {"enrolment_required", totp_required && !a.totp_enabled},
                 {"csrf_token", csrf_token}};
  json::array roles;
  for (const auto& r : a.roles) roles.push_back(json::string(r));
  o["roles"] = std::move(roles);
  if (a.agency) {
    o["agency"] = json::object{{"id", a.agency->id},
                               {"code", a.agency->code},
                               {"name", a.agency->name},
                               {"name_en", a.agency->name_en}};
  } else {
    o["agency"] = nullptr;
  }
  return o;
}

}  // namespace motcua::identity::web

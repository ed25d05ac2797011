#include "identity/routes.hpp"

#include <boost/json.hpp>

#include <charconv>

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "http/json.hpp"
#include "http/problem.hpp"
#include "identity/http_util.hpp"

namespace motcua::identity {

namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;
using http::Request;
using http::Response;
using namespace web;

bool SecureCookies(Service& s) { return s.Issuer().starts_with("https://"); }

std::string Msg(const Request& req, std::string_view vi, std::string_view en) {
  return std::string(req.language == http::Language::kEn ? en : vi);
}

Response SessionAnswer(Service& s, const IssuedSession& issued, int status = 200) {
  json::object body{{"stage", issued.session.stage},
                    {"csrf_token", issued.session.csrf_token},
                    {"account", MeJson(issued.account, issued.session.csrf_token,
                                       s.TotpRequiredFor(issued.account))}};
  Response res = http::JsonResponse(status, body);
  res.SetHeader("Set-Cookie", SessionCookieHeader(issued.token, s.Options().session_ttl, SecureCookies(s)));
  return res;
}

awaitable<Response> PostSession(Deps& d, Request req) {
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  std::string login = f.Text("login", 254);
  std::string password = f.Text("password", 1024);
  if (!f.Errors().empty()) {
    co_return Problem(req, {ErrorCode::kInvalidArgument, Msg(req, "Thiếu thông tin đăng nhập.", "Login details are missing."), f.Errors()});
  }
  auto issued = co_await d.service.Login(login, password, OriginOf(req));
  if (!issued) co_return Problem(req, issued.error().error, issued.error().retry_after);
  co_return SessionAnswer(d.service, *issued);
}

awaitable<Response> PostSessionTotp(Deps& d, Request req) {
  std::string token = SessionCookie(req);
  if (token.empty()) co_return Problem(req, {ErrorCode::kUnauthenticated, Msg(req, "Vui lòng đăng nhập.", "Please sign in."), {}});
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  std::string code = f.Text("code", 16);
  auto issued = co_await d.service.CompleteTotp(token, code, OriginOf(req));
  if (!issued) co_return Problem(req, issued.error().error, issued.error().retry_after);
  co_return SessionAnswer(d.service, *issued);
}

awaitable<Response> DeleteSession(Deps& d, Request req) {
  std::string token = SessionCookie(req);
  if (!token.empty()) {
    auto who = co_await d.service.Identify(req);
    // A CSRF failure must not log the user out; an already-ended session just clears the cookie.
    if (!who && who.error().code == ErrorCode::kForbidden) co_return Problem(req, who.error());
    co_await d.service.Logout(token, OriginOf(req));
  }
  Response res;
  res.status = 204;
  res.SetHeader("Set-Cookie", ClearedSessionCookieHeader(SecureCookies(d.service)));
  co_return res;
}

struct MeView {
  std::optional<store::Account> account;
  std::string csrf;
};

awaitable<MeView> LoadMe(Deps& d, Principal who) {
  MeView loaded = co_await http::Offload(d.service.Workers(), [&]() {
    MeView v;
    auto conn = d.service.Db().Acquire();
    v.account = store::FindAccountById(*conn, who.account_id);
    if (!who.session_id.empty()) {
      if (auto s = store::FindSessionById(*conn, who.session_id)) v.csrf = s->csrf_token;
    }
    return v;
  });
  co_return loaded;
}

// The browser's question "am I signed in?": 200 either way, so that an anonymous page view is
// not an error in the browser's console; an expired or revoked session counts as signed out.
awaitable<Response> GetSession(Deps& d, Request req) {
  auto who = co_await d.service.Identify(req);
  if (who && *who && (*who)->kind != AccountKind::kClient) {
    MeView v = co_await LoadMe(d, **who);
    if (v.account) {
      json::object body{{"signed_in", true},
                        {"account", MeJson(*v.account, v.csrf, d.service.TotpRequiredFor(*v.account))}};
      co_return http::JsonResponse(200, body);
    }
  }
  Response res = http::JsonResponse(200, json::object{{"signed_in", false}, {"account", nullptr}});
  res.SetHeader("Cache-Control", "no-store");
  co_return res;
}

awaitable<Response> GetMe(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (who->kind == AccountKind::kClient) {
    co_return http::JsonResponse(200, json::object{{"kind", "client"}, {"client_id", who->account_id}});
  }
  MeView v = co_await LoadMe(d, *who);
  if (!v.account) co_return Problem(req, {ErrorCode::kUnauthenticated, "account not found", {}});
  co_return http::JsonResponse(200, MeJson(*v.account, v.csrf, d.service.TotpRequiredFor(*v.account)));
}

awaitable<Response> PatchMe(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  MeView v = co_await LoadMe(d, *who);
  if (!v.account) co_return Problem(req, {ErrorCode::kUnauthenticated, "account not found", {}});
  Fields f(*body);
  store::Account a = *v.account;
  if (body->contains("email")) {
    // Stored as registration stores it: trimmed, ASCII letters in lower case (it is unique).
    a.email = f.Text("email", 254);
    while (!a.email.empty() && a.email.front() == ' ') a.email.erase(0, 1);
    while (!a.email.empty() && a.email.back() == ' ') a.email.pop_back();
    for (char& c : a.email) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  if (body->contains("phone")) a.phone = f.Text("phone", 20);
  if (body->contains("address")) a.address = f.Text("address", 500);
  if (body->contains("language")) a.language = f.Text("language", 2);
  for (const auto& [key, value] : *body) {
    if (key != "email" && key != "phone" && key != "address" && key != "language") {
      f.Errors().push_back({std::string(key), Msg(req, "Không sửa được trường này.", "This field cannot be changed here.")});
    }
  }
  if (a.language != "vi" && a.language != "en") f.Errors().push_back({"language", "vi | en"});
  if (!a.email.empty() && a.email.find('@') == std::string::npos) {
    f.Errors().push_back({"email", Msg(req, "Địa chỉ thư điện tử không hợp lệ.", "Not an e-mail address.")});
  }
  if (!f.Errors().empty()) {
    co_return Problem(req, {ErrorCode::kInvalidArgument, Msg(req, "Thông tin chưa hợp lệ.", "Some fields are invalid."), f.Errors()});
  }
  bool ok = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    try {
      store::UpdateProfile(*conn, a, core::NowUtc());
    } catch (const db::DbError& e) {
      if (e.kind() == db::DbError::Kind::kUniqueViolation) return false;
      throw;
    }
    return true;
  });
  if (!ok) {
    co_return Problem(req, {ErrorCode::kConflict, Msg(req, "Địa chỉ thư điện tử đã được dùng.", "That e-mail is already used."),
                            {{"email", "taken"}}});
  }
  co_return http::JsonResponse(200, MeJson(a, v.csrf, d.service.TotpRequiredFor(a)));
}

awaitable<Response> PostAccount(Deps& d, Request req) {
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  Registration r;
  r.kind = f.Text("kind", 20);
  r.personal_id = f.Text("personal_id", 20);
  r.full_name = f.Text("full_name", 200);
  r.birth_date = f.Text("birth_date", 10);
  r.gender = f.Text("gender", 10);
  r.tax_code = f.Text("tax_code", 20);
  r.business_name = f.Text("business_name", 300);
  r.email = f.Text("email", 254);
  r.phone = f.Text("phone", 20);
  r.password = f.Text("password", 1024);
  r.language = req.language == http::Language::kEn ? "en" : "vi";
  if (!f.Errors().empty()) {
    co_return Problem(req, {ErrorCode::kInvalidArgument, Msg(req, "Thông tin đăng ký chưa hợp lệ.", "The registration has problems."), f.Errors()});
  }
  auto issued = co_await d.service.Register(std::move(r), OriginOf(req));
  if (!issued) co_return Problem(req, issued.error());
  co_return SessionAnswer(d.service, *issued, 201);
}

awaitable<Response> PostPassword(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  std::string current = f.Text("current_password", 1024);
  std::string next = f.Text("new_password", 1024);
  if (!f.Errors().empty()) co_return Problem(req, {ErrorCode::kInvalidArgument, "invalid body", f.Errors()});
  auto done = co_await d.service.ChangePassword(*who, current, next, OriginOf(req));
  if (!done) co_return Problem(req, done.error());
  co_return Response{204, {}, {}};
}

awaitable<Response> PostPasswordReset(Deps& d, Request req) {
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  std::string login = f.Text("login", 254);
  if (login.empty()) {
    co_return Problem(req, {ErrorCode::kInvalidArgument, Msg(req, "Nhập tên đăng nhập hoặc thư điện tử.", "Enter your login or e-mail."),
                            {{"login", "required"}}});
  }
  co_await d.service.RequestPasswordReset(login, OriginOf(req));
  co_return http::JsonResponse(
      202, json::object{{"message", Msg(req, "Nếu tài khoản tồn tại, liên kết đặt lại mật khẩu đã được gửi tới thư điện tử đã đăng ký.",
                                        "If the account exists, a reset link has been sent to its registered e-mail.")}});
}

awaitable<Response> PostPasswordResetConfirm(Deps& d, Request req) {
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  std::string token = f.Text("token", 128);
  std::string next = f.Text("new_password", 1024);
  auto done = co_await d.service.ResetPassword(token, next, OriginOf(req));
  if (!done) co_return Problem(req, done.error());
  co_return Response{204, {}, {}};
}

awaitable<Response> GetSessions(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  auto sessions = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    return store::ListLiveSessions(*conn, who->account_id, core::NowUtc());
  });
  json::array items;
  for (const auto& s : sessions) {
    items.push_back(json::object{{"id", s.id},
                                 {"created_at", s.created_at},
                                 {"last_seen_at", s.last_seen_at},
                                 {"expires_at", s.expires_at},
                                 {"ip", s.ip},
                                 {"user_agent", s.user_agent},
                                 {"amr", s.amr},
                                 {"current", s.id == who->session_id}});
  }
  std::int64_t total = static_cast<std::int64_t>(items.size());
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", total}});
}

awaitable<Response> DeleteMySession(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  std::string id(req.PathParam("id"));
  Origin origin = OriginOf(req);
  bool revoked = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    db::Transaction tx(*conn);
    std::string now = core::NowUtc();
    // Scoped to the caller's account: another person's session id is simply not found.
    bool ok = store::RevokeSession(*conn, id, who->account_id, now);
    if (ok) {
      store::RecordEvent(*conn, {"session_revoked", who->account_id, who->login, origin.ip, "", "", origin.request_id}, now);
    }
    tx.Commit();
    return ok;
  });
  if (!revoked) co_return Problem(req, {ErrorCode::kNotFound, Msg(req, "Không có phiên này.", "No such session."), {}});
  co_return Response{204, {}, {}};
}

awaitable<Response> PostTotp(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (who->kind == AccountKind::kClient) co_return Problem(req, {ErrorCode::kForbidden, "not for clients", {}});
  auto enrolment = co_await d.service.StartTotp(*who);
  if (!enrolment) co_return Problem(req, enrolment.error());
  co_return http::JsonResponse(200, json::object{{"secret", enrolment->secret_base32}, {"otpauth_uri", enrolment->otpauth_uri}});
}

awaitable<Response> PostTotpConfirm(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  auto done = co_await d.service.ConfirmTotp(*who, f.Text("code", 16), OriginOf(req));
  if (!done) co_return Problem(req, done.error());
  co_return Response{204, {}, {}};
}

awaitable<Response> DeleteTotp(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  auto done = co_await d.service.DisableTotp(*who, f.Text("code", 16), OriginOf(req));
  if (!done) co_return Problem(req, done.error());
  co_return Response{204, {}, {}};
}

json::object EventJson(const store::StoredEvent& e) {
  json::value detail;
  boost::system::error_code ec;
  detail = json::parse(e.detail.empty() ? "{}" : e.detail, ec);
  if (ec) detail = json::object{};
  return json::object{{"id", e.id}, {"at", e.at}, {"event", e.event}, {"account_id", e.account_id},
                      {"login", e.login}, {"ip", e.ip}, {"client_id", e.client_id}, {"detail", detail}};
}

int LimitParam(const Request& req, int def = 50, int max = 200) {
  auto v = req.Query("limit");
  if (!v) return def;
  int n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || p != v->data() + v->size() || n < 1) return -1;
  return std::min(n, max);
}

awaitable<Response> ListEventsFor(Deps& d, Request req, std::string account_id) {
  int limit = LimitParam(req);
  if (limit < 0) co_return Problem(req, {ErrorCode::kInvalidArgument, "limit must be a positive integer", {{"limit", "1..200"}}});
  std::string cursor(req.Query("cursor").value_or(""));
  auto events = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    return store::ListEvents(*conn, account_id, cursor, limit + 1);
  });
  json::array items;
  json::value next = nullptr;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (static_cast<int>(i) == limit) {
      next = json::string(events[i - 1].id);
      break;
    }
    items.push_back(EventJson(events[i]));
  }
  std::int64_t n = static_cast<std::int64_t>(items.size());
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", next}, {"total", n}});
}

awaitable<Response> GetMyEvents(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  Response res = co_await ListEventsFor(d, req, who->account_id);
  co_return res;
}

awaitable<Response> GetAllEvents(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (auto ok = RequireAnyRole(*who, {Role::kSysadmin}); !ok) co_return Problem(req, ok.error());
  Response res = co_await ListEventsFor(d, req, std::string(req.Query("account_id").value_or("")));
  co_return res;
}

json::object AgencyJson(const store::Agency& a) {
  return json::object{{"id", a.id}, {"code", a.code}, {"code_d20", a.code_d20}, {"name", a.name},
                      {"name_en", a.name_en}, {"level", a.level}, {"kind", a.kind},
                      {"parent_id", a.parent_id.empty() ? json::value(nullptr) : json::value(a.parent_id)},
                      {"address", a.address}, {"phone", a.phone}, {"email", a.email},
                      {"child_count", a.child_count}};
}

awaitable<Response> GetAgencies(Deps& d, Request req) {
  int limit = LimitParam(req, 100, 500);
  if (limit < 0) co_return Problem(req, {ErrorCode::kInvalidArgument, "limit must be a positive integer", {{"limit", "1..500"}}});
  std::string parent(req.Query("parent").value_or(""));
  std::string q(req.Query("q").value_or(""));
  if (q.size() > 200) co_return Problem(req, {ErrorCode::kInvalidArgument, "q is too long", {{"q", "at most 200 bytes"}}});
  // `parent=` absent lists roots; with `q` and no parent, the whole tree is searched.
  if (parent.empty() && !q.empty()) parent = "*";
  auto rows = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    return store::ListAgencies(*conn, parent, q, limit);
  });
  json::array items;
  for (const auto& a : rows) items.push_back(AgencyJson(a));
  std::int64_t n = static_cast<std::int64_t>(items.size());
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", n}});
}

awaitable<Response> GetAgency(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  auto a = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    return store::FindAgencyByCode(*conn, code);
  });
  if (!a) co_return Problem(req, {ErrorCode::kNotFound, Msg(req, "Không có cơ quan mã này.", "No agency has this code."), {}});
  co_return http::JsonResponse(200, AgencyJson(*a));
}

awaitable<Response> ImportAgencies(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (auto ok = RequireAnyRole(*who, {Role::kAgencyAdmin}); !ok) co_return Problem(req, ok.error());
  std::string type(req.Header("content-type").value_or(""));
  core::Result<AgencyImport> parsed = type.starts_with("text/csv") ? ParseAgenciesCsv(req.body)
                                      : type.starts_with("application/json") ? ParseAgenciesJson(req.body)
                                      : core::Result<AgencyImport>(core::Fail(ErrorCode::kUnsupportedMedia,
                                            "Send application/json or text/csv."));
  if (!parsed) co_return Problem(req, parsed.error());
  store::ImportScope scope;
  if (!who->HasRole(Role::kSysadmin)) scope.path = who->agency_path;
  scope.may_create_roots = who->HasRole(Role::kSysadmin);
  struct Outcome {
    std::vector<RowError> errors;
    std::size_t created = 0, updated = 0;
  };
  AgencyImport input = std::move(*parsed);
  Origin origin = OriginOf(req);
  Outcome out = co_await http::Offload(d.service.Workers(), [&]() {
    Outcome o;
    o.errors = input.errors;
    if (!o.errors.empty()) return o;
    auto conn = d.service.Db().Acquire();
    db::Transaction tx(*conn);
    std::string now = core::NowUtc();
    o.errors = store::ApplyAgencyImport(*conn, input.rows, scope, now, &o.created, &o.updated);
    if (!o.errors.empty()) return o;  // rolled back: all or nothing
    store::RecordEvent(*conn, {"agencies_imported", who->account_id, who->login, origin.ip, "",
                               json::serialize(json::object{{"created", o.created}, {"updated", o.updated}}),
                               origin.request_id},
                       now);
    tx.Commit();
    return o;
  });
  if (!out.errors.empty()) {
    std::vector<core::FieldError> fields;
    for (const auto& e : out.errors) {
      fields.push_back({"rows/" + std::to_string(e.row) + (e.field.empty() ? "" : "/" + e.field),
                        (e.code.empty() ? "" : e.code + ": ") + e.message});
    }
    co_return Problem(req, {ErrorCode::kInvalidArgument,
                            Msg(req, "Tệp có lỗi; không dòng nào được nhập.", "The file has errors; nothing was imported."),
                            std::move(fields)});
  }
  co_return http::JsonResponse(200, json::object{{"created", out.created}, {"updated", out.updated}});
}

awaitable<Response> ExportAgencies(Deps& d, Request req) {
  std::string format(req.Query("format").value_or("json"));
  if (format != "json" && format != "csv") {
    co_return Problem(req, {ErrorCode::kInvalidArgument, "format must be json or csv", {{"format", "json | csv"}}});
  }
  std::string root(req.Query("root").value_or(""));
  auto rows = co_await http::Offload(d.service.Workers(), [&]() -> std::optional<std::vector<AgencyRecord>> {
    auto conn = d.service.Db().Acquire();
    std::string path;
    if (!root.empty()) {
      auto a = store::FindAgencyByCode(*conn, root);
      if (!a) return std::nullopt;
      path = a->path;
    }
    auto agencies = store::AgencySubtree(*conn, path);
    std::map<std::string, std::string> code_of;
    for (const auto& a : agencies) code_of[a.id] = a.code;
    std::vector<AgencyRecord> out;
    for (const auto& a : agencies) {
      std::string parent_code;
      if (auto it = code_of.find(a.parent_id); it != code_of.end()) {
        parent_code = it->second;
      } else if (!a.parent_id.empty()) {
        // The root of a subtree export keeps its real parent, so the file imports back.
        if (auto p = store::FindAgencyById(*conn, a.parent_id)) parent_code = p->code;
      }
      out.push_back({a.code, a.code_d20, a.name, a.name_en, a.level, a.kind, parent_code,
                     a.address, a.phone, a.email});
    }
    return out;
  });
  if (!rows) co_return Problem(req, {ErrorCode::kNotFound, "no agency has that root code", {{"root", "unknown"}}});
  Response res;
  if (format == "csv") {
    res = Response::Text(200, AgenciesToCsv(*rows), "text/csv; charset=utf-8");
    res.SetHeader("Content-Disposition", "attachment; filename=\"agencies.csv\"");
  } else {
    json::array arr;
    for (const auto& r : *rows) {
      json::object o;
      o["code"] = r.code;
      o["code_d20"] = r.code_d20;
      o["name"] = r.name;
      o["name_en"] = r.name_en;
      o["level"] = r.level;
      o["kind"] = r.kind;
      o["parent_code"] = r.parent_code.empty() ? json::value(nullptr) : json::value(r.parent_code);
      o["address"] = r.address;
      o["phone"] = r.phone;
      o["email"] = r.email;
      arr.push_back(std::move(o));
    }
    res = http::JsonResponse(200, arr);
  }
  co_return res;
}

// Officer administration by agency admins, inside their subtree.
json::object OfficerJson(const store::Account& a) {
  json::array roles;
  for (const auto& r : a.roles) roles.push_back(json::string(r));
  return json::object{{"id", a.id}, {"login", a.login}, {"full_name", a.full_name}, {"email", a.email},
                      {"phone", a.phone}, {"status", a.status}, {"roles", std::move(roles)},
                      {"totp_enabled", a.totp_enabled},
                      {"agency", a.agency ? json::value(json::object{{"id", a.agency->id}, {"code", a.agency->code}, {"name", a.agency->name}})
                                          : json::value(nullptr)}};
}

awaitable<Response> ListOfficers(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (auto ok = RequireAnyRole(*who, {Role::kAgencyAdmin}); !ok) co_return Problem(req, ok.error());
  int limit = LimitParam(req, 50, 200);
  if (limit < 0) co_return Problem(req, {ErrorCode::kInvalidArgument, "limit must be a positive integer", {{"limit", "1..200"}}});
  std::string cursor(req.Query("cursor").value_or(""));
  std::string path = who->HasRole(Role::kSysadmin) ? "" : who->agency_path;
  auto rows = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    return store::ListOfficers(*conn, path, cursor, limit + 1);
  });
  json::array items;
  json::value next = nullptr;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (static_cast<int>(i) == limit) {
      next = json::string(rows[i - 1].login);
      break;
    }
    items.push_back(OfficerJson(rows[i]));
  }
  std::int64_t n = static_cast<std::int64_t>(items.size());
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", next}, {"total", n}});
}

std::vector<std::string> ParseRoles(const json::object& body, std::vector<core::FieldError>& errors, bool may_grant_sysadmin) {
  std::vector<std::string> roles;
  const json::value* v = body.if_contains("roles");
  if (v == nullptr || !v->is_array()) {
    errors.push_back({"roles", "an array of receiver | specialist | leader | agency_admin"});
    return roles;
  }
  for (const auto& r : v->as_array()) {
    auto role = r.is_string() ? ParseRole(r.as_string()) : std::nullopt;
    if (!role || (*role == Role::kSysadmin && !may_grant_sysadmin)) {
      errors.push_back({"roles", "unknown or not grantable role"});
      continue;
    }
    std::string name(RoleName(*role));
    if (std::find(roles.begin(), roles.end(), name) == roles.end()) roles.push_back(name);
  }
  return roles;
}

awaitable<Response> CreateOfficer(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (auto ok = RequireAnyRole(*who, {Role::kAgencyAdmin}); !ok) co_return Problem(req, ok.error());
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  store::Account a;
  a.id = core::Uuid::NewV7().ToString();
  a.kind = "officer";
  a.login = f.Text("login", 64);
  a.full_name = f.Text("full_name", 200);
  a.email = f.Text("email", 254);
  a.phone = f.Text("phone", 20);
  a.assurance_level = 2;  // officers are identified in person by their agency
  std::string agency_code = f.Text("agency_code", 40);
  std::string password = f.Text("password", 1024);
  auto& errors = f.Errors();
  a.roles = ParseRoles(*body, errors, who->HasRole(Role::kSysadmin));
  if (a.login.empty()) errors.push_back({"login", Msg(req, "Bắt buộc nhập.", "Required.")});
  for (char c : a.login) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
      errors.push_back({"login", Msg(req, "Chỉ dùng chữ thường không dấu, số, dấu chấm, gạch.", "Use lower-case letters, digits, '.', '_' or '-'.")});
      break;
    }
  }
  if (a.full_name.empty()) errors.push_back({"full_name", Msg(req, "Bắt buộc nhập.", "Required.")});
  if (auto weak = CheckPasswordStrength(password, a.login)) {
    errors.push_back({"password", req.language == http::Language::kEn ? weak->en : weak->vi});
  }
  if (!errors.empty()) co_return Problem(req, {ErrorCode::kInvalidArgument, Msg(req, "Thông tin chưa hợp lệ.", "Some fields are invalid."), errors});
  auto agency = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    return store::FindAgencyByCode(*conn, agency_code);
  });
  if (!agency) co_return Problem(req, {ErrorCode::kInvalidArgument, Msg(req, "Không có cơ quan mã này.", "No agency has this code."), {{"agency_code", "unknown"}}});
  if (auto ok = RequireRoleIn(*who, Role::kAgencyAdmin, agency->path); !ok) co_return Problem(req, ok.error());
  a.agency_id = agency->id;
  auto cost = d.service.Options().password_cost;
  a.password_hash = co_await http::Offload(d.service.Hashers(), [&]() { return crypto::HashPassword(password, cost); });
  Origin origin = OriginOf(req);
  bool created = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    db::Transaction tx(*conn);
    if (store::LoginTaken(*conn, a.login) || (!a.email.empty() && !conn->Execute({"identity_email_taken", "SELECT 1 FROM accounts WHERE email = $1"}, {a.email}).Empty())) {
      return false;
    }
    std::string now = core::NowUtc();
    store::InsertAccount(*conn, a, now);
    store::RecordEvent(*conn, {"officer_created", a.id, a.login, origin.ip, "",
                               json::serialize(json::object{{"by", who->login}}), origin.request_id}, now);
    tx.Commit();
    return true;
  });
  if (!created) co_return Problem(req, {ErrorCode::kConflict, Msg(req, "Tên đăng nhập hoặc thư điện tử đã được dùng.", "The login or e-mail is taken."), {{"login", "taken"}}});
  a.agency = agency;
  co_return http::JsonResponse(201, OfficerJson(a));
}

// Loads an officer the caller administers; nullopt (404) otherwise.
awaitable<std::optional<store::Account>> AdministeredOfficer(Deps& d, Principal who, std::string id) {
  auto a = co_await http::Offload(d.service.Workers(), [&]() { return d.service.LoadAccount(id); });
  if (!a || a->kind != "officer" || !a->agency || !who.CoversAgency(a->agency->path)) co_return std::nullopt;
  co_return a;
}

awaitable<Response> PutOfficerRoles(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (auto ok = RequireAnyRole(*who, {Role::kAgencyAdmin}); !ok) co_return Problem(req, ok.error());
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  std::vector<core::FieldError> errors;
  auto roles = ParseRoles(*body, errors, who->HasRole(Role::kSysadmin));
  if (!errors.empty()) co_return Problem(req, {ErrorCode::kInvalidArgument, "invalid roles", errors});
  auto officer = co_await AdministeredOfficer(d, *who, std::string(req.PathParam("id")));
  if (!officer) co_return Problem(req, {ErrorCode::kNotFound, Msg(req, "Không có cán bộ này trong phạm vi quản lý.", "No such officer among those you administer."), {}});
  if (officer->id == who->account_id) {
    co_return Problem(req, {ErrorCode::kConflict, Msg(req, "Không tự đổi vai trò của mình.", "You cannot change your own roles."), {}});
  }
  Origin origin = OriginOf(req);
  co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    db::Transaction tx(*conn);
    store::SetRoles(*conn, officer->id, roles);
    std::string list;
    for (const auto& r : roles) list += (list.empty() ? "" : " ") + r;
    store::RecordEvent(*conn, {"roles_changed", officer->id, officer->login, origin.ip, "",
                               json::serialize(json::object{{"by", who->login}, {"roles", list}}), origin.request_id},
                       core::NowUtc());
    tx.Commit();
  });
  officer->roles = roles;
  co_return http::JsonResponse(200, OfficerJson(*officer));
}

awaitable<Response> PostOfficerStatus(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (auto ok = RequireAnyRole(*who, {Role::kAgencyAdmin}); !ok) co_return Problem(req, ok.error());
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  std::string status = f.Text("status", 20);
  if (status != "active" && status != "disabled") co_return Problem(req, {ErrorCode::kInvalidArgument, "status must be active or disabled", {{"status", "active | disabled"}}});
  auto officer = co_await AdministeredOfficer(d, *who, std::string(req.PathParam("id")));
  if (!officer) co_return Problem(req, {ErrorCode::kNotFound, Msg(req, "Không có cán bộ này trong phạm vi quản lý.", "No such officer among those you administer."), {}});
  if (officer->id == who->account_id) co_return Problem(req, {ErrorCode::kConflict, Msg(req, "Không tự khóa tài khoản của mình.", "You cannot disable yourself."), {}});
  Origin origin = OriginOf(req);
  co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    db::Transaction tx(*conn);
    std::string now = core::NowUtc();
    store::SetStatus(*conn, officer->id, status, now);
    if (status == "disabled") store::RevokeOtherSessions(*conn, officer->id, "", now);
    store::RecordEvent(*conn, {"account_" + status, officer->id, officer->login, origin.ip, "",
                               json::serialize(json::object{{"by", who->login}}), origin.request_id}, now);
    tx.Commit();
  });
  officer->status = status;
  co_return http::JsonResponse(200, OfficerJson(*officer));
}

}  // namespace

void RegisterOidcRoutes(http::Router& router, Deps& deps);
void RegisterExternalRoutes(http::Router& router, Deps& deps);

void RegisterRoutes(http::Router& router, Deps& deps) {
  using http::Method;
  auto bind = [&deps](auto fn) { return std::bind_front(fn, std::ref(deps)); };
  http::RouteOptions small{.body_limit = 16 * 1024};
  router.Add(Method::kGet, "/api/v1/session", bind(&GetSession));
  router.Add(Method::kPost, "/api/v1/session", bind(&PostSession), small);
  router.Add(Method::kDelete, "/api/v1/session", bind(&DeleteSession));
  router.Add(Method::kPost, "/api/v1/session/totp", bind(&PostSessionTotp), small);
  router.Add(Method::kGet, "/api/v1/me", bind(&GetMe));
  router.Add(Method::kPatch, "/api/v1/me", bind(&PatchMe), small);
  router.Add(Method::kPost, "/api/v1/accounts", bind(&PostAccount), small);
  router.Add(Method::kPost, "/api/v1/me/password", bind(&PostPassword), small);
  router.Add(Method::kPost, "/api/v1/password-resets", bind(&PostPasswordReset), small);
  router.Add(Method::kPost, "/api/v1/password-resets/confirm", bind(&PostPasswordResetConfirm), small);
  router.Add(Method::kGet, "/api/v1/me/sessions", bind(&GetSessions));
  router.Add(Method::kDelete, "/api/v1/me/sessions/{id}", bind(&DeleteMySession));
  router.Add(Method::kGet, "/api/v1/me/security-events", bind(&GetMyEvents));
  router.Add(Method::kPost, "/api/v1/me/totp", bind(&PostTotp), small);
  router.Add(Method::kPost, "/api/v1/me/totp/confirm", bind(&PostTotpConfirm), small);
  router.Add(Method::kDelete, "/api/v1/me/totp", bind(&DeleteTotp), small);
  router.Add(Method::kGet, "/api/v1/agencies", bind(&GetAgencies));
  router.Add(Method::kGet, "/api/v1/agencies/export", bind(&ExportAgencies));
  router.Add(Method::kGet, "/api/v1/agencies/{code}", bind(&GetAgency));
  router.Add(Method::kPost, "/api/v1/agencies/import", bind(&ImportAgencies), {.body_limit = 16 << 20});
  router.Add(Method::kGet, "/api/v1/admin/accounts", bind(&ListOfficers));
  router.Add(Method::kPost, "/api/v1/admin/accounts", bind(&CreateOfficer), small);
  router.Add(Method::kPut, "/api/v1/admin/accounts/{id}/roles", bind(&PutOfficerRoles), small);
  router.Add(Method::kPost, "/api/v1/admin/accounts/{id}/status", bind(&PostOfficerStatus), small);
  router.Add(Method::kGet, "/api/v1/admin/security-events", bind(&GetAllEvents));
  RegisterOidcRoutes(router, deps);
  RegisterExternalRoutes(router, deps);
}

}  // namespace motcua::identity

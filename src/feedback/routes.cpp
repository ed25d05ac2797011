#include "feedback/routes.hpp"

#include <boost/json.hpp>

#include <charconv>

#include "calendar/work_calendar.hpp"
#include "core/time.hpp"
#include "http/json.hpp"
#include "http/problem.hpp"
#include "identity/signed.hpp"

namespace motcua::feedback {

namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;
using http::Method;
using http::Request;
using http::Response;
using Work = identity::SignedWork;

bool English(const Request& req) { return req.language == http::Language::kEn; }

Response TooMany(const Request& req, int wait) {
  Response r = http::ProblemResponse(req, {ErrorCode::kTooManyRequests,
                                           "Quá nhiều phản ánh từ cùng một nguồn; hãy thử lại sau " + std::to_string(wait) +
                                               " giây. / Too many items from one source; try again in " + std::to_string(wait) + " seconds.",
                                           {}});
  r.SetHeader("Retry-After", std::to_string(wait));
  return r;
}

// The client's address without its port (behind a trusted proxy, the one it forwarded): one
// source per host.
std::string ClientAddress(const Request& req) {
  if (!req.client_address.empty()) return req.client_address;
  auto colon = req.remote_address.rfind(':');
  return colon == std::string::npos ? req.remote_address : req.remote_address.substr(0, colon);
}

std::optional<std::size_t> SizeParam(const Request& req, std::string_view name, std::size_t def, std::size_t max) {
  auto v = req.Query(name);
  if (!v || v->empty()) return def;
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || ptr != v->data() + v->size() || n > max) return std::nullopt;
  return n;
}

core::Result<json::object> Body(const Request& req) { return http::ParseJsonObject(req, {.max_depth = 8}); }

// ---- PAKN ----

awaitable<Response> Submit(Deps& d, Request req) {
  auto id = co_await d.auth.Identify(req);
  if (!id) co_return http::ProblemResponse(req, id.error());
  std::optional<identity::Principal> who = *id;
  auto body = Body(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  std::string source = "online";
  if (auto it = body->find("source"); it != body->end() && it->value().is_string()) source = std::string(it->value().as_string());
  if (source != "online" && source != "letter" && source != "phone" && source != "email") {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "source là online, letter, phone hoặc email. / source is online, letter, phone or email.", {{"source", source}}});
  }
  // Officers entering letters and calls are not limited; everyone else is, per account or address.
  bool officer = who && who->kind == identity::AccountKind::kOfficer;
  if (!officer) {
    std::string key = who ? "account:" + who->account_id : "ip:" + ClientAddress(req);
    if (int wait = d.limiter.Take(key, std::chrono::steady_clock::now()); wait > 0) co_return TooMany(req, wait);
  }
  bool en = English(req);
  Origin origin{source, who ? &*who : nullptr, ""};
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.Submit(origin, *body, en); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  Response r = http::JsonResponse(201, *out);
  r.SetHeader("Location", "/api/v1/feedback/" + std::string(out->at("code").as_string()));
  co_return r;
}

awaitable<Response> Get(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  bool en = English(req);
  Work work = [&d, code, en](const identity::Principal& p) { return d.service.Get(p, code, en); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Act(Deps& d, Request req) {
  std::string code(req.PathParam("code")), action(req.PathParam("action"));
  json::object b;
  if (!req.body.empty()) {
    auto body = Body(req);
    if (!body) co_return http::ProblemResponse(req, body.error());
    b = std::move(*body);
  }
  bool en = English(req);
  Work work = [&d, code, action, b, en](const identity::Principal& p) { return d.service.Act(p, code, action, b, en); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Rate(Deps& d, Request req) {
  auto body = Body(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  std::string code(req.PathParam("code"));
  json::object b = std::move(*body);
  bool en = English(req);
  Work work = [&d, code, b, en](const identity::Principal& p) { return d.service.Rate(p, code, b, en); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> PublicationPreview(Deps& d, Request req) {
  json::object b;
  if (!req.body.empty()) {
    auto body = Body(req);
    if (!body) co_return http::ProblemResponse(req, body.error());
    b = std::move(*body);
  }
  std::string code(req.PathParam("code"));
  Work work = [&d, code, b](const identity::Principal& p) { return d.service.PublicationPreview(p, code, b); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

// A petitioner without an account: POST so that the key stays out of URLs and logs.
awaitable<Response> Lookup(Deps& d, Request req, bool rate) {
  auto body = Body(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  if (d.lookup_limiter != nullptr) {
    if (int wait = d.lookup_limiter->Take("ip:" + ClientAddress(req), std::chrono::steady_clock::now()); wait > 0) {
      Response r = http::ProblemResponse(req, {ErrorCode::kTooManyRequests,
                                               "Tra cứu quá nhiều lần; hãy thử lại sau " + std::to_string(wait) + " giây. / Too many lookups; try again in " +
                                                   std::to_string(wait) + " seconds.",
                                               {}});
      r.SetHeader("Retry-After", std::to_string(wait));
      co_return r;
    }
  }
  auto text = [&](std::string_view k) {
    const json::value* v = body->if_contains(k);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  std::string code = text("code"), key = text("lookup_key");
  json::object b = std::move(*body);
  bool en = English(req);
  auto out = co_await http::Offload(d.workers, [&]() { return rate ? d.service.LookupRate(code, key, b, en) : d.service.Lookup(code, key, en); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  co_return http::JsonResponse(200, *out);
}

awaitable<Response> LookupItem(Deps& d, Request req) { co_return co_await Lookup(d, std::move(req), false); }
awaitable<Response> LookupRating(Deps& d, Request req) { co_return co_await Lookup(d, std::move(req), true); }

awaitable<Response> Similar(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  bool en = English(req);
  Work work = [&d, code, en](const identity::Principal& p) { return d.service.Similar(p, code, en); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Mine(Deps& d, Request req) {
  auto limit = SizeParam(req, "limit", 20, 100);
  auto offset = SizeParam(req, "cursor", 0, 1000000);
  if (!limit || *limit == 0 || !offset) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "limit 1–100, cursor do máy chủ trả về. / limit is 1–100, cursor as returned.", {}});
  }
  std::size_t l = *limit, o = *offset;
  bool en = English(req);
  Work work = [&d, l, o, en](const identity::Principal& p) { return d.service.Mine(p, o, l, en); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Inbox(Deps& d, Request req) {
  auto limit = SizeParam(req, "limit", 20, 100);
  auto offset = SizeParam(req, "cursor", 0, 1000000);
  if (!limit || *limit == 0 || !offset) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "limit 1–100, cursor do máy chủ trả về. / limit is 1–100, cursor as returned.", {}});
  }
  std::string box(req.Query("box").value_or("open"));
  std::size_t l = *limit, o = *offset;
  bool en = English(req);
  Work work = [&d, box, l, o, en](const identity::Principal& p) { return d.service.Inbox(p, box, o, l, en); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> PublicAnswers(Deps& d, Request req) {
  auto limit = SizeParam(req, "limit", 20, 100);
  auto offset = SizeParam(req, "cursor", 0, 1000000);
  std::string q(req.Query("q").value_or("")), procedure(req.Query("procedure").value_or(""));
  if (!limit || *limit == 0 || !offset || q.size() > 500 || procedure.size() > 30) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "limit 1–100, q tối đa 500 byte. / limit is 1–100, q at most 500 bytes.", {}});
  }
  bool en = English(req);
  std::size_t l = *limit, o = *offset;
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.PublicSearch(q, procedure, o, l, en); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  co_return http::JsonResponse(200, *out);
}

// ---- Open311 keys ----

awaitable<Response> IssueKey(Deps& d, Request req) {
  auto body = Body(req);
  json::object b = body ? std::move(*body) : json::object{};
  Work work = [&d, b](const identity::Principal& p) { return d.service.IssueKey(p, b); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 201, work);
  co_return r;
}

awaitable<Response> ListKeys(Deps& d, Request req) {
  Work work = [&d](const identity::Principal& p) { return d.service.ListKeys(p); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> RevokeKey(Deps& d, Request req) {
  std::string id(req.PathParam("id"));
  identity::SignedAction work = [&d, id](const identity::Principal& p) { return d.service.RevokeKey(p, id); };
  Response r = co_await identity::SignedNoContent(d.auth, d.workers, req, work);
  co_return r;
}

// ---- questions ----

awaitable<Response> Ask(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  auto body = Body(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  json::object b = std::move(*body);
  if (int wait = d.limiter.Take("account:" + who->account_id, std::chrono::steady_clock::now()); wait > 0) co_return TooMany(req, wait);
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.Ask(*who, b); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  co_return http::JsonResponse(201, *out);
}

awaitable<Response> MyQuestions(Deps& d, Request req) {
  Work work = [&d](const identity::Principal& p) { return d.service.MyQuestions(p); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> QuestionInbox(Deps& d, Request req) {
  std::string status(req.Query("status").value_or(""));
  Work work = [&d, status](const identity::Principal& p) { return d.service.QuestionInbox(p, status); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> AnswerQuestion(Deps& d, Request req) {
  auto body = Body(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  std::string id(req.PathParam("id"));
  json::object b = std::move(*body);
  Work work = [&d, id, b](const identity::Principal& p) { return d.service.AnswerQuestion(p, id, b); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> PublishQuestion(Deps& d, Request req) {
  json::object b;
  if (!req.body.empty()) {
    auto body = Body(req);
    if (!body) co_return http::ProblemResponse(req, body.error());
    b = std::move(*body);
  }
  std::string id(req.PathParam("id"));
  Work work = [&d, id, b](const identity::Principal& p) { return d.service.PublishQuestion(p, id, b); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

// ---- Open311 GeoReport v2 ----

using open311::Format;

Response O311(int status, const json::value& v, std::string_view root, Format f) {
  Response r = Response::Text(status, open311::Render(v, root, f), std::string(open311::ContentType(f)));
  r.SetHeader("Access-Control-Allow-Origin", "*");
  return r;
}

Response O311Error(int status, std::string_view description, Format f) {
  return O311(status, open311::Errors(status, description), "errors", f);
}

// Every field error as its own entry of the error list.
Response O311Problem(const core::Error& e, Format f) {
  int status = http::StatusFor(e.code);
  json::array a;
  if (e.fields.empty()) {
    a.push_back(json::object{{"code", status}, {"description", e.message}});
  }
  for (const auto& fe : e.fields) {
    std::string field = fe.field == "category" ? "service_code" : fe.field == "content" ? "description" : fe.field == "location" ? "address_string" : fe.field;
    a.push_back(json::object{{"code", status}, {"description", field + ": " + fe.message}});
  }
  return O311(status, a, "errors", f);
}

// `document` is `<name>.<json|xml>`; nullopt (and a 404 in JSON) for anything else.
std::optional<std::pair<std::string, Format>> Doc(const Request& req, std::string_view param) {
  return open311::SplitFormat(req.PathParam(param));
}

std::string Param(const std::vector<std::pair<std::string, std::string>>& form, const Request& req, std::string_view name) {
  for (const auto& [k, v] : form) {
    if (k == name) return v;
  }
  return std::string(req.Query(name).value_or(""));
}

json::object Discovery(Deps& d) {
  std::string base = d.public_url ? d.public_url() : std::string();
  return json::object{
      {"changeset", "2026-12-04T00:00:00+07:00"},
      {"contact", "Quản trị hệ thống một cửa điện tử / The one-stop portal's administrators: " + base},
      {"key_service", "api_key do quản trị hệ thống cấp / api_key issued by the system administrators: " + base + "/quan-tri/open311"},
      {"endpoints", json::array{json::object{{"specification", "http://wiki.open311.org/GeoReport_v2"},
                                             {"url", base + "/open311/v2"},
                                             {"changeset", "2026-12-04T00:00:00+07:00"},
                                             {"type", "production"},
                                             {"formats", json::array{"text/xml", "application/json"}}}}}};
}

awaitable<Response> O311Discovery(Deps& d, Format f) { co_return O311(200, Discovery(d), "discovery", f); }

json::object ServiceJson(const ServiceType& t) {
  return json::object{{"service_code", t.code}, {"service_name", t.name}, {"description", t.description}, {"metadata", true},
                      {"type", "realtime"}, {"keywords", t.keywords}, {"group", t.group}};
}

awaitable<Response> O311Services(Deps& d, Request req, Format f) {
  bool en = English(req);
  auto types = co_await http::Offload(d.workers, [&]() { return d.service.ServiceTypes(en); });
  json::array a;
  for (const auto& t : types) a.push_back(ServiceJson(t));
  co_return O311(200, a, "services", f);
}

awaitable<Response> O311Definition(Deps& d, Request req) {
  auto doc = Doc(req, "service_code");
  if (!doc) co_return O311Error(404, "Use services/{service_code}.json or .xml", Format::kJson);
  bool en = English(req);
  std::string code = doc->first;
  struct Out {
    bool found = false;
    json::object def;
  };
  Out out = co_await http::Offload(d.workers, [&]() {
    Out o;
    for (const auto& t : d.service.ServiceTypes(en)) {
      if (t.code != code) continue;
      o.found = true;
      json::object proc{{"variable", true}, {"code", "procedure_code"}, {"datatype", "string"}, {"required", false},
                        {"datatype_description", en ? "The procedure's code (MATTHC), e.g. 1.001193" : "Mã thủ tục hành chính (MATTHC), ví dụ 1.001193"},
                        {"order", 1}, {"description", en ? "Which procedure is it about?" : "Phản ánh về thủ tục nào?"}};
      auto procedures = d.service.ProceduresOf(t, en);
      if (!procedures.empty()) {
        proc["datatype"] = "singlevaluelist";
        proc["datatype_description"] = "";
        json::array values;
        for (const auto& [k, n] : procedures) values.push_back(json::object{{"key", k}, {"name", n}});
        proc["values"] = std::move(values);
      }
      json::object dossier{{"variable", true}, {"code", "dossier_code"}, {"datatype", "string"}, {"required", false},
                           {"datatype_description", en ? "The dossier code on the receipt" : "Mã hồ sơ trên giấy tiếp nhận"},
                           {"order", 2}, {"description", en ? "Is it about one of your dossiers?" : "Phản ánh về hồ sơ nào của bạn?"}};
      o.def = json::object{{"service_code", t.code}, {"attributes", json::array{proc, dossier}}};
    }
    return o;
  });
  if (!out.found) co_return O311Error(404, "service_code not found: " + code, doc->second);
  co_return O311(200, out.def, "service_definition", doc->second);
}

// An RFC 3339 date parameter as UTC text; "" when absent; nullopt when malformed.
std::optional<std::string> DateParam(const Request& req, std::string_view name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::string();
  auto t = calendar::ParseRfc3339(*v);
  if (!t) return std::nullopt;
  return core::FormatUtc(std::chrono::system_clock::time_point(*t));
}

awaitable<Response> O311List(Deps& d, Request req, Format f) {
  std::vector<std::string> ids;
  std::string list(req.Query("service_request_id").value_or(""));
  for (std::size_t start = 0; start < list.size();) {
    auto comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    if (comma > start) ids.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  if (ids.size() > 100) co_return O311Error(400, "service_request_id: at most 100 ids", f);
  std::string service_code(req.Query("service_code").value_or("")), status(req.Query("status").value_or(""));
  if (!status.empty() && status != "open" && status != "closed") co_return O311Error(400, "status: open or closed", f);
  auto start = DateParam(req, "start_date"), end = DateParam(req, "end_date");
  if (!start || !end) co_return O311Error(400, "start_date and end_date are ISO 8601 with a time zone, e.g. 2026-12-01T00:00:00+07:00", f);
  auto page = SizeParam(req, "page", 1, 1000000), page_size = SizeParam(req, "page_size", 1000, 1000);
  if (!page || *page == 0 || !page_size || *page_size == 0) co_return O311Error(400, "page ≥ 1 and page_size 1–1000", f);
  // The default window: the 90 days before end_date (or now).
  auto end_tp = end->empty() ? std::chrono::system_clock::now() + std::chrono::seconds(1)
                             : std::chrono::system_clock::time_point(*calendar::ParseRfc3339(*end));
  std::string end_s = core::FormatUtc(end_tp);
  std::string start_s = start->empty() ? core::FormatUtc(end_tp - std::chrono::days(90)) : *start;
  bool en = English(req);
  std::size_t p = *page, ps = *page_size;
  struct Out {
    bool known = true;
    core::Result<json::array> rows;
  };
  Out out = co_await http::Offload(d.workers, [&]() {
    Out o;
    if (!service_code.empty()) {
      auto types = d.service.ServiceTypes(en);
      o.known = std::any_of(types.begin(), types.end(), [&](const ServiceType& t) { return t.code == service_code; });
      if (!o.known) return o;
    }
    o.rows = d.service.Open311Requests(ids, service_code, start_s, end_s, status, p, ps, en);
    return o;
  });
  if (!out.known) co_return O311Error(400, "service_code not found: " + service_code, f);
  if (!out.rows) co_return O311Problem(out.rows.error(), f);
  co_return O311(200, *out.rows, "service_requests", f);
}

awaitable<Response> O311Create(Deps& d, Request req, Format f) {
  std::vector<std::pair<std::string, std::string>> form;
  std::string type(req.Header("Content-Type").value_or(""));
  if (!req.body.empty()) {
    if (!type.starts_with("application/x-www-form-urlencoded")) {
      co_return O311Error(400, "the body must be application/x-www-form-urlencoded", f);
    }
    auto parsed = open311::ParseForm(req.body);
    if (!parsed) co_return O311Error(400, "malformed form body", f);
    form = std::move(*parsed);
  }
  auto get = [&](std::string_view name) { return Param(form, req, name); };
  std::string key = get("api_key");
  auto key_id = co_await http::Offload(d.workers, [&]() { return d.service.CheckApiKey(key); });
  if (!key_id) co_return O311Error(403, "api_key is missing or not valid", f);
  if (int wait = d.limiter.Take("open311:" + *key_id, std::chrono::steady_clock::now()); wait > 0) {
    Response r = O311Error(429, "too many requests from this api_key; retry after " + std::to_string(wait) + " seconds", f);
    r.SetHeader("Retry-After", std::to_string(wait));
    co_return r;
  }
  std::string service_code = get("service_code");
  if (service_code.empty()) co_return O311Error(400, "service_code is required", f);
  std::string lat = get("lat"), lon = get("long"), address = get("address_string"), address_id = get("address_id");
  if ((lat.empty() || lon.empty()) && address.empty() && address_id.empty()) {
    co_return O311Error(400, "a location is required: lat and long, address_string or address_id", f);
  }
  std::string name = get("first_name");
  if (!get("last_name").empty()) name += (name.empty() ? "" : " ") + get("last_name");
  json::object body{{"category", service_code}, {"content", get("description")}, {"full_name", name}, {"email", get("email")},
                    {"phone", get("phone")}, {"location", address.empty() ? address_id : address}, {"media_url", get("media_url")},
                    {"device_id", get("device_id")}};
  if (!lat.empty()) body["lat"] = lat;
  if (!lon.empty()) body["long"] = lon;
  if (auto p = get("attribute[procedure_code]"); !p.empty()) body["procedure_code"] = p;
  if (auto p = get("attribute[dossier_code]"); !p.empty()) body["dossier_code"] = p;
  bool en = English(req);
  Origin origin{"open311", nullptr, *key_id};
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.Submit(origin, body, en); });
  if (!out) co_return O311Problem(out.error(), f);
  json::array a{json::object{{"service_request_id", out->at("code")}, {"token", out->at("token")},
                             {"service_notice", en ? "Answer due within 5 working days of receipt for classification; see expected_datetime."
                                                   : "Phản ánh được phân loại, chuyển xử lý trong 5 ngày làm việc; xem expected_datetime."},
                             {"account_id", nullptr}}};
  co_return O311(201, a, "service_requests", f);
}

awaitable<Response> O311One(Deps& d, Request req) {
  auto doc = Doc(req, "id");
  if (!doc) co_return O311Error(404, "Use requests/{service_request_id}.json or .xml", Format::kJson);
  bool en = English(req);
  std::vector<std::string> ids{doc->first};
  auto rows = co_await http::Offload(d.workers, [&]() { return d.service.Open311Requests(ids, "", "", "", "", 1, 1, en); });
  if (!rows) co_return O311Problem(rows.error(), doc->second);
  if (rows->empty()) co_return O311Error(404, "service_request_id not found: " + doc->first, doc->second);
  co_return O311(200, *rows, "service_requests", doc->second);
}

awaitable<Response> O311Token(Deps& d, Request req) {
  auto doc = Doc(req, "token");
  if (!doc) co_return O311Error(404, "Use tokens/{token}.json or .xml", Format::kJson);
  std::string token = doc->first;
  auto code = co_await http::Offload(d.workers, [&]() { return d.service.CodeOfToken(token); });
  if (!code) co_return O311Error(404, "token not found: " + token, doc->second);
  co_return O311(200, json::array{json::object{{"service_request_id", *code}, {"token", token}}}, "service_requests", doc->second);
}

awaitable<Response> DiscoveryJson(Deps& d, Request) { co_return co_await O311Discovery(d, Format::kJson); }
awaitable<Response> DiscoveryXml(Deps& d, Request) { co_return co_await O311Discovery(d, Format::kXml); }
awaitable<Response> ServicesJson(Deps& d, Request req) { co_return co_await O311Services(d, std::move(req), Format::kJson); }
awaitable<Response> ServicesXml(Deps& d, Request req) { co_return co_await O311Services(d, std::move(req), Format::kXml); }
awaitable<Response> ListJson(Deps& d, Request req) { co_return co_await O311List(d, std::move(req), Format::kJson); }
awaitable<Response> ListXml(Deps& d, Request req) { co_return co_await O311List(d, std::move(req), Format::kXml); }
awaitable<Response> CreateJson(Deps& d, Request req) { co_return co_await O311Create(d, std::move(req), Format::kJson); }
awaitable<Response> CreateXml(Deps& d, Request req) { co_return co_await O311Create(d, std::move(req), Format::kXml); }

}  // namespace

void RegisterRoutes(http::Router& router, Deps& deps) {
  auto bind = [&deps](auto handler) { return std::bind_front(handler, std::ref(deps)); };
  // Texts are limited to 20 kB by the service; the larger body limit lets an oversized text get
  // a 400 that names the field instead of a bare 413.
  router.Add(Method::kPost, "/api/v1/feedback", bind(&Submit), {.body_limit = 2u << 20});
  router.Add(Method::kGet, "/api/v1/feedback/{code}", bind(&Get));
  router.Add(Method::kPost, "/api/v1/feedback/{code}/actions/{action}", bind(&Act), {.body_limit = 256u << 10});
  router.Add(Method::kPost, "/api/v1/feedback/{code}/rating", bind(&Rate), {.body_limit = 16u << 10});
  router.Add(Method::kGet, "/api/v1/feedback/{code}/similar", bind(&Similar));
  router.Add(Method::kPost, "/api/v1/feedback/{code}/publication-preview", bind(&PublicationPreview), {.body_limit = 256u << 10});
  router.Add(Method::kGet, "/api/v1/me/feedback", bind(&Mine));
  router.Add(Method::kGet, "/api/v1/feedback-inbox", bind(&Inbox));
  router.Add(Method::kGet, "/api/v1/feedback-answers", bind(&PublicAnswers));
  router.Add(Method::kPost, "/api/v1/feedback-lookup", bind(&LookupItem), {.body_limit = 4u << 10});
  router.Add(Method::kPost, "/api/v1/feedback-lookup/rating", bind(&LookupRating), {.body_limit = 16u << 10});
  router.Add(Method::kPost, "/api/v1/questions", bind(&Ask), {.body_limit = 64u << 10});
  router.Add(Method::kGet, "/api/v1/me/questions", bind(&MyQuestions));
  router.Add(Method::kGet, "/api/v1/question-inbox", bind(&QuestionInbox));
  router.Add(Method::kPost, "/api/v1/questions/{id}/answer", bind(&AnswerQuestion), {.body_limit = 128u << 10});
  router.Add(Method::kPost, "/api/v1/questions/{id}/publish", bind(&PublishQuestion), {.body_limit = 128u << 10});
  router.Add(Method::kGet, "/api/v1/admin/open311/keys", bind(&ListKeys));
  router.Add(Method::kPost, "/api/v1/admin/open311/keys", bind(&IssueKey), {.body_limit = 4u << 10});
  router.Add(Method::kDelete, "/api/v1/admin/open311/keys/{id}", bind(&RevokeKey));
  router.Add(Method::kGet, "/open311/v2/discovery.json", bind(&DiscoveryJson));
  router.Add(Method::kGet, "/open311/v2/discovery.xml", bind(&DiscoveryXml));
  router.Add(Method::kGet, "/open311/v2/services.json", bind(&ServicesJson));
  router.Add(Method::kGet, "/open311/v2/services.xml", bind(&ServicesXml));
  router.Add(Method::kGet, "/open311/v2/services/{service_code}", bind(&O311Definition));
  router.Add(Method::kGet, "/open311/v2/requests.json", bind(&ListJson));
  router.Add(Method::kGet, "/open311/v2/requests.xml", bind(&ListXml));
  router.Add(Method::kPost, "/open311/v2/requests.json", bind(&CreateJson), {.body_limit = 2u << 20});
  router.Add(Method::kPost, "/open311/v2/requests.xml", bind(&CreateXml), {.body_limit = 2u << 20});
  router.Add(Method::kGet, "/open311/v2/requests/{id}", bind(&O311One));
  router.Add(Method::kGet, "/open311/v2/tokens/{token}", bind(&O311Token));
}

}  // namespace motcua::feedback

#include "sync/routes.hpp"

#include <boost/json.hpp>

#include <charconv>

#include "http/json.hpp"
#include "http/problem.hpp"
#include "identity/signed.hpp"

namespace motcua::sync {

namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;
using http::Method;
using http::Request;
using http::Response;
using Work = identity::SignedWork;

core::Error NotPortal() {
  return {ErrorCode::kNotFound, "Hệ thống này không phải Cổng quốc gia. / This deployment is not the national portal.", {}};
}

core::Result<json::object> ObjectBody(const Request& req) { return http::ParseJsonObject(req, {.max_depth = 8}); }

awaitable<Response> Post(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  if (who->kind != identity::AccountKind::kClient || !who->HasScope("dossier.sync")) {
    co_return http::ProblemResponse(req, {ErrorCode::kForbidden,
        "Cần ứng dụng có quyền dossier.sync. / A client with the dossier.sync scope is required.", {}});
  }
  if (!d.service.settings().portal) co_return http::ProblemResponse(req, NotPortal());
  // A record holding a NUL character is refused on its own by Post, not the whole request.
  auto body = http::ParseJsonObject(req, {.max_depth = 8, .allow_nul = true});
  if (!body) co_return http::ProblemResponse(req, body.error());
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.Post(*who, *body); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  co_return http::JsonResponse(200, json::value(std::move(*out)));
}

awaitable<Response> Track(Deps& d, Request req) {
  auto who = co_await d.auth.Identify(req);
  std::optional<identity::Principal> caller;
  if (who && *who) caller = **who;
  std::string code(req.PathParam("code")), id(req.Query("id_number").value_or(""));
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.Track(caller, code, id); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  co_return http::JsonResponse(200, json::value(std::move(*out)));
}

std::size_t Number(const Request& req, std::string_view name, std::size_t fallback, std::size_t max) {
  auto v = req.Query(name);
  if (!v || v->empty()) return fallback;
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc{} || p != v->data() + v->size()) return fallback;
  return std::min(n, max);
}

awaitable<Response> Mine(Deps& d, Request req) {
  std::size_t offset = Number(req, "cursor", 0, 1000000), limit = std::max<std::size_t>(1, Number(req, "limit", 20, 100));
  Work work = [&d, offset, limit](const identity::Principal& p) { return d.service.Mine(p, offset, limit); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Stats(Deps& d, Request req) {
  std::string by(req.Query("by").value_or("member")), from(req.Query("from").value_or("")), to(req.Query("to").value_or(""));
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.Stats(by, from, to); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  co_return http::JsonResponse(200, json::value(std::move(*out)));
}

awaitable<Response> Members(Deps& d, Request req) {
  Work work = [&d](const identity::Principal& p) { return d.service.Members(p); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> PutMember(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  if (!who->HasRole(identity::Role::kSysadmin)) {
    co_return http::ProblemResponse(req, {ErrorCode::kForbidden, "Chỉ quản trị hệ thống. / Sysadmins only.", {}});
  }
  auto body = ObjectBody(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  std::string code(req.PathParam("code"));
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.PutMember(*who, code, *body); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  co_return http::JsonResponse(200, json::value(std::move(*out)));
}

}  // namespace

void RegisterRoutes(http::Router& router, Deps& deps) {
  auto bind = [&deps](auto handler) { return std::bind_front(handler, std::ref(deps)); };
  router.Add(Method::kPost, "/api/v1/national/sync", bind(&Post), {.body_limit = 8u << 20});
  router.Add(Method::kGet, "/api/v1/national/dossiers/{code}", bind(&Track));
  router.Add(Method::kGet, "/api/v1/national/mine", bind(&Mine));
  router.Add(Method::kGet, "/api/v1/national/stats", bind(&Stats));
  router.Add(Method::kGet, "/api/v1/admin/sync/members", bind(&Members));
  router.Add(Method::kPut, "/api/v1/admin/sync/members/{code}", bind(&PutMember), {.body_limit = 4u << 10});
}

}  // namespace motcua::sync

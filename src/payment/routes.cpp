#include "payment/routes.hpp"

#include <boost/json.hpp>

#include <charconv>

#include "http/json.hpp"
#include "http/problem.hpp"
#include "identity/signed.hpp"

namespace motcua::payment {

namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;
using http::Method;
using http::Request;
using http::Response;
using Work = identity::SignedWork;

awaitable<Response> List(Deps& d, Request req) {
  std::string code(req.PathParam("code"));
  Work work = [&d, code](const identity::Principal& p) { return d.service.List(p, code); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

awaitable<Response> Start(Deps& d, Request req) {
  std::string request_id;
  if (!req.body.empty()) {
    auto body = http::ParseJsonObject(req, {.max_depth = 4});
    if (!body) co_return http::ProblemResponse(req, body.error());
    if (auto it = body->find("request_id"); it != body->end() && it->value().is_string()) {
      request_id = std::string(it->value().as_string());
    }
  }
  std::string code(req.PathParam("code"));
  std::string key(req.Header("Idempotency-Key").value_or(""));
  std::string ip = req.client_address.empty() ? req.remote_address : req.client_address;
  Work work = [&d, code, request_id, key, ip](const identity::Principal& p) { return d.service.Start(p, code, request_id, key, ip); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 201, work);
  co_return r;
}

// Public: authenticated by MaXacThuc, not by a session.
awaitable<Response> Callback(Deps& d, Request req) {
  CallbackReply out = co_await http::Offload(d.workers, [&]() { return d.service.Callback(req.body); });
  co_return Response::Text(out.status, std::move(out.body), "application/json");
}

awaitable<Response> Receipt(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string code(req.PathParam("code")), reference(req.PathParam("reference"));
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.Receipt(*who, code, reference); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  Response r = Response::Text(200, std::move(*out), "application/pdf");
  r.SetHeader("Content-Disposition", "attachment; filename=\"bien-lai-" + reference + ".pdf\"");
  co_return r;
}

// Our e-receipt (biên lai) of one kind of money: phi, le_phi or other.
awaitable<Response> ReceiptPdf(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  std::string code(req.PathParam("code")), reference(req.PathParam("reference")), kind(req.PathParam("kind"));
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.ReceiptPdf(*who, code, reference, kind); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  Response r = Response::Text(200, std::move(*out), "application/pdf");
  std::string name = std::string(kind == "phi" ? "bien-lai-phi-" : kind == "le_phi" ? "bien-lai-le-phi-" : "bien-lai-") + reference + ".pdf";
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
  co_return r;
}

awaitable<Response> Refund(Deps& d, Request req) {
  auto body = http::ParseJsonObject(req, {.max_depth = 4});
  if (!body) co_return http::ProblemResponse(req, body.error());
  std::string code(req.PathParam("code")), request_id(req.PathParam("request_id"));
  json::object in = std::move(*body);
  Work work = [&d, code, request_id, in](const identity::Principal& p) { return d.service.Refund(p, code, request_id, in); };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 201, work);
  co_return r;
}

awaitable<Response> Ledger(Deps& d, Request req) {
  std::string from(req.Query("from").value_or("")), to(req.Query("to").value_or("")), after(req.Query("cursor").value_or(""));
  std::size_t limit = 100;
  if (auto v = req.Query("limit"); v && !v->empty()) {
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), limit);
    if (ec != std::errc{} || p != v->data() + v->size() || limit == 0 || limit > 500) limit = 0;
  }
  Work work = [&d, from, to, after, limit](const identity::Principal& p) -> core::Result<json::object> {
    if (limit == 0) {
      auto r = d.service.Ledger(p, "", "", "", 1);  // role check first: 403 before 400
      if (!r && r.error().code == ErrorCode::kForbidden) return r;
      return core::Fail(ErrorCode::kInvalidArgument, "limit từ 1 đến 500. / limit is 1 to 500.");
    }
    return d.service.Ledger(p, from, to, after, limit);
  };
  Response r = co_await identity::Signed(d.auth, d.workers, req, 200, work);
  co_return r;
}

// The provider's statement as the CSV body, or fetched from the platform with ?source=platform;
// ?format=csv answers the reconciliation as CSV.
awaitable<Response> Reconciliation(Deps& d, Request req) {
  auto who = co_await identity::RequireSignedIn(d.auth, req);
  if (!who) co_return http::ProblemResponse(req, who.error());
  // One day (?date=) or a window of days (?from=&to=, both included).
  std::string date(req.Query("date").value_or(""));
  std::string from(req.Query("from").value_or(date)), to(req.Query("to").value_or(date));
  if (!date.empty() && (req.Query("from") || req.Query("to"))) {
    co_return http::ProblemResponse(req, core::Error{ErrorCode::kInvalidArgument, "Dùng date hoặc from và to, không cả hai. / Use date or from and to, not both.", {}});
  }
  bool csv = req.Query("format").value_or("") == "csv";
  std::string source(req.Query("source").value_or("upload"));
  if (source != "upload" && source != "platform") {
    co_return http::ProblemResponse(req, core::Error{ErrorCode::kInvalidArgument, "source là upload hoặc platform. / source is upload or platform.", {}});
  }
  bool fetch = source == "platform";
  auto out = co_await http::Offload(d.workers, [&]() { return d.service.Reconciliation(*who, from, to, req.body, fetch); });
  if (!out) co_return http::ProblemResponse(req, out.error());
  if (csv) {
    Response r = Response::Text(200, std::string(out->at("csv").as_string()), "text/csv; charset=utf-8");
    r.SetHeader("Content-Disposition", "attachment; filename=\"doi-soat-" + (from == to ? from : from + "_" + to) + ".csv\"");
    co_return r;
  }
  out->erase("csv");
  co_return http::JsonResponse(200, json::value(std::move(*out)));
}

}  // namespace

void RegisterRoutes(http::Router& router, Deps& deps) {
  auto bind = [&deps](auto handler) { return std::bind_front(handler, std::ref(deps)); };
  router.Add(Method::kGet, "/api/v1/dossiers/{code}/payments", bind(&List));
  router.Add(Method::kPost, "/api/v1/dossiers/{code}/payments", bind(&Start), {.body_limit = 4u << 10});
  router.Add(Method::kGet, "/api/v1/dossiers/{code}/payments/{reference}/receipt", bind(&Receipt));
  router.Add(Method::kGet, "/api/v1/dossiers/{code}/payments/{reference}/receipts/{kind}", bind(&ReceiptPdf));
  router.Add(Method::kPost, "/api/v1/dossiers/{code}/payments/requests/{request_id}/refund", bind(&Refund), {.body_limit = 8u << 10});
  router.Add(Method::kPost, "/api/v1/payments/callback", bind(&Callback), {.body_limit = 16u << 10});
  router.Add(Method::kGet, "/api/v1/admin/payments/ledger", bind(&Ledger));
  router.Add(Method::kPost, "/api/v1/admin/payments/reconciliation", bind(&Reconciliation), {.body_limit = 8u << 20});
}

}  // namespace motcua::payment

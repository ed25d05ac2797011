#include "system/routes.hpp"

#include <boost/json.hpp>

#include "core/log.hpp"
#include "http/json.hpp"
#include "http/problem.hpp"
#include "system/store.hpp"

namespace motcua::system {

namespace {

namespace json = boost::json;
using boost::asio::awaitable;

std::string_view EngineName(db::Engine e) {
  return e == db::Engine::kSqlite ? "sqlite" : "postgresql";
}

awaitable<http::Response> Healthz(Deps& /*deps*/, http::Request /*req*/) {
  co_return http::JsonResponse(200, json::object{{"status", "ok"}});
}

struct Readiness {
  bool database_ok = false;
  int pending = 0;
  std::string error;
};

awaitable<http::Response> Readyz(Deps& deps, http::Request req) {
  Readiness r = co_await http::Offload(deps.workers, [&deps]() {
    Readiness out;
    try {
      out.pending = db::PendingMigrations(deps.db, deps.migrations);
      out.database_ok = true;
    } catch (const std::exception& e) {
      out.error = e.what();
    }
    return out;
  });
  if (!r.database_ok) {
    core::Log(core::LogLevel::kWarn, "not ready: database unreachable",
              {{"error", std::string_view(r.error)}});
    co_return http::ProblemForStatus(req, 503, "The database cannot be reached.");
  }
  if (r.pending > 0) {
    co_return http::ProblemForStatus(
        req, 503, std::to_string(r.pending) + " database migration(s) are not applied yet.");
  }
  co_return http::JsonResponse(
      200, json::object{{"status", "ready"},
                        {"database", EngineName(deps.db.GetEngine())},
                        {"schema_version", deps.migrations.empty() ? 0 : deps.migrations.back().version}});
}

awaitable<http::Response> MetricsText(Deps& deps, http::Request /*req*/) {
  co_return http::Response::Text(200, deps.metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
}

awaitable<http::Response> OpenApi(Deps& deps, http::Request /*req*/) {
  http::Response res = http::Response::Text(200, deps.openapi_json, "application/json; charset=utf-8");
  res.SetHeader("Cache-Control", "no-cache");
  co_return res;
}

awaitable<http::Response> Instance(Deps& deps, http::Request /*req*/) {
  InstanceInfo info = co_await http::Offload(deps.workers, [&deps]() {
    auto conn = deps.db.Acquire();
    return LoadInstanceInfo(*conn);
  });
  co_return http::JsonResponse(200, json::object{{"name", info.name},
                                                 {"name_en", info.name_en},
                                                 {"version", MOTCUA_VERSION},
                                                 {"demo", info.demo},
                                                 {"database", EngineName(deps.db.GetEngine())}});
}

}  // namespace

void RegisterRoutes(http::Router& router, Deps& deps) {
  using http::Method;
  router.Add(Method::kGet, "/healthz", std::bind_front(&Healthz, std::ref(deps)), {.quiet = true});
  router.Add(Method::kGet, "/readyz", std::bind_front(&Readyz, std::ref(deps)), {.quiet = true});
  router.Add(Method::kGet, "/metrics", std::bind_front(&MetricsText, std::ref(deps)), {.quiet = true});
  router.Add(Method::kGet, "/api/openapi.json", std::bind_front(&OpenApi, std::ref(deps)));
  router.Add(Method::kGet, "/api/v1/instance", std::bind_front(&Instance, std::ref(deps)));
}

}  // namespace motcua::system

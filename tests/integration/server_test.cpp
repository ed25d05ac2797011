// HTTP behaviour through real sockets: routing, problems, limits, timeouts, static files,
// metrics, request ids, graceful shutdown — on both database engines where it matters.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "http/openapi.hpp"
#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

using namespace std::chrono_literals;

boost::json::value Json(const HttpResponse& r) { return boost::json::parse(r.body); }

class EngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    app_ = std::make_unique<TestApp>(GetParam());
    if (!app_->available()) GTEST_SKIP() << "MOTCUA_TEST_PG_URL is not set";
  }
  std::unique_ptr<TestApp> app_;
};

INSTANTIATE_TEST_SUITE_P(Engines, EngineTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

TEST_P(EngineTest, HealthAndReadiness) {
  auto health = Fetch(app_->port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(Json(health).at("status"), "ok");
  auto ready = Fetch(app_->port(), "GET", "/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(Json(ready).at("database"), GetParam() == "sqlite" ? "sqlite" : "postgresql");
  EXPECT_GE(Json(ready).at("schema_version").as_int64(), 1);
}

TEST_P(EngineTest, InstanceShowsTheDemoDeployment) {
  auto r = Fetch(app_->port(), "GET", "/api/v1/instance");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  auto v = Json(r);
  EXPECT_EQ(v.at("name"), "Cổng dịch vụ công tỉnh An Hòa");
  EXPECT_EQ(v.at("name_en"), "An Hoa Province Public Service Portal");
  EXPECT_EQ(v.at("demo"), true);
}

TEST_P(EngineTest, ReadinessFailsWhileMigrationsArePending) {
  // A second build against the same database must find nothing pending; removing the record of
  // the newest migration makes the schema "behind" and /readyz must say so.
  auto& a = app_->app();
  {
    auto conn = a.db->Acquire();
    conn->ExecuteScript("DELETE FROM schema_migrations WHERE version = " +
                        std::to_string(a.migrations.back().version));
  }
  auto r = Fetch(app_->port(), "GET", "/readyz", {{"Accept-Language", "en"}});
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(Json(r).at("detail").as_string().find("not applied"), std::string::npos) << r.body;
}

TEST(PostgresOutage, ReadinessFailsAndRecoversWithoutARestart) {
  TestApp app("postgres");
  if (!app.available()) GTEST_SKIP() << "MOTCUA_TEST_PG_URL is not set";
  ASSERT_EQ(Fetch(app.port(), "GET", "/readyz").status, 200);
  app.DropDatabase();  // DROP DATABASE … WITH (FORCE): every pooled session is cut
  for (int i = 0; i < 3; ++i) {  // broken pooled connections are discarded one by one
    auto r = Fetch(app.port(), "GET", "/readyz", {{"Accept-Language", "en"}});
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(Json(r).at("title"), "Service unavailable");
    EXPECT_EQ(Json(r).at("detail"), "The database cannot be reached.");
  }
  EXPECT_EQ(Fetch(app.port(), "GET", "/healthz").status, 200) << "liveness is unaffected";
  // Handlers that need the database answer 503 with Retry-After, not a bare 500.
  auto failed = Fetch(app.port(), "GET", "/api/v1/instance");
  EXPECT_EQ(failed.status, 503) << failed.body;
  EXPECT_EQ(failed.Header("Retry-After"), "5");
  EXPECT_EQ(failed.body.find("does not exist"), std::string::npos) << "no database detail leaks";

  // The database comes back (empty): the pool reconnects on its own; readiness reports the
  // missing schema until `motcua migrate` has run, then the deployment is ready again.
  app.RecreateDatabase();
  auto behind = Fetch(app.port(), "GET", "/readyz");
  EXPECT_EQ(behind.status, 503);
  EXPECT_NE(Json(behind).at("detail").as_string().find("not applied"), std::string::npos)
      << behind.body;
  ASSERT_TRUE(app::MigrateOnly(app.db_url()).has_value());
  EXPECT_EQ(Fetch(app.port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(Fetch(app.port(), "GET", "/api/v1/instance").status, 200);
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { app_ = std::make_unique<TestApp>("sqlite"); }
  std::uint16_t port() { return app_->port(); }
  std::unique_ptr<TestApp> app_;
};

TEST_F(ServerTest, UnknownRouteIsA404Problem) {
  auto r = Fetch(port(), "GET", "/api/v1/nothing-here", {{"Accept-Language", "en"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.Header("Content-Type"), "application/problem+json");
  auto v = Json(r);
  EXPECT_EQ(v.at("type"), "urn:motcua:problem:not-found");
  EXPECT_EQ(v.at("title"), "Not found");
  EXPECT_EQ(v.at("status"), 404);
  EXPECT_EQ(v.at("instance"), "/api/v1/nothing-here");
  auto vi = Fetch(port(), "GET", "/api/v1/nothing-here");
  EXPECT_EQ(Json(vi).at("title"), "Không tìm thấy");
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  auto r = Fetch(port(), "DELETE", "/healthz");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, HEAD");
  auto unknown = Fetch(port(), "BREW", "/healthz");
  EXPECT_EQ(unknown.status, 405);
  EXPECT_EQ(unknown.Header("Allow"), "GET, HEAD");
  EXPECT_EQ(Fetch(port(), "BREW", "/api/v1/none").status, 404);
}

TEST_F(ServerTest, HeadAnswersHeadersOnly) {
  Connection c(port());
  c.Send(RequestText("HEAD", "/healthz"));
  auto r = c.Read(5s, true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("Content-Length"), "15");
  EXPECT_TRUE(r->body.empty());
  // The connection is still in a clean state for the next request.
  c.Send(RequestText("GET", "/healthz"));
  auto next = c.Read();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->body, R"({"status":"ok"})");
}

TEST_F(ServerTest, MalformedRequestLinesGet400AndClose) {
  for (std::string bad : {"GARBAGE\r\n\r\n", "GET /healthz HTTP/9.9\r\n\r\n",
                          "GET\r\n\r\n", "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n",
                          "GET /healthz HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                          // Request smuggling shapes: ambiguous body framing is refused.
                          "POST /test/echo HTTP/1.1\r\nContent-Length: 5\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                          "POST /test/echo HTTP/1.1\r\nContent-Length: 5\r\n"
                          "Content-Length: 6\r\n\r\nhello!"}) {
    Connection c(port());
    c.Send(bad);
    auto r = c.Read(3s);
    ASSERT_TRUE(r.has_value()) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(r->Header("Content-Type"), "application/problem+json");
    EXPECT_TRUE(c.ClosedWithin(3s)) << bad;
  }
  EXPECT_EQ(Fetch(port(), "GET", "/healthz").status, 200) << "server still serves";
}

TEST_F(ServerTest, BadTargetsAndTraversalAre400) {
  for (const char* target : {"/assets/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                             "/assets/%2E%2E/index.html", "/a%zz", "/nul%00byte"}) {
    auto r = Fetch(port(), "GET", target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(Json(r).at("type"), "urn:motcua:problem:invalid-argument") << target;
  }
}

TEST_F(ServerTest, OversizedHeadersGet431) {
  std::string big(20 * 1024, 'x');
  Connection c(port());
  c.Send(RequestText("GET", "/healthz", {{"X-Big", big}}));
  auto r = c.Read(3s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(Json(*r).at("type"), "urn:motcua:problem:header-too-large");
}

TEST_F(ServerTest, OversizedBodiesGet413BeforeBeingRead) {
  // Declared length over the route's 1 KiB limit: answered without waiting for the body.
  Connection c(port());
  c.Send(RequestText("POST", "/test/echo",
                     {{"Content-Type", "application/json"}, {"Content-Length", "2000000"}}));
  auto r = c.Read(3s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.ClosedWithin(3s));

  // Chunked bodies have no declared length: the limit applies while reading.
  Connection chunked(port());
  std::string chunk(2048, 'a');
  char size_line[16];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  chunked.Send(RequestText("POST", "/test/echo",
                           {{"Content-Type", "application/json"}, {"Transfer-Encoding", "chunked"}}) +
               size_line + chunk + "\r\n0\r\n\r\n");
  auto rc = chunked.Read(3s);
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(rc->status, 413);

  // A body on a route that takes none.
  auto get = Fetch(port(), "GET", "/healthz", {}, "unexpected");
  EXPECT_EQ(get.status, 413);
}

TEST_F(ServerTest, InvalidJsonIs400WithThePosition) {
  auto r = Fetch(port(), "POST", "/test/echo", {{"Content-Type", "application/json"}},
                 "{\n  \"login\": \"citizen.demo\",\n  \"password\": }");
  EXPECT_EQ(r.status, 400);
  auto v = Json(r);
  EXPECT_NE(v.at("detail").as_string().find("line 3"), std::string::npos) << r.body;
  EXPECT_EQ(v.at("errors").as_array().at(0).at("field"), "body");
  auto ok = Fetch(port(), "POST", "/test/echo", {{"Content-Type", "application/json"}},
                  R"({"a":[1,2,3]})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"echo":{"a":[1,2,3]}})");
  auto wrong_type = Fetch(port(), "POST", "/test/echo", {{"Content-Type", "text/plain"}}, "{}");
  EXPECT_EQ(wrong_type.status, 415);
}

TEST_F(ServerTest, ExpectContinueIsHonoured) {
  Connection c(port());
  std::string body = R"({"x":1})";
  c.Send(RequestText("POST", "/test/echo",
                     {{"Content-Type", "application/json"},
                      {"Content-Length", std::to_string(body.size())},
                      {"Expect", "100-continue"}}));
  std::this_thread::sleep_for(50ms);
  c.Send(body);
  auto r = c.Read(3s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, SlowSendersAreCutOffWithoutHoldingOthers) {
  Connection slow(port());
  slow.Send("GET /healthz HTTP/1.1\r\nHost: test\r\n");
  auto started = std::chrono::steady_clock::now();
  bool closed = false;
  // Trickle a header byte every 100 ms; the 1 s header timeout must still end the connection.
  for (int i = 0; i < 40 && !closed; ++i) {
    if (!slow.Send("X")) {
      closed = true;
      break;
    }
    // Meanwhile, other clients are served promptly.
    if (i == 3) {
      EXPECT_EQ(Fetch(port(), "GET", "/healthz").status, 200);
    }
    closed = slow.ClosedWithin(100ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);

  // A body that never finishes arriving is cut off too.
  Connection stalled(port());
  stalled.Send(RequestText("POST", "/test/echo",
                           {{"Content-Type", "application/json"}, {"Content-Length", "100"}}) +
               "{\"a\":");
  EXPECT_TRUE(stalled.ClosedWithin(3s));
}

TEST_F(ServerTest, BlockingWorkDoesNotHoldTheIoThreads) {
  // More slow requests than I/O threads (2): their blocking work runs on the worker pool, so
  // the I/O threads stay free and a quick request is answered while all of them are pending.
  std::vector<std::unique_ptr<Connection>> slow;
  for (int i = 0; i < 4; ++i) {
    slow.push_back(std::make_unique<Connection>(port()));
    slow.back()->Send(RequestText("GET", "/test/slow"));
  }
  for (int i = 0; i < 200 && app_->app().server->InFlight() < 4; ++i) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(app_->app().server->InFlight(), 4u);
  EXPECT_EQ(Fetch(port(), "GET", "/healthz").status, 200);
  EXPECT_GE(app_->app().server->InFlight(), 1u) << "answered while slow requests were pending";
  for (auto& c : slow) {
    auto r = c->Read(5s);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(ServerTest, HandlerFailuresAre500WithOnlyARequestId) {
  auto r = Fetch(port(), "GET", "/test/boom", {{"X-Request-Id", "trace-42"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.Header("X-Request-Id"), "trace-42");
  EXPECT_EQ(r.body.find("secret internals"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("trace-42"), std::string::npos);
}

TEST_F(ServerTest, RequestIdsAreEchoedOrGenerated) {
  auto given = Fetch(port(), "GET", "/healthz", {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(given.Header("X-Request-Id"), "abc-123");
  auto made = Fetch(port(), "GET", "/healthz", {{"X-Request-Id", "bad id with spaces"}});
  auto id = made.Header("X-Request-Id");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->size(), 36u);
  EXPECT_NE(Fetch(port(), "GET", "/healthz").Header("X-Request-Id"), id);
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  Connection c(port());
  for (int i = 0; i < 20; ++i) {
    c.Send(RequestText("GET", "/healthz"));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->status, 200);
  }
}

TEST_F(ServerTest, StaticFilesWithCachingAndSpaFallback) {
  auto index = Fetch(port(), "GET", "/", {{"Accept", "text/html"}});
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("motcua test"), std::string::npos);
  EXPECT_EQ(index.Header("Cache-Control"), "no-cache");
  auto etag = index.Header("ETag");
  ASSERT_TRUE(etag.has_value());

  Connection c(port());
  c.Send(RequestText("GET", "/", {{"If-None-Match", *etag}}));
  auto cached = c.Read();
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->status, 304);

  auto asset = Fetch(port(), "GET", "/assets/app-abc123.js");
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(asset.Header("Content-Type"), "text/javascript; charset=utf-8");

  auto deep = Fetch(port(), "GET", "/track/H22-261122-0001", {{"Accept", "text/html"}});
  EXPECT_EQ(deep.status, 200);
  EXPECT_NE(deep.body.find("<!doctype html>"), std::string::npos);

  EXPECT_EQ(Fetch(port(), "GET", "/assets/missing.js").status, 404);
  auto api = Fetch(port(), "GET", "/api/v1/unknown", {{"Accept", "text/html"}});
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.Header("Content-Type"), "application/problem+json");
}

TEST_F(ServerTest, MetricsCountRequestsPerRoute) {
  for (int i = 0; i < 3; ++i) Fetch(port(), "GET", "/api/v1/instance");
  Fetch(port(), "GET", "/api/v1/nothing");
  auto r = Fetch(port(), "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("motcua_http_requests_total{route=\"/api/v1/instance\",method=\"GET\",code=\"2xx\"} 3"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("motcua_http_requests_total{route=\"(unmatched)\",method=\"*\",code=\"4xx\"} 1"),
            std::string::npos);
  EXPECT_NE(r.body.find("motcua_http_request_duration_seconds_count{route=\"/api/v1/instance\",method=\"GET\"} 3"),
            std::string::npos);
  EXPECT_NE(r.body.find("motcua_db_pool_connections{state=\"idle\"}"), std::string::npos);
  EXPECT_NE(r.body.find("motcua_db_query_duration_seconds_count{query=\"system_settings\"} 3"),
            std::string::npos)
      << "each /api/v1/instance ran the settings query once";
}

TEST_F(ServerTest, StopDrainsInFlightRequestsAndRefusesNewOnes) {
  Connection busy(port());
  busy.Send(RequestText("GET", "/test/slow"));
  Connection idle(port());
  idle.Send(RequestText("GET", "/healthz"));
  ASSERT_TRUE(idle.Read().has_value());
  // Wait until only the slow request is being handled (the quick one is counted until its
  // response is fully written and logged), then stop.
  for (int i = 0; i < 200 && app_->app().server->InFlight() != 1; ++i) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(app_->app().server->InFlight(), 1u);
  std::thread stopper([this] {
    app_->app().server->Stop();
    app_->app().server->Wait();
  });
  auto r = busy.Read(5s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200) << "the in-flight request finished";
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(idle.ClosedWithin(5s)) << "idle keep-alive connections are closed";
  stopper.join();
  EXPECT_THROW(Connection refused(port()), std::runtime_error);
}

TEST(OpenApi, EveryRegisteredRouteIsDocumented) {
  TestApp app("sqlite", /*with_test_routes=*/false);
  auto missing = http::UndocumentedRoutes(app.app().router.Table(), app.app().openapi_json);
  EXPECT_TRUE(missing.empty()) << "undocumented: " << ::testing::PrintToString(missing);
  auto served = Fetch(app.port(), "GET", "/api/openapi.json");
  EXPECT_EQ(served.status, 200);
  auto doc = boost::json::parse(served.body);
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  EXPECT_EQ(doc.at("info").at("version"), MOTCUA_VERSION);
  EXPECT_TRUE(doc.at("paths").as_object().contains("/healthz"));
}

TEST(OpenApi, TheCheckCatchesAnUndocumentedRoute) {
  TestApp app("sqlite", /*with_test_routes=*/true);
  auto missing = http::UndocumentedRoutes(app.app().router.Table(), app.app().openapi_json);
  EXPECT_EQ(missing, (std::vector<std::string>{"POST /test/echo", "GET /test/slow", "GET /test/boom"}));
}

}  // namespace
}  // namespace motcua::testing

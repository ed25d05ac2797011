#include "integration/test_app.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <thread>

#include "http/json.hpp"
#include "http/problem.hpp"

namespace motcua::testing {

namespace {

boost::asio::awaitable<http::Response> Echo(http::Request req) {
  auto body = http::ParseJsonBody(req);
  if (!body) co_return http::ProblemResponse(req, body.error());
  co_return http::JsonResponse(200, boost::json::object{{"echo", *body}});
}

boost::asio::awaitable<http::Response> Slow(http::WorkerPool* workers, http::Request /*req*/) {
  co_await http::Offload(*workers, [] { std::this_thread::sleep_for(std::chrono::milliseconds(300)); });
  co_return http::JsonResponse(200, boost::json::object{{"slow", true}});
}

boost::asio::awaitable<http::Response> Boom(http::Request /*req*/) {
  throw std::runtime_error("secret internals");
  co_return http::Response{};
}

}  // namespace

TestApp::TestApp(const std::string& engine, bool with_test_routes,
                 const std::function<void(config::Config&)>& tweak)
    : db_(engine) {
  if (!db_.available()) return;
  std::filesystem::create_directories(web_.path() / "assets");
  std::ofstream(web_.path() / "index.html") << "<!doctype html><html lang=\"vi\"><title>motcua test</title></html>";
  std::ofstream(web_.path() / "assets" / "app-abc123.js") << "console.log('motcua')";

  config::Config cfg;
  cfg.listen_port = 0;
  cfg.db = db_.url();
  cfg.demo = true;
  cfg.web_dir = web_.path().string();
  cfg.blob_dir = blobs_.path().string();
  cfg.io_threads = 2;
  cfg.worker_threads = 4;
  cfg.header_limit = 8 * 1024;
  cfg.header_timeout = std::chrono::milliseconds(1000);
  cfg.body_timeout = std::chrono::milliseconds(1000);
  cfg.drain_timeout = std::chrono::milliseconds(5000);
  cfg.access_log = false;
  std::function<void(app::App&)> extra;
  if (with_test_routes) {
    extra = [](app::App& a) {
      a.router.Add(http::Method::kPost, "/test/echo", &Echo, {.body_limit = 1024});
      a.router.Add(http::Method::kGet, "/test/slow", std::bind_front(&Slow, a.workers.get()));
      a.router.Add(http::Method::kGet, "/test/boom", &Boom);
    };
  }
  // Cheap password hashing keeps the many test deployments fast; the cost is a setting.
  cfg.password_hash_iterations = 1;
  cfg.password_hash_memory_kib = 8192;
  cfg.demo_mail_log = (blobs_.path() / "demo-mail.log").string();
  if (tweak) tweak(cfg);
  config_ = cfg;
  auto built = app::Build(cfg, extra);
  if (!built) throw std::runtime_error("app build failed: " + built.error().message);
  app_ = std::move(*built);
  app_->server->Start();
}

void TestApp::Restart() {
  app_.reset();
  auto built = app::Build(config_);
  if (!built) throw std::runtime_error("app rebuild failed: " + built.error().message);
  app_ = std::move(*built);
  app_->server->Start();
}

std::unique_ptr<app::App> TestApp::StartAnotherNode() {
  auto built = app::Build(config_);
  if (!built) throw std::runtime_error("second node failed: " + built.error().message);
  (*built)->server->Start();
  return std::move(*built);
}

TestApp::~TestApp() = default;

}  // namespace motcua::testing

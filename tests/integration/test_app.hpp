// A motcua deployment started in-process on a free port, with a few test-only routes.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "app/wiring.hpp"
#include "support/http_client.hpp"
#include "support/test_env.hpp"

namespace motcua::testing {

/// Starts the real wiring (migrations, demo seed, system routes) plus:
/// `POST /test/echo` (JSON in, JSON out, body limit 1 KiB), `GET /test/slow` (300 ms of blocking
/// work), `GET /test/boom` (throws).
class TestApp {
 public:
  explicit TestApp(const std::string& engine, bool with_test_routes = true,
                   const std::function<void(config::Config&)>& tweak = {});
  ~TestApp();
  std::uint16_t port() const { return app_->server->Port(); }
  app::App& app() { return *app_; }
  bool available() const { return db_.available(); }
  const std::filesystem::path& web_dir() const { return web_.path(); }
  /// PostgreSQL only: drops the database under the running server.
  void DropDatabase() { db_.Drop(); }
  /// PostgreSQL only: creates it again, empty.
  void RecreateDatabase() { db_.Recreate(); }
  const std::string& db_url() const { return db_.url(); }
  /// Stops the server and builds a new one on the same database (a restart).
  void Restart();
  /// The configuration the next Restart() uses.
  config::Config& config() { return config_; }
  /// Another node of the same deployment: its own server on the same database.
  std::unique_ptr<app::App> StartAnotherNode();

 private:
  TestDatabase db_;
  TempDir web_;
  TempDir blobs_;
  std::unique_ptr<app::App> app_;
  config::Config config_;
};

}  // namespace motcua::testing

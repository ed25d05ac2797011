// Operational endpoints every deployment has: /healthz, /readyz, /metrics, /api/openapi.json,
// and GET /api/v1/instance (what the portal shows in its header).
#pragma once

#include <span>
#include <string>

#include "db/database.hpp"
#include "db/migrations.hpp"
#include "http/metrics.hpp"
#include "http/offload.hpp"
#include "http/router.hpp"

namespace motcua::system {

/// What the system routes need; all references outlive the server.
struct Deps {
  db::Database& db;
  http::WorkerPool& workers;
  http::Metrics& metrics;
  std::span<const db::Migration> migrations;
  const std::string& openapi_json;
};

void RegisterRoutes(http::Router& router, Deps& deps);

}  // namespace motcua::system

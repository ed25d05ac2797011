#pragma once
// The notify module's HTTP API: everyone's in-app notifications with unread counts; for system
// administrators, the delivery log (with every attempt and why it failed), retrying dead
// letters, and the message templates.
#include "db/database.hpp"
#include "http/offload.hpp"
#include "http/router.hpp"
#include "identity/auth.hpp"

namespace motcua::notify {

struct Deps {
  db::Database& db;
  http::WorkerPool& workers;
  identity::Authenticator& auth;
};

void RegisterRoutes(http::Router& router, Deps& deps);

}  // namespace motcua::notify

#pragma once
// The sync HTTP API (docs/sync.md): the national-format sync endpoint for members and
// third-party one-stop systems, national tracking, "my dossiers" at every member, national
// statistics, and the members' administration.
#include "http/offload.hpp"
#include "http/router.hpp"
#include "identity/auth.hpp"
#include "sync/service.hpp"

namespace motcua::sync {

struct Deps {
  Service& service;
  http::WorkerPool& workers;
  identity::Authenticator& auth;
};

void RegisterRoutes(http::Router& router, Deps& deps);

}  // namespace motcua::sync

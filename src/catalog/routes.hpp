#pragma once
// The catalog's HTTP API: search, procedure detail and its national record, fields, FAQ,
// life-event bundles; for agency admins, import/export and the publication lifecycle.
#include "calendar/service.hpp"
#include "catalog/service.hpp"
#include "http/offload.hpp"
#include "http/router.hpp"
#include "identity/auth.hpp"

namespace motcua::catalog {

struct Deps {
  Catalog& catalog;
  http::WorkerPool& workers;
  identity::Authenticator& auth;
  calendar::Service& calendar;  ///< publication deadlines count working days
};

void RegisterRoutes(http::Router& router, Deps& deps);

}  // namespace motcua::catalog

#pragma once
// The feedback HTTP API (docs/feedback.md): PAKN under /api/v1/feedback, questions under
// /api/v1/questions, Open311 keys under /api/v1/admin/open311/keys, and the Open311 GeoReport v2
// interface under /open311/v2/ in JSON and XML.
#include <functional>
#include <string>

#include "feedback/open311_format.hpp"
#include "feedback/service.hpp"
#include "http/offload.hpp"
#include "http/router.hpp"
#include "identity/auth.hpp"

namespace motcua::feedback {

struct Deps {
  Service& service;
  http::WorkerPool& workers;
  identity::Authenticator& auth;
  /// New items per source per hour (config `feedback_submissions_per_hour`).
  open311::RateLimiter& limiter;
  /// The deployment's public base URL (Open311 discovery names its endpoint).
  std::function<std::string()> public_url = {};
  /// Lookups by code and key per client address per hour (config `feedback_lookups_per_hour`);
  /// null = none.
  open311::RateLimiter* lookup_limiter = nullptr;
};

void RegisterRoutes(http::Router& router, Deps& deps);

}  // namespace motcua::feedback

#pragma once
// The calendar's HTTP API: the public working calendar and deadline calculator; for system
// administrators, holidays and swapped working days; for agency administrators, their
// agency's working hours.
#include "calendar/service.hpp"
#include "http/offload.hpp"
#include "http/router.hpp"
#include "identity/auth.hpp"

namespace motcua::calendar {

struct Deps {
  Service& calendar;
  http::WorkerPool& workers;
  identity::Authenticator& auth;
};

void RegisterRoutes(http::Router& router, Deps& deps);

}  // namespace motcua::calendar

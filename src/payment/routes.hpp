#pragma once
// The payment HTTP API (docs/payment.md): a dossier's payments, starting a payment, the
// platform's confirmation callback, the e-receipt pass-through, the ledger.
#include "http/offload.hpp"
#include "http/router.hpp"
#include "identity/auth.hpp"
#include "payment/service.hpp"

namespace motcua::payment {

struct Deps {
  Service& service;
  http::WorkerPool& workers;
  identity::Authenticator& auth;
};

void RegisterRoutes(http::Router& router, Deps& deps);

}  // namespace motcua::payment

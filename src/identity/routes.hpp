// HTTP routes of the identity module: browser sessions, accounts, TOTP, agencies, officer
// administration and the security log; OIDC provider routes (oidc_routes.cpp).
#pragma once

#include "http/router.hpp"
#include "identity/external.hpp"
#include "identity/service.hpp"

#include <memory>
#include <vector>

namespace motcua::identity {

class ProviderDirectory;  ///< discovery documents and keys of external providers (cached)

struct Deps {
  Service& service;
  std::vector<ExternalProvider> providers;
  std::shared_ptr<ProviderDirectory> directory;  ///< created by RegisterRoutes
};

void RegisterRoutes(http::Router& router, Deps& deps);

}  // namespace motcua::identity

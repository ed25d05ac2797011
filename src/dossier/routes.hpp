#pragma once
// The dossier HTTP API (docs/dossier.md): attachments, drafts, submission, detail, workflow
// actions, inbox, tracking, rating, official forms and registers, procedure configuration.
#include <functional>
#include <memory>
#include <string>

#include "db/blob_store.hpp"
#include "dossier/service.hpp"
#include "http/coalesce.hpp"
#include "http/offload.hpp"
#include "http/router.hpp"
#include "identity/auth.hpp"

namespace motcua::dossier {

struct Deps {
  Service& service;
  db::BlobStore& blobs;
  http::WorkerPool& workers;
  identity::Authenticator& auth;
  /// The deployment's public base URL (config `public_url`): the QR codes on the forms link
  /// to its tracking page.
  std::function<std::string()> public_url = {};
  /// Public tracking lookups (set by RegisterRoutes).
  std::shared_ptr<http::Coalescer<TrackRow>> tracking = {};
};

void RegisterRoutes(http::Router& router, Deps& deps);

}  // namespace motcua::dossier

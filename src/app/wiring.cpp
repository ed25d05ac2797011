#include "app/wiring.hpp"

#include "core/log.hpp"
#include "http/openapi.hpp"
#include "catalog/demo.hpp"
#include "docs/forms.hpp"
#include "dossier/demo.hpp"
#include "identity/demo.hpp"
#include "system/store.hpp"

namespace motcua::app {

App::~App() {
  // The sender's thread reads the server's port (links in messages): it stops first.
  notify_sender.reset();
  if (server) {
    server->Stop();
    server->Wait();
  }
  if (workers) workers->Stop();
  if (hashers) hashers->Stop();
}

namespace {

core::Result<std::unique_ptr<db::Database>> OpenDatabase(const std::string& url,
                                                         std::size_t pool_size,
                                                         db::QueryObserver observer = {}) {
  try {
    return db::Database::Open(url, {.size = pool_size, .observer = std::move(observer)});
  } catch (const std::exception& e) {
    return core::Fail(core::ErrorCode::kUnavailable, e.what());
  }
}

}  // namespace

notify::SenderOptions NotifyOptions(const config::Config& config, std::function<std::string()> public_url) {
  notify::SenderOptions o;
  o.smtp.host = config.notify_smtp_host;
  o.smtp.port = static_cast<std::uint16_t>(config.notify_smtp_port);
  o.smtp.starttls = config.notify_smtp_starttls;
  o.smtp.tls_verify = config.notify_smtp_tls_verify;
  o.smtp.user = config.notify_smtp_user;
  o.smtp.password = config.notify_smtp_password;
  o.smtp.from = config.notify_smtp_from;
  o.smtp.from_name = config.notify_smtp_from_name;
  o.smtp.timeout = config.notify_smtp_timeout;
  o.sms.url = config.notify_sms_url;
  o.sms.secret = config.notify_sms_secret;
  o.sms.sender = config.notify_sms_sender;
  o.sms.timeout = config.notify_smtp_timeout;
  o.max_attempts = static_cast<int>(config.notify_max_attempts);
  o.backoff.base = std::chrono::seconds(config.notify_retry_base_seconds);
  o.backoff.cap = std::chrono::seconds(config.notify_retry_max_seconds);
  o.rate_limit_per_hour = static_cast<std::int64_t>(config.notify_rate_limit_per_hour);
  o.poll = std::chrono::milliseconds(config.notify_poll_ms);
  o.lease = std::chrono::seconds(config.notify_lease_seconds);
  o.public_url = std::move(public_url);
  return o;
}

core::Result<db::MigrationReport> MigrateOnly(const std::string& db_url) {
  auto db = OpenDatabase(db_url, 1);
  if (!db) return std::unexpected(db.error());
  auto migrations = db::MigrationsFor((*db)->GetEngine(), db::EmbeddedMigrations());
  try {
    return db::Migrate(**db, migrations);
  } catch (const std::exception& e) {
    return core::Fail(core::ErrorCode::kInternal, std::string("migration failed: ") + e.what());
  }
}

core::Result<bool> SeedDemo(db::Database& db, crypto::PasswordCost cost) {
  try {
    auto conn = db.Acquire();
    db::Transaction tx(*conn);
    bool wrote = system::SeedDemoInstance(*conn);
    if (wrote) {
      identity::SeedDemoIdentity(*conn, cost);
      catalog::SeedDemoCatalog(*conn);
      dossier::SeedDemoConfigs(*conn);
    }
    tx.Commit();
    return wrote;
  } catch (const std::exception& e) {
    return core::Fail(core::ErrorCode::kInternal, std::string("seeding failed: ") + e.what());
  }
}

core::Result<std::unique_ptr<App>> Build(const config::Config& config,
                                         const std::function<void(App&)>& extra_routes) {
  auto app = std::make_unique<App>();
  app->config = config;
  auto& queries = app->metrics.AddHistogramFamily(
      "motcua_db_query_duration_seconds", "Time to run a named query, by query name.", "query");
  auto db = OpenDatabase(config.db, config.db_pool_size,
                         [&queries](std::string_view name, double seconds, bool ok) {
                           queries.Observe(name, seconds, ok);
                         });
  if (!db) return std::unexpected(db.error());
  app->db = std::move(*db);
  app->migrations = db::MigrationsFor(app->db->GetEngine(), db::EmbeddedMigrations());
  core::Result<db::MigrationReport> migrated;
  try {
    migrated = db::Migrate(*app->db, app->migrations);
  } catch (const std::exception& e) {
    return core::Fail(core::ErrorCode::kInternal, std::string("migration failed: ") + e.what());
  }
  if (!migrated) return std::unexpected(migrated.error());
  for (const auto& name : migrated->applied) {
    core::Log(core::LogLevel::kInfo, "migration applied", {{"name", std::string_view(name)}});
  }
  crypto::PasswordCost cost{.iterations = config.password_hash_iterations,
                            .memory_kib = config.password_hash_memory_kib};
  if (config.demo) {
    auto seeded = SeedDemo(*app->db, cost);
    if (!seeded) return std::unexpected(seeded.error());
    if (*seeded) core::Log(core::LogLevel::kInfo, "demo data seeded");
  }

  app->workers = std::make_unique<http::WorkerPool>(config.worker_threads);
  if (config.blob_backend == "postgres") {
    app->blobs = db::MakePostgresBlobStore(*app->db);
  } else {
    app->blobs = db::MakeFilesystemBlobStore(*app->db, config.blob_dir);
  }

  App* a = app.get();
  app->metrics.AddGauge("motcua_db_pool_connections", "Database connections by state.",
                        "state=\"idle\"", [a] { return static_cast<double>(a->db->Idle()); });
  app->metrics.AddGauge("motcua_db_pool_connections", "Database connections by state.",
                        "state=\"in_use\"", [a] { return static_cast<double>(a->db->InUse()); });
  app->metrics.AddGauge("motcua_db_pool_capacity", "Most database connections open at once.", "",
                        [a] { return static_cast<double>(a->db->Capacity()); });
  app->metrics.AddGauge("motcua_worker_jobs_pending", "Blocking jobs queued or running.", "",
                        [a] { return static_cast<double>(a->workers->Pending()); });
  app->metrics.AddGauge("motcua_http_in_flight", "Requests being handled.", "",
                        [a] { return a->server ? static_cast<double>(a->server->InFlight()) : 0.0; });

  app->openapi_json = http::BuildOpenApi(EmbeddedOpenApi(), MOTCUA_VERSION);
  app->static_files = http::StaticFiles::Load(config.web_dir);
  if (app->static_files.Empty()) {
    core::Log(core::LogLevel::kWarn, "web app not found; serving the API only",
              {{"web_dir", std::string_view(config.web_dir)}});
  }

  app->system_deps = std::make_unique<system::Deps>(system::Deps{
      *app->db, *app->workers, app->metrics, app->migrations, app->openapi_json});
  system::RegisterRoutes(app->router, *app->system_deps);

  app->hashers = std::make_unique<http::WorkerPool>(config.password_hash_threads);
  app->keys = std::make_unique<identity::KeyRing>(*app->db);
  try {
    app->keys->LoadOrCreate();
  } catch (const std::exception& e) {
    return core::Fail(core::ErrorCode::kInternal, std::string("signing keys: ") + e.what());
  }
  identity::ServiceOptions identity_options;
  identity_options.password_cost = cost;
  identity_options.session_ttl = std::chrono::minutes(config.session_ttl_minutes);
  identity_options.session_idle = std::chrono::minutes(config.session_idle_minutes);
  identity_options.officer_totp_required = config.officer_totp_required;
  identity_options.demo = config.demo;
  identity_options.demo_mail_log = config.demo_mail_log;
  identity_options.totp_issuer = "motcua";
  identity_options.public_url = [a] {
    return config::PublicUrl(a->config, a->server ? a->server->Port() : a->config.listen_port);
  };
  app->identity = std::make_unique<identity::Service>(*app->db, *app->workers, *app->hashers,
                                                      *app->keys, identity_options);
  std::vector<identity::ExternalProvider> providers;
  if (!config.identity_providers_file.empty()) {
    auto loaded = identity::LoadProviders(config.identity_providers_file);
    if (!loaded) return std::unexpected(loaded.error());
    providers = std::move(*loaded);
  }
  app->identity_deps = std::make_unique<identity::Deps>(
      identity::Deps{*app->identity, std::move(providers), nullptr});
  identity::RegisterRoutes(app->router, *app->identity_deps);

  // Holidays ship with the binary; a date that already has a row (an administrator's change)
  // is left alone, so this runs at every start.
  app->calendar = std::make_unique<calendar::Service>(*app->db);
  try {
    auto conn = app->db->Acquire();
    db::Transaction tx(*conn);
    std::size_t added = app->calendar->SeedShipped(*conn);
    tx.Commit();
    if (added > 0) core::Log(core::LogLevel::kInfo, "shipped holidays added", {{"days", static_cast<std::int64_t>(added)}});
  } catch (const std::exception& e) {
    return core::Fail(core::ErrorCode::kInternal, std::string("holiday calendar: ") + e.what());
  }
  app->calendar_deps = std::make_unique<calendar::Deps>(calendar::Deps{*app->calendar, *app->workers, *app->identity});
  calendar::RegisterRoutes(app->router, *app->calendar_deps);

  app->catalog = std::make_unique<catalog::Catalog>(*app->db);
  app->catalog_deps = std::make_unique<catalog::Deps>(catalog::Deps{*app->catalog, *app->workers, *app->identity, *app->calendar});
  catalog::RegisterRoutes(app->router, *app->catalog_deps);

  calendar::Service* cal = app->calendar.get();
  app->dossiers = std::make_unique<dossier::Service>(
      *app->db, *app->catalog, *app->blobs, [cal](db::Connection& conn, const std::string& agency_id) {
        return agency_id.empty() ? cal->National(conn) : cal->For(conn, agency_id);
      });
  app->dossier_deps = std::make_unique<dossier::Deps>(dossier::Deps{*app->dossiers, *app->blobs, *app->workers, *app->identity, [a] {
    return config::PublicUrl(a->config, a->server ? a->server->Port() : a->config.listen_port);
  }});
  if (auto missing = docs::MissingFonts()) {
    core::Log(core::LogLevel::kWarn, "the PDF forms need their font", {{"problem", std::string_view(*missing)}});
  }
  dossier::RegisterRoutes(app->router, *app->dossier_deps);
  if (config.deadline_watch_seconds > 0) {
    app->deadline_watcher = std::make_unique<dossier::DeadlineWatcher>(*app->dossiers, std::chrono::seconds(config.deadline_watch_seconds));
  }
  app->notify_deps = std::make_unique<notify::Deps>(notify::Deps{*app->db, *app->workers, *app->identity});
  notify::RegisterRoutes(app->router, *app->notify_deps);
  if (config.notify_poll_ms > 0) {
    app->notify_sender = std::make_unique<notify::Sender>(*app->db, NotifyOptions(config, identity_options.public_url));
    app->notify_sender->Start();
  }
  // Payments: the dossier module tells the payment module of status changes (raising and
  // cancelling requests) through an observer, so dossier does not depend on payment.
  if (!config.payment_platform_url.empty() && (config.payment_partner_code.empty() || config.payment_secret.empty())) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "payment_platform_url is set: payment_partner_code and payment_secret are required too");
  }
  payment::Settings pay;
  pay.platform_url = config.payment_platform_url;
  pay.partner = config.payment_partner_code;
  pay.secret = config.payment_secret;
  pay.token = config.payment_platform_token;
  pay.validity = std::chrono::minutes(config.payment_validity_minutes);
  pay.public_url = identity_options.public_url;
  if (config.payment_requery_seconds > 0) {
    pay.requery_every = std::chrono::seconds(config.payment_requery_seconds);
    pay.first_query_after = std::chrono::seconds(config.payment_requery_seconds);
  }
  app->payments = std::make_unique<payment::Service>(*app->db, *app->dossiers, pay, payment::MakeHttpGateway(pay));
  payment::Service* payments = app->payments.get();
  app->dossiers->SetStatusObserver([payments](db::Connection& c, const dossier::StatusChange& change) { payments->OnStatusChange(c, change); });
  app->payment_deps = std::make_unique<payment::Deps>(payment::Deps{*app->payments, *app->workers, *app->identity});
  payment::RegisterRoutes(app->router, *app->payment_deps);
  if (pay.Enabled() && config.payment_requery_seconds > 0) {
    app->payment_requery = std::make_unique<payment::RequeryJob>(*app->payments, std::chrono::seconds(config.payment_requery_seconds));
  }
  if (extra_routes) extra_routes(*app);

  http::ServerOptions options;
  options.host = config.listen_host;
  options.port = config.listen_port;
  options.threads = config.io_threads;
  options.header_limit = config.header_limit;
  options.default_body_limit = config.body_limit;
  options.header_timeout = config.header_timeout;
  options.body_timeout = config.body_timeout;
  options.write_timeout = config.body_timeout;
  options.drain_timeout = config.drain_timeout;
  options.access_log = config.access_log;
  app->server = std::make_unique<http::Server>(options, app->router, app->metrics, app->static_files);
  return app;
}

}  // namespace motcua::app

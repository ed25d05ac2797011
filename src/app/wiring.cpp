#include "app/wiring.hpp"

#include <algorithm>
#include <thread>

#include "core/log.hpp"
#include "http/openapi.hpp"
#include "catalog/demo.hpp"
#include "docs/forms.hpp"
#include "dossier/demo.hpp"
#include "identity/demo.hpp"
#include "identity/store.hpp"
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

// Group commits keep one row per PostgreSQL server process in commit_barriers (migration 0018).
// Those of processes that have ended are dropped at start-up, so the table stays the size of the
// set of processes; a live process whose row goes writes it again at its next group commit.
const db::Query kForgetEndedBackends{"app_forget_ended_backends",
    "DELETE FROM commit_barriers WHERE backend NOT IN (SELECT pid FROM pg_stat_activity)"};

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
  o.smtp.ca_file = config.notify_tls_ca_file;
  o.sms.ca_file = config.notify_tls_ca_file;
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

sync::Settings SyncSettings(const config::Config& config) {
  sync::Settings s;
  s.member = config.sync_member;
  s.portal = config.sync_portal;
  std::string urls = config.sync_nats_url;
  for (std::size_t start = 0; start < urls.size();) {
    auto comma = urls.find(',', start);
    std::string url = urls.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!url.empty() && url.front() == ' ') url.erase(url.begin());
    while (!url.empty() && url.back() == ' ') url.pop_back();
    if (!url.empty()) s.nats_servers.push_back(url);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  s.stream.replicas = static_cast<int>(config.sync_stream_replicas);
  s.stream.duplicate_window = std::chrono::seconds(config.sync_dedup_window_seconds);
  return s;
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
  {
    auto conn = app->db->Acquire();
    if (app->db->GetEngine() == db::Engine::kPostgres) conn->Execute(kForgetEndedBackends, {});
    if (auto n = identity::store::FillAgencySearchKeys(*conn); n > 0) {
      core::Log(core::LogLevel::kInfo, "agency search keys filled", {{"agencies", static_cast<std::int64_t>(n)}});
    }
  }
  crypto::PasswordCost cost{.iterations = config.password_hash_iterations,
                            .memory_kib = config.password_hash_memory_kib};
  if (config.demo) {
    auto seeded = SeedDemo(*app->db, cost);
    if (!seeded) return std::unexpected(seeded.error());
    if (*seeded) core::Log(core::LogLevel::kInfo, "demo data seeded");
  }

  std::size_t workers = config.worker_threads;
  if (workers == 0) workers = std::max<std::size_t>(4, 2 * std::max(1u, std::thread::hardware_concurrency()));
  app->workers = std::make_unique<http::WorkerPool>(workers);
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
    // Sampled by the sender after each pass, never by a query on the scrape's I/O thread.
    notify::Sender* sender = app->notify_sender.get();
    for (std::string status : {"pending", "dead", "failed"}) {
      app->metrics.AddGauge("motcua_notify_outbox_messages", "E-mails and SMS not delivered, by status.",
                            "status=\"" + status + "\"", [sender, status] {
                              auto s = sender->Stats();
                              return static_cast<double>(status == "pending" ? s.pending
                                                         : status == "dead"  ? s.dead
                                                                             : s.failed);
                            });
    }
    app->metrics.AddGauge("motcua_notify_outbox_oldest_pending_seconds",
                          "How long the oldest undelivered e-mail or SMS has waited (the sending lag).", "",
                          [sender] { return sender->Stats().oldest_pending_seconds; });
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
  if (config.receipt_signing_key.empty() != config.receipt_signing_cert.empty()) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "receipt_signing_key and receipt_signing_cert go together");
  }
  if (!config.receipt_signing_key.empty()) {
    auto signer = payment::PdfSigner::Load(config.receipt_signing_key, config.receipt_signing_cert);
    if (!signer) return std::unexpected(signer.error());
    pay.receipt_signer = *signer;
  }
  pay.public_url = identity_options.public_url;
  if (config.payment_requery_seconds > 0) {
    pay.requery_every = std::chrono::seconds(config.payment_requery_seconds);
    pay.first_query_after = std::chrono::seconds(config.payment_requery_seconds);
  }
  // On SQLite, writers take turns on one lock anyway; callbacks settled always on the same
  // connection keep its page cache (a connection drops it whenever another one has written).
  if (app->db->GetEngine() == db::Engine::kSqlite) {
    auto settle = OpenDatabase(config.db, 1);
    if (!settle) return std::unexpected(settle.error());
    app->payment_db = std::move(*settle);
  }
  app->payments = std::make_unique<payment::Service>(*app->db, *app->dossiers, pay, payment::MakeHttpGateway(pay), app->payment_db.get());
  payment::Service* payments = app->payments.get();
  app->dossiers->SetStatusObserver([payments](db::Connection& c, const dossier::StatusChange& change) { payments->OnStatusChange(c, change); });
  app->payment_deps = std::make_unique<payment::Deps>(payment::Deps{*app->payments, *app->workers, *app->identity});
  payment::RegisterRoutes(app->router, *app->payment_deps);
  if (pay.Enabled() && config.payment_requery_seconds > 0) {
    app->payment_requery = std::make_unique<payment::RequeryJob>(*app->payments, std::chrono::seconds(config.payment_requery_seconds));
  }
  // Feedback and petitions (PAKN), Open311, questions.
  app->feedback = std::make_unique<feedback::Service>(*app->db, *app->catalog, [cal](db::Connection& conn, const std::string& agency_id) {
    return agency_id.empty() ? cal->National(conn) : cal->For(conn, agency_id);
  });
  app->feedback_limiter = std::make_unique<feedback::open311::RateLimiter>(config.feedback_submissions_per_hour);
  app->feedback_deps = std::make_unique<feedback::Deps>(feedback::Deps{*app->feedback, *app->workers, *app->identity, *app->feedback_limiter, [a] {
    return config::PublicUrl(a->config, a->server ? a->server->Port() : a->config.listen_port);
  }});
  app->feedback_lookup_limiter = std::make_unique<feedback::open311::RateLimiter>(config.feedback_lookups_per_hour);
  app->feedback_deps->lookup_limiter = app->feedback_lookup_limiter.get();
  feedback::RegisterRoutes(app->router, *app->feedback_deps);
  if (config.deadline_watch_seconds > 0) {
    app->feedback_watcher = std::make_unique<feedback::DeadlineWatcher>(*app->feedback, std::chrono::seconds(config.deadline_watch_seconds));
  }
  // Status synchronisation: a member publishes its outbox; the portal ingests everyone's.
  auto sync_settings = SyncSettings(config);
  sync_settings.public_url = identity_options.public_url;
  app->sync = std::make_unique<sync::Service>(*app->db, sync_settings);
  app->sync_deps = std::make_unique<sync::Deps>(sync::Deps{*app->sync, *app->workers, *app->identity});
  sync::RegisterRoutes(app->router, *app->sync_deps);
  if (config.sync_portal) {
    // "My dossiers" on the portal also lists the applicant's dossiers at the other members.
    app->dossiers->SetOtherDossiers([s = app->sync.get()](db::Connection& c, const identity::Principal& who, int status, std::size_t n) {
      auto [found, total] = s->OthersOf(c, who, status, n);
      std::vector<dossier::OtherDossier> out;
      out.reserve(found.size());
      for (auto& f : found) out.push_back({f.submitted, std::move(f.code), std::move(f.item)});
      return std::make_pair(std::move(out), total);
    });
  }
  sync::NatsOptions nats;
  nats.servers = sync_settings.nats_servers;
  nats.user = config.sync_nats_user;
  nats.password = config.sync_nats_password;
  nats.creds = config.sync_nats_creds;
  nats.max_in_flight = sync_settings.max_in_flight;
  if (!config.sync_member.empty() && !nats.servers.empty() && config.sync_relay_ms > 0) {
    nats.name = "motcua relay " + config.sync_member;
    app->sync_relay = std::make_unique<sync::Relay>(*app->sync, nats, std::chrono::milliseconds(config.sync_relay_ms));
    app->metrics.AddGauge("motcua_sync_outbox_depth", "Dossier events not yet published to the national portal.", "",
                          [a] { return static_cast<double>(a->sync_relay->Depth()); });
    app->metrics.AddGauge("motcua_sync_outbox_oldest_seconds", "Age of the oldest unpublished dossier event.", "",
                          [a] { return a->sync_relay->OldestAgeSeconds(); });
    app->metrics.AddGauge("motcua_sync_nats_connected", "1 when the relay is connected to NATS.", "",
                          [a] { return a->sync_relay->Connected() ? 1.0 : 0.0; });
  }
  if (config.sync_portal) {
    try {
      app->sync->RefreshLag();
    } catch (const std::exception& e) {
      return core::Fail(core::ErrorCode::kInternal, std::string("sync members: ") + e.what());
    }
    if (!nats.servers.empty()) {
      nats.name = "motcua national ingest";
      app->sync_ingest = std::make_unique<sync::IngestWorker>(*app->sync, nats);
      app->metrics.AddGauge("motcua_sync_consumer_pending", "Sync events in the stream not yet delivered to the portal.", "",
                            [a] { return static_cast<double>(a->sync_ingest->ConsumerPending()); });
      app->metrics.AddGauge("motcua_sync_consumer_ack_pending", "Sync events delivered to the portal, not yet acknowledged.", "",
                            [a] { return static_cast<double>(a->sync_ingest->AckPending()); });
      app->metrics.AddGauge("motcua_sync_ingest_failed_batches",
                            "Sync batches this node could not store since it started (database errors); what was not stored was given back to the stream.", "",
                            [a] { return static_cast<double>(a->sync_ingest->FailedBatches()); });
      app->metrics.AddGauge("motcua_sync_ingest_isolated_deliveries",
                            "Sync messages the database refused on their own since this node started, the rest of their batch stored; each was given back to the stream.", "",
                            [a] { return static_cast<double>(a->sync_ingest->Isolated()); });
      app->metrics.AddGauge("motcua_sync_consumer_stalled_seconds",
                            "Seconds for which sync events have awaited acknowledgement while the consumer's ack floor did not move (0 while they flow).", "",
                            [a] { return a->sync_ingest->StalledSeconds(); });
    }
    auto per_member = [a](auto value) {
      return [a, value] {
        std::vector<std::pair<std::string, double>> out;
        for (const auto& m : a->sync->Lag()) out.emplace_back("member=\"" + m.code + "\"", value(m));
        return out;
      };
    };
    app->metrics.AddGaugeSet("motcua_sync_member_events", "Sync events stored from each member.",
                             per_member([](const sync::MemberLag& m) { return static_cast<double>(m.events); }));
    app->metrics.AddGaugeSet("motcua_sync_member_refused", "Sync records refused from each member (malformed or forged).",
                             per_member([](const sync::MemberLag& m) { return static_cast<double>(m.rejected); }));
    app->metrics.AddGaugeSet("motcua_sync_member_last_event_age_seconds",
                             "Seconds since the latest event of each member (by the member's clock, never negative).",
                             per_member([](const sync::MemberLag& m) { return sync::AgeSeconds(m.last_event_at); }));
    app->metrics.AddGaugeSet("motcua_sync_member_stream_lag",
                             "Stream sequences between each member's last message in the stream and the last one the portal took "
                             "(0: caught up; at least the member's messages still waiting).",
                             per_member([](const sync::MemberLag& m) { return static_cast<double>(m.stream_lag); }));
    app->metrics.AddGaugeSet("motcua_sync_member_last_ingest_age_seconds", "Seconds since the portal last stored an event of each member.",
                             per_member([](const sync::MemberLag& m) { return sync::AgeSeconds(m.last_ingest_at); }));
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
  // Validated when the configuration was read.
  options.trusted_proxies = http::TrustedProxies::Parse(config.trusted_proxies).value_or(http::TrustedProxies{});
  app->server = std::make_unique<http::Server>(options, app->router, app->metrics, app->static_files);
  return app;
}

}  // namespace motcua::app

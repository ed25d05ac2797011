// motcua: serve | migrate | seed --demo | paysim | sync-resync | version.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <iostream>

#include "app/wiring.hpp"
#include "catalog/demo.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "payment/paysim.hpp"

extern char** environ;

namespace {

using namespace motcua;

std::vector<std::string> Environment() {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) out.emplace_back(*e);
  return out;
}

/// Adds `--<key>` options for the given configuration keys, collecting given values.
void AddConfigOptions(CLI::App& cmd, std::map<std::string, std::string>& flags,
                      std::initializer_list<std::string_view> only = {}) {
  for (const auto& key : config::Keys()) {
    if (only.size() > 0 && std::find(only.begin(), only.end(), key.key) == only.end()) continue;
    std::string k(key.key);
    std::string help = std::string(key.help) + " [env " + config::EnvName(k) + "]";
    if (k == "demo") {
      cmd.add_flag_callback("--demo", [&flags] { flags["demo"] = "true"; }, help);
      continue;
    }
    cmd.add_option_function<std::string>(
           "--" + config::FlagName(k), [&flags, k](const std::string& v) { flags[k] = v; }, help)
        ->type_name("VALUE");
  }
}

core::Result<config::Config> LoadConfig(const std::string& file,
                                        const std::map<std::string, std::string>& flags) {
  config::Sources sources;
  sources.file_path = file;
  if (sources.file_path.empty()) {
    if (const char* env = std::getenv("MOTCUA_CONFIG")) sources.file_path = env;
  }
  sources.environment = Environment();
  sources.flags = flags;
  return config::Load(sources);
}

// `YYYY-MM-DD` (a day in Asia/Ho_Chi_Minh) + `days` → the UTC instant text of its midnight.
std::optional<std::string> LocalMidnightUtc(const std::string& date, int days = 0) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return core::FormatUtc(std::chrono::sys_days{ymd} + std::chrono::days{days} - std::chrono::hours{7});
}

int ConfigError(const core::Error& e) {
  std::cerr << "motcua: configuration error: " << e.message << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "motcua — Một cửa: the open e-government one-stop platform.\n"
      "Configuration comes from flags, MOTCUA_* environment variables and an optional config "
      "file of 'key = value' lines (--config or MOTCUA_CONFIG), flags winning.",
      "motcua"};
  cli.require_subcommand(1);
  std::string config_file;
  cli.add_option("--config", config_file, "config file of 'key = value' lines [env MOTCUA_CONFIG]");

  std::map<std::string, std::string> serve_flags;
  auto* serve = cli.add_subcommand(
      "serve",
      "Serve the portal, the back office and the APIs over HTTP. Applies pending migrations "
      "first; with --demo, seeds the demo data into an empty database. Stops gracefully on "
      "SIGTERM or SIGINT (in-flight requests finish; exit status 0).");
  AddConfigOptions(*serve, serve_flags);

  std::map<std::string, std::string> migrate_flags;
  auto* migrate = cli.add_subcommand(
      "migrate", "Apply pending database migrations and exit (safe to run on several nodes).");
  AddConfigOptions(*migrate, migrate_flags, {"db", "log_level"});

  std::map<std::string, std::string> seed_flags;
  bool seed_demo = false;
  auto* seed = cli.add_subcommand(
      "seed",
      "Load data into the database: --demo creates the demo province, catalog and demo "
      "accounts (password Demo@2026). Never run it on a production database.");
  seed->add_flag("--demo", seed_demo, "seed the demo data set (required)")->required();
  std::size_t synthetic = 0;
  seed->add_option("--synthetic-procedures", synthetic,
                   "also write this many synthetic procedures (codes 8.xxxxxx), for benchmarks");
  AddConfigOptions(*seed, seed_flags, {"db", "log_level"});

  payment::PaySimOptions sim;
  std::string sim_listen = "127.0.0.1:8090";
  long sim_delay_ms = 0;
  auto* paysim = cli.add_subcommand(
      "paysim",
      "Serve a sandbox of the payment platform (protocol v1.0.6) on loopback for tests and "
      "demos: INIT answers a page where a tester approves or declines; the decision sends the "
      "signed callback to --callback-url. Point motcua's payment_platform_url at "
      "http://HOST:PORT/api/paygov with the same partner code and secret.");
  paysim->add_option("--listen", sim_listen, "HOST:PORT to serve on")->capture_default_str();
  paysim->add_option("--partner", sim.partner, "partner code (MaDoiTac) accepted")->capture_default_str();
  paysim->add_option("--secret", sim.secret, "shared secret of MaXacThuc")->capture_default_str();
  paysim->add_option("--callback-url", sim.callback_url, "motcua's POST /api/v1/payments/callback URL");
  paysim->add_option("--return-url", sim.return_url, "where the payer's browser returns after deciding");
  paysim->add_option("--delay-ms", sim_delay_ms, "wait this long before each callback");
  paysim->add_option("--deliveries", sim.deliveries, "send each callback this many times (duplicates)")->capture_default_str();
  paysim->add_flag("--drop-callbacks", sim.drop, "never send callbacks (motcua must re-query)");
  paysim->add_flag("--bad-signature", sim.bad_signature, "sign callbacks with a wrong secret");

  std::map<std::string, std::string> resync_flags;
  std::string resync_from, resync_to, resync_member;
  auto* resync = cli.add_subcommand(
      "sync-resync",
      "Queue a member's dossier events of a date range (days in Asia/Ho_Chi_Minh, both included) "
      "for publishing to the national portal again, e.g. after the portal lost data or a member was "
      "offline for longer than the stream kept its events. With sync_nats_url set, publishes them "
      "now; otherwise the relay of a running server does.");
  resync->add_option("--from", resync_from, "first day, YYYY-MM-DD")->required();
  resync->add_option("--to", resync_to, "last day, YYYY-MM-DD")->required();
  resync->add_option("--member", resync_member, "the member code, checked against sync_member");
  AddConfigOptions(*resync, resync_flags,
                   {"db", "log_level", "public_url", "sync_member", "sync_nats_url", "sync_nats_user", "sync_nats_password",
                    "sync_nats_creds", "sync_stream_replicas"});

  cli.add_subcommand("version", "Print the version and exit.");

  CLI11_PARSE(cli, argc, argv);

  if (cli.got_subcommand("version")) {
    std::cout << "motcua " << MOTCUA_VERSION << "\n";
    return 0;
  }

  if (paysim->parsed()) {
    core::InitLogging(core::LogLevel::kInfo);
    auto colon = sim_listen.rfind(':');
    if (colon == std::string::npos) {
      std::cerr << "motcua paysim: --listen must be HOST:PORT\n";
      return 2;
    }
    sim.host = sim_listen.substr(0, colon);
    sim.port = static_cast<std::uint16_t>(std::stoul(sim_listen.substr(colon + 1)));
    sim.delay = std::chrono::milliseconds(sim_delay_ms);
    try {
      return payment::RunPaySim(sim);
    } catch (const std::exception& e) {
      std::cerr << "motcua paysim: " << e.what() << "\n";
      return 1;
    }
  }

  if (serve->parsed()) {
    auto cfg = LoadConfig(config_file, serve_flags);
    if (!cfg) return ConfigError(cfg.error());
    core::LogLevel level = core::LogLevel::kInfo;
    core::ParseLogLevel(cfg->log_level, level);
    core::InitLogging(level);
    auto app = app::Build(*cfg);
    if (!app) {
      std::cerr << "motcua: cannot start: " << app.error().message << "\n";
      return 1;
    }
    core::Log(core::LogLevel::kInfo, "starting",
              {{"listen", std::string_view(cfg->listen_host)},
               {"port", static_cast<std::int64_t>(cfg->listen_port)},
               {"database", std::string_view((*app)->db->RedactedUrl())},
               {"demo", cfg->demo},
               {"web_files", static_cast<std::int64_t>((*app)->static_files.Count())}});
    try {
      (*app)->server->RunUntilSignal();
    } catch (const std::exception& e) {
      std::cerr << "motcua: cannot serve: " << e.what() << "\n";
      return 1;
    }
    (*app)->workers->Stop();
    core::Log(core::LogLevel::kInfo, "stopped");
    core::FlushLogs();
    return 0;
  }

  if (resync->parsed()) {
    auto cfg = LoadConfig(config_file, resync_flags);
    if (!cfg) return ConfigError(cfg.error());
    core::InitLogging(core::LogLevel::kWarn);
    if (cfg->sync_member.empty()) {
      std::cerr << "motcua sync-resync: sync_member is not set: this deployment is not a member\n";
      return 2;
    }
    if (!resync_member.empty() && resync_member != cfg->sync_member) {
      std::cerr << "motcua sync-resync: this deployment is member " << cfg->sync_member << ", not " << resync_member << "\n";
      return 2;
    }
    auto from = LocalMidnightUtc(resync_from), to = LocalMidnightUtc(resync_to, 1);
    if (!from || !to || *from >= *to) {
      std::cerr << "motcua sync-resync: --from and --to must be days YYYY-MM-DD, from not after to\n";
      return 2;
    }
    if (auto m = app::MigrateOnly(cfg->db); !m) {
      std::cerr << "motcua sync-resync: " << m.error().message << "\n";
      return 1;
    }
    try {
      auto db = db::Database::Open(cfg->db, {.size = 2});
      // The records carry file links under the deployment's public URL, as the server's relay
      // builds them: give the command the same public_url.
      auto settings = app::SyncSettings(*cfg);
      settings.public_url = [url = config::PublicUrl(*cfg, 0)] { return url; };
      sync::Service service(*db, settings);
      std::cout << service.Resync(*from, *to) << " events queued for " << cfg->sync_member << "\n";
      if (!service.settings().nats_servers.empty()) {
        auto nats = sync::Nats::Connect({.servers = service.settings().nats_servers, .name = "motcua resync", .user = cfg->sync_nats_user,
                                         .password = cfg->sync_nats_password, .creds = cfg->sync_nats_creds});
        if (!nats) {
          std::cerr << "motcua sync-resync: " << nats.error().message << "; the relay publishes them later\n";
          return 1;
        }
        if (auto made = (*nats)->EnsureStream(service.settings().stream); !made) {
          std::cerr << "motcua sync-resync: " << made.error().message << "\n";
          return 1;
        }
        auto report = service.RelayOnce(**nats, "sync-resync");
        if (!report.leased) std::cout << "a running relay holds the lease; it publishes them\n";
        std::cout << report.published << " published, " << service.OutboxDepth().first << " waiting\n";
      }
    } catch (const std::exception& e) {
      std::cerr << "motcua sync-resync: " << e.what() << "\n";
      return 1;
    }
    return 0;
  }

  if (migrate->parsed() || seed->parsed()) {
    auto& flags = migrate->parsed() ? migrate_flags : seed_flags;
    auto cfg = LoadConfig(config_file, flags);
    if (!cfg) return ConfigError(cfg.error());
    auto report = app::MigrateOnly(cfg->db);
    if (!report) {
      std::cerr << "motcua: migrate failed: " << report.error().message << "\n";
      return 1;
    }
    for (const auto& name : report->applied) std::cout << "applied " << name << "\n";
    std::cout << "schema at version " << report->current_version << "\n";
    if (seed->parsed()) {
      auto db = db::Database::Open(cfg->db, {.size = 1});
      auto seeded = app::SeedDemo(*db);
      if (!seeded) {
        std::cerr << "motcua: seed failed: " << seeded.error().message << "\n";
        return 1;
      }
      std::cout << (*seeded ? "demo data seeded\n" : "demo data already present\n");
      if (synthetic > 0) {
        auto conn = db->Acquire();
        catalog::SeedSynthetic(*conn, synthetic);
        std::cout << synthetic << " synthetic procedures written\n";
      }
    }
    return 0;
  }
  return 0;
}

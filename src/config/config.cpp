#include "config/config.hpp"

#include "core/text.hpp"
#include "http/client_address.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>

#include <unistd.h>

namespace motcua::config {

namespace {

using Setter = std::function<std::string(Config&, std::string_view)>;  // "" = ok, else problem
using Getter = std::function<std::string(const Config&)>;

struct KeyDef {
  KeyInfo info;
  Setter set;
  Getter get;
};

template <typename T>
bool ParseUnsigned(std::string_view text, T& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

Setter SizeSetter(std::size_t Config::*member, std::size_t min, std::size_t max) {
  return [=](Config& c, std::string_view v) -> std::string {
    std::size_t n = 0;
    if (!ParseUnsigned(v, n) || n < min || n > max) {
      return "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    }
    c.*member = n;
    return "";
  };
}

Setter MillisSetter(std::chrono::milliseconds Config::*member) {
  return [=](Config& c, std::string_view v) -> std::string {
    std::int64_t n = 0;
    if (!ParseUnsigned(v, n) || n < 1 || n > 3'600'000) {
      return "must be milliseconds from 1 to 3600000";
    }
    c.*member = std::chrono::milliseconds(n);
    return "";
  };
}

Setter BoolSetter(bool Config::*member) {
  return [=](Config& c, std::string_view v) -> std::string {
    if (v == "true" || v == "1" || v == "yes" || v == "on") c.*member = true;
    else if (v == "false" || v == "0" || v == "no" || v == "off") c.*member = false;
    else return "must be true or false";
    return "";
  };
}

Setter StringSetter(std::string Config::*member) {
  return [=](Config& c, std::string_view v) -> std::string {
    c.*member = std::string(v);
    return "";
  };
}

std::string SetListen(Config& c, std::string_view v) {
  auto colon = v.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return "must be HOST:PORT, e.g. 127.0.0.1:8080";
  std::string_view host = v.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::uint32_t port = 0;
  if (!ParseUnsigned(v.substr(colon + 1), port) || port > 65535) {
    return "has a port that is not a number from 0 to 65535";
  }
  c.listen_host = std::string(host);
  c.listen_port = static_cast<std::uint16_t>(port);
  return "";
}

const std::vector<KeyDef>& Defs() {
  static const std::vector<KeyDef> defs = {
      {{"listen", "address and port to serve on (HOST:PORT; port 0 picks a free one)", false},
       SetListen,
       [](const Config& c) { return c.listen_host + ":" + std::to_string(c.listen_port); }},
      {{"db", "database URL: sqlite:PATH or postgresql://USER:PASSWORD@HOST:PORT/NAME", true},
       [](Config& c, std::string_view v) -> std::string {
         if (!v.starts_with("sqlite:") && !v.starts_with("postgresql://") &&
             !v.starts_with("postgres://")) {
           return "must start with sqlite: or postgresql://";
         }
         if (v == "sqlite:") return "needs a file path after sqlite:";
         c.db = std::string(v);
         return "";
       },
       [](const Config& c) { return c.db; }},
      {{"demo", "seed demo data (accounts, catalog) into an empty database before serving", false},
       BoolSetter(&Config::demo),
       [](const Config& c) { return std::string(c.demo ? "true" : "false"); }},
      {{"web_dir", "directory of the built web app (served with SPA fallback)", false},
       StringSetter(&Config::web_dir), [](const Config& c) { return c.web_dir; }},
      {{"public_url", "base URL citizens reach this deployment at (links, QR codes)", false},
       [](Config& c, std::string_view v) -> std::string {
         if (!v.starts_with("http://") && !v.starts_with("https://")) {
           return "must start with http:// or https://";
         }
         c.public_url = std::string(v);
         while (c.public_url.ends_with('/')) c.public_url.pop_back();
         return "";
       },
       [](const Config& c) { return c.public_url; }},
      {{"blob_backend", "where uploaded files live: fs or postgres", false},
       [](Config& c, std::string_view v) -> std::string {
         if (v != "fs" && v != "postgres") return "must be fs or postgres";
         c.blob_backend = std::string(v);
         return "";
       },
       [](const Config& c) { return c.blob_backend; }},
      {{"blob_dir", "directory of the fs blob backend", false}, StringSetter(&Config::blob_dir),
       [](const Config& c) { return c.blob_dir; }},
      {{"blob_max_bytes", "largest file accepted, in bytes", false},
       [](Config& c, std::string_view v) -> std::string {
         std::int64_t n = 0;
         if (!ParseUnsigned(v, n) || n < 1 || n > (std::int64_t{4} << 30)) {
           return "must be a number of bytes from 1 to 4294967296";
         }
         c.blob_max_bytes = n;
         return "";
       },
       [](const Config& c) { return std::to_string(c.blob_max_bytes); }},
      {{"io_threads", "HTTP I/O threads, one io_context each (0 = one per core)", false},
       SizeSetter(&Config::io_threads, 0, 256),
       [](const Config& c) { return std::to_string(c.io_threads); }},
      {{"worker_threads", "threads for blocking work (database, PDFs) (0 = two per core, at least 4)", false},
       SizeSetter(&Config::worker_threads, 0, 512),
       [](const Config& c) { return std::to_string(c.worker_threads); }},
      {{"db_pool_size", "most database connections open at once", false},
       SizeSetter(&Config::db_pool_size, 1, 1024),
       [](const Config& c) { return std::to_string(c.db_pool_size); }},
      {{"header_limit", "largest request line + headers in bytes (larger → 431)", false},
       SizeSetter(&Config::header_limit, 1024, 1 << 20),
       [](const Config& c) { return std::to_string(c.header_limit); }},
      {{"body_limit", "default largest request body in bytes (larger → 413)", false},
       SizeSetter(&Config::body_limit, 0, std::size_t{1} << 32),
       [](const Config& c) { return std::to_string(c.body_limit); }},
      {{"header_timeout_ms", "time allowed to receive request headers (slow senders are cut)",
        false},
       MillisSetter(&Config::header_timeout),
       [](const Config& c) { return std::to_string(c.header_timeout.count()); }},
      {{"body_timeout_ms", "time allowed to receive a request body", false},
       MillisSetter(&Config::body_timeout),
       [](const Config& c) { return std::to_string(c.body_timeout.count()); }},
      {{"drain_timeout_ms", "at shutdown, how long in-flight requests may still run", false},
       MillisSetter(&Config::drain_timeout),
       [](const Config& c) { return std::to_string(c.drain_timeout.count()); }},
      {{"deadline_watch_seconds", "how often dossiers are checked for due dates (0 turns the watcher off)", false},
       SizeSetter(&Config::deadline_watch_seconds, 0, 86400),
       [](const Config& c) { return std::to_string(c.deadline_watch_seconds); }},
      {{"payment_platform_url", "payment platform endpoint (INIT/QUERY/GET_BILL); empty disables online payment", false},
       StringSetter(&Config::payment_platform_url), [](const Config& c) { return c.payment_platform_url; }},
      {{"payment_partner_code", "our partner code at the payment platform (MaDoiTac)", false},
       StringSetter(&Config::payment_partner_code), [](const Config& c) { return c.payment_partner_code; }},
      {{"payment_secret", "shared secret of the payment platform's MaXacThuc", true},
       StringSetter(&Config::payment_secret), [](const Config& c) { return c.payment_secret; }},
      {{"payment_platform_token", "bearer token sent to the payment platform (optional)", true},
       StringSetter(&Config::payment_platform_token), [](const Config& c) { return c.payment_platform_token; }},
      {{"receipt_signing_key", "PEM private key file that digitally signs our e-receipts (with receipt_signing_cert)", false},
       StringSetter(&Config::receipt_signing_key), [](const Config& c) { return c.receipt_signing_key; }},
      {{"receipt_signing_cert", "PEM certificate file of receipt_signing_key", false},
       StringSetter(&Config::receipt_signing_cert), [](const Config& c) { return c.receipt_signing_cert; }},
      {{"payment_requery_seconds", "how often pending payments are re-queried at the platform (0 = never)", false},
       SizeSetter(&Config::payment_requery_seconds, 0, 86400),
       [](const Config& c) { return std::to_string(c.payment_requery_seconds); }},
      {{"sync_member", "this deployment's member code for national sync (level-1 code such as H41, G09); empty: not a member", false},
       [](Config& c, std::string_view v) -> std::string {
         if (v.size() > 35 || v.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.") != std::string_view::npos) {
           return "must be up to 35 of 0-9, A-Z and dots";
         }
         c.sync_member = std::string(v);
         return "";
       },
       [](const Config& c) { return c.sync_member; }},
      {{"sync_portal", "this deployment is the national portal: it ingests every member's sync events", false},
       BoolSetter(&Config::sync_portal), [](const Config& c) { return c.sync_portal ? "true" : "false"; }},
      {{"sync_nats_url", "comma-separated nats:// URLs of the sync stream's servers; empty: HTTP sync API only", false},
       StringSetter(&Config::sync_nats_url), [](const Config& c) { return c.sync_nats_url; }},
      {{"sync_stream_replicas", "JetStream replicas of the sync stream (1 single node, 3 on a cluster)", false},
       SizeSetter(&Config::sync_stream_replicas, 1, 5),
       [](const Config& c) { return std::to_string(c.sync_stream_replicas); }},
      {{"sync_relay_ms", "how often a member publishes its sync outbox, in milliseconds (0 = no relay)", false},
       SizeSetter(&Config::sync_relay_ms, 0, 3'600'000),
       [](const Config& c) { return std::to_string(c.sync_relay_ms); }},
      {{"sync_dedup_window_seconds", "the sync stream's duplicate window (Nats-Msg-Id)", false},
       SizeSetter(&Config::sync_dedup_window_seconds, 1, 7 * 86400),
       [](const Config& c) { return std::to_string(c.sync_dedup_window_seconds); }},
      {{"sync_nats_user", "NATS user for the sync stream (give each member one that may publish only its own subject)", false},
       StringSetter(&Config::sync_nats_user), [](const Config& c) { return c.sync_nats_user; }},
      {{"sync_nats_password", "password of sync_nats_user", true},
       StringSetter(&Config::sync_nats_password), [](const Config& c) { return c.sync_nats_password; }},
      {{"sync_nats_creds", "path of a NATS .creds file (JWT and nkey seed) for the sync stream; wins over sync_nats_user", false},
       StringSetter(&Config::sync_nats_creds), [](const Config& c) { return c.sync_nats_creds; }},
      {{"payment_validity_minutes", "how long a payment attempt may stay pending before the re-query job expires it", false},
       SizeSetter(&Config::payment_validity_minutes, 1, 10080),
       [](const Config& c) { return std::to_string(c.payment_validity_minutes); }},
      {{"log_level", "debug, info, warn or error", false},
       [](Config& c, std::string_view v) -> std::string {
         if (v != "debug" && v != "info" && v != "warn" && v != "error") {
           return "must be debug, info, warn or error";
         }
         c.log_level = std::string(v);
         return "";
       },
       [](const Config& c) { return c.log_level; }},
      {{"access_log", "write one JSON line per request", false}, BoolSetter(&Config::access_log),
       [](const Config& c) { return std::string(c.access_log ? "true" : "false"); }},
      {{"trusted_proxies", "reverse proxies (IPs, CIDR blocks, comma-separated) whose X-Forwarded-For names the client", false},
       [](Config& c, std::string_view v) -> std::string {
         auto parsed = http::TrustedProxies::Parse(v);
         if (!parsed) return "has " + parsed.error().message;
         c.trusted_proxies = std::string(v);
         return "";
       },
       [](const Config& c) { return c.trusted_proxies; }},
      {{"password_hash_iterations", "Argon2id iterations (t) for passwords", false},
       [](Config& c, std::string_view v) -> std::string {
         std::uint64_t n = 0;
         if (!ParseUnsigned(v, n) || n < 1 || n > 10) return "must be a whole number from 1 to 10";
         c.password_hash_iterations = n;
         return "";
       },
       [](const Config& c) { return std::to_string(c.password_hash_iterations); }},
      {{"password_hash_memory_kib", "Argon2id memory (m) for passwords, in KiB", false},
       [](Config& c, std::string_view v) -> std::string {
         std::uint64_t n = 0;
         if (!ParseUnsigned(v, n) || n < 8192 || n > 1048576) {
           return "must be KiB from 8192 to 1048576";
         }
         c.password_hash_memory_kib = n;
         return "";
       },
       [](const Config& c) { return std::to_string(c.password_hash_memory_kib); }},
      {{"password_hash_threads", "passwords hashed at once (bounds login CPU and memory)", false},
       SizeSetter(&Config::password_hash_threads, 1, 64),
       [](const Config& c) { return std::to_string(c.password_hash_threads); }},
      {{"session_ttl_minutes", "a browser session ends this long after login", false},
       SizeSetter(&Config::session_ttl_minutes, 5, 43200),
       [](const Config& c) { return std::to_string(c.session_ttl_minutes); }},
      {{"session_idle_minutes", "a browser session ends after this long unused", false},
       SizeSetter(&Config::session_idle_minutes, 5, 43200),
       [](const Config& c) { return std::to_string(c.session_idle_minutes); }},
      {{"officer_totp_required", "officers must enrol and use a TOTP second factor", false},
       BoolSetter(&Config::officer_totp_required),
       [](const Config& c) { return std::string(c.officer_totp_required ? "true" : "false"); }},
      {{"identity_providers_file", "JSON file listing external OIDC identity providers", false},
       StringSetter(&Config::identity_providers_file),
       [](const Config& c) { return c.identity_providers_file; }},
      {{"demo_mail_log", "demo mode: file that e-mails and SMS (e.g. reset links) are written to",
        false},
       StringSetter(&Config::demo_mail_log), [](const Config& c) { return c.demo_mail_log; }},
      {{"notify_smtp_host", "SMTP server for e-mail notifications (empty: e-mails wait in the outbox)", false},
       StringSetter(&Config::notify_smtp_host), [](const Config& c) { return c.notify_smtp_host; }},
      {{"notify_smtp_port", "SMTP port", false}, SizeSetter(&Config::notify_smtp_port, 1, 65535),
       [](const Config& c) { return std::to_string(c.notify_smtp_port); }},
      {{"notify_smtp_starttls", "require STARTTLS before sending (true unless the server is local)", false},
       BoolSetter(&Config::notify_smtp_starttls),
       [](const Config& c) { return std::string(c.notify_smtp_starttls ? "true" : "false"); }},
      {{"notify_smtp_tls_verify", "verify the SMTP server's certificate and name", false},
       BoolSetter(&Config::notify_smtp_tls_verify),
       [](const Config& c) { return std::string(c.notify_smtp_tls_verify ? "true" : "false"); }},
      {{"notify_smtp_user", "SMTP AUTH user (empty: no AUTH)", false}, StringSetter(&Config::notify_smtp_user),
       [](const Config& c) { return c.notify_smtp_user; }},
      {{"notify_smtp_password", "SMTP AUTH password", true}, StringSetter(&Config::notify_smtp_password),
       [](const Config& c) { return c.notify_smtp_password; }},
      {{"notify_smtp_from", "sender address of notification e-mails", false},
       [](Config& c, std::string_view v) -> std::string {
         if (v.find('@') == std::string_view::npos || v.find_first_of(" <>\r\n") != std::string_view::npos) {
           return "must be a bare e-mail address";
         }
         c.notify_smtp_from = std::string(v);
         return "";
       },
       [](const Config& c) { return c.notify_smtp_from; }},
      {{"notify_smtp_from_name", "sender name of notification e-mails", false},
       StringSetter(&Config::notify_smtp_from_name), [](const Config& c) { return c.notify_smtp_from_name; }},
      {{"notify_smtp_timeout_ms", "time allowed for each SMTP command", false}, MillisSetter(&Config::notify_smtp_timeout),
       [](const Config& c) { return std::to_string(c.notify_smtp_timeout.count()); }},
      {{"notify_tls_ca_file",
        "CA certificates (PEM file) trusted for the SMTP server and the SMS gateway besides the system store", false},
       [](Config& c, std::string_view v) -> std::string {
         if (!v.empty() && ::access(std::string(v).c_str(), R_OK) != 0) return "cannot read the file";
         c.notify_tls_ca_file = std::string(v);
         return "";
       },
       [](const Config& c) { return c.notify_tls_ca_file; }},
      {{"notify_sms_url", "SMS gateway URL, http(s) (empty: SMS wait in the outbox)", false},
       [](Config& c, std::string_view v) -> std::string {
         if (!v.empty() && !v.starts_with("http://") && !v.starts_with("https://")) return "must start with http:// or https://";
         c.notify_sms_url = std::string(v);
         return "";
       },
       [](const Config& c) { return c.notify_sms_url; }},
      {{"notify_sms_secret", "shared secret of the SMS gateway's HMAC-SHA256 signature", true},
       StringSetter(&Config::notify_sms_secret), [](const Config& c) { return c.notify_sms_secret; }},
      {{"notify_sms_sender", "sender name given to the SMS gateway", false}, StringSetter(&Config::notify_sms_sender),
       [](const Config& c) { return c.notify_sms_sender; }},
      {{"notify_max_attempts", "delivery attempts before a message is a dead letter", false},
       SizeSetter(&Config::notify_max_attempts, 1, 100),
       [](const Config& c) { return std::to_string(c.notify_max_attempts); }},
      {{"notify_retry_base_seconds", "delay before the first retry (doubles each time, with jitter)", false},
       SizeSetter(&Config::notify_retry_base_seconds, 1, 86400),
       [](const Config& c) { return std::to_string(c.notify_retry_base_seconds); }},
      {{"notify_retry_max_seconds", "longest delay between retries", false},
       SizeSetter(&Config::notify_retry_max_seconds, 1, 7 * 86400),
       [](const Config& c) { return std::to_string(c.notify_retry_max_seconds); }},
      {{"feedback_submissions_per_hour", "new feedback items accepted per source (client address, account or Open311 key) per hour (0 = no limit)", false},
       SizeSetter(&Config::feedback_submissions_per_hour, 0, 1000000),
       [](const Config& c) { return std::to_string(c.feedback_submissions_per_hour); }},
      {{"feedback_lookups_per_hour", "feedback lookups by code and lookup key per client address per hour (0 = no limit)", false},
       SizeSetter(&Config::feedback_lookups_per_hour, 0, 1000000),
       [](const Config& c) { return std::to_string(c.feedback_lookups_per_hour); }},
      {{"notify_rate_limit_per_hour", "messages per recipient and channel per hour (0 = no limit); the rest wait", false},
       SizeSetter(&Config::notify_rate_limit_per_hour, 0, 100000),
       [](const Config& c) { return std::to_string(c.notify_rate_limit_per_hour); }},
      {{"notify_poll_ms", "how often the notification sender looks for due messages (0 = no sender in this process)", false},
       SizeSetter(&Config::notify_poll_ms, 0, 3600000),
       [](const Config& c) { return std::to_string(c.notify_poll_ms); }},
      {{"notify_lease_seconds", "how long a sender's claim on a message lasts (a crashed sender's messages are retaken after it)", false},
       SizeSetter(&Config::notify_lease_seconds, 1, 86400),
       [](const Config& c) { return std::to_string(c.notify_lease_seconds); }},
  };
  return defs;
}

const KeyDef* Find(std::string_view key) {
  for (const auto& d : Defs()) {
    if (d.info.key == key) return &d;
  }
  return nullptr;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

core::Result<void> Apply(Config& c, std::string_view key, std::string_view value,
                         const std::string& source) {
  const KeyDef* def = Find(key);
  if (def == nullptr) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "unknown configuration key '" + std::string(key) + "' (" + source + ")",
                      {{std::string(key), "unknown key"}});
  }
  std::string problem = def->set(c, value);
  if (!problem.empty()) {
    std::string shown = def->info.secret ? "***" : std::string(value);
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "configuration key '" + std::string(key) + "' (" + source + ") " + problem +
                          "; got '" + shown + "'",
                      {{std::string(key), problem}});
  }
  return {};
}

}  // namespace

std::span<const KeyInfo> Keys() {
  static const std::vector<KeyInfo> keys = [] {
    std::vector<KeyInfo> out;
    for (const auto& d : Defs()) out.push_back(d.info);
    return out;
  }();
  return keys;
}

std::string EnvName(std::string_view key) {
  std::string out = "MOTCUA_";
  for (char ch : key) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  return out;
}

std::string FlagName(std::string_view key) {
  std::string out(key);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

core::Result<Config> Load(const Sources& sources) {
  Config c;
  if (!sources.file_path.empty()) {
    std::ifstream in(sources.file_path);
    if (!in) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "cannot read config file '" + sources.file_path + "'");
    }
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      std::string text = Trim(line);
      if (text.empty() || text.front() == '#') continue;
      std::string where = sources.file_path + ":" + std::to_string(number);
      auto eq = text.find('=');
      if (eq == std::string::npos) {
        return core::Fail(core::ErrorCode::kInvalidArgument,
                          "config file line is not 'key = value' (" + where + ")");
      }
      std::string key = Trim(std::string_view(text).substr(0, eq));
      std::string value = Trim(std::string_view(text).substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (auto r = Apply(c, key, value, where); !r) return std::unexpected(r.error());
    }
  }
  for (const auto& entry : sources.environment) {
    if (!entry.starts_with("MOTCUA_")) continue;
    auto eq = entry.find('=');
    std::string name = entry.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : entry.substr(eq + 1);
    // MOTCUA_CONFIG names the file; MOTCUA_TEST_* belong to the test harness.
    if (name == "MOTCUA_CONFIG" || name.starts_with("MOTCUA_TEST_")) continue;
    std::string key = name.substr(7);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (auto r = Apply(c, key, value, "environment " + name); !r) return std::unexpected(r.error());
  }
  for (const auto& [key, value] : sources.flags) {
    if (auto r = Apply(c, key, value, "flag --" + FlagName(key)); !r) {
      return std::unexpected(r.error());
    }
  }
  if (c.blob_backend == "postgres" && c.db.starts_with("sqlite:")) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "configuration key 'blob_backend' is postgres but 'db' is SQLite",
                      {{"blob_backend", "needs a PostgreSQL db"}});
  }
  return c;
}

std::string PublicUrl(const Config& config, std::uint16_t bound_port) {
  if (!config.public_url.empty()) return config.public_url;
  std::string host = config.listen_host;
  if (host == "0.0.0.0" || host == "::") host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(bound_port ? bound_port : config.listen_port);
}

std::vector<std::string> Describe(const Config& config) {
  std::vector<std::string> out;
  for (const auto& d : Defs()) {
    std::string value = d.get(config);
    // Only the password part of a URL is secret; the rest lets operators check it.
    // Other secrets (the payment secret, tokens) are never shown.
    if (d.info.secret) value = value.find("://") != std::string::npos ? core::RedactUrlPassword(value) : (value.empty() ? "" : "***");
    out.push_back(std::string(d.info.key) + "=" + value);
  }
  return out;
}

}  // namespace motcua::config

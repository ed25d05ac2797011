// The one typed configuration of a motcua process, read from (lowest to highest precedence)
// defaults, a config file (`key = value` lines), `MOTCUA_*` environment variables and
// command-line flags, validated in one place at start-up (STYLE.md "Wiring").
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace motcua::config {

/// Everything a motcua process is configured with.
struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string db = "sqlite:var/motcua.db";
  bool demo = false;
  std::string web_dir = "web/dist";
  std::string public_url;  ///< base URL citizens see (QR codes, links); default from listen
  std::string blob_backend = "fs";
  std::string blob_dir = "var/blobs";
  std::int64_t blob_max_bytes = 50 << 20;
  std::size_t io_threads = 0;  ///< 0 = one per core
  /// 0 = two per core, at least 4. More only take turns on the cores: on 2 cores, 8 threads
  /// answered 16–24 % fewer tracking lookups and submissions a second than 4 (docs/scaling.md).
  std::size_t worker_threads = 0;
  std::size_t db_pool_size = 8;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1 << 20;
  std::chrono::milliseconds header_timeout{15000};
  std::chrono::milliseconds body_timeout{60000};
  std::chrono::milliseconds drain_timeout{25000};
  std::size_t deadline_watch_seconds = 60;  ///< how often the deadline watcher runs (0 = never)
  std::string log_level = "info";
  bool access_log = true;
  /// Reverse proxies whose X-Forwarded-For names the client: addresses and CIDR blocks,
  /// comma-separated; empty = none (the peer is always the client). http/client_address.hpp.
  std::string trusted_proxies;
  // Identity
  std::uint64_t password_hash_iterations = 2;     ///< Argon2id t (OWASP minimum with 19 MiB)
  std::uint64_t password_hash_memory_kib = 19456;  ///< Argon2id m
  std::size_t password_hash_threads = 2;           ///< logins hashed at once (own pool)
  std::size_t session_ttl_minutes = 720;           ///< a session ends this long after login
  std::size_t session_idle_minutes = 120;          ///< … or after this long unused
  bool officer_totp_required = false;              ///< officers must use a TOTP second factor
  std::string identity_providers_file;             ///< JSON list of external OIDC providers
  std::string demo_mail_log = "var/demo-mail.log"; ///< demo mode: messages are appended here
  // Notifications (docs/notify.md). A channel without its server configured stays off: its
  // messages wait in the outbox, pending, until it is configured.
  std::string notify_smtp_host;                    ///< empty: e-mail off
  std::size_t notify_smtp_port = 587;
  bool notify_smtp_starttls = true;                ///< require STARTTLS
  bool notify_smtp_tls_verify = true;              ///< verify the server certificate
  std::string notify_smtp_user;                    ///< AUTH PLAIN/LOGIN when set
  std::string notify_smtp_password;
  std::string notify_smtp_from = "no-reply@motcua.invalid";
  std::string notify_smtp_from_name = "Một cửa điện tử";
  std::chrono::milliseconds notify_smtp_timeout{10000};
  std::string notify_tls_ca_file;                  ///< extra CAs for the SMTP server and SMS gateway
  std::string notify_sms_url;                      ///< empty: SMS off
  std::string notify_sms_secret;
  std::string notify_sms_sender = "MOTCUA";
  std::size_t notify_max_attempts = 8;             ///< then the message is a dead letter
  std::size_t notify_retry_base_seconds = 30;      ///< first retry delay; doubles each time
  std::size_t notify_retry_max_seconds = 7200;
  std::size_t feedback_submissions_per_hour = 30;  ///< per source; 0 = none (docs/feedback.md)
  std::size_t feedback_lookups_per_hour = 60;      ///< code + key lookups per client address; 0 = none
  std::size_t notify_rate_limit_per_hour = 20;     ///< per recipient and channel; 0 = none
  std::size_t notify_poll_ms = 2000;               ///< sender pass interval; 0 = no sender
  std::size_t notify_lease_seconds = 120;          ///< a crashed sender's claim expires after this
  // Payments (docs/payment.md): disabled while payment_platform_url is empty.
  std::string payment_platform_url;     ///< the platform's message endpoint (INIT, QUERY, GET_BILL)
  std::string payment_partner_code;     ///< MaDoiTac
  std::string payment_secret;           ///< the shared secret of MaXacThuc
  std::string payment_platform_token;   ///< optional bearer token on calls to the platform
  std::string receipt_signing_key;      ///< PEM private key that signs our e-receipts (with the cert)
  std::string receipt_signing_cert;     ///< PEM certificate of that key
  std::size_t payment_requery_seconds = 60;  ///< how often pending transactions are re-queried (0 = never)
  // Status synchronisation with the national portal (docs/sync.md).
  std::string sync_member;               ///< this deployment's member code (H41, G09…); empty: not a member
  bool sync_portal = false;              ///< this deployment is the national portal (ingests everyone's)
  std::string sync_nats_url;             ///< comma-separated nats:// URLs; empty: no NATS
  std::size_t sync_stream_replicas = 1;  ///< JetStream replicas of the sync stream (3 on a cluster)
  std::size_t sync_relay_ms = 500;       ///< how often the outbox is published (0 = no relay)
  std::size_t sync_dedup_window_seconds = 7200;  ///< the stream's Nats-Msg-Id duplicate window
  std::string sync_nats_user;            ///< NATS user of this deployment (a member's may publish only its subject)
  std::string sync_nats_password;        ///< its password (secret)
  std::string sync_nats_creds;           ///< or a NATS .creds file (JWT and nkey seed); wins over user/password
  std::size_t payment_validity_minutes = 15;  ///< a pending transaction older than this is expired by the re-query job
};

/// The public base URL: `public_url` when configured, else from the listen address and the
/// port actually bound (which differs when `listen` asked for port 0).
std::string PublicUrl(const Config& config, std::uint16_t bound_port);

/// A documented configuration key (for `--help` and docs).
struct KeyInfo {
  std::string_view key;   ///< `db`; flag `--db`; environment `MOTCUA_DB`
  std::string_view help;
  bool secret;            ///< never printed
};

/// All keys, in documentation order.
std::span<const KeyInfo> Keys();

/// `web_dir` → `MOTCUA_WEB_DIR`.
std::string EnvName(std::string_view key);
/// `web_dir` → `web-dir`.
std::string FlagName(std::string_view key);

/// Where the settings come from. `environment` is `NAME=value` strings (e.g. from environ).
struct Sources {
  std::string file_path;                      ///< empty = no file
  std::vector<std::string> environment;
  std::map<std::string, std::string> flags;  ///< key (snake_case) → value
};

/// Builds and validates the configuration. Fails with kInvalidArgument naming the bad key
/// (and its source) for an unknown key, a malformed value, or an inconsistent combination.
core::Result<Config> Load(const Sources& sources);

/// `key=value` lines describing the effective configuration, secrets redacted.
std::vector<std::string> Describe(const Config& config);

}  // namespace motcua::config

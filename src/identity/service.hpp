// The identity service: registration, password logins with throttling, sessions in the
// database, CSRF, TOTP, password change and reset, and resolving the caller of a request
// (the Authenticator every module uses).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>

#include "crypto/password.hpp"
#include "db/database.hpp"
#include "http/message.hpp"
#include "http/offload.hpp"
#include "identity/auth.hpp"
#include "identity/rules.hpp"
#include "identity/store.hpp"
#include "identity/tokens.hpp"

namespace motcua::identity {

struct ServiceOptions {
  crypto::PasswordCost password_cost;
  std::chrono::minutes session_ttl{720};
  std::chrono::minutes session_idle{120};
  bool officer_totp_required = false;
  bool demo = false;
  std::string demo_mail_log;          ///< demo mode: outgoing messages are appended here
  std::string totp_issuer = "motcua"; ///< shown in authenticator apps
  /// The deployment's public base URL (the OIDC issuer; links in messages).
  std::function<std::string()> public_url;
};

/// Where a request came from, for throttling and the audit log.
struct Origin {
  std::string ip;
  std::string user_agent;
  std::string request_id;
  http::Language language = http::Language::kVi;
};

/// A failure the caller may be asked to wait out (429 with Retry-After).
struct Refusal {
  core::Error error;
  int retry_after = 0;
};

template <typename T>
using Outcome = std::expected<T, Refusal>;

/// A new browser session: the cookie token (shown once) and what it holds.
struct IssuedSession {
  std::string token;
  store::Session session;
  store::Account account;
};

/// Registration input (`kind` citizen or business).
struct Registration {
  std::string kind, personal_id, full_name, birth_date, gender, tax_code, business_name, email,
      phone, password, language = "vi";
};

class Service final : public Authenticator {
 public:
  /// `hashers` runs Argon2id only (its size bounds concurrent hashing); `workers` runs SQL.
  Service(db::Database& db, http::WorkerPool& workers, http::WorkerPool& hashers, KeyRing& keys,
          ServiceOptions options);

  boost::asio::awaitable<core::Result<std::optional<Principal>>> Identify(
      const http::Request& request) override;
  core::Result<std::optional<Principal>> IdentifyHere(const http::Request& request) override;

  /// Password login. Unknown logins and wrong passwords get the same answer after the same
  /// work. Throttled callers get kTooManyRequests with a wait.
  boost::asio::awaitable<Outcome<IssuedSession>> Login(std::string login, std::string password,
                                                      Origin origin);
  /// Second step of a login whose session is at stage `totp`.
  boost::asio::awaitable<Outcome<IssuedSession>> CompleteTotp(std::string session_token,
                                                             std::string code, Origin origin);
  /// Creates a citizen or business account and signs it in. kInvalidArgument with field
  /// errors; kConflict when the ID number, tax code or e-mail is already registered.
  boost::asio::awaitable<core::Result<IssuedSession>> Register(Registration r, Origin origin);
  /// Ends the session of `token`.
  boost::asio::awaitable<void> Logout(std::string session_token, Origin origin);

  boost::asio::awaitable<core::Result<void>> ChangePassword(Principal who, std::string current,
                                                            std::string next, Origin origin);
  /// Always succeeds (no account enumeration); when the login or e-mail exists, a reset link is
  /// queued in the notification outbox (and, in demo mode, written to the demo mail log).
  boost::asio::awaitable<void> RequestPasswordReset(std::string login_or_email, Origin origin);
  boost::asio::awaitable<core::Result<void>> ResetPassword(std::string token, std::string next,
                                                           Origin origin);

  struct TotpEnrolment {
    std::string secret_base32;
    std::string otpauth_uri;
  };
  boost::asio::awaitable<core::Result<TotpEnrolment>> StartTotp(Principal who);
  boost::asio::awaitable<core::Result<void>> ConfirmTotp(Principal who, std::string code,
                                                         Origin origin);
  boost::asio::awaitable<core::Result<void>> DisableTotp(Principal who, std::string code,
                                                         Origin origin);

  /// Creates a session for an account signed in some other way (an external identity
  /// provider), with the given methods and assurance level. Blocking.
  IssuedSession OpenSession(const store::Account& account, const std::string& amr, int acr,
                            const Origin& origin);

  /// The account behind a principal (fresh from the database). Blocking.
  std::optional<store::Account> LoadAccount(const std::string& id);
  /// Records a security event. Blocking.
  void Audit(const store::SecurityEvent& event);

  bool TotpRequiredFor(const store::Account& a) const;
  const ServiceOptions& Options() const { return options_; }
  db::Database& Db() { return db_; }
  http::WorkerPool& Workers() { return workers_; }
  http::WorkerPool& Hashers() { return hashers_; }
  KeyRing& Keys() { return keys_; }
  std::string Issuer() const { return options_.public_url(); }

 private:
  db::Database& db_;
  http::WorkerPool& workers_;
  http::WorkerPool& hashers_;
  KeyRing& keys_;
  ServiceOptions options_;
  std::string dummy_hash_;  ///< verified against for unknown logins, so timing matches
};

/// `motcua_session` from a Cookie header; empty when absent.
std::string SessionCookie(const http::Request& request);

/// The Principal of an account (and session).
Principal PrincipalOf(const store::Account& a, const std::string& session_id, int acr);

}  // namespace motcua::identity

// Token-signing keys (a key ring kept in the database, rotated with retired keys still
// published until their tokens expire) and the JWT access tokens signed with them.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "crypto/jose.hpp"
#include "db/database.hpp"

namespace motcua::identity {

/// How long tokens live; retired keys stay in the JWKS at least this long.
inline constexpr std::chrono::seconds kAccessTokenTtl{300};
inline constexpr std::chrono::seconds kIdTokenTtl{600};
inline constexpr std::chrono::seconds kKeyRetention{3600};

/// The signing keys: one active RS256 key (ID tokens) and one active ES256 key (access tokens),
/// plus retired ones. Thread-safe.
class KeyRing {
 public:
  explicit KeyRing(db::Database& db) : db_(db) {}
  /// Loads the keys, creating the first ones when there are none. Blocking.
  void LoadOrCreate();
  /// Makes new active keys and retires the current ones (kept until `kKeyRetention` from now).
  /// Blocking. Returns the new key ids.
  std::vector<std::string> Rotate();

  struct Signer {
    std::string kid;
    crypto::JwsKey key;
  };
  /// The newest active key of `alg`. Like JwksJson, reloads from the database when the keys
  /// were read more than a minute ago, so a rotation on another node reaches this one. Blocking.
  Signer Active(crypto::JwsAlg alg);
  /// A published key by id; reloads from the database (at most every 5 s) on a miss, so keys
  /// rotated by another node are found.
  std::optional<crypto::JwsKey> Find(const std::string& kid);
  /// `{"keys":[…]}` of every key still published. Blocking (see Active).
  std::string JwksJson();

 private:
  struct Entry {
    std::string kid;
    crypto::JwsKey key;
    bool retired = false;
    std::string expires_at;
  };
  void Reload();          // requires mutex_ held
  void ReloadIfStale();   // requires mutex_ held

  db::Database& db_;
  mutable std::mutex mutex_;
  std::vector<Entry> keys_;
  std::chrono::steady_clock::time_point last_reload_{};
};

/// The claims of an access token motcua issued.
struct AccessClaims {
  std::string subject;    ///< account id, or the client id for client_credentials
  std::string client_id;
  std::string scope;      ///< space-separated
  std::string jti;
  std::string session_id; ///< empty for client_credentials
  bool from_code = false; ///< issued from an authorization code (revocable by replay)
  int acr = 1;
  std::int64_t expires = 0;
};

/// Signs an access token (ES256, `typ: at+jwt`, RFC 9068 claims).
std::string IssueAccessToken(KeyRing& keys, const std::string& issuer, const AccessClaims& claims,
                             std::int64_t now);

/// Verifies signature, type, issuer and expiry. kUnauthenticated when any fails.
core::Result<AccessClaims> VerifyAccessToken(KeyRing& keys, const std::string& issuer,
                                             std::string_view token, std::int64_t now);

/// Seconds since the Unix epoch.
std::int64_t UnixNow();

}  // namespace motcua::identity

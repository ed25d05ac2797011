// JSON Web Signatures (RFC 7515 compact form) with RS256 and ES256 over OpenSSL 3, and their
// keys as JWKs (RFC 7517). Claims are handled by callers as JSON text; this layer only signs,
// verifies, and refuses anything but the two algorithms (never `none`, never HMAC with a
// public key: the algorithm comes from the key, not from the token).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace motcua::crypto {

enum class JwsAlg { kRs256, kEs256 };

/// `RS256` / `ES256`.
std::string_view JwsAlgName(JwsAlg alg);

/// An RSA (2048-bit) or P-256 key, with or without its private part. Copies share the key;
/// signing and verifying are thread-safe.
class JwsKey {
 public:
  /// A new random key. Throws std::runtime_error if OpenSSL fails.
  static JwsKey Generate(JwsAlg alg);
  /// A private key from PKCS#8 PEM; fails when the PEM does not hold a key of `alg`'s type.
  static core::Result<JwsKey> FromPrivatePem(JwsAlg alg, std::string_view pem);
  /// A public key from JWK members (`kty`, `n`, `e` / `kty`, `crv`, `x`, `y`); `alg` from the
  /// JWK's `alg` member or, when absent, from `kty` (RSA → RS256, EC P-256 → ES256).
  static core::Result<JwsKey> FromJwk(const std::map<std::string, std::string>& members);

  JwsAlg Alg() const { return alg_; }
  bool HasPrivate() const { return has_private_; }
  /// PKCS#8 PEM of the private key. Throws std::logic_error for a public-only key.
  std::string PrivatePem() const;
  /// Public JWK members: `kty`, `n`, `e` or `kty`, `crv`, `x`, `y` (callers add `kid`, `use`, `alg`).
  std::map<std::string, std::string> PublicJwk() const;
  /// Raw JWS signature (RSASSA-PKCS1-v1_5, or ECDSA r‖s 64 bytes). Throws for a public key.
  std::string Sign(std::string_view input) const;
  bool Verify(std::string_view input, std::string_view signature) const;

 private:
  struct Pkey;
  JwsKey(JwsAlg alg, std::shared_ptr<Pkey> key, bool has_private)
      : alg_(alg), key_(std::move(key)), has_private_(has_private) {}
  JwsAlg alg_;
  std::shared_ptr<Pkey> key_;
  bool has_private_;
};

/// A compact JWS split and decoded, signature not yet checked.
struct ParsedJws {
  std::string alg;            ///< header `alg` as written
  std::string kid;            ///< header `kid` (may be empty)
  std::string typ;            ///< header `typ` (may be empty)
  std::string payload_json;   ///< decoded payload
  std::string signing_input;  ///< `<header>.<payload>` as received
  std::string signature;      ///< decoded signature bytes
};

/// Splits and decodes a compact JWS; fails (kUnauthenticated) when it is not three base64url
/// parts, the header is not a JSON object with a string `alg`, or it is longer than 16 KiB.
core::Result<ParsedJws> ParseCompactJws(std::string_view token);

/// True when `parsed` names `key`'s algorithm and its signature verifies with `key`.
bool VerifyJws(const ParsedJws& parsed, const JwsKey& key);

/// `<header>.<payload>.<signature>` with header `{"alg","kid","typ"}`.
std::string SignCompactJws(const JwsKey& key, std::string_view kid, std::string_view typ,
                           std::string_view payload_json);

}  // namespace motcua::crypto

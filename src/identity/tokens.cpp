#include "identity/tokens.hpp"

#include <boost/json.hpp>

#include "core/time.hpp"
#include "core/uuid.hpp"

namespace motcua::identity {

namespace json = boost::json;

namespace {

const db::Query kLoadKeys{
    "identity_load_keys",
    "SELECT kid, alg, private_pem, CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, "
    "COALESCE(expires_at, '') FROM signing_keys WHERE retired_at IS NULL OR expires_at > $1 "
    "ORDER BY created_at"};
const db::Query kInsertKey{"identity_insert_key",
                           "INSERT INTO signing_keys (kid, alg, private_pem, created_at) "
                           "VALUES ($1, $2, $3, $4)"};
const db::Query kRetireKeys{"identity_retire_keys",
                            "UPDATE signing_keys SET retired_at = $1, expires_at = $2 "
                            "WHERE retired_at IS NULL AND kid <> $3 AND kid <> $4"};

crypto::JwsAlg AlgOf(const std::string& name) {
  return name == "RS256" ? crypto::JwsAlg::kRs256 : crypto::JwsAlg::kEs256;
}

std::string NewKid(crypto::JwsAlg alg) {
  std::string id = core::Uuid::NewV7().ToString();
  return std::string(alg == crypto::JwsAlg::kRs256 ? "rs-" : "es-") + id.substr(0, 8) + id.substr(24);
}

}  // namespace

std::int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void KeyRing::Reload() {
  auto conn = db_.Acquire();
  auto r = conn->Execute(kLoadKeys, {core::NowUtc()});
  std::vector<Entry> keys;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    auto key = crypto::JwsKey::FromPrivatePem(AlgOf(r.Text(i, 1)), r.Text(i, 2));
    if (!key) continue;  // a key this build cannot read is not published
    keys.push_back({r.Text(i, 0), std::move(*key), r.Int(i, 3) != 0, r.Text(i, 4)});
  }
  keys_ = std::move(keys);
  last_reload_ = std::chrono::steady_clock::now();
}

void KeyRing::LoadOrCreate() {
  std::lock_guard lock(mutex_);
  Reload();
  for (crypto::JwsAlg alg : {crypto::JwsAlg::kRs256, crypto::JwsAlg::kEs256}) {
    bool have = false;
    for (const auto& e : keys_) have = have || (!e.retired && e.key.Alg() == alg);
    if (have) continue;
    crypto::JwsKey key = crypto::JwsKey::Generate(alg);
    auto conn = db_.Acquire();
    conn->Execute(kInsertKey, {NewKid(alg), std::string(crypto::JwsAlgName(alg)), key.PrivatePem(),
                               core::NowUtc()});
  }
  Reload();
}

std::vector<std::string> KeyRing::Rotate() {
  std::lock_guard lock(mutex_);
  std::string now = core::NowUtc();
  std::string until = core::FormatUtc(std::chrono::system_clock::now() + kKeyRetention);
  std::vector<std::string> kids;
  auto conn = db_.Acquire();
  db::Transaction tx(*conn);
  for (crypto::JwsAlg alg : {crypto::JwsAlg::kRs256, crypto::JwsAlg::kEs256}) {
    crypto::JwsKey key = crypto::JwsKey::Generate(alg);
    kids.push_back(NewKid(alg));
    conn->Execute(kInsertKey, {kids.back(), std::string(crypto::JwsAlgName(alg)), key.PrivatePem(), now});
  }
  conn->Execute(kRetireKeys, {now, until, kids[0], kids[1]});
  tx.Commit();
  Reload();
  return kids;
}

void KeyRing::ReloadIfStale() {
  if (std::chrono::steady_clock::now() - last_reload_ >= std::chrono::seconds(60)) Reload();
}

KeyRing::Signer KeyRing::Active(crypto::JwsAlg alg) {
  std::lock_guard lock(mutex_);
  ReloadIfStale();
  // The newest active key of the algorithm (rows are loaded oldest first).
  for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) {
    if (!it->retired && it->key.Alg() == alg) return {it->kid, it->key};
  }
  throw std::logic_error("no active signing key; LoadOrCreate was not called");
}

std::optional<crypto::JwsKey> KeyRing::Find(const std::string& kid) {
  std::lock_guard lock(mutex_);
  for (const auto& e : keys_) {
    if (e.kid == kid) return e.key;
  }
  if (std::chrono::steady_clock::now() - last_reload_ < std::chrono::seconds(5)) return std::nullopt;
  Reload();
  for (const auto& e : keys_) {
    if (e.kid == kid) return e.key;
  }
  return std::nullopt;
}

std::string KeyRing::JwksJson() {
  std::lock_guard lock(mutex_);
  ReloadIfStale();
  json::array keys;
  for (const auto& e : keys_) {
    json::object jwk;
    for (const auto& [k, v] : e.key.PublicJwk()) jwk[k] = v;
    jwk["kid"] = e.kid;
    jwk["use"] = "sig";
    jwk["alg"] = crypto::JwsAlgName(e.key.Alg());
    keys.push_back(std::move(jwk));
  }
  return json::serialize(json::object{{"keys", std::move(keys)}});
}

std::string IssueAccessToken(KeyRing& keys, const std::string& issuer, const AccessClaims& c,
                             std::int64_t now) {
  json::object claims{{"iss", issuer},
                      {"sub", c.subject},
                      {"aud", c.client_id},
                      {"client_id", c.client_id},
                      {"scope", c.scope},
                      {"jti", c.jti},
                      {"iat", now},
                      {"exp", c.expires},
                      {"acr", std::to_string(c.acr)}};
  if (!c.session_id.empty()) claims["sid"] = c.session_id;
  if (c.from_code) claims["motcua_code"] = true;
  auto signer = keys.Active(crypto::JwsAlg::kEs256);
  return crypto::SignCompactJws(signer.key, signer.kid, "at+jwt", json::serialize(claims));
}

core::Result<AccessClaims> VerifyAccessToken(KeyRing& keys, const std::string& issuer,
                                             std::string_view token, std::int64_t now) {
  auto invalid = [](const char* why) {
    return core::Fail(core::ErrorCode::kUnauthenticated, std::string("invalid access token: ") + why);
  };
  auto parsed = crypto::ParseCompactJws(token);
  if (!parsed) return std::unexpected(parsed.error());
  if (parsed->typ != "at+jwt") return invalid("not an access token");
  auto key = keys.Find(parsed->kid);
  if (!key || !crypto::VerifyJws(*parsed, *key)) return invalid("bad signature");
  boost::system::error_code ec;
  json::value v = json::parse(parsed->payload_json, ec);
  if (ec || !v.is_object()) return invalid("claims are not a JSON object");
  const auto& o = v.as_object();
  auto text = [&](const char* name) -> std::string {
    const auto* p = o.if_contains(name);
    return p != nullptr && p->is_string() ? std::string(p->as_string()) : std::string();
  };
  auto number = [&](const char* name) -> std::int64_t {
    const auto* p = o.if_contains(name);
    return p != nullptr && p->is_int64() ? p->as_int64() : 0;
  };
  if (text("iss") != issuer) return invalid("wrong issuer");
  AccessClaims c;
  c.expires = number("exp");
  if (c.expires <= now) return invalid("expired");
  c.subject = text("sub");
  c.client_id = text("client_id");
  c.scope = text("scope");
  c.jti = text("jti");
  c.session_id = text("sid");
  c.acr = text("acr") == "2" ? 2 : 1;
  const auto* from_code = o.if_contains("motcua_code");
  c.from_code = from_code != nullptr && from_code->is_bool() && from_code->as_bool();
  if (c.subject.empty() || c.client_id.empty()) return invalid("missing subject");
  return c;
}

}  // namespace motcua::identity

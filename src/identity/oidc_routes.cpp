// OIDC provider endpoints: discovery, JWKS, authorize, token, userinfo, logout, consent and the
// client registry (DESIGN.md §6 fixed paths).
#include <boost/json.hpp>

#include <charconv>

#include <map>

#include "core/log.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "crypto/sha256.hpp"
#include "http/json.hpp"
#include "http/problem.hpp"
#include "http/target.hpp"
#include "identity/http_util.hpp"
#include "identity/oidc.hpp"
#include "identity/routes.hpp"

namespace motcua::identity {

namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;
using http::Request;
using http::Response;
using namespace web;

constexpr std::chrono::seconds kCodeTtl{60};
constexpr std::chrono::hours kRefreshTtl{24 * 30};

using Params = std::map<std::string, std::string>;

std::string HashOf(std::string_view s) { return crypto::Sha256::Hex(s); }

std::string Msg(const Request& req, std::string_view vi, std::string_view en) {
  return std::string(req.language == http::Language::kEn ? en : vi);
}

// Query or form parameters; false (with the offending name) on a repeated or malformed one.
bool ParseParams(const std::vector<std::pair<std::string, std::string>>& pairs, Params& out,
                 std::string& bad) {
  for (const auto& [k, v] : pairs) {
    if (v.size() > 4096 || !out.emplace(k, v).second) {
      bad = k;
      return false;
    }
  }
  return true;
}

bool ParseForm(std::string_view body, Params& out, std::string& bad) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string k, v;
    if (!http::PercentDecode(part.substr(0, eq), true, k) ||
        !http::PercentDecode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), true, v)) {
      bad = std::string(part.substr(0, eq));
      return false;
    }
    pairs.emplace_back(std::move(k), std::move(v));
  }
  return ParseParams(pairs, out, bad);
}

std::string Get(const Params& p, const char* name) {
  auto it = p.find(name);
  return it == p.end() ? std::string() : it->second;
}

Response OAuthError(int status, std::string_view error, std::string description) {
  Response res = http::JsonResponse(status, json::object{{"error", error}, {"error_description", description}});
  res.SetHeader("Cache-Control", "no-store");
  res.SetHeader("Pragma", "no-cache");
  if (status == 401) res.SetHeader("WWW-Authenticate", "Basic realm=\"motcua\"");
  return res;
}

Response Redirect(const std::string& location) {
  Response res;
  res.status = 302;
  res.SetHeader("Location", location);
  return res;
}

// ---- discovery and keys ----

awaitable<Response> Discovery(Deps& d, Request /*req*/) {
  std::string iss = d.service.Issuer();
  json::array scopes;
  for (auto s : SupportedScopes()) scopes.push_back(json::string(s));
  json::object doc{
      {"issuer", iss},
      {"authorization_endpoint", iss + "/oauth2/authorize"},
      {"token_endpoint", iss + "/oauth2/token"},
      {"userinfo_endpoint", iss + "/oauth2/userinfo"},
      {"jwks_uri", iss + "/oauth2/jwks"},
      {"end_session_endpoint", iss + "/oauth2/logout"},
      {"scopes_supported", scopes},
      {"response_types_supported", json::array{"code"}},
      {"response_modes_supported", json::array{"query"}},
      {"grant_types_supported", json::array{"authorization_code", "refresh_token", "client_credentials"}},
      {"subject_types_supported", json::array{"public"}},
      {"id_token_signing_alg_values_supported", json::array{"RS256"}},
      {"token_endpoint_auth_methods_supported", json::array{"client_secret_basic", "client_secret_post", "none"}},
      {"code_challenge_methods_supported", json::array{"S256"}},
      {"prompt_values_supported", json::array{"none", "login", "consent"}},
      {"acr_values_supported", json::array{"1", "2"}},
      {"claims_parameter_supported", false},
      {"request_parameter_supported", false},
      {"authorization_response_iss_parameter_supported", true},
      {"claims_supported", json::array{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr",
                                       "sid", "name", "preferred_username", "birthdate", "gender", "locale",
                                       "email", "phone_number", "SoDinhDanh", "HoVaTen", "NgayThangNamSinh",
                                       "GioiTinh", "LoaiTaiKhoan", "MaSoThue", "TenDoanhNghiep", "ThuDienTu",
                                       "SoDienThoai", "DiaChi", "TechID", "loAs"}},
  };
  Response res = http::JsonResponse(200, doc);
  res.SetHeader("Cache-Control", "public, max-age=300");
  co_return res;
}

awaitable<Response> Jwks(Deps& d, Request /*req*/) {
  std::string jwks = co_await http::Offload(d.service.Workers(), [&]() { return d.service.Keys().JwksJson(); });
  Response res = Response::Text(200, std::move(jwks), "application/jwk-set+json");
  res.SetHeader("Cache-Control", "public, max-age=300");
  co_return res;
}

// ---- authorize ----

std::int64_t ParseUnix(const std::string& t) {
  std::tm tm{};
  if (std::sscanf(t.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec) != 6) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}


struct AuthorizeContext {
  std::optional<OAuthClient> client;
  std::optional<store::Session> session;
  std::optional<store::Account> account;
  std::vector<std::string> granted_scopes;  ///< consented earlier, for third-party clients
};

std::string WithoutParams(std::initializer_list<std::string_view> drop, const Params& params) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (const auto& [k, v] : params) {
    bool dropped = false;
    for (auto name : drop) dropped = dropped || k == name;
    if (!dropped) kept.emplace_back(k, v);
  }
  return AppendQuery("/oauth2/authorize", kept);
}

awaitable<Response> Authorize(Deps& d, Request req) {
  Params p;
  std::string bad;
  bool parsed = req.method == http::Method::kPost ? ParseForm(req.body, p, bad) : ParseParams(req.query, p, bad);
  std::string client_id = parsed ? Get(p, "client_id") : "";
  std::string redirect_uri = parsed ? Get(p, "redirect_uri") : "";

  std::optional<Principal> who;
  if (auto identified = co_await d.service.Identify(req); identified && *identified) who = **identified;

  AuthorizeContext ctx = co_await http::Offload(d.service.Workers(), [&]() {
    AuthorizeContext c;
    auto conn = d.service.Db().Acquire();
    if (!client_id.empty()) c.client = oidc_store::FindClient(*conn, client_id);
    if (who && !who->session_id.empty()) {
      c.session = store::FindSessionById(*conn, who->session_id);
      c.account = store::FindAccountById(*conn, who->account_id);
      if (c.client) {
        static const db::Query kConsent{"identity_find_consent",
                                        "SELECT scope FROM oauth_consents WHERE account_id = $1 AND client_id = $2"};
        auto r = conn->Execute(kConsent, {who->account_id, client_id});
        if (!r.Empty()) c.granted_scopes = SplitScope(r.Text(0, 0));
      }
    }
    return c;
  });

  // Errors that must not redirect: the client or redirect URI cannot be trusted.
  if (!parsed) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument,
                                          Msg(req, "Tham số lặp lại hoặc quá dài: ", "Repeated or oversized parameter: ") + bad,
                                          {{bad, "invalid_request"}}});
  }
  if (!ctx.client || !ctx.client->active || !ctx.client->AllowsGrant("authorization_code")) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument,
                                          Msg(req, "Ứng dụng không được đăng ký.", "Unknown client."),
                                          {{"client_id", "invalid_client"}}});
  }
  if (!ctx.client->HasRedirect(redirect_uri)) {
    core::Log(core::LogLevel::kWarn, "authorize with unregistered redirect_uri",
              {{"client_id", std::string_view(client_id)}, {"request_id", std::string_view(req.request_id)}});
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument,
                                          Msg(req, "Địa chỉ chuyển hướng không được đăng ký cho ứng dụng này.",
                                              "The redirect_uri is not registered for this client."),
                                          {{"redirect_uri", "not registered"}}});
  }
  const OAuthClient& client = *ctx.client;
  std::string state = Get(p, "state");
  std::string iss = d.service.Issuer();
  auto fail = [&](std::string_view error, std::string description) {
    std::vector<std::pair<std::string, std::string>> q{{"error", std::string(error)},
                                                       {"error_description", std::move(description)}};
    if (!state.empty()) q.emplace_back("state", state);
    q.emplace_back("iss", iss);
    return Redirect(AppendQuery(redirect_uri, q));
  };
  if (Get(p, "response_type") != "code") co_return fail("unsupported_response_type", "only response_type=code");
  if (p.contains("request") || p.contains("request_uri")) co_return fail("request_not_supported", "request objects are not supported");
  auto scopes = SplitScope(Get(p, "scope"));
  if (std::find(scopes.begin(), scopes.end(), "openid") == scopes.end()) co_return fail("invalid_scope", "openid is required");
  for (const auto& s : scopes) {
    if (!client.AllowsScope(s)) co_return fail("invalid_scope", "scope not allowed for this client: " + s);
  }
  std::string challenge = Get(p, "code_challenge");
  std::string method = Get(p, "code_challenge_method");
  if (!challenge.empty() || !method.empty()) {
    if (method != "S256") co_return fail("invalid_request", "code_challenge_method must be S256");
    if (challenge.size() != 43 || !crypto::Base64UrlDecode(challenge)) co_return fail("invalid_request", "malformed code_challenge");
  } else if (client.type == "public") {
    co_return fail("invalid_request", "PKCE (S256) is required for public clients");
  }
  std::string nonce = Get(p, "nonce");
  if (nonce.size() > 512) co_return fail("invalid_request", "nonce too long");
  auto prompts = SplitScope(Get(p, "prompt"));
  auto has_prompt = [&](std::string_view v) { return std::find(prompts.begin(), prompts.end(), v) != prompts.end(); };
  for (const auto& pr : prompts) {
    if (pr != "none" && pr != "login" && pr != "consent" && pr != "select_account") co_return fail("invalid_request", "unknown prompt " + pr);
  }
  if (has_prompt("none") && prompts.size() > 1) co_return fail("invalid_request", "prompt=none cannot be combined");
  std::optional<std::int64_t> max_age;
  if (p.contains("max_age")) {
    std::int64_t v = -1;
    std::string text = Get(p, "max_age");
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size() || v < 0) co_return fail("invalid_request", "max_age must be a non-negative integer");
    max_age = v;
  }

  bool signed_in = ctx.session && ctx.account && ctx.session->stage == "active";
  std::int64_t auth_time = 0;
  if (signed_in) {
    auth_time = ParseUnix(ctx.session->auth_time);
  }
  // max_age=0 asks for a login now, like prompt=login.
  bool too_old = signed_in && max_age && (*max_age == 0 || UnixNow() - auth_time > *max_age);
  if (!signed_in || has_prompt("login") || too_old) {
    if (has_prompt("none")) co_return fail("login_required", "the user is not signed in");
    // Back here after login, without prompt=login or max_age=0 (or the login would repeat
    // forever).
    std::string back = max_age == 0 ? WithoutParams({"prompt", "max_age"}, p) : WithoutParams({"prompt"}, p);
    std::string login = AppendQuery("/dang-nhap", {{"return_to", back}});
    if (has_prompt("login") || too_old) login += "&force=1";
    co_return Redirect(login);
  }
  // An officer who must enrol a second factor signs in to nothing before enrolling: the browser
  // goes to the enrolment page (and a silent request is told interaction is needed).
  if (d.service.TotpRequiredFor(*ctx.account) && !ctx.account->totp_enabled) {
    if (has_prompt("none")) co_return fail("interaction_required", "a second factor must be enrolled first");
    co_return Redirect("/tai-khoan/bao-mat");
  }
  if (p.contains("consent") && Get(p, "consent") == "denied") co_return fail("access_denied", "the user declined");
  if (!client.first_party) {
    bool covered = true;
    for (const auto& s : scopes) {
      covered = covered && std::find(ctx.granted_scopes.begin(), ctx.granted_scopes.end(), s) !=
                               ctx.granted_scopes.end();
    }
    if (!covered || has_prompt("consent")) {
      if (has_prompt("none")) co_return fail("consent_required", "the user has not consented");
      std::string back = WithoutParams({"prompt", "consent"}, p);
      co_return Redirect(AppendQuery("/dong-y", {{"client_id", client.client_id}, {"scope", JoinScope(scopes)}, {"return_to", back}}));
    }
  }

  std::string code = crypto::Base64UrlEncode(crypto::RandomHex(32));
  std::string code_hash = HashOf(code);
  const store::Session& session = *ctx.session;
  const store::Account& account = *ctx.account;
  std::string scope = JoinScope(scopes);
  co_await http::Offload(d.service.Workers(), [&]() {
    static const db::Query kInsertCode{
        "identity_insert_code",
        "INSERT INTO oauth_codes (code_hash, client_id, account_id, session_id, redirect_uri, scope, nonce, "
        "code_challenge, auth_time, acr, amr, created_at, expires_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"};
    auto conn = d.service.Db().Acquire();
    conn->Execute(kInsertCode, {code_hash, client.client_id, account.id, session.id, redirect_uri, scope,
                                nonce.empty() ? db::Value(nullptr) : db::Value(nonce),
                                challenge.empty() ? db::Value(nullptr) : db::Value(challenge),
                                session.auth_time, std::int64_t{session.acr}, session.amr, core::NowUtc(),
                                core::FormatUtc(std::chrono::system_clock::now() + kCodeTtl)});
  });
  std::vector<std::pair<std::string, std::string>> q{{"code", code}};
  if (!state.empty()) q.emplace_back("state", state);
  q.emplace_back("iss", iss);
  co_return Redirect(AppendQuery(redirect_uri, q));
}

// ---- token ----

struct ClientAuth {
  std::optional<OAuthClient> client;
  int status = 0;
  std::string error, description;
};

std::vector<std::string> AmrList(const std::string& amr) { return SplitScope(amr); }

struct Grant {
  std::string account_id, session_id, scope, auth_time, amr, nonce, code_hash, family_id;
  int acr = 1;
  std::string refresh_scope;  ///< the scope a new refresh token keeps; empty = `scope`
};

// Tokens signed and ready, and the rows that record them. Signing happens before the
// transaction that stores them, so the write lock is never held while RSA runs.
struct PreparedTokens {
  json::object body;
  std::string access_jti, access_expires;
  std::string refresh_hash, refresh_expires;  ///< empty when no refresh token is issued
};

PreparedTokens PrepareUserTokens(Deps& d, const OAuthClient& client, const store::Account& account, const Grant& g,
                                 bool with_id_token) {
  PreparedTokens t;
  std::int64_t now = UnixNow();
  std::string iss = d.service.Issuer();
  AccessClaims ac;
  ac.subject = account.id;
  ac.client_id = client.client_id;
  ac.scope = g.scope;
  ac.jti = core::Uuid::NewV7().ToString();
  ac.session_id = g.session_id;
  ac.from_code = true;
  ac.acr = g.acr;
  ac.expires = now + kAccessTokenTtl.count();
  std::string access = IssueAccessToken(d.service.Keys(), iss, ac, now);
  t.access_jti = ac.jti;
  t.access_expires = core::FormatUtc(std::chrono::system_clock::now() + kAccessTokenTtl);
  t.body = json::object{{"access_token", access},
                        {"token_type", "Bearer"},
                        {"expires_in", kAccessTokenTtl.count()},
                        {"scope", g.scope}};
  auto scopes = SplitScope(g.scope);
  auto has = [&](std::string_view s) { return std::find(scopes.begin(), scopes.end(), s) != scopes.end(); };
  auto kept = SplitScope(g.refresh_scope.empty() ? g.scope : g.refresh_scope);
  if (std::find(kept.begin(), kept.end(), "offline_access") != kept.end() && client.AllowsGrant("refresh_token")) {
    std::string refresh = crypto::Base64UrlEncode(crypto::RandomHex(32));
    t.refresh_hash = HashOf(refresh);
    t.refresh_expires = core::FormatUtc(std::chrono::system_clock::now() + kRefreshTtl);
    t.body["refresh_token"] = refresh;
  }
  if (with_id_token) {
    // at_hash: left half of SHA-256 of the access token (OIDC Core §3.1.3.6).
    crypto::Sha256 h;
    h.Update(access);
    auto digest = h.Finish();
    json::array amr;
    for (const auto& m : AmrList(g.amr)) amr.push_back(json::string(m));
    json::object claims{{"iss", iss},
                        {"sub", account.id},
                        {"aud", client.client_id},
                        {"azp", client.client_id},
                        {"exp", now + kIdTokenTtl.count()},
                        {"iat", now},
                        {"auth_time", ParseUnix(g.auth_time)},
                        {"acr", std::to_string(g.acr)},
                        {"amr", amr},
                        {"sid", g.session_id},
                        {"at_hash", crypto::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), 16))}};
    if (!g.nonce.empty()) claims["nonce"] = g.nonce;
    if (has("profile")) {
      claims["name"] = account.full_name;
      claims["preferred_username"] = account.login;
    }
    auto signer = d.service.Keys().Active(crypto::JwsAlg::kRs256);
    t.body["id_token"] = crypto::SignCompactJws(signer.key, signer.kid, "JWT", json::serialize(claims));
  }
  return t;
}

// Records prepared tokens; call inside the transaction that spends the code or refresh token.
void StoreUserTokens(db::Connection& conn, const OAuthClient& client, const store::Account& account, const Grant& g,
                     const PreparedTokens& t) {
  static const db::Query kInsertAccess{"identity_insert_access_token",
                                       "INSERT INTO oauth_access_tokens (jti, code_hash, expires_at) VALUES ($1, $2, $3)"};
  conn.Execute(kInsertAccess, {t.access_jti, g.code_hash, t.access_expires});
  if (t.refresh_hash.empty()) return;
  static const db::Query kInsertRefresh{
      "identity_insert_refresh",
      "INSERT INTO oauth_refresh_tokens (token_hash, family_id, client_id, account_id, session_id, code_hash, "
      "scope, auth_time, acr, amr, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"};
  conn.Execute(kInsertRefresh, {t.refresh_hash, g.family_id.empty() ? core::Uuid::NewV7().ToString() : g.family_id,
                                client.client_id, account.id, g.session_id, g.code_hash,
                                g.refresh_scope.empty() ? g.scope : g.refresh_scope, g.auth_time, std::int64_t{g.acr},
                                g.amr, core::NowUtc(), t.refresh_expires});
}

awaitable<Response> Token(Deps& d, Request req) {
  std::string type(req.Header("content-type").value_or(""));
  if (!type.starts_with("application/x-www-form-urlencoded")) {
    co_return OAuthError(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  Params p;
  std::string bad;
  if (!ParseForm(req.body, p, bad)) co_return OAuthError(400, "invalid_request", "repeated or malformed parameter: " + bad);

  // Client authentication: HTTP Basic, or client_id (+ client_secret) in the body — not both.
  std::string client_id = Get(p, "client_id");
  std::string secret = Get(p, "client_secret");
  if (auto auth = req.Header("authorization"); auth && auth->size() > 6 &&
                                               (auth->substr(0, 6) == "Basic " || auth->substr(0, 6) == "basic ")) {
    if (p.contains("client_secret")) co_return OAuthError(400, "invalid_request", "use one client authentication method");
    auto decoded = crypto::Base64Decode(auth->substr(6));
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    std::string id, sec;
    if (colon == std::string::npos || !http::PercentDecode(decoded->substr(0, colon), true, id) ||
        !http::PercentDecode(decoded->substr(colon + 1), true, sec)) {
      co_return OAuthError(401, "invalid_client", "malformed Basic credentials");
    }
    if (!client_id.empty() && client_id != id) co_return OAuthError(400, "invalid_request", "client_id mismatch");
    client_id = id;
    secret = sec;
  }
  if (client_id.empty() || client_id.size() > 200) co_return OAuthError(401, "invalid_client", "client authentication required");
  std::string grant = Get(p, "grant_type");
  Origin origin = OriginOf(req);

  struct Outcome {
    int status = 200;
    std::string error, description;
    json::object body;
  };
  Outcome out = co_await http::Offload(d.service.Workers(), [&]() {
    Outcome o;
    auto err = [&o](int status, std::string e, std::string desc) {
      o.status = status;
      o.error = std::move(e);
      o.description = std::move(desc);
      return o;
    };
    auto conn = d.service.Db().Acquire();
    auto client = oidc_store::FindClient(*conn, client_id);
    if (!client || !client->active) return err(401, "invalid_client", "unknown client");
    if (client->type == "confidential") {
      // Client secrets are random 256-bit values, so a fast hash is enough (no Argon2id here).
      if (secret.empty() || !crypto::ConstantTimeEquals(HashOf(secret), client->secret_hash)) {
        store::RecordEvent(*conn, {"client_auth_failed", "", "", origin.ip, client_id, "", origin.request_id}, core::NowUtc());
        return err(401, "invalid_client", "client authentication failed");
      }
    } else if (!secret.empty()) {
      return err(401, "invalid_client", "public clients have no secret");
    }
    if (grant.empty()) return err(400, "invalid_request", "grant_type is required");
    if (!client->AllowsGrant(grant)) return err(400, "unauthorized_client", "grant_type not allowed for this client");
    std::string now = core::NowUtc();

    if (grant == "client_credentials") {
      auto requested = SplitScope(Get(p, "scope"));
      std::vector<std::string> granted;
      for (const auto& s : requested) {
        if (s == "openid" || s == "offline_access" || !client->AllowsScope(s)) return err(400, "invalid_scope", "scope not allowed: " + s);
        granted.push_back(s);
      }
      if (requested.empty()) {
        for (const auto& s : client->scopes) {
          if (s != "openid" && s != "offline_access") granted.push_back(s);
        }
      }
      std::int64_t t = UnixNow();
      AccessClaims ac;
      ac.subject = client->client_id;
      ac.client_id = client->client_id;
      ac.scope = JoinScope(granted);
      ac.jti = core::Uuid::NewV7().ToString();
      ac.expires = t + kAccessTokenTtl.count();
      o.body = json::object{{"access_token", IssueAccessToken(d.service.Keys(), d.service.Issuer(), ac, t)},
                            {"token_type", "Bearer"},
                            {"expires_in", kAccessTokenTtl.count()},
                            {"scope", ac.scope}};
      return o;
    }

    if (grant == "authorization_code") {
      std::string code = Get(p, "code");
      std::string redirect_uri = Get(p, "redirect_uri");
      std::string verifier = Get(p, "code_verifier");
      if (code.empty()) return err(400, "invalid_request", "code is required");
      std::string code_hash = HashOf(code);
      static const db::Query kFindCode{
          "identity_find_code",
          "SELECT client_id, account_id, session_id, redirect_uri, scope, COALESCE(nonce, ''), "
          "COALESCE(code_challenge, ''), auth_time, acr, amr, expires_at, COALESCE(used_at, '') "
          "FROM oauth_codes WHERE code_hash = $1"};
      auto r = conn->Execute(kFindCode, {code_hash});
      if (r.Empty()) return err(400, "invalid_grant", "unknown or expired code");
      static const db::Query kUseCode{"identity_use_code",
                                      "UPDATE oauth_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL"};
      // A code used twice was stolen or replayed: refuse it and revoke what it gave.
      auto replayed = [&]() {
        static const db::Query kRevokeAccess{"identity_revoke_code_access",
                                             "UPDATE oauth_access_tokens SET revoked_at = $2 WHERE code_hash = $1 AND revoked_at IS NULL"};
        static const db::Query kRevokeRefresh{"identity_revoke_code_refresh",
                                              "UPDATE oauth_refresh_tokens SET revoked_at = $2 WHERE code_hash = $1 AND revoked_at IS NULL"};
        db::Transaction tx(*conn);
        conn->Execute(kRevokeAccess, {code_hash, now});
        conn->Execute(kRevokeRefresh, {code_hash, now});
        store::RecordEvent(*conn, {"code_replayed_tokens_revoked", r.Text(0, 1), "", origin.ip, client_id, "", origin.request_id}, now);
        tx.Commit();
        return err(400, "invalid_grant", "the code was already used; tokens issued from it are revoked");
      };
      if (!r.Text(0, 11).empty()) return replayed();
      // A failed attempt still burns the code.
      auto burn = [&](int status, std::string e, std::string desc) {
        conn->Execute(kUseCode, {code_hash, now});
        return err(status, std::move(e), std::move(desc));
      };
      if (r.Text(0, 10) <= now) return burn(400, "invalid_grant", "the code has expired");
      if (r.Text(0, 0) != client_id) return burn(400, "invalid_grant", "the code was issued to another client");
      if (r.Text(0, 3) != redirect_uri) return burn(400, "invalid_grant", "redirect_uri does not match the authorization request");
      std::string challenge = r.Text(0, 6);
      if (!challenge.empty()) {
        if (!ValidCodeVerifier(verifier)) return burn(400, "invalid_grant", "code_verifier is missing or malformed");
        if (!PkceMatches(verifier, challenge)) return burn(400, "invalid_grant", "code_verifier does not match the code_challenge");
      } else if (!verifier.empty()) {
        return burn(400, "invalid_grant", "no code_challenge was sent with the authorization request");
      }
      auto account = store::FindAccountById(*conn, r.Text(0, 1));
      auto session = store::FindSessionById(*conn, r.Text(0, 2));
      if (!account || account->status != "active" || !session) {
        return burn(400, "invalid_grant", "the account is not available");
      }
      Grant g{account->id, session->id, r.Text(0, 4), r.Text(0, 7), r.Text(0, 9), r.Text(0, 5), code_hash, "",
              static_cast<int>(r.Int(0, 8)), ""};
      PreparedTokens tokens = PrepareUserTokens(d, *client, *account, g, true);
      db::Transaction tx(*conn);
      if (conn->Execute(kUseCode, {code_hash, now}).affected != 1) {
        tx.Commit();
        return replayed();  // spent by a concurrent request since it was read
      }
      StoreUserTokens(*conn, *client, *account, g, tokens);
      store::RecordEvent(*conn, {"tokens_issued", account->id, account->login, origin.ip, client_id, "", origin.request_id}, now);
      tx.Commit();
      o.body = std::move(tokens.body);
      return o;
    }

    if (grant == "refresh_token") {
      std::string token = Get(p, "refresh_token");
      if (token.empty()) return err(400, "invalid_request", "refresh_token is required");
      static const db::Query kFindRefresh{
          "identity_find_refresh",
          "SELECT family_id, client_id, account_id, session_id, code_hash, scope, auth_time, acr, amr, expires_at, "
          "COALESCE(used_at, ''), COALESCE(revoked_at, '') FROM oauth_refresh_tokens WHERE token_hash = $1"};
      auto r = conn->Execute(kFindRefresh, {HashOf(token)});
      if (r.Empty()) return err(400, "invalid_grant", "unknown refresh token");
      std::string family = r.Text(0, 0);
      auto reused = [&]() {
        // Reuse of a rotated token: someone else holds the family; end all of it.
        static const db::Query kRevokeFamily{"identity_revoke_family",
                                             "UPDATE oauth_refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL"};
        db::Transaction tx(*conn);
        conn->Execute(kRevokeFamily, {family, now});
        store::RecordEvent(*conn, {"refresh_reuse_family_revoked", r.Text(0, 2), "", origin.ip, client_id, "", origin.request_id}, now);
        tx.Commit();
        return err(400, "invalid_grant", "refresh token reuse detected; the token family is revoked");
      };
      if (!r.Text(0, 10).empty()) return reused();
      if (!r.Text(0, 11).empty()) return err(400, "invalid_grant", "the refresh token is revoked");
      if (r.Text(0, 9) <= now) return err(400, "invalid_grant", "the refresh token has expired");
      if (r.Text(0, 1) != client_id) return err(400, "invalid_grant", "the refresh token belongs to another client");
      auto granted = SplitScope(r.Text(0, 5));
      std::string scope = r.Text(0, 5);
      if (p.contains("scope")) {
        auto asked = SplitScope(Get(p, "scope"));
        for (const auto& s : asked) {
          if (std::find(granted.begin(), granted.end(), s) == granted.end()) return err(400, "invalid_scope", "scope wider than granted: " + s);
        }
        scope = JoinScope(asked);
      }
      auto account = store::FindAccountById(*conn, r.Text(0, 2));
      if (!account || account->status != "active") return err(400, "invalid_grant", "the account is not available");
      // The new refresh token keeps the granted (not the narrowed) scope.
      Grant g{account->id, r.Text(0, 3), scope, r.Text(0, 6), r.Text(0, 8), "", r.Text(0, 4), family,
              static_cast<int>(r.Int(0, 7)), r.Text(0, 5)};
      bool openid = std::find(granted.begin(), granted.end(), "openid") != granted.end();
      PreparedTokens tokens = PrepareUserTokens(d, *client, *account, g, openid);
      static const db::Query kUseRefresh{"identity_use_refresh",
                                         "UPDATE oauth_refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL"};
      db::Transaction tx(*conn);
      if (conn->Execute(kUseRefresh, {HashOf(token), now}).affected != 1) {
        tx.Commit();
        return reused();  // spent by a concurrent request since it was read
      }
      StoreUserTokens(*conn, *client, *account, g, tokens);
      tx.Commit();
      o.body = std::move(tokens.body);
      return o;
    }
    return err(400, "unsupported_grant_type", "unsupported grant_type");
  });
  if (!out.error.empty()) co_return OAuthError(out.status, out.error, out.description);
  Response res = http::JsonResponse(200, out.body);
  res.SetHeader("Cache-Control", "no-store");
  res.SetHeader("Pragma", "no-cache");
  co_return res;
}

// ---- userinfo ----

std::string VnDate(const std::string& iso) {
  // NgayThangNamSinh as dd/MM/yyyy, the national portal's display form [C].
  if (iso.size() != 10) return iso;
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

awaitable<Response> UserInfo(Deps& d, Request req) {
  std::string token;
  if (auto auth = req.Header("authorization"); auth && auth->size() > 7 &&
                                               (auth->substr(0, 7) == "Bearer " || auth->substr(0, 7) == "bearer ")) {
    token = std::string(auth->substr(7));
  } else if (req.method == http::Method::kPost) {
    Params p;
    std::string bad;
    if (ParseForm(req.body, p, bad)) token = Get(p, "access_token");
  }
  auto unauthorized = [](std::string_view error, std::string desc) {
    Response res = http::JsonResponse(401, json::object{{"error", error}, {"error_description", desc}});
    res.SetHeader("WWW-Authenticate", "Bearer error=\"" + std::string(error) + "\"");
    res.SetHeader("Cache-Control", "no-store");
    return res;
  };
  if (token.empty()) co_return unauthorized("invalid_request", "a Bearer access token is required");
  auto claims = VerifyAccessToken(d.service.Keys(), d.service.Issuer(), token, UnixNow());
  if (!claims) co_return unauthorized("invalid_token", claims.error().message);
  auto scopes = SplitScope(claims->scope);
  auto has = [&](std::string_view s) { return std::find(scopes.begin(), scopes.end(), s) != scopes.end(); };
  if (!has("openid")) {
    Response res = http::JsonResponse(403, json::object{{"error", "insufficient_scope"}, {"error_description", "openid scope required"}});
    co_return res;
  }
  AccessClaims c = *claims;
  struct Found {
    bool revoked = false;
    std::optional<store::Account> account;
  };
  Found f = co_await http::Offload(d.service.Workers(), [&]() {
    static const db::Query kRevoked{"identity_userinfo_revoked",
                                    "SELECT 1 FROM oauth_access_tokens WHERE jti = $1 AND revoked_at IS NOT NULL"};
    Found out;
    auto conn = d.service.Db().Acquire();
    out.revoked = c.from_code && !conn->Execute(kRevoked, {c.jti}).Empty();
    if (!out.revoked) out.account = store::FindAccountById(*conn, c.subject);
    return out;
  });
  if (f.revoked || !f.account || f.account->status != "active") co_return unauthorized("invalid_token", "the token is revoked");
  const store::Account& a = *f.account;
  json::object info{{"sub", a.id}};
  if (has("profile")) {
    info["name"] = a.full_name;
    info["preferred_username"] = a.login;
    info["locale"] = a.language;
    if (!a.birth_date.empty()) info["birthdate"] = a.birth_date;
    if (!a.gender.empty()) info["gender"] = a.gender;
  }
  if (has("email") && !a.email.empty()) {
    info["email"] = a.email;
    info["email_verified"] = false;
  }
  if (has("phone") && !a.phone.empty()) {
    info["phone_number"] = a.phone;
    info["phone_number_verified"] = false;
  }
  if (has("vn_profile")) {
    // The national portal's profile claims (DOMAIN.md §2.2), exact names.
    info["LoaiTaiKhoan"] = a.kind == "citizen" ? 1 : a.kind == "business" ? 2 : 3;
    info["SoDinhDanh"] = a.personal_id;
    info["HoVaTen"] = a.full_name;
    info["NgayThangNamSinh"] = VnDate(a.birth_date);
    info["GioiTinh"] = a.gender == "male" ? 1 : a.gender == "female" ? 0 : -1;
    info["ThuDienTu"] = a.email;
    info["SoDienThoai"] = a.phone;
    info["DiaChi"] = a.address;
    info["MaSoThue"] = a.tax_code;
    info["MaSoDoanhNghiep"] = a.tax_code;
    info["TenDoanhNghiep"] = a.business_name;
    info["TechID"] = a.id;
    info["loAs"] = c.acr;
  }
  Response res = http::JsonResponse(200, info);
  res.SetHeader("Cache-Control", "no-store");
  co_return res;
}

// ---- logout ----

awaitable<Response> Logout(Deps& d, Request req) {
  Params p;
  std::string bad;
  bool ok = req.method == http::Method::kPost ? ParseForm(req.body, p, bad) : ParseParams(req.query, p, bad);
  if (!ok) co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "repeated or malformed parameter: " + bad, {}});
  std::string hint = Get(p, "id_token_hint");
  std::string post_logout = Get(p, "post_logout_redirect_uri");
  std::string state = Get(p, "state");
  if (hint.empty()) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument,
                                          Msg(req, "Thiếu id_token_hint: không thể xác nhận yêu cầu đăng xuất.",
                                              "id_token_hint is required to confirm the logout request."),
                                          {{"id_token_hint", "required"}}});
  }
  auto parsed = crypto::ParseCompactJws(hint);
  std::optional<crypto::JwsKey> key;
  if (parsed) key = d.service.Keys().Find(parsed->kid);
  if (!parsed || !key || !crypto::VerifyJws(*parsed, *key)) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "id_token_hint is not a token this provider issued", {{"id_token_hint", "invalid"}}});
  }
  boost::system::error_code ec;
  json::value claims = json::parse(parsed->payload_json, ec);
  if (ec || !claims.is_object() || !claims.as_object().contains("aud") || !claims.as_object().at("aud").is_string() ||
      !claims.as_object().contains("sub") || !claims.as_object().at("sub").is_string()) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "id_token_hint has no aud/sub", {}});
  }
  std::string aud(claims.as_object().at("aud").as_string());
  std::string sub(claims.as_object().at("sub").as_string());
  std::string client_id = Get(p, "client_id");
  if (!client_id.empty() && client_id != aud) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument, "client_id does not match id_token_hint", {}});
  }
  auto client = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    return oidc_store::FindClient(*conn, aud);
  });
  if (!post_logout.empty() && (!client || !client->HasPostLogoutRedirect(post_logout))) {
    co_return http::ProblemResponse(req, {ErrorCode::kInvalidArgument,
                                          Msg(req, "Địa chỉ chuyển hướng sau đăng xuất không được đăng ký.",
                                              "post_logout_redirect_uri is not registered for this client."),
                                          {{"post_logout_redirect_uri", "not registered"}}});
  }
  std::string cookie = SessionCookie(req);
  if (!cookie.empty()) {
    // Only the session of the user the token names is ended.
    auto owner = co_await http::Offload(d.service.Workers(), [&]() -> std::string {
      auto conn = d.service.Db().Acquire();
      auto s = store::FindLiveSession(*conn, crypto::Sha256::Hex(cookie), core::NowUtc());
      return s ? s->account_id : std::string();
    });
    if (owner == sub) co_await d.service.Logout(cookie, OriginOf(req));
  }
  Response res = Redirect(post_logout.empty() ? d.service.Issuer() + "/?da_dang_xuat=1"
                                              : (state.empty() ? post_logout : AppendQuery(post_logout, {{"state", state}})));
  res.SetHeader("Set-Cookie", ClearedSessionCookieHeader(d.service.Issuer().starts_with("https://")));
  co_return res;
}

// ---- consent and client registry ----

awaitable<Response> GetClientInfo(Deps& d, Request req) {
  std::string id(req.PathParam("client_id"));
  auto client = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    return oidc_store::FindClient(*conn, id);
  });
  if (!client || !client->active) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, Msg(req, "Không có ứng dụng này.", "No such client."), {}});
  co_return http::JsonResponse(200, json::object{{"client_id", client->client_id}, {"name", client->name},
                                                 {"name_en", client->name_en}, {"first_party", client->first_party}});
}

awaitable<Response> PostConsent(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  std::string client_id = f.Text("client_id", 200);
  auto scopes = SplitScope(f.Text("scope", 1000));
  auto client = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    return oidc_store::FindClient(*conn, client_id);
  });
  if (!client) co_return Problem(req, {ErrorCode::kInvalidArgument, "unknown client", {{"client_id", "unknown"}}});
  for (const auto& s : scopes) {
    if (!client->AllowsScope(s)) co_return Problem(req, {ErrorCode::kInvalidArgument, "scope not allowed: " + s, {{"scope", s}}});
  }
  Origin origin = OriginOf(req);
  co_await http::Offload(d.service.Workers(), [&]() {
    static const db::Query kUpsert{
        "identity_upsert_consent",
        "INSERT INTO oauth_consents (account_id, client_id, scope, granted_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (account_id, client_id) DO UPDATE SET scope = excluded.scope, granted_at = excluded.granted_at"};
    auto conn = d.service.Db().Acquire();
    db::Transaction tx(*conn);
    std::string now = core::NowUtc();
    conn->Execute(kUpsert, {who->account_id, client_id, JoinScope(scopes), now});
    store::RecordEvent(*conn, {"consent_granted", who->account_id, who->login, origin.ip, client_id,
                               json::serialize(json::object{{"scope", JoinScope(scopes)}}), origin.request_id}, now);
    tx.Commit();
  });
  co_return Response{204, {}, {}};
}

json::object ClientJson(const OAuthClient& c) {
  auto arr = [](const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.push_back(json::string(s));
    return a;
  };
  return json::object{{"client_id", c.client_id}, {"name", c.name}, {"name_en", c.name_en}, {"client_type", c.type},
                      {"redirect_uris", arr(c.redirect_uris)}, {"post_logout_redirect_uris", arr(c.post_logout_redirect_uris)},
                      {"grant_types", arr(c.grant_types)}, {"scopes", arr(c.scopes)}, {"first_party", c.first_party},
                      {"active", c.active}};
}

awaitable<Response> ListClients(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (auto ok = RequireAnyRole(*who, {Role::kSysadmin}); !ok) co_return Problem(req, ok.error());
  auto clients = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    return oidc_store::ListClients(*conn);
  });
  json::array items;
  for (const auto& c : clients) items.push_back(ClientJson(c));
  std::int64_t n = static_cast<std::int64_t>(items.size());
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", n}});
}

std::vector<std::string> StringArray(const json::object& o, const char* name, std::vector<core::FieldError>& errors) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(name);
  if (v == nullptr) return out;
  if (!v->is_array() || v->as_array().size() > 20) {
    errors.push_back({name, "an array of at most 20 strings"});
    return out;
  }
  for (const auto& s : v->as_array()) {
    if (!s.is_string()) {
      errors.push_back({name, "an array of strings"});
      return out;
    }
    out.emplace_back(s.as_string());
  }
  return out;
}

awaitable<Response> CreateClient(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (auto ok = RequireAnyRole(*who, {Role::kSysadmin}); !ok) co_return Problem(req, ok.error());
  auto body = ObjectBody(req);
  if (!body) co_return Problem(req, body.error());
  Fields f(*body);
  OAuthClient c;
  c.client_id = f.Text("client_id", 100);
  c.name = f.Text("name", 200);
  c.name_en = f.Text("name_en", 200);
  c.type = f.Text("client_type", 20);
  auto& errors = f.Errors();
  c.redirect_uris = StringArray(*body, "redirect_uris", errors);
  c.post_logout_redirect_uris = StringArray(*body, "post_logout_redirect_uris", errors);
  c.grant_types = StringArray(*body, "grant_types", errors);
  c.scopes = StringArray(*body, "scopes", errors);
  const json::value* fp = body->if_contains("first_party");
  c.first_party = fp != nullptr && fp->is_bool() && fp->as_bool();
  if (c.client_id.empty()) errors.push_back({"client_id", "required"});
  for (char ch : c.client_id) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_')) {
      errors.push_back({"client_id", "lower-case letters, digits, '-', '.', '_'"});
      break;
    }
  }
  if (c.name.empty()) errors.push_back({"name", "required"});
  if (c.type != "public" && c.type != "confidential") errors.push_back({"client_type", "public | confidential"});
  for (const auto& u : c.redirect_uris) {
    if (!ValidRedirectUri(u)) errors.push_back({"redirect_uris", "not an acceptable redirect URI: " + u});
  }
  for (const auto& u : c.post_logout_redirect_uris) {
    if (!ValidRedirectUri(u)) errors.push_back({"post_logout_redirect_uris", "not acceptable: " + u});
  }
  for (const auto& g : c.grant_types) {
    if (g != "authorization_code" && g != "refresh_token" && g != "client_credentials") errors.push_back({"grant_types", "unknown grant " + g});
    if (g == "client_credentials" && c.type == "public") errors.push_back({"grant_types", "public clients cannot use client_credentials"});
  }
  if (std::find(c.grant_types.begin(), c.grant_types.end(), "authorization_code") != c.grant_types.end() && c.redirect_uris.empty()) {
    errors.push_back({"redirect_uris", "required for authorization_code"});
  }
  for (const auto& s : c.scopes) {
    if (std::find(SupportedScopes().begin(), SupportedScopes().end(), s) == SupportedScopes().end()) errors.push_back({"scopes", "unknown scope " + s});
  }
  if (!errors.empty()) co_return Problem(req, {ErrorCode::kInvalidArgument, "invalid client registration", errors});
  std::string secret;
  if (c.type == "confidential") {
    secret = crypto::Base64UrlEncode(crypto::RandomHex(32));
    c.secret_hash = HashOf(secret);
  }
  Origin origin = OriginOf(req);
  bool created = co_await http::Offload(d.service.Workers(), [&]() {
    auto conn = d.service.Db().Acquire();
    db::Transaction tx(*conn);
    if (oidc_store::FindClient(*conn, c.client_id)) return false;
    std::string now = core::NowUtc();
    oidc_store::InsertClient(*conn, c, now);
    store::RecordEvent(*conn, {"client_registered", who->account_id, who->login, origin.ip, c.client_id, "", origin.request_id}, now);
    tx.Commit();
    return true;
  });
  if (!created) co_return Problem(req, {ErrorCode::kConflict, "client_id is taken", {{"client_id", "taken"}}});
  json::object out = ClientJson(c);
  if (!secret.empty()) out["client_secret"] = secret;  // shown once
  co_return http::JsonResponse(201, out);
}

awaitable<Response> RotateKeys(Deps& d, Request req) {
  auto who = co_await RequireSignedIn(d.service, req);
  if (!who) co_return Problem(req, who.error());
  if (auto ok = RequireAnyRole(*who, {Role::kSysadmin}); !ok) co_return Problem(req, ok.error());
  Origin origin = OriginOf(req);
  auto kids = co_await http::Offload(d.service.Workers(), [&]() {
    auto k = d.service.Keys().Rotate();
    d.service.Audit({"signing_keys_rotated", who->account_id, who->login, origin.ip, "", "", origin.request_id});
    return k;
  });
  json::array arr;
  for (const auto& k : kids) arr.push_back(json::string(k));
  co_return http::JsonResponse(200, json::object{{"active_kids", arr}});
}

}  // namespace

void RegisterOidcRoutes(http::Router& router, Deps& deps) {
  using http::Method;
  auto bind = [&deps](auto fn) { return std::bind_front(fn, std::ref(deps)); };
  http::RouteOptions form{.body_limit = 16 * 1024};
  router.Add(Method::kGet, "/.well-known/openid-configuration", bind(&Discovery));
  router.Add(Method::kGet, "/oauth2/jwks", bind(&Jwks));
  router.Add(Method::kGet, "/oauth2/authorize", bind(&Authorize));
  router.Add(Method::kPost, "/oauth2/authorize", bind(&Authorize), form);
  router.Add(Method::kPost, "/oauth2/token", bind(&Token), form);
  router.Add(Method::kGet, "/oauth2/userinfo", bind(&UserInfo));
  router.Add(Method::kPost, "/oauth2/userinfo", bind(&UserInfo), form);
  router.Add(Method::kGet, "/oauth2/logout", bind(&Logout));
  router.Add(Method::kPost, "/oauth2/logout", bind(&Logout), form);
  router.Add(Method::kGet, "/api/v1/oauth2/clients/{client_id}", bind(&GetClientInfo));
  router.Add(Method::kPost, "/api/v1/oauth2/consents", bind(&PostConsent), form);
  router.Add(Method::kGet, "/api/v1/admin/oauth-clients", bind(&ListClients));
  router.Add(Method::kPost, "/api/v1/admin/oauth-clients", bind(&CreateClient), form);
  router.Add(Method::kPost, "/api/v1/admin/signing-keys/rotate", bind(&RotateKeys));
}

}  // namespace motcua::identity

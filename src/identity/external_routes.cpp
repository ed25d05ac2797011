// Relying-party side of login through external identity providers: the provider list, the
// redirect to the provider (code + PKCE + state + nonce), and the callback that verifies the ID
// token, maps the claims and links or creates the citizen's account by personal ID number.
#include <boost/json.hpp>

#include <map>
#include <mutex>

#include "core/log.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "crypto/encoding.hpp"
#include "crypto/jose.hpp"
#include "crypto/random.hpp"
#include "crypto/sha256.hpp"
#include "http/client.hpp"
#include "http/json.hpp"
#include "http/problem.hpp"
#include "identity/http_util.hpp"
#include "identity/oidc.hpp"
#include "identity/routes.hpp"

namespace motcua::identity {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;
using http::Request;
using http::Response;

struct ProviderMetadata {
  std::string issuer, authorization_endpoint, token_endpoint, userinfo_endpoint, jwks_uri;
};

class ProviderDirectory {
 public:
  /// Discovery of a provider, cached for an hour. Blocking.
  core::Result<ProviderMetadata> Metadata(const ExternalProvider& p) {
    {
      std::lock_guard lock(mutex_);
      auto it = meta_.find(p.id);
      if (it != meta_.end() && std::chrono::steady_clock::now() - it->second.second < std::chrono::hours(1)) {
        return it->second.first;
      }
    }
    auto res = http::FetchBlocking({.url = p.issuer + "/.well-known/openid-configuration"});
    if (!res) return std::unexpected(res.error());
    boost::system::error_code ec;
    json::value v = json::parse(res->body, ec);
    if (res->status != 200 || ec || !v.is_object()) {
      return core::Fail(ErrorCode::kUnavailable, "provider discovery failed (status " + std::to_string(res->status) + ")");
    }
    auto text = [&](const char* k) {
      const auto* x = v.as_object().if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    ProviderMetadata m{text("issuer"), text("authorization_endpoint"), text("token_endpoint"),
                       text("userinfo_endpoint"), text("jwks_uri")};
    // OIDC Discovery §4.3: the issuer in the document must be the one we asked.
    if (m.issuer != p.issuer || m.authorization_endpoint.empty() || m.token_endpoint.empty() || m.jwks_uri.empty()) {
      return core::Fail(ErrorCode::kUnavailable, "provider discovery document is not usable");
    }
    std::lock_guard lock(mutex_);
    meta_[p.id] = {m, std::chrono::steady_clock::now()};
    return m;
  }

  /// A signing key of the provider by kid, refetching the JWKS when unknown. Blocking.
  std::optional<crypto::JwsKey> Key(const ExternalProvider& p, const ProviderMetadata& m, const std::string& kid) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      {
        std::lock_guard lock(mutex_);
        auto it = keys_.find(p.id + " " + kid);
        if (it != keys_.end()) return it->second;
      }
      if (attempt == 1) break;
      auto res = http::FetchBlocking({.url = m.jwks_uri});
      if (!res || res->status != 200) return std::nullopt;
      boost::system::error_code ec;
      json::value v = json::parse(res->body, ec);
      if (ec || !v.is_object() || !v.as_object().contains("keys") || !v.as_object().at("keys").is_array()) return std::nullopt;
      std::lock_guard lock(mutex_);
      for (const auto& k : v.as_object().at("keys").as_array()) {
        if (!k.is_object()) continue;
        std::map<std::string, std::string> members;
        for (const auto& [name, val] : k.as_object()) {
          if (val.is_string()) members[std::string(name)] = std::string(val.as_string());
        }
        auto key = crypto::JwsKey::FromJwk(members);
        if (key) keys_.insert_or_assign(p.id + " " + members["kid"], *key);
      }
    }
    return std::nullopt;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<ProviderMetadata, std::chrono::steady_clock::time_point>> meta_;
  std::map<std::string, crypto::JwsKey> keys_;
};

namespace {

const ExternalProvider* FindProvider(const Deps& d, std::string_view id) {
  for (const auto& p : d.providers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::string CallbackUri(Deps& d, const ExternalProvider& p) {
  return d.service.Issuer() + "/api/v1/identity-providers/" + p.id + "/callback";
}

bool SafeReturn(std::string_view r) {
  return r.starts_with("/") && !r.starts_with("//") && r.find('\\') == std::string_view::npos &&
         r.size() < 2000;
}

Response Redirect(const std::string& location) {
  Response res;
  res.status = 302;
  res.SetHeader("Location", location);
  return res;
}

std::string StateCookie(const Request& req) {
  for (const auto& [name, value] : req.headers) {
    if (!http::HeaderNameEquals(name, "cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      if (part.starts_with("motcua_ext=")) return std::string(part.substr(11));
    }
  }
  return {};
}

awaitable<Response> ListProviders(Deps& d, Request /*req*/) {
  json::array items;
  for (const auto& p : d.providers) {
    items.push_back(json::object{{"id", p.id}, {"name", p.name},
                                 {"login_url", "/api/v1/identity-providers/" + p.id + "/login"}});
  }
  std::int64_t n = static_cast<std::int64_t>(items.size());
  co_return http::JsonResponse(200, json::object{{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", n}});
}

awaitable<Response> StartLogin(Deps& d, Request req) {
  const ExternalProvider* p = FindProvider(d, req.PathParam("id"));
  if (p == nullptr) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "No such identity provider.", {}});
  std::string return_to(req.Query("return_to").value_or("/"));
  if (!SafeReturn(return_to)) return_to = "/";
  auto meta = co_await http::Offload(d.service.Workers(), [&]() { return d.directory->Metadata(*p); });
  if (!meta) {
    core::Log(core::LogLevel::kWarn, "identity provider unreachable",
              {{"provider", std::string_view(p->id)}, {"error", std::string_view(meta.error().message)}});
    Response res = http::ProblemForStatus(req, 503, req.language == http::Language::kEn
                                                        ? "The identity provider cannot be reached now."
                                                        : "Chưa kết nối được tới nhà cung cấp định danh.");
    res.SetHeader("Retry-After", "30");
    co_return res;
  }
  std::string state = crypto::RandomHex(16);
  std::string nonce = crypto::RandomHex(16);
  std::string verifier = crypto::Base64UrlEncode(crypto::RandomHex(16));  // 43 characters
  crypto::Sha256 h;
  h.Update(verifier);
  auto digest = h.Finish();
  std::string challenge = crypto::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  co_await http::Offload(d.service.Workers(), [&]() {
    static const db::Query kInsert{"identity_insert_external_login",
                                   "INSERT INTO external_logins (state, provider, nonce, code_verifier, return_to, created_at, expires_at) "
                                   "VALUES ($1, $2, $3, $4, $5, $6, $7)"};
    auto conn = d.service.Db().Acquire();
    conn->Execute(kInsert, {state, p->id, nonce, verifier, return_to, core::NowUtc(),
                            core::FormatUtc(std::chrono::system_clock::now() + std::chrono::minutes(10))});
  });
  std::string location = AppendQuery(meta->authorization_endpoint,
                                     {{"response_type", "code"}, {"client_id", p->client_id},
                                      {"redirect_uri", CallbackUri(d, *p)}, {"scope", p->scopes},
                                      {"state", state}, {"nonce", nonce}, {"code_challenge", challenge},
                                      {"code_challenge_method", "S256"}});
  Response res = Redirect(location);
  // Binds the login to this browser (no login CSRF through a stolen callback URL).
  res.SetHeader("Set-Cookie", "motcua_ext=" + state + "; Path=/api/v1/identity-providers/; HttpOnly; SameSite=Lax; Max-Age=600");
  co_return res;
}

struct CallbackResult {
  std::optional<IssuedSession> session;
  std::string return_to = "/";
  std::string failure;  ///< short reason for the login page
};

// Blocking: the whole server-to-server part of the callback.
CallbackResult FinishLogin(Deps& d, const ExternalProvider& p, const std::string& code, const std::string& state,
                           const Origin& origin) {
  CallbackResult out;
  std::string nonce, verifier;
  {
    static const db::Query kTake{"identity_take_external_login",
                                 "DELETE FROM external_logins WHERE state = $1 AND provider = $2 AND expires_at > $3 "
                                 "RETURNING nonce, code_verifier, return_to"};
    auto conn = d.service.Db().Acquire();
    auto r = conn->Execute(kTake, {state, p.id, core::NowUtc()});
    if (r.Empty()) {
      out.failure = "state";
      return out;
    }
    nonce = r.Text(0, 0);
    verifier = r.Text(0, 1);
    out.return_to = r.Text(0, 2);
  }
  auto meta = d.directory->Metadata(p);
  if (!meta) {
    out.failure = "unavailable";
    return out;
  }
  std::string form = "grant_type=authorization_code&code=" + PercentEncode(code) + "&redirect_uri=" +
                     PercentEncode(CallbackUri(d, p)) + "&code_verifier=" + PercentEncode(verifier) +
                     "&client_id=" + PercentEncode(p.client_id);
  if (!p.client_secret.empty()) form += "&client_secret=" + PercentEncode(p.client_secret);
  auto token_res = http::FetchBlocking({.method = "POST", .url = meta->token_endpoint,
                                        .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                                                    {"Accept", "application/json"}},
                                        .body = form});
  if (!token_res || token_res->status != 200) {
    core::Log(core::LogLevel::kWarn, "external token exchange failed",
              {{"provider", std::string_view(p.id)},
               {"status", token_res ? std::to_string(token_res->status) : token_res.error().message}});
    out.failure = "token";
    return out;
  }
  boost::system::error_code ec;
  json::value tokens = json::parse(token_res->body, ec);
  auto text = [](const json::value& v, const char* k) {
    const auto* x = v.is_object() ? v.as_object().if_contains(k) : nullptr;
    return x && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  std::string id_token = ec ? "" : text(tokens, "id_token");
  std::string access_token = ec ? "" : text(tokens, "access_token");
  auto parsed = crypto::ParseCompactJws(id_token);
  if (!parsed) {
    out.failure = "id_token";
    return out;
  }
  auto key = d.directory->Key(p, *meta, parsed->kid);
  if (!key || !crypto::VerifyJws(*parsed, *key)) {
    out.failure = "signature";
    return out;
  }
  json::value claims = json::parse(parsed->payload_json, ec);
  if (ec || !claims.is_object()) {
    out.failure = "id_token";
    return out;
  }
  auto& c = claims.as_object();
  bool aud_ok = false;
  if (const auto* aud = c.if_contains("aud")) {
    if (aud->is_string()) aud_ok = aud->as_string() == p.client_id;
    if (aud->is_array()) {
      for (const auto& a : aud->as_array()) aud_ok = aud_ok || (a.is_string() && a.as_string() == p.client_id);
    }
  }
  const auto* exp = c.if_contains("exp");
  bool fresh = exp && exp->is_int64() && exp->as_int64() > UnixNow() - 60;
  if (text(claims, "iss") != meta->issuer || !aud_ok || !fresh || text(claims, "nonce") != nonce) {
    out.failure = "claims";
    return out;
  }
  // Identity data usually comes from userinfo (VNeID, the national portal); it must be about
  // the same subject as the ID token.
  if (!meta->userinfo_endpoint.empty() && !access_token.empty()) {
    auto info = http::FetchBlocking({.url = meta->userinfo_endpoint, .headers = {{"Authorization", "Bearer " + access_token}}});
    if (info && info->status == 200) {
      json::value u = json::parse(info->body, ec);
      if (!ec && u.is_object() && text(u, "sub") == text(claims, "sub")) {
        for (const auto& [k, v] : u.as_object()) c[k] = v;
      }
    }
  }
  auto citizen = MapClaims(p, json::serialize(claims));
  if (!citizen) {
    core::Log(core::LogLevel::kWarn, "external claims not usable", {{"provider", std::string_view(p.id)},
                                                                    {"error", std::string_view(citizen.error().message)}});
    out.failure = "claims";
    return out;
  }
  std::optional<store::Account> account;
  {
    static const db::Query kLinked{"identity_external_linked",
                                   "SELECT account_id FROM external_identities WHERE provider = $1 AND subject = $2"};
    static const db::Query kLink{"identity_external_link",
                                 "INSERT INTO external_identities (provider, subject, account_id, created_at) VALUES ($1, $2, $3, $4)"};
    auto conn = d.service.Db().Acquire();
    db::Transaction tx(*conn);
    std::string now = core::NowUtc();
    auto linked = conn->Execute(kLinked, {p.id, citizen->subject});
    if (!linked.Empty()) {
      account = store::FindAccountById(*conn, linked.Text(0, 0));
    } else {
      account = store::FindAccountByPersonalId(*conn, citizen->personal_id);
      if (!account && p.create_accounts) {
        store::Account a;
        a.id = core::Uuid::NewV7().ToString();
        a.kind = "citizen";
        a.login = citizen->personal_id;
        a.full_name = citizen->full_name;
        a.personal_id = citizen->personal_id;
        a.birth_date = citizen->birth_date;
        a.gender = citizen->gender;
        a.assurance_level = citizen->assurance_level;
        if (store::LoginTaken(*conn, a.login)) a.login = p.id + "." + citizen->personal_id;
        store::InsertAccount(*conn, a, now);
        store::RecordEvent(*conn, {"account_created_external", a.id, a.login, origin.ip, p.id, "", origin.request_id}, now);
        account = a;
      }
      if (account) {
        conn->Execute(kLink, {p.id, citizen->subject, account->id, now});
        store::RecordEvent(*conn, {"external_identity_linked", account->id, account->login, origin.ip, p.id, "", origin.request_id}, now);
      }
    }
    tx.Commit();
  }
  if (!account || account->status != "active" || account->kind != "citizen") {
    out.failure = "account";
    return out;
  }
  out.session = d.service.OpenSession(*account, "ext", citizen->assurance_level, origin);
  return out;
}

awaitable<Response> Callback(Deps& d, Request req) {
  const ExternalProvider* p = FindProvider(d, req.PathParam("id"));
  if (p == nullptr) co_return http::ProblemResponse(req, {ErrorCode::kNotFound, "No such identity provider.", {}});
  std::string state(req.Query("state").value_or(""));
  std::string code(req.Query("code").value_or(""));
  std::string error(req.Query("error").value_or(""));
  auto fail = [](const std::string& reason) {
    Response res = Redirect(AppendQuery("/dang-nhap", {{"external_error", reason}}));
    res.SetHeader("Set-Cookie", "motcua_ext=; Path=/api/v1/identity-providers/; HttpOnly; SameSite=Lax; Max-Age=0");
    return res;
  };
  if (state.empty() || state.size() > 64 || StateCookie(req) != state) co_return fail("state");
  if (!error.empty()) co_return fail(error == "access_denied" ? "denied" : "provider");
  if (code.empty() || code.size() > 2048) co_return fail("code");
  Origin origin = web::OriginOf(req);
  CallbackResult r = co_await http::Offload(d.service.Workers(), [&]() { return FinishLogin(d, *p, code, state, origin); });
  if (!r.session) co_return fail(r.failure);
  Response res = Redirect(r.return_to);
  res.headers.emplace_back("Set-Cookie", web::SessionCookieHeader(r.session->token, d.service.Options().session_ttl,
                                                                  d.service.Issuer().starts_with("https://")));
  res.headers.emplace_back("Set-Cookie", "motcua_ext=; Path=/api/v1/identity-providers/; HttpOnly; SameSite=Lax; Max-Age=0");
  co_return res;
}

}  // namespace

void RegisterExternalRoutes(http::Router& router, Deps& deps) {
  if (!deps.directory) deps.directory = std::make_shared<ProviderDirectory>();
  using http::Method;
  auto bind = [&deps](auto fn) { return std::bind_front(fn, std::ref(deps)); };
  router.Add(Method::kGet, "/api/v1/identity-providers", bind(&ListProviders));
  router.Add(Method::kGet, "/api/v1/identity-providers/{id}/login", bind(&StartLogin));
  router.Add(Method::kGet, "/api/v1/identity-providers/{id}/callback", bind(&Callback));
}

}  // namespace motcua::identity

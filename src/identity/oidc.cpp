#include "identity/oidc.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

#include "crypto/encoding.hpp"
#include "crypto/sha256.hpp"

namespace motcua::identity {

namespace json = boost::json;

bool OAuthClient::AllowsGrant(std::string_view g) const {
  return std::find(grant_types.begin(), grant_types.end(), g) != grant_types.end();
}
bool OAuthClient::AllowsScope(std::string_view s) const {
  return std::find(scopes.begin(), scopes.end(), s) != scopes.end();
}
bool OAuthClient::HasRedirect(std::string_view u) const {
  // Exact string comparison (OAuth 2.0 Security BCP §4.1): no prefix, no normalisation.
  return std::find(redirect_uris.begin(), redirect_uris.end(), u) != redirect_uris.end();
}
bool OAuthClient::HasPostLogoutRedirect(std::string_view u) const {
  return std::find(post_logout_redirect_uris.begin(), post_logout_redirect_uris.end(), u) !=
         post_logout_redirect_uris.end();
}

const std::vector<std::string_view>& SupportedScopes() {
  static const std::vector<std::string_view> kScopes = {"openid", "profile", "email", "phone",
                                                        "vn_profile", "offline_access",
                                                        "dossier.read", "dossier.sync", "catalog.read"};
  return kScopes;
}

std::vector<std::string> SplitScope(std::string_view scope) {
  std::vector<std::string> out;
  while (!scope.empty()) {
    auto sp = scope.find(' ');
    std::string word(scope.substr(0, sp));
    if (!word.empty() && std::find(out.begin(), out.end(), word) == out.end()) out.push_back(word);
    scope = sp == std::string_view::npos ? std::string_view() : scope.substr(sp + 1);
  }
  return out;
}

std::string JoinScope(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

bool ValidCodeVerifier(std::string_view v) {
  if (v.size() < 43 || v.size() > 128) return false;
  for (char c : v) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == '~';
    if (!ok) return false;
  }
  return true;
}

bool PkceMatches(std::string_view verifier, std::string_view challenge) {
  crypto::Sha256 h;
  h.Update(verifier);
  auto digest = h.Finish();
  std::string computed = crypto::Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  return crypto::ConstantTimeEquals(computed, challenge);
}

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string AppendQuery(const std::string& uri,
                        const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = uri;
  char sep = uri.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    out += sep;
    out += PercentEncode(k) + "=" + PercentEncode(v);
    sep = '&';
  }
  return out;
}

bool ValidRedirectUri(std::string_view uri) {
  if (uri.size() > 2000 || uri.find('#') != std::string_view::npos) return false;
  for (char c : uri) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  if (uri.starts_with("https://")) return uri.size() > 8;
  if (uri.starts_with("http://")) {
    std::string_view rest = uri.substr(7);
    return rest.starts_with("127.0.0.1") || rest.starts_with("localhost") || rest.starts_with("[::1]");
  }
  return false;
}

namespace oidc_store {

namespace {

const db::Query kFindClient{
    "identity_find_client",
    "SELECT client_id, name, name_en, client_type, COALESCE(secret_hash, ''), redirect_uris, "
    "post_logout_redirect_uris, grant_types, scopes, first_party, active FROM oauth_clients "
    "WHERE client_id = $1"};
const db::Query kListClients{
    "identity_list_clients",
    "SELECT client_id, name, name_en, client_type, COALESCE(secret_hash, ''), redirect_uris, "
    "post_logout_redirect_uris, grant_types, scopes, first_party, active FROM oauth_clients "
    "ORDER BY client_id LIMIT 1000"};
const db::Query kInsertClient{
    "identity_insert_client",
    "INSERT INTO oauth_clients (client_id, name, name_en, client_type, secret_hash, redirect_uris, "
    "post_logout_redirect_uris, grant_types, scopes, first_party, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"};

std::vector<std::string> JsonStrings(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& s : v.as_array()) {
    if (s.is_string()) out.emplace_back(s.as_string());
  }
  return out;
}

std::string ToJson(const std::vector<std::string>& items) {
  json::array arr;
  for (const auto& s : items) arr.push_back(json::string(s));
  return json::serialize(arr);
}

OAuthClient ClientAt(const db::ResultSet& r, std::size_t i) {
  OAuthClient c;
  c.client_id = r.Text(i, 0);
  c.name = r.Text(i, 1);
  c.name_en = r.Text(i, 2);
  c.type = r.Text(i, 3);
  c.secret_hash = r.Text(i, 4);
  c.redirect_uris = JsonStrings(r.Text(i, 5));
  c.post_logout_redirect_uris = JsonStrings(r.Text(i, 6));
  c.grant_types = SplitScope(r.Text(i, 7));
  c.scopes = SplitScope(r.Text(i, 8));
  c.first_party = r.Int(i, 9) != 0;
  c.active = r.Int(i, 10) != 0;
  return c;
}

}  // namespace

std::optional<OAuthClient> FindClient(db::Connection& c, const std::string& client_id) {
  auto r = c.Execute(kFindClient, {client_id});
  if (r.Empty()) return std::nullopt;
  return ClientAt(r, 0);
}

std::vector<OAuthClient> ListClients(db::Connection& c) {
  auto r = c.Execute(kListClients);
  std::vector<OAuthClient> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back(ClientAt(r, i));
  return out;
}

void InsertClient(db::Connection& c, const OAuthClient& cl, const std::string& now) {
  c.Execute(kInsertClient, {cl.client_id, cl.name, cl.name_en, cl.type,
                            cl.secret_hash.empty() ? db::Value(nullptr) : db::Value(cl.secret_hash),
                            ToJson(cl.redirect_uris), ToJson(cl.post_logout_redirect_uris),
                            JoinScope(cl.grant_types), JoinScope(cl.scopes),
                            std::int64_t{cl.first_party ? 1 : 0}, now});
}

}  // namespace oidc_store

}  // namespace motcua::identity

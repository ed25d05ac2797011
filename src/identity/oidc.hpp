// The OpenID Connect provider (single sign-on for every portal, DOMAIN.md §2.2): the client
// registry and the pure checks of the authorization-code flow (PKCE, redirect URIs, scopes).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"

namespace motcua::identity {

/// A registered relying party or machine client.
struct OAuthClient {
  std::string client_id, name, name_en, type;  ///< type: public | confidential
  std::string secret_hash;                     ///< SHA-256 hex of the secret (confidential)
  std::vector<std::string> redirect_uris, post_logout_redirect_uris, grant_types, scopes;
  bool first_party = false;
  bool active = true;

  bool AllowsGrant(std::string_view grant) const;
  bool AllowsScope(std::string_view scope) const;
  bool HasRedirect(std::string_view uri) const;
  bool HasPostLogoutRedirect(std::string_view uri) const;
};

/// Scopes this provider knows.
const std::vector<std::string_view>& SupportedScopes();

/// Space-separated words, without empties or repeats.
std::vector<std::string> SplitScope(std::string_view scope);
std::string JoinScope(const std::vector<std::string>& scopes);

/// RFC 7636: a verifier is 43–128 characters of [A-Za-z0-9-._~].
bool ValidCodeVerifier(std::string_view verifier);
/// BASE64URL(SHA256(verifier)) == challenge, in constant time.
bool PkceMatches(std::string_view verifier, std::string_view challenge);

/// `uri` with `params` appended to its query (values percent-encoded), keeping a fragment-less
/// registered URI exactly as registered.
std::string AppendQuery(const std::string& uri,
                        const std::vector<std::pair<std::string, std::string>>& params);
std::string PercentEncode(std::string_view s);

/// A redirect URI acceptable for registration: absolute http(s) without fragment; http only
/// for loopback hosts.
bool ValidRedirectUri(std::string_view uri);

namespace oidc_store {
std::optional<OAuthClient> FindClient(db::Connection& c, const std::string& client_id);
std::vector<OAuthClient> ListClients(db::Connection& c);
void InsertClient(db::Connection& c, const OAuthClient& client, const std::string& now);
}  // namespace oidc_store

}  // namespace motcua::identity

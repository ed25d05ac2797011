// Login through external OpenID Connect identity providers (VNeID-style, DOMAIN.md §2.2, §9.1):
// their configuration, and the mapping of their claims onto a motcua citizen.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace motcua::identity {

/// One configured provider (an entry of `identity_providers_file`).
struct ExternalProvider {
  std::string id;            ///< [a-z0-9-], used in URLs
  std::string name;          ///< shown on the login button ("VNeID")
  std::string issuer;        ///< discovery at `<issuer>/.well-known/openid-configuration`
  std::string client_id;
  std::string client_secret; ///< empty = public client (PKCE only)
  std::string scopes = "openid profile vn_profile";
  bool create_accounts = true;  ///< first login creates a citizen account
  // Claim names (defaults: the national portal's, DOMAIN.md §2.2).
  std::string claim_personal_id = "SoDinhDanh";
  std::string claim_full_name = "HoVaTen";
  std::string claim_birth_date = "NgayThangNamSinh";
  std::string claim_gender = "GioiTinh";
  std::string claim_assurance = "loAs";
};

/// Reads the providers file (a JSON array). Fails naming the entry and field at fault.
core::Result<std::vector<ExternalProvider>> LoadProviders(const std::string& path);

/// A citizen as an external provider asserts them.
struct AssertedCitizen {
  std::string subject;
  std::string personal_id;
  std::string full_name;
  std::string birth_date;  ///< YYYY-MM-DD
  std::string gender;      ///< male | female | ""
  int assurance_level = 1;
};

/// Maps the claims (ID token and userinfo merged, as JSON text) with the provider's names.
/// Dates may be `dd/MM/yyyy`, `yyyy-MM-dd` or `yyyyMMdd`; gender `1`/`Nam`/`male` or
/// `0`/`2`/`Nữ`/`female`; the level from the named claim, then `IAL`, then `acr`.
core::Result<AssertedCitizen> MapClaims(const ExternalProvider& p, const std::string& claims_json);

}  // namespace motcua::identity

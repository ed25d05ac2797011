// Who is calling, and what they may do: the authorization helper every module uses
// (role + agency-subtree scope; a citizen sees only their own things).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace motcua::identity {

/// Officer roles (DESIGN.md §1). `kSysadmin` is not tied to an agency.
enum class Role { kReceiver, kSpecialist, kLeader, kAgencyAdmin, kSysadmin };

/// `receiver`, `specialist`, `leader`, `agency_admin`, `sysadmin`.
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

enum class AccountKind { kCitizen, kBusiness, kOfficer, kClient };

/// `citizen`, `business`, `officer`, `client` (a machine client of client_credentials).
std::string_view AccountKindName(AccountKind kind);

/// What the account says of its holder, as read with the credential (people, not machine clients).
struct Profile {
  std::string full_name, personal_id, birth_date, gender, email, phone, address, tax_code, business_name,
      language = "vi";
};

/// The authenticated caller of one request.
struct Principal {
  AccountKind kind = AccountKind::kCitizen;
  std::string account_id;    ///< accounts.id; the client_id for machine clients
  std::string login;
  std::string display_name;
  std::string agency_id;     ///< officers: their agency (empty otherwise)
  std::string agency_path;   ///< officers: agencies.path of their agency, e.g. `/a1/b7/`
  std::vector<Role> roles;
  std::vector<std::string> scopes;  ///< bearer tokens: granted scopes
  int assurance_level = 1;   ///< level of assurance of the login (Decree 59/2022: 1 or 2)
  std::string session_id;    ///< cookie sessions; empty for bearer tokens
  /// An officer who must enrol a TOTP second factor before acting as an officer.
  bool enrolment_required = false;
  /// The account's profile, read in the same statement as the session or token check; none for
  /// machine clients.
  std::optional<Profile> profile;

  bool HasRole(Role role) const;
  bool HasScope(std::string_view scope) const;
  /// True when `path` (agencies.path of some agency) is this officer's agency or below it.
  /// Sysadmins are within every agency.
  bool CoversAgency(std::string_view path) const;
};

/// Resolves the caller of a request. Implemented by the identity module.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  /// The caller from the `motcua_session` cookie or an `Authorization: Bearer` access token;
  /// nullopt when the request carries neither. Fails with kUnauthenticated for an expired,
  /// revoked or malformed credential, and with kForbidden when a cookie-session request with
  /// an unsafe method lacks the right `X-CSRF-Token`.
  virtual boost::asio::awaitable<core::Result<std::optional<Principal>>> Identify(
      const http::Request& request) = 0;
  /// The same, on the calling thread (it may read the database): for work already running on
  /// the worker pool, which then needs no trip of its own to find out who is asking.
  virtual core::Result<std::optional<Principal>> IdentifyHere(const http::Request& request) = 0;
};

/// The caller on the calling thread, or kUnauthenticated when anonymous.
core::Result<Principal> RequireSignedInHere(Authenticator& auth, const http::Request& request);

/// The caller, or kUnauthenticated when anonymous.
boost::asio::awaitable<core::Result<Principal>> RequireSignedIn(Authenticator& auth,
                                                               const http::Request& request);

/// kForbidden unless the principal has `role` (or is a sysadmin) and covers `agency_path`.
core::Result<void> RequireRoleIn(const Principal& principal, Role role,
                                 std::string_view agency_path);

/// kForbidden unless the principal holds one of `roles` (or is a sysadmin).
core::Result<void> RequireAnyRole(const Principal& principal, std::initializer_list<Role> roles);

}  // namespace motcua::identity

#include "identity/auth.hpp"

#include <algorithm>
#include <array>

namespace motcua::identity {

namespace {

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles{{
    {Role::kReceiver, "receiver"},
    {Role::kSpecialist, "specialist"},
    {Role::kLeader, "leader"},
    {Role::kAgencyAdmin, "agency_admin"},
    {Role::kSysadmin, "sysadmin"},
}};

core::Error Forbidden(const Principal& p) {
  if (p.enrolment_required) {
    return {core::ErrorCode::kForbidden,
            "Cán bộ cần bật xác thực hai lớp (TOTP) trước khi làm việc. / Officers must enrol a "
            "TOTP second factor first.",
            {}};
  }
  return {core::ErrorCode::kForbidden,
          "Bạn không có quyền thực hiện việc này. / You are not allowed to do this.",
          {}};
}

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoles) {
    if (n == name) return r;
  }
  return std::nullopt;
}

std::string_view AccountKindName(AccountKind kind) {
  switch (kind) {
    case AccountKind::kCitizen: return "citizen";
    case AccountKind::kBusiness: return "business";
    case AccountKind::kOfficer: return "officer";
    case AccountKind::kClient: return "client";
  }
  return "";
}

bool Principal::HasRole(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Principal::HasScope(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

bool Principal::CoversAgency(std::string_view path) const {
  if (HasRole(Role::kSysadmin)) return true;
  if (kind != AccountKind::kOfficer || agency_path.empty() || path.empty()) return false;
  return path.starts_with(agency_path);
}

namespace {

core::Result<Principal> SignedIn(core::Result<std::optional<Principal>> who, const http::Request& request) {
  if (!who) return std::unexpected(who.error());
  if (!*who) {
    return core::Fail(core::ErrorCode::kUnauthenticated,
                      request.language == http::Language::kEn ? "Please sign in." : "Vui lòng đăng nhập.");
  }
  return std::move(**who);
}

}  // namespace

boost::asio::awaitable<core::Result<Principal>> RequireSignedIn(Authenticator& auth,
                                                               const http::Request& request) {
  co_return SignedIn(co_await auth.Identify(request), request);
}

core::Result<Principal> RequireSignedInHere(Authenticator& auth, const http::Request& request) {
  return SignedIn(auth.IdentifyHere(request), request);
}

core::Result<void> RequireRoleIn(const Principal& p, Role role, std::string_view agency_path) {
  if (p.enrolment_required) return std::unexpected(Forbidden(p));
  if (p.HasRole(Role::kSysadmin)) return {};
  if (p.kind != AccountKind::kOfficer || !p.HasRole(role) || !p.CoversAgency(agency_path)) {
    return std::unexpected(Forbidden(p));
  }
  return {};
}

core::Result<void> RequireAnyRole(const Principal& p, std::initializer_list<Role> roles) {
  if (p.enrolment_required) return std::unexpected(Forbidden(p));
  if (p.HasRole(Role::kSysadmin)) return {};
  if (p.kind == AccountKind::kOfficer) {
    for (Role r : roles) {
      if (p.HasRole(r)) return {};
    }
  }
  return std::unexpected(Forbidden(p));
}

}  // namespace motcua::identity

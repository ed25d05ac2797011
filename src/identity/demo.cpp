#include "identity/demo.hpp"

#include <stdexcept>

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "crypto/sha256.hpp"
#include "identity/agencies.hpp"
#include "identity/oidc.hpp"
#include "identity/store.hpp"

namespace motcua::identity {

namespace {

struct DemoAccount {
  const char* login;
  const char* kind;
  const char* full_name;
  const char* personal_id;
  const char* birth_date;
  const char* gender;
  const char* tax_code;
  const char* business_name;
  const char* agency_code;
  const char* role;
};

// PINs agree with birth and gender (001 Hà Nội, 0 = male 1900s …); the tax code has a valid
// check digit but belongs to no real business.
constexpr DemoAccount kAccounts[] = {
    {"citizen.demo", "citizen", "Nguyễn Văn An", "001085012345", "1985-03-02", "male", "", "", "", ""},
    {"citizen2.demo", "citizen", "Trần Thị Bình", "079190123456", "1990-07-15", "female", "", "", "", ""},
    {"business.demo", "business", "Phạm Quốc Cường", "", "", "", "0109876557",
     "Công ty TNHH Thương mại An Hòa Xanh", "", ""},
    {"receiver.demo", "officer", "Lê Thị Thu", "", "", "", "", "", "000.00.02.H99", "receiver"},
    {"specialist.demo", "officer", "Phạm Văn Hùng", "", "", "", "", "", "000.00.02.H99", "specialist"},
    {"leader.demo", "officer", "Hoàng Minh Đức", "", "", "", "", "", "000.00.02.H99", "leader"},
    {"admin.demo", "officer", "Đỗ Thị Mai", "", "", "", "", "", "000.00.02.H99", "agency_admin"},
    {"receiver2.demo", "officer", "Vũ Văn Nam", "", "", "", "", "", "000.00.03.H99", "receiver"},
    {"sysadmin.demo", "officer", "Quản trị hệ thống", "", "", "", "", "", "", "sysadmin"},
};

}  // namespace

void SeedDemoIdentity(db::Connection& conn, crypto::PasswordCost cost) {
  std::string now = core::NowUtc();
  auto files = EmbeddedDemoData();
  if (files.empty()) throw std::runtime_error("demo agencies are not embedded");
  auto parsed = ParseAgenciesJson(files.front().content);
  if (!parsed || !parsed->errors.empty()) throw std::runtime_error("demo agencies do not parse");
  store::ImportScope scope{.path = "", .may_create_roots = true};
  auto errors = store::ApplyAgencyImport(conn, parsed->rows, scope, now, nullptr, nullptr);
  if (!errors.empty()) {
    throw std::runtime_error("demo agencies: row " + std::to_string(errors.front().row) + " " +
                             errors.front().field + ": " + errors.front().message);
  }

  // One hash for every demo account: they share the published demo password.
  std::string hash = crypto::HashPassword("Demo@2026", cost);
  for (const auto& d : kAccounts) {
    store::Account a;
    a.id = core::Uuid::NewV7().ToString();
    a.kind = d.kind;
    a.login = d.login;
    a.password_hash = hash;
    a.full_name = d.full_name;
    a.personal_id = d.personal_id;
    a.birth_date = d.birth_date;
    a.gender = d.gender;
    a.tax_code = d.tax_code;
    a.business_name = d.business_name;
    a.email = std::string(d.login) + "@demo.invalid";
    a.phone = "0912345678";
    a.assurance_level = a.kind == "officer" ? 2 : 1;
    if (*d.agency_code) {
      auto agency = store::FindAgencyByCode(conn, d.agency_code);
      if (!agency) throw std::runtime_error(std::string("demo agency missing: ") + d.agency_code);
      a.agency_id = agency->id;
    }
    if (*d.role) a.roles = {d.role};
    store::InsertAccount(conn, a, now);
  }

  OAuthClient portal;
  portal.client_id = "demo-portal";
  portal.name = "Cổng dịch vụ công mẫu (ứng dụng thử nghiệm)";
  portal.name_en = "Demo portal (test relying party)";
  portal.type = "public";
  portal.redirect_uris = {"http://127.0.0.1:8765/callback"};
  portal.post_logout_redirect_uris = {"http://127.0.0.1:8765/logged-out"};
  portal.grant_types = {"authorization_code", "refresh_token"};
  portal.scopes = {"openid", "profile", "email", "phone", "vn_profile", "offline_access"};
  portal.first_party = true;
  oidc_store::InsertClient(conn, portal, now);

  OAuthClient third = portal;
  third.client_id = "demo-thirdparty";
  third.name = "Ứng dụng bên thứ ba mẫu";
  third.name_en = "Demo third-party application";
  third.first_party = false;
  oidc_store::InsertClient(conn, third, now);

  OAuthClient service;
  service.client_id = "demo-service";
  service.name = "Hệ thống kết nối mẫu";
  service.name_en = "Demo machine client";
  service.type = "confidential";
  service.secret_hash = crypto::Sha256::Hex("demo-service-secret");
  service.grant_types = {"client_credentials"};
  service.scopes = {"dossier.read", "dossier.sync", "catalog.read"};
  oidc_store::InsertClient(conn, service, now);
}

}  // namespace motcua::identity

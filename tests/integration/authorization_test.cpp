// The authorization matrix over every registered route, on both engines: anonymous callers, a
// citizen and an officer without an administrative role are refused wherever they have no
// business, before any input is looked at. A module that adds a route must place it in one of
// the lists below, or this test fails and says which route is unplaced.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>

#include "http/route_table.hpp"
#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;

// Anyone may call these (they may still answer 401 for a missing credential of their own kind,
// like the OAuth endpoints).
const std::set<std::string> kPublic = {
    "GET /healthz", "GET /readyz", "GET /metrics", "GET /api/openapi.json", "GET /api/v1/instance",
    "GET /.well-known/openid-configuration", "GET /oauth2/jwks", "GET /oauth2/authorize",
    "POST /oauth2/authorize", "POST /oauth2/token", "GET /oauth2/userinfo", "POST /oauth2/userinfo",
    "GET /oauth2/logout", "POST /oauth2/logout", "POST /api/v1/session", "POST /api/v1/session/totp",
    "POST /api/v1/accounts", "POST /api/v1/password-resets", "POST /api/v1/password-resets/confirm",
    "GET /api/v1/agencies", "GET /api/v1/agencies/{code}", "GET /api/v1/agencies/export",
    "GET /api/v1/identity-providers",
    "GET /api/v1/identity-providers/{id}/login", "GET /api/v1/identity-providers/{id}/callback",
    "GET /api/v1/oauth2/clients/{client_id}",
    "GET /api/v1/procedures", "GET /api/v1/procedures/{code}", "GET /api/v1/procedures/{code}/laythutuc",
    "GET /api/v1/fields", "GET /api/v1/faq", "GET /api/v1/bundles", "GET /api/v1/bundles/{code}",
    "GET /api/v1/calendar", "GET /api/v1/calendar/deadline",
    "POST /api/v1/payments/callback",  // the payment platform: authenticated by MaXacThuc
    "GET /api/v1/track/{code}",  // public tracking; the timeline only for the owner
    // Feedback: anyone may send (with contact details) and read published answers; Open311
    // reads are public and its POST is authenticated by the integrator's api_key.
    "POST /api/v1/feedback", "GET /api/v1/feedback-answers", "POST /api/v1/feedback-lookup", "POST /api/v1/feedback-lookup/rating",
    "GET /open311/v2/discovery.json", "GET /open311/v2/discovery.xml", "GET /open311/v2/services.json",
    "GET /open311/v2/services.xml", "GET /open311/v2/services/{service_code}", "GET /open311/v2/requests.json",
    "GET /open311/v2/requests.xml", "POST /open311/v2/requests.json", "POST /open311/v2/requests.xml",
    "GET /open311/v2/requests/{id}", "GET /open311/v2/tokens/{token}",
    "GET /api/v1/national/dossiers/{code}",  // national tracking; the steps only for the owner
    "GET /api/v1/national/stats",            // aggregate counts, no personal data
    "DELETE /api/v1/session",  // logging out without a session is a no-op
    "GET /api/v1/session"};    // "am I signed in?" answers for anyone

// Any signed-in person, for their own things.
const std::set<std::string> kSignedIn = {
    "GET /api/v1/me", "PATCH /api/v1/me", "POST /api/v1/me/password",
    "GET /api/v1/me/sessions", "DELETE /api/v1/me/sessions/{id}", "GET /api/v1/me/security-events",
    "POST /api/v1/me/totp", "DELETE /api/v1/me/totp", "POST /api/v1/me/totp/confirm",
    "POST /api/v1/oauth2/consents",
    // Dossiers: what each caller sees and may do is decided per dossier (dossier_test.cpp).
    "GET /api/v1/procedures/{code}/submission", "POST /api/v1/attachments", "GET /api/v1/attachments/{id}",
    "GET /api/v1/dossier-drafts", "POST /api/v1/dossier-drafts", "GET /api/v1/dossier-drafts/{id}",
    "PUT /api/v1/dossier-drafts/{id}", "DELETE /api/v1/dossier-drafts/{id}", "POST /api/v1/dossiers",
    "GET /api/v1/dossiers/{code}", "POST /api/v1/dossiers/{code}/actions/{action}",
    "POST /api/v1/dossiers/{code}/rating", "PUT /api/v1/dossiers/{code}/rating",
    "GET /api/v1/dossiers/{code}/forms/{form}", "GET /api/v1/dossiers/{code}/control-sheet.csv",
    "GET /api/v1/me/dossiers", "GET /api/v1/inbox", "GET /api/v1/agencies/{code}/officers",
    "GET /api/v1/reports/register.csv", "GET /api/v1/reports/register.pdf", "POST /api/v1/bundles/{code}/dossiers", "GET /api/v1/dossier-bundles/{id}",
    // Notifications: each caller's own.
    "GET /api/v1/me/notifications", "POST /api/v1/me/notifications/read-all", "POST /api/v1/me/notifications/{id}/read",
    // Payments: the owner pays; the dossier's officers see (payment_test.cpp).
    "GET /api/v1/dossiers/{code}/payments", "POST /api/v1/dossiers/{code}/payments",
    "GET /api/v1/dossiers/{code}/payments/{reference}/receipt",
    // Feedback and questions: the petitioner's own, the officers' of their agency subtree (feedback_test.cpp).
    "GET /api/v1/feedback/{code}", "POST /api/v1/feedback/{code}/actions/{action}", "POST /api/v1/feedback/{code}/rating",
    "GET /api/v1/feedback/{code}/similar", "POST /api/v1/feedback/{code}/publication-preview", "GET /api/v1/me/feedback",
    "GET /api/v1/feedback-inbox",
    "POST /api/v1/questions", "GET /api/v1/me/questions", "GET /api/v1/question-inbox",
    "POST /api/v1/questions/{id}/answer", "POST /api/v1/questions/{id}/publish",
    // National sync: a machine client registered as a member (sync_test.cpp); each applicant's own.
    "POST /api/v1/national/sync", "GET /api/v1/national/mine",
    "GET /api/v1/dossiers/{code}/payments/{reference}/receipts/{kind}",
    "POST /api/v1/dossiers/{code}/payments/requests/{request_id}/refund"};

// Officers with an administrative role (agency_admin within their subtree, or sysadmin).
const std::set<std::string> kAdministrative = {
    "GET /api/v1/admin/accounts", "POST /api/v1/admin/accounts", "PUT /api/v1/admin/accounts/{id}/roles",
    "POST /api/v1/admin/accounts/{id}/status", "POST /api/v1/agencies/import",
    "GET /api/v1/admin/security-events", "GET /api/v1/admin/oauth-clients", "POST /api/v1/admin/oauth-clients",
    "POST /api/v1/admin/signing-keys/rotate", "GET /api/v1/admin/procedures", "POST /api/v1/admin/procedures/import",
    "GET /api/v1/admin/procedures/export", "POST /api/v1/admin/procedures/{code}/actions/{action}",
    "GET /api/v1/admin/procedures/{code}/versions", "GET /api/v1/admin/procedures/{code}/versions/{a}/diff/{b}",
    "GET /api/v1/admin/procedures/{code}/record", "PUT /api/v1/admin/procedures/{code}",
    "POST /api/v1/admin/procedures/preview",
    "GET /api/v1/admin/faq", "POST /api/v1/admin/faq", "PUT /api/v1/admin/faq/{id}", "DELETE /api/v1/admin/faq/{id}",
    "GET /api/v1/admin/procedures/{code}/config", "PUT /api/v1/admin/procedures/{code}/config",
    "PUT /api/v1/admin/calendar/days/{date}", "DELETE /api/v1/admin/calendar/days/{date}",
    "GET /api/v1/admin/agencies/{code}/working-hours", "PUT /api/v1/admin/agencies/{code}/working-hours",
    "DELETE /api/v1/admin/agencies/{code}/working-hours",
    "GET /api/v1/admin/notifications", "GET /api/v1/admin/notifications/{id}", "POST /api/v1/admin/notifications/{id}/retry",
    "GET /api/v1/admin/notification-templates", "GET /api/v1/admin/notification-templates/{event}",
    "PUT /api/v1/admin/notification-templates/{event}",
    "GET /api/v1/admin/payments/ledger", "POST /api/v1/admin/payments/reconciliation",
    "GET /api/v1/admin/open311/keys", "POST /api/v1/admin/open311/keys", "DELETE /api/v1/admin/open311/keys/{id}",
    "GET /api/v1/admin/sync/members", "PUT /api/v1/admin/sync/members/{code}"};

// Of those, the ones only a sysadmin may call.
const std::set<std::string> kSysadminOnly = {
    "DELETE /api/v1/admin/faq/{id}", "PUT /api/v1/admin/calendar/days/{date}",
    "DELETE /api/v1/admin/calendar/days/{date}",
    "GET /api/v1/admin/security-events", "GET /api/v1/admin/oauth-clients", "POST /api/v1/admin/oauth-clients",
    "POST /api/v1/admin/signing-keys/rotate",
    "GET /api/v1/admin/notifications", "GET /api/v1/admin/notifications/{id}", "POST /api/v1/admin/notifications/{id}/retry",
    "GET /api/v1/admin/notification-templates", "GET /api/v1/admin/notification-templates/{event}",
    "PUT /api/v1/admin/notification-templates/{event}",
    "GET /api/v1/admin/open311/keys", "POST /api/v1/admin/open311/keys", "DELETE /api/v1/admin/open311/keys/{id}",
    "GET /api/v1/admin/sync/members", "PUT /api/v1/admin/sync/members/{code}"};

struct Caller {
  std::string cookie;
  std::string csrf;
};

Caller SignIn(std::uint16_t port, const std::string& login) {
  auto r = Fetch(port, "POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                 R"({"login":")" + login + R"(","password":"Demo@2026"})");
  EXPECT_EQ(r.status, 200) << login << ": " << r.body;
  Caller c;
  auto set = r.Header("Set-Cookie").value_or("");
  c.cookie = set.substr(0, set.find(';'));
  c.csrf = std::string(json::parse(r.body).at("csrf_token").as_string());
  return c;
}

// The route's pattern with every parameter replaced by a value that names nothing.
std::string Concrete(const std::string& pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      i = pattern.find('}', i);
      out += "0190a0a0-0000-7000-8000-000000000000";
    } else {
      out += pattern[i];
    }
  }
  return out;
}

class Authorization : public ::testing::TestWithParam<std::string> {};

TEST_P(Authorization, EveryRouteRefusesWhoeverHasNoBusinessThere) {
  TestApp app(GetParam(), /*with_test_routes=*/false);
  if (!app.available()) GTEST_SKIP() << "PostgreSQL not available";
  Caller citizen = SignIn(app.port(), "citizen.demo");
  Caller receiver = SignIn(app.port(), "receiver.demo");
  Caller agency_admin = SignIn(app.port(), "admin.demo");

  auto call = [&](const http::RouteSpec& route, const Caller* who) {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string method(http::MethodName(route.method));
    bool unsafe = method != "GET" && method != "HEAD";
    bool with_body = method == "POST" || method == "PUT" || method == "PATCH";
    if (who != nullptr) {
      headers.emplace_back("Cookie", who->cookie);
      if (unsafe) headers.emplace_back("X-CSRF-Token", who->csrf);
    }
    std::string body;
    if (with_body) {
      headers.emplace_back("Content-Type", "application/json");
      body = "{}";
    }
    return Fetch(app.port(), method, Concrete(route.pattern), headers, body);
  };

  std::set<std::string> registered;
  for (const auto& route : app.app().router.Table().Routes()) {
    std::string name = std::string(http::MethodName(route.method)) + " " + route.pattern;
    registered.insert(name);
    if (kPublic.contains(name)) continue;
    bool signed_in = kSignedIn.contains(name);
    bool admin = kAdministrative.contains(name);
    ASSERT_TRUE(signed_in || admin) << name << " is in none of the lists of this test: decide who may call it";
    auto anonymous = call(route, nullptr);
    EXPECT_EQ(anonymous.status, 401) << "anonymous " << name << ": " << anonymous.body;
    EXPECT_EQ(anonymous.Header("Content-Type").value_or(""), "application/problem+json") << name;
    if (!admin) continue;
    for (const auto& [who, caller] : {std::pair{"citizen", &citizen}, std::pair{"receiver", &receiver}}) {
      auto r = call(route, caller);
      EXPECT_EQ(r.status, 403) << who << " " << name << ": " << r.body;
    }
    if (kSysadminOnly.contains(name)) {
      auto r = call(route, &agency_admin);
      EXPECT_EQ(r.status, 403) << "agency admin " << name << ": " << r.body;
    }
  }
  // The lists name only routes that exist, so none of them is silently skipped.
  for (const auto* list : {&kPublic, &kSignedIn, &kAdministrative}) {
    for (const auto& name : *list) EXPECT_TRUE(registered.contains(name)) << name << " is not registered";
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, Authorization, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing

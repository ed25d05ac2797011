// Identity through real HTTP on both engines: logins, throttling, sessions, CSRF, registration,
// password change and reset, TOTP, the authorization helper on every identity endpoint, the
// agency tree, and the OIDC provider.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "crypto/encoding.hpp"
#include "crypto/jose.hpp"
#include "crypto/sha256.hpp"
#include "crypto/totp.hpp"
#include "db/database.hpp"
#include "identity/oidc.hpp"
#include "http/target.hpp"
#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

json::value Json(const HttpResponse& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  return ec ? json::value() : v;
}

std::string Str(const json::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  const auto* p = v.as_object().if_contains(key);
  return p && p->is_string() ? std::string(p->as_string()) : std::string();
}

// A browser-like client: keeps the session cookie and the CSRF token.
struct Browser {
  std::uint16_t port;
  std::string cookie;
  std::string csrf;

  HttpResponse Call(std::string_view method, std::string_view target, std::string_view body = {},
                    bool with_csrf = true, Headers extra = {}) {
    Headers h = std::move(extra);
    if (!cookie.empty()) h.emplace_back("Cookie", "motcua_session=" + cookie);
    if (with_csrf && !csrf.empty()) h.emplace_back("X-CSRF-Token", csrf);
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    auto r = Fetch(port, method, target, h, body);
    if (auto set = r.Header("Set-Cookie")) {
      auto v = set->substr(15, set->find(';') - 15);
      cookie = v;
    }
    if (auto t = Str(Json(r), "csrf_token"); !t.empty()) csrf = t;
    return r;
  }

  HttpResponse Login(const std::string& login, const std::string& password = "Demo@2026") {
    json::object body{{"login", login}, {"password", password}};
    return Call("POST", "/api/v1/session", json::serialize(body), false);
  }
};

std::map<std::string, std::string> QueryOf(const std::string& url) {
  std::map<std::string, std::string> out;
  auto q = url.find('?');
  if (q == std::string::npos) return out;
  std::string_view rest = std::string_view(url).substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto part = rest.substr(0, amp);
    auto eq = part.find('=');
    std::string k, v;
    http::PercentDecode(part.substr(0, eq), true, k);
    if (eq != std::string_view::npos) http::PercentDecode(part.substr(eq + 1), true, v);
    out[k] = v;
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
  }
  return out;
}

class Identity : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    app_ = std::make_unique<TestApp>(GetParam(), false);
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
  }
  std::uint16_t port() { return app_->port(); }
  Browser NewBrowser() { return Browser{port(), "", ""}; }
  Browser SignedIn(const std::string& login) {
    Browser b = NewBrowser();
    auto r = b.Login(login);
    EXPECT_EQ(r.status, 200) << login << ": " << r.body;
    return b;
  }
  std::unique_ptr<TestApp> app_;
};

TEST_P(Identity, LoginSetsAnHttpOnlyCookieAndMeAnswers) {
  Browser b = NewBrowser();
  auto before = b.Call("GET", "/api/v1/session");
  EXPECT_EQ(before.status, 200);
  EXPECT_EQ(Json(before).at("signed_in"), false);
  auto r = b.Login("citizen.demo");
  ASSERT_EQ(r.status, 200) << r.body;
  auto cookie = r.Header("Set-Cookie").value_or("");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(Str(Json(r), "stage"), "active");
  auto me = b.Call("GET", "/api/v1/me");
  ASSERT_EQ(me.status, 200);
  auto v = Json(me);
  EXPECT_EQ(Str(v, "login"), "citizen.demo");
  EXPECT_EQ(Str(v, "personal_id"), "001085012345");
  EXPECT_EQ(Str(v, "csrf_token"), b.csrf);
  auto session = Json(b.Call("GET", "/api/v1/session"));
  EXPECT_EQ(session.at("signed_in"), true);
  EXPECT_EQ(Str(session.at("account"), "login"), "citizen.demo");
  EXPECT_EQ(b.Call("DELETE", "/api/v1/session").status, 204);
  EXPECT_EQ(b.Call("GET", "/api/v1/me").status, 401);
  EXPECT_EQ(Json(b.Call("GET", "/api/v1/session")).at("signed_in"), false);
}

TEST_P(Identity, WrongPasswordAndUnknownLoginGetTheSameAnswer) {
  Browser b = NewBrowser();
  auto wrong = b.Login("citizen.demo", "Wrong@2026");
  auto unknown = b.Login("nobody.here", "Wrong@2026");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(Str(Json(wrong), "detail"), Str(Json(unknown), "detail"));
  EXPECT_EQ(Str(Json(wrong), "type"), Str(Json(unknown), "type"));
  EXPECT_TRUE(b.cookie.empty());
  // Both failures are in the security log, without the password.
  Browser admin = SignedIn("sysadmin.demo");
  auto log = admin.Call("GET", "/api/v1/admin/security-events?limit=50");
  ASSERT_EQ(log.status, 200);
  EXPECT_NE(log.body.find("\"login_failed\""), std::string::npos);
  EXPECT_NE(log.body.find("nobody.here"), std::string::npos);
  EXPECT_EQ(log.body.find("Wrong@2026"), std::string::npos);
}

TEST_P(Identity, RepeatedFailuresSlowDownThenRefuseEvenTheRightPassword) {
  Browser b = NewBrowser();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(b.Login("citizen2.demo", "Bad@pass1").status, 401) << i;
  auto throttled = b.Login("citizen2.demo");
  EXPECT_EQ(throttled.status, 429) << throttled.body;
  EXPECT_TRUE(throttled.Header("Retry-After").has_value());
  EXPECT_NE(Str(Json(throttled), "detail").find("giây"), std::string::npos);
  auto en = b.Call("POST", "/api/v1/session", R"({"login":"citizen2.demo","password":"Demo@2026"})", false,
                   {{"Accept-Language", "en"}});
  EXPECT_EQ(en.status, 429);
  EXPECT_NE(Str(Json(en), "detail").find("seconds"), std::string::npos);
  // Another account from the same address is not locked by this one.
  EXPECT_EQ(b.Login("citizen.demo").status, 200);
}

// Guessing across many accounts from one address, each try on a new connection, is slowed down
// for every account from that address.
TEST_P(Identity, FailuresFromOneAddressSlowDownEveryLoginFromIt) {
  int refused = 0;
  for (int i = 0; i < 12; ++i) {
    Browser b = NewBrowser();
    auto r = b.Login("guess" + std::to_string(i) + ".demo", "Bad@pass1");
    if (r.status == 429) ++refused;
  }
  EXPECT_GE(refused, 1);
  Browser b = NewBrowser();
  auto r = b.Login("citizen.demo");
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_TRUE(r.Header("Retry-After").has_value());
}

TEST_P(Identity, AChangedEmailIsStoredAsRegistrationStoresIt) {
  Browser b = SignedIn("citizen.demo");
  auto r = b.Call("PATCH", "/api/v1/me", R"({"email":"  Nguyen.An@Demo.Invalid "})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(Json(b.Call("GET", "/api/v1/me")), "email"), "nguyen.an@demo.invalid");
  // The reset link reaches it whatever case is typed.
  EXPECT_EQ(Fetch(port(), "POST", "/api/v1/password-resets", {{"Content-Type", "application/json"}},
                  R"({"login":"NGUYEN.AN@DEMO.INVALID"})").status, 202);
  auto conn = app_->app().db->Acquire();
  auto outbox = conn->Execute({"test_outbox_reset", "SELECT COUNT(*) FROM notification_outbox WHERE recipient = 'nguyen.an@demo.invalid'"});
  EXPECT_EQ(outbox.Int(0, 0), 1);
}

TEST_P(Identity, CookieSessionsNeedTheCsrfTokenToChangeAnything) {
  Browser b = SignedIn("citizen.demo");
  auto no_token = b.Call("PATCH", "/api/v1/me", R"({"phone":"0987654321"})", false);
  EXPECT_EQ(no_token.status, 403) << no_token.body;
  auto wrong = b.Call("PATCH", "/api/v1/me", R"({"phone":"0987654321"})", false, {{"X-CSRF-Token", "x"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(Str(Json(b.Call("GET", "/api/v1/me")), "phone"), "0912345678");
  auto ok = b.Call("PATCH", "/api/v1/me", R"({"phone":"0987654321","language":"en"})");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Str(Json(ok), "phone"), "0987654321");
  EXPECT_EQ(b.Call("PATCH", "/api/v1/me", R"({"login":"x"})").status, 400);
  // Logging out without the token does not end the session either.
  EXPECT_EQ(b.Call("DELETE", "/api/v1/session", {}, false).status, 403);
  EXPECT_EQ(b.Call("GET", "/api/v1/me").status, 200);
}

TEST_P(Identity, SessionsSurviveARestartAndWorkOnAnotherNode) {
  Browser b = SignedIn("citizen.demo");
  auto other = app_->StartAnotherNode();
  Browser on_other{other->server->Port(), b.cookie, b.csrf};
  EXPECT_EQ(on_other.Call("GET", "/api/v1/me").status, 200);
  other.reset();
  app_->Restart();
  b.port = port();
  EXPECT_EQ(b.Call("GET", "/api/v1/me").status, 200);
}

TEST_P(Identity, SessionsAreListedAndRevocableOnlyByTheirOwner) {
  Browser first = SignedIn("citizen.demo");
  Browser second = SignedIn("citizen.demo");
  Browser stranger = SignedIn("citizen2.demo");
  auto list = Json(first.Call("GET", "/api/v1/me/sessions"));
  ASSERT_EQ(list.at("items").as_array().size(), 2u);
  std::string other_id;
  for (const auto& s : list.at("items").as_array()) {
    if (!s.at("current").as_bool()) other_id = Str(s, "id");
  }
  ASSERT_FALSE(other_id.empty());
  EXPECT_EQ(stranger.Call("DELETE", "/api/v1/me/sessions/" + other_id).status, 404);
  EXPECT_EQ(second.Call("GET", "/api/v1/me").status, 200);
  EXPECT_EQ(first.Call("DELETE", "/api/v1/me/sessions/" + other_id).status, 204);
  EXPECT_EQ(second.Call("GET", "/api/v1/me").status, 401);
  EXPECT_EQ(NewBrowser().Call("GET", "/api/v1/me/sessions").status, 401);
}

TEST_P(Identity, RegistrationChecksThePersonalIdAndCreatesNothingOnError) {
  Browser b = NewBrowser();
  json::object citizen{{"kind", "citizen"}, {"personal_id", "001185099999"}, {"full_name", "Ngô Thị Hoa"},
                       {"birth_date", "1985-05-05"}, {"gender", "male"}, {"email", "hoa@demo.invalid"},
                       {"phone", "0901234567"}, {"password", "Hoa@2026x"}};
  auto bad = b.Call("POST", "/api/v1/accounts", json::serialize(citizen));
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("personal_id"), std::string::npos);
  EXPECT_EQ(b.Login("001185099999", "Hoa@2026x").status, 401);  // nothing half-created

  citizen["gender"] = "female";
  auto ok = b.Call("POST", "/api/v1/accounts", json::serialize(citizen));
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(Str(Json(b.Call("GET", "/api/v1/me")), "full_name"), "Ngô Thị Hoa");
  auto again = NewBrowser().Call("POST", "/api/v1/accounts", json::serialize(citizen));
  EXPECT_EQ(again.status, 409);

  json::object business{{"kind", "business"}, {"tax_code", "0109876556"}, {"business_name", "Công ty A"},
                        {"full_name", "Lý Văn B"}, {"email", "b@demo.invalid"}, {"phone", "0901234568"},
                        {"password", "Biz@2026x"}};
  EXPECT_EQ(NewBrowser().Call("POST", "/api/v1/accounts", json::serialize(business)).status, 400);
  business["tax_code"] = "0109876557-002";
  EXPECT_EQ(NewBrowser().Call("POST", "/api/v1/accounts", json::serialize(business)).status, 201);
  EXPECT_EQ(NewBrowser().Call("POST", "/api/v1/accounts", R"({"kind":"citizen"})").status, 400);
  EXPECT_EQ(NewBrowser().Call("POST", "/api/v1/accounts", "[1,2").status, 400);
}

TEST_P(Identity, ChangingThePasswordEndsOtherSessions) {
  Browser a = SignedIn("citizen.demo");
  Browser b = SignedIn("citizen.demo");
  EXPECT_EQ(a.Call("POST", "/api/v1/me/password", R"({"current_password":"nope","new_password":"New@pass2026"})").status, 400);
  EXPECT_EQ(a.Call("POST", "/api/v1/me/password", R"({"current_password":"Demo@2026","new_password":"short"})").status, 400);
  EXPECT_EQ(a.Call("POST", "/api/v1/me/password", R"({"current_password":"Demo@2026","new_password":"New@pass2026"})").status, 204);
  EXPECT_EQ(a.Call("GET", "/api/v1/me").status, 200);
  EXPECT_EQ(b.Call("GET", "/api/v1/me").status, 401);
  EXPECT_EQ(NewBrowser().Login("citizen.demo").status, 401);
  EXPECT_EQ(NewBrowser().Login("citizen.demo", "New@pass2026").status, 200);
}

TEST_P(Identity, PasswordResetGoesThroughTheOutboxAndWorksOnce) {
  Browser b = NewBrowser();
  EXPECT_EQ(b.Call("POST", "/api/v1/password-resets", R"({"login":"nobody"})").status, 202);
  EXPECT_EQ(b.Call("POST", "/api/v1/password-resets", R"({"login":"CITIZEN.demo"})").status, 202);
  {
    auto conn = app_->app().db->Acquire();
    auto r = conn->Execute({"test_outbox", "SELECT recipient, payload FROM notification_outbox WHERE event = 'password_reset'"});
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.Text(0, 0), "citizen.demo@demo.invalid");
  }
  std::ifstream log(app_->app().config.demo_mail_log);
  std::string line;
  std::getline(log, line);
  auto pos = line.find("token=");
  ASSERT_NE(pos, std::string::npos) << line;
  std::string token = line.substr(pos + 6, 64);
  Browser before = SignedIn("citizen.demo");
  json::object body{{"token", token}, {"new_password", "Reset@2026x"}};
  EXPECT_EQ(b.Call("POST", "/api/v1/password-resets/confirm", R"({"token":"x","new_password":"Reset@2026x"})").status, 400);
  EXPECT_EQ(b.Call("POST", "/api/v1/password-resets/confirm", json::serialize(body)).status, 204);
  EXPECT_EQ(b.Call("POST", "/api/v1/password-resets/confirm", json::serialize(body)).status, 400);
  EXPECT_EQ(before.Call("GET", "/api/v1/me").status, 401);
  EXPECT_EQ(NewBrowser().Login("citizen.demo", "Reset@2026x").status, 200);
}

std::string CodeFor(const std::string& secret_b32, int offset = 0) {
  auto secret = crypto::Base32Decode(secret_b32);
  auto step = static_cast<std::uint64_t>(std::time(nullptr) / 30 + offset);
  return crypto::TotpCode(*secret, step);
}

TEST_P(Identity, TotpEnrolmentThenEveryLoginNeedsACodeUsedOnce) {
  Browser b = SignedIn("receiver.demo");
  auto start = b.Call("POST", "/api/v1/me/totp");
  ASSERT_EQ(start.status, 200) << start.body;
  std::string secret = Str(Json(start), "secret");
  EXPECT_EQ(Str(Json(start), "otpauth_uri").rfind("otpauth://totp/", 0), 0u);
  EXPECT_EQ(b.Call("POST", "/api/v1/me/totp/confirm", R"({"code":"000000"})").status, 400);
  json::object code{{"code", CodeFor(secret, -1)}};
  ASSERT_EQ(b.Call("POST", "/api/v1/me/totp/confirm", json::serialize(code)).status, 204);

  Browser next = NewBrowser();
  auto first = next.Login("receiver.demo");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(Str(Json(first), "stage"), "totp");
  EXPECT_EQ(next.Call("GET", "/api/v1/me").status, 401);
  EXPECT_EQ(next.Call("POST", "/api/v1/session/totp", R"({"code":"123456"})").status, 401);
  json::object now{{"code", CodeFor(secret)}};
  auto done = next.Call("POST", "/api/v1/session/totp", json::serialize(now));
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(next.Call("GET", "/api/v1/me").status, 200);
  // The same code cannot open a second session.
  Browser replay = NewBrowser();
  replay.Login("receiver.demo");
  EXPECT_EQ(replay.Call("POST", "/api/v1/session/totp", json::serialize(now)).status, 401);
}

TEST_P(Identity, OfficerAdministrationStaysInsideTheAgencySubtree) {
  Browser admin = SignedIn("admin.demo");
  auto list = admin.Call("GET", "/api/v1/admin/accounts");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find("receiver.demo"), std::string::npos);
  EXPECT_EQ(list.body.find("receiver2.demo"), std::string::npos);
  std::string receiver2_id;
  {
    auto conn = app_->app().db->Acquire();
    receiver2_id = conn->Execute({"test_r2", "SELECT id FROM accounts WHERE login = 'receiver2.demo'"}).Text(0, 0);
  }
  EXPECT_EQ(admin.Call("PUT", "/api/v1/admin/accounts/" + receiver2_id + "/roles", R"({"roles":["leader"]})").status, 404);
  json::object officer{{"login", "clerk.new"}, {"full_name", "Cán bộ mới"}, {"agency_code", "000.00.03.H99"},
                       {"password", "Clerk@2026x"}, {"roles", json::array{"receiver"}}};
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/accounts", json::serialize(officer)).status, 403);
  officer["agency_code"] = "000.00.02.H99";
  officer["roles"] = json::array{"sysadmin"};
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/accounts", json::serialize(officer)).status, 400);
  officer["roles"] = json::array{"receiver"};
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/accounts", json::serialize(officer)).status, 201);
  EXPECT_EQ(NewBrowser().Login("clerk.new", "Clerk@2026x").status, 200);

  for (const char* who : {"citizen.demo", "receiver2.demo", "receiver.demo"}) {
    Browser b = SignedIn(who);
    EXPECT_EQ(b.Call("GET", "/api/v1/admin/accounts").status, 403) << who;
    EXPECT_EQ(b.Call("GET", "/api/v1/admin/security-events").status, 403) << who;
    EXPECT_EQ(b.Call("GET", "/api/v1/admin/oauth-clients").status, 403) << who;
    EXPECT_EQ(b.Call("POST", "/api/v1/admin/signing-keys/rotate").status, 403) << who;
    EXPECT_EQ(b.Call("POST", "/api/v1/agencies/import", "[]").status, 403) << who;
  }
  Browser anon = NewBrowser();
  for (auto [m, path] : std::vector<std::pair<const char*, const char*>>{
           {"GET", "/api/v1/admin/accounts"}, {"GET", "/api/v1/admin/security-events"},
           {"GET", "/api/v1/admin/oauth-clients"}, {"POST", "/api/v1/admin/signing-keys/rotate"},
           {"POST", "/api/v1/agencies/import"}, {"GET", "/api/v1/me"}, {"GET", "/api/v1/me/sessions"},
           {"POST", "/api/v1/me/totp"}, {"POST", "/api/v1/oauth2/consents"}, {"GET", "/api/v1/me/security-events"}}) {
    EXPECT_EQ(anon.Call(m, path, std::string_view(m) == "POST" ? "{}" : "").status, 401) << m << " " << path;
  }
  Browser sys = SignedIn("sysadmin.demo");
  auto all = sys.Call("GET", "/api/v1/admin/accounts?limit=200");
  EXPECT_NE(all.body.find("receiver2.demo"), std::string::npos);
}

// Agencies are found whatever the case and the diacritics ("so tu phap" finds "Sở Tư pháp"), by
// code and by English name too; rows written before the search key existed get one at start-up.
TEST_P(Identity, AgencySearchIgnoresCaseAndDiacritics) {
  auto names = [&](const std::string& q) {
    auto r = Json(Fetch(port(), "GET", "/api/v1/agencies?q=" + q));
    std::set<std::string> out;
    for (const auto& a : r.at("items").as_array()) out.insert(Str(a, "code"));
    return out;
  };
  for (std::string q : {"so%20tu%20phap", "S%E1%BB%9E%20T%C6%AF%20PH%C3%81P", "S%E1%BB%9F%20t%C6%B0%20ph%C3%A1p", "02.h99", "justice"}) {
    EXPECT_TRUE(names(q).contains("000.00.02.H99")) << q;
  }
  EXPECT_TRUE(names("zzzz").empty());
  EXPECT_TRUE(names("%25").empty()) << "a literal % matches nothing, not everything";
  // Under a parent too.
  auto province = Json(Fetch(port(), "GET", "/api/v1/agencies/000.00.00.H99"));
  auto children = Json(Fetch(port(), "GET", "/api/v1/agencies?parent=" + Str(province, "id") + "&q=tu%20phap"));
  ASSERT_FALSE(children.at("items").as_array().empty()) << children;
  // Keys lost (as before migration 0015): filled again at start-up.
  {
    auto raw = db::Database::Open(app_->db_url(), {.size = 1});
    ASSERT_TRUE(raw);
    raw->Acquire()->Execute({"t_clear_keys", "UPDATE agencies SET search_key = ''"});
  }
  EXPECT_TRUE(names("so%20tu%20phap").empty());
  app_->Restart();
  EXPECT_TRUE(names("so%20tu%20phap").contains("000.00.02.H99"));
}

TEST_P(Identity, AgencyImportIsAllOrNothingAndScoped) {
  auto root = Json(Fetch(port(), "GET", "/api/v1/agencies"));
  bool has_province = false;
  for (const auto& a : root.at("items").as_array()) has_province = has_province || Str(a, "code") == "000.00.00.H99";
  EXPECT_TRUE(has_province);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/agencies/000.00.02.H99").status, 200);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/agencies/000.00.77.H99").status, 404);

  Browser admin = SignedIn("admin.demo");
  std::string bad = R"([
    {"code":"000.01.02.H99","code_d20":"H99.02.01","name":"Phòng Hộ tịch","level":"province","kind":"office","parent_code":"000.00.02.H99"},
    {"code":"000.02.02.H99","name":"","level":"province","kind":"office","parent_code":"000.00.02.H99"}])";
  auto rejected = admin.Call("POST", "/api/v1/agencies/import", bad);
  ASSERT_EQ(rejected.status, 400) << rejected.body;
  EXPECT_NE(rejected.body.find("rows/2/name"), std::string::npos);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/agencies/000.01.02.H99").status, 404);

  std::string outside = R"([{"code":"000.01.03.H99","name":"Phòng X","level":"province","kind":"office","parent_code":"000.00.03.H99"}])";
  EXPECT_EQ(admin.Call("POST", "/api/v1/agencies/import", outside).status, 400);

  std::string csv = "code,code_d20,name,name_en,level,kind,parent_code\r\n"
                    "000.01.02.H99,H99.02.01,\"Phòng Hộ tịch, Quốc tịch\",Civil status office,province,office,000.00.02.H99\r\n";
  auto ok = admin.Call("POST", "/api/v1/agencies/import", csv, true, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Json(ok).at("created").as_int64(), 1);
  EXPECT_EQ(Str(Json(Fetch(port(), "GET", "/api/v1/agencies/000.01.02.H99")), "name"), "Phòng Hộ tịch, Quốc tịch");

  auto exported = Fetch(port(), "GET", "/api/v1/agencies/export?format=json&root=000.00.02.H99");
  ASSERT_EQ(exported.status, 200);
  auto arr = Json(exported).as_array();
  ASSERT_EQ(arr.size(), 2u);
  EXPECT_EQ(Str(arr[0], "parent_code"), "000.00.00.H99");
  // Exported files import back unchanged (updates, nothing created).
  auto back = admin.Call("POST", "/api/v1/agencies/import", exported.body);
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(Json(back).at("created").as_int64(), 0);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/agencies/export?format=xml").status, 400);
}

// ---- OIDC ----

const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const std::string kRedirect = "http://127.0.0.1:8765/callback";

std::string AuthorizeUrl(const std::string& client, const std::string& extra = "") {
  return "/oauth2/authorize?response_type=code&client_id=" + client + "&redirect_uri=" +
         identity::PercentEncode(kRedirect) + "&scope=openid%20profile%20vn_profile%20offline_access" +
         "&state=st-1&nonce=n-1&code_challenge=" + kChallenge + "&code_challenge_method=S256" + extra;
}

HttpResponse PostForm(std::uint16_t port, std::string_view path, const std::string& body, Headers h = {}) {
  h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return Fetch(port, "POST", path, h, body);
}

std::string CodeFrom(const HttpResponse& r) {
  EXPECT_EQ(r.status, 302) << r.body;
  auto q = QueryOf(r.Header("Location").value_or(""));
  EXPECT_EQ(q["state"], "st-1");
  return q["code"];
}

json::value ExchangeCode(std::uint16_t port, const std::string& code, const std::string& verifier = kVerifier) {
  return Json(PostForm(port, "/oauth2/token",
                       "grant_type=authorization_code&client_id=demo-portal&code=" + code + "&redirect_uri=" +
                           identity::PercentEncode(kRedirect) + "&code_verifier=" + verifier));
}

TEST_P(Identity, CodeFlowWithPkceIssuesVerifiableTokens) {
  auto discovery = Json(Fetch(port(), "GET", "/.well-known/openid-configuration"));
  std::string issuer = Str(discovery, "issuer");
  EXPECT_EQ(issuer, "http://127.0.0.1:" + std::to_string(port()));
  EXPECT_EQ(Str(discovery, "token_endpoint"), issuer + "/oauth2/token");

  // Not signed in: to the login page, which will come back to the same request.
  auto anon = Fetch(port(), "GET", AuthorizeUrl("demo-portal"));
  ASSERT_EQ(anon.status, 302);
  EXPECT_EQ(anon.Header("Location")->rfind("/dang-nhap?return_to=%2Foauth2%2Fauthorize", 0), 0u);
  auto none = Fetch(port(), "GET", AuthorizeUrl("demo-portal", "&prompt=none"));
  EXPECT_EQ(QueryOf(*none.Header("Location"))["error"], "login_required");

  Browser b = SignedIn("citizen.demo");
  std::string code = CodeFrom(b.Call("GET", AuthorizeUrl("demo-portal")));
  ASSERT_FALSE(code.empty());
  auto tokens = ExchangeCode(port(), code);
  ASSERT_TRUE(tokens.is_object()) << serialize(tokens);
  std::string id_token = Str(tokens, "id_token");
  std::string access = Str(tokens, "access_token");
  std::string refresh = Str(tokens, "refresh_token");
  ASSERT_FALSE(id_token.empty()) << serialize(tokens);
  ASSERT_FALSE(refresh.empty());

  // The ID token verifies against the published JWKS and carries the required claims.
  auto jwks = Json(Fetch(port(), "GET", "/oauth2/jwks"));
  auto parsed = crypto::ParseCompactJws(id_token);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->alg, "RS256");
  bool verified = false;
  for (const auto& k : jwks.at("keys").as_array()) {
    if (Str(k, "kid") != parsed->kid) continue;
    std::map<std::string, std::string> m;
    for (const auto& [key, val] : k.as_object()) if (val.is_string()) m[key] = std::string(val.as_string());
    auto key = crypto::JwsKey::FromJwk(m);
    verified = key && crypto::VerifyJws(*parsed, *key);
  }
  EXPECT_TRUE(verified);
  auto claims = json::parse(parsed->payload_json);
  for (const char* c : {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr"}) {
    EXPECT_TRUE(claims.as_object().contains(c)) << c;
  }
  EXPECT_EQ(Str(claims, "nonce"), "n-1");
  EXPECT_EQ(Str(claims, "iss"), issuer);
  EXPECT_EQ(Str(claims, "aud"), "demo-portal");

  auto info = Fetch(port(), "GET", "/oauth2/userinfo", {{"Authorization", "Bearer " + access}});
  ASSERT_EQ(info.status, 200) << info.body;
  EXPECT_EQ(Str(Json(info), "SoDinhDanh"), "001085012345");
  EXPECT_EQ(Str(Json(info), "HoVaTen"), "Nguyễn Văn An");
  auto info_post = PostForm(port(), "/oauth2/userinfo", "access_token=" + access);
  EXPECT_EQ(info_post.status, 200);

  // Refresh rotates; presenting the old one again revokes the family.
  auto refreshed = Json(PostForm(port(), "/oauth2/token", "grant_type=refresh_token&client_id=demo-portal&refresh_token=" + refresh));
  std::string refresh2 = Str(refreshed, "refresh_token");
  ASSERT_FALSE(refresh2.empty()) << serialize(refreshed);
  EXPECT_NE(refresh2, refresh);
  auto reuse = PostForm(port(), "/oauth2/token", "grant_type=refresh_token&client_id=demo-portal&refresh_token=" + refresh);
  EXPECT_EQ(Str(Json(reuse), "error"), "invalid_grant");
  auto after = PostForm(port(), "/oauth2/token", "grant_type=refresh_token&client_id=demo-portal&refresh_token=" + refresh2);
  EXPECT_EQ(Str(Json(after), "error"), "invalid_grant");

  // A replayed code is refused and the access token it gave is revoked.
  auto replay = ExchangeCode(port(), code);
  EXPECT_EQ(Str(replay, "error"), "invalid_grant");
  EXPECT_EQ(Fetch(port(), "GET", "/oauth2/userinfo", {{"Authorization", "Bearer " + access}}).status, 401);

  // Logout with the ID token ends the browser session and returns to the registered URI.
  auto out = b.Call("GET", "/oauth2/logout?id_token_hint=" + id_token +
                               "&post_logout_redirect_uri=" + identity::PercentEncode("http://127.0.0.1:8765/logged-out") + "&state=bye");
  ASSERT_EQ(out.status, 302) << out.body;
  EXPECT_EQ(*out.Header("Location"), "http://127.0.0.1:8765/logged-out?state=bye");
  EXPECT_EQ(b.Call("GET", "/api/v1/me").status, 401);
}

TEST_P(Identity, AuthorizationRequestsThatMustFail) {
  Browser b = SignedIn("citizen.demo");
  // Unregistered redirect URIs are never redirected to.
  auto evil = b.Call("GET", "/oauth2/authorize?response_type=code&client_id=demo-portal&scope=openid&redirect_uri=" +
                                identity::PercentEncode("http://127.0.0.1:8765/callback/../evil") + "&code_challenge=" + kChallenge +
                                "&code_challenge_method=S256");
  EXPECT_EQ(evil.status, 400);
  EXPECT_FALSE(evil.Header("Location").has_value());
  EXPECT_EQ(b.Call("GET", "/oauth2/authorize?response_type=code&client_id=nope&scope=openid&redirect_uri=x").status, 400);
  auto dup = b.Call("GET", AuthorizeUrl("demo-portal", "&state=again"));
  EXPECT_EQ(dup.status, 400);
  auto no_pkce = b.Call("GET", "/oauth2/authorize?response_type=code&client_id=demo-portal&scope=openid&state=st-1&redirect_uri=" +
                                   identity::PercentEncode(kRedirect));
  EXPECT_EQ(QueryOf(*no_pkce.Header("Location"))["error"], "invalid_request");
  auto plain = b.Call("GET", AuthorizeUrl("demo-portal", "").replace(AuthorizeUrl("demo-portal").find("S256"), 4, "plain"));
  EXPECT_EQ(QueryOf(*plain.Header("Location"))["error"], "invalid_request");
  auto token_flow = b.Call("GET", AuthorizeUrl("demo-portal").replace(20, 4, "toke"));
  EXPECT_EQ(QueryOf(*token_flow.Header("Location"))["error"], "unsupported_response_type");

  // Wrong or missing verifiers, and a code for a different redirect URI.
  std::string c1 = CodeFrom(b.Call("GET", AuthorizeUrl("demo-portal")));
  EXPECT_EQ(Str(ExchangeCode(port(), c1, std::string(43, 'a')), "error"), "invalid_grant");
  EXPECT_EQ(Str(ExchangeCode(port(), c1), "error"), "invalid_grant");  // burnt by the failed attempt
  std::string c2 = CodeFrom(b.Call("GET", AuthorizeUrl("demo-portal")));
  auto no_verifier = PostForm(port(), "/oauth2/token", "grant_type=authorization_code&client_id=demo-portal&code=" + c2 +
                                                          "&redirect_uri=" + identity::PercentEncode(kRedirect));
  EXPECT_EQ(Str(Json(no_verifier), "error"), "invalid_grant");
  EXPECT_EQ(Str(Json(PostForm(port(), "/oauth2/token", "grant_type=authorization_code&client_id=demo-portal&code=zzz")), "error"),
            "invalid_grant");
  EXPECT_EQ(Str(Json(PostForm(port(), "/oauth2/token", "grant_type=password&client_id=demo-portal")), "error"), "unauthorized_client");
  EXPECT_EQ(Fetch(port(), "POST", "/oauth2/token", {{"Content-Type", "application/json"}}, "{}").status, 400);

  // Tokens with alg none or a forged signature are refused.
  std::string none = crypto::Base64UrlEncode(R"({"alg":"none","typ":"at+jwt"})") + "." +
                     crypto::Base64UrlEncode(R"({"sub":"x","client_id":"demo-portal","scope":"openid","exp":9999999999})") + ".";
  EXPECT_EQ(Fetch(port(), "GET", "/oauth2/userinfo", {{"Authorization", "Bearer " + none}}).status, 401);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/me", {{"Authorization", "Bearer " + none}}).status, 401);
  EXPECT_EQ(Fetch(port(), "GET", "/oauth2/userinfo", {{"Authorization", "Bearer abc.def"}}).status, 401);
}

TEST_P(Identity, ThirdPartyClientsNeedConsent) {
  Browser b = SignedIn("citizen.demo");
  auto first = b.Call("GET", AuthorizeUrl("demo-thirdparty"));
  ASSERT_EQ(first.status, 302);
  std::string location = *first.Header("Location");
  ASSERT_EQ(location.rfind("/dong-y?", 0), 0u) << location;
  auto q = QueryOf(location);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/oauth2/clients/demo-thirdparty").status, 200);
  auto denied = b.Call("GET", q["return_to"] + "&consent=denied");
  EXPECT_EQ(QueryOf(*denied.Header("Location"))["error"], "access_denied");
  json::object consent{{"client_id", "demo-thirdparty"}, {"scope", q["scope"]}};
  EXPECT_EQ(b.Call("POST", "/api/v1/oauth2/consents", json::serialize(consent)).status, 204);
  auto back = b.Call("GET", q["return_to"]);
  EXPECT_FALSE(CodeFrom(back).empty());
}

TEST_P(Identity, MachineClientsGetScopedTokens) {
  std::string basic = crypto::Base64Encode("demo-service:demo-service-secret");
  auto r = PostForm(port(), "/oauth2/token", "grant_type=client_credentials&scope=dossier.read", {{"Authorization", "Basic " + basic}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  std::string token = Str(Json(r), "access_token");
  auto me = Fetch(port(), "GET", "/api/v1/me", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(Str(Json(me), "client_id"), "demo-service");
  EXPECT_EQ(Fetch(port(), "GET", "/oauth2/userinfo", {{"Authorization", "Bearer " + token}}).status, 403);
  auto wrong = PostForm(port(), "/oauth2/token", "grant_type=client_credentials",
                        {{"Authorization", "Basic " + crypto::Base64Encode("demo-service:nope")}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Str(Json(wrong), "error"), "invalid_client");
  auto wide = PostForm(port(), "/oauth2/token", "grant_type=client_credentials&scope=openid", {{"Authorization", "Basic " + basic}});
  EXPECT_EQ(Str(Json(wide), "error"), "invalid_scope");
  auto post = PostForm(port(), "/oauth2/token", "grant_type=client_credentials&client_id=demo-service&client_secret=demo-service-secret");
  EXPECT_EQ(post.status, 200);
  auto both = PostForm(port(), "/oauth2/token", "grant_type=client_credentials&client_secret=demo-service-secret",
                       {{"Authorization", "Basic " + basic}});
  EXPECT_EQ(both.status, 400);
}

TEST_P(Identity, APasswordIsRehashedAtLoginWhenTheCostChanges) {
  auto hash = [&]() {
    auto conn = app_->app().db->Acquire();
    return conn->Execute({"test_hash", "SELECT password_hash FROM accounts WHERE login = 'citizen2.demo'"}).Text(0, 0);
  };
  std::string before = hash();
  std::uint64_t stronger = app_->config().password_hash_iterations + 1;
  app_->config().password_hash_iterations = stronger;
  app_->Restart();
  EXPECT_EQ(hash(), before) << "nothing changes until the password is typed";
  ASSERT_EQ(NewBrowser().Login("citizen2.demo").status, 200);
  std::string after = hash();
  EXPECT_NE(after, before);
  EXPECT_NE(after.find(",t=" + std::to_string(stronger) + ","), std::string::npos) << after;
  EXPECT_EQ(NewBrowser().Login("citizen2.demo").status, 200) << "the new hash verifies";
}

TEST_P(Identity, PromptLoginAndMaxAgeAskForAFreshLogin) {
  Browser b = SignedIn("citizen.demo");
  for (const char* extra : {"&prompt=login", "&max_age=0"}) {
    auto r = b.Call("GET", AuthorizeUrl("demo-portal", extra));
    ASSERT_EQ(r.status, 302) << extra;
    std::string to = r.Header("Location").value_or("");
    EXPECT_EQ(to.rfind("/dang-nhap?", 0), 0u) << extra << ": " << to;
    EXPECT_NE(to.find("force=1"), std::string::npos) << extra << ": " << to;
  }
  // A recent enough login is used as it is, and the ID token says when it happened.
  std::string code = CodeFrom(b.Call("GET", AuthorizeUrl("demo-portal", "&max_age=3600")));
  ASSERT_FALSE(code.empty());
  auto tokens = ExchangeCode(port(), code);
  auto claims = json::parse(crypto::ParseCompactJws(Str(tokens, "id_token"))->payload_json);
  EXPECT_GT(claims.at("auth_time").as_int64(), 0);
}

TEST_P(Identity, AnExpiredCodeIsRefused) {
  Browser b = SignedIn("citizen.demo");
  std::string code = CodeFrom(b.Call("GET", AuthorizeUrl("demo-portal")));
  ASSERT_FALSE(code.empty());
  {
    // The code's 60 s have passed.
    auto conn = app_->app().db->Acquire();
    conn->Execute({"test_expire_codes", "UPDATE oauth_codes SET expires_at = '2000-01-01T00:00:00.000Z'"});
  }
  auto r = ExchangeCode(port(), code);
  EXPECT_EQ(Str(r, "error"), "invalid_grant") << serialize(r);
  EXPECT_EQ(Str(r, "access_token"), "");
}

TEST_P(Identity, RetiredKeysStayPublishedAndTheirTokensStillVerify) {
  std::string basic = crypto::Base64Encode("demo-service:demo-service-secret");
  std::string old_token = Str(Json(PostForm(port(), "/oauth2/token", "grant_type=client_credentials", {{"Authorization", "Basic " + basic}})), "access_token");
  Browser sys = SignedIn("sysadmin.demo");
  auto rotated = sys.Call("POST", "/api/v1/admin/signing-keys/rotate");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  auto jwks = Json(Fetch(port(), "GET", "/oauth2/jwks"));
  EXPECT_EQ(jwks.at("keys").as_array().size(), 4u);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/me", {{"Authorization", "Bearer " + old_token}}).status, 200);
  std::string new_token = Str(Json(PostForm(port(), "/oauth2/token", "grant_type=client_credentials", {{"Authorization", "Basic " + basic}})), "access_token");
  EXPECT_NE(crypto::ParseCompactJws(new_token)->kid, crypto::ParseCompactJws(old_token)->kid);
}


}  // namespace
}  // namespace motcua::testing

namespace motcua::testing {
namespace {

std::uint16_t UnusedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string CookieValue(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if ((k == "Set-Cookie" || k == "set-cookie") && v.starts_with(std::string(name) + "=")) {
      return v.substr(name.size() + 1, v.find(';') - name.size() - 1);
    }
  }
  return {};
}

std::string PathOf(const std::string& url) {
  auto scheme = url.find("://");
  return url.substr(url.find('/', scheme + 3));
}

// With officer_totp_required, an officer without a second factor can sign in and enrol, and
// nothing else; citizens are not affected.
TEST_P(Identity, OfficersMustEnrolASecondFactorWhenRequired) {
  TestApp strict(GetParam(), false, [](config::Config& c) { c.officer_totp_required = true; });
  Browser admin{strict.port(), "", ""};
  ASSERT_EQ(admin.Login("admin.demo").status, 200);
  auto me = Json(admin.Call("GET", "/api/v1/me"));
  EXPECT_EQ(me.at("enrolment_required"), true);
  auto refused = admin.Call("GET", "/api/v1/admin/accounts");
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("TOTP"), std::string::npos) << refused.body;
  Browser citizen{strict.port(), "", ""};
  ASSERT_EQ(citizen.Login("citizen.demo").status, 200);
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/me")).at("enrolment_required"), false);

  auto start = admin.Call("POST", "/api/v1/me/totp");
  ASSERT_EQ(start.status, 200) << start.body;
  json::object code{{"code", CodeFor(Str(Json(start), "secret"))}};
  ASSERT_EQ(admin.Call("POST", "/api/v1/me/totp/confirm", json::serialize(code)).status, 204);
  EXPECT_EQ(Json(admin.Call("GET", "/api/v1/me")).at("enrolment_required"), false);
  EXPECT_EQ(admin.Call("GET", "/api/v1/admin/accounts").status, 200);

  // Single sign-on does not go around it either.
  Browser receiver{strict.port(), "", ""};
  ASSERT_EQ(receiver.Login("receiver.demo").status, 200);
  auto sso = receiver.Call("GET", AuthorizeUrl("demo-portal"));
  EXPECT_EQ(sso.status, 302);
  EXPECT_EQ(sso.Header("Location").value_or(""), "/tai-khoan/bao-mat");
  auto silent = receiver.Call("GET", AuthorizeUrl("demo-portal", "&prompt=none"));
  EXPECT_EQ(QueryOf(silent.Header("Location").value_or(""))["error"], "interaction_required");
  auto citizen_sso = citizen.Call("GET", AuthorizeUrl("demo-portal"));
  EXPECT_FALSE(CodeFrom(citizen_sso).empty()) << "citizens are not affected";
}

// The provider is a second motcua deployment playing VNeID; the deployment under test is the
// relying party configured with it.
TEST_P(Identity, LoginThroughAnExternalProviderLinksOrCreatesTheCitizen) {
  std::uint16_t rp_port = UnusedPort();
  std::string callback = "http://127.0.0.1:" + std::to_string(rp_port) + "/api/v1/identity-providers/vneid/callback";
  Browser sys = SignedIn("sysadmin.demo");
  json::object client{{"client_id", "rp-anhoa"}, {"name", "Cổng tỉnh An Hòa"}, {"client_type", "confidential"},
                      {"redirect_uris", json::array{json::string(callback)}}, {"grant_types", json::array{"authorization_code"}},
                      {"scopes", json::array{"openid", "profile", "vn_profile"}}, {"first_party", true}};
  auto registered = sys.Call("POST", "/api/v1/admin/oauth-clients", json::serialize(client));
  ASSERT_EQ(registered.status, 201) << registered.body;
  std::string secret = Str(Json(registered), "client_secret");
  TempDir dir;
  std::string providers = (dir.path() / "idp.json").string();
  std::ofstream(providers) << json::serialize(json::array{json::object{
      {"id", "vneid"}, {"name", "VNeID (thử nghiệm)"}, {"issuer", "http://127.0.0.1:" + std::to_string(port())},
      {"client_id", "rp-anhoa"}, {"client_secret", secret}}});
  TestApp rp(GetParam(), false, [&](config::Config& c) {
    c.listen_port = rp_port;
    c.identity_providers_file = providers;
  });

  auto login_via = [&](Browser& at_provider, std::string& session_cookie) {
    auto start = Fetch(rp_port, "GET", "/api/v1/identity-providers/vneid/login?return_to=%2Ftai-khoan");
    EXPECT_EQ(start.status, 302) << start.body;
    std::string ext = CookieValue(start, "motcua_ext");
    auto at_idp = at_provider.Call("GET", PathOf(*start.Header("Location")));
    EXPECT_EQ(at_idp.status, 302) << at_idp.body;
    std::string back = *at_idp.Header("Location");
    EXPECT_EQ(back.rfind(callback, 0), 0u) << back;
    // A callback without the browser's state cookie is refused.
    auto forged = Fetch(rp_port, "GET", PathOf(back));
    EXPECT_EQ(forged.Header("Location").value_or("").find("external_error=state"), std::string("/dang-nhap?").size());
    auto done = Fetch(rp_port, "GET", PathOf(back), {{"Cookie", "motcua_ext=" + ext}});
    EXPECT_EQ(done.status, 302) << done.body;
    EXPECT_EQ(done.Header("Location"), "/tai-khoan");
    session_cookie = CookieValue(done, "motcua_session");
    std::string seen;
    for (const auto& [k, v] : done.headers) seen += k + ": " + v + "\n";
    EXPECT_FALSE(session_cookie.empty()) << seen;
  };

  auto list = Fetch(rp_port, "GET", "/api/v1/identity-providers");
  EXPECT_NE(list.body.find("VNeID"), std::string::npos);

  // 1. The provider's citizen.demo has the PIN of the relying party's citizen.demo: linked.
  Browser provider_user = SignedIn("citizen.demo");
  std::string cookie;
  login_via(provider_user, cookie);
  ASSERT_FALSE(cookie.empty());
  auto me = Fetch(rp_port, "GET", "/api/v1/me", {{"Cookie", "motcua_session=" + cookie}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Str(Json(me), "login"), "citizen.demo");

  // 2. A citizen unknown to the relying party: created from the asserted identity.
  Browser fresh = NewBrowser();
  json::object reg{{"kind", "citizen"}, {"personal_id", "040190999999"}, {"full_name", "Hồ Thị Lan"},
                   {"birth_date", "1990-01-01"}, {"gender", "female"}, {"email", "lan@demo.invalid"},
                   {"phone", "0901112223"}, {"password", "Lan@2026xx"}};
  ASSERT_EQ(fresh.Call("POST", "/api/v1/accounts", json::serialize(reg)).status, 201);
  std::string cookie2;
  login_via(fresh, cookie2);
  auto me2 = Json(Fetch(rp_port, "GET", "/api/v1/me", {{"Cookie", "motcua_session=" + cookie2}}));
  EXPECT_EQ(Str(me2, "personal_id"), "040190999999");
  EXPECT_EQ(Str(me2, "full_name"), "Hồ Thị Lan");
  EXPECT_EQ(Str(me2, "birth_date"), "1990-01-01");
}

}  // namespace
}  // namespace motcua::testing

namespace motcua::testing {
namespace {
INSTANTIATE_TEST_SUITE_P(Engines, Identity, ::testing::Values("sqlite", "postgres"));
}  // namespace
}  // namespace motcua::testing

#include "identity/service.hpp"

#include <boost/json.hpp>

#include <fstream>

#include "core/log.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "crypto/sha256.hpp"
#include "crypto/totp.hpp"
#include "identity/oidc.hpp"

namespace motcua::identity {

namespace json = boost::json;
using boost::asio::awaitable;
using core::ErrorCode;

namespace {

std::string Msg(http::Language lang, std::string_view vi, std::string_view en) {
  return std::string(lang == http::Language::kEn ? en : vi);
}

std::string HashToken(std::string_view token) { return crypto::Sha256::Hex(token); }

std::string Later(std::chrono::seconds d) {
  return core::FormatUtc(std::chrono::system_clock::now() + d);
}

// Parses our own UTC text instants back (`YYYY-MM-DDTHH:MM:SS.mmmZ`).
std::chrono::system_clock::time_point ParseUtc(const std::string& t) {
  std::tm tm{};
  if (t.size() < 19 || std::sscanf(t.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
                                   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return {};
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string NormalizeLogin(std::string_view login) {
  while (!login.empty() && login.front() == ' ') login.remove_prefix(1);
  while (!login.empty() && login.back() == ' ') login.remove_suffix(1);
  std::string out(login);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string HexToBytes(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

std::string LocalTime(const std::string& utc) {
  // Asia/Ho_Chi_Minh is UTC+7 all year.
  auto t = std::chrono::system_clock::to_time_t(ParseUtc(utc) + std::chrono::hours(7));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M %d/%m/%Y", &tm);
  return buf;
}

// The wait a throttle counter imposes now, in seconds (0 when none).
int WaitFor(const std::optional<store::Throttle>& t, const ThrottlePolicy& p) {
  if (!t) return 0;
  auto now = std::chrono::system_clock::now();
  if (!t->locked_until.empty()) {
    auto until = ParseUtc(t->locked_until);
    if (until > now) {
      return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(until - now).count());
    }
  }
  auto last = ParseUtc(t->last_failure);
  if (now - last > p.forget_after) return 0;
  auto ready = last + ThrottleDelay(p, t->failures);
  if (ready <= now) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(ready - now).count());
}

// Counts a failure; true when this failure locked the key.
bool CountFailure(db::Connection& c, const std::string& key, const ThrottlePolicy& p) {
  auto t = store::GetThrottle(c, key);
  auto now = std::chrono::system_clock::now();
  store::Throttle next;
  next.failures = (t && now - ParseUtc(t->last_failure) <= p.forget_after) ? t->failures + 1 : 1;
  next.last_failure = core::FormatUtc(now);
  bool locked = next.failures == p.lock_after;
  if (next.failures >= p.lock_after) next.locked_until = core::FormatUtc(now + p.lock_for);
  store::PutThrottle(c, key, next);
  return locked;
}

Refusal Throttled(http::Language lang, int wait, bool locked, const std::string& until) {
  std::string text;
  if (locked) {
    text = Msg(lang,
               "Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa đến " + LocalTime(until) +
                   "; vui lòng thử lại sau hoặc đặt lại mật khẩu.",
               "Too many failed logins. Sign-in is locked until " + LocalTime(until) +
                   " (Vietnam time); try again later or reset your password.");
  } else {
    text = Msg(lang,
               "Đăng nhập sai nhiều lần. Vui lòng chờ " + std::to_string(wait) + " giây rồi thử lại.",
               "Several failed logins. Please wait " + std::to_string(wait) +
                   " seconds before trying again.");
  }
  return Refusal{{ErrorCode::kTooManyRequests, text, {}}, wait};
}

Refusal BadCredentials(http::Language lang) {
  return Refusal{{ErrorCode::kUnauthenticated,
                  Msg(lang, "Tên đăng nhập hoặc mật khẩu không đúng.",
                      "The login or password is incorrect."),
                  {}},
                 0};
}

std::string Json(std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  json::object o;
  for (const auto& [k, v] : kv) o[k] = v;
  return json::serialize(o);
}

}  // namespace

std::string SessionCookie(const http::Request& request) {
  for (const auto& [name, value] : request.headers) {
    if (!http::HeaderNameEquals(name, "cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      if (part.starts_with("motcua_session=")) return std::string(part.substr(15));
    }
  }
  return {};
}

Principal PrincipalOf(const store::Account& a, const std::string& session_id, int acr) {
  Principal p;
  p.kind = a.kind == "officer"    ? AccountKind::kOfficer
           : a.kind == "business" ? AccountKind::kBusiness
                                  : AccountKind::kCitizen;
  p.account_id = a.id;
  p.login = a.login;
  p.display_name = a.full_name;
  if (a.agency) {
    p.agency_id = a.agency->id;
    p.agency_path = a.agency->path;
  }
  for (const auto& r : a.roles) {
    if (auto role = ParseRole(r)) p.roles.push_back(*role);
  }
  p.assurance_level = acr;
  p.session_id = session_id;
  p.profile = Profile{a.full_name, a.personal_id, a.birth_date, a.gender, a.email, a.phone,
                      a.address, a.tax_code, a.business_name, a.language};
  return p;
}

Service::Service(db::Database& db, http::WorkerPool& workers, http::WorkerPool& hashers,
                 KeyRing& keys, ServiceOptions options)
    : db_(db), workers_(workers), hashers_(hashers), keys_(keys), options_(std::move(options)) {
  dummy_hash_ = crypto::HashPassword(crypto::RandomHex(16), options_.password_cost);
}

bool Service::TotpRequiredFor(const store::Account& a) const {
  return options_.officer_totp_required && a.kind == "officer";
}

std::optional<store::Account> Service::LoadAccount(const std::string& id) {
  auto conn = db_.Acquire();
  return store::FindAccountById(*conn, id);
}

void Service::Audit(const store::SecurityEvent& event) {
  auto conn = db_.Acquire();
  store::RecordEvent(*conn, event, core::NowUtc());
}

// The database part runs on the calling thread: a worker's (IdentifyHere is called from work
// already on the pool; Identify offloads it).
awaitable<core::Result<std::optional<Principal>>> Service::Identify(const http::Request& request) {
  if (SessionCookie(request).empty() && !request.Header("authorization")) co_return std::optional<Principal>();
  co_return co_await http::Offload(workers_, [&]() { return IdentifyHere(request); });
}

core::Result<std::optional<Principal>> Service::IdentifyHere(const http::Request& request) {
  std::string cookie = SessionCookie(request);
  if (!cookie.empty()) {
    auto conn = db_.Acquire();
    std::string now = core::NowUtc();
    auto now_tp = std::chrono::system_clock::now();
    auto live = store::FindLiveSessionWithAccount(*conn, HashToken(cookie), now);
    if (live) {
      auto idle = now_tp - ParseUtc(live->first.last_seen_at);
      if (idle > options_.session_idle) live.reset();
      // Idle time is tracked to the minute; most requests write nothing.
      else if (idle > std::chrono::seconds(60)) store::TouchSession(*conn, live->first.id, now);
    }
    if (!live || live->second.status != "active") {
      return core::Fail(ErrorCode::kUnauthenticated,
                        Msg(request.language, "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
                            "Your session has ended. Please sign in again."));
    }
    const auto& [session, account] = *live;
    if (session.stage == "totp") {
      return core::Fail(ErrorCode::kUnauthenticated,
                        Msg(request.language, "Cần nhập mã xác thực hai lớp.", "The second-factor code is still needed."));
    }
    bool unsafe = request.method != http::Method::kGet && request.method != http::Method::kHead &&
                  request.method != http::Method::kOptions;
    if (unsafe) {
      auto csrf = request.Header("x-csrf-token");
      if (!csrf || !crypto::ConstantTimeEquals(*csrf, session.csrf_token)) {
        return core::Fail(ErrorCode::kForbidden,
                          Msg(request.language, "Thiếu hoặc sai mã chống giả mạo yêu cầu (X-CSRF-Token).",
                              "The X-CSRF-Token header is missing or wrong."));
      }
    }
    Principal p = PrincipalOf(account, session.id, session.acr);
    p.enrolment_required = TotpRequiredFor(account) && !account.totp_enabled;
    return p;
  }

  auto authorization = request.Header("authorization");
  if (!authorization) return std::optional<Principal>();
  std::string_view value = *authorization;
  if (value.size() < 7 || !(value.substr(0, 7) == "Bearer " || value.substr(0, 7) == "bearer ")) {
    return core::Fail(ErrorCode::kUnauthenticated, "Only Bearer tokens are accepted.");
  }
  auto claims = VerifyAccessToken(keys_, Issuer(), value.substr(7), UnixNow());
  if (!claims) return std::unexpected(claims.error());
  if (claims->subject == claims->client_id && claims->session_id.empty()) {
    Principal p;
    p.kind = AccountKind::kClient;
    p.account_id = claims->client_id;
    p.login = claims->client_id;
    p.display_name = claims->client_id;
    p.scopes = SplitScope(claims->scope);
    return p;
  }
  static const db::Query kRevoked{"identity_access_token_revoked",
                                  "SELECT 1 FROM oauth_access_tokens WHERE jti = $1 AND revoked_at IS NOT NULL"};
  auto conn = db_.Acquire();
  bool revoked = claims->from_code && !conn->Execute(kRevoked, {claims->jti}).Empty();
  auto account = revoked ? std::nullopt : store::FindAccountById(*conn, claims->subject);
  if (!account || account->status != "active") {
    return core::Fail(ErrorCode::kUnauthenticated, "invalid access token: revoked");
  }
  Principal p = PrincipalOf(*account, "", claims->acr);
  p.scopes = SplitScope(claims->scope);
  return p;
}

IssuedSession Service::OpenSession(const store::Account& account, const std::string& amr, int acr,
                                   const Origin& origin) {
  IssuedSession out;
  out.token = crypto::RandomHex(32);
  std::string now = core::NowUtc();
  store::Session& s = out.session;
  s.id = core::Uuid::NewV7().ToString();
  s.account_id = account.id;
  s.csrf_token = crypto::RandomHex(16);
  s.stage = "active";
  s.amr = amr;
  s.acr = acr;
  s.auth_time = now;
  s.created_at = now;
  s.last_seen_at = now;
  s.expires_at = Later(options_.session_ttl);
  s.ip = origin.ip;
  s.user_agent = origin.user_agent.substr(0, 300);
  auto conn = db_.Acquire();
  db::Transaction tx(*conn);
  store::InsertSession(*conn, s, HashToken(out.token));
  store::SetLastLogin(*conn, account.id, now);
  store::RecordEvent(*conn,
                     {"login_succeeded", account.id, account.login, origin.ip, "", Json({{"amr", amr}}),
                      origin.request_id},
                     now);
  tx.Commit();
  out.account = account;
  return out;
}

awaitable<Outcome<IssuedSession>> Service::Login(std::string login, std::string password,
                                                 Origin origin) {
  login = NormalizeLogin(login);
  if (login.empty() || login.size() > 128 || password.empty() || password.size() > 1024) {
    co_return std::unexpected(BadCredentials(origin.language));
  }
  const ThrottlePolicy account_policy;
  const ThrottlePolicy address_policy = AddressThrottlePolicy();
  const std::string account_key = "account:" + login;
  const std::string address_key = "ip:" + origin.ip;

  struct Before {
    int wait = 0;
    bool locked = false;
    std::string locked_until;
    std::optional<store::Account> account;
  };
  Before before = co_await http::Offload(workers_, [&]() {
    Before b;
    auto conn = db_.Acquire();
    auto by_account = store::GetThrottle(*conn, account_key);
    auto by_address = store::GetThrottle(*conn, address_key);
    int wa = WaitFor(by_account, account_policy);
    int wi = WaitFor(by_address, address_policy);
    b.wait = std::max(wa, wi);
    const auto& t = wa >= wi ? by_account : by_address;
    if (b.wait > 0 && t && !t->locked_until.empty()) {
      b.locked = true;
      b.locked_until = t->locked_until;
    }
    if (b.wait > 0) {
      store::RecordEvent(*conn,
                         {"login_throttled", "", login, origin.ip, "",
                          Json({{"wait_seconds", std::to_string(b.wait)}}), origin.request_id},
                         core::NowUtc());
      return b;
    }
    b.account = store::FindAccountByLogin(*conn, login);
    return b;
  });
  if (before.wait > 0) {
    co_return std::unexpected(Throttled(origin.language, before.wait, before.locked, before.locked_until));
  }

  // Unknown logins are verified against a dummy hash: same work, same answer.
  std::string hash = before.account && !before.account->password_hash.empty()
                         ? before.account->password_hash
                         : dummy_hash_;
  auto cost = options_.password_cost;
  struct Checked {
    bool ok = false;
    std::string rehash;
  };
  Checked checked = co_await http::Offload(hashers_, [&]() {
    Checked c;
    c.ok = crypto::VerifyPassword(password, hash);
    if (c.ok && crypto::NeedsRehash(hash, cost)) c.rehash = crypto::HashPassword(password, cost);
    return c;
  });
  bool ok = checked.ok && before.account.has_value() && !before.account->password_hash.empty();

  if (!ok) {
    bool locked = co_await http::Offload(workers_, [&]() {
      auto conn = db_.Acquire();
      db::Transaction tx(*conn);
      bool account_locked = CountFailure(*conn, account_key, account_policy);
      bool address_locked = CountFailure(*conn, address_key, address_policy);
      std::string now = core::NowUtc();
      std::string account_id = before.account ? before.account->id : "";
      store::RecordEvent(*conn,
                         {"login_failed", account_id, login, origin.ip, "",
                          Json({{"reason", before.account ? "wrong_password" : "unknown_login"}}),
                          origin.request_id},
                         now);
      if (account_locked || address_locked) {
        store::RecordEvent(*conn,
                           {"login_locked", account_id, login, origin.ip, "",
                            Json({{"by", account_locked ? "account" : "address"}}), origin.request_id},
                           now);
      }
      tx.Commit();
      return account_locked || address_locked;
    });
    if (locked) {
      std::string until = Later(account_policy.lock_for);
      co_return std::unexpected(Throttled(origin.language,
                                          static_cast<int>(account_policy.lock_for.count()), true, until));
    }
    co_return std::unexpected(BadCredentials(origin.language));
  }

  store::Account account = *before.account;
  if (account.status != "active") {
    co_return std::unexpected(Refusal{{ErrorCode::kForbidden,
                                       Msg(origin.language,
                                           "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị viên.",
                                           "This account is disabled. Please contact the administrator."),
                                       {}},
                                      0});
  }
  IssuedSession issued = co_await http::Offload(workers_, [&]() {
    {
      auto conn = db_.Acquire();
      store::ClearThrottle(*conn, account_key);
      if (!checked.rehash.empty()) {
        store::SetPasswordHash(*conn, account.id, checked.rehash, core::NowUtc());
      }
    }
    IssuedSession s = OpenSession(account, "pwd", account.assurance_level, origin);
    if (account.totp_enabled) {
      auto conn = db_.Acquire();
      static const db::Query kStage{"identity_session_stage_totp",
                                    "UPDATE sessions SET stage = 'totp' WHERE id = $1"};
      conn->Execute(kStage, {s.session.id});
      s.session.stage = "totp";
    }
    return s;
  });
  co_return issued;
}

awaitable<Outcome<IssuedSession>> Service::CompleteTotp(std::string session_token, std::string code,
                                                        Origin origin) {
  const ThrottlePolicy policy;
  struct Result {
    std::optional<IssuedSession> issued;
    int wait = 0;
    bool locked = false;
    std::string locked_until;
  };
  Result r = co_await http::Offload(workers_, [&]() {
    Result out;
    auto conn = db_.Acquire();
    auto session = store::FindLiveSession(*conn, HashToken(session_token), core::NowUtc());
    if (!session || session->stage != "totp") return out;
    auto account = store::FindAccountById(*conn, session->account_id);
    if (!account || !account->totp_enabled) return out;
    std::string key = "totp:" + account->id;
    auto t = store::GetThrottle(*conn, key);
    out.wait = WaitFor(t, policy);
    if (out.wait > 0) {
      out.locked = t && !t->locked_until.empty();
      out.locked_until = t ? t->locked_until : "";
      return out;
    }
    auto step = crypto::MatchTotp(HexToBytes(account->totp_secret), code,
                                  static_cast<std::uint64_t>(UnixNow() / 30),
                                  static_cast<std::uint64_t>(account->totp_last_step));
    db::Transaction tx(*conn);
    if (!step || !store::UseTotpStep(*conn, account->id, static_cast<std::int64_t>(*step))) {
      CountFailure(*conn, key, policy);
      store::RecordEvent(*conn, {"totp_failed", account->id, account->login, origin.ip, "", "",
                                 origin.request_id},
                         core::NowUtc());
      tx.Commit();
      return out;
    }
    store::ClearThrottle(*conn, key);
    store::ActivateSession(*conn, session->id, "pwd otp", session->acr);
    store::RecordEvent(*conn, {"totp_succeeded", account->id, account->login, origin.ip, "", "",
                               origin.request_id},
                       core::NowUtc());
    tx.Commit();
    session->stage = "active";
    session->amr = "pwd otp";
    out.issued = IssuedSession{session_token, *session, *account};
    return out;
  });
  if (r.wait > 0) co_return std::unexpected(Throttled(origin.language, r.wait, r.locked, r.locked_until));
  if (!r.issued) {
    co_return std::unexpected(Refusal{{ErrorCode::kUnauthenticated,
                                       Msg(origin.language, "Mã xác thực không đúng hoặc đã dùng.",
                                           "The code is wrong or was already used."),
                                       {}},
                                      0});
  }
  co_return *r.issued;
}

awaitable<core::Result<IssuedSession>> Service::Register(Registration r, Origin origin) {
  http::Language lang = origin.language;
  std::vector<core::FieldError> errors;
  auto need = [&](const std::string& value, const char* field, std::size_t max) {
    if (value.empty()) {
      errors.push_back({field, Msg(lang, "Bắt buộc nhập.", "Required.")});
    } else if (value.size() > max) {
      errors.push_back({field, Msg(lang, "Quá dài.", "Too long.")});
    }
  };
  if (r.kind != "citizen" && r.kind != "business") {
    co_return core::Fail(ErrorCode::kInvalidArgument,
                         Msg(lang, "Loại tài khoản phải là citizen hoặc business.",
                             "kind must be citizen or business."),
                         {{"kind", "citizen | business"}});
  }
  need(r.full_name, "full_name", 200);
  need(r.email, "email", 254);
  need(r.phone, "phone", 20);
  if (!r.email.empty() && (r.email.find('@') == std::string::npos || r.email.front() == '@' ||
                           r.email.back() == '@' || r.email.find(' ') != std::string::npos)) {
    errors.push_back({"email", Msg(lang, "Địa chỉ thư điện tử không hợp lệ.", "Not an e-mail address.")});
  }
  if (!r.phone.empty()) {
    bool digits = r.phone.size() >= 9 && r.phone.size() <= 15;
    for (std::size_t i = 0; i < r.phone.size(); ++i) {
      char c = r.phone[i];
      digits = digits && ((c >= '0' && c <= '9') || (i == 0 && c == '+'));
    }
    if (!digits) {
      errors.push_back({"phone", Msg(lang, "Số điện thoại gồm 9–15 chữ số.", "A phone number has 9–15 digits.")});
    }
  }
  std::string login;
  if (r.kind == "citizen") {
    auto birth = ParseDate(r.birth_date);
    if (!birth) {
      errors.push_back({"birth_date", Msg(lang, "Ngày sinh phải có dạng YYYY-MM-DD.",
                                          "The date of birth must be YYYY-MM-DD.")});
    }
    if (r.gender != "male" && r.gender != "female") {
      errors.push_back({"gender", Msg(lang, "Chọn giới tính.", "Choose male or female.")});
    }
    if (birth && (r.gender == "male" || r.gender == "female")) {
      for (auto& e : CheckPersonalId(r.personal_id, *birth, r.gender, "personal_id")) {
        errors.push_back(std::move(e));
      }
    } else if (r.personal_id.size() != 12) {
      errors.push_back({"personal_id", Msg(lang, "Số định danh cá nhân gồm 12 chữ số.",
                                           "The personal ID number has 12 digits.")});
    }
    login = r.personal_id;
  } else {
    need(r.business_name, "business_name", 300);
    if (!ValidTaxCode(r.tax_code)) {
      errors.push_back({"tax_code", Msg(lang, "Mã số thuế không hợp lệ (10 chữ số, có thể thêm -NNN).",
                                        "Not a valid tax code (10 digits, optionally -NNN).")});
    }
    login = r.tax_code;
  }
  if (auto weak = CheckPasswordStrength(r.password, login)) {
    errors.push_back({"password", lang == http::Language::kEn ? weak->en : weak->vi});
  }
  if (!errors.empty()) {
    co_return core::Fail(ErrorCode::kInvalidArgument,
                         Msg(lang, "Thông tin đăng ký chưa hợp lệ.", "The registration has problems."),
                         std::move(errors));
  }
  std::string email = NormalizeLogin(r.email);
  auto cost = options_.password_cost;
  std::string hash = co_await http::Offload(hashers_, [&]() { return crypto::HashPassword(r.password, cost); });

  store::Account a;
  a.id = core::Uuid::NewV7().ToString();
  a.kind = r.kind;
  a.login = login;
  a.password_hash = hash;
  a.full_name = r.full_name;
  a.personal_id = r.kind == "citizen" ? r.personal_id : "";
  a.birth_date = r.kind == "citizen" ? r.birth_date : "";
  a.gender = r.kind == "citizen" ? r.gender : "";
  a.tax_code = r.kind == "business" ? r.tax_code : "";
  a.business_name = r.kind == "business" ? r.business_name : "";
  a.email = email;
  a.phone = r.phone;
  a.language = r.language == "en" ? "en" : "vi";
  a.assurance_level = 1;  // self-registered: not verified in person (Decree 59/2022 level 1)

  auto created = co_await http::Offload(workers_, [&]() -> core::Result<IssuedSession> {
    auto conn = db_.Acquire();
    db::Transaction tx(*conn);
    static const db::Query kTaken{
        "identity_registration_taken",
        "SELECT CASE WHEN login = $1 THEN 'login' WHEN email = $2 THEN 'email' ELSE 'other' END "
        "FROM accounts WHERE login = $1 OR email = $2 OR personal_id = $3 OR tax_code = $4 LIMIT 1"};
    auto taken = conn->Execute(kTaken, {a.login, a.email,
                                        a.personal_id.empty() ? db::Value(nullptr) : db::Value(a.personal_id),
                                        a.tax_code.empty() ? db::Value(nullptr) : db::Value(a.tax_code)});
    if (!taken.Empty()) {
      std::string what = taken.Text(0, 0);
      std::string field = what == "email" ? "email" : (r.kind == "citizen" ? "personal_id" : "tax_code");
      return core::Fail(ErrorCode::kConflict,
                        Msg(lang, "Thông tin này đã được dùng cho một tài khoản khác.",
                            "This is already registered to another account."),
                        {{field, Msg(lang, "Đã được đăng ký.", "Already registered.")}});
    }
    std::string now = core::NowUtc();
    try {
      store::InsertAccount(*conn, a, now);
    } catch (const db::DbError& e) {
      if (e.kind() != db::DbError::Kind::kUniqueViolation) throw;
      return core::Fail(ErrorCode::kConflict,
                        Msg(lang, "Thông tin này đã được dùng cho một tài khoản khác.",
                            "This is already registered to another account."));
    }
    store::RecordEvent(*conn, {"account_registered", a.id, a.login, origin.ip, "", "", origin.request_id}, now);
    tx.Commit();
    return OpenSession(a, "pwd", a.assurance_level, origin);
  });
  co_return created;
}

awaitable<void> Service::Logout(std::string session_token, Origin origin) {
  co_await http::Offload(workers_, [&]() {
    auto conn = db_.Acquire();
    auto s = store::FindLiveSession(*conn, HashToken(session_token), core::NowUtc());
    if (!s) return;
    db::Transaction tx(*conn);
    std::string now = core::NowUtc();
    store::RevokeSession(*conn, s->id, s->account_id, now);
    static const db::Query kRevokeRefresh{
        "identity_revoke_session_refresh",
        "UPDATE oauth_refresh_tokens SET revoked_at = $2 WHERE session_id = $1 AND revoked_at IS NULL"};
    conn->Execute(kRevokeRefresh, {s->id, now});
    store::RecordEvent(*conn, {"logout", s->account_id, "", origin.ip, "", "", origin.request_id}, now);
    tx.Commit();
  });
}

awaitable<core::Result<void>> Service::ChangePassword(Principal who, std::string current,
                                                      std::string next, Origin origin) {
  http::Language lang = origin.language;
  auto account = co_await http::Offload(workers_, [&]() { return LoadAccount(who.account_id); });
  if (!account) co_return core::Fail(ErrorCode::kUnauthenticated, "account not found");
  if (auto weak = CheckPasswordStrength(next, account->login)) {
    co_return core::Fail(ErrorCode::kInvalidArgument, lang == http::Language::kEn ? weak->en : weak->vi,
                         {{"new_password", lang == http::Language::kEn ? weak->en : weak->vi}});
  }
  auto cost = options_.password_cost;
  std::string old_hash = account->password_hash;
  std::string hash = co_await http::Offload(hashers_, [&]() {
    if (old_hash.empty() || !crypto::VerifyPassword(current, old_hash)) return std::string();
    return crypto::HashPassword(next, cost);
  });
  if (hash.empty()) {
    co_await http::Offload(workers_, [&]() {
      Audit({"password_change_failed", who.account_id, who.login, origin.ip, "", "", origin.request_id});
    });
    co_return core::Fail(ErrorCode::kInvalidArgument,
                         Msg(lang, "Mật khẩu hiện tại không đúng.", "The current password is wrong."),
                         {{"current_password", Msg(lang, "Không đúng.", "Wrong.")}});
  }
  co_await http::Offload(workers_, [&]() {
    auto conn = db_.Acquire();
    db::Transaction tx(*conn);
    std::string now = core::NowUtc();
    store::SetPasswordHash(*conn, who.account_id, hash, now);
    // Every other session ends: whoever else knew the old password is signed out.
    store::RevokeOtherSessions(*conn, who.account_id, who.session_id, now);
    store::RecordEvent(*conn, {"password_changed", who.account_id, who.login, origin.ip, "", "", origin.request_id}, now);
    tx.Commit();
  });
  co_return core::Result<void>();
}

awaitable<void> Service::RequestPasswordReset(std::string login_or_email, Origin origin) {
  std::string key = NormalizeLogin(login_or_email);
  if (key.empty() || key.size() > 254) co_return;
  std::string base = Issuer();
  std::string token = crypto::RandomHex(32);
  std::string link = base + "/dat-lai-mat-khau?token=" + token;
  bool demo = options_.demo;
  std::string mail_log = options_.demo_mail_log;
  co_await http::Offload(workers_, [&]() {
    static const db::Query kByEmail{"identity_account_by_email", "SELECT id FROM accounts WHERE email = $1"};
    auto conn = db_.Acquire();
    auto account = store::FindAccountByLogin(*conn, key);
    if (!account) {
      auto r = conn->Execute(kByEmail, {key});
      if (!r.Empty()) account = store::FindAccountById(*conn, r.Text(0, 0));
    }
    std::string now = core::NowUtc();
    if (!account || account->email.empty() || account->status != "active") {
      store::RecordEvent(*conn, {"password_reset_unknown", "", key, origin.ip, "", "", origin.request_id}, now);
      return;
    }
    db::Transaction tx(*conn);
    store::InsertPasswordReset(*conn, HashToken(token), account->id, now, Later(std::chrono::hours(1)));
    json::object payload{{"full_name", account->full_name}, {"link", link}, {"expires_in_minutes", 60}};
    store::EnqueueNotification(*conn,
                               {"password_reset", "email", account->email, account->id,
                                account->language, json::serialize(payload)},
                               now);
    store::RecordEvent(*conn, {"password_reset_requested", account->id, account->login, origin.ip, "", "",
                               origin.request_id},
                       now);
    tx.Commit();
    if (demo && !mail_log.empty()) {
      // Demo deployments have no mail server: the message goes to a file testers can read.
      std::ofstream out(mail_log, std::ios::app);
      out << now << " to=" << account->email << " event=password_reset link=" << link << "\n";
    }
  });
}

awaitable<core::Result<void>> Service::ResetPassword(std::string token, std::string next, Origin origin) {
  http::Language lang = origin.language;
  auto invalid = core::Error{ErrorCode::kInvalidArgument,
                             Msg(lang, "Liên kết đặt lại mật khẩu không hợp lệ hoặc đã hết hạn.",
                                 "The reset link is invalid or has expired."),
                             {{"token", "invalid or expired"}}};
  if (token.size() != 64) co_return std::unexpected(invalid);
  // Peek (without consuming) to check the new password against the login first.
  static const db::Query kPeek{"identity_peek_reset",
                               "SELECT a.login FROM password_resets r JOIN accounts a ON a.id = r.account_id "
                               "WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2"};
  std::string th = HashToken(token);
  auto login = co_await http::Offload(workers_, [&]() -> std::optional<std::string> {
    auto conn = db_.Acquire();
    auto r = conn->Execute(kPeek, {th, core::NowUtc()});
    if (r.Empty()) return std::nullopt;
    return r.Text(0, 0);
  });
  if (!login) co_return std::unexpected(invalid);
  if (auto weak = CheckPasswordStrength(next, *login)) {
    std::string m = lang == http::Language::kEn ? weak->en : weak->vi;
    co_return core::Fail(ErrorCode::kInvalidArgument, m, {{"new_password", m}});
  }
  auto cost = options_.password_cost;
  std::string hash = co_await http::Offload(hashers_, [&]() { return crypto::HashPassword(next, cost); });
  bool done = co_await http::Offload(workers_, [&]() {
    auto conn = db_.Acquire();
    db::Transaction tx(*conn);
    std::string now = core::NowUtc();
    auto account_id = store::ConsumePasswordReset(*conn, th, now);
    if (!account_id) return false;
    store::SetPasswordHash(*conn, *account_id, hash, now);
    store::RevokeOtherSessions(*conn, *account_id, "", now);
    store::ClearThrottle(*conn, "account:" + *login);
    store::RecordEvent(*conn, {"password_reset", *account_id, *login, origin.ip, "", "", origin.request_id}, now);
    tx.Commit();
    return true;
  });
  if (!done) co_return std::unexpected(invalid);
  co_return core::Result<void>();
}

awaitable<core::Result<Service::TotpEnrolment>> Service::StartTotp(Principal who) {
  std::string secret_hex = crypto::RandomHex(20);
  auto account = co_await http::Offload(workers_, [&]() -> std::optional<store::Account> {
    auto conn = db_.Acquire();
    auto a = store::FindAccountById(*conn, who.account_id);
    if (!a || a->totp_enabled) return a;
    store::SetTotp(*conn, who.account_id, secret_hex, false, core::NowUtc());
    return a;
  });
  if (!account) co_return core::Fail(ErrorCode::kUnauthenticated, "account not found");
  if (account->totp_enabled) {
    co_return core::Fail(ErrorCode::kConflict, "Xác thực hai lớp đã được bật. / Two-factor sign-in is already on.");
  }
  std::string secret = HexToBytes(secret_hex);
  co_return TotpEnrolment{crypto::Base32Encode(secret),
                          crypto::OtpAuthUri(options_.totp_issuer, account->login, secret)};
}

awaitable<core::Result<void>> Service::ConfirmTotp(Principal who, std::string code, Origin origin) {
  http::Language lang = origin.language;
  bool ok = co_await http::Offload(workers_, [&]() {
    auto conn = db_.Acquire();
    auto a = store::FindAccountById(*conn, who.account_id);
    if (!a || a->totp_enabled || a->totp_secret.empty()) return false;
    auto step = crypto::MatchTotp(HexToBytes(a->totp_secret), code,
                                  static_cast<std::uint64_t>(UnixNow() / 30),
                                  static_cast<std::uint64_t>(a->totp_last_step));
    if (!step) return false;
    db::Transaction tx(*conn);
    std::string now = core::NowUtc();
    store::UseTotpStep(*conn, a->id, static_cast<std::int64_t>(*step));
    store::SetTotp(*conn, a->id, a->totp_secret, true, now);
    store::RecordEvent(*conn, {"totp_enabled", a->id, a->login, origin.ip, "", "", origin.request_id}, now);
    tx.Commit();
    return true;
  });
  if (!ok) {
    co_return core::Fail(ErrorCode::kInvalidArgument,
                         Msg(lang, "Mã xác thực không đúng. Hãy bắt đầu lại nếu mã QR đã cũ.",
                             "The code is wrong. Start again if the QR code is old."),
                         {{"code", Msg(lang, "Không đúng.", "Wrong.")}});
  }
  co_return core::Result<void>();
}

awaitable<core::Result<void>> Service::DisableTotp(Principal who, std::string code, Origin origin) {
  http::Language lang = origin.language;
  int outcome = co_await http::Offload(workers_, [&]() {
    auto conn = db_.Acquire();
    auto a = store::FindAccountById(*conn, who.account_id);
    if (!a || !a->totp_enabled) return 1;
    if (TotpRequiredFor(*a)) return 2;
    auto step = crypto::MatchTotp(HexToBytes(a->totp_secret), code,
                                  static_cast<std::uint64_t>(UnixNow() / 30),
                                  static_cast<std::uint64_t>(a->totp_last_step));
    if (!step) return 3;
    db::Transaction tx(*conn);
    std::string now = core::NowUtc();
    store::SetTotp(*conn, a->id, "", false, now);
    store::RecordEvent(*conn, {"totp_disabled", a->id, a->login, origin.ip, "", "", origin.request_id}, now);
    tx.Commit();
    return 0;
  });
  if (outcome == 1) co_return core::Fail(ErrorCode::kConflict, Msg(lang, "Xác thực hai lớp chưa bật.", "Two-factor sign-in is not on."));
  if (outcome == 2) {
    co_return core::Fail(ErrorCode::kConflict,
                         Msg(lang, "Cán bộ bắt buộc dùng xác thực hai lớp.", "Officers must keep two-factor sign-in."));
  }
  if (outcome == 3) {
    co_return core::Fail(ErrorCode::kInvalidArgument, Msg(lang, "Mã xác thực không đúng.", "The code is wrong."),
                         {{"code", Msg(lang, "Không đúng.", "Wrong.")}});
  }
  co_return core::Result<void>();
}

}  // namespace motcua::identity

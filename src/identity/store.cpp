#include "identity/store.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/uuid.hpp"
#include "text/fold.hpp"

namespace motcua::identity::store {

namespace {

using db::Query;
using db::Value;

Value Opt(const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); }

std::string Str(const db::ResultSet& r, std::size_t row, std::size_t col) {
  return r.IsNull(row, col) ? std::string() : r.Text(row, col);
}

constexpr const char* kAgencyColumns =
    "a.id, a.code, COALESCE(a.code_d20, ''), a.name, a.name_en, a.level, a.kind, "
    "COALESCE(a.parent_id, ''), a.path, a.address, a.phone, a.email, "
    "(SELECT COUNT(*) FROM agencies k WHERE k.parent_id = a.id)";

Agency AgencyAt(const db::ResultSet& r, std::size_t i, std::size_t o = 0) {
  Agency a;
  a.id = Str(r, i, o + 0);
  a.code = Str(r, i, o + 1);
  a.code_d20 = Str(r, i, o + 2);
  a.name = Str(r, i, o + 3);
  a.name_en = Str(r, i, o + 4);
  a.level = Str(r, i, o + 5);
  a.kind = Str(r, i, o + 6);
  a.parent_id = Str(r, i, o + 7);
  a.path = Str(r, i, o + 8);
  a.address = Str(r, i, o + 9);
  a.phone = Str(r, i, o + 10);
  a.email = Str(r, i, o + 11);
  a.child_count = r.Int(i, o + 12);
  return a;
}

#define AGENCY_SELECT                                                                          \
  "SELECT a.id, a.code, COALESCE(a.code_d20, ''), a.name, a.name_en, a.level, a.kind, "        \
  "COALESCE(a.parent_id, ''), a.path, a.address, a.phone, a.email, "                           \
  "(SELECT COUNT(*) FROM agencies k WHERE k.parent_id = a.id) FROM agencies a "

const Query kAgencyByCode{"identity_agency_by_code", AGENCY_SELECT "WHERE a.code = $1"};
const Query kAgencyById{"identity_agency_by_id", AGENCY_SELECT "WHERE a.id = $1"};
const Query kAgencyRoots{"identity_agency_roots",
                         AGENCY_SELECT
                         "WHERE a.parent_id IS NULL AND ($1 = '' OR a.search_key LIKE $1) "
                         "ORDER BY a.code LIMIT $2"};
const Query kAgencyChildren{"identity_agency_children",
                            AGENCY_SELECT
                            "WHERE a.parent_id = $3 AND ($1 = '' OR a.search_key LIKE $1) "
                            "ORDER BY a.code LIMIT $2"};
const Query kAgencySearch{"identity_agency_search",
                          AGENCY_SELECT "WHERE a.search_key LIKE $1 ORDER BY a.code LIMIT $2"};
// Rows written before the search key existed (migration 0015), filled at start-up.
const Query kAgenciesWithoutKey{"identity_agencies_without_key",
                                "SELECT id, code, name, name_en FROM agencies WHERE search_key = '' LIMIT 1000"};
const Query kSetAgencyKey{"identity_set_agency_key", "UPDATE agencies SET search_key = $2 WHERE id = $1"};
const Query kAgencySubtree{"identity_agency_subtree",
                           AGENCY_SELECT "WHERE a.path LIKE $1 ORDER BY length(a.path), a.code"};
const Query kInsertAgency{
    "identity_insert_agency",
    "INSERT INTO agencies (id, code, code_d20, name, name_en, level, kind, parent_id, path, "
    "address, phone, email, created_at, updated_at, search_key) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)"};
const Query kUpdateAgency{
    "identity_update_agency",
    "UPDATE agencies SET code_d20 = $2, name = $3, name_en = $4, level = $5, kind = $6, "
    "address = $7, phone = $8, email = $9, updated_at = $10, search_key = $11 WHERE id = $1"};

#define ACCOUNT_SELECT                                                                          \
  "SELECT id, kind, login, COALESCE(password_hash, ''), full_name, COALESCE(personal_id, ''), " \
  "COALESCE(birth_date, ''), COALESCE(gender, ''), COALESCE(tax_code, ''), "                    \
  "COALESCE(business_name, ''), COALESCE(email, ''), COALESCE(phone, ''), address, "            \
  "COALESCE(agency_id, ''), language, status, assurance_level, COALESCE(totp_secret, ''), "     \
  "totp_enabled, totp_last_step FROM accounts "

const Query kAccountByLogin{"identity_account_by_login", ACCOUNT_SELECT "WHERE login = $1"};
const Query kAccountById{"identity_account_by_id", ACCOUNT_SELECT "WHERE id = $1"};
const Query kAccountByPin{"identity_account_by_pin", ACCOUNT_SELECT "WHERE personal_id = $1"};
const Query kRoles{"identity_roles", "SELECT role FROM account_roles WHERE account_id = $1 ORDER BY role"};
const Query kLoginTaken{"identity_login_taken", "SELECT 1 FROM accounts WHERE login = $1"};
const Query kInsertAccount{
    "identity_insert_account",
    "INSERT INTO accounts (id, kind, login, password_hash, full_name, personal_id, birth_date, "
    "gender, tax_code, business_name, email, phone, address, agency_id, language, "
    "assurance_level, password_changed_at, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $17)"};
const Query kInsertRole{"identity_insert_role",
                        "INSERT INTO account_roles (account_id, role) VALUES ($1, $2)"};
const Query kDeleteRoles{"identity_delete_roles", "DELETE FROM account_roles WHERE account_id = $1"};
const Query kSetPassword{"identity_set_password",
                         "UPDATE accounts SET password_hash = $2, password_changed_at = $3, "
                         "updated_at = $3 WHERE id = $1"};
const Query kUpdateProfile{"identity_update_profile",
                           "UPDATE accounts SET email = $2, phone = $3, address = $4, language = $5, "
                           "updated_at = $6 WHERE id = $1"};
const Query kSetTotp{"identity_set_totp",
                     "UPDATE accounts SET totp_secret = $2, totp_enabled = $3, updated_at = $4 "
                     "WHERE id = $1"};
const Query kUseTotpStep{"identity_use_totp_step",
                         "UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2"};
const Query kSetLastLogin{"identity_set_last_login", "UPDATE accounts SET last_login_at = $2 WHERE id = $1"};
const Query kSetStatus{"identity_set_status",
                       "UPDATE accounts SET status = $2, updated_at = $3 WHERE id = $1"};
const Query kListOfficers{
    "identity_list_officers",
    "SELECT a.id, a.kind, a.login, '', a.full_name, '', '', '', '', '', COALESCE(a.email, ''), "
    "COALESCE(a.phone, ''), a.address, COALESCE(a.agency_id, ''), a.language, a.status, "
    "a.assurance_level, '', a.totp_enabled, 0 FROM accounts a JOIN agencies g ON g.id = a.agency_id "
    "WHERE a.kind = 'officer' AND g.path LIKE $1 AND a.login > $2 ORDER BY a.login LIMIT $3"};

Account AccountAt(const db::ResultSet& r, std::size_t i, std::size_t o = 0) {
  Account a;
  a.id = Str(r, i, o + 0);
  a.kind = Str(r, i, o + 1);
  a.login = Str(r, i, o + 2);
  a.password_hash = Str(r, i, o + 3);
  a.full_name = Str(r, i, o + 4);
  a.personal_id = Str(r, i, o + 5);
  a.birth_date = Str(r, i, o + 6);
  a.gender = Str(r, i, o + 7);
  a.tax_code = Str(r, i, o + 8);
  a.business_name = Str(r, i, o + 9);
  a.email = Str(r, i, o + 10);
  a.phone = Str(r, i, o + 11);
  a.address = Str(r, i, o + 12);
  a.agency_id = Str(r, i, o + 13);
  a.language = Str(r, i, o + 14);
  a.status = Str(r, i, o + 15);
  a.assurance_level = static_cast<int>(r.Int(i, o + 16));
  a.totp_secret = Str(r, i, o + 17);
  a.totp_enabled = r.Int(i, o + 18) != 0;
  a.totp_last_step = r.Int(i, o + 19);
  return a;
}

std::optional<Account> FindAccount(db::Connection& c, const Query& q, const std::string& key) {
  auto r = c.Execute(q, {key});
  if (r.Empty()) return std::nullopt;
  Account a = AccountAt(r, 0);
  auto roles = c.Execute(kRoles, {a.id});
  for (std::size_t i = 0; i < roles.rows.size(); ++i) a.roles.push_back(roles.Text(i, 0));
  if (!a.agency_id.empty()) a.agency = FindAgencyById(c, a.agency_id);
  return a;
}

const Query kInsertSession{
    "identity_insert_session",
    "INSERT INTO sessions (id, token_hash, account_id, csrf_token, stage, amr, acr, auth_time, "
    "created_at, last_seen_at, expires_at, ip, user_agent) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12)"};
#define SESSION_SELECT                                                                      \
  "SELECT id, account_id, csrf_token, stage, amr, auth_time, created_at, last_seen_at, "    \
  "expires_at, ip, user_agent, acr FROM sessions "
const Query kLiveSession{"identity_live_session",
                         SESSION_SELECT "WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2"};
const Query kSessionById{"identity_session_by_id", SESSION_SELECT "WHERE id = $1"};
const Query kTouchSession{"identity_touch_session", "UPDATE sessions SET last_seen_at = $2 WHERE id = $1"};
const Query kActivateSession{"identity_activate_session",
                             "UPDATE sessions SET stage = 'active', amr = $2, acr = $3 WHERE id = $1"};
const Query kRevokeSession{"identity_revoke_session",
                           "UPDATE sessions SET revoked_at = $3 WHERE id = $1 AND account_id = $2 "
                           "AND revoked_at IS NULL"};
const Query kRevokeOthers{"identity_revoke_other_sessions",
                          "UPDATE sessions SET revoked_at = $3 WHERE account_id = $1 AND id <> $2 "
                          "AND revoked_at IS NULL"};
const Query kListSessions{"identity_list_sessions",
                          SESSION_SELECT
                          "WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2 "
                          "ORDER BY created_at DESC LIMIT 200"};

Session SessionAt(const db::ResultSet& r, std::size_t i, std::size_t o = 0) {
  Session s;
  s.id = Str(r, i, o + 0);
  s.account_id = Str(r, i, o + 1);
  s.csrf_token = Str(r, i, o + 2);
  s.stage = Str(r, i, o + 3);
  s.amr = Str(r, i, o + 4);
  s.auth_time = Str(r, i, o + 5);
  s.created_at = Str(r, i, o + 6);
  s.last_seen_at = Str(r, i, o + 7);
  s.expires_at = Str(r, i, o + 8);
  s.ip = Str(r, i, o + 9);
  s.user_agent = Str(r, i, o + 10);
  s.acr = static_cast<int>(r.Int(i, o + 11));
  return s;
}

const Query kGetThrottle{"identity_get_throttle",
                         "SELECT failures, last_failure, COALESCE(locked_until, '') FROM login_throttle "
                         "WHERE key = $1"};
const Query kPutThrottle{
    "identity_put_throttle",
    "INSERT INTO login_throttle (key, failures, last_failure, locked_until) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
    "last_failure = excluded.last_failure, locked_until = excluded.locked_until"};
const Query kClearThrottle{"identity_clear_throttle", "DELETE FROM login_throttle WHERE key = $1"};

const Query kInsertEvent{
    "identity_insert_event",
    "INSERT INTO security_events (id, at, event, account_id, login, ip, client_id, detail, request_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"};
const Query kListEvents{
    "identity_list_events",
    "SELECT id, at, event, COALESCE(account_id, ''), login, ip, client_id, detail FROM security_events "
    "WHERE ($1 = '' OR account_id = $1) AND ($2 = '' OR id < $2) ORDER BY id DESC LIMIT $3"};

const Query kInsertReset{"identity_insert_reset",
                         "INSERT INTO password_resets (token_hash, account_id, created_at, expires_at) "
                         "VALUES ($1, $2, $3, $4)"};
const Query kConsumeReset{"identity_consume_reset",
                          "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 "
                          "AND used_at IS NULL AND expires_at > $2 RETURNING account_id"};

const Query kEnqueue{
    "identity_enqueue_notification",
    "INSERT INTO notification_outbox (id, event, channel, recipient, account_id, language, payload, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};

}  // namespace

std::optional<Agency> FindAgencyByCode(db::Connection& c, const std::string& code) {
  auto r = c.Execute(kAgencyByCode, {code});
  if (r.Empty()) return std::nullopt;
  return AgencyAt(r, 0);
}

std::optional<Agency> FindAgencyById(db::Connection& c, const std::string& id) {
  auto r = c.Execute(kAgencyById, {id});
  if (r.Empty()) return std::nullopt;
  return AgencyAt(r, 0);
}

namespace {

// What an agency is found by: its code, name and English name, folded (text::Fold), one line.
std::string SearchKey(const std::string& code, const std::string& name, const std::string& name_en) {
  return text::Fold(code + " " + name + " " + name_en);
}

// A LIKE pattern matching `q` (folded) anywhere; % and _ in the query are literal characters
// of no agency name, so they are dropped rather than escaped.
std::string Pattern(const std::string& q) {
  std::string f = text::Fold(q);
  std::erase_if(f, [](char ch) { return ch == '%' || ch == '_'; });
  return "%" + f + "%";
}

}  // namespace

std::size_t FillAgencySearchKeys(db::Connection& c) {
  std::size_t filled = 0;
  for (;;) {
    auto r = c.Execute(kAgenciesWithoutKey);
    if (r.Empty()) return filled;
    db::Transaction tx(c);
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      c.Execute(kSetAgencyKey, {r.Text(i, 0), SearchKey(r.Text(i, 1), r.Text(i, 2), r.Text(i, 3))});
    }
    tx.Commit();
    filled += r.rows.size();
  }
}

std::vector<Agency> ListAgencies(db::Connection& c, const std::string& parent_id,
                                 const std::string& q, int limit) {
  std::string like = q.empty() ? "" : Pattern(q);
  if (like == "%%") return {};  // nothing searchable was asked for
  db::ResultSet r;
  if (parent_id == "*") {
    r = c.Execute(kAgencySearch, {like, std::int64_t{limit}});
  } else if (parent_id.empty()) {
    r = c.Execute(kAgencyRoots, {like, std::int64_t{limit}});
  } else {
    r = c.Execute(kAgencyChildren, {like, std::int64_t{limit}, parent_id});
  }
  std::vector<Agency> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back(AgencyAt(r, i));
  return out;
}

std::vector<Agency> AgencySubtree(db::Connection& c, const std::string& path) {
  auto r = c.Execute(kAgencySubtree, {path + "%"});
  std::vector<Agency> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back(AgencyAt(r, i));
  return out;
}

void InsertAgency(db::Connection& c, const Agency& a, const std::string& now) {
  c.Execute(kInsertAgency, {a.id, a.code, Opt(a.code_d20), a.name, a.name_en, a.level, a.kind,
                            Opt(a.parent_id), a.path, a.address, a.phone, a.email, now, SearchKey(a.code, a.name, a.name_en)});
}

void UpdateAgency(db::Connection& c, const Agency& a, const std::string& now) {
  c.Execute(kUpdateAgency, {a.id, Opt(a.code_d20), a.name, a.name_en, a.level, a.kind, a.address,
                            a.phone, a.email, now, SearchKey(a.code, a.name, a.name_en)});
}

std::optional<Account> FindAccountByLogin(db::Connection& c, const std::string& login) {
  return FindAccount(c, kAccountByLogin, login);
}
std::optional<Account> FindAccountById(db::Connection& c, const std::string& id) {
  return FindAccount(c, kAccountById, id);
}
std::optional<Account> FindAccountByPersonalId(db::Connection& c, const std::string& pin) {
  return FindAccount(c, kAccountByPin, pin);
}

bool LoginTaken(db::Connection& c, const std::string& login) {
  return !c.Execute(kLoginTaken, {login}).Empty();
}

void InsertAccount(db::Connection& c, const Account& a, const std::string& now) {
  c.Execute(kInsertAccount,
            {a.id, a.kind, a.login, Opt(a.password_hash), a.full_name, Opt(a.personal_id),
             Opt(a.birth_date), Opt(a.gender), Opt(a.tax_code), Opt(a.business_name), Opt(a.email),
             Opt(a.phone), a.address, Opt(a.agency_id), a.language,
             std::int64_t{a.assurance_level}, now});
  for (const auto& role : a.roles) c.Execute(kInsertRole, {a.id, role});
}

void SetPasswordHash(db::Connection& c, const std::string& id, const std::string& hash,
                     const std::string& now) {
  c.Execute(kSetPassword, {id, hash, now});
}

void UpdateProfile(db::Connection& c, const Account& a, const std::string& now) {
  c.Execute(kUpdateProfile, {a.id, Opt(a.email), Opt(a.phone), a.address, a.language, now});
}

void SetTotp(db::Connection& c, const std::string& id, const std::string& secret_hex, bool enabled,
             const std::string& now) {
  c.Execute(kSetTotp, {id, Opt(secret_hex), std::int64_t{enabled ? 1 : 0}, now});
}

bool UseTotpStep(db::Connection& c, const std::string& id, std::int64_t step) {
  return c.Execute(kUseTotpStep, {id, step}).affected == 1;
}

void SetLastLogin(db::Connection& c, const std::string& id, const std::string& now) {
  c.Execute(kSetLastLogin, {id, now});
}

void SetRoles(db::Connection& c, const std::string& id, const std::vector<std::string>& roles) {
  c.Execute(kDeleteRoles, {id});
  for (const auto& role : roles) c.Execute(kInsertRole, {id, role});
}

void SetStatus(db::Connection& c, const std::string& id, const std::string& status,
               const std::string& now) {
  c.Execute(kSetStatus, {id, status, now});
}

std::vector<Account> ListOfficers(db::Connection& c, const std::string& path,
                                  const std::string& after_login, int limit) {
  auto r = c.Execute(kListOfficers, {path + "%", after_login, std::int64_t{limit}});
  std::vector<Account> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    Account a = AccountAt(r, i);
    auto roles = c.Execute(kRoles, {a.id});
    for (std::size_t k = 0; k < roles.rows.size(); ++k) a.roles.push_back(roles.Text(k, 0));
    a.agency = FindAgencyById(c, a.agency_id);
    out.push_back(std::move(a));
  }
  return out;
}

void InsertSession(db::Connection& c, const Session& s, const std::string& token_hash) {
  c.Execute(kInsertSession, {s.id, token_hash, s.account_id, s.csrf_token, s.stage, s.amr,
                             std::int64_t{s.acr}, s.auth_time, s.created_at, s.expires_at, s.ip,
                             s.user_agent});
}

std::optional<Session> FindLiveSession(db::Connection& c, const std::string& token_hash,
                                       const std::string& now) {
  auto r = c.Execute(kLiveSession, {token_hash, now});
  if (r.Empty()) return std::nullopt;
  return SessionAt(r, 0);
}

// The session, its account, the account's roles (one row each; one row with a NULL role when
// none) and the officer's agency in one statement: every signed-in request asks this. The roles
// are sorted here rather than by the statement (a sort node costs every request).
const Query kLiveSessionWithAccount{
    "identity_live_session_account",
    "SELECT s.id, s.account_id, s.csrf_token, s.stage, s.amr, s.auth_time, s.created_at, "
    "s.last_seen_at, s.expires_at, s.ip, s.user_agent, s.acr, "
    "a.id, a.kind, a.login, COALESCE(a.password_hash, ''), a.full_name, COALESCE(a.personal_id, ''), "
    "COALESCE(a.birth_date, ''), COALESCE(a.gender, ''), COALESCE(a.tax_code, ''), "
    "COALESCE(a.business_name, ''), COALESCE(a.email, ''), COALESCE(a.phone, ''), a.address, "
    "COALESCE(a.agency_id, ''), a.language, a.status, a.assurance_level, COALESCE(a.totp_secret, ''), "
    "a.totp_enabled, a.totp_last_step, r.role, "
    "g.id, g.code, COALESCE(g.code_d20, ''), g.name, g.name_en, g.level, g.kind, "
    "COALESCE(g.parent_id, ''), g.path, g.address, g.phone, g.email, "
    "(SELECT COUNT(*) FROM agencies k WHERE k.parent_id = g.id) "
    "FROM sessions s JOIN accounts a ON a.id = s.account_id "
    "LEFT JOIN account_roles r ON r.account_id = a.id "
    "LEFT JOIN agencies g ON g.id = a.agency_id "
    "WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2"};

std::optional<std::pair<Session, Account>> FindLiveSessionWithAccount(db::Connection& c,
                                                                      const std::string& token_hash,
                                                                      const std::string& now) {
  auto r = c.Execute(kLiveSessionWithAccount, {token_hash, now});
  if (r.Empty()) return std::nullopt;
  std::pair<Session, Account> out{SessionAt(r, 0), AccountAt(r, 0, 12)};
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (!r.IsNull(i, 32)) out.second.roles.push_back(Str(r, i, 32));
  }
  std::sort(out.second.roles.begin(), out.second.roles.end());
  if (!out.second.agency_id.empty() && !r.IsNull(0, 33)) out.second.agency = AgencyAt(r, 0, 33);
  return out;
}

std::optional<Session> FindSessionById(db::Connection& c, const std::string& id) {
  auto r = c.Execute(kSessionById, {id});
  if (r.Empty()) return std::nullopt;
  return SessionAt(r, 0);
}

void TouchSession(db::Connection& c, const std::string& id, const std::string& now) {
  c.Execute(kTouchSession, {id, now});
}

void ActivateSession(db::Connection& c, const std::string& id, const std::string& amr, int acr) {
  c.Execute(kActivateSession, {id, amr, std::int64_t{acr}});
}

bool RevokeSession(db::Connection& c, const std::string& id, const std::string& account_id,
                   const std::string& now) {
  return c.Execute(kRevokeSession, {id, account_id, now}).affected == 1;
}

std::int64_t RevokeOtherSessions(db::Connection& c, const std::string& account_id,
                                 const std::string& keep_id, const std::string& now) {
  return c.Execute(kRevokeOthers, {account_id, keep_id, now}).affected;
}

std::vector<Session> ListLiveSessions(db::Connection& c, const std::string& account_id,
                                      const std::string& now) {
  auto r = c.Execute(kListSessions, {account_id, now});
  std::vector<Session> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back(SessionAt(r, i));
  return out;
}

std::optional<Throttle> GetThrottle(db::Connection& c, const std::string& key) {
  auto r = c.Execute(kGetThrottle, {key});
  if (r.Empty()) return std::nullopt;
  return Throttle{static_cast<int>(r.Int(0, 0)), Str(r, 0, 1), Str(r, 0, 2)};
}

void PutThrottle(db::Connection& c, const std::string& key, const Throttle& t) {
  c.Execute(kPutThrottle, {key, std::int64_t{t.failures}, t.last_failure, Opt(t.locked_until)});
}

void ClearThrottle(db::Connection& c, const std::string& key) { c.Execute(kClearThrottle, {key}); }

void RecordEvent(db::Connection& c, const SecurityEvent& e, const std::string& now) {
  c.Execute(kInsertEvent, {core::Uuid::NewV7().ToString(), now, e.event, Opt(e.account_id),
                           e.login, e.ip, e.client_id, e.detail, e.request_id});
}

std::vector<StoredEvent> ListEvents(db::Connection& c, const std::string& account_id,
                                    const std::string& before_id, int limit) {
  auto r = c.Execute(kListEvents, {account_id, before_id, std::int64_t{limit}});
  std::vector<StoredEvent> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    out.push_back({Str(r, i, 0), Str(r, i, 1), Str(r, i, 2), Str(r, i, 3), Str(r, i, 4),
                   Str(r, i, 5), Str(r, i, 6), Str(r, i, 7)});
  }
  return out;
}

void InsertPasswordReset(db::Connection& c, const std::string& token_hash,
                         const std::string& account_id, const std::string& now,
                         const std::string& expires_at) {
  c.Execute(kInsertReset, {token_hash, account_id, now, expires_at});
}

std::optional<std::string> ConsumePasswordReset(db::Connection& c, const std::string& token_hash,
                                                const std::string& now) {
  auto r = c.Execute(kConsumeReset, {token_hash, now});
  if (r.Empty()) return std::nullopt;
  return r.Text(0, 0);
}

void EnqueueNotification(db::Connection& c, const OutboxMessage& m, const std::string& now) {
  c.Execute(kEnqueue, {core::Uuid::NewV7().ToString(), m.event, m.channel, m.recipient,
                       Opt(m.account_id), m.language, m.payload, now});
}

}  // namespace motcua::identity::store

namespace motcua::identity::store {

std::vector<RowError> ApplyAgencyImport(db::Connection& c, const std::vector<AgencyRecord>& rows,
                                        const ImportScope& scope, const std::string& now,
                                        std::size_t* created, std::size_t* updated) {
  std::vector<RowError> errors;
  std::map<std::string, std::size_t> seen;
  std::set<std::string> seen_d20;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CheckAgencyRecord(rows[i], i + 1, errors);
    if (!seen.emplace(rows[i].code, i).second) {
      errors.push_back({i + 1, rows[i].code, "code", "Mã bị lặp trong tệp / duplicate code in the file"});
    }
    if (!rows[i].code_d20.empty() && !seen_d20.insert(rows[i].code_d20).second) {
      errors.push_back({i + 1, rows[i].code, "code_d20", "Mã bị lặp trong tệp / duplicate code in the file"});
    }
  }
  if (!errors.empty()) return errors;

  std::map<std::string, Agency> resolved;  // code → stored or inserted agency
  std::vector<bool> done(rows.size(), false);
  std::size_t remaining = rows.size();
  // Parents first: repeat passes until nothing more can be placed.
  for (bool progress = true; remaining > 0 && progress;) {
    progress = false;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (done[i]) continue;
      const AgencyRecord& r = rows[i];
      std::optional<Agency> parent;
      if (!r.parent_code.empty()) {
        if (auto it = resolved.find(r.parent_code); it != resolved.end()) {
          parent = it->second;
        } else if (seen.contains(r.parent_code)) {
          continue;  // the parent is later in the file; place it first
        } else {
          parent = FindAgencyByCode(c, r.parent_code);
          if (!parent) {
            errors.push_back({i + 1, r.code, "parent_code",
                              "Không có cơ quan cấp trên mã " + r.parent_code + " / unknown parent " +
                                  r.parent_code});
            done[i] = true;
            --remaining;
            progress = true;
            continue;
          }
        }
      }
      done[i] = true;
      --remaining;
      progress = true;
      auto existing = FindAgencyByCode(c, r.code);
      std::string check_path = existing ? existing->path : (parent ? parent->path : "");
      bool allowed = scope.path.empty() ||
                     (!check_path.empty() && check_path.starts_with(scope.path) &&
                      (existing || parent));
      if (!parent && !existing && !scope.may_create_roots) allowed = false;
      if (!allowed) {
        errors.push_back({i + 1, r.code, "code",
                          "Ngoài phạm vi quản lý của bạn / outside the agencies you administer"});
        continue;
      }
      // Checked before writing: on PostgreSQL a failed statement aborts the transaction.
      static const db::Query kD20Taken{"identity_agency_d20_taken",
                                       "SELECT 1 FROM agencies WHERE code_d20 = $1 AND code <> $2"};
      if (!r.code_d20.empty() && !c.Execute(kD20Taken, {r.code_d20, r.code}).Empty()) {
        errors.push_back({i + 1, r.code, "code_d20",
                          "Mã theo Quyết định 20/2020 đã được dùng / the Decision 20/2020 code is taken"});
        continue;
      }
      Agency a;
      a.code = r.code;
      a.code_d20 = r.code_d20;
      a.name = r.name;
      a.name_en = r.name_en;
      a.level = r.level;
      a.kind = r.kind;
      a.address = r.address;
      a.phone = r.phone;
      a.email = r.email;
      if (existing) {
        if (existing->parent_id != (parent ? parent->id : "")) {
          errors.push_back({i + 1, r.code, "parent_code",
                            "Không hỗ trợ chuyển cơ quan sang cấp trên khác / moving an agency to "
                            "another parent is not supported"});
          continue;
        }
        a.id = existing->id;
        a.parent_id = existing->parent_id;
        a.path = existing->path;
        UpdateAgency(c, a, now);
        if (updated) ++*updated;
      } else {
        a.id = core::Uuid::NewV7().ToString();
        a.parent_id = parent ? parent->id : "";
        a.path = (parent ? parent->path : "/") + a.id + "/";
        InsertAgency(c, a, now);
        if (created) ++*created;
      }
      resolved[a.code] = a;
    }
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!done[i]) {
      errors.push_back({i + 1, rows[i].code, "parent_code",
                        "Vòng lặp cấp trên trong tệp / the parents in the file form a cycle"});
    }
  }
  return errors;
}

}  // namespace motcua::identity::store

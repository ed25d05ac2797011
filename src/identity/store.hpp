// SQL of the identity module (named queries, both engines). Every function runs on the
// connection it is given, inside the caller's transaction when there is one; throws DbError.
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "identity/agencies.hpp"

namespace motcua::identity::store {

struct Agency {
  std::string id, code, code_d20, name, name_en, level, kind, parent_id, path, address, phone,
      email;
  std::int64_t child_count = 0;
};

struct Account {
  std::string id, kind, login, password_hash, full_name, personal_id, birth_date, gender,
      tax_code, business_name, email, phone, address, agency_id, language = "vi", status = "active";
  int assurance_level = 1;
  std::string totp_secret;  ///< hex of the raw secret; empty when not enrolled
  bool totp_enabled = false;
  std::int64_t totp_last_step = 0;
  std::vector<std::string> roles;
  std::optional<Agency> agency;  ///< filled by the Find* functions for officers
};

struct Session {
  std::string id, account_id, csrf_token, stage, amr, auth_time, created_at, last_seen_at,
      expires_at, ip, user_agent;
  int acr = 1;
};

// Agencies
std::optional<Agency> FindAgencyByCode(db::Connection& c, const std::string& code);
std::optional<Agency> FindAgencyById(db::Connection& c, const std::string& id);
/// Children of `parent_id` (roots when empty), optionally filtered by a name/code substring; at
/// most `limit`, ordered by code.
std::vector<Agency> ListAgencies(db::Connection& c, const std::string& parent_id,
                                 const std::string& q, int limit);
/// The subtree under `path` (every agency when empty), parents before children.
std::vector<Agency> AgencySubtree(db::Connection& c, const std::string& path);
void InsertAgency(db::Connection& c, const Agency& a, const std::string& now);
/// Fills the search key of agencies written before it existed; how many. Run at start-up.
std::size_t FillAgencySearchKeys(db::Connection& c);
void UpdateAgency(db::Connection& c, const Agency& a, const std::string& now);

// Accounts
std::optional<Account> FindAccountByLogin(db::Connection& c, const std::string& login);
std::optional<Account> FindAccountById(db::Connection& c, const std::string& id);
std::optional<Account> FindAccountByPersonalId(db::Connection& c, const std::string& pin);
bool LoginTaken(db::Connection& c, const std::string& login);
void InsertAccount(db::Connection& c, const Account& a, const std::string& now);
void SetPasswordHash(db::Connection& c, const std::string& account_id, const std::string& hash,
                     const std::string& now);
void UpdateProfile(db::Connection& c, const Account& a, const std::string& now);
void SetTotp(db::Connection& c, const std::string& account_id, const std::string& secret_hex,
             bool enabled, const std::string& now);
/// Records a used TOTP step; false when a step at least as late was already used (replay).
bool UseTotpStep(db::Connection& c, const std::string& account_id, std::int64_t step);
void SetLastLogin(db::Connection& c, const std::string& account_id, const std::string& now);
void SetRoles(db::Connection& c, const std::string& account_id, const std::vector<std::string>& roles);
void SetStatus(db::Connection& c, const std::string& account_id, const std::string& status,
               const std::string& now);
/// Officers whose agency lies under `path`, ordered by login after `after_login`.
std::vector<Account> ListOfficers(db::Connection& c, const std::string& path,
                                  const std::string& after_login, int limit);

// Sessions
void InsertSession(db::Connection& c, const Session& s, const std::string& token_hash);
/// A live (not revoked, not expired at `now`) session by its token's hash.
/// A live session with its account (roles and agency filled), in one statement.
std::optional<std::pair<Session, Account>> FindLiveSessionWithAccount(db::Connection& c,
                                                                      const std::string& token_hash,
                                                                      const std::string& now);
std::optional<Session> FindLiveSession(db::Connection& c, const std::string& token_hash,
                                       const std::string& now);
std::optional<Session> FindSessionById(db::Connection& c, const std::string& id);
void TouchSession(db::Connection& c, const std::string& id, const std::string& now);
void ActivateSession(db::Connection& c, const std::string& id, const std::string& amr, int acr);
/// Revokes one session of an account; false when there is no such live session.
bool RevokeSession(db::Connection& c, const std::string& id, const std::string& account_id,
                   const std::string& now);
/// Revokes every session of an account except `keep_id`; how many.
std::int64_t RevokeOtherSessions(db::Connection& c, const std::string& account_id,
                                 const std::string& keep_id, const std::string& now);
std::vector<Session> ListLiveSessions(db::Connection& c, const std::string& account_id,
                                      const std::string& now);

// Throttling
struct Throttle {
  int failures = 0;
  std::string last_failure;
  std::string locked_until;
};
std::optional<Throttle> GetThrottle(db::Connection& c, const std::string& key);
void PutThrottle(db::Connection& c, const std::string& key, const Throttle& t);
void ClearThrottle(db::Connection& c, const std::string& key);

// Security events (never pass secrets in `detail`)
struct SecurityEvent {
  std::string event, account_id, login, ip, client_id, detail, request_id;
};
void RecordEvent(db::Connection& c, const SecurityEvent& e, const std::string& now);
struct StoredEvent {
  std::string id, at, event, account_id, login, ip, client_id, detail;
};
/// Newest first, before `before_id` when given.
std::vector<StoredEvent> ListEvents(db::Connection& c, const std::string& account_id,
                                    const std::string& before_id, int limit);

// Password resets
void InsertPasswordReset(db::Connection& c, const std::string& token_hash,
                         const std::string& account_id, const std::string& now,
                         const std::string& expires_at);
/// The account of an unused, unexpired reset token, marking it used; nullopt otherwise.
std::optional<std::string> ConsumePasswordReset(db::Connection& c, const std::string& token_hash,
                                                const std::string& now);

// Notification outbox
struct OutboxMessage {
  std::string event, channel, recipient, account_id, language, payload;
};
void EnqueueNotification(db::Connection& c, const OutboxMessage& m, const std::string& now);

}  // namespace motcua::identity::store

namespace motcua::identity::store {

/// Who may write which agencies during an import: a path prefix they cover (empty = anywhere,
/// sysadmin) and whether they may create roots.
struct ImportScope {
  std::string path;
  bool may_create_roots = false;
};

/// Inserts new agencies and updates existing ones (by `code`) in the caller's transaction.
/// Rows may come in any order; a parent must be in the file or already stored. Returns every
/// row problem; when any is returned the caller must roll back.
std::vector<RowError> ApplyAgencyImport(db::Connection& c, const std::vector<AgencyRecord>& rows,
                                        const ImportScope& scope, const std::string& now,
                                        std::size_t* created, std::size_t* updated);

}  // namespace motcua::identity::store

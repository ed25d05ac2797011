// The notification outbox as other modules write to it (DESIGN.md §5, Decree 61/2018
// Art. 17–19): messages are written in the caller's transaction, so a change and the news of
// it commit together; the sender delivers them later. This is the whole of what other modules
// need from `notify`.
#pragma once

#include <string>
#include <string_view>

#include "db/database.hpp"

namespace motcua::notify {

/// Queues `event` for an account in the caller's transaction: an in-app message (listed at
/// once), an e-mail when the account has an address and an SMS when it has a phone number,
/// each in the account's language. `payload_json` is a JSON object of the event's fields
/// (templates.hpp); the account's name is added as `full_name`. Nothing is queued for an
/// unknown account. Throws db::DbError like any write (the caller's transaction then rolls back).
void Enqueue(db::Connection& c, std::string_view event, const std::string& account_id,
             const std::string& payload_json, const std::string& now);

/// What Enqueue reads of the account.
struct Contact {
  std::string email, phone, language, full_name;
};

/// Enqueue for a caller that has just read the account's contact data in this transaction.
void EnqueueTo(db::Connection& c, std::string_view event, const std::string& account_id, const Contact& contact,
               const std::string& payload_json, const std::string& now);

/// Queues `event` for someone without an account (a petitioner who gave only an e-mail address
/// or a phone number): an e-mail and/or an SMS in `language` (`vi` or `en`). Nothing when both
/// are empty.
void EnqueueToAddress(db::Connection& c, std::string_view event, const std::string& email, const std::string& phone,
                      const std::string& language, const std::string& payload_json, const std::string& now);

/// An in-app notice for everyone in an agency (deadline warnings): listed for its officers;
/// one read mark for the whole agency.
void EnqueueForAgency(db::Connection& c, std::string_view event, const std::string& agency_id,
                      const std::string& payload_json, const std::string& now);

}  // namespace motcua::notify

// Feedback and petitions (PAKN) as the routes use them: submission (signed in, anonymous with
// contact details, entered by an officer from a letter, call or e-mail, or through Open311),
// the officer lifecycle with stage deadlines, duplicates and merging, publication with personal
// data hidden, the petitioner's rating, the deadline watcher, Open311 integrators' keys, and
// citizens' questions that become catalog FAQ entries. Every call blocks (database): call from
// the worker pool. Thread-safe.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "calendar/work_calendar.hpp"
#include "catalog/service.hpp"
#include "core/error.hpp"
#include "core/periodic.hpp"
#include "db/database.hpp"
#include "identity/auth.hpp"

namespace motcua::feedback {

/// The calendar of an agency ("" = the national calendar).
using CalendarFor = std::function<calendar::WorkCalendar(db::Connection&, const std::string& agency_id)>;

/// Where a new item comes from, and the caller when signed in.
struct Origin {
  std::string source = "online";      ///< online | open311 | letter | phone | email
  const identity::Principal* who = nullptr;
  std::string api_key_id;             ///< open311
};

/// A service type: a PAKN category or the procedures of a catalog field.
struct ServiceType {
  std::string code, name, description, group, keywords;
  std::string field_code;  ///< empty for the two PAKN categories
};

struct WatchReport {
  std::size_t overdue = 0;
  std::size_t failed = 0;  ///< items the database refused to mark (tried again next pass)
};

class Service {
 public:
  Service(db::Database& db, catalog::Catalog& catalog, CalendarFor calendar);

  /// The service types, in a stable order: PAKN-HC (conduct), PAKN-QD (regulations), then
  /// LV-<field code> for each field of the catalog.
  std::vector<ServiceType> ServiceTypes(bool en);
  /// The published procedures of a field service type (code, name), at most 200.
  std::vector<std::pair<std::string, std::string>> ProceduresOf(const ServiceType& t, bool en);

  /// Validates and records a new item. `body`: category (a service code), title, content,
  /// procedure_code, dossier_code, agency_code, full_name, email, phone, address, location,
  /// lat, long, media_url, device_id, attachment_ids. The petitioner's contact: from the account
  /// when signed in as a citizen; otherwise full_name and an e-mail or phone are required.
  core::Result<boost::json::object> Submit(const Origin& origin, const boost::json::object& body, bool en);
  core::Result<boost::json::object> Get(const identity::Principal& who, const std::string& code, bool en);
  /// An officer action (lifecycle.hpp). kConflict carries the allowed actions (field
  /// "allowed_actions", comma-separated).
  core::Result<boost::json::object> Act(const identity::Principal& who, const std::string& code, const std::string& action,
                                        const boost::json::object& body, bool en);
  /// The public title, content and answer as `publish` would write them (personal data hidden),
  /// from the item's texts or the edited `public_title`, `public_content`, `public_answer` in
  /// `body`; nothing is written. For the leader to read before publishing.
  core::Result<boost::json::object> PublicationPreview(const identity::Principal& who, const std::string& code,
                                                       const boost::json::object& body);
  /// The petitioner rates the answer (1 not satisfied, 2 satisfied, 3 very satisfied); again to change it.
  core::Result<boost::json::object> Rate(const identity::Principal& who, const std::string& code, const boost::json::object& body, bool en);
  /// A petitioner without an account: the item by its code and the lookup key given at
  /// submission (status, timeline, answer; no contact details). An unknown code and a wrong key
  /// are the same kNotFound.
  core::Result<boost::json::object> Lookup(const std::string& code, const std::string& key, bool en);
  /// The same petitioner rates the answer (as Rate).
  core::Result<boost::json::object> LookupRate(const std::string& code, const std::string& key, const boost::json::object& body, bool en);
  core::Result<boost::json::object> Mine(const identity::Principal& who, std::size_t offset, std::size_t limit, bool en);
  /// Items of the officer's agency subtree: box all | open | at_risk (due within one working
  /// day) | overdue | closed.
  core::Result<boost::json::object> Inbox(const identity::Principal& who, const std::string& box, std::size_t offset,
                                          std::size_t limit, bool en);
  /// Open items about the same procedure (or of the same category without one) whose text is
  /// similar, best first.
  core::Result<boost::json::object> Similar(const identity::Principal& who, const std::string& code, bool en);
  /// Published answers matching `q` (folded), newest first; no personal data.
  core::Result<boost::json::object> PublicSearch(const std::string& q, const std::string& procedure, std::size_t offset,
                                                 std::size_t limit, bool en);

  /// One pass of the watcher: items past their stage deadline are noticed once to their agency
  /// (feedback.overdue) and the petitioner is not bothered. Safe on several nodes.
  WatchReport WatchDeadlines(std::chrono::system_clock::time_point now);

  // Open311 (GeoReport v2).
  /// The key's id when `key` is a live integrator key; kForbidden otherwise.
  core::Result<std::string> CheckApiKey(const std::string& key);
  /// `{service_request_id …}` rows for `GET requests`: filters service_request_id (comma list),
  /// service_code, start_date, end_date, status; `page`/`page_size`.
  core::Result<boost::json::array> Open311Requests(const std::vector<std::string>& ids, const std::string& service_code,
                                                   const std::string& start, const std::string& end, const std::string& status,
                                                   std::size_t page, std::size_t page_size, bool en);
  /// One item as a GeoReport v2 request (row `i` of an item query).
  boost::json::object Open311Request(db::Connection& c, const db::ResultSet& r, std::size_t i,
                                   const std::vector<ServiceType>& types, bool en);
  /// The service_request_id of a token (the item's id); kNotFound otherwise.
  core::Result<std::string> CodeOfToken(const std::string& token);
  core::Result<boost::json::object> IssueKey(const identity::Principal& who, const boost::json::object& body);
  core::Result<boost::json::object> ListKeys(const identity::Principal& who);
  core::Result<void> RevokeKey(const identity::Principal& who, const std::string& id);

  // Questions (hỏi đáp).
  core::Result<boost::json::object> Ask(const identity::Principal& who, const boost::json::object& body);
  core::Result<boost::json::object> MyQuestions(const identity::Principal& who);
  core::Result<boost::json::object> QuestionInbox(const identity::Principal& who, const std::string& status);
  /// Answers an open question (officer of the procedure's agency).
  core::Result<boost::json::object> AnswerQuestion(const identity::Principal& who, const std::string& id, const boost::json::object& body);
  /// Publishes an answered question as a FAQ entry of the procedure (question and answer may be
  /// edited first); the catalog shows it at once.
  core::Result<boost::json::object> PublishQuestion(const identity::Principal& who, const std::string& id, const boost::json::object& body);

  /// Tests only: called inside the answer transaction after the primary item is written and
  /// before the merged items are, so a failure there can be provoked.
  std::function<void()> during_answer_for_test;
  /// Tests only: called inside a lookup rating's transaction after the rating is written.
  std::function<void()> during_rating_for_test;

  db::Database& Db() { return db_; }

 private:
  std::optional<std::string> LookupId(db::Connection& c, const std::string& code, const std::string& key);

  db::Database& db_;
  catalog::Catalog& catalog_;
  CalendarFor calendar_;
  // Where a deadline-watcher pass that gave up (see db::Refusals) stopped (due, id): the next
  // pass starts after it, so items the database keeps refusing at the head of the due order
  // cannot hold back those behind them for good. Empty: from the start.
  std::mutex watch_mu_;  // one pass at a time
  std::pair<std::string, std::string> resume_;
};

/// Runs Service::WatchDeadlines every `interval` on its own thread until destroyed.
class DeadlineWatcher {
 public:
  DeadlineWatcher(Service& service, std::chrono::seconds interval);

 private:
  core::PeriodicJob job_;
};

}  // namespace motcua::feedback

// Dossier processing as the routes use it: attachments, drafts, submission (idempotent, with
// the Circular 01/2018 dossier code), workflow actions, the officer inbox, tracking, rating,
// official forms and registers, and the deadline watcher. Every call blocks (database, blob
// store): call from the worker pool. Thread-safe.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "calendar/work_calendar.hpp"
#include "catalog/service.hpp"
#include "core/error.hpp"
#include "db/blob_store.hpp"
#include "db/database.hpp"
#include "identity/auth.hpp"

namespace motcua::dossier {

/// Limits of uploads (per file and per dossier) and of list pages.
struct Limits {
  std::int64_t max_attachment_bytes = 10 * 1024 * 1024;
  std::size_t max_attachments_per_dossier = 30;
};

/// The calendar of an agency (working hours, holidays); supplied by the calendar module.
using CalendarFor = std::function<calendar::WorkCalendar(db::Connection&, const std::string& agency_id)>;

/// A submission's outcome: the dossier, and whether it was made now or by an earlier request
/// with the same Idempotency-Key.
struct Submitted {
  boost::json::object dossier;
  bool replayed = false;
};

/// What a deadline-watcher pass did.
struct WatchReport {
  std::size_t at_risk = 0, overdue = 0, late_steps = 0;
  std::size_t failed = 0;  ///< dossiers and steps the database refused to mark (tried again next pass)
};

class PlanCache;

/// A change of a dossier's national status, told to the observer inside the transaction that
/// makes it (so what the observer writes commits or rolls back with it).
struct StatusChange {
  std::string dossier_id, code, procedure_code, agency_id, action;  ///< agency_id: the handling agency
  int from = 0, to = 0;
  boost::json::object data;  ///< the action's recorded data (request_payment: amount, reason, items)
};
using StatusObserver = std::function<void(db::Connection&, const StatusChange&)>;

/// A dossier the applicant holds elsewhere (on the national portal: at another member), listed
/// in "my dossiers" next to the local ones. `item` is the list entry as answered; Mine fills
/// `status_label` when it is missing.
struct OtherDossier {
  std::chrono::system_clock::time_point submitted;  ///< the merge order (newest first, then code)
  std::string code;
  boost::json::object item;
};
/// The first `n` of the caller's other dossiers (status 0: any), newest first, and how many
/// there are; on the connection of the listing.
using OtherDossiers = std::function<std::pair<std::vector<OtherDossier>, std::int64_t>(
    db::Connection&, const identity::Principal&, int status, std::size_t n)>;

/// What the payment module needs of a dossier the caller may see.
struct PaymentFacts {
  std::string id, code, procedure_code, procedure_name, agency_id, agency_code, agency_name, agency_path;
  std::string applicant_name, applicant_id_number;
  int status = 0;
  bool owner = false;    ///< the caller submitted it
  bool officer = false;  ///< the caller is an officer who may see it
};

/// The columns public tracking reads of a dossier.
struct TrackRow {
  std::string code, procedure_code, procedure_name, stage, applicant_id_number, id, handling_agency_id;
  int status = 0;
  std::optional<std::string> received_at, due_at, returned_at, owner_account;
};

class Service {
 public:
  Service(db::Database& db, catalog::Catalog& catalog, db::BlobStore& blobs, CalendarFor calendar, Limits limits = {});

  // Attachments (tệp đính kèm), streamed: StartUpload checks the name and declared type before
  // any byte is read; Check looks at the bytes received so far (content sniffed from the first
  // 16, the size limit) without I/O; Append writes to the blob store and Finish records the
  // attachment (both block: call them on the worker pool). Destroying an unfinished upload
  // discards what was written.
  struct Upload {
    std::string name, content_type;
    std::int64_t size = 0;     ///< bytes appended or checked so far
    bool sniffed = false;
    std::unique_ptr<db::BlobWriter> writer;  ///< made by the first Append
  };
  core::Result<Upload> StartUpload(std::string name, std::string content_type, std::optional<std::uint64_t> declared) const;
  /// `received` are the bytes not yet appended; `end` when the body is complete.
  core::Result<void> CheckUpload(Upload& upload, std::string_view received, bool end) const;
  core::Result<void> AppendUpload(Upload& upload, std::string_view bytes);
  core::Result<boost::json::object> FinishUpload(const identity::Principal& who, Upload& upload);
  /// Metadata (name, content type, sha256) of an attachment the caller may read.
  core::Result<boost::json::object> Attachment(const identity::Principal& who, const std::string& id);

  /// Everything the submission wizard needs for one procedure.
  core::Result<boost::json::object> SubmissionTemplate(const identity::Principal& who, const std::string& code, bool en);

  // Drafts.
  core::Result<boost::json::object> ListDrafts(const identity::Principal& who);
  core::Result<boost::json::object> SaveDraft(const identity::Principal& who, const std::string& id,
                                              const boost::json::object& body);
  core::Result<boost::json::object> GetDraft(const identity::Principal& who, const std::string& id);
  core::Result<void> DeleteDraft(const identity::Principal& who, const std::string& id);

  /// Submits (online by an applicant; in person or by post when entered by a receiver).
  core::Result<Submitted> Submit(const identity::Principal& who, const boost::json::object& body,
                                 const std::string& idempotency_key, bool en);
  core::Result<boost::json::object> Get(const identity::Principal& who, const std::string& code, bool en);
  /// Takes a workflow action. kConflict carries the allowed actions in its fields
  /// (field "allowed_actions", message = comma-separated names).
  core::Result<boost::json::object> Act(const identity::Principal& who, const std::string& code,
                                        const std::string& action, const boost::json::object& body, bool en);
  core::Result<boost::json::object> Mine(const identity::Principal& who, std::optional<int> status,
                                         std::size_t offset, std::size_t limit, bool en);
  core::Result<boost::json::object> Inbox(const identity::Principal& who, const std::string& box,
                                          const std::string& q, const std::string& sort,
                                          std::size_t offset, std::size_t limit, bool en);
  core::Result<boost::json::object> Officers(const identity::Principal& who, const std::string& agency, const std::string& role);
  /// Public tracking, in three parts so that many lookups share one query (http::Coalescer):
  /// the rows of `codes` (those that exist), keyed by code;
  std::unordered_map<std::string, TrackRow> TrackRows(const std::vector<std::string>& codes);
  /// the public answer for a row (no database);
  boost::json::object TrackPublic(const TrackRow& row, bool en) const;
  /// whether the caller may see the steps: the signed-in owner, or anyone with the owner's ID
  /// number (Circular 01/2018 Art. 16 §2d);
  static bool TrackOwner(const TrackRow& row, const std::optional<identity::Principal>& who, const std::string& id_number);
  /// and, for the owner, the handling agency and the steps down to the department.
  void AddTrackDetails(boost::json::object& answer, const TrackRow& row, bool en);
  core::Result<boost::json::object> Rate(const identity::Principal& who, const std::string& code,
                                         const boost::json::object& body, bool edit);
  /// Data of an official form: `mau-01` … `mau-06` (also spelt `mau01` … `mau06`); Mẫu 06 is
  /// this dossier's line of the register, for officers only (kForbidden before any lookup).
  /// kNotFound for a dossier the caller cannot see or an unknown form; kConflict when the
  /// dossier has no such form (Mẫu 03 for a dossier that was not refused).
  core::Result<boost::json::object> Form(const identity::Principal& who, const std::string& code, const std::string& form, bool en);
  /// Mẫu 06 register of the officer's agency subtree for received dates in [from, to] (local):
  /// `{form, title, agency_name, from, to, rows:[{code, procedure_name, applicant_name,
  /// received_at, due_at, transferred_at, finished_at, returned_at, status_label, note}]}`.
  core::Result<boost::json::object> RegisterData(const identity::Principal& who, const std::string& from, const std::string& to);
  /// Mẫu 06 register of the officer's agency subtree for received dates in [from, to] (local).
  core::Result<std::string> RegisterCsv(const identity::Principal& who, const std::string& from, const std::string& to);
  /// Mẫu 05 control sheet of one dossier.
  core::Result<std::string> ControlSheetCsv(const identity::Principal& who, const std::string& code);

  /// The procedure's configuration with its `revision` (the route's ETag).
  core::Result<boost::json::object> GetConfig(const identity::Principal& who, const std::string& procedure_code);
  /// Saves it. With `if_match` (a revision from GetConfig) only over that revision: kConflict,
  /// nothing written, when someone saved meanwhile.
  core::Result<boost::json::object> PutConfig(const identity::Principal& who, const std::string& procedure_code,
                                              const boost::json::object& config, const std::optional<std::string>& if_match = std::nullopt);

  /// One pass of the deadline watcher at `now`: marks dossiers due within one working day and
  /// overdue, records late steps, and queues notifications (each dossier's mark and its
  /// notifications in one transaction). Goes through every candidate, page by page; one the
  /// database refuses to mark is left for the next pass without stopping this one. Safe to run
  /// on several nodes.
  WatchReport WatchDeadlines(std::chrono::system_clock::time_point now);

  /// Submits a life-event bundle (nhóm thủ tục liên thông, DOMAIN.md §10.3): one child
  /// dossier per procedure of the bundle, at the agency that handles it, all in one
  /// transaction. The applicant's form is entered once (`form`, merged into every child's)
  /// and a paper needed by several procedures is uploaded once (`documents`, matched by name).
  core::Result<boost::json::object> SubmitBundle(const identity::Principal& who, const std::string& bundle_code,
                                                 const boost::json::object& body, const std::string& idempotency_key, bool en);
  /// A bundle of the caller's (or one an officer handles a child of), its children and the
  /// status derived from theirs.
  core::Result<boost::json::object> GetBundle(const identity::Principal& who, const std::string& id, bool en);

  /// Set once, before serving (app/ wires the payment module here). Runs inside the
  /// transaction of every action that changes the status; throwing rolls the action back.
  void SetStatusObserver(StatusObserver observer) { observer_ = std::move(observer); }
  /// Set once, before serving (app/ wires the national portal's view here): Mine lists these
  /// too, merged by submission instant.
  void SetOtherDossiers(OtherDossiers others) { others_ = std::move(others); }
  /// The dossier `code` when `who` may see it (kNotFound otherwise, as Get). On `c`.
  core::Result<PaymentFacts> FactsForPayment(db::Connection& c, const identity::Principal& who, const std::string& code);
  /// The payment platform confirmed the money: a dossier waiting for payment (status 6) goes
  /// back where it was, as the confirm_payment action taken by the system, inside `c`'s open
  /// transaction. False (nothing written) when the dossier is not waiting for payment.
  bool ConfirmPaymentOn(db::Connection& c, const std::string& dossier_id, const boost::json::object& data);

  /// Tests only: called inside the submission transaction just before it commits.
  std::function<void()> before_submit_commit_for_test;
  /// Tests only: called inside a workflow action's transaction just before it commits.
  std::function<void()> before_action_commit_for_test;

  db::Database& Db() { return db_; }

 private:
  core::Result<Submitted> SubmitOn(db::Connection& conn, const identity::Principal& who, const boost::json::object& body,
                                   const std::string& key, bool en, const std::string* bundle_id);

  db::Database& db_;
  catalog::Catalog& catalog_;
  db::BlobStore& blobs_;
  CalendarFor calendar_;
  Limits limits_;
  std::shared_ptr<PlanCache> plans_;
  StatusObserver observer_;
  OtherDossiers others_;
  // Where a deadline-watcher pass that gave up (see db::Refusals) stopped: the next pass starts
  // after it, so rows the database keeps refusing at the head of the due order cannot hold back
  // those behind them for good. Empty: from the start.
  struct WatchKey {
    std::string due, id;
    std::int64_t seq = 0;
  };
  std::mutex watch_mu_;  // one pass at a time
  WatchKey resume_dossiers_, resume_steps_;
};

/// The content type the bytes really are (application/pdf, image/jpeg, image/png), or "".
std::string SniffContentType(std::string_view head);

}  // namespace motcua::dossier

#include "core/periodic.hpp"

namespace motcua::dossier {

/// Runs Service::WatchDeadlines every `interval` on its own thread until destroyed.
class DeadlineWatcher {
 public:
  DeadlineWatcher(Service& service, std::chrono::seconds interval);

 private:
  core::PeriodicJob job_;
};

}  // namespace motcua::dossier

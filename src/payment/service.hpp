// Payments of dossiers (DOMAIN.md §2.9, docs/payment.md): payment requests raised by the
// workflow (status 6), transactions at the payment platform (INIT, the signed confirmation
// callback, QUERY re-query of lost callbacks, GET_BILL), cancellation and refund-due on
// withdrawal or refusal, and the append-only ledger. Every call blocks (database, platform):
// call from the worker pool or a job thread. Thread-safe.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/periodic.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "dossier/service.hpp"
#include "identity/auth.hpp"
#include "payment/pdf_sign.hpp"
#include "payment/protocol.hpp"

namespace motcua::payment {

/// Where and how we talk to the payment platform. Payments are off while `platform_url` is empty.
struct Settings {
  std::string platform_url, partner, secret, token;
  std::chrono::seconds first_query_after{60};  ///< a transaction's first re-query, after INIT
  std::chrono::seconds requery_every{60};
  /// How long an attempt may stay pending: the re-query job expires older ones the platform
  /// has not settled (the citizen starts a new one).
  std::chrono::seconds validity{15 * 60};
  /// The deployment's public base URL: the e-receipts' QR codes link its tracking page.
  std::function<std::string()> public_url;
  /// Signs our e-receipts (PDF signature) when the deployment has a key and certificate.
  std::shared_ptr<const PdfSigner> receipt_signer;
  bool Enabled() const { return !platform_url.empty(); }
};

/// The payment platform as the service uses it (the seam tests and the sandbox stand behind).
class Gateway {
 public:
  virtual ~Gateway() = default;
  /// INIT; the URL to send the payer to.
  virtual core::Result<std::string> Init(const payment::Init& message) = 0;
  /// QUERY; the platform's signed answer (TrangThaiGD, MaLoi, amount…), verified.
  virtual core::Result<Confirmation> Query(const std::string& reference) = 0;
  /// GET_BILL; the PDF e-receipt.
  virtual core::Result<std::string> GetBill(const std::string& reference) = 0;
  /// DOI_SOAT; the provider's statement of the local day `yyyyMMdd` as CSV (reconcile.hpp).
  virtual core::Result<std::string> Statement(const std::string& day) = 0;
};

/// The platform over HTTP (http::FetchBlocking): one JSON POST per message to `platform_url`.
std::unique_ptr<Gateway> MakeHttpGateway(const Settings& settings);

/// The answer to a callback: HTTP status and the signed reply body.
struct CallbackReply {
  int status = 200;
  std::string body;
  bool settled_now = false;  ///< this delivery changed state (false for replays and refusals)
};

/// What a re-query pass did.
struct RequeryReport {
  std::size_t queried = 0, settled = 0, failed = 0, expired = 0;
};

class Service {
 public:
  /// `settle_db`, when given, is where callbacks are settled (SQLite: one connection whose page
  /// cache stays warm; the settlement is serialised by SQLite's write lock anyway).
  Service(db::Database& db, dossier::Service& dossiers, Settings settings, std::unique_ptr<Gateway> gateway,
          db::Database* settle_db = nullptr);

  /// Wired as the dossier module's status observer: raises a request at request_payment,
  /// cancels open requests (and marks taken money refund-due) when the dossier is withdrawn,
  /// refused or stopped, closes them when an officer confirms payment at the counter.
  void OnStatusChange(db::Connection& c, const dossier::StatusChange& change);

  /// The dossier's payment requests, transactions and ledger (owner and its officers).
  core::Result<boost::json::object> List(const identity::Principal& who, const std::string& code);
  /// The owner starts paying an open request (`request_id`, or the first open one): INIT at the
  /// platform; answers {reference, pay_url, amount}. Idempotent per Idempotency-Key.
  core::Result<boost::json::object> Start(const identity::Principal& who, const std::string& code, const std::string& request_id,
                                          const std::string& idempotency_key, const std::string& payer_ip);
  /// The platform's confirmation callback: verifies MaXacThuc in constant time, the partner,
  /// amount, currency and reference; settles once per MaThamChieu; always a signed reply.
  CallbackReply Callback(std::string_view body);
  /// GET_BILL pass-through: the platform's PDF e-receipt of a settled transaction.
  core::Result<std::string> Receipt(const identity::Principal& who, const std::string& code, const std::string& reference);
  /// Our e-receipt (biên lai) of one kind (`phi`, `le_phi`, `other`) of a settled transaction,
  /// as PDF with a QR code: issued at settlement, numbered per agency and series (owner and officers).
  core::Result<std::string> ReceiptPdf(const identity::Principal& who, const std::string& code, const std::string& reference,
                                       const std::string& kind);
  /// An officer records that refund-due money (of a request, or of one reference paid after
  /// the request closed) was paid back: a `refunded` ledger row, once. {reference?, note}.
  core::Result<boost::json::object> Refund(const identity::Principal& who, const std::string& code, const std::string& request_id,
                                           const boost::json::object& body);
  /// The ledger of the caller's agency subtree (agency admins, sysadmin), [from, to) UTC instants.
  core::Result<boost::json::object> Ledger(const identity::Principal& who, const std::string& from, const std::string& to,
                                           const std::string& after, std::size_t limit);

  /// The statement (Decision 31/2021 Art. 36) of the caller's agency subtree for the local days
  /// `from`…`to` (YYYY-MM-DD, both included, at most kMaxReconciliationDays): our settled
  /// transactions against the provider's statement (CSV, see reconcile.hpp; fetched from the
  /// platform day by day with `fetch`), in total, per day, per agency and per payment provider.
  /// The lines also come as CSV in "csv".
  core::Result<boost::json::object> Reconciliation(const identity::Principal& who, const std::string& from, const std::string& to,
                                                   std::string_view statement_csv, bool fetch = false);
  static constexpr int kMaxReconciliationDays = 31;

  /// One pass of the re-query job at `now`: QUERY each pending transaction that is due; safe on
  /// several nodes (each transaction is claimed by moving its next_query_at).
  RequeryReport Requery(std::chrono::system_clock::time_point now);

  const Settings& settings() const { return settings_; }

 private:
  db::Database& db_;
  dossier::Service& dossiers_;
  Settings settings_;
  std::unique_ptr<Gateway> gateway_;
  db::Database& settle_db_;
};

/// Runs Service::Requery every `interval` on its own thread until destroyed.
class RequeryJob {
 public:
  RequeryJob(Service& service, std::chrono::seconds interval);

 private:
  core::PeriodicJob job_;
};

}  // namespace motcua::payment

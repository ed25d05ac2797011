#include "payment/service.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "calendar/work_calendar.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "docs/forms.hpp"
#include "dossier/documents.hpp"
#include "dossier/workflow.hpp"
#include "http/client.hpp"
#include "http/message.hpp"
#include "payment/reconcile.hpp"
#include "payment/store.hpp"

namespace motcua::payment {

namespace json = boost::json;
using core::ErrorCode;
using core::Fail;
using identity::Principal;
using Clock = std::chrono::system_clock;

namespace {

std::string Now() { return core::NowUtc(); }
std::string At(Clock::time_point t) { return core::FormatUtc(t); }

json::value ParseOr(const std::string& text, json::value fallback) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? fallback : v;
}

std::string Str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return (it != o.end() && it->value().is_string()) ? std::string(it->value().as_string()) : std::string();
}

db::Value OptText(const std::string& s) { return s.empty() ? db::Value(nullptr) : db::Value(s); }

/// One append-only ledger row.
struct LedgerEntry {
  std::string request_id, transaction_id, reference, dossier_code, agency_id, event;
  std::int64_t amount = 0;
  std::string from, to;
  json::object data;
  std::string type_code;  ///< the request's G22.99… code; empty: read from the request
};

void Append(db::Connection& c, const LedgerEntry& e, const std::string& at = Now()) {
  c.Execute(store::kInsertLedger, {core::Uuid::NewV7().ToString(), at, e.request_id, OptText(e.transaction_id), OptText(e.reference),
                                   e.dossier_code, e.agency_id, e.event, e.amount, e.from, e.to, json::serialize(e.data),
                                   OptText(e.type_code)});
}

struct Txn {
  std::string id, request_id, reference, account, currency, state, pay_url, platform_txn, created_at;
  std::int64_t amount = 0;
  std::string request_state, dossier_id, dossier_code, agency_id;
  std::string items, type_code;  ///< the request's fee lines (JSON) and transaction-type code
};

std::optional<Txn> ReadTxn(const db::ResultSet& r) {
  using namespace store;
  if (r.Empty()) return std::nullopt;
  return Txn{r.Text(0, kTId), r.Text(0, kTRequestId), r.Text(0, kTReference), r.Text(0, kTAccount), r.Text(0, kTCurrency),
             r.Text(0, kTState), r.Text(0, kTPayUrl), r.Text(0, kTPlatformTxn), r.Text(0, kTCreatedAt), r.Int(0, kTAmount),
             r.Text(0, kTRequestState), r.Text(0, kTDossierId), r.Text(0, kTDossierCode), r.Text(0, kTAgencyId),
             r.Text(0, kTItems), r.Text(0, kTTypeCode)};
}

// RFC 3339 with `Z` or an offset; what we store and what the API accepts.
std::optional<Clock::time_point> ParseInstant(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || std::sscanf(std::string(s).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)), std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
  Clock::time_point t = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(se);
  std::size_t i = 19;
  if (s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  if (i < s.size() && s[i] == 'Z' && i + 1 == s.size()) return t;
  int oh, om;
  if (i < s.size() && (s[i] == '+' || s[i] == '-') && s.size() == i + 6 &&
      std::sscanf(std::string(s.substr(i + 1)).c_str(), "%2d:%2d", &oh, &om) == 2) {
    auto off = std::chrono::hours(oh) + std::chrono::minutes(om);
    return s[i] == '+' ? t - off : t + off;
  }
  return std::nullopt;
}

std::string Local(const std::optional<std::string>& utc) {
  if (!utc || utc->empty()) return "";
  auto t = ParseInstant(*utc);
  return t ? calendar::FormatLocal(std::chrono::floor<std::chrono::seconds>(*t)) : *utc;
}

json::value LocalOrNull(const std::optional<std::string>& utc) {
  std::string s = Local(utc);
  return s.empty() ? json::value(nullptr) : json::value(s);
}

// The receipt series (ký hiệu) of a kind of money in a year: BLP-26 phí, BLL-26 lệ phí, BLT-26 other.
std::string Series(std::string_view kind, std::string_view platform_time) {
  std::string yy = platform_time.size() >= 4 ? std::string(platform_time.substr(2, 2)) : std::string("00");
  return std::string(kind == "phi" ? "BLP-" : kind == "le_phi" ? "BLL-" : "BLT-") + yy;
}

struct ReceiptKind {
  std::string_view kind;
  json::array lines;
  std::int64_t sum = 0;
  std::string series;
  std::int64_t number = 0;
};

// The receipts a settlement of `t` issues: one per kind of money with a positive sum.
std::vector<ReceiptKind> PlanReceipts(const Txn& t) {
  json::value items = ParseOr(t.items, json::array{});
  std::string time = PlatformTime(Clock::now());
  std::vector<ReceiptKind> kinds;
  for (std::string_view kind : {"phi", "le_phi", "other"}) {
    ReceiptKind k{kind, {}, 0, Series(kind, time), 0};
    if (items.is_array()) {
      for (const auto& it : items.as_array()) {
        if (!it.is_object()) continue;
        const auto& o = it.as_object();
        const json::value* a = o.if_contains("amount");
        if (Str(o, "kind") != kind || !a || !a->is_int64() || a->as_int64() <= 0) continue;
        k.sum += a->as_int64();
        k.lines.push_back(json::object{{"code", Str(o, "code")}, {"name", Str(o, "name")}, {"amount", a->as_int64()}});
      }
    }
    if (k.sum > 0) kinds.push_back(std::move(k));
  }
  return kinds;
}

// The planned receipts as the JSON parameter of kPgIssueReceipts.
std::string ReceiptsParam(const std::vector<ReceiptKind>& kinds) {
  json::array a;
  for (const auto& k : kinds) {
    a.push_back(json::object{{"id", core::Uuid::NewV7().ToString()}, {"kind", k.kind}, {"series", k.series}, {"amount", k.sum},
                             {"items", json::serialize(k.lines)}});
  }
  return json::serialize(a);
}

// At settlement: one e-receipt per kind of money in the request's items (phí and lệ phí apart),
// numbered without gaps per agency and series, in the settlement's transaction, which this
// commits. The counter rows are every settlement's of the agency, so they are locked last and
// held as briefly as can be: on PostgreSQL one statement sent together with the COMMIT (no round
// trip to us while they are held); on SQLite the one writer is serial anyway.
void IssueReceiptsAndCommit(db::Transaction& tx, const Txn& t, const std::string& now) {
  db::Connection& c = tx.conn();
  std::vector<ReceiptKind> kinds = PlanReceipts(t);
  if (kinds.empty()) {
    tx.Commit();
    return;
  }
  if (c.GetEngine() == db::Engine::kPostgres) {
    tx.ExecuteThenCommit(store::kPgIssueReceipts, {t.agency_id, t.id, t.request_id, t.dossier_code, now, ReceiptsParam(kinds)});
    return;
  }
  if (kinds.size() == 2) {
    auto n = c.Execute(store::kNextReceiptNumbers2, {t.agency_id, kinds[0].series, kinds[1].series});
    for (std::size_t i = 0; i < n.rows.size(); ++i) {
      for (auto& k : kinds) {
        if (k.series == n.Text(i, 0)) k.number = n.Int(i, 1);
      }
    }
    if (kinds[0].number <= 0 || kinds[1].number <= 0) throw std::runtime_error("receipt numbers not returned");
    c.Execute(store::kInsertReceipts2, {core::Uuid::NewV7().ToString(), t.id, t.request_id, t.dossier_code, t.agency_id,
                                        std::string(kinds[0].kind), kinds[0].series, kinds[0].number, kinds[0].sum,
                                        json::serialize(kinds[0].lines), now, core::Uuid::NewV7().ToString(), std::string(kinds[1].kind),
                                        kinds[1].series, kinds[1].number, kinds[1].sum, json::serialize(kinds[1].lines)});
  } else {
    for (auto& k : kinds) {
      k.number = c.Execute(store::kNextReceiptNumber, {t.agency_id, k.series}).Int(0, 0);
      c.Execute(store::kInsertReceipt, {core::Uuid::NewV7().ToString(), t.id, t.request_id, t.dossier_code, t.agency_id, std::string(k.kind),
                                        k.series, k.number, k.sum, json::serialize(k.lines), now});
    }
  }
  tx.Commit();
}

// Who records a refund: the one-stop receivers (they take counter payments) and agency administrators.
bool CanRefund(const Principal& who) {
  return who.kind == identity::AccountKind::kOfficer && !who.enrolment_required &&
         (who.HasRole(identity::Role::kReceiver) || who.HasRole(identity::Role::kAgencyAdmin) || who.HasRole(identity::Role::kSysadmin));
}

// The transaction a verdict is about, read inside the transaction that applies it (see
// kPgTransactionForVerdict).
std::optional<Txn> ReadForVerdict(db::Connection& c, const std::string& reference) {
  return ReadTxn(c.Execute(c.GetEngine() == db::Engine::kPostgres ? store::kPgTransactionForVerdict : store::kTransactionByReference,
                           {reference}));
}

enum class Outcome { kSettled, kDeclined, kReplay };

// Applies the platform's verdict on a transaction and commits `tx`. A success settles it once
// (the state guard, then the unique (reference, event) ledger row); money taken for a request
// that is no longer open (withdrawn dossier, paid twice) becomes refund-due. The e-receipts come
// last, with the commit (IssueReceiptsAndCommit).
Outcome Apply(db::Transaction& tx, dossier::Service& dossiers, const Txn& t, bool paid, const Confirmation& conf) {
  db::Connection& c = tx.conn();
  std::string now = Now();
  if (!paid) {
    if (c.Execute(store::kFailTransaction, {t.id, std::string("failed"), conf.code, now}).affected != 1) {
      tx.Commit();
      return Outcome::kReplay;
    }
    Append(c, {t.request_id, t.id, t.reference, t.dossier_code, t.agency_id, "declined", t.amount, t.state, "failed",
               json::object{{"code", conf.code}}, t.type_code}, now);
    tx.Commit();
    return Outcome::kDeclined;
  }
  json::object settled{{"platform_txn", conf.platform_txn}, {"bank", conf.bank}, {"time", conf.time}};
  bool pg = c.GetEngine() == db::Engine::kPostgres;  // the same steps in fewer round trips
  // Whether the request was still open when the settlement wrote; how it ends when it was not.
  bool closed = false;
  if (pg && t.request_state == "open") {
    auto r = c.Execute(store::kPgSettleAndClose, {t.id, conf.platform_txn, conf.bank, conf.code, now, core::Uuid::NewV7().ToString(), t.request_id,
                                                  t.reference, t.dossier_code, t.agency_id, t.amount, t.state, json::serialize(settled),
                                                  t.type_code, t.dossier_id});
    if (r.Int(0, 0) != 1) {
      tx.Commit();
      return Outcome::kReplay;
    }
    closed = r.Int(0, 1) == 1;
    if (closed && r.Int(0, 2) == 0) {
      dossiers.ConfirmPaymentOn(c, t.dossier_id, json::object{{"reference", t.reference}, {"amount", t.amount},
                                                              {"platform_txn", conf.platform_txn}, {"online", true}});
    }
  } else if (pg) {
    if (c.Execute(store::kPgSettleWithLedger, {t.id, conf.platform_txn, conf.bank, conf.code, now, core::Uuid::NewV7().ToString(), t.request_id,
                                               t.reference, t.dossier_code, t.agency_id, t.amount, t.state, json::serialize(settled),
                                               t.type_code}).affected != 1) {
      tx.Commit();
      return Outcome::kReplay;
    }
  } else {
    if (c.Execute(store::kSettleTransaction, {t.id, conf.platform_txn, conf.bank, conf.code, now}).affected != 1) {
      tx.Commit();
      return Outcome::kReplay;
    }
    Append(c, {t.request_id, t.id, t.reference, t.dossier_code, t.agency_id, "settled", t.amount, t.state, "succeeded", settled, t.type_code},
           now);
    if (t.request_state == "open") {
      c.Execute(store::kSetRequestState, {t.request_id, std::string("open"), std::string("paid"), now, nullptr});
      // Other attempts at the same request are void now; their late success would be refund-due.
      c.Execute(store::kCancelPendingOfRequest, {t.request_id, now, now});
      if (c.Execute(store::kAnyOpenRequest, {t.dossier_id}).Empty()) {
        dossiers.ConfirmPaymentOn(c, t.dossier_id, json::object{{"reference", t.reference}, {"amount", t.amount},
                                                                {"platform_txn", conf.platform_txn}, {"online", true}});
      }
      closed = true;
    }
  }
  if (!closed) {
    // Money taken for a dossier that will not be processed, or for a request already paid (also
    // when the request closed between our read and the settlement).
    std::string state = t.request_state;
    if (pg && state == "open") {
      auto q = c.Execute(store::kRequestById, {t.request_id});
      state = q.Empty() ? std::string("cancelled") : q.Text(0, 4);
    }
    if (state == "cancelled") {
      c.Execute(store::kSetRequestState, {t.request_id, std::string("cancelled"), std::string("refund_due"), nullptr, now});
    }
    Append(c, {t.request_id, t.id, t.reference, t.dossier_code, t.agency_id, "refund_due", t.amount, "succeeded", "refund_due",
               json::object{{"rule", state == "cancelled" ? "dossier_not_processed" : "paid_twice"}}, t.type_code}, now);
  }
  IssueReceiptsAndCommit(tx, t, now);
  return Outcome::kSettled;
}

}  // namespace

Service::Service(db::Database& db, dossier::Service& dossiers, Settings settings, std::unique_ptr<Gateway> gateway,
                 db::Database* settle_db)
    : db_(db), dossiers_(dossiers), settings_(std::move(settings)), gateway_(std::move(gateway)), settle_db_(settle_db ? *settle_db : db) {}

// ---- requests raised and closed by the workflow ----

void Service::OnStatusChange(db::Connection& c, const dossier::StatusChange& ch) {
  std::string now = Now();
  // Raised by an officer (status 6), or at submission when the procedure collects at receipt.
  if (ch.to == dossier::kPaymentRequested && (ch.action == "request_payment" || ch.action == "submit")) {
    std::int64_t amount = ch.data.contains("amount") && ch.data.at("amount").is_int64() ? ch.data.at("amount").as_int64() : 0;
    if (amount <= 0) return;
    std::string reason = Str(ch.data, "reason");
    json::array items;
    if (auto it = ch.data.find("items"); it != ch.data.end() && it->value().is_array()) items = it->value().as_array();
    if (items.empty()) items.push_back(json::object{{"kind", "other"}, {"code", ""}, {"name", reason}, {"amount", amount}});
    std::string id = core::Uuid::NewV7().ToString();
    // The transaction-type code (Art. 36) of the procedure's configuration, else the general G22.99.
    std::string type_code = "G22.99";
    if (auto cfg = c.Execute(store::kProcedureTypeCode, {ch.procedure_code}); !cfg.Empty()) {
      json::value v = ParseOr(cfg.Text(0, 0), json::object{});
      if (v.is_object() && ValidTypeCode(Str(v.as_object(), "payment_type_code"))) type_code = Str(v.as_object(), "payment_type_code");
    }
    c.Execute(store::kInsertRequest, {id, ch.dossier_id, ch.code, ch.agency_id, amount, reason, json::serialize(items), now, type_code});
    Append(c, {id, "", "", ch.code, ch.agency_id, "requested", amount, "", "open", json::object{{"items", items}}, type_code});
    return;
  }
  bool not_processed = ch.to == dossier::kNotReceived || ch.to == dossier::kWithdrawn || ch.to == dossier::kStopped;
  bool at_counter = ch.action == "confirm_payment" && ch.from == dossier::kPaymentRequested;
  if (!not_processed && !at_counter) return;
  auto reqs = c.Execute(store::kRequestsOfDossier, {ch.dossier_id});
  for (std::size_t i = 0; i < reqs.rows.size(); ++i) {
    std::string id = reqs.Text(i, 0), state = reqs.Text(i, 4), agency = reqs.Text(i, 8);
    std::int64_t amount = reqs.Int(i, 1);
    if (state == "open") {
      std::string to = at_counter ? "paid" : "cancelled";
      c.Execute(store::kSetRequestState, {id, state, to, at_counter ? db::Value(now) : db::Value(nullptr), at_counter ? db::Value(nullptr) : db::Value(now)});
      // A pending attempt keeps being re-queried: if the citizen paid after all, it is refund-due.
      c.Execute(store::kCancelPendingOfRequest, {id, now, now});
      Append(c, {id, "", "", ch.code, agency, at_counter ? "paid_at_counter" : "cancelled", amount, state, to,
                 json::object{{"action", ch.action}}});
    } else if (state == "paid" && not_processed) {
      // Refund by rule: money was taken for a dossier that will not be processed.
      c.Execute(store::kSetRequestState, {id, state, std::string("refund_due"), nullptr, now});
      Append(c, {id, "", "", ch.code, agency, "refund_due", amount, state, "refund_due",
                 json::object{{"rule", "dossier_not_processed"}, {"action", ch.action}}});
    }
  }
}

// ---- the dossier's payments ----

core::Result<json::object> Service::List(const Principal& who, const std::string& code) {
  auto c = db_.Acquire();
  auto facts = dossiers_.FactsForPayment(*c, who, code);
  if (!facts) return std::unexpected(facts.error());
  auto reqs = c->Execute(store::kRequestsOfDossier, {facts->id});
  auto txns = c->Execute(store::kTransactionsOfDossier, {facts->id});
  auto receipts = c->Execute(store::kReceiptsOfDossier, {facts->id});
  json::array requests;
  std::int64_t due = 0;
  for (std::size_t i = 0; i < reqs.rows.size(); ++i) {
    std::string id = reqs.Text(i, 0);
    json::array attempts;
    for (std::size_t j = 0; j < txns.rows.size(); ++j) {
      if (txns.Text(j, 0) != id) continue;
      std::string state = txns.Text(j, 3);
      json::object t{{"reference", txns.Text(j, 1)}, {"amount", txns.Int(j, 2)}, {"state", state},
                     {"created_at", Local(txns.Text(j, 5))}, {"updated_at", Local(txns.Text(j, 6))}};
      if (state == "pending" && facts->owner) t["pay_url"] = txns.Text(j, 4);
      if (state == "succeeded") {
        std::string base = "/api/v1/dossiers/" + facts->code + "/payments/" + txns.Text(j, 1);
        t["receipt_url"] = base + "/receipt";  // the platform's (GET_BILL)
        json::array ours;
        for (std::size_t k = 0; k < receipts.rows.size(); ++k) {
          if (receipts.Text(k, 0) != txns.Text(j, 1)) continue;
          ours.push_back(json::object{{"kind", receipts.Text(k, 1)}, {"series", receipts.Text(k, 2)}, {"number", receipts.Int(k, 3)},
                                      {"amount", receipts.Int(k, 4)}, {"issued_at", Local(receipts.Text(k, 5))},
                                      {"url", base + "/receipts/" + receipts.Text(k, 1)}});
        }
        t["receipts"] = std::move(ours);
      }
      attempts.push_back(std::move(t));
    }
    if (reqs.Text(i, 4) == "open") due += reqs.Int(i, 1);
    requests.push_back(json::object{{"id", id}, {"amount", reqs.Int(i, 1)}, {"reason", reqs.Text(i, 2)},
                                    {"items", ParseOr(reqs.Text(i, 3), json::array{})}, {"state", reqs.Text(i, 4)},
                                    {"created_at", Local(reqs.Text(i, 5))}, {"paid_at", LocalOrNull(reqs.OptText(i, 6))},
                                    {"closed_at", LocalOrNull(reqs.OptText(i, 7))}, {"refunded_at", LocalOrNull(reqs.OptText(i, 9))},
                                    {"type_code", reqs.Text(i, 10)},
                                    {"transactions", std::move(attempts)}});
  }
  // Refunds by rule: each refund-due amount and whether it was paid back.
  json::array refunds;
  auto rf = c->Execute(store::kRefundsOfDossier, {facts->id});
  for (std::size_t i = 0; i < rf.rows.size(); ++i) {
    if (rf.Text(i, 2) != "refund_due") continue;
    json::object r{{"request_id", rf.Text(i, 0)}, {"reference", rf.Text(i, 1).empty() ? json::value(nullptr) : json::value(rf.Text(i, 1))},
                   {"amount", rf.Int(i, 3)}, {"due_at", Local(rf.Text(i, 4))}, {"rule", Str(ParseOr(rf.Text(i, 5), json::object{}).as_object(), "rule")},
                   {"refunded_at", nullptr}, {"note", nullptr}};
    for (std::size_t j = 0; j < rf.rows.size(); ++j) {
      if (rf.Text(j, 2) == "refunded" && rf.Text(j, 0) == rf.Text(i, 0) && rf.Text(j, 1) == rf.Text(i, 1)) {
        r["refunded_at"] = Local(rf.Text(j, 4));
        r["note"] = Str(ParseOr(rf.Text(j, 5), json::object{}).as_object(), "note");
      }
    }
    refunds.push_back(std::move(r));
  }
  json::object out{{"code", facts->code}, {"enabled", settings_.Enabled()}, {"amount_due", due},
                   {"can_pay", settings_.Enabled() && facts->owner && due > 0}, {"requests", std::move(requests)},
                   {"refunds", std::move(refunds)}, {"can_refund", facts->officer && CanRefund(who)}};
  if (!settings_.Enabled()) {
    out["disabled_reason"] = "Cơ quan chưa kết nối nền tảng thanh toán trực tuyến; hãy nộp phí tại bộ phận một cửa. / "
                             "Online payment is not set up here; pay at the one-stop counter.";
  }
  if (facts->officer) {
    json::array ledger;
    auto l = c->Execute(store::kLedgerOfDossier, {facts->id});
    for (std::size_t i = 0; i < l.rows.size(); ++i) {
      ledger.push_back(json::object{{"at", Local(l.Text(i, 0))}, {"event", l.Text(i, 1)}, {"amount", l.Int(i, 2)},
                                    {"reference", l.IsNull(i, 3) ? json::value(nullptr) : json::value(l.Text(i, 3))},
                                    {"from", l.Text(i, 4)}, {"to", l.Text(i, 5)}, {"type_code", l.Text(i, 6)}});
    }
    out["ledger"] = std::move(ledger);
  }
  return out;
}

core::Result<json::object> Service::Start(const Principal& who, const std::string& code, const std::string& request_id,
                                          const std::string& key, const std::string& ip) {
  if (auto ok = http::CheckIdempotencyKey(key); !ok) return std::unexpected(ok.error());
  Init init;
  std::string txn_id;
  {
    auto c = db_.Acquire();
    db::Transaction tx(*c);
    auto facts = dossiers_.FactsForPayment(*c, who, code);
    if (!facts) return std::unexpected(facts.error());
    if (!facts->owner) return Fail(ErrorCode::kForbidden, "Chỉ người nộp hồ sơ thanh toán trực tuyến. / Only the applicant pays online.");
    if (!settings_.Enabled()) {
      return Fail(ErrorCode::kUnavailable, "Cơ quan chưa kết nối nền tảng thanh toán trực tuyến; hãy nộp phí tại bộ phận một cửa. / "
                                           "Online payment is not set up here; pay at the one-stop counter.");
    }
    if (!key.empty()) {
      if (auto t = ReadTxn(c->Execute(store::kTransactionByKey, {who.account_id, key}))) {
        if (t->dossier_id != facts->id || (!request_id.empty() && t->request_id != request_id)) {
          return Fail(ErrorCode::kConflict, "Idempotency-Key đã dùng cho yêu cầu khác. / The Idempotency-Key was used for another request.");
        }
        if (t->pay_url.empty()) return Fail(ErrorCode::kUnavailable, "Nền tảng thanh toán chưa trả lời; hãy thử lại. / The payment platform has not answered; try again.");
        return json::object{{"reference", t->reference}, {"pay_url", t->pay_url}, {"amount", t->amount}, {"state", t->state}, {"replayed", true}};
      }
    }
    auto open = c->Execute(store::kOpenRequests, {facts->id});
    std::size_t row = open.rows.size();
    for (std::size_t i = 0; i < open.rows.size() && row == open.rows.size(); ++i) {
      if (request_id.empty() || open.Text(i, 0) == request_id) row = i;
    }
    if (row == open.rows.size()) {
      return Fail(ErrorCode::kConflict, "Hồ sơ không có khoản nào đang chờ thanh toán. / The dossier has nothing waiting to be paid.");
    }
    auto now = Clock::now();
    init.partner = settings_.partner;
    init.reference = Reference(facts->code, now);
    init.amount = open.Int(row, 1);
    init.info = "Thanh toan ho so " + facts->code;
    init.time = PlatformTime(now);
    init.ip = ip.empty() ? "127.0.0.1" : ip;
    init.procedure_code = facts->procedure_code;
    init.procedure_name = facts->procedure_name;
    init.agency_code = facts->agency_code;
    init.agency_name = facts->agency_name;
    init.dossier_code = facts->code;
    init.payer_name = facts->applicant_name;
    init.payer_id = facts->applicant_id_number;
    init.type_code = open.Text(row, 5);
    auto items = ParseOr(open.Text(row, 3), json::array{});
    if (items.is_array()) {
      for (const auto& it : items.as_array()) {
        if (!it.is_object()) continue;
        const auto& o = it.as_object();
        init.fees.push_back({Str(o, "kind"), Str(o, "code"), Str(o, "name"), o.contains("amount") && o.at("amount").is_int64() ? o.at("amount").as_int64() : 0});
      }
    }
    txn_id = core::Uuid::NewV7().ToString();
    std::string at = At(now);
    try {
      c->Execute(store::kInsertTransaction, {txn_id, open.Text(row, 0), init.reference, who.account_id, OptText(key), init.amount, at,
                                             At(now + settings_.first_query_after)});
    } catch (const db::DbError& e) {
      if (e.kind() == db::DbError::Kind::kUniqueViolation) {
        return Fail(ErrorCode::kConflict, "Yêu cầu thanh toán đang được xử lý; hãy thử lại. / A payment was just started; try again.");
      }
      throw;
    }
    Append(*c, {open.Text(row, 0), txn_id, init.reference, facts->code, open.Text(row, 4), "initiated", init.amount, "", "pending", {},
                init.type_code});
    tx.Commit();
  }
  // INIT outside the transaction: the platform may be slow; nothing is held meanwhile.
  auto url = gateway_->Init(init);
  auto c = db_.Acquire();
  if (!url) {
    db::Transaction tx(*c);
    auto t = ReadTxn(c->Execute(store::kTransactionByReference, {init.reference}));
    if (t && c->Execute(store::kFailTransaction, {t->id, std::string("failed"), std::string("INIT"), Now()}).affected == 1) {
      Append(*c, {t->request_id, t->id, t->reference, t->dossier_code, t->agency_id, "init_failed", t->amount, "pending", "failed",
                 json::object{{"error", url.error().message}}});
    }
    tx.Commit();
    core::Log(core::LogLevel::kWarn, "payment INIT failed", {{"reference", std::string_view(init.reference)}, {"error", std::string_view(url.error().message)}});
    return Fail(ErrorCode::kUnavailable, "Nền tảng thanh toán không trả lời; hãy thử lại sau. / The payment platform did not answer; try again later.");
  }
  c->Execute(store::kSetPayUrl, {txn_id, *url, Now()});
  return json::object{{"reference", init.reference}, {"pay_url", *url}, {"amount", init.amount}, {"state", "pending"}, {"replayed", false}};
}

// ---- the platform's callback ----

CallbackReply Service::Callback(std::string_view body) {
  auto reply = [&](int status, std::string_view code, std::string_view text, bool settled = false) {
    return CallbackReply{status, EncodeCallbackReply(code, text, settings_.partner, PlatformTime(Clock::now()), settings_.secret), settled};
  };
  auto refuse = [&](std::string_view code, std::string_view why, const std::string& reference) {
    core::Log(core::LogLevel::kWarn, "payment callback refused", {{"reason", why}, {"reference", std::string_view(reference)}});
    return reply(400, code, why);
  };
  if (!settings_.Enabled()) return reply(503, "99", "payments disabled");
  auto conf = DecodeConfirmation(body);
  if (!conf) return refuse("02", "malformed message", "");
  if (!VerifyConfirmation(*conf, settings_.secret)) return refuse("01", "invalid MaXacThuc", conf->reference);
  if (conf->partner != settings_.partner) return refuse("03", "unknown MaDoiTac", conf->reference);
  auto c = settle_db_.Acquire();
  try {
    db::Transaction tx(*c);
    auto t = ReadForVerdict(*c, conf->reference);
    if (!t) return refuse("04", "unknown MaThamChieu", conf->reference);
    auto amount = ParseAmount(conf->amount);
    if (!amount || *amount != t->amount) return refuse("05", "amount does not match the request", conf->reference);
    if (conf->currency != t->currency) return refuse("06", "currency does not match the request", conf->reference);
    Outcome o = Apply(tx, dossiers_, *t, conf->code == kSuccess, *conf);
    if (o == Outcome::kReplay) return reply(200, "00", "already recorded");
    core::Log(core::LogLevel::kInfo, "payment callback", {{"reference", std::string_view(conf->reference)}, {"code", std::string_view(conf->code)}});
    return reply(200, "00", "ok", true);
  } catch (const db::DbError& e) {
    // Two deliveries racing: the other one settled it (unique ledger row).
    if (e.kind() == db::DbError::Kind::kUniqueViolation) return reply(200, "00", "already recorded");
    throw;
  }
}

core::Result<std::string> Service::Receipt(const Principal& who, const std::string& code, const std::string& reference) {
  {
    auto c = db_.Acquire();
    auto facts = dossiers_.FactsForPayment(*c, who, code);
    if (!facts) return std::unexpected(facts.error());
    auto t = ReadTxn(c->Execute(store::kTransactionByReference, {reference}));
    if (!t || t->dossier_id != facts->id) return Fail(ErrorCode::kNotFound, "Không có giao dịch này. / No such transaction.");
    if (t->state != "succeeded") return Fail(ErrorCode::kConflict, "Giao dịch chưa thành công. / The transaction has not succeeded.");
  }
  if (!settings_.Enabled()) return Fail(ErrorCode::kUnavailable, "Thanh toán trực tuyến chưa được cấu hình. / Online payment is not set up.");
  return gateway_->GetBill(reference);
}

core::Result<std::string> Service::ReceiptPdf(const Principal& who, const std::string& code, const std::string& reference,
                                              const std::string& kind) {
  if (kind != "phi" && kind != "le_phi" && kind != "other") {
    return Fail(ErrorCode::kNotFound, "Loại biên lai là phi, le_phi hoặc other. / The receipt kind is phi, le_phi or other.");
  }
  docs::PaymentReceipt r;
  {
    auto c = db_.Acquire();
    auto facts = dossiers_.FactsForPayment(*c, who, code);
    if (!facts) return std::unexpected(facts.error());
    auto row = c->Execute(store::kReceiptByReference, {reference, kind});
    if (row.Empty() || row.Text(0, 7) != facts->id) return Fail(ErrorCode::kNotFound, "Không có biên lai này. / No such receipt.");
    r.head = {.parent_agency_name = "", .agency_name = facts->agency_name, .dossier_code = facts->code,
              .tracking_url = settings_.public_url ? dossier::TrackingUrl(settings_.public_url(), facts->code) : std::string(),
              .issued_at = Local(row.Text(0, 4))};
    r.kind = kind;
    r.series = row.Text(0, 0);
    r.number = row.Int(0, 1);
    r.payer = {.name = facts->applicant_name, .id_number = facts->applicant_id_number, .address = "", .phone = "", .email = ""};
    r.procedure_name = facts->procedure_name;
    json::value items = ParseOr(row.Text(0, 3), json::array{});
    if (items.is_array()) {
      for (const auto& it : items.as_array()) {
        if (!it.is_object()) continue;
        const auto& o = it.as_object();
        const json::value* a = o.if_contains("amount");
        r.lines.push_back({Str(o, "name"), a && a->is_int64() ? a->as_int64() : 0});
      }
    }
    r.method = "Thanh toán trực tuyến qua Nền tảng thanh toán";
    r.reference = reference;
    r.platform_txn = row.Text(0, 5);
    r.bank = row.Text(0, 6);
    r.paid_at = r.head.issued_at;
  }
  std::string pdf = docs::RenderPdf(r);
  if (!settings_.receipt_signer) return pdf;
  return settings_.receipt_signer->Sign(std::move(pdf), "Bien lai " + r.series + " so " + std::to_string(r.number));
}

core::Result<json::object> Service::Refund(const Principal& who, const std::string& code, const std::string& request_id,
                                           const json::object& body) {
  std::string reference = Str(body, "reference"), note = Str(body, "note");
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  auto facts = dossiers_.FactsForPayment(*c, who, code);
  if (!facts) return std::unexpected(facts.error());
  if (!facts->officer || !CanRefund(who)) {
    return Fail(ErrorCode::kForbidden, "Chỉ cán bộ một cửa hoặc quản trị cơ quan ghi nhận hoàn tiền. / Only one-stop receivers or agency administrators record refunds.");
  }
  if (note.empty() || note.size() > 1000) {
    return Fail(ErrorCode::kInvalidArgument, "Cần ghi chú hoàn tiền (chứng từ chuyển khoản…), tối đa 1000 byte. / A refund note (the transfer's voucher…) of at most 1000 bytes is required.",
                {{"/note", "invalid"}});
  }
  auto req = c->Execute(store::kRequestById, {request_id});
  if (req.Empty() || req.Text(0, 5) != facts->id) return Fail(ErrorCode::kNotFound, "Không có khoản thu này. / No such payment request.");
  // The refund-due row this refund answers: of the request (reference empty) or of one reference.
  auto rf = c->Execute(store::kRefundsOfDossier, {facts->id});
  std::optional<std::size_t> due;
  bool done = false;
  for (std::size_t i = 0; i < rf.rows.size(); ++i) {
    if (rf.Text(i, 0) != request_id || rf.Text(i, 1) != reference) continue;
    if (rf.Text(i, 2) == "refund_due") due = i;
    if (rf.Text(i, 2) == "refunded") done = true;
  }
  if (!due) return Fail(ErrorCode::kConflict, "Khoản này không phải hoàn trả. / Nothing is due to be refunded here.");
  if (done) return Fail(ErrorCode::kConflict, "Khoản này đã được hoàn trả. / This was already refunded.");
  std::string now = Now();
  std::int64_t amount = rf.Int(*due, 3);
  try {
    c->Execute(store::kMarkRefunded, {request_id, now, note});
    Append(*c, {request_id, "", reference, facts->code, req.Text(0, 7), "refunded", amount, "refund_due", "refunded",
                json::object{{"note", note}, {"by", who.account_id}}});
    tx.Commit();
  } catch (const db::DbError& e) {
    if (e.kind() == db::DbError::Kind::kUniqueViolation) return Fail(ErrorCode::kConflict, "Khoản này đã được hoàn trả. / This was already refunded.");
    throw;
  }
  return json::object{{"request_id", request_id}, {"reference", reference.empty() ? json::value(nullptr) : json::value(reference)},
                      {"amount", amount}, {"refunded_at", Local(now)}, {"note", note}};
}

core::Result<json::object> Service::Ledger(const Principal& who, const std::string& from, const std::string& to, const std::string& after,
                                           std::size_t limit) {
  bool sysadmin = who.HasRole(identity::Role::kSysadmin);
  if (who.kind != identity::AccountKind::kOfficer || who.enrolment_required || (!sysadmin && !who.HasRole(identity::Role::kAgencyAdmin))) {
    return Fail(ErrorCode::kForbidden, "Chỉ quản trị cơ quan xem được sổ thu. / Only agency administrators see the payment ledger.");
  }
  auto f = ParseInstant(from), t = ParseInstant(to);
  if (!f || !t || *t <= *f) {
    return Fail(ErrorCode::kInvalidArgument, "from và to là thời điểm RFC 3339, from < to. / from and to are RFC 3339 instants, from < to.");
  }
  auto c = db_.Acquire();
  auto r = c->Execute(store::kLedger, {sysadmin ? std::string("%") : who.agency_path + "%", At(*f), At(*t), after,
                                       static_cast<std::int64_t>(limit + 1)});
  json::array items;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < r.rows.size() && i < limit; ++i) {
    auto opt = [&](std::size_t col) { return r.IsNull(i, col) ? json::value(nullptr) : json::value(r.Text(i, col)); };
    items.push_back(json::object{{"id", r.Text(i, 0)}, {"at", Local(r.Text(i, 1))}, {"request_id", r.Text(i, 2)}, {"transaction_id", opt(3)},
                                 {"reference", opt(4)}, {"dossier_code", r.Text(i, 5)}, {"agency_id", r.Text(i, 6)}, {"event", r.Text(i, 7)},
                                 {"amount", r.Int(i, 8)}, {"from", r.Text(i, 9)}, {"to", r.Text(i, 10)}, {"type_code", r.Text(i, 11)}});
    if (r.Text(i, 7) == "settled") total += r.Int(i, 8);
  }
  json::value next = r.rows.size() > limit ? json::value(r.Text(limit - 1, 0)) : json::value(nullptr);
  return json::object{{"items", std::move(items)}, {"next_cursor", next}, {"settled_total_on_page", total}};
}

core::Result<json::object> Service::Reconciliation(const Principal& who, const std::string& from_day, const std::string& to_day,
                                                   std::string_view statement_csv, bool fetch) {
  bool sysadmin = who.HasRole(identity::Role::kSysadmin);
  if (who.kind != identity::AccountKind::kOfficer || who.enrolment_required || (!sysadmin && !who.HasRole(identity::Role::kAgencyAdmin))) {
    return Fail(ErrorCode::kForbidden, "Chỉ quản trị cơ quan đối soát được. / Only agency administrators reconcile payments.");
  }
  // Local days [from 00:00, to + 1 day 00:00) in Vietnam (UTC+7).
  auto from = from_day.size() == 10 ? ParseInstant(from_day + "T00:00:00+07:00") : std::nullopt;
  if (!from) return Fail(ErrorCode::kInvalidArgument, "Ngày đầu là YYYY-MM-DD. / The first day is a YYYY-MM-DD day.", {{"from", "invalid"}});
  auto last = to_day.size() == 10 ? ParseInstant(to_day + "T00:00:00+07:00") : std::nullopt;
  if (!last) return Fail(ErrorCode::kInvalidArgument, "Ngày cuối là YYYY-MM-DD. / The last day is a YYYY-MM-DD day.", {{"to", "invalid"}});
  if (*last < *from) return Fail(ErrorCode::kInvalidArgument, "Ngày cuối không trước ngày đầu. / The last day is not before the first.", {{"to", "before from"}});
  auto days = std::chrono::duration_cast<std::chrono::hours>(*last - *from).count() / 24 + 1;
  if (days > kMaxReconciliationDays) {
    return Fail(ErrorCode::kInvalidArgument, "Đối soát tối đa 31 ngày một lần. / At most 31 days are reconciled at a time.", {{"to", "too far"}});
  }
  auto day_of = [](Clock::time_point t) { return calendar::FormatLocal(std::chrono::floor<std::chrono::seconds>(t)).substr(0, 10); };
  std::vector<StatementLine> fetched_lines;
  if (fetch) {
    if (!settings_.Enabled()) return Fail(ErrorCode::kUnavailable, "Thanh toán trực tuyến chưa được cấu hình. / Online payment is not set up.");
    // DOI_SOAT is one local day a message: one per day of the window, each line tagged with its day.
    for (auto d = *from; d <= *last; d += std::chrono::hours(24)) {
      std::string day = day_of(d);
      auto s = gateway_->Statement(day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2));
      if (!s) return std::unexpected(s.error());
      auto lines = ParseStatementCsv(*s);
      if (!lines) return std::unexpected(lines.error());
      for (auto& l : *lines) {
        l.day = day;
        fetched_lines.push_back(std::move(l));
      }
    }
  }
  auto theirs = fetch ? core::Result<std::vector<StatementLine>>(std::move(fetched_lines)) : ParseStatementCsv(statement_csv);
  if (!theirs) return std::unexpected(theirs.error());
  std::string subtree = sysadmin ? std::string("%") : who.agency_path + "%";
  auto c = db_.Acquire();
  auto rows = c->Execute(store::kSettledBetween, {subtree, At(*from), At(*last + std::chrono::hours(24))});
  std::vector<StatementLine> ours;
  std::map<std::string, std::pair<std::string, std::string>> agencies;  // id → code, name
  std::set<std::string> our_refs;
  for (std::size_t i = 0; i < rows.rows.size(); ++i) {
    ours.push_back({rows.Text(i, 0), rows.Int(i, 1), rows.Text(i, 2), rows.Text(i, 4), rows.Text(i, 3), Local(rows.Text(i, 7)).substr(0, 10),
                    rows.Text(i, 8)});
    agencies[rows.Text(i, 3)] = {rows.Text(i, 5), rows.Text(i, 6)};
    our_refs.insert(rows.Text(i, 0));
  }
  // The statement covers the whole partner: a line of another agency's payment is not ours to reconcile.
  if (!sysadmin) {
    std::erase_if(*theirs, [&](const StatementLine& l) {
      if (our_refs.contains(l.reference)) return false;
      auto a = c->Execute(store::kAgencyOfReference, {l.reference});
      return !a.Empty() && !a.Text(0, 0).starts_with(who.agency_path);
    });
  }
  auto r = Reconcile(ours, *theirs);
  auto counts = [](const auto& g) {
    return json::object{{"matched", g.matched}, {"amount_mismatch", g.amount_mismatch}, {"missing_ours", g.missing_ours},
                        {"missing_theirs", g.missing_theirs}, {"ours_total", g.ours_total}, {"theirs_total", g.theirs_total}};
  };
  json::array lines, by_agency, by_provider, by_day, by_type;
  std::map<std::string, std::string> names;
  for (const auto& [id, a] : agencies) names[id] = a.second;
  for (const auto& l : r.lines) {
    auto a = agencies.find(l.agency);
    lines.push_back(json::object{{"reference", l.reference}, {"ours", l.ours}, {"theirs", l.theirs}, {"outcome", l.outcome},
                                 {"provider", l.provider}, {"day", l.day}, {"type_code", l.type_code}, {"agency_code", a != agencies.end() ? a->second.first : ""},
                                 {"agency_name", a != agencies.end() ? a->second.second : ""}});
  }
  for (const auto& g : GroupLines(r, GroupBy::kAgency)) {
    auto a = agencies.find(g.key);
    json::object o = counts(g);
    o["agency_code"] = a != agencies.end() ? a->second.first : "";
    o["agency_name"] = a != agencies.end() ? a->second.second : "";
    by_agency.push_back(std::move(o));
  }
  for (const auto& g : GroupLines(r, GroupBy::kProvider)) {
    json::object o = counts(g);
    o["provider"] = g.key;
    by_provider.push_back(std::move(o));
  }
  // Per-day subtotals: their counts and totals add up to the summary; each day's ours_total is
  // that day's settled ledger total.
  for (const auto& g : GroupLines(r, GroupBy::kDay)) {
    json::object o = counts(g);
    o["day"] = g.key.empty() ? json::value(nullptr) : json::value(g.key);
    by_day.push_back(std::move(o));
  }
  // Per transaction-type code (Art. 36): a line the statement has and we do not keeps its code
  // only when the statement names one.
  for (const auto& g : GroupLines(r, GroupBy::kType)) {
    json::object o = counts(g);
    o["type_code"] = g.key.empty() ? json::value(nullptr) : json::value(g.key);
    by_type.push_back(std::move(o));
  }
  json::object out{{"from", from_day},
                   {"to", to_day},
                   {"source", fetch ? "platform" : "upload"},
                   {"summary", counts(r)},
                   {"by_day", std::move(by_day)},
                   {"by_agency", std::move(by_agency)},
                   {"by_provider", std::move(by_provider)},
                   {"by_type", std::move(by_type)},
                   {"lines", std::move(lines)},
                   {"csv", ReconciliationCsv(r, names)}};
  if (from_day == to_day) out["date"] = from_day;
  return out;
}

// ---- re-query of lost callbacks ----

RequeryReport Service::Requery(Clock::time_point now) {
  RequeryReport report;
  if (!settings_.Enabled()) return report;
  auto c = db_.Acquire();
  auto due = c->Execute(store::kDueForQuery, {At(now)});
  for (std::size_t i = 0; i < due.rows.size(); ++i) {
    std::string reference = due.Text(i, 1);
    auto backoff = settings_.requery_every * std::min<std::int64_t>(1 + due.Int(i, 3), 10);
    if (c->Execute(store::kClaimQuery, {due.Text(i, 0), due.Text(i, 2), At(now + backoff)}).affected != 1) continue;  // another node has it
    ++report.queried;
    auto answer = gateway_->Query(reference);
    if (!answer) {
      core::Log(core::LogLevel::kWarn, "payment QUERY failed", {{"reference", std::string_view(reference)}, {"error", std::string_view(answer.error().message)}});
      continue;
    }
    if (answer->state != kStatePaid && answer->state != kStateFailed) {
      // Still waiting at the platform: past its validity the attempt is expired here (a late
      // payment would still settle it through the callback).
      db::Transaction tx(*c);
      auto t = ReadTxn(c->Execute(store::kTransactionByReference, {reference}));
      auto created = t ? ParseInstant(t->created_at) : std::nullopt;
      if (t && t->state == "pending" && created && *created + settings_.validity <= now &&
          c->Execute(store::kExpireTransaction, {t->id, Now()}).affected == 1) {
        Append(*c, {t->request_id, t->id, t->reference, t->dossier_code, t->agency_id, "expired", t->amount, "pending", "failed",
                   json::object{{"validity_seconds", static_cast<std::int64_t>(settings_.validity.count())}}});
        tx.Commit();
        ++report.expired;
      }
      continue;
    }
    db::Transaction tx(*c);
    auto t = ReadForVerdict(*c, reference);
    auto amount = ParseAmount(answer->amount);
    if (!t || answer->reference != reference || (answer->state == kStatePaid && (!amount || *amount != t->amount))) {
      core::Log(core::LogLevel::kWarn, "payment QUERY answer does not match", {{"reference", std::string_view(reference)}});
      continue;
    }
    // A cancelled attempt (dossier withdrawn) that the platform says failed needs nothing more.
    if (answer->state == kStateFailed && t->state != "pending") {
      c->Execute(store::kStopQuerying, {t->id});
      tx.Commit();
      continue;
    }
    Outcome o = Apply(tx, dossiers_, *t, answer->state == kStatePaid, *answer);
    if (o == Outcome::kSettled) ++report.settled;
    if (o == Outcome::kDeclined) ++report.failed;
  }
  return report;
}

RequeryJob::RequeryJob(Service& service, std::chrono::seconds interval)
    : job_("payment re-query", interval, [&service] {
        auto r = service.Requery(Clock::now());
        if (r.queried > 0) {
          core::Log(core::LogLevel::kInfo, "payment re-query", {{"queried", static_cast<std::int64_t>(r.queried)},
                                                                {"settled", static_cast<std::int64_t>(r.settled)},
                                                                {"failed", static_cast<std::int64_t>(r.failed)},
                                                                {"expired", static_cast<std::int64_t>(r.expired)}});
        }
      }) {}

// ---- the platform over HTTP ----

namespace {

class HttpGateway : public Gateway {
 public:
  explicit HttpGateway(Settings s) : s_(std::move(s)) {}

  core::Result<std::string> Init(const payment::Init& m) override {
    auto r = Post(EncodeInit(m, s_.secret));
    if (!r) return std::unexpected(r.error());
    auto url = DecodeInitReply(r->body);
    if (r->status != 200 || !url) return Fail(ErrorCode::kUnavailable, "the payment platform refused INIT: " + r->body.substr(0, 200));
    return *url;
  }

  core::Result<Confirmation> Query(const std::string& reference) override {
    payment::Query q{"QUERY", s_.partner, reference, PlatformTime(Clock::now()), ""};
    auto r = Post(EncodeQuery(q, s_.secret));
    if (!r) return std::unexpected(r.error());
    auto conf = DecodeConfirmation(r->body);
    if (r->status != 200 || !conf) return Fail(ErrorCode::kUnavailable, "the payment platform refused QUERY");
    if (!VerifyConfirmation(*conf, s_.secret) || conf->partner != s_.partner) {
      return Fail(ErrorCode::kUnavailable, "the QUERY answer has an invalid MaXacThuc");
    }
    return *conf;
  }

  core::Result<std::string> Statement(const std::string& day) override {
    payment::Query q{"DOI_SOAT", s_.partner, day, PlatformTime(Clock::now()), ""};
    auto r = Post(EncodeQuery(q, s_.secret));
    if (!r) return std::unexpected(r.error());
    if (r->status != 200 || r->body.starts_with("{")) {
      return Fail(ErrorCode::kUnavailable, "Nền tảng thanh toán không trả bảng kê đối soát. / The payment platform gave no statement.");
    }
    return std::move(r->body);
  }

  core::Result<std::string> GetBill(const std::string& reference) override {
    payment::Query q{"GET_BILL", s_.partner, reference, PlatformTime(Clock::now()), ""};
    auto r = Post(EncodeQuery(q, s_.secret));
    if (!r) return std::unexpected(r.error());
    if (r->status != 200 || !r->body.starts_with("%PDF-")) {
      return Fail(ErrorCode::kUnavailable, "Nền tảng thanh toán chưa cấp biên lai. / The payment platform gave no receipt.");
    }
    return std::move(r->body);
  }

 private:
  core::Result<http::ClientResponse> Post(std::string body) {
    http::ClientRequest req;
    req.method = "POST";
    req.url = s_.platform_url;
    req.headers = {{"Content-Type", "application/json"}};
    if (!s_.token.empty()) req.headers.emplace_back("Authorization", "Bearer " + s_.token);
    req.body = std::move(body);
    req.timeout = std::chrono::milliseconds(15000);
    req.body_limit = 8 << 20;
    return http::FetchBlocking(req);
  }
  Settings s_;
};

}  // namespace

std::unique_ptr<Gateway> MakeHttpGateway(const Settings& settings) { return std::make_unique<HttpGateway>(settings); }

}  // namespace motcua::payment

// Payments through real HTTP on both engines against the paysim sandbox of the payment
// platform: pay → callback → the dossier continues; declined; a lost callback settled by the
// re-query job; one callback delivered three times settles once; tampered, wrong-amount and
// unknown-reference callbacks change nothing; withdrawal cancels and marks taken money refund-due.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "integration/api_user.hpp"
#include "integration/pdf_read.hpp"
#include "integration/test_app.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "db/database.hpp"
#include "payment/paysim.hpp"
#include "payment/protocol.hpp"
#include "payment/store.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;
constexpr const char* kPartner = "MOTCUA-TEST";
constexpr const char* kSecret = "test-secret-2026";
constexpr const char* kPublicUrl = "https://dichvucong.example.gov.vn";

class Payments : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<payment::PaySim>(payment::PaySimOptions{.partner = kPartner, .secret = kSecret});
    sim_->Start();
    std::string url = sim_->PlatformUrl();
    app_ = std::make_unique<TestApp>(GetParam(), true, [url](config::Config& c) {
      c.payment_platform_url = url;
      c.payment_partner_code = kPartner;
      c.payment_secret = kSecret;
      c.payment_requery_seconds = 0;  // the test runs the re-query pass itself
      c.public_url = kPublicUrl;
    });
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
    sim_->SetCallbackUrl("http://127.0.0.1:" + std::to_string(port()) + "/api/v1/payments/callback");
  }
  std::uint16_t port() const { return app_->port(); }

  // An online dossier of 2.913001 taken to status 6 with a 200,000 VND request (phí + lệ phí).
  std::string DossierWaitingForPayment(const User& citizen) {
    std::string code = SubmitCriminalRecord(citizen, "LLTP");
    User receiver = SignIn(port(), "receiver.demo"), leader = SignIn(port(), "leader.demo");
    receiver.Act(code, "accept");
    auto officers = Json(leader.Call("GET", "/api/v1/agencies/000.00.02.H99/officers?role=specialist"));
    leader.Act(code, "assign", {{"assignee_id", officers.at("items").at(0).at("id")}});
    User specialist = SignIn(port(), "specialist.demo");
    json::array items{json::object{{"kind", "phi"}, {"code", "P1"}, {"name", "Phí cung cấp thông tin"}, {"amount", 150000}},
                      json::object{{"kind", "le_phi"}, {"code", "L1"}, {"name", "Lệ phí"}, {"amount", 50000}}};
    specialist.Act(code, "request_payment", {{"amount", 199999}, {"reason", "Phí"}, {"items", items}}, 400);
    auto d = specialist.Act(code, "request_payment", {{"amount", 200000}, {"reason", "Phí và lệ phí cấp phiếu"}, {"items", items}});
    EXPECT_EQ(d.at("status"), 6);
    return code;
  }

  // Starts paying; the reference (MaThamChieu).
  std::string StartPaying(const User& citizen, const std::string& code, const std::string& key) {
    auto r = citizen.Call("POST", "/api/v1/dossiers/" + code + "/payments", "{}", {{"Idempotency-Key", key}});
    EXPECT_EQ(r.status, 201) << r.body;
    auto v = Json(r);
    EXPECT_EQ(v.at("amount"), 200000);
    std::string pay_url(v.at("pay_url").as_string());
    EXPECT_NE(pay_url.find("/pay/"), std::string::npos);
    return std::string(v.at("reference").as_string());
  }

  void Decide(const std::string& reference, bool approve) {
    auto r = Fetch(sim_->Port(), "POST", "/pay/" + reference + (approve ? "/approve" : "/decline"), {}, "");
    EXPECT_EQ(r.status, 200) << r.body;
    sim_->Flush();
  }

  json::value Payments_(const User& u, const std::string& code) { return Json(u.Call("GET", "/api/v1/dossiers/" + code + "/payments")); }
  int Status(const User& u, const std::string& code) {
    return static_cast<int>(Json(u.Call("GET", "/api/v1/dossiers/" + code)).at("status").as_int64());
  }
  std::size_t Events(const User& u, const std::string& code, std::string_view event) {
    auto p = Payments_(u, code);
    std::size_t n = 0;
    for (const auto& e : p.at("ledger").as_array()) n += e.at("event").as_string() == event;
    return n;
  }

  // A callback signed with `secret` for `reference`.
  std::string Callback(const std::string& reference, const std::string& amount, const std::string& secret, std::string code = "00") {
    payment::Confirmation c;
    c.code = code;
    c.partner = kPartner;
    c.reference = reference;
    c.amount = amount;
    c.platform_txn = "GD-" + reference;
    c.bank = "VCB";
    c.time = "20261204163500";
    c.info = "Thanh toan";
    c.mac = payment::SignConfirmation(c, secret);
    return payment::EncodeConfirmation(c);
  }
  HttpResponse PostCallback(const std::string& body) {
    return Fetch(port(), "POST", "/api/v1/payments/callback", {{"Content-Type", "application/json"}}, body);
  }

  std::unique_ptr<payment::PaySim> sim_;
  std::unique_ptr<TestApp> app_;
};

TEST_P(Payments, PayThenCallbackAndTheDossierContinues) {
  User citizen = SignIn(port(), "citizen.demo");
  std::string code = DossierWaitingForPayment(citizen);
  auto before = Payments_(citizen, code);
  EXPECT_TRUE(before.at("enabled").as_bool());
  EXPECT_EQ(before.at("amount_due"), 200000);
  ASSERT_EQ(before.at("requests").as_array().size(), 1u);
  EXPECT_EQ(before.at("requests").at(0).at("items").as_array().size(), 2u);
  EXPECT_FALSE(before.as_object().contains("ledger")) << "the ledger is for officers";

  // Who may start paying: the applicant only; other agencies do not see the dossier.
  User receiver = SignIn(port(), "receiver.demo");
  EXPECT_EQ(receiver.Call("POST", "/api/v1/dossiers/" + code + "/payments", "{}").status, 403);
  EXPECT_EQ(SignIn(port(), "receiver2.demo").Call("GET", "/api/v1/dossiers/" + code + "/payments").status, 404);
  EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("POST", "/api/v1/dossiers/" + code + "/payments", "{}").status, 404);

  std::string ref = StartPaying(citizen, code, "pay-1");
  // A retry with the same key answers the same transaction.
  auto again = Json(citizen.Call("POST", "/api/v1/dossiers/" + code + "/payments", "{}", {{"Idempotency-Key", "pay-1"}}));
  EXPECT_EQ(again.at("reference"), json::value(ref));
  EXPECT_TRUE(again.at("replayed").as_bool());
  auto page = Fetch(sim_->Port(), "GET", "/pay/" + ref, {}, "");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("200000"), std::string::npos);

  Decide(ref, true);
  EXPECT_EQ(Status(citizen, code), 4) << "a settled payment moves the dossier on";
  auto after = Payments_(receiver, code);
  EXPECT_EQ(after.at("amount_due"), 0);
  EXPECT_EQ(after.at("requests").at(0).at("state"), "paid");
  EXPECT_EQ(after.at("requests").at(0).at("transactions").at(0).at("state"), "succeeded");
  EXPECT_EQ(Events(receiver, code, "settled"), 1u);
  auto history = Json(citizen.Call("GET", "/api/v1/dossiers/" + code)).at("history").as_array();
  EXPECT_TRUE(std::any_of(history.begin(), history.end(), [](const json::value& e) { return e.at("action") == "confirm_payment"; }));

  auto receipt = citizen.Call("GET", "/api/v1/dossiers/" + code + "/payments/" + ref + "/receipt");
  EXPECT_EQ(receipt.status, 200);
  EXPECT_TRUE(receipt.body.starts_with("%PDF-"));
  EXPECT_EQ(receiver.Call("GET", "/api/v1/dossiers/" + code + "/payments/" + ref + "/receipt").status, 200);
  EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("GET", "/api/v1/dossiers/" + code + "/payments/" + ref + "/receipt").status, 404);
  // Nothing is left to pay.
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers/" + code + "/payments", "{}").status, 409);

  // The agency's ledger: requested, initiated, settled.
  User admin = SignIn(port(), "admin.demo");
  auto ledger = admin.Call("GET", "/api/v1/admin/payments/ledger?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z");
  ASSERT_EQ(ledger.status, 200) << ledger.body;
  EXPECT_EQ(Json(ledger).at("settled_total_on_page"), 200000);
  EXPECT_EQ(citizen.Call("GET", "/api/v1/admin/payments/ledger?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z").status, 403);

  // Reconciliation of the day against the provider's statement: ours matched, one of theirs missing here.
  std::string day;
  json::value ledger_json = Json(ledger);  // named: a range-for over a temporary's member dangles
  for (const auto& e : ledger_json.at("items").as_array()) {
    if (e.at("event") == "settled") day = std::string(e.at("at").as_string()).substr(0, 10);
  }
  std::string statement = "MaThamChieu,SoTien,MaGiaoDich\n" + ref + ",200000,SIM1\nOTHER123,5000,SIM9\n";
  auto rec = admin.Call("POST", "/api/v1/admin/payments/reconciliation?date=" + day, statement, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(rec.status, 200) << rec.body;
  EXPECT_EQ(Json(rec).at("summary").at("matched"), 1);
  EXPECT_EQ(Json(rec).at("summary").at("missing_ours"), 1);
  EXPECT_EQ(Json(rec).at("summary").at("missing_theirs"), 0);
  auto rec_csv = admin.Call("POST", "/api/v1/admin/payments/reconciliation?format=csv&date=" + day, statement, {{"Content-Type", "text/csv"}});
  EXPECT_EQ(rec_csv.status, 200);
  EXPECT_NE(rec_csv.body.find(ref + ",200000,200000,matched"), std::string::npos) << rec_csv.body;
  json::value rec_json = Json(rec);
  ASSERT_EQ(rec_json.at("by_agency").as_array().size(), 2u) << rec_json;  // ours, and the statement's unknown line
  EXPECT_EQ(rec_json.at("by_agency").at(1).at("agency_code"), "000.00.02.H99");
  EXPECT_EQ(rec_json.at("by_agency").at(1).at("matched"), 1);
  EXPECT_EQ(rec_json.at("by_agency").at(1).at("ours_total"), 200000);
  EXPECT_EQ(rec_json.at("by_provider").as_array().size(), 2u) << rec_json;

  // The statement fetched from the platform (the sandbox keeps one): split per provider (the payer's bank).
  auto fetched = admin.Call("POST", "/api/v1/admin/payments/reconciliation?source=platform&date=" + day, "");
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  json::value f = Json(fetched);
  EXPECT_EQ(f.at("source"), "platform");
  EXPECT_EQ(f.at("summary").at("matched"), 1) << f;
  EXPECT_EQ(f.at("summary").at("missing_ours"), 0);
  EXPECT_EQ(f.at("summary").at("missing_theirs"), 0);
  ASSERT_EQ(f.at("by_provider").as_array().size(), 1u);
  EXPECT_EQ(f.at("by_provider").at(0).at("provider"), "NCB");
  EXPECT_EQ(f.at("by_provider").at(0).at("theirs_total"), 200000);
  EXPECT_EQ(f.at("lines").at(0).at("agency_code"), "000.00.02.H99");
  auto fetched_csv = admin.Call("POST", "/api/v1/admin/payments/reconciliation?source=platform&format=csv&date=" + day, "");
  EXPECT_NE(fetched_csv.body.find(ref + ",200000,200000,matched,NCB,"), std::string::npos) << fetched_csv.body;
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/payments/reconciliation?source=bank&date=" + day, "").status, 400);
  // Another day's statement has nothing of ours.
  auto other_day = Json(admin.Call("POST", "/api/v1/admin/payments/reconciliation?source=platform&date=2001-01-01", ""));
  EXPECT_EQ(other_day.at("summary").at("matched"), 0);
  EXPECT_EQ(other_day.at("lines").as_array().size(), 0u);
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/payments/reconciliation?date=" + day, "a,b\n1,2\n", {{"Content-Type", "text/csv"}}).status, 400);
  EXPECT_EQ(receiver.Call("POST", "/api/v1/admin/payments/reconciliation?date=" + day, statement, {{"Content-Type", "text/csv"}}).status, 403);
}

TEST_P(Payments, DeclinedLeavesTheDossierWaitingAndTheCitizenCanRetry) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code = DossierWaitingForPayment(citizen);
  std::string ref = StartPaying(citizen, code, "d-1");
  Decide(ref, false);
  EXPECT_EQ(Status(citizen, code), 6);
  auto p = Payments_(citizen, code);
  EXPECT_EQ(p.at("requests").at(0).at("state"), "open");
  EXPECT_EQ(p.at("requests").at(0).at("transactions").at(0).at("state"), "failed");
  EXPECT_EQ(Events(receiver, code, "declined"), 1u);
  std::string second = StartPaying(citizen, code, "d-2");
  EXPECT_NE(second, ref);
  Decide(second, true);
  EXPECT_EQ(Status(citizen, code), 4);
}

TEST_P(Payments, ALostCallbackIsSettledByTheRequeryJob) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code = DossierWaitingForPayment(citizen);
  sim_->Configure(1, /*drop=*/true, false);
  std::string ref = StartPaying(citizen, code, "l-1");
  Decide(ref, true);
  EXPECT_EQ(Status(citizen, code), 6) << "no callback arrived";
  auto early = app_->app().payments->Requery(std::chrono::system_clock::now());
  EXPECT_EQ(early.queried, 0u) << "not due yet";
  auto report = app_->app().payments->Requery(std::chrono::system_clock::now() + std::chrono::hours(1));
  EXPECT_EQ(report.queried, 1u);
  EXPECT_EQ(report.settled, 1u);
  EXPECT_EQ(Status(citizen, code), 4);
  EXPECT_EQ(Events(receiver, code, "settled"), 1u);
  // Settled transactions are not queried again.
  EXPECT_EQ(app_->app().payments->Requery(std::chrono::system_clock::now() + std::chrono::hours(5)).queried, 0u);
}

TEST_P(Payments, TheSameCallbackThreeTimesSettlesOnce) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code = DossierWaitingForPayment(citizen);
  sim_->Configure(3, false, false);
  std::string ref = StartPaying(citizen, code, "t-1");
  Decide(ref, true);
  EXPECT_EQ(sim_->CallbacksDelivered(), 3u);
  EXPECT_EQ(Status(citizen, code), 4);
  EXPECT_EQ(Events(receiver, code, "settled"), 1u);
  auto history = Json(citizen.Call("GET", "/api/v1/dossiers/" + code)).at("history").as_array();
  EXPECT_EQ(std::count_if(history.begin(), history.end(), [](const json::value& e) { return e.at("action") == "confirm_payment"; }), 1);
  // A fourth, hand-made delivery is answered with a signed "00" and changes nothing.
  auto r = PostCallback(Callback(ref, "200000", kSecret));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("MaLoi"), "00");
  EXPECT_EQ(Json(r).at("MaXacThuc"), json::value(payment::Mac({"00", kPartner, std::string(Json(r).at("ThoiGianGD").as_string())}, kSecret)));
  EXPECT_EQ(Events(receiver, code, "settled"), 1u);
}

TEST_P(Payments, TamperedWrongAmountAndUnknownReferenceAreRefused) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code = DossierWaitingForPayment(citizen);
  sim_->Configure(1, false, /*bad_signature=*/true);
  std::string ref = StartPaying(citizen, code, "x-1");
  Decide(ref, true);
  EXPECT_EQ(Status(citizen, code), 6) << "a badly signed callback changes nothing";

  std::string good = Callback(ref, "200000", kSecret);
  std::string tampered = good;
  tampered.replace(tampered.find("\"SoTien\":\"200000\""), 17, "\"SoTien\":\"200001\"");
  for (const auto& body : {Callback(ref, "200000", "wrong-secret"), tampered, Callback(ref, "2000", kSecret),
                           Callback("UNKNOWN20261204", "200000", kSecret), std::string("{not json")}) {
    auto r = PostCallback(body);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
    EXPECT_NE(Json(r).at("MaLoi"), "00");
  }
  EXPECT_EQ(Status(citizen, code), 6);
  EXPECT_EQ(Events(receiver, code, "settled"), 0u);
  EXPECT_EQ(Payments_(citizen, code).at("requests").at(0).at("transactions").at(0).at("state"), "pending");
  // The genuine one settles.
  auto r = PostCallback(good);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Status(citizen, code), 4);
}

TEST_P(Payments, WithdrawalCancelsOpenRequestsAndMarksTakenMoneyRefundDue) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  // Paid, then withdrawn: refund-due by rule.
  std::string paid = DossierWaitingForPayment(citizen);
  Decide(StartPaying(citizen, paid, "w-1"), true);
  ASSERT_EQ(Status(citizen, paid), 4);
  citizen.Act(paid, "withdraw", {{"reason", "Không còn nhu cầu"}});
  EXPECT_EQ(Payments_(citizen, paid).at("requests").at(0).at("state"), "refund_due");
  EXPECT_EQ(Events(receiver, paid, "refund_due"), 1u);

  // Withdrawn while waiting: the request is cancelled; a payment that lands later is refund-due.
  std::string open = DossierWaitingForPayment(citizen);
  std::string ref = StartPaying(citizen, open, "w-2");
  citizen.Act(open, "withdraw", {{"reason", "Rút hồ sơ"}});
  EXPECT_EQ(Payments_(citizen, open).at("requests").at(0).at("state"), "cancelled");
  EXPECT_EQ(Events(receiver, open, "cancelled"), 1u);
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers/" + open + "/payments", "{}").status, 409);
  Decide(ref, true);
  EXPECT_EQ(Status(citizen, open), 7) << "a withdrawn dossier stays withdrawn";
  EXPECT_EQ(Payments_(citizen, open).at("requests").at(0).at("state"), "refund_due");
  EXPECT_EQ(Events(receiver, open, "refund_due"), 1u);

  // Refund on withdrawal: the citizen sees what is due; a receiver records the refund once.
  auto due = Payments_(citizen, paid);
  ASSERT_EQ(due.at("refunds").as_array().size(), 1u) << due;
  EXPECT_EQ(due.at("refunds").at(0).at("amount"), 200000);
  EXPECT_EQ(due.at("refunds").at(0).at("rule"), "dossier_not_processed");
  EXPECT_TRUE(due.at("refunds").at(0).at("refunded_at").is_null());
  EXPECT_FALSE(due.at("can_refund").as_bool());
  std::string request_id(due.at("requests").at(0).at("id").as_string());
  std::string refund = "/api/v1/dossiers/" + paid + "/payments/requests/" + request_id + "/refund";
  EXPECT_EQ(citizen.Call("POST", refund, R"({"note":"x"})").status, 403);
  EXPECT_EQ(SignIn(port(), "receiver2.demo").Call("POST", refund, R"({"note":"x"})").status, 404);
  EXPECT_EQ(receiver.Call("POST", refund, R"({"note":""})").status, 400);
  EXPECT_EQ(receiver.Call("POST", refund, "[1]").status, 400);
  EXPECT_TRUE(Payments_(receiver, paid).at("can_refund").as_bool());
  auto r = receiver.Call("POST", refund, R"({"note":"Chuyển khoản hoàn trả UNC 0042 ngày 05/12/2026"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r).at("amount"), 200000);
  EXPECT_EQ(receiver.Call("POST", refund, R"({"note":"again"})").status, 409) << "a refund is recorded once";
  EXPECT_EQ(Events(receiver, paid, "refunded"), 1u);
  auto after = Payments_(citizen, paid);
  EXPECT_FALSE(after.at("refunds").at(0).at("refunded_at").is_null());
  EXPECT_EQ(after.at("refunds").at(0).at("note"), "Chuyển khoản hoàn trả UNC 0042 ngày 05/12/2026");
  EXPECT_FALSE(after.at("requests").at(0).at("refunded_at").is_null());

  // The late payment of the withdrawn one is refunded by its reference; the wrong reference is not due.
  std::string open_request(Payments_(receiver, open).at("requests").at(0).at("id").as_string());
  std::string refund_open = "/api/v1/dossiers/" + open + "/payments/requests/" + open_request + "/refund";
  EXPECT_EQ(receiver.Call("POST", refund_open, R"({"note":"x","reference":"OTHER"})").status, 409);
  EXPECT_EQ(receiver.Call("POST", refund_open, json::serialize(json::object{{"note", "Hoàn trả"}, {"reference", ref}})).status, 201);
  EXPECT_EQ(Events(receiver, open, "refunded"), 1u);
}

TEST_P(Payments, EReceiptsForPhiAndLePhiArePdfsWithAQrCodeForTheCitizenAndTheAgency) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code = DossierWaitingForPayment(citizen);
  std::string ref = StartPaying(citizen, code, "r-1");
  EXPECT_EQ(citizen.Call("GET", "/api/v1/dossiers/" + code + "/payments/" + ref + "/receipts/phi").status, 404) << "not paid yet";
  Decide(ref, true);
  auto p = Payments_(citizen, code);
  json::array receipts = p.at("requests").at(0).at("transactions").at(0).at("receipts").as_array();
  ASSERT_EQ(receipts.size(), 2u) << p;
  std::int64_t phi_number = 0;
  for (const auto& r : receipts) {
    std::string kind(r.at("kind").as_string());
    bool phi = kind == "phi";
    EXPECT_TRUE(phi || kind == "le_phi") << kind;
    EXPECT_EQ(r.at("amount"), phi ? 150000 : 50000);
    std::string series(r.at("series").as_string());
    EXPECT_TRUE(series.starts_with(phi ? "BLP-" : "BLL-")) << series;
    if (phi) phi_number = r.at("number").as_int64();
    std::string url(r.at("url").as_string());
    for (const User* who : {&citizen, &receiver}) {
      auto pdf = who->Call("GET", url);
      ASSERT_EQ(pdf.status, 200) << pdf.body;
      EXPECT_EQ(pdf.Header("Content-Type").value_or(""), "application/pdf");
      Read read = ReadPdf(pdf.body);
      for (const std::string& want : std::vector<std::string>{phi ? "BIÊN LAI THU PHÍ" : "BIÊN LAI THU LỆ PHÍ", "Ký hiệu: " + series,
                                                               "Mã hồ sơ: " + code, "Mã tham chiếu: " + ref,
                                                               phi ? "Một trăm năm mươi nghìn đồng" : "Năm mươi nghìn đồng",
                                                               phi ? "Phí cung cấp thông tin" : "Lệ phí", "Mã giao dịch:"}) {
        EXPECT_NE(read.text.find(want), std::string::npos) << want << "\nin: " << read.text;
      }
      EXPECT_EQ(read.text.find(phi ? "200.000" : "150.000"), std::string::npos) << "phí and lệ phí are apart: " << read.text;
      EXPECT_EQ(read.qr, std::string(kPublicUrl) + "/tra-cuu-ho-so?ma=" + code);
    }
    EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("GET", url).status, 404);
    EXPECT_EQ(SignIn(port(), "receiver2.demo").Call("GET", url).status, 404);
  }
  EXPECT_EQ(citizen.Call("GET", "/api/v1/dossiers/" + code + "/payments/" + ref + "/receipts/other").status, 404) << "no such kind paid";
  EXPECT_EQ(citizen.Call("GET", "/api/v1/dossiers/" + code + "/payments/" + ref + "/receipts/bogus").status, 404);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/dossiers/" + code + "/payments/" + ref + "/receipts/phi", {}, "").status, 401);
  // The platform's own e-receipt (GET_BILL) is there too.
  EXPECT_TRUE(citizen.Call("GET", "/api/v1/dossiers/" + code + "/payments/" + ref + "/receipt").body.starts_with("%PDF-"));

  // The next payment of the agency takes the next number of the series.
  std::string second = DossierWaitingForPayment(citizen);
  Decide(StartPaying(citizen, second, "r-2"), true);
  json::value p2 = Payments_(citizen, second);
  for (const auto& r : p2.at("requests").at(0).at("transactions").at(0).at("receipts").as_array()) {
    if (r.at("kind") == "phi") {
      EXPECT_EQ(r.at("number").as_int64(), phi_number + 1);
    }
  }
}

TEST_P(Payments, APendingAttemptPastItsValidityIsExpiredByTheRequeryJob) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code = DossierWaitingForPayment(citizen);
  std::string ref = StartPaying(citizen, code, "e-1");
  // Not yet past its validity (15 minutes): queried, still pending.
  auto early = app_->app().payments->Requery(std::chrono::system_clock::now() + std::chrono::minutes(5));
  EXPECT_EQ(early.queried, 1u);
  EXPECT_EQ(early.expired, 0u);
  EXPECT_EQ(Payments_(citizen, code).at("requests").at(0).at("transactions").at(0).at("state"), "pending");
  auto late = app_->app().payments->Requery(std::chrono::system_clock::now() + std::chrono::hours(2));
  EXPECT_EQ(late.queried, 1u);
  EXPECT_EQ(late.expired, 1u);
  auto p = Payments_(citizen, code);
  EXPECT_EQ(p.at("requests").at(0).at("transactions").at(0).at("state"), "failed");
  EXPECT_FALSE(p.at("requests").at(0).at("transactions").at(0).as_object().contains("pay_url"));
  EXPECT_EQ(p.at("requests").at(0).at("state"), "open");
  EXPECT_EQ(Events(receiver, code, "expired"), 1u);
  EXPECT_EQ(app_->app().payments->Requery(std::chrono::system_clock::now() + std::chrono::hours(10)).queried, 0u) << "no longer queried";
  EXPECT_EQ(Status(citizen, code), 6);
  // The citizen starts again and pays.
  Decide(StartPaying(citizen, code, "e-2"), true);
  EXPECT_EQ(Status(citizen, code), 4);
}

TEST_P(Payments, AProcedureThatCollectsAtReceiptWaitsForPaymentAtSubmission) {
  User admin = SignIn(port(), "admin.demo"), citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  auto cfg = admin.Call("GET", "/api/v1/admin/procedures/2.913001/config");
  ASSERT_EQ(cfg.status, 200) << cfg.body;
  json::object config = Json(cfg).at("config").as_object();
  config["payment_at_submission"] = "yes";
  EXPECT_EQ(admin.Call("PUT", "/api/v1/admin/procedures/2.913001/config", json::serialize(config)).status, 400);
  config["payment_at_submission"] = true;
  auto put = admin.Call("PUT", "/api/v1/admin/procedures/2.913001/config", json::serialize(config));
  ASSERT_EQ(put.status, 200) << put.body;

  auto submit = [&](const std::string& key) {
    json::array docs{json::object{{"code", "GT.2913001.1.01"},
                                  {"attachment_ids", json::array{json::string(citizen.Upload("to-khai.pdf", "application/pdf", Pdf("x")))}}}};
    json::object body{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "online"}, {"form", CriminalRecordForm()},
                      {"documents", docs}, {"summary", "LLTP"}};
    auto r = citizen.Call("POST", "/api/v1/dossiers", json::serialize(body), {{"Idempotency-Key", key}});
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(Json(r).at("code").as_string());
  };
  std::string code = submit("s-1");
  EXPECT_EQ(Status(citizen, code), 6) << "waits for payment";
  auto p = Payments_(citizen, code);
  ASSERT_EQ(p.at("requests").as_array().size(), 1u) << p;
  std::int64_t fee = p.at("amount_due").as_int64();
  EXPECT_GT(fee, 0);
  EXPECT_EQ(p.at("requests").at(0).at("items").at(0).at("kind"), "phi");
  receiver.Act(code, "accept", {}, 409);
  auto start = Json(citizen.Call("POST", "/api/v1/dossiers/" + code + "/payments", "{}", {{"Idempotency-Key", "s-pay-1"}}));
  Decide(std::string(start.at("reference").as_string()), true);
  EXPECT_EQ(Status(citizen, code), 1) << "paid: submitted, for the receiver";
  auto receipts = Payments_(citizen, code).at("requests").at(0).at("transactions").at(0).at("receipts");
  ASSERT_EQ(receipts.as_array().size(), 1u);
  EXPECT_EQ(receipts.at(0).at("kind"), "phi");
  EXPECT_EQ(receipts.at(0).at("amount"), fee);

  // Paid at submission, then refused at reception: the money is refund-due by rule.
  receiver.Act(code, "refuse", {{"reason", "Không thuộc thẩm quyền"}});
  EXPECT_EQ(Status(citizen, code), 3);
  EXPECT_EQ(Payments_(citizen, code).at("requests").at(0).at("state"), "refund_due");
  EXPECT_EQ(Events(receiver, code, "refund_due"), 1u);

  // Withdrawn before paying: the request is cancelled, nothing to refund.
  std::string unpaid = submit("s-2");
  EXPECT_EQ(Status(citizen, unpaid), 6);
  citizen.Act(unpaid, "withdraw", {{"reason", "Nộp nhầm"}});
  EXPECT_EQ(Payments_(citizen, unpaid).at("requests").at(0).at("state"), "cancelled");
  EXPECT_EQ(Payments_(citizen, unpaid).at("refunds").as_array().size(), 0u);
}

// A dossier with two open requests (partial payments) whose two payments are confirmed at the
// same moment: whichever settles last sees the other paid and moves the dossier on — neither
// may leave it waiting for a payment that has been made. Five dossiers, both callbacks at once.
TEST_P(Payments, TwoRequestsPaidAtOnceMoveTheDossierOn) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  auto raw = db::Database::Open(app_->db_url(), {.size = 1});
  ASSERT_TRUE(raw);
  for (int round = 0; round < 5; ++round) {
    std::string code = DossierWaitingForPayment(citizen);
    std::array<std::string, 2> refs{"RACE" + std::to_string(round) + "A", "RACE" + std::to_string(round) + "B"};
    {
      auto c = raw->Acquire();
      auto d = c->Execute({"t_dossier", "SELECT id, handling_agency_id FROM dossiers WHERE code = $1"}, {code});
      auto first = c->Execute({"t_first_request", "SELECT id FROM payment_requests WHERE dossier_code = $1"}, {code});
      ASSERT_EQ(first.rows.size(), 1u);
      std::string now = core::NowUtc(), second = core::Uuid::NewV7().ToString();
      std::string items = R"([{"kind":"phi","code":"P2","name":"Phí bổ sung","amount":30000}])";
      c->Execute(payment::store::kInsertRequest, {second, d.Text(0, 0), code, d.Text(0, 1), std::int64_t{30000}, std::string("Phí bổ sung"),
                                                  items, now, std::string("G22.99")});
      c->Execute(payment::store::kInsertTransaction, {core::Uuid::NewV7().ToString(), first.Text(0, 0), refs[0], std::string("race"), nullptr,
                                                      std::int64_t{200000}, now, nullptr});
      c->Execute(payment::store::kInsertTransaction, {core::Uuid::NewV7().ToString(), second, refs[1], std::string("race"), nullptr,
                                                      std::int64_t{30000}, now, nullptr});
    }
    std::array<std::string, 2> bodies{Callback(refs[0], "200000", kSecret), Callback(refs[1], "30000", kSecret)};
    std::array<int, 2> statuses{};
    std::atomic<int> ready{0};
    std::vector<std::thread> both;
    for (int i = 0; i < 2; ++i) {
      both.emplace_back([&, i] {
        ++ready;
        while (ready.load() < 2) std::this_thread::yield();
        statuses[static_cast<std::size_t>(i)] = PostCallback(bodies[static_cast<std::size_t>(i)]).status;
      });
    }
    for (auto& t : both) t.join();
    EXPECT_EQ(statuses[0], 200);
    EXPECT_EQ(statuses[1], 200);
    EXPECT_EQ(Status(citizen, code), 4) << "round " << round << ": both requests are paid";
    EXPECT_EQ(Events(receiver, code, "settled"), 2u);
  }
}

TEST_P(Payments, TheTransactionTypeCodeIsStoredSentAndShownInTheLedger) {
  User admin = SignIn(port(), "admin.demo"), citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  // Without configuration: the general G22.99.
  std::string plain = DossierWaitingForPayment(citizen);
  EXPECT_EQ(Payments_(citizen, plain).at("requests").at(0).at("type_code"), "G22.99");
  // The procedure's own code (Decision 31/2021 Art. 36); a malformed one is refused.
  json::object config = Json(admin.Call("GET", "/api/v1/admin/procedures/2.913001/config")).at("config").as_object();
  config["payment_type_code"] = "X22.99.1";
  EXPECT_EQ(admin.Call("PUT", "/api/v1/admin/procedures/2.913001/config", json::serialize(config)).status, 400);
  config["payment_type_code"] = 2299;
  EXPECT_EQ(admin.Call("PUT", "/api/v1/admin/procedures/2.913001/config", json::serialize(config)).status, 400);
  config["payment_type_code"] = "G22.99.01.2913001";
  ASSERT_EQ(admin.Call("PUT", "/api/v1/admin/procedures/2.913001/config", json::serialize(config)).status, 200);
  std::string code = DossierWaitingForPayment(citizen);
  EXPECT_EQ(Payments_(citizen, code).at("requests").at(0).at("type_code"), "G22.99.01.2913001");
  std::string ref = StartPaying(citizen, code, "t-1");
  // Sent in INIT (ThongTinBienLai.MaLoaiGiaoDich): the platform shows it on its page and statement.
  auto page = Fetch(sim_->Port(), "GET", "/pay/" + ref, {}, "");
  EXPECT_NE(page.body.find(">G22.99.01.2913001<"), std::string::npos) << page.body;
  Decide(ref, true);
  // Every ledger row of the request carries it: the dossier's and the agency's ledger.
  auto p = Payments_(receiver, code);
  ASSERT_GE(p.at("ledger").as_array().size(), 3u);
  for (const auto& e : p.at("ledger").as_array()) EXPECT_EQ(e.at("type_code"), "G22.99.01.2913001") << e;
  auto ledger = Json(admin.Call("GET", "/api/v1/admin/payments/ledger?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z"));
  std::size_t coded = 0, general = 0;
  for (const auto& e : ledger.at("items").as_array()) {
    if (e.at("dossier_code") == json::value(code)) coded += e.at("type_code") == "G22.99.01.2913001";
    if (e.at("dossier_code") == json::value(plain)) general += e.at("type_code") == "G22.99";
  }
  EXPECT_EQ(coded, 3u) << "requested, initiated, settled";
  EXPECT_EQ(general, 1u) << "requested";
  // Reconciliation by transaction type (Art. 36): the settled payment under its code; a line of the
  // statement only under the code the statement gives it.
  std::string day;
  for (const auto& e : ledger.at("items").as_array()) {
    if (e.at("event") == "settled" && e.at("dossier_code") == json::value(code)) day = std::string(e.at("at").as_string()).substr(0, 10);
  }
  ASSERT_EQ(day.size(), 10u);
  auto rec = admin.Call("POST", "/api/v1/admin/payments/reconciliation?date=" + day,
                        "MaThamChieu,SoTien,MaLoaiGiaoDich\n" + ref + ",200000,G22.99.01.2913001\nTHEIRS9,5000,G22.99.07\n",
                        {{"Content-Type", "text/csv"}});
  ASSERT_EQ(rec.status, 200) << rec.body;
  json::value r = Json(rec);
  std::map<std::string, json::value> types;
  for (const auto& t : r.at("by_type").as_array()) types[t.at("type_code").is_null() ? "" : std::string(t.at("type_code").as_string())] = t;
  ASSERT_TRUE(types.contains("G22.99.01.2913001")) << r;
  EXPECT_EQ(types["G22.99.01.2913001"].at("matched"), 1);
  ASSERT_TRUE(types.contains("G22.99.07")) << r;
  EXPECT_EQ(types["G22.99.07"].at("missing_ours"), 1);
  EXPECT_EQ(types["G22.99.07"].at("theirs_total"), 5000);
}

TEST_P(Payments, ReconciliationOverADateRangeHasPerDaySubtotalsThatMatchTheLedger) {
  User admin = SignIn(port(), "admin.demo"), citizen = SignIn(port(), "citizen.demo");
  std::string code = DossierWaitingForPayment(citizen);
  std::string ref = StartPaying(citizen, code, "r-1");
  Decide(ref, true);
  auto ledger = Json(admin.Call("GET", "/api/v1/admin/payments/ledger?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z"));
  std::string day;
  std::int64_t ledger_total = 0;
  for (const auto& e : ledger.at("items").as_array()) {
    if (e.at("event") == "settled") {
      day = std::string(e.at("at").as_string()).substr(0, 10);
      ledger_total += e.at("amount").as_int64();
    }
  }
  ASSERT_EQ(day.size(), 10u);
  // A window around the day: the statement has our payment (on its day) and one of theirs two days before.
  auto shift = [](const std::string& d, int days) {
    std::chrono::year_month_day ymd{std::chrono::year(std::stoi(d.substr(0, 4))), std::chrono::month(static_cast<unsigned>(std::stoi(d.substr(5, 2)))),
                                    std::chrono::day(static_cast<unsigned>(std::stoi(d.substr(8, 2))))};
    std::chrono::year_month_day out{std::chrono::sys_days(ymd) + std::chrono::days(days)};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(out.year()), static_cast<unsigned>(out.month()), static_cast<unsigned>(out.day()));
    return std::string(buf);
  };
  std::string from = shift(day, -3), to = shift(day, 1), before = shift(day, -2);
  std::string compact = before.substr(0, 4) + before.substr(5, 2) + before.substr(8, 2);
  std::string statement = "MaThamChieu,SoTien,ThoiGianGD\n" + ref + ",200000," + day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2) +
                          "101500\nTHEIRS1,7000," + compact + "090000\n";
  auto rec = admin.Call("POST", "/api/v1/admin/payments/reconciliation?from=" + from + "&to=" + to, statement, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(rec.status, 200) << rec.body;
  json::value r = Json(rec);
  EXPECT_EQ(r.at("from"), json::value(from));
  EXPECT_EQ(r.at("to"), json::value(to));
  EXPECT_EQ(r.at("summary").at("matched"), 1);
  EXPECT_EQ(r.at("summary").at("missing_ours"), 1);
  EXPECT_EQ(r.at("summary").at("ours_total"), ledger_total);
  ASSERT_EQ(r.at("by_day").as_array().size(), 2u) << r;
  EXPECT_EQ(r.at("by_day").at(0).at("day"), json::value(before));
  EXPECT_EQ(r.at("by_day").at(0).at("missing_ours"), 1);
  EXPECT_EQ(r.at("by_day").at(0).at("theirs_total"), 7000);
  EXPECT_EQ(r.at("by_day").at(1).at("day"), json::value(day));
  EXPECT_EQ(r.at("by_day").at(1).at("ours_total"), ledger_total) << "the day's subtotal is the day's settled ledger total";
  std::int64_t ours = 0, theirs = 0;
  for (const auto& d : r.at("by_day").as_array()) ours += d.at("ours_total").as_int64(), theirs += d.at("theirs_total").as_int64();
  EXPECT_EQ(ours, r.at("summary").at("ours_total").as_int64());
  EXPECT_EQ(theirs, r.at("summary").at("theirs_total").as_int64());
  // The CSV export carries each line's day.
  auto csv = admin.Call("POST", "/api/v1/admin/payments/reconciliation?format=csv&from=" + from + "&to=" + to, statement, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find(ref + ",200000,200000,matched,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("THEIRS1,0,7000,missing_ours,,," + before + ",\r\n"), std::string::npos) << csv.body;
  EXPECT_NE(csv.Header("Content-Disposition").value_or("").find("doi-soat-" + from + "_" + to + ".csv"), std::string::npos);
  // Fetched from the platform: one DOI_SOAT per day of the window.
  auto fetched = Json(admin.Call("POST", "/api/v1/admin/payments/reconciliation?source=platform&from=" + from + "&to=" + to, ""));
  EXPECT_EQ(fetched.at("summary").at("matched"), 1) << fetched;
  ASSERT_EQ(fetched.at("by_day").as_array().size(), 1u);
  EXPECT_EQ(fetched.at("by_day").at(0).at("day"), json::value(day));
  // A window outside the payment's day has nothing of ours.
  auto earlier = Json(admin.Call("POST", "/api/v1/admin/payments/reconciliation?from=" + shift(day, -40) + "&to=" + shift(day, -10), "MaThamChieu,SoTien\n"));
  EXPECT_EQ(earlier.at("summary").at("ours_total"), 0);
  // Bad windows: reversed, longer than 31 days, malformed, both forms at once.
  for (std::string q : {"from=" + to + "&to=" + from, "from=" + shift(day, -31) + "&to=" + day, "from=" + day + "&to=2026-13-01",
                        "from=" + day, "date=" + day + "&from=" + day + "&to=" + day}) {
    EXPECT_EQ(admin.Call("POST", "/api/v1/admin/payments/reconciliation?" + q, statement, {{"Content-Type", "text/csv"}}).status, 400) << q;
  }
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/payments/reconciliation?from=" + shift(day, -30) + "&to=" + day, statement,
                       {{"Content-Type", "text/csv"}}).status, 200) << "31 days";
}

// Our e-receipts carry a PDF signature (adbe.pkcs7.detached) with the deployment's key: pdfsig
// finds it valid and covering the whole file; one byte changed makes it invalid.
TEST(PaymentReceiptSignature, ReceiptsAreSignedOverTheWholeFileAndATamperedByteBreaksIt) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("motcua-sign-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // A throwaway self-signed test certificate, made for this run only.
  motcua::testing::Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj '/CN=motcua test receipts' -keyout '" +
      (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' 2>/dev/null");
  ASSERT_TRUE(fs::exists(dir / "cert.pem"));
  payment::PaySim sim(payment::PaySimOptions{.partner = kPartner, .secret = kSecret});
  sim.Start();
  std::string url = sim.PlatformUrl();
  TestApp app("sqlite", true, [&](config::Config& c) {
    c.payment_platform_url = url;
    c.payment_partner_code = kPartner;
    c.payment_secret = kSecret;
    c.payment_requery_seconds = 0;
    c.receipt_signing_key = (dir / "key.pem").string();
    c.receipt_signing_cert = (dir / "cert.pem").string();
  });
  sim.SetCallbackUrl("http://127.0.0.1:" + std::to_string(app.port()) + "/api/v1/payments/callback");
  User citizen = SignIn(app.port(), "citizen.demo");
  json::array docs{json::object{{"code", "GT.2913001.1.01"},
                                {"attachment_ids", json::array{json::string(citizen.Upload("to-khai.pdf", "application/pdf", Pdf("x")))}}}};
  json::object body{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "online"}, {"form", CriminalRecordForm()},
                    {"documents", docs}, {"summary", "LLTP"}};
  std::string code(Json(citizen.Call("POST", "/api/v1/dossiers", json::serialize(body))).at("code").as_string());
  User receiver = SignIn(app.port(), "receiver.demo"), leader = SignIn(app.port(), "leader.demo");
  receiver.Act(code, "accept");
  auto officers = Json(leader.Call("GET", "/api/v1/agencies/000.00.02.H99/officers?role=specialist"));
  leader.Act(code, "assign", {{"assignee_id", officers.at("items").at(0).at("id")}});
  json::array items{json::object{{"kind", "phi"}, {"code", "P1"}, {"name", "Phí"}, {"amount", 150000}},
                    json::object{{"kind", "le_phi"}, {"code", "L1"}, {"name", "Lệ phí"}, {"amount", 50000}}};
  SignIn(app.port(), "specialist.demo").Act(code, "request_payment", {{"amount", 200000}, {"reason", "Phí"}, {"items", items}});
  auto start = Json(citizen.Call("POST", "/api/v1/dossiers/" + code + "/payments", "{}", {{"Idempotency-Key", "sig-1"}}));
  std::string ref(start.at("reference").as_string());
  ASSERT_EQ(Fetch(sim.Port(), "POST", "/pay/" + ref + "/approve", {}, "").status, 200);
  sim.Flush();
  auto pdf = citizen.Call("GET", "/api/v1/dossiers/" + code + "/payments/" + ref + "/receipts/phi");
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  std::ofstream(dir / "signed.pdf", std::ios::binary) << pdf.body;
  std::string report = motcua::testing::Run("pdfsig '" + (dir / "signed.pdf").string() + "' 2>&1");
  EXPECT_NE(report.find("adbe.pkcs7.detached"), std::string::npos) << report;
  EXPECT_NE(report.find("Signature is Valid"), std::string::npos) << report;
  EXPECT_NE(report.find("Total document signed"), std::string::npos) << report;
  EXPECT_NE(report.find("motcua test receipts"), std::string::npos) << report;
  // Still the same receipt for a reader.
  EXPECT_NE(ReadPdf(pdf.body).text.find("BIÊN LAI THU PHÍ"), std::string::npos);
  // One byte of the page changed (inside the signed range): the signature no longer holds.
  std::string tampered = pdf.body;
  auto at = tampered.find("stream\n");
  ASSERT_NE(at, std::string::npos);
  tampered[at + 20] = static_cast<char>(tampered[at + 20] ^ 0x01);
  std::ofstream(dir / "tampered.pdf", std::ios::binary) << tampered;
  std::string broken = motcua::testing::Run("pdfsig '" + (dir / "tampered.pdf").string() + "' 2>&1");
  EXPECT_EQ(broken.find("Signature is Valid"), std::string::npos) << broken;
  EXPECT_NE(broken.find("Digest Mismatch"), std::string::npos) << broken;
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST(PaymentsOff, WithoutConfigurationThePayButtonExplains) {
  TestApp app("sqlite");
  User citizen = SignIn(app.port(), "citizen.demo");
  json::array docs{json::object{{"code", "GT.2913001.1.01"},
                                {"attachment_ids", json::array{json::string(citizen.Upload("a.pdf", "application/pdf", Pdf("x")))}}}};
  json::object body{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "online"}, {"form", CriminalRecordForm()},
                    {"documents", docs}, {"summary", "LLTP"}};
  std::string code(Json(citizen.Call("POST", "/api/v1/dossiers", json::serialize(body))).at("code").as_string());
  auto p = Json(citizen.Call("GET", "/api/v1/dossiers/" + code + "/payments"));
  EXPECT_FALSE(p.at("enabled").as_bool());
  EXPECT_TRUE(p.at("disabled_reason").is_string());
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers/" + code + "/payments", "{}").status, 503);
  EXPECT_EQ(Fetch(app.port(), "POST", "/api/v1/payments/callback", {{"Content-Type", "application/json"}}, "{}").status, 503);
}

INSTANTIATE_TEST_SUITE_P(Engines, Payments, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing

// Notifications end to end: a dossier event becomes an e-mail at a real SMTP sink, an SMS at a
// fake gateway (with a valid signature) and an in-app notice; failures wait and retry with
// back-off, become dead letters after N tries, respect the per-recipient limit, and are
// visible to administrators with their reason; bad templates and bad addresses never block a
// dossier action. The sender is driven pass by pass with an explicit clock (no sleeping).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <future>
#include <set>
#include <thread>

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "integration/api_user.hpp"
#include "integration/notify_fakes.hpp"
#include "integration/test_app.hpp"
#include "notify/sender.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

class Notifications : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!SmtpSinkAvailable()) GTEST_SKIP() << "python3-aiosmtpd is not installed (scripts/setup)";
    // No background sender: each test runs passes itself.
    app_ = std::make_unique<TestApp>(GetParam(), false, [](config::Config& c) { c.notify_poll_ms = 0; });
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
  }
  std::uint16_t port() const { return app_->port(); }

  notify::SenderOptions Options(std::uint16_t smtp_port, const std::string& sms_url = "") {
    notify::SenderOptions o;
    o.smtp.host = "127.0.0.1";
    o.smtp.port = smtp_port;
    o.smtp.starttls = false;
    o.smtp.from = "no-reply@dvc.anhoa.test";
    o.smtp.timeout = 1000ms;
    o.sms.url = sms_url;
    o.sms.secret = "gateway-secret";
    o.sms.timeout = 2000ms;
    o.max_attempts = 3;
    o.backoff = {30s, 3600s};
    o.rate_limit_per_hour = 0;
    o.public_url = [] { return std::string("https://dvc.anhoa.test"); };
    return o;
  }

  std::string Submit(const User& u, const std::string& key) { return SubmitCriminalRecord(u, "Xin cấp Phiếu lý lịch tư pháp số 1 " + key, key); }

  // Queues a message directly, as any module's transaction would.
  std::string Queue(const std::string& channel, const std::string& recipient, const std::string& event = "dossier.submitted",
                    const std::string& payload = R"({"code":"T-1","procedure":"Thử"})") {
    return QueueIn(*app_, channel, recipient, Clock::now(), event, payload);
  }
  static std::string QueueIn(TestApp& app, const std::string& channel, const std::string& recipient, Clock::time_point at,
                             const std::string& event = "dossier.submitted",
                             const std::string& payload = R"({"code":"T-1","procedure":"Thử"})",
                             const std::string& status = "pending") {
    auto c = app.app().db->Acquire();
    std::string id = core::Uuid::NewV7().ToString();
    c->Execute({"test_notify_queue",
                "INSERT INTO notification_outbox (id, event, channel, recipient, language, payload, created_at, status) "
                "VALUES ($1, $2, $3, $4, 'vi', $5, $6, $7)"},
               {id, event, channel, recipient, payload, core::FormatUtc(at), status});
    return id;
  }

  struct Row {
    std::string status, last_error;
    std::int64_t attempts = 0;
  };
  Row Message(const std::string& id) {
    auto c = app_->app().db->Acquire();
    auto r = c->Execute({"test_notify_row", "SELECT status, last_error, attempts FROM notification_outbox WHERE id = $1"}, {id});
    if (r.Empty()) return {};
    return {r.Text(0, 0), r.Text(0, 1), r.Int(0, 2)};
  }
  std::string IdOf(const std::string& channel, const std::string& event) {
    auto c = app_->app().db->Acquire();
    auto r = c->Execute({"test_notify_id", "SELECT id FROM notification_outbox WHERE channel = $1 AND event = $2 ORDER BY id DESC"},
                        {channel, event});
    return r.Empty() ? "" : r.Text(0, 0);
  }

  std::unique_ptr<TestApp> app_;
};

TEST_P(Notifications, ASubmittedDossierReachesTheApplicantByEmailSmsAndInApp) {
  SmtpSink sink;
  SmsGateway gateway;
  User citizen = SignIn(port(), "citizen.demo");
  std::string code = Submit(citizen, "n-1");
  ASSERT_FALSE(code.empty());

  notify::Sender sender(*app_->app().db, Options(sink.port(), gateway.url()));
  auto report = sender.RunOnce(Clock::now());
  EXPECT_EQ(report.sent, 2u);
  EXPECT_EQ(sender.RunOnce(Clock::now()).Total(), 0u) << "nothing is sent twice";

  auto mails = sink.Messages();
  ASSERT_EQ(mails.size(), 1u);
  const auto& mail = mails[0];
  EXPECT_EQ(mail.envelope_to, "citizen.demo@demo.invalid");
  EXPECT_EQ(mail.Header("Subject"), "Hồ sơ " + code + " đã được nộp");
  std::string id = IdOf("email", "dossier.submitted");
  EXPECT_EQ(mail.Header("Message-ID"), "<" + id + "@dvc.anhoa.test>") << "stable across retries: the outbox id";
  EXPECT_NE(mail.Header("Content-Type").find("charset=utf-8"), std::string::npos);
  std::string body = mail.Body();
  EXPECT_NE(body.find("Kính gửi Nguyễn Văn An"), std::string::npos) << body;
  EXPECT_NE(body.find("https://dvc.anhoa.test/ho-so/" + code), std::string::npos) << body;

  auto sms = gateway.received();
  ASSERT_EQ(sms.size(), 1u);
  EXPECT_EQ(sms[0].signature, notify::SmsSignature("gateway-secret", sms[0].body));
  json::value sms_body = json::parse(sms[0].body);
  EXPECT_EQ(sms_body.at("to"), "84912345678");
  EXPECT_NE(std::string(sms_body.at("text").as_string()).find(code), std::string::npos);

  // In-app, with the unread count.
  auto list = Json(citizen.Call("GET", "/api/v1/me/notifications"));
  EXPECT_EQ(list.at("unread"), 1);
  ASSERT_EQ(list.at("items").as_array().size(), 1u);
  const auto& item = list.at("items").at(0);
  EXPECT_EQ(item.at("title"), json::value("Hồ sơ " + code + " đã được nộp"));
  EXPECT_EQ(item.at("dossier_code"), json::value(code));
  EXPECT_EQ(item.at("read"), false);
  auto en = Json(citizen.Call("GET", "/api/v1/me/notifications", {}, {{"Accept-Language", "en"}}));
  EXPECT_EQ(en.at("items").at(0).at("title"), json::value("Dossier " + code + " submitted"));
  EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("POST", "/api/v1/me/notifications/" + std::string(item.at("id").as_string()) + "/read").status, 404);
  auto read = citizen.Call("POST", "/api/v1/me/notifications/" + std::string(item.at("id").as_string()) + "/read");
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(Json(read).at("unread"), 0);

  // The receiver accepts: the citizen hears of it; the delivery log shows both attempts.
  User receiver = SignIn(port(), "receiver.demo");
  receiver.Act(code, "accept", {{"note", "Đủ"}});
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/me/notifications")).at("unread"), 1);
  EXPECT_EQ(sender.RunOnce(Clock::now()).sent, 2u);
  EXPECT_EQ(sink.Messages().back().Header("Subject"), "Hồ sơ " + code + " đã được tiếp nhận");
  // Officers are told too: the specialist a dossier is assigned to.
  User leader = SignIn(port(), "leader.demo"), specialist = SignIn(port(), "specialist.demo");
  auto officers = Json(leader.Call("GET", "/api/v1/agencies/000.00.02.H99/officers?role=specialist"));
  std::string specialist_id(officers.at("items").at(0).at("id").as_string());
  leader.Act(code, "assign", {{"assignee_id", specialist_id}});
  auto mine = Json(specialist.Call("GET", "/api/v1/me/notifications"));
  EXPECT_EQ(mine.at("unread"), 1);
  EXPECT_EQ(mine.at("items").at(0).at("title"), json::value("Hồ sơ " + code + " được giao cho bạn"));
  User admin = SignIn(port(), "sysadmin.demo");
  auto log = Json(admin.Call("GET", "/api/v1/admin/notifications?channel=email&status=sent"));
  EXPECT_EQ(log.at("total"), 2);
  auto detail = Json(admin.Call("GET", "/api/v1/admin/notifications/" + id));
  EXPECT_EQ(detail.at("attempt_log").at(0).at("outcome"), "sent");
  EXPECT_NE(std::string(detail.at("attempt_log").at(0).at("detail").as_string()).find("250"), std::string::npos);
  EXPECT_EQ(detail.at("payload").at("code"), json::value(code));
}

TEST_P(Notifications, ADownServerIsRetriedWithBackoffAndNothingIsLost) {
  SmtpSink sink;
  sink.Stop();  // connection refused on its port
  notify::Sender sender(*app_->app().db, Options(sink.port()));
  std::string id = Queue("email", "an@demo.invalid");
  auto t0 = Clock::now();
  EXPECT_EQ(sender.RunOnce(t0).retried, 1u);
  Row r = Message(id);
  EXPECT_EQ(r.status, "pending");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_NE(r.last_error.find("connect"), std::string::npos) << r.last_error;
  EXPECT_EQ(sender.RunOnce(t0 + 1s).Total(), 0u) << "waits for its back-off";
  sink.Start();
  EXPECT_EQ(sender.RunOnce(t0 + 31s).sent, 1u);
  EXPECT_EQ(Message(id).status, "sent");
  EXPECT_EQ(Message(id).attempts, 2);
  ASSERT_EQ(sink.Count(), 1u);
  User admin = SignIn(port(), "sysadmin.demo");
  auto detail = Json(admin.Call("GET", "/api/v1/admin/notifications/" + id));
  ASSERT_EQ(detail.at("attempt_log").as_array().size(), 2u);
  EXPECT_EQ(detail.at("attempt_log").at(0).at("outcome"), "retry");
  EXPECT_EQ(detail.at("attempt_log").at(1).at("outcome"), "sent");
}

TEST_P(Notifications, AfterNAttemptsAMessageIsADeadLetterThatAnAdministratorCanRetry) {
  SmtpSink sink;
  sink.Stop();
  notify::Sender sender(*app_->app().db, Options(sink.port()));
  std::string id = Queue("email", "an@demo.invalid");
  auto t = Clock::now();
  for (int i = 0; i < 3; ++i) {
    sender.RunOnce(t);
    t += 2h;
  }
  EXPECT_EQ(Message(id).status, "dead");
  EXPECT_EQ(Message(id).attempts, 3);
  EXPECT_EQ(sender.RunOnce(t + 24h).Total(), 0u);
  User admin = SignIn(port(), "sysadmin.demo");
  auto dead = Json(admin.Call("GET", "/api/v1/admin/notifications?status=dead"));
  ASSERT_EQ(dead.at("total"), 1);
  EXPECT_FALSE(dead.at("items").at(0).at("last_error").as_string().empty());
  EXPECT_EQ(SignIn(port(), "admin.demo").Call("POST", "/api/v1/admin/notifications/" + id + "/retry").status, 403);
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/notifications/0190a0a0-0000-7000-8000-000000000000/retry").status, 404);
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/notifications/" + id + "/retry").status, 200);
  EXPECT_EQ(admin.Call("POST", "/api/v1/admin/notifications/" + id + "/retry").status, 409);
  sink.Start();
  EXPECT_EQ(sender.RunOnce(t).sent, 1u);
  EXPECT_EQ(Message(id).status, "sent");
}

TEST_P(Notifications, TransientPermanentAndSlowServersAreToldApart) {
  SmtpSink sink;
  SmsGateway gateway;
  notify::Sender sender(*app_->app().db, Options(sink.port(), gateway.url()));
  std::string busy = Queue("email", "defer451@demo.invalid"), gone = Queue("email", "reject550@demo.invalid");
  std::string slow = Queue("email", "slow@demo.invalid"), fine = Queue("email", "fine@demo.invalid");
  gateway.status = 500;
  std::string sms = Queue("sms", "0912345678");
  auto report = sender.RunOnce(Clock::now());
  EXPECT_EQ(report.sent, 1u);
  EXPECT_EQ(Message(busy).status, "pending");
  EXPECT_NE(Message(busy).last_error.find("451"), std::string::npos) << Message(busy).last_error;
  EXPECT_EQ(Message(gone).status, "failed");
  EXPECT_NE(Message(gone).last_error.find("550"), std::string::npos) << Message(gone).last_error;
  EXPECT_EQ(Message(slow).status, "pending");
  EXPECT_NE(Message(slow).last_error.find("timeout"), std::string::npos) << Message(slow).last_error;
  EXPECT_EQ(Message(fine).status, "sent") << Message(fine).last_error;
  EXPECT_EQ(Message(sms).status, "pending");
  EXPECT_NE(Message(sms).last_error.find("HTTP 500"), std::string::npos) << Message(sms).last_error;
  gateway.status = 200;
  sender.RunOnce(Clock::now() + 1h);
  EXPECT_EQ(Message(sms).status, "sent");
  EXPECT_EQ(gateway.received().size(), 2u) << "the same message id both times";
  EXPECT_EQ(gateway.received()[0].body, gateway.received()[1].body);
  // A gateway that takes the request and does not answer costs the timeout, then a retry.
  gateway.delay_ms = 3000;
  auto options = Options(sink.port(), gateway.url());
  options.sms.timeout = 300ms;
  notify::Sender impatient(*app_->app().db, options);
  std::string hung = Queue("sms", "0912345678");
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(impatient.RunOnce(Clock::now()).retried, 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
  EXPECT_EQ(Message(hung).status, "pending");
  EXPECT_NE(Message(hung).last_error.find("timeout"), std::string::npos) << Message(hung).last_error;
}

TEST_P(Notifications, MalformedAddressesFailWithAReasonAndTheDossierGoesAhead) {
  SmtpSink sink;
  SmsGateway gateway;
  {
    auto c = app_->app().db->Acquire();
    c->Execute({"test_notify_bad_contact", "UPDATE accounts SET email = 'an at demo', phone = '12345' WHERE login = 'citizen.demo'"}, {});
  }
  User citizen = SignIn(port(), "citizen.demo");
  std::string code = Submit(citizen, "n-bad");
  ASSERT_FALSE(code.empty());
  notify::Sender sender(*app_->app().db, Options(sink.port(), gateway.url()));
  EXPECT_EQ(sender.RunOnce(Clock::now()).failed, 2u);
  EXPECT_EQ(sink.Count(), 0u);
  User admin = SignIn(port(), "sysadmin.demo");
  auto failed = Json(admin.Call("GET", "/api/v1/admin/notifications?status=failed&channel=email"));
  ASSERT_EQ(failed.at("total"), 1);
  EXPECT_NE(std::string(failed.at("items").at(0).at("last_error").as_string()).find("Not a valid e-mail address"), std::string::npos);
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/me/notifications")).at("unread"), 1) << "in-app still works";
}

TEST_P(Notifications, EachRecipientGetsAtMostKAnHourAndTheRestWait) {
  SmtpSink sink;
  auto options = Options(sink.port());
  options.rate_limit_per_hour = 2;
  notify::Sender sender(*app_->app().db, options);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(Queue("email", "busy.citizen@demo.invalid"));
  std::string other = Queue("email", "other@demo.invalid");
  auto t = Clock::now();
  auto report = sender.RunOnce(t);
  EXPECT_EQ(report.sent, 3u);
  EXPECT_EQ(report.deferred, 1u);
  std::string waiting;
  for (const auto& id : ids) {
    if (Message(id).status == "pending") waiting = id;
  }
  ASSERT_FALSE(waiting.empty());
  EXPECT_NE(Message(waiting).last_error.find("At most 2 messages an hour"), std::string::npos);
  EXPECT_EQ(Message(waiting).attempts, 0) << "waiting is not a failed attempt";
  EXPECT_EQ(Message(other).status, "sent");
  EXPECT_EQ(sender.RunOnce(t + 10min).Total(), 0u);
  EXPECT_EQ(sender.RunOnce(t + 61min).sent, 1u);
  EXPECT_EQ(sink.Count(), 4u);
}

TEST_P(Notifications, TemplatesAreCheckedWhenSavedAndABrokenOneFailsItsMessageOnly) {
  SmtpSink sink;
  User admin = SignIn(port(), "sysadmin.demo");
  auto bad = admin.Call("PUT", "/api/v1/admin/notification-templates/dossier.submitted",
                        R"({"templates":{"email":{"vi":{"subject":"Hồ sơ {{code}} {{so_tien}}","body":"x"}}}})");
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Json(bad).at("errors").at(0).at("field"), "/templates/email/vi/subject");
  EXPECT_NE(bad.body.find("so_tien"), std::string::npos);
  EXPECT_EQ(admin.Call("PUT", "/api/v1/admin/notification-templates/no.such", R"({"templates":{}})").status, 404);
  EXPECT_EQ(SignIn(port(), "admin.demo").Call("PUT", "/api/v1/admin/notification-templates/no.such", R"({"templates":{}})").status, 403);
  auto ok = admin.Call("PUT", "/api/v1/admin/notification-templates/dossier.submitted",
                       R"({"templates":{"email":{"vi":{"subject":"Đã nhận hồ sơ {{ code }}","body":"Mã hồ sơ: {{code}}"}}}})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Json(ok).at("templates").at("email").at("vi").at("customized"), true);
  EXPECT_EQ(Json(ok).at("templates").at("email").at("en").at("customized"), false);

  notify::Sender sender(*app_->app().db, Options(sink.port()));
  std::string good = Queue("email", "an@demo.invalid");
  sender.RunOnce(Clock::now());
  EXPECT_EQ(Message(good).status, "sent");
  ASSERT_EQ(sink.Count(), 1u);
  EXPECT_EQ(sink.Messages()[0].Header("Subject"), "Đã nhận hồ sơ T-1");

  // A template that slipped past validation (written straight to the database) fails only the
  // messages that use it, with the reason.
  {
    auto c = app_->app().db->Acquire();
    c->Execute({"test_notify_bad_template",
                "UPDATE notification_templates SET body = 'Xin chào {{nope}}' WHERE event = 'dossier.submitted'"}, {});
  }
  std::string broken = Queue("email", "an@demo.invalid");
  std::string unaffected = Queue("email", "an@demo.invalid", "password_reset", R"({"full_name":"An","link":"x","expires_in_minutes":60})");
  sender.RunOnce(Clock::now());
  EXPECT_EQ(Message(broken).status, "failed");
  EXPECT_NE(Message(broken).last_error.find("{{nope}}"), std::string::npos) << Message(broken).last_error;
  EXPECT_EQ(Message(unaffected).status, "sent");
  // Back to the shipped text.
  EXPECT_EQ(admin.Call("PUT", "/api/v1/admin/notification-templates/dossier.submitted", R"({"templates":{"email":{"vi":null}}})").status, 200);
  EXPECT_EQ(Json(admin.Call("GET", "/api/v1/admin/notification-templates/dossier.submitted")).at("templates").at("email").at("vi").at("customized"), false);
}

TEST_P(Notifications, StartTlsAndAuthAreUsedWhenConfiguredAndABadPasswordWaits) {
  SmtpSink sink("motcua", "s3cret-pass");
  auto options = Options(sink.port());
  options.smtp.starttls = true;
  options.smtp.tls_verify = false;  // the test certificate is self-signed
  options.smtp.user = "motcua";
  options.smtp.password = "wrong";
  std::string id = Queue("email", "an@demo.invalid");
  auto t = Clock::now();
  EXPECT_EQ(notify::Sender(*app_->app().db, options).RunOnce(t).retried, 1u);
  EXPECT_NE(Message(id).last_error.find("535"), std::string::npos) << Message(id).last_error;
  options.smtp.password = "s3cret-pass";
  EXPECT_EQ(notify::Sender(*app_->app().db, options).RunOnce(t + 1h).sent, 1u) << Message(id).last_error;
  ASSERT_EQ(sink.Count(), 1u);
  EXPECT_EQ(sink.Messages()[0].Header("Subject"), "Hồ sơ T-1 đã được nộp");
  // A server without STARTTLS is refused when it is required: the message waits.
  SmtpSink plain;
  options = Options(plain.port());
  options.smtp.starttls = true;
  std::string waits = Queue("email", "an@demo.invalid");
  EXPECT_EQ(notify::Sender(*app_->app().db, options).RunOnce(t + 1h).retried, 1u);
  EXPECT_NE(Message(waits).last_error.find("STARTTLS"), std::string::npos) << Message(waits).last_error;
  EXPECT_EQ(plain.Count(), 0u);
}

TEST_P(Notifications, TwoSendersAtOnceSendEachMessageOnce) {
  SmtpSink sink;
  for (int i = 0; i < 30; ++i) Queue("email", "n" + std::to_string(i) + "@demo.invalid");
  notify::Sender a(*app_->app().db, Options(sink.port())), b(*app_->app().db, Options(sink.port()));
  auto t = Clock::now();
  auto fa = std::async(std::launch::async, [&] { return a.RunOnce(t).sent; });
  auto fb = std::async(std::launch::async, [&] { return b.RunOnce(t).sent; });
  EXPECT_EQ(fa.get() + fb.get(), 30u);
  auto mails = sink.Messages();
  std::set<std::string> ids;
  for (const auto& m : mails) ids.insert(m.Header("Message-ID"));
  EXPECT_EQ(mails.size(), 30u);
  EXPECT_EQ(ids.size(), 30u);
}

TEST_P(Notifications, AnHttpsGatewayGetsTheSmsOnlyWhenItsCertificateIsTrusted) {
  TlsSmsGateway gateway;
  auto options = Options(1, gateway.url());
  std::string id = Queue("sms", "0912345678");
  auto t = Clock::now();
  // A self-signed gateway is not trusted by the system store: nothing is sent, the message waits.
  EXPECT_EQ(notify::Sender(*app_->app().db, options).RunOnce(t).retried, 1u);
  EXPECT_EQ(Message(id).status, "pending");
  EXPECT_NE(Message(id).last_error.find("certificate verify failed"), std::string::npos) << Message(id).last_error;
  EXPECT_TRUE(gateway.Received().empty());
  // Trusting its CA (notify_tls_ca_file), the next attempt reaches it over TLS, signed.
  options.sms.ca_file = gateway.ca_file();
  EXPECT_EQ(notify::Sender(*app_->app().db, options).RunOnce(t + 1h).sent, 1u) << Message(id).last_error;
  auto received = gateway.Received();
  ASSERT_EQ(received.size(), 1u);
  json::value got = json::parse(received[0]);
  std::string body(got.at("body").as_string());
  EXPECT_EQ(got.at("signature").as_string(), notify::SmsSignature("gateway-secret", body));
  EXPECT_EQ(json::parse(body).at("to"), "84912345678");
  EXPECT_EQ(json::parse(body).at("id").as_string(), id);
}

TEST_P(Notifications, StartTlsVerifiesTheServerCertificateAgainstTheConfiguredCa) {
  SmtpSink sink("motcua", "s3cret-pass");
  auto options = Options(sink.port());
  options.smtp.starttls = true;
  options.smtp.tls_verify = true;
  options.smtp.user = "motcua";
  options.smtp.password = "s3cret-pass";
  std::string id = Queue("email", "an@demo.invalid");
  auto t = Clock::now();
  EXPECT_EQ(notify::Sender(*app_->app().db, options).RunOnce(t).retried, 1u);
  EXPECT_NE(Message(id).last_error.find("certificate verify failed"), std::string::npos) << Message(id).last_error;
  EXPECT_EQ(sink.Count(), 0u);
  options.smtp.ca_file = sink.ca_file();
  EXPECT_EQ(notify::Sender(*app_->app().db, options).RunOnce(t + 1h).sent, 1u) << Message(id).last_error;
  EXPECT_EQ(sink.Count(), 1u);
}

TEST_P(Notifications, TheSendersThreadDrainsAFullOutboxAtOnceAndKnowsItsLag) {
  SmtpSink sink;
  auto now = Clock::now();
  for (int i = 0; i < 12; ++i) Queue("email", "d" + std::to_string(i) + "@demo.invalid");
  QueueIn(*app_, "sms", "0912345678", now - 1h);  // SMS is off below: it waits, an hour old
  QueueIn(*app_, "email", "gone@demo.invalid", now - 2h, "dossier.submitted", R"({"code":"T-1"})", "dead");
  auto options = Options(sink.port());
  options.batch = 5;
  options.poll = 1h;  // only passes run back to back can send all twelve within the test
  notify::Sender sender(*app_->app().db, options);
  sender.Start();
  for (int i = 0; i < 400 && (sink.Count() < 12 || sender.Stats().pending != 1); ++i) std::this_thread::sleep_for(25ms);
  EXPECT_EQ(sink.Count(), 12u) << "passes of 5, 5 and 2 back to back";
  auto stats = sender.Stats();
  EXPECT_EQ(stats.pending, 1);
  EXPECT_GE(stats.oldest_pending_seconds, 3600.0);
  EXPECT_LT(stats.oldest_pending_seconds, 3700.0);
  EXPECT_EQ(stats.dead, 1);
  EXPECT_EQ(stats.failed, 0);
}

TEST_P(Notifications, EachPassTakesTheOldestDueMessagesOfTheChannelsThatAreOnWhateverWaitsOnTheOthers) {
  SmtpSink sink;
  auto now = Clock::now();
  // SMS is off: its messages wait, older than all the rest and more than a batch of them.
  std::vector<std::string> sms;
  for (int i = 0; i < 4; ++i) sms.push_back(QueueIn(*app_, "sms", "091234567" + std::to_string(i), now - 5h + std::chrono::minutes(i)));
  std::string a = QueueIn(*app_, "email", "a@demo.invalid", now - 3h), l = QueueIn(*app_, "log", "l", now - 2h);
  std::string b = QueueIn(*app_, "email", "b@demo.invalid", now - 1h), m = QueueIn(*app_, "log", "m", now - 30min);
  auto options = Options(sink.port());
  options.batch = 2;
  notify::Sender sender(*app_->app().db, options);
  EXPECT_EQ(sender.RunOnce(now).sent, 2u);
  EXPECT_EQ(Message(a).status, "sent");
  EXPECT_EQ(Message(l).status, "sent") << "the log channel's older message goes before the newer e-mail";
  EXPECT_EQ(Message(b).status, "pending");
  EXPECT_EQ(Message(m).status, "pending");
  EXPECT_EQ(sender.RunOnce(now).sent, 2u);
  EXPECT_EQ(Message(b).status, "sent");
  EXPECT_EQ(Message(m).status, "sent");
  EXPECT_EQ(sender.RunOnce(now).sent, 0u);
  for (const auto& id : sms) EXPECT_EQ(Message(id).status, "pending");
  EXPECT_EQ(sink.Count(), 2u);
}

TEST_P(Notifications, MetricsShowTheOutboxAsTheRunningSenderSawIt) {
  // An instance of its own whose sender runs (every 50 ms) with e-mail not configured.
  TestApp app(GetParam(), false, [](config::Config& c) { c.notify_poll_ms = 50; });
  QueueIn(app, "email", "an@demo.invalid", Clock::now() - 10min);
  QueueIn(app, "email", "b@demo.invalid", Clock::now() - 1min);
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text = Fetch(app.port(), "GET", "/metrics").body;
    if (text.find("motcua_notify_outbox_messages{status=\"pending\"} 2") != std::string::npos) break;
    std::this_thread::sleep_for(25ms);
  }
  EXPECT_NE(text.find("motcua_notify_outbox_messages{status=\"pending\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("motcua_notify_outbox_messages{status=\"dead\"} 0"), std::string::npos) << text;
  const std::string sample = "\nmotcua_notify_outbox_oldest_pending_seconds ";  // not the # HELP line
  auto at = text.find(sample);
  ASSERT_NE(at, std::string::npos) << text;
  double lag = std::stod(text.substr(at + sample.size()));
  EXPECT_GE(lag, 600.0);
  EXPECT_LT(lag, 700.0);
}

INSTANTIATE_TEST_SUITE_P(Engines, Notifications, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing

// Feedback and petitions (PAKN) through real HTTP on both engines: the whole lifecycle from
// submission to a rated, published answer; illegal steps answered 409 with the allowed actions;
// officer entry of a telephone call; bad input; duplicates merged and answered once for every
// petitioner; an answer that fails half-way leaves nothing; the overdue watcher; questions that
// become FAQ entries of the catalog.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>

#include "crypto/sha256.hpp"
#include "integration/api_user.hpp"
#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;

class Feedback : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    app_ = std::make_unique<TestApp>(GetParam(), true, [](config::Config& c) {
      c.deadline_watch_seconds = 0;  // the test runs the watcher itself
      c.notify_poll_ms = 0;
    });
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
  }
  std::uint16_t port() const { return app_->port(); }

  // A citizen's item about 2.913001 (handled by 000.00.02.H99).
  json::value Submit(const User& u, const std::string& title, const std::string& content, int expect = 201) {
    json::object body{{"category", "LV-G15-LLTP"}, {"title", title}, {"content", content}, {"procedure_code", "2.913001"}};
    auto r = u.Call("POST", "/api/v1/feedback", json::serialize(body));
    EXPECT_EQ(r.status, expect) << r.body;
    return Json(r);
  }
  json::value Act(const User& u, const std::string& code, const std::string& action, const json::object& body = {}, int expect = 200) {
    auto r = u.Call("POST", "/api/v1/feedback/" + code + "/actions/" + action, json::serialize(body));
    EXPECT_EQ(r.status, expect) << action << ": " << r.body;
    return Json(r);
  }
  std::int64_t Count(const std::string& sql) {
    auto c = app_->app().db->Acquire();
    // A short name per text: PostgreSQL cuts statement names at 63 bytes.
    const std::string& name = *names_.insert("test_count_" + crypto::Sha256::Hex(sql).substr(0, 16)).first;
    return c->Execute(db::Query{name, sql}).Int(0, 0);
  }

  std::unique_ptr<TestApp> app_;
  std::set<std::string> names_;
};

TEST_P(Feedback, FromSubmissionToARatedPublishedAnswer) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  User leader = SignIn(port(), "leader.demo"), other = SignIn(port(), "receiver2.demo");
  std::string attachment = citizen.Upload("bien-nhan.pdf", "application/pdf", Pdf("receipt"));
  json::object body{{"category", "PAKN-HC"}, {"title", "Hẹn trả phiếu lý lịch tư pháp nhiều lần"},
                    {"content", "Tôi là Nguyễn Văn An, số điện thoại 0912 345 678. Hồ sơ bị hẹn lại ba lần."},
                    {"procedure_code", "2.913001"}, {"attachment_ids", json::array{json::string(attachment)}}};
  auto r = citizen.Call("POST", "/api/v1/feedback", json::serialize(body));
  ASSERT_EQ(r.status, 201) << r.body;
  auto item = Json(r);
  std::string code(item.at("code").as_string());
  EXPECT_TRUE(code.starts_with("PAKN-")) << code;
  EXPECT_EQ(r.Header("Location").value_or(""), "/api/v1/feedback/" + code);
  EXPECT_EQ(item.at("status"), "received");
  EXPECT_EQ(item.at("agency").at("code"), "000.00.02.H99");
  EXPECT_EQ(item.at("petitioner").at("full_name"), "Nguyễn Văn An");  // from the account
  EXPECT_EQ(item.at("attachments").as_array().size(), 1u);
  EXPECT_FALSE(item.at("due_at").is_null());  // 5 working days to classify and transfer
  EXPECT_TRUE(item.at("allowed_actions").as_array().empty());  // a citizen acts on nothing

  // Someone else's item is not there for other citizens or for another agency's officers.
  EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("GET", "/api/v1/feedback/" + code).status, 404);
  EXPECT_EQ(other.Call("GET", "/api/v1/feedback/" + code).status, 404);
  // The attachment cannot be used twice.
  auto again = citizen.Call("POST", "/api/v1/feedback", json::serialize(body));
  EXPECT_EQ(again.status, 400) << again.body;

  // Answering before registering is refused with what is possible now.
  auto early = receiver.Call("POST", "/api/v1/feedback/" + code + "/actions/answer", R"({"answer":"x"})");
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(Json(early).at("allowed_actions"), (json::array{"register", "merge"}));

  Act(receiver, code, "register");
  Act(receiver, code, "classify", {{"classification", "nonsense"}}, 400);
  auto classified = Act(receiver, code, "classify", {{"classification", "conduct"}});
  EXPECT_EQ(classified.at("status"), "classified");
  EXPECT_EQ(classified.at("allowed_actions"), (json::array{"transfer", "merge"}));
  Act(receiver, code, "transfer", {{"agency_code", "000.00.02.H99"}}, 400);  // already there
  auto transferred = Act(receiver, code, "transfer", {{"agency_code", "000.00.03.H99"}, {"note", "Thuộc thẩm quyền Sở KH&ĐT"}});
  EXPECT_EQ(transferred.at("status"), "transferred");
  EXPECT_EQ(transferred.at("agency").at("code"), "000.00.03.H99");
  // The receiving agency no longer holds it; the competent agency does.
  EXPECT_EQ(receiver.Call("GET", "/api/v1/feedback/" + code).status, 404);
  Act(other, code, "process");
  Act(other, code, "answer", {{"answer", ""}}, 400);
  auto answered = Act(other, code, "answer", {{"answer", "Sở đã làm việc với bộ phận một cửa; ông An liên hệ 0912 345 678 sẽ được trả kết quả ngay."}});
  EXPECT_EQ(answered.at("status"), "answered");
  EXPECT_EQ(answered.at("open311_status"), "closed");
  // The petitioner was told of the transfer and of the answer (in-app, in their account).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.transferred' AND channel = 'in_app' AND account_id IS NOT NULL"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.transferred' AND account_id IS NULL AND channel = 'in_app'"), 1);  // the agency
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.answered' AND channel = 'in_app'"), 1);

  // Only a leader publishes; receiver2 is a receiver.
  Act(other, code, "publish", {}, 403);
  auto admin = SignIn(port(), "sysadmin.demo");
  auto published = Act(admin, code, "publish");
  EXPECT_EQ(published.at("status"), "published");
  std::string public_text = json::serialize(published.at("public"));
  EXPECT_EQ(public_text.find("Nguyễn Văn An"), std::string::npos) << public_text;
  EXPECT_EQ(public_text.find("0912"), std::string::npos) << public_text;

  // The public search finds it, folded, without the petitioner.
  auto found = Fetch(port(), "GET", "/api/v1/feedback-answers?q=hen%20tra%20phieu", {}, "");
  ASSERT_EQ(found.status, 200) << found.body;
  auto hits = Json(found);
  ASSERT_EQ(hits.at("total"), 1) << found.body;
  EXPECT_EQ(found.body.find("Nguyễn Văn An"), std::string::npos);
  EXPECT_EQ(found.body.find("0912"), std::string::npos);

  // The petitioner rates it; others cannot.
  EXPECT_EQ(citizen.Call("POST", "/api/v1/feedback/" + code + "/rating", R"({"rating":5})").status, 400);
  EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("POST", "/api/v1/feedback/" + code + "/rating", R"({"rating":3})").status, 404);
  auto rated = citizen.Call("POST", "/api/v1/feedback/" + code + "/rating", R"({"rating":3,"comment":"Cảm ơn"})");
  ASSERT_EQ(rated.status, 200) << rated.body;
  EXPECT_EQ(Json(rated).at("rating"), 3);

  // Every step is an event, and the events cannot be rewritten.
  auto full = Json(citizen.Call("GET", "/api/v1/feedback/" + code));
  json::array actions;
  for (const auto& e : full.at("events").as_array()) actions.push_back(e.at("action"));
  EXPECT_EQ(actions, (json::array{"submit", "register", "classify", "transfer", "process", "answer", "publish", "rate"}));
  auto c = app_->app().db->Acquire();
  EXPECT_THROW(c->Execute(db::Query{"test_rewrite", "UPDATE feedback_events SET note = 'x'"}), db::DbError);
  EXPECT_THROW(c->Execute(db::Query{"test_erase", "DELETE FROM feedback_events"}), db::DbError);

  auto mine = Json(citizen.Call("GET", "/api/v1/me/feedback"));
  EXPECT_EQ(mine.at("total"), 1);
}

TEST_P(Feedback, NotAcceptedNeedsAReasonAndClosesTheItem) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code(Submit(citizen, "Không rõ nội dung", "???").at("code").as_string());
  Act(receiver, code, "register");
  Act(receiver, code, "classify", {{"classification", "not_accepted"}}, 400);
  auto done = Act(receiver, code, "classify", {{"classification", "not_accepted"}, {"note", "Không có nội dung phản ánh (Điều 7)."}});
  EXPECT_EQ(done.at("status"), "not_accepted");
  EXPECT_TRUE(done.at("due_at").is_null());
  auto r = receiver.Call("POST", "/api/v1/feedback/" + code + "/actions/register", "{}");
  EXPECT_EQ(r.status, 409);
  EXPECT_TRUE(Json(r).at("allowed_actions").as_array().empty());
}

TEST_P(Feedback, AnonymousAndBadInput) {
  auto post = [&](const json::object& body) {
    return Fetch(port(), "POST", "/api/v1/feedback", {{"Content-Type", "application/json"}}, json::serialize(body));
  };
  json::object ok{{"category", "PAKN-QD"}, {"title", "Đề nghị bỏ bản sao"}, {"content", "Đề nghị bỏ yêu cầu nộp bản sao."},
                  {"full_name", "Lê Văn Cường"}, {"email", "cuong@example.vn"}};
  auto anon = post(ok);
  ASSERT_EQ(anon.status, 201) << anon.body;
  EXPECT_FALSE(Json(anon).as_object().contains("petitioner"));  // an anonymous caller sees no personal data back
  EXPECT_EQ(Json(anon).at("agency").at("code"), "000.00.00.H99");  // the province receives what names no agency

  auto field_of = [](const HttpResponse& r) {
    auto v = Json(r);
    return v.is_object() && v.as_object().contains("errors") ? std::string(v.at("errors").at(0).at("field").as_string()) : std::string();
  };
  json::object no_contact = ok;
  no_contact.erase("email");
  EXPECT_EQ(field_of(post(no_contact)), "email");
  json::object empty = ok;
  empty["content"] = "   ";
  EXPECT_EQ(field_of(post(empty)), "content");
  json::object huge = ok;
  huge["content"] = std::string(1 << 20, 'a');
  auto big = post(huge);
  EXPECT_EQ(big.status, 400) << big.body.substr(0, 200);
  EXPECT_EQ(field_of(big), "content");
  json::object unknown = ok;
  unknown["category"] = "PAKN-XX";
  EXPECT_EQ(field_of(post(unknown)), "category");
  json::object coords = ok;
  coords["lat"] = "91";
  coords["long"] = "105.8";
  EXPECT_EQ(field_of(post(coords)), "lat");
  coords["lat"] = "21.02";
  coords.erase("long");
  EXPECT_EQ(post(coords).status, 400);
  json::object attach = ok;
  attach["attachment_ids"] = json::array{"x"};
  EXPECT_EQ(field_of(post(attach)), "attachment_ids");
  json::object phone_entry = ok;
  phone_entry["source"] = "phone";
  EXPECT_EQ(post(phone_entry).status, 403);
  // Script in any field is stored as text and given back as text (the web app renders text).
  json::object script = ok;
  script["title"] = "<script>alert(1)</script>";
  script["content"] = "<img src=x onerror=alert(1)>";
  auto s = post(script);
  ASSERT_EQ(s.status, 201) << s.body;
  EXPECT_EQ(Json(s).at("title"), "<script>alert(1)</script>");
  EXPECT_EQ(s.Header("Content-Type").value_or(""), "application/json; charset=utf-8");
  // Nothing of the refused ones was written.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback"), 2);
}

TEST_P(Feedback, OfficersEnterLettersAndCalls) {
  User receiver = SignIn(port(), "receiver.demo"), citizen = SignIn(port(), "citizen.demo");
  json::object call{{"source", "phone"}, {"category", "PAKN-HC"}, {"title", "Gọi điện phản ánh"}, {"content", "Bộ phận một cửa đóng cửa sớm."},
                    {"full_name", "Trần Văn Dũng"}, {"phone", "0987 654 321"}};
  auto r = receiver.Call("POST", "/api/v1/feedback", json::serialize(call));
  ASSERT_EQ(r.status, 201) << r.body;
  auto v = Json(r);
  EXPECT_EQ(v.at("source"), "phone");
  EXPECT_EQ(v.at("agency").at("code"), "000.00.02.H99");  // the entering officer's agency
  EXPECT_EQ(v.at("events").at(0).at("actor"), "Lê Thị Thu");
  call.erase("full_name");
  EXPECT_EQ(receiver.Call("POST", "/api/v1/feedback", json::serialize(call)).status, 400);
  EXPECT_EQ(citizen.Call("POST", "/api/v1/feedback", json::serialize(call)).status, 403);
  auto inbox = Json(receiver.Call("GET", "/api/v1/feedback-inbox?box=open"));
  EXPECT_EQ(inbox.at("counts").at("open"), 1);
  EXPECT_EQ(receiver.Call("GET", "/api/v1/feedback-inbox?box=nope").status, 400);
  EXPECT_EQ(citizen.Call("GET", "/api/v1/feedback-inbox").status, 403);
}

TEST_P(Feedback, DuplicatesAreMergedAndEveryPetitionerGetsTheAnswer) {
  User a = SignIn(port(), "citizen.demo"), b = SignIn(port(), "citizen2.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string first(Submit(a, "Hẹn trả lý lịch tư pháp quá lâu", "Cán bộ tiếp nhận hẹn trả phiếu lý lịch tư pháp quá lâu, đã ba tuần.").at("code").as_string());
  std::string second(Submit(b, "HẸN TRẢ LÝ LỊCH TƯ PHÁP QUÁ LÂU", "Đã ba tuần, cán bộ tiếp nhận hẹn trả phiếu lý lịch tư pháp quá lâu").at("code").as_string());
  std::string unrelated(Submit(b, "Phí cấp phiếu", "Đề nghị giảm phí cấp phiếu cho sinh viên").at("code").as_string());
  auto similar = Json(receiver.Call("GET", "/api/v1/feedback/" + second + "/similar"));
  ASSERT_EQ(similar.at("items").as_array().size(), 1u) << json::serialize(similar);
  EXPECT_EQ(similar.at("items").at(0).at("code"), json::value(first));
  Act(receiver, second, "merge", {{"into", second}}, 400);
  auto merged = Act(receiver, second, "merge", {{"into", first}});
  EXPECT_EQ(merged.at("status"), "merged");
  EXPECT_EQ(merged.at("merged_into"), json::value(first));
  EXPECT_EQ(Act(receiver, unrelated, "merge", {{"into", second}}, 400).at("errors").at(0).at("field"), "into");  // a merged item is no target
  Act(receiver, first, "register");
  Act(receiver, first, "classify", {{"classification", "regulation_within"}});
  auto answered = Act(receiver, first, "answer", {{"answer", "Sở đã rút ngắn thời hạn trả phiếu."}});
  EXPECT_EQ(answered.at("merged"), (json::array{json::string(second)}));
  auto mine = Json(b.Call("GET", "/api/v1/feedback/" + second));
  EXPECT_EQ(mine.at("status"), "answered");
  EXPECT_EQ(mine.at("answer"), "Sở đã rút ngắn thời hạn trả phiếu.");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.answered' AND channel = 'in_app'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.merged' AND channel = 'in_app'"), 1);
}

TEST_P(Feedback, AnAnswerThatFailsHalfWayLeavesNothing) {
  User a = SignIn(port(), "citizen.demo"), b = SignIn(port(), "citizen2.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string first(Submit(a, "Chậm trả phiếu lý lịch", "Chậm trả phiếu lý lịch tư pháp").at("code").as_string());
  std::string second(Submit(b, "Chậm trả phiếu lý lịch", "Chậm trả phiếu lý lịch tư pháp").at("code").as_string());
  Act(receiver, second, "merge", {{"into", first}});
  Act(receiver, first, "register");
  Act(receiver, first, "classify", {{"classification", "regulation_within"}});
  app_->app().feedback->during_answer_for_test = [] { throw std::runtime_error("crash in the middle of the answer"); };
  auto r = receiver.Call("POST", "/api/v1/feedback/" + first + "/actions/answer", R"({"answer":"Trả lời"})");
  EXPECT_EQ(r.status, 500);
  app_->app().feedback->during_answer_for_test = nullptr;
  EXPECT_EQ(Json(receiver.Call("GET", "/api/v1/feedback/" + first)).at("status"), "processing");
  EXPECT_EQ(Json(b.Call("GET", "/api/v1/feedback/" + second)).at("status"), "merged");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback_events WHERE action = 'answer'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.answered'"), 0);
  Act(receiver, first, "answer", {{"answer", "Trả lời"}});
  EXPECT_EQ(Json(b.Call("GET", "/api/v1/feedback/" + second)).at("status"), "answered");
}

TEST_P(Feedback, OverdueItemsAreListedAndTheAgencyIsToldOnce) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code(Submit(citizen, "Chậm", "Chậm trả kết quả").at("code").as_string());
  auto& svc = *app_->app().feedback;
  EXPECT_EQ(svc.WatchDeadlines(std::chrono::system_clock::now()).overdue, 0u);
  auto later = std::chrono::system_clock::now() + std::chrono::days(30);
  EXPECT_EQ(svc.WatchDeadlines(later).overdue, 1u);
  EXPECT_EQ(svc.WatchDeadlines(later).overdue, 0u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.overdue'"), 1);
  // Move the deadline into the past to see the lists as an officer does.
  auto c = app_->app().db->Acquire();
  c->Execute(db::Query{"test_past_due", "UPDATE feedback SET due_at = '2026-01-05T02:00:00.000Z'"});
  auto overdue = Json(receiver.Call("GET", "/api/v1/feedback-inbox?box=overdue"));
  ASSERT_EQ(overdue.at("items").as_array().size(), 1u);
  EXPECT_EQ(overdue.at("items").at(0).at("overdue"), true);
  EXPECT_EQ(Json(receiver.Call("GET", "/api/v1/feedback-inbox?box=at_risk")).at("items").as_array().size(), 0u);
}

TEST_P(Feedback, AnsweredQuestionsBecomeFaqEntriesOfTheProcedure) {
  User citizen = SignIn(port(), "citizen.demo"), specialist = SignIn(port(), "specialist.demo"), leader = SignIn(port(), "leader.demo");
  EXPECT_EQ(citizen.Call("POST", "/api/v1/questions", R"({"procedure_code":"9.999999","question":"?"})").status, 400);
  EXPECT_EQ(citizen.Call("POST", "/api/v1/questions", R"({"procedure_code":"2.913001","question":" "})").status, 400);
  auto asked = citizen.Call("POST", "/api/v1/questions",
                            R"({"procedure_code":"2.913001","question":"Người đang ở nước ngoài có xin phiếu lý lịch tư pháp qua mạng được không?"})");
  ASSERT_EQ(asked.status, 201) << asked.body;
  std::string id(Json(asked).at("id").as_string());
  auto inbox = Json(specialist.Call("GET", "/api/v1/question-inbox?status=open"));
  ASSERT_EQ(inbox.at("items").as_array().size(), 1u);
  EXPECT_EQ(SignIn(port(), "receiver2.demo").Call("POST", "/api/v1/questions/" + id + "/answer", R"({"answer":"x"})").status, 404);
  EXPECT_EQ(leader.Call("POST", "/api/v1/questions/" + id + "/publish", "{}").status, 409);  // not answered yet
  auto answered = specialist.Call("POST", "/api/v1/questions/" + id + "/answer", R"({"answer":"Được: nộp trực tuyến và nhận phiếu qua bưu chính."})");
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(specialist.Call("POST", "/api/v1/questions/" + id + "/publish", "{}").status, 403);  // a leader decides
  auto published = leader.Call("POST", "/api/v1/questions/" + id + "/publish", R"({"question":"Người ở nước ngoài có xin phiếu qua mạng được không?"})");
  ASSERT_EQ(published.status, 200) << published.body;
  auto faq = Fetch(port(), "GET", "/api/v1/faq?procedure=2.913001", {}, "");
  ASSERT_EQ(faq.status, 200);
  EXPECT_NE(faq.body.find("Người ở nước ngoài có xin phiếu qua mạng được không?"), std::string::npos) << faq.body;
  auto mine = Json(citizen.Call("GET", "/api/v1/me/questions"));
  EXPECT_EQ(mine.at("items").at(0).at("status"), "published");
}

INSTANTIATE_TEST_SUITE_P(Engines, Feedback, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing

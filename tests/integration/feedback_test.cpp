// Feedback and petitions (PAKN) through real HTTP on both engines: the whole lifecycle from
// submission to a rated, published answer; illegal steps answered 409 with the allowed actions;
// officer entry of a telephone call; bad input; duplicates merged and answered once for every
// petitioner; an answer that fails half-way leaves nothing; the overdue watcher; questions that
// become FAQ entries of the catalog.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "core/uuid.hpp"
#include "crypto/sha256.hpp"
#include "integration/api_user.hpp"
#include "integration/refuse.hpp"
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
    const std::string& text = *names_.insert(sql).first;  // a query's text outlives the call
    return c->Execute(db::Query{name, text}).Int(0, 0);
  }

  std::unique_ptr<TestApp> app_;
  std::set<std::string> names_;
};

// A database that is out of disk is the deployment's state, not a fault in the request: the
// answer is 503 with Retry-After (the applicant may send it again), and nothing is half-written.
TEST_P(Feedback, AFullDiskAnswers503WithRetryAfterAndKeepsNothingHalfWritten) {
  User citizen = SignIn(port(), "citizen.demo");
  std::int64_t before = Count("SELECT COUNT(*) FROM feedback"), events = Count("SELECT COUNT(*) FROM feedback_events");
  {
    auto c = app_->app().db->Acquire();
    if (GetParam() == "postgres") {
      c->ExecuteScript(
          "CREATE FUNCTION test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          "RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$; "
          "CREATE TRIGGER test_disk_full BEFORE INSERT ON feedback_events FOR EACH ROW EXECUTE FUNCTION test_disk_full()");
    } else {
      db::Transaction tx(*c);  // on the writer's handle: its file may not grow by a page
      c->ExecuteScript("PRAGMA max_page_count = 1");
      tx.Commit();
    }
  }
  std::string content(8000, 'x');  // more than a page: the write needs the file to grow
  auto full = citizen.Call("POST", "/api/v1/feedback",
                           json::serialize(json::object{{"category", "PAKN-HC"}, {"title", "Khi đĩa đầy"}, {"content", content}}));
  EXPECT_EQ(full.status, 503) << full.body;
  EXPECT_EQ(full.Header("Retry-After"), "5");
  EXPECT_EQ(full.body.find("No space"), std::string::npos) << "no database detail leaks";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback"), before);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback_events"), events);
  {
    auto c = app_->app().db->Acquire();
    if (GetParam() == "postgres") {
      c->ExecuteScript("DROP TRIGGER test_disk_full ON feedback_events");
    } else {
      db::Transaction tx(*c);
      c->ExecuteScript("PRAGMA max_page_count = 1073741823");
      tx.Commit();
    }
  }
  Submit(citizen, "Khi đĩa đầy", content);  // sent again once there is room: 201
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback"), before + 1);
}

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

// Behind a trusted reverse proxy each client has its own submission limit and its own address
// in the security log; a client that talks to motcua directly cannot choose its address with a
// forged X-Forwarded-For.
TEST_P(Feedback, TrustedProxiesForwardTheClientAddress) {
  app_->config().trusted_proxies = "127.0.0.1, ::1";
  app_->config().feedback_submissions_per_hour = 2;
  app_->Restart();
  json::object ok{{"category", "PAKN-QD"}, {"title", "Đề nghị bỏ bản sao"}, {"content", "Đề nghị bỏ yêu cầu nộp bản sao."},
                  {"full_name", "Lê Văn Cường"}, {"email", "cuong@example.vn"}};
  auto post = [&](const std::string& forwarded) {
    std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/json"}};
    if (!forwarded.empty()) h.emplace_back("X-Forwarded-For", forwarded);
    return Fetch(port(), "POST", "/api/v1/feedback", h, json::serialize(ok)).status;
  };
  // Two clients behind the proxy (the test connects from 127.0.0.1, the proxy).
  EXPECT_EQ(post("203.0.113.1"), 201);
  EXPECT_EQ(post("203.0.113.1"), 201);
  EXPECT_EQ(post("203.0.113.1"), 429);
  EXPECT_EQ(post("2001:db8::2"), 201);
  EXPECT_EQ(post("[2001:db8::2]:5000"), 201);  // the same client, spelled with a port
  EXPECT_EQ(post("2001:db8::2"), 429);
  // Client 1 writing another address into its own header: the proxy appends the real one.
  EXPECT_EQ(post("198.51.100.77, 203.0.113.1"), 429);
  // Garbage from the proxy: the proxy's own address, which has its own limit.
  EXPECT_EQ(post("not-an-address"), 201);
  // The security log records the forwarded address.
  auto login = [&](const std::string& forwarded) {
    return Fetch(port(), "POST", "/api/v1/session", {{"Content-Type", "application/json"}, {"X-Forwarded-For", forwarded}},
                 R"({"login":"citizen.demo","password":"Wrong@2026"})")
        .status;
  };
  EXPECT_EQ(login("203.0.113.9"), 401);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM security_events WHERE event = 'login_failed' AND ip = '203.0.113.9'"), 1);

  // Now the connection is not from a trusted proxy: the header is ignored, whatever it says.
  app_->config().trusted_proxies = "10.0.0.0/8";
  app_->Restart();
  EXPECT_EQ(post("203.0.113.31"), 201);
  EXPECT_EQ(post("203.0.113.32"), 201);
  EXPECT_EQ(post("203.0.113.33"), 429);
  EXPECT_EQ(post(""), 429);
  EXPECT_EQ(login("203.0.113.10"), 401);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM security_events WHERE ip = '203.0.113.10'"), 0);
  EXPECT_GE(Count("SELECT COUNT(*) FROM security_events WHERE event = 'login_failed' AND ip = '127.0.0.1'"), 1);
}

// Leaders read what would be published, with every kind of personal data hidden, before it goes
// out; the preview writes nothing and publishing writes the same texts.
TEST_P(Feedback, ThePublishDialogShowsTheMaskedTexts) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo"), leader = SignIn(port(), "leader.demo");
  auto item = Submit(citizen, "Ông An bị hẹn nhiều lần",
                     "Tôi là Nguyễn Văn An, CCCD 001085012345, điện thoại +84 912 345 678, thư an.nguyen@example.vn. "
                     "Chị Lan ở bộ phận một cửa hẹn tôi ba lần. An đề nghị trả lời.");
  std::string code(item.at("code").as_string());
  auto preview = [&](const User& u, const json::object& body = {}) {
    return u.Call("POST", "/api/v1/feedback/" + code + "/publication-preview", json::serialize(body));
  };
  Act(receiver, code, "register");
  EXPECT_EQ(preview(leader).status, 409);  // not answered yet
  Act(receiver, code, "classify", {{"classification", "regulation_within"}});
  Act(receiver, code, "answer", {{"answer", "Sở đã nhắc nhở chị Lan; ông Văn An nhận kết quả tại số 0912345678."}});
  EXPECT_EQ(preview(receiver).status, 403);  // a receiver does not publish
  EXPECT_EQ(preview(citizen).status, 404);
  auto p = preview(leader);
  ASSERT_EQ(p.status, 200) << p.body;
  auto texts = Json(p);
  EXPECT_EQ(texts.at("public_title"), "Ông *** bị hẹn nhiều lần");
  EXPECT_EQ(texts.at("public_content"), "Tôi là ***, CCCD ***, điện thoại ***, thư ***. Chị *** ở bộ phận một cửa hẹn tôi ba lần. *** đề nghị trả lời.");
  EXPECT_EQ(texts.at("public_answer"), "Sở đã nhắc nhở chị ***; ông *** nhận kết quả tại số ***.");
  // Edited texts are masked again.
  auto edited = Json(preview(leader, {{"public_content", "Anh Nguyễn Văn An (0912.345.678) phản ánh việc hẹn lại."}}));
  EXPECT_EQ(edited.at("public_content"), "Anh *** (***) phản ánh việc hẹn lại.");
  EXPECT_EQ(preview(leader, {{"public_title", std::string(600, 'x')}}).status, 400);
  // Nothing was written.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback WHERE status = 'answered' AND (public_content IS NULL OR public_content = '')"), 1);
  auto published = Act(leader, code, "publish");
  EXPECT_EQ(published.at("public").at("content"), texts.at("public_content")) << json::serialize(published);
  EXPECT_EQ(published.at("public").at("answer"), texts.at("public_answer"));
}

// The public search ranks answers: more of the query's words first, then title over answer over
// the petitioner's text, then the newer.
TEST_P(Feedback, PublicAnswersAreRankedByRelevance) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo"), leader = SignIn(port(), "leader.demo");
  auto publish = [&](const std::string& title, const std::string& content, const std::string& answer) {
    std::string code(Submit(citizen, title, content).at("code").as_string());
    Act(receiver, code, "register");
    Act(receiver, code, "classify", {{"classification", "regulation_within"}});
    Act(receiver, code, "answer", {{"answer", answer}});
    Act(leader, code, "publish");
    return code;
  };
  std::string body_only = publish("Hỏi về một thủ tục", "Phiếu lý lịch tư pháp của tôi bị trả chậm.", "Sở đã trả.");
  std::string one_word = publish("Cấp phiếu chậm", "Chờ lâu.", "Đã xử lý.");
  std::string in_answer = publish("Hẹn trả kết quả", "Chờ lâu.", "Phiếu lý lịch tư pháp đã được trả ngày 3/12.");
  std::string older_title = publish("Phiếu lý lịch tư pháp trả chậm", "Chờ lâu.", "Đã xử lý.");
  publish("Đường ngập nước", "Khu phố ngập sau mưa.", "Đã khơi thông cống.");  // matches nothing
  std::string newer_title = publish("Lý lịch tư pháp: phiếu trả chậm", "Chờ lâu.", "Đã xử lý.");
  auto search = [&](const std::string& q) {
    auto r = Fetch(port(), "GET", "/api/v1/feedback-answers?q=" + q, {}, "");
    EXPECT_EQ(r.status, 200) << r.body;
    json::array codes;
    auto v = Json(r);
    for (const auto& it : v.at("items").as_array()) codes.push_back(it.at("code"));
    EXPECT_EQ(v.at("total").as_int64(), static_cast<std::int64_t>(codes.size()));
    return codes;
  };
  // Folded: without diacritics, in capitals, or with them, the same order.
  json::array expected{json::string(newer_title), json::string(older_title), json::string(in_answer), json::string(body_only),
                       json::string(one_word)};
  EXPECT_EQ(search("phieu%20ly%20lich%20tu%20phap"), expected);
  EXPECT_EQ(search("PHI%E1%BA%BEU%20L%C3%9D%20L%E1%BB%8ACH%20T%C6%AF%20PH%C3%81P"), expected);  // PHIẾU LÝ LỊCH TƯ PHÁP
  // A word being typed already finds ("ngap" of "ngập", "cong" of "cống").
  EXPECT_EQ(search("ngap%20con").size(), 1u);
  EXPECT_TRUE(search("zzz%20qqq").empty());
  // Paging keeps the order.
  auto page2 = Json(Fetch(port(), "GET", "/api/v1/feedback-answers?q=phieu%20ly%20lich&limit=2&cursor=2", {}, ""));
  ASSERT_EQ(page2.at("items").as_array().size(), 2u);
  EXPECT_EQ(page2.at("items").at(0).at("code"), json::string(in_answer));
}

// Someone without an account gets the item code and a secret lookup key at submission (and in
// the e-mail), follows the item with them, and rates the answer; a wrong key and an unknown code
// are the same 404; a crash while rating leaves nothing; lookups are rate-limited.
TEST_P(Feedback, AnonymousPetitionersFollowTheirItemWithCodeAndKey) {
  User receiver = SignIn(port(), "receiver.demo"), citizen = SignIn(port(), "citizen.demo");
  json::object body{{"category", "PAKN-HC"}, {"title", "Bị hẹn lại nhiều lần"}, {"content", "Hồ sơ lý lịch tư pháp bị hẹn lại."},
                    {"procedure_code", "2.913001"}, {"full_name", "Lê Văn Cường"}, {"email", "cuong@example.vn"}};
  auto r = Fetch(port(), "POST", "/api/v1/feedback", {{"Content-Type", "application/json"}}, json::serialize(body));
  ASSERT_EQ(r.status, 201) << r.body;
  std::string code(Json(r).at("code").as_string()), key(Json(r).at("lookup_key").as_string());
  ASSERT_EQ(key.size(), 24u) << key;  // XXXX-XXXX-XXXX-XXXX-XXXX
  // Signed-in petitioners follow theirs in their account: no key.
  EXPECT_FALSE(Submit(citizen, "Khác", "Nội dung khác").as_object().contains("lookup_key"));
  // The key went to the e-mail given, with a link to the lookup page; only its hash is stored.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.received' AND channel = 'email' "
                  "AND recipient = 'cuong@example.vn' AND payload LIKE '%" + key + "%' AND payload LIKE '%/phan-anh/tra-cuu?ma=" + code + "%'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback WHERE lookup_key_hash IS NOT NULL AND lookup_key_hash NOT LIKE '%" + key.substr(0, 4) + "%'"), 1);

  auto lookup = [&](const json::object& b, const std::string& path = "/api/v1/feedback-lookup") {
    return Fetch(port(), "POST", path, {{"Content-Type", "application/json"}}, json::serialize(b));
  };
  auto found = lookup({{"code", code}, {"lookup_key", key}});
  ASSERT_EQ(found.status, 200) << found.body;
  auto item = Json(found);
  EXPECT_EQ(item.at("status"), "received");
  EXPECT_EQ(item.at("events").as_array().size(), 1u);
  EXPECT_FALSE(item.as_object().contains("petitioner"));  // no contact details, even with the key
  // Typed in lower case without dashes, it is the same key.
  std::string typed;
  for (char ch : key) if (ch != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_EQ(lookup({{"code", code}, {"lookup_key", typed}}).status, 200);
  // No oracle: a wrong key and an unknown code get the very same answer.
  std::string wrong = key;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  auto bad_key = lookup({{"code", code}, {"lookup_key", wrong}});
  auto bad_code = lookup({{"code", "PAKN-000101-9999"}, {"lookup_key", key}});
  EXPECT_EQ(bad_key.status, 404);
  EXPECT_EQ(bad_code.status, 404);
  EXPECT_EQ(Json(bad_key).at("detail"), Json(bad_code).at("detail"));
  EXPECT_EQ(lookup({{"code", code}}).status, 404);
  EXPECT_EQ(lookup({{"code", code}, {"lookup_key", "<script>"}}).status, 404);
  EXPECT_EQ(Fetch(port(), "POST", "/api/v1/feedback-lookup", {{"Content-Type", "application/json"}}, "[1]").status, 400);

  // Rating waits for the answer.
  const std::string rating_path = "/api/v1/feedback-lookup/rating";
  EXPECT_EQ(lookup({{"code", code}, {"lookup_key", key}, {"rating", 3}}, rating_path).status, 409);
  Act(receiver, code, "register");
  Act(receiver, code, "classify", {{"classification", "regulation_within"}});
  Act(receiver, code, "answer", {{"answer", "Sở đã trả kết quả cho ông."}});
  auto answered = Json(lookup({{"code", code}, {"lookup_key", key}}));
  EXPECT_EQ(answered.at("status"), "answered");
  EXPECT_EQ(answered.at("answer"), "Sở đã trả kết quả cho ông.");
  EXPECT_EQ(answered.at("can_rate"), true);
  EXPECT_EQ(lookup({{"code", code}, {"lookup_key", wrong}, {"rating", 3}}, rating_path).status, 404);
  EXPECT_EQ(lookup({{"code", code}, {"lookup_key", wrong}, {"rating", 9}}, rating_path).status, 404);  // the key first
  EXPECT_EQ(lookup({{"code", code}, {"lookup_key", key}, {"rating", 9}}, rating_path).status, 400);
  // A crash while rating leaves no rating and no event.
  app_->app().feedback->during_rating_for_test = [] { throw std::runtime_error("crash in the middle of the rating"); };
  EXPECT_EQ(lookup({{"code", code}, {"lookup_key", key}, {"rating", 1}}, rating_path).status, 500);
  app_->app().feedback->during_rating_for_test = nullptr;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback WHERE rating IS NOT NULL"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback_events WHERE action = 'rate'"), 0);
  auto rated = lookup({{"code", code}, {"lookup_key", key}, {"rating", 2}, {"comment", "Cảm ơn"}}, rating_path);
  ASSERT_EQ(rated.status, 200) << rated.body;
  EXPECT_EQ(Json(rated).at("rating"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback_events WHERE action = 'rate'"), 1);

  // Lookups per client address are limited, right keys included.
  app_->config().feedback_lookups_per_hour = 2;
  app_->Restart();
  EXPECT_EQ(lookup({{"code", code}, {"lookup_key", wrong}}).status, 404);
  EXPECT_EQ(lookup({{"code", code}, {"lookup_key", key}}).status, 200);
  auto limited = lookup({{"code", code}, {"lookup_key", key}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_TRUE(limited.Header("Retry-After").has_value());
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

// The database refuses to mark some items overdue (a rule the watcher does not know of): each
// holds back only itself, and 40 of them ahead of one it accepts hold it back one pass at most
// (a pass gives up after 32 refusals; the next resumes after the 32nd).
TEST_P(Feedback, ItemsTheDatabaseRefusesToMarkOverdueHoldBackOnlyThemselves) {
  User citizen = SignIn(port(), "citizen.demo");
  std::string model(Submit(citizen, "Chậm", "Chậm trả kết quả").at("code").as_string());
  std::string behind(Submit(citizen, "Chậm nữa", "Chậm trả kết quả").at("code").as_string());
  auto c = app_->app().db->Acquire();
  // 39 more like the first (a citizen's submissions are rate-limited), in one transaction.
  {
    db::Transaction tx(*c);
    for (int i = 0; i < 39; ++i) {
      c->Execute(db::Query{"test_fb_copy",
                           "INSERT INTO feedback (id, code, source, account_id, full_name, email, phone, category, title, content, "
                           "folded, agency_id, status, due_at, received_at, updated_at) SELECT $1, $2, source, account_id, full_name, "
                           "email, phone, category, title, content, folded, agency_id, status, due_at, received_at, updated_at "
                           "FROM feedback WHERE code = $3"},
                 {core::Uuid::NewV7().ToString(), "REFUSED-" + std::to_string(i), model});
    }
    tx.Commit();
  }
  c->Execute(db::Query{"test_fb_due_all", "UPDATE feedback SET due_at = '2026-01-05T02:00:00.000Z'"});
  c->Execute(db::Query{"test_fb_due_one", "UPDATE feedback SET due_at = '2026-01-05T03:00:00.000Z' WHERE code = $1"}, {behind});
  RefuseRows(*c, GetParam(), "UPDATE", "feedback", "NEW.overdue_noticed = 1 AND NEW.code <> '" + behind + "'", "a rule this item breaks");
  auto& svc = *app_->app().feedback;
  auto now = std::chrono::system_clock::now();
  auto r = svc.WatchDeadlines(now);
  EXPECT_EQ(r.failed, 32u);
  EXPECT_EQ(r.overdue, 0u);
  r = svc.WatchDeadlines(now);
  EXPECT_EQ(r.failed, 8u);
  EXPECT_EQ(r.overdue, 1u) << "the item behind them, in the pass after the one that gave up";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.overdue' AND channel = 'in_app' AND payload LIKE '%" +
                  behind + "%'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.overdue'"),
            Count("SELECT COUNT(*) FROM notification_outbox WHERE event = 'feedback.overdue' AND payload LIKE '%" + behind + "%'"))
      << "no notice for an item whose mark was refused";
  StopRefusingRows(*c, GetParam(), "feedback");
  r = svc.WatchDeadlines(now);
  EXPECT_EQ(r.failed, 0u);
  EXPECT_EQ(r.overdue, 40u);
  EXPECT_EQ(svc.WatchDeadlines(now).overdue, 0u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback WHERE overdue_noticed = 1"), 41);
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

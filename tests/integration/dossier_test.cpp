// Dossiers through real HTTP on both engines: an online dossier from submission to rating,
// who may see and do what, idempotent submission, gap-free codes under concurrency, exactly
// one winner of concurrent actions, bad uploads and forms, the once-only rules, tracking.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "db/database.hpp"
#include "integration/api_user.hpp"
#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;
class Dossiers : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    app_ = std::make_unique<TestApp>(GetParam());
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
  }
  std::uint16_t port() const { return app_->port(); }
  // A complete online submission of 2.913001 (criminal record certificate, case 1).
  json::object Submission(const User& u) {
    json::array docs;
    for (const char* code : {"GT.2913001.1.01"}) {
      docs.push_back(json::object{{"code", code}, {"attachment_ids", json::array{json::string(u.Upload("to-khai.pdf", "application/pdf", Pdf(code)))}}});
    }
    return json::object{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "online"}, {"form", FilledForm()},
                        {"documents", docs}, {"summary", "Xin cấp Phiếu lý lịch tư pháp số 1"}};
  }
  json::object FilledForm() { return CriminalRecordForm(); }
  std::unique_ptr<TestApp> app_;
};

TEST_P(Dossiers, AnOnlineDossierGoesFromSubmissionToRating) {
  User citizen = SignIn(port(), "citizen.demo");
  auto tpl = citizen.Call("GET", "/api/v1/procedures/2.913001/submission");
  ASSERT_EQ(tpl.status, 200) << tpl.body;
  ASSERT_EQ(Json(tpl).at("cases").as_array().size(), 3u);
  ASSERT_FALSE(Json(tpl).at("agencies").as_array().empty());

  json::object body = Submission(citizen);
  auto first = citizen.Call("POST", "/api/v1/dossiers", json::serialize(body), {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  json::value d = Json(first);
  std::string code(d.at("code").as_string());
  EXPECT_TRUE(std::regex_match(code, std::regex(R"(000\.00\.02\.H99-\d{6}-\d{4})"))) << code;
  EXPECT_EQ(d.at("status"), 1);
  EXPECT_EQ(d.at("status_label"), "Mới đăng ký");
  EXPECT_EQ(d.at("fees").at(0).at("amount"), 200000);
  EXPECT_TRUE(d.at("step_due_at").is_string()) << "the receiving step's deadline is on the dossier from the start";
  // The answer is built from what was written, not read back: it must equal what is stored.
  auto stored = citizen.Call("GET", "/api/v1/dossiers/" + code);
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(d, Json(stored)) << "submitted: " << first.body << "\nstored: " << stored.body;
  // A retried submit answers the same dossier; the same key for another request is refused.
  auto again = citizen.Call("POST", "/api/v1/dossiers", json::serialize(body), {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json(again), Json(stored)) << "a replay answers the dossier as stored";
  body["summary"] = "khác";
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers", json::serialize(body), {{"Idempotency-Key", "k-1"}}).status, 409);

  // Who may see it.
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/dossiers/" + code).status, 401);
  EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("GET", "/api/v1/dossiers/" + code).status, 404);
  User other_agency = SignIn(port(), "receiver2.demo");
  EXPECT_EQ(other_agency.Call("GET", "/api/v1/dossiers/" + code).status, 404);
  EXPECT_EQ(other_agency.Call("POST", "/api/v1/dossiers/" + code + "/actions/accept", "{}").status, 404);

  User receiver = SignIn(port(), "receiver.demo"), specialist = SignIn(port(), "specialist.demo"), leader = SignIn(port(), "leader.demo");
  specialist.Act(code, "accept", {}, 403);
  d = receiver.Act(code, "accept", {{"note", "Hồ sơ đầy đủ"}});
  EXPECT_EQ(d.at("status"), 2);
  EXPECT_TRUE(d.at("due_at").is_string());
  auto twice = receiver.Act(code, "accept", {}, 409);
  EXPECT_TRUE(twice.at("allowed_actions").is_array()) << "a 409 lists what is possible now";
  EXPECT_EQ(receiver.Call("GET", "/api/v1/dossiers/" + code + "/forms/mau01").status, 200);

  auto officers = leader.Call("GET", "/api/v1/agencies/000.00.02.H99/officers?role=specialist");
  ASSERT_EQ(officers.status, 200) << officers.body;
  std::string specialist_id(Json(officers).at("items").at(0).at("id").as_string());
  d = leader.Act(code, "assign", {{"assignee_id", specialist_id}});
  EXPECT_EQ(d.at("status"), 4);
  d = specialist.Act(code, "request_supplement", {{"reason", "Thiếu bản chụp căn cước"}, {"documents", json::array{"GT.2913001.1.02"}}});
  EXPECT_EQ(d.at("status"), 5);
  auto mau02 = Json(receiver.Call("GET", "/api/v1/dossiers/" + code + "/forms/mau02", {}, {{"Accept", "application/json"}}));
  EXPECT_EQ(mau02.at("requested_documents").at(0), "GT.2913001.1.02");
  std::string asked(mau02.at("requested_document_names").at(0).as_string());
  EXPECT_TRUE(asked.find("GT.") == std::string::npos && asked.size() > 10) << "the printed form names the paper: " << asked;
  EXPECT_EQ(citizen.Call("GET", "/api/v1/dossiers/" + code).status, 200);
  std::string extra = citizen.Upload("can-cuoc.pdf", "application/pdf", Pdf("cc"));
  d = citizen.Act(code, "supplement", {{"documents", json::array{json::object{{"code", "GT.2913001.1.02"}, {"attachment_ids", json::array{json::string(extra)}}}}}});
  EXPECT_EQ(d.at("status"), 4);
  EXPECT_EQ(d.at("stage"), "processing");
  specialist.Act(code, "request_supplement", {{"reason", "lần hai"}}, 409);  // once only (Decree 61 Art. 15)
  specialist.Act(code, "appraise", {{"opinion", "Đủ điều kiện cấp"}});
  specialist.Act(code, "approve", {}, 403);
  leader.Act(code, "approve", {{"note", "Đồng ý"}});
  std::string result = specialist.Upload("phieu-lltp.pdf", "application/pdf", Pdf("ket qua"));
  d = specialist.Act(code, "issue_result", {{"results", json::array{json::object{{"name", "Phiếu lý lịch tư pháp số 1"}, {"number", "123/LLTP"},
                                                                                 {"attachment_ids", json::array{json::string(result)}}}}}});
  EXPECT_EQ(d.at("status"), 9);
  EXPECT_FALSE(d.at("can_rate").as_bool());
  d = receiver.Act(code, "return_result");
  EXPECT_EQ(d.at("status"), 10);
  EXPECT_EQ(d.at("status_label"), "Đã trả kết quả");

  auto mine = Json(citizen.Call("GET", "/api/v1/dossiers/" + code));
  EXPECT_TRUE(mine.at("can_rate").as_bool());
  EXPECT_GE(mine.at("history").as_array().size(), 9u);
  // The citizen reads the result file; another citizen cannot.
  EXPECT_EQ(citizen.Call("GET", "/api/v1/attachments/" + result).status, 200);
  EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("GET", "/api/v1/attachments/" + result).status, 404);

  json::object rating{{"overall", 3}, {"criteria", json::object{{"on_time", 3}, {"attitude", 2}}}, {"comment", "Nhanh"}};
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers/" + code + "/rating", json::serialize(rating)).status, 201);
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers/" + code + "/rating", json::serialize(rating)).status, 409);
  rating["overall"] = 2;
  EXPECT_EQ(citizen.Call("PUT", "/api/v1/dossiers/" + code + "/rating", json::serialize(rating)).status, 200);
  EXPECT_EQ(citizen.Call("PUT", "/api/v1/dossiers/" + code + "/rating", R"({"overall":7})").status, 400);
  EXPECT_EQ(receiver.Call("POST", "/api/v1/dossiers/" + code + "/rating", json::serialize(rating)).status, 403);

  // Public tracking: completion for anyone; the timeline with the owner's ID number.
  auto anon = Json(Fetch(port(), "GET", "/api/v1/track/" + code));
  EXPECT_EQ(anon.at("status"), 10);
  EXPECT_FALSE(anon.as_object().contains("history"));
  auto owner = Json(Fetch(port(), "GET", "/api/v1/track/" + code + "?id_number=001085012345"));
  EXPECT_TRUE(owner.at("history").is_array());
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/track/000.00.02.H99-000101-0001").status, 404);

  auto list = Json(citizen.Call("GET", "/api/v1/me/dossiers"));
  EXPECT_EQ(list.at("total"), 1);
  auto csv = receiver.Call("GET", "/api/v1/reports/register.csv?from=2020-01-01&to=2020-12-31");
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(receiver.Call("GET", "/api/v1/dossiers/" + code + "/control-sheet.csv").status, 200);
}

// Uploads go to the blob store as they arrive: a large file sent chunked arrives whole; a file
// whose first bytes are not what it claims is refused before the rest is sent; a client that
// vanishes half-way leaves no attachment and no bytes behind (files, or chunks on PostgreSQL).
TEST_P(Dossiers, UploadsStreamIntoTheBlobStoreAndAHalfSentFileLeavesNothing) {
  auto check = [](TestApp& app, bool pg_blobs) {
    SCOPED_TRACE(pg_blobs ? "PostgreSQL blobs" : "file blobs");
    User citizen = SignIn(app.port(), "citizen.demo");
    auto head = [&](const std::string& name, const std::string& framing) {
      return "POST /api/v1/attachments?name=" + name + " HTTP/1.1\r\nHost: test\r\nCookie: " + citizen.cookie +
             "\r\nX-CSRF-Token: " + citizen.csrf + "\r\nContent-Type: application/pdf\r\n" + framing + "\r\n\r\n";
    };
    std::string big = "%PDF-1.7\n";
    for (int i = 0; big.size() < (3u << 20); ++i) big += "dòng " + std::to_string(i * 7919 % 100003) + " của tệp lớn\n";
    {
      Connection c(app.port());
      ASSERT_TRUE(c.Send(head("lon.pdf", "Transfer-Encoding: chunked")));
      for (std::size_t off = 0; off < big.size(); off += 100000) {
        std::string piece = big.substr(off, 100000);
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
        ASSERT_TRUE(c.Send(size + piece + "\r\n"));
      }
      ASSERT_TRUE(c.Send("0\r\n\r\n"));
      auto r = c.Read();
      ASSERT_TRUE(r.has_value());
      ASSERT_EQ(r->status, 201) << r->body;
      auto got = citizen.Call("GET", "/api/v1/attachments/" + std::string(Json(*r).at("id").as_string()));
      EXPECT_EQ(got.status, 200);
      EXPECT_TRUE(got.body == big) << "the stored file differs: " << got.body.size() << " bytes of " << big.size();
    }
    auto count = [&](const char* sql) {
      auto c = app.app().db->Acquire();
      return c->Execute({sql, sql}, {}).Int(0, 0);
    };
    auto files = [&] {
      std::set<std::string> out;
      if (pg_blobs) return out;
      for (const auto& e : std::filesystem::recursive_directory_iterator(app.config().blob_dir)) {
        if (e.is_regular_file()) out.insert(e.path().string());
      }
      return out;
    };
    std::int64_t attachments = count("SELECT COUNT(*) FROM attachments");
    auto before = files();
    {
      // Declares 5 MB, sends the start of an executable: refused at once, the connection closed.
      Connection c(app.port());
      ASSERT_TRUE(c.Send(head("gia.pdf", "Content-Length: 5000000") + "MZ" + std::string(16000, 'x')));
      auto r = c.Read(std::chrono::seconds(5));
      ASSERT_TRUE(r.has_value()) << "no answer before the rest of the body";
      EXPECT_EQ(r->status, 415) << r->body;
      EXPECT_TRUE(c.ClosedWithin(std::chrono::seconds(2)));
    }
    {
      // Declares 3 MB, sends half (past the first write to the store), then vanishes.
      Connection c(app.port());
      ASSERT_TRUE(c.Send(head("nua.pdf", "Content-Length: " + std::to_string(big.size()))));
      ASSERT_TRUE(c.Send(big.substr(0, big.size() / 2)));
    }
    std::set<std::string> after;
    std::int64_t chunks = 1;
    for (int i = 0; i < 100; ++i) {
      after = files();
      chunks = pg_blobs ? count("SELECT COUNT(*) FROM blob_chunks WHERE blob_key LIKE 'tmp:%'") : 0;
      if (after == before && chunks == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(after, before) << "a half-sent file left bytes in the store";
    EXPECT_EQ(chunks, 0) << "a half-sent file left chunks in the database";
    EXPECT_EQ(count("SELECT COUNT(*) FROM attachments"), attachments);
    EXPECT_EQ(citizen.Call("GET", "/api/v1/me/dossiers").status, 200) << "the server still answers";
  };
  check(*app_, false);
  if (GetParam() == "postgres") {
    TestApp pg(GetParam(), true, [](config::Config& c) { c.blob_backend = "postgres"; });
    check(pg, true);
  }
}

TEST_P(Dossiers, BadUploadsAndIncompleteDossiersAreRefusedWithReasons) {
  User citizen = SignIn(port(), "citizen.demo");
  auto fake = Fetch(port(), "POST", "/api/v1/attachments?name=x.pdf",
                    {{"Cookie", citizen.cookie}, {"X-CSRF-Token", citizen.csrf}, {"Content-Type", "application/pdf"}}, "MZ this is not a pdf");
  EXPECT_EQ(fake.status, 415) << fake.body;
  auto exe = Fetch(port(), "POST", "/api/v1/attachments?name=x.exe",
                   {{"Cookie", citizen.cookie}, {"X-CSRF-Token", citizen.csrf}, {"Content-Type", "application/x-msdownload"}}, "MZ");
  EXPECT_EQ(exe.status, 415);
  auto big = Fetch(port(), "POST", "/api/v1/attachments?name=big.pdf",
                   {{"Cookie", citizen.cookie}, {"X-CSRF-Token", citizen.csrf}, {"Content-Type", "application/pdf"}},
                   "%PDF-" + std::string(11u << 20, 'x'));
  EXPECT_EQ(big.status, 413);

  json::object body{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "online"}, {"form", FilledForm()}};
  auto missing = citizen.Call("POST", "/api/v1/dossiers", json::serialize(body));
  ASSERT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(Json(missing).at("errors").at(0).at("field"), "/documents/GT.2913001.1.01");
  body["case_code"] = "9";
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers", json::serialize(body)).status, 400);
  body["case_code"] = "1";
  body["channel"] = "in_person";
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers", json::serialize(body)).status, 400) << "applicants submit online";
  body["procedure_code"] = "9.999999";
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers", json::serialize(body)).status, 400);
  // Someone else's attachment cannot be used.
  User other = SignIn(port(), "citizen2.demo");
  std::string theirs = other.Upload("a.pdf", "application/pdf", Pdf("a"));
  json::object stolen = Submission(citizen);
  stolen["documents"] = json::array{json::object{{"code", "GT.2913001.1.01"}, {"attachment_ids", json::array{json::string(theirs)}}}};
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers", json::serialize(stolen)).status, 400);
  // Nothing was created by any of these.
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/me/dossiers")).at("total"), 0);
}

// Text PostgreSQL's UTF8 cannot hold: a byte that is not UTF-8 made it answer 500 (and log an
// error) for a mistyped code, and a NUL character cut a text short ("x\u0000y" stored as "x").
// Both engines refuse it alike, with a 400 naming where it is.
TEST_P(Dossiers, TextTheDatabaseCannotHoldIsRefusedNotCutShortOrAnswered500) {
  for (const char* target : {"/api/v1/track/%FF%FE", "/api/v1/agencies/%C3", "/api/v1/national/dossiers/%FF",
                             "/api/v1/procedures?q=%C0%AF"}) {
    auto r = Fetch(port(), "GET", target);
    EXPECT_EQ(r.status, 400) << target << " " << r.body;
    EXPECT_NE(r.body.find("UTF-8"), std::string::npos) << r.body;
  }
  User citizen = SignIn(port(), "citizen.demo");
  for (const char* target : {"/api/v1/dossiers/%FF", "/api/v1/dossier-drafts/%FF", "/api/v1/attachments/%FF"}) {
    EXPECT_EQ(citizen.Call("GET", target).status, 400) << target;
  }
  auto named = Fetch(port(), "POST", "/api/v1/attachments?name=t%FF.pdf",
                     {{"Cookie", citizen.cookie}, {"X-CSRF-Token", citizen.csrf}, {"Content-Type", "application/pdf"}}, Pdf("n"));
  EXPECT_EQ(named.status, 400) << named.body;

  auto draft = citizen.Call("POST", "/api/v1/dossier-drafts", R"({"procedure_code":"2.913001","summary":"x\u0000y"})");
  ASSERT_EQ(draft.status, 400) << draft.body;
  EXPECT_EQ(Json(draft).at("errors").at(0).at("field"), "/summary");
  json::object body = Submission(citizen);
  body["form"].as_object()["nguoi_duoc_cap_phieu"].as_object()["ho_ten"] = std::string("Nguy\0", 5);
  auto nul = citizen.Call("POST", "/api/v1/dossiers", json::serialize(body), {{"Idempotency-Key", "nul-1"}});
  ASSERT_EQ(nul.status, 400) << nul.body;
  EXPECT_EQ(Json(nul).at("errors").at(0).at("field"), "/form/nguoi_duoc_cap_phieu/ho_ten");
  // An Idempotency-Key is printable ASCII (an HTTP structured-field string).
  auto key = citizen.Call("POST", "/api/v1/dossiers", json::serialize(Submission(citizen)), {{"Idempotency-Key", "k\xFF"}});
  EXPECT_EQ(key.status, 400) << key.body;
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/me/dossiers")).at("total"), 0);
  // A User-Agent is only recorded: a sign-in with a stray byte in it works, the byte kept as '?'.
  auto login = Fetch(port(), "POST", "/api/v1/session", {{"Content-Type", "application/json"}, {"User-Agent", "Lạ/1.0 \xFF"}},
                     R"({"login":"citizen2.demo","password":"Demo@2026"})");
  ASSERT_EQ(login.status, 200) << login.body;
  User other = SignIn(port(), "citizen2.demo");
  bool seen = false;
  json::value sessions = Json(other.Call("GET", "/api/v1/me/sessions"));
  for (const auto& s : sessions.at("items").as_array()) {
    seen = seen || s.at("user_agent") == json::value("L" + std::string(3, '?') + "/1.0 ?");  // "ạ" is three bytes
  }
  EXPECT_TRUE(seen) << sessions;
}

TEST_P(Dossiers, CodesAreGapFreeUnderConcurrencyAndOneOfTwoActionsWins) {
  std::vector<User> users;
  std::vector<json::object> bodies;
  for (int i = 0; i < 8; ++i) {
    users.push_back(SignIn(port(), i % 2 ? "citizen2.demo" : "citizen.demo"));
    bodies.push_back(Submission(users.back()));
  }
  std::vector<std::string> codes(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = users[i].Call("POST", "/api/v1/dossiers", json::serialize(bodies[i]), {{"Idempotency-Key", "c-" + std::to_string(i)}});
      if (r.status == 201) codes[i] = std::string(Json(r).at("code").as_string());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> numbers;
  for (const auto& c : codes) {
    ASSERT_FALSE(c.empty());
    numbers.insert(c.substr(c.size() - 4));
  }
  EXPECT_EQ(numbers, (std::set<std::string>{"0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"}));

  // Public tracking under concurrent lookups (read together, http::Coalescer): each answer is
  // its own code's, an unknown code among them is 404, and the details go only with the owner's
  // ID number (citizen.demo submitted the even ones).
  std::atomic<int> wrong{0};
  std::vector<std::thread> lookups;
  for (int t = 0; t < 8; ++t) {
    lookups.emplace_back([&, t] {
      for (int i = 0; i < 12; ++i) {
        int k = (t + i) % 9;
        if (k == 8) {
          wrong += Fetch(port(), "GET", "/api/v1/track/000.00.02.H99-000101-0009").status != 404;
          continue;
        }
        bool with_id = i % 3 == 0;
        auto r = Fetch(port(), "GET", "/api/v1/track/" + codes[k] + (with_id ? "?id_number=001085012345" : ""));
        if (r.status != 200) {
          ++wrong;
          continue;
        }
        auto o = Json(r).as_object();
        bool detailed = with_id && k % 2 == 0;
        wrong += o.at("code").as_string() != codes[k] || o.at("status").as_int64() != 1 || o.at("detailed").as_bool() != detailed ||
                 o.contains("history") != detailed;
      }
    });
  }
  for (auto& t : lookups) t.join();
  EXPECT_EQ(wrong, 0);

  // Two receivers accept the same dossier at once: exactly one wins.
  User a = SignIn(port(), "receiver.demo"), b = SignIn(port(), "receiver.demo");
  int ok = 0, conflict = 0;
  std::vector<std::thread> race;
  for (const User* u : {&a, &b}) {
    race.emplace_back([&, u] {
      auto r = u->Call("POST", "/api/v1/dossiers/" + codes[0] + "/actions/accept", "{}");
      if (r.status == 200) ++ok;
      if (r.status == 409) ++conflict;
    });
  }
  for (auto& t : race) t.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(conflict, 1);
  auto d = Json(a.Call("GET", "/api/v1/dossiers/" + codes[0]));
  EXPECT_EQ(Json(Fetch(port(), "GET", "/api/v1/track/" + codes[0])).at("status"), 2) << "tracking reads the accepted state at once";
  int accepts = 0;
  for (const auto& e : d.at("history").as_array()) accepts += e.at("action") == "accept";
  EXPECT_EQ(accepts, 1);
}

// Two submissions racing for one file: one has it, the other is refused and leaves nothing
// behind, not even a number. Past 9,999 in one day the number grows a digit.
TEST_P(Dossiers, AFileGoesToOneOfTwoRacingSubmissionsAndNumbersGrowPast9999) {
  User first = SignIn(port(), "citizen.demo"), second = SignIn(port(), "citizen.demo");
  json::object body = Submission(first);
  std::atomic<int> created{0}, refused{0}, other{0};
  std::vector<std::thread> race;
  for (int i = 0; i < 2; ++i) {
    race.emplace_back([&, i] {
      json::object mine = body;
      mine["summary"] = "Lần " + std::to_string(i);  // two different requests sharing one file
      auto r = (i ? second : first).Call("POST", "/api/v1/dossiers", json::serialize(mine));
      // 400 when the winner committed before the loser's checks read the file; 409 when both
      // passed them and the claim itself decided.
      (r.status == 201 ? created : r.status == 409 || r.status == 400 ? refused : other)++;
    });
  }
  for (auto& t : race) t.join();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(other, 0);
  auto mine = Json(first.Call("GET", "/api/v1/me/dossiers"));
  ASSERT_EQ(mine.at("total"), 1);
  std::string code(mine.at("items").at(0).at("code").as_string());
  EXPECT_EQ(code.substr(code.size() - 5), "-0001");

  auto raw = db::Database::Open(app_->db_url(), {.size = 1});
  auto conn = raw->Acquire();
  auto seq = conn->Execute({"test_dossier_sequences", "SELECT agency_id, day, last FROM dossier_sequences"});
  ASSERT_EQ(seq.rows.size(), 1u);
  EXPECT_EQ(seq.Int(0, 2), 1) << "the refused submission took no number";
  conn->Execute({"test_sequence_to_9998", "UPDATE dossier_sequences SET last = 9998"});
  std::vector<std::string> next;
  for (int i = 0; i < 2; ++i) {
    auto r = first.Call("POST", "/api/v1/dossiers", json::serialize(Submission(first)));
    ASSERT_EQ(r.status, 201) << r.body;
    next.emplace_back(Json(r).at("code").as_string());
  }
  EXPECT_EQ(next[0], code.substr(0, code.size() - 4) + "9999");
  EXPECT_EQ(next[1], code.substr(0, code.size() - 4) + "10000");
  EXPECT_EQ(Json(Fetch(port(), "GET", "/api/v1/track/" + next[1])).at("code").as_string(), next[1]);
}

TEST_P(Dossiers, ExtensionWithApologyOnceAndWithdrawal) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo"), leader = SignIn(port(), "leader.demo");
  auto r = citizen.Call("POST", "/api/v1/dossiers", json::serialize(Submission(citizen)));
  ASSERT_EQ(r.status, 201) << r.body;
  std::string code(Json(r).at("code").as_string());
  auto d = receiver.Act(code, "accept");
  std::string due(d.at("due_at").as_string());
  leader.Act(code, "extend", {{"reason", "Cần xác minh"}, {"new_due_at", "2020-01-01T08:00:00+07:00"}}, 400);
  d = leader.Act(code, "extend", {{"reason", "Cần xác minh tại Trung tâm Lý lịch tư pháp quốc gia"}, {"new_due_at", "2099-01-05T16:00:00+07:00"}});
  EXPECT_EQ(d.at("due_at"), "2099-01-05T16:00:00+07:00");
  EXPECT_EQ(d.at("apology").at("old_due_at"), json::value(due));
  leader.Act(code, "extend", {{"reason", "lần hai"}, {"new_due_at", "2099-02-05T16:00:00+07:00"}}, 409);
  EXPECT_EQ(receiver.Call("GET", "/api/v1/dossiers/" + code + "/forms/mau04").status, 200);
  citizen.Act(code, "withdraw", {}, 400);  // a reason is required
  d = citizen.Act(code, "withdraw", {{"reason", "Không còn nhu cầu"}});
  EXPECT_EQ(d.at("status"), 7);
  receiver.Act(code, "accept", {}, 409);
}

TEST_P(Dossiers, AReceiverEntersAPaperDossierThatTheCitizenThenSees) {
  User receiver = SignIn(port(), "receiver.demo");
  json::object body{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "in_person"}, {"form", FilledForm()},
                    {"applicant", json::object{{"name", "Nguyễn Văn An"}, {"id_number", "001085012345"}, {"phone", "0912345678"}}}};
  auto r = receiver.Call("POST", "/api/v1/dossiers", json::serialize(body));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r).at("status"), 2);
  EXPECT_TRUE(Json(r).at("due_at").is_string());
  User citizen = SignIn(port(), "citizen.demo");
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/me/dossiers")).at("total"), 1);
  User other = SignIn(port(), "receiver2.demo");
  EXPECT_EQ(other.Call("POST", "/api/v1/dossiers", json::serialize(body)).status, 403) << "not that agency's procedure";
}

// The processing configuration an agency admin edits in the web app: every problem is reported
// at its JSON pointer and nothing is written; a good configuration is kept as sent and a new
// e-form field reaches the citizen's submission template.
TEST_P(Dossiers, AnAgencyAdminChangesTheProcessingConfiguration) {
  User admin = SignIn(port(), "admin.demo");
  const std::string path = "/api/v1/admin/procedures/2.913001/config";
  auto before = admin.Call("GET", path);
  ASSERT_EQ(before.status, 200) << before.body;
  json::object config = Json(before).at("config").as_object();
  ASSERT_TRUE(config.at("form").at("properties").as_object().contains("muc_dich"));

  json::object bad = config;
  bad["steps"] = json::object{{"received", 5000}, {"processing", 10}, {"recieved", 4}, {"approved", 2}};
  bad["agencies"] = json::array{"999.99.99.X99"};
  bad["form"].as_object()["properties"].as_object()["so_dien_thoai_lien_he"] = json::object{{"type", "string"}, {"pattern", "^([0-9]+)+$"}};
  auto refused = admin.Call("PUT", path, json::serialize(bad), {{"Accept-Language", "en"}});
  ASSERT_EQ(refused.status, 400) << refused.body;
  std::map<std::string, std::string> problems;
  json::value refusal = Json(refused);
  for (const auto& e : refusal.at("errors").as_array()) problems[std::string(e.at("field").as_string())] = std::string(e.at("message").as_string());
  EXPECT_EQ(problems.size(), 5u) << refused.body;
  EXPECT_EQ(problems["/steps/received"], "Hours from 0 to 2000.");
  EXPECT_NE(problems["/steps/processing"].find("what is left of the time limit"), std::string::npos) << problems["/steps/processing"];
  EXPECT_NE(problems["/steps/recieved"].find("No such stage"), std::string::npos) << problems["/steps/recieved"];
  EXPECT_FALSE(problems["/agencies/0"].empty());
  EXPECT_FALSE(problems["/form/properties/so_dien_thoai_lien_he/pattern"].empty());
  EXPECT_EQ(Json(admin.Call("GET", path)), Json(before)) << "a refused configuration writes nothing";

  // A submission builds (and keeps) the procedure's plan from the configuration of now.
  User applicant = SignIn(port(), "citizen.demo");
  json::object submission = Submission(applicant);
  ASSERT_EQ(applicant.Call("POST", "/api/v1/dossiers", json::serialize(submission)).status, 201);

  json::object good = config;
  good["steps"] = json::object{{"received", 6}, {"awaiting_approval", 12}};
  good["form"].as_object()["properties"].as_object()["so_dien_thoai_lien_he"] =
      json::object{{"type", "string"}, {"title", "Số điện thoại liên hệ"}, {"maxLength", 15}, {"pattern", "^[0-9+]+$"}};
  auto saved = admin.Call("PUT", path, json::serialize(good));
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_TRUE(Json(saved).at("updated_at").is_string());
  auto after = Json(admin.Call("GET", path));
  EXPECT_EQ(after.at("config"), json::value(good));
  // The next submission is checked against the saved form at once, not the kept plan.
  submission = Submission(applicant);
  submission["form"].as_object()["so_dien_thoai_lien_he"] = "không phải số";
  auto checked = applicant.Call("POST", "/api/v1/dossiers", json::serialize(submission));
  ASSERT_EQ(checked.status, 400) << checked.body;
  EXPECT_EQ(Json(checked).at("errors").at(0).at("field"), "/form/so_dien_thoai_lien_he") << checked.body;

  User citizen = SignIn(port(), "citizen.demo");
  EXPECT_EQ(citizen.Call("PUT", path, json::serialize(good)).status, 403);
  auto tpl = Json(citizen.Call("GET", "/api/v1/procedures/2.913001/submission"));
  EXPECT_EQ(tpl.at("cases").at(0).at("form").at("properties").at("so_dien_thoai_lien_he").at("title"), "Số điện thoại liên hệ");
  EXPECT_EQ(admin.Call("GET", "/api/v1/admin/procedures/9.999999/config").status, 404);

  // The admin list says which procedures this admin may change, as the server then decides.
  auto list = Json(admin.Call("GET", "/api/v1/admin/procedures?status=published"));
  std::string mine, theirs;
  for (const auto& row : list.at("items").as_array()) {
    std::string c(row.at("code").as_string());
    if (row.at("managed").as_bool() && mine.empty() && c == "2.913001") mine = c;
    if (!row.at("managed").as_bool() && theirs.empty()) theirs = c;
  }
  ASSERT_EQ(mine, "2.913001") << list;
  ASSERT_FALSE(theirs.empty()) << "the demo catalog has other agencies' procedures";
  EXPECT_EQ(admin.Call("GET", "/api/v1/admin/procedures/" + theirs + "/config").status, 403) << theirs;
  User sysadmin = SignIn(port(), "sysadmin.demo");
  auto everything = Json(sysadmin.Call("GET", "/api/v1/admin/procedures"));
  for (const auto& row : everything.at("items").as_array()) {
    EXPECT_TRUE(row.at("managed").as_bool()) << "a sysadmin manages every procedure: " << row;
  }
}

TEST_P(Dossiers, InterAgencyDeadlinesArePresetPerAgencyInTheProcess) {
  User citizen = SignIn(port(), "citizen.demo"), receiver = SignIn(port(), "receiver.demo");
  User leader = SignIn(port(), "leader.demo"), specialist = SignIn(port(), "specialist.demo"), admin = SignIn(port(), "admin.demo");
  auto first = citizen.Call("POST", "/api/v1/dossiers", json::serialize(Submission(citizen)));
  ASSERT_EQ(first.status, 201) << first.body;
  std::string code(Json(first).at("code").as_string());
  receiver.Act(code, "accept", {});
  auto officers = Json(leader.Call("GET", "/api/v1/agencies/000.00.02.H99/officers?role=specialist"));
  leader.Act(code, "assign", {{"assignee_id", officers.at("items").at(0).at("id")}});

  // No deadline given and none preset: the officer is told to give one.
  auto missing = leader.Call("POST", "/api/v1/dossiers/" + code + "/actions/transfer", json::serialize(json::object{{"agency_id", "000.00.00.G01"}}),
                             {{"Accept-Language", "en"}});
  ASSERT_EQ(missing.status, 400) << missing.body;
  EXPECT_NE(missing.body.find("sets no deadline for this agency"), std::string::npos) << missing.body;

  const std::string path = "/api/v1/admin/procedures/2.913001/config";
  json::object config = Json(admin.Call("GET", path)).at("config").as_object();
  json::object bad = config;
  bad["transfer_days"] = json::object{{"999.99.99.X99", 3}, {"000.00.00.G03", 0}};
  auto refused = admin.Call("PUT", path, json::serialize(bad));
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(Json(refused).at("errors").as_array().size(), 2u) << refused.body;
  config["transfer_days"] = json::object{{"000.00.00.G01", 7}};
  ASSERT_EQ(admin.Call("PUT", path, json::serialize(config)).status, 200);

  // A consultation with its own 7 days and a transfer with the preset 7 get the same deadline.
  specialist.Act(code, "consult", {{"agency_id", "000.00.00.G03"}, {"question", "Xin ý kiến"}, {"due_in_days", 7}});
  auto moved = leader.Act(code, "transfer", {{"agency_id", "000.00.00.G01"}, {"note", "Liên thông"}});
  std::map<std::string, json::value> due_by_role;
  for (const auto& p : moved.at("participants").as_array()) due_by_role[std::string(p.at("role").as_string())] = p.at("due_at");
  ASSERT_EQ(due_by_role.size(), 2u) << moved;
  EXPECT_TRUE(due_by_role["transferred"].is_string()) << moved;
  EXPECT_EQ(due_by_role["transferred"], due_by_role["consulted"]) << moved;
  EXPECT_EQ(moved.at("handling_agency").at("code"), "000.00.00.G01");
  // The dossier is now the other agency's: the first agency's leader cannot move it again.
  leader.Act(code, "transfer", {{"agency_id", "000.00.00.G03"}, {"due_in_days", 7}}, 403);
}

// Two administrators edit one procedure's configuration: each GET carries an ETag (the revision);
// a PUT with If-Match saves only over that revision, so the second save of the same starting
// point is refused with 409 and writes nothing. Without If-Match a PUT still saves (API clients).
TEST_P(Dossiers, ConfigurationSavesOnlyOverTheRevisionTheEditorLoaded) {
  User admin = SignIn(port(), "admin.demo");
  const std::string path = "/api/v1/admin/procedures/2.913001/config";
  auto first = admin.Call("GET", path);
  ASSERT_EQ(first.status, 200);
  std::string tag(first.Header("ETag").value_or(""));
  ASSERT_EQ(tag, "\"" + std::string(Json(first).at("revision").as_string()) + "\"") << first.body;
  json::object config = Json(first).at("config").as_object();

  json::object mine = config, theirs = config;
  mine["steps"] = json::object{{"received", 6}};
  theirs["steps"] = json::object{{"received", 2}};
  auto saved = admin.Call("PUT", path, json::serialize(mine), {{"If-Match", tag}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  std::string new_tag(saved.Header("ETag").value_or(""));
  EXPECT_NE(new_tag, tag);
  EXPECT_EQ(new_tag, std::string(admin.Call("GET", path).Header("ETag").value_or(""))) << "the GET gives the saved revision";
  auto late = admin.Call("PUT", path, json::serialize(theirs), {{"If-Match", tag}, {"Accept-Language", "en"}});
  ASSERT_EQ(late.status, 409) << late.body;
  EXPECT_NE(late.body.find("reload it and edit again"), std::string::npos) << late.body;
  EXPECT_EQ(Json(admin.Call("GET", path)).at("config").at("steps").at("received"), 6) << "the refused save wrote nothing";
  // Saving over the new revision works; the same content saved again is a new revision too.
  auto again = admin.Call("PUT", path, json::serialize(theirs), {{"If-Match", new_tag}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json(again).at("config").at("steps").at("received"), 2);
  EXPECT_EQ(admin.Call("PUT", path, json::serialize(theirs), {{"If-Match", new_tag}}).status, 409);
  // A made-up revision is refused; no If-Match saves unconditionally.
  EXPECT_EQ(admin.Call("PUT", path, json::serialize(mine), {{"If-Match", "\"abc\""}}).status, 409);
  EXPECT_EQ(admin.Call("PUT", path, json::serialize(mine)).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Engines, Dossiers, ::testing::Values("sqlite", "postgres"));

// A submission commits before its flush reaches the disk (db::Connection::GroupCommit) and is
// answered only after it. When that flush fails, the answer is 503 and the retry with the same
// Idempotency-Key is answered (200, as a replay) from the dossier the first attempt saved: one
// dossier, one number, the file claimed once. PostgreSQL only: taking the WAL file's name away
// under a running server's pool also disturbs SQLite connections that open meanwhile (the
// storage test does it under one held connection).
class DossiersOnPostgres : public Dossiers {};

TEST_P(DossiersOnPostgres, ASubmissionWhoseFlushFailsIsAnswered503AndItsRetryFindsIt) {
  auto raw = db::Database::Open(app_->db_url(), {.size = 1});
  User citizen = SignIn(port(), "citizen.demo");
  json::object body = Submission(citizen);
  // The flush's own write is refused.
  raw->Acquire()->ExecuteScript("ALTER TABLE commit_barriers ADD CONSTRAINT t_refuse CHECK (n < 0)");
  auto first = citizen.Call("POST", "/api/v1/dossiers", json::serialize(body), {{"Idempotency-Key", "flush-1"}});
  raw->Acquire()->ExecuteScript("ALTER TABLE commit_barriers DROP CONSTRAINT t_refuse");
  EXPECT_EQ(first.status, 503) << first.body;
  auto again = citizen.Call("POST", "/api/v1/dossiers", json::serialize(body), {{"Idempotency-Key", "flush-1"}});
  ASSERT_EQ(again.status, 200) << again.body;
  std::string code(Json(again).at("code").as_string());
  EXPECT_EQ(code.substr(code.size() - 5), "-0001");
  auto mine = Json(citizen.Call("GET", "/api/v1/me/dossiers"));
  EXPECT_EQ(mine.at("total"), 1);
  auto conn = raw->Acquire();
  EXPECT_EQ(conn->Execute({"test_sequence_last", "SELECT last FROM dossier_sequences"}).Int(0, 0), 1);
  EXPECT_EQ(conn->Execute({"test_claimed_files", "SELECT COUNT(*) FROM attachments WHERE dossier_id IS NOT NULL"}).Int(0, 0), 1);
}

// commit_barriers keeps a row per server process that made a group commit; a restart drops
// the rows of processes that have ended.
TEST_P(DossiersOnPostgres, ARestartForgetsTheFlushRowsOfServerProcessesThatHaveEnded) {
  User citizen = SignIn(port(), "citizen.demo");
  ASSERT_EQ(citizen.Call("POST", "/api/v1/dossiers", json::serialize(Submission(citizen)), {{"Idempotency-Key", "gone-1"}}).status, 201);
  auto raw = db::Database::Open(app_->db_url(), {.size = 1});
  const db::Query live{"test_barrier_live_rows",
                       "SELECT COUNT(*) FROM commit_barriers WHERE backend IN (SELECT pid FROM pg_stat_activity)"};
  ASSERT_GE(raw->Acquire()->Execute(live).Int(0, 0), 1) << "the submission's own flush row";
  // Rows of processes long gone (process ids are never negative, so none is live).
  raw->Acquire()->ExecuteScript("INSERT INTO commit_barriers (backend, n) VALUES (-1, 5), (-2, 7)");
  app_->Restart();
  EXPECT_EQ(raw->Acquire()->Execute({"test_barrier_gone_rows", "SELECT COUNT(*) FROM commit_barriers WHERE backend < 0"}).Int(0, 0), 0);
  // Group commits go on as before, and write their rows again.
  citizen = SignIn(port(), "citizen.demo");
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossiers", json::serialize(Submission(citizen)), {{"Idempotency-Key", "gone-2"}}).status, 201);
  EXPECT_GE(raw->Acquire()->Execute(live).Int(0, 0), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, DossiersOnPostgres, ::testing::Values("postgres"));


}  // namespace
}  // namespace motcua::testing

namespace motcua::testing {
namespace {

namespace json = boost::json;

class Bundles : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    app_ = std::make_unique<TestApp>(GetParam());
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
  }
  std::uint16_t port() const { return app_->port(); }
  // The birth bundle: the declaration once, every paper the bundle lists uploaded once.
  json::object Submission(const User& citizen) {
    auto detail = Json(Fetch(port(), "GET", "/api/v1/bundles/khai-sinh"));
    json::array docs;
    for (const auto& d : detail.at("documents").as_array()) {
      std::string code(d.at("codes").at(0).as_string());
      docs.push_back(json::object{{"code", code}, {"attachment_ids", json::array{json::string(citizen.Upload(code + ".pdf", "application/pdf", Pdf(code)))}}});
    }
    json::object parent{{"ho_ten", "Nguyễn Văn An"}, {"ngay_sinh", "1985-03-02"}, {"dan_toc", "Kinh"}, {"quoc_tich", "Việt Nam"},
                        {"noi_cu_tru", "Số 5 đường Lê Lợi, phường Tân An, thành phố An Hòa"}};
    json::object mother = parent;
    mother["ho_ten"] = "Trần Thị Bình";
    mother["ngay_sinh"] = "1990-07-15";
    json::object form{{"nguoi_yeu_cau", json::object{{"ho_ten", "Nguyễn Văn An"}, {"so_dinh_danh", "001085012345"},
                                                      {"noi_cu_tru", "Số 5 đường Lê Lợi, phường Tân An, thành phố An Hòa"}, {"quan_he", "cha"}}},
                      {"nguoi_duoc_khai_sinh", json::object{{"ho_ten", "Nguyễn Minh Khang"}, {"ngay_sinh", "2026-11-20"}, {"gioi_tinh", "male"},
                                                             {"dan_toc", "Kinh"}, {"quoc_tich", "Việt Nam"}, {"noi_sinh", "Bệnh viện Đa khoa tỉnh An Hòa"},
                                                             {"que_quan", "Hà Nội"}}},
                      {"cha", parent}, {"me", mother}, {"so_giay_chung_sinh", "GCS-2026-001234"}};
    return json::object{{"form", form}, {"documents", docs}, {"summary", "Khai sinh, thường trú và thẻ BHYT cho con"}};
  }
  std::unique_ptr<TestApp> app_;
};

TEST_P(Bundles, ABirthBundleMakesOneDossierPerAgencyFromOneDeclaration) {
  User citizen = SignIn(port(), "citizen.demo");
  json::object body = Submission(citizen);
  auto r = citizen.Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(body), {{"Idempotency-Key", "b-1"}});
  ASSERT_EQ(r.status, 201) << r.body;
  json::value b = Json(r);
  std::string id(b.at("id").as_string());
  EXPECT_EQ(b.at("bundle_code"), "khai-sinh");
  EXPECT_EQ(b.at("status"), "in_progress");
  const auto& children = b.at("children").as_array();
  ASSERT_EQ(children.size(), 3u);
  std::map<std::string, std::string> agency_of;
  for (const auto& c : children) {
    EXPECT_EQ(c.at("bundle_id"), json::value(id));
    EXPECT_EQ(c.at("status"), 1);
    agency_of[std::string(c.at("procedure_code").as_string())] = std::string(c.at("agency").at("code").as_string());
  }
  EXPECT_EQ(agency_of["1.001193"], "000.01.21.H99");  // the commune (first configured)
  EXPECT_EQ(agency_of["1.004222"], "000.00.15.H99");  // the police
  EXPECT_EQ(agency_of["2.909001"], "000.00.16.H99");  // social security
  // The declaration went to the birth registration, entered once.
  for (const auto& c : children) {
    if (c.at("procedure_code") != "1.001193") continue;
    auto full = Json(citizen.Call("GET", "/api/v1/dossiers/" + std::string(c.at("code").as_string())));
    EXPECT_EQ(full.at("form").at("nguoi_duoc_khai_sinh").at("ho_ten"), "Nguyễn Minh Khang");
    EXPECT_EQ(full.at("documents").as_array().size(), 4u);
  }
  // A retry answers the same bundle; another body under the same key is refused.
  auto again = citizen.Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(body), {{"Idempotency-Key", "b-1"}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json(again).at("id"), json::value(id));
  body["summary"] = "khác";
  EXPECT_EQ(citizen.Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(body), {{"Idempotency-Key", "b-1"}}).status, 409);
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/me/dossiers")).at("total"), 3);
  // The bundle is its owner's.
  EXPECT_EQ(citizen.Call("GET", "/api/v1/dossier-bundles/" + id).status, 200);
  EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("GET", "/api/v1/dossier-bundles/" + id).status, 404);
  EXPECT_EQ(Fetch(port(), "GET", "/api/v1/dossier-bundles/" + id).status, 401);
}

TEST_P(Bundles, BadInputOrACrashPartWayLeavesNothingBehind) {
  User citizen = SignIn(port(), "citizen.demo");
  json::object body = Submission(citizen);
  json::object bad = body;
  bad["form"].as_object()["nguoi_duoc_khai_sinh"].as_object().erase("ho_ten");
  auto r = citizen.Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(bad));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("/children/1.001193/form/nguoi_duoc_khai_sinh/ho_ten"), std::string::npos) << r.body;
  bad = body;
  bad["documents"] = json::array{};
  r = citizen.Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(bad));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("/children/2.909001/documents/GT.2909001.1.01"), std::string::npos) << "every child's missing paper is named: " << r.body;
  EXPECT_EQ(citizen.Call("POST", "/api/v1/bundles/khong-co/dossiers", json::serialize(body)).status, 404);
  // The death bundle's five procedures each have a receiving agency here: what is missing is papers.
  auto death = citizen.Call("POST", "/api/v1/bundles/khai-tu/dossiers", "{}");
  EXPECT_EQ(death.status, 400) << death.body;
  for (const char* child : {"1.000656", "1.003197", "2.909008", "2.917002", "2.918001"}) {
    EXPECT_NE(death.body.find(std::string("/children/") + child), std::string::npos) << child << ": " << death.body;
  }
  bad = body;
  bad["children"] = json::object{{"9.999999", json::object{}}};
  EXPECT_EQ(citizen.Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(bad)).status, 400);
  EXPECT_EQ(SignIn(port(), "receiver.demo").Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(body)).status, 403);

  // The second child's insert fails: the first child, the bundle and the day's numbers are rolled back.
  int calls = 0;
  app_->app().dossiers->before_submit_commit_for_test = [&calls] {
    if (++calls == 2) throw std::runtime_error("crash part-way through the bundle");
  };
  r = citizen.Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(body), {{"Idempotency-Key", "b-2"}});
  EXPECT_EQ(r.status, 500) << r.body;
  app_->app().dossiers->before_submit_commit_for_test = nullptr;
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/me/dossiers")).at("total"), 0);
  // The same files and key then go through, and the codes start at 0001.
  r = citizen.Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(body), {{"Idempotency-Key", "b-2"}});
  ASSERT_EQ(r.status, 201) << r.body;
  json::value made = Json(r);
  ASSERT_EQ(made.at("children").as_array().size(), 3u);
  for (const auto& c : made.at("children").as_array()) {
    std::string code(c.at("code").as_string());
    EXPECT_EQ(code.substr(code.size() - 4), "0001") << code;
  }
}

TEST_P(Bundles, ABundleDraftIsSavedResumedAndGoesAwayWithTheSubmission) {
  User citizen = SignIn(port(), "citizen.demo");
  json::object body = Submission(citizen);
  // Half-way: the declaration and papers so far, kept as a draft of the bundle.
  json::object draft = body;
  draft["bundle_code"] = "khai-sinh";
  draft["step"] = 1;
  auto saved = citizen.Call("POST", "/api/v1/dossier-drafts", json::serialize(draft));
  ASSERT_EQ(saved.status, 201) << saved.body;
  std::string id(Json(saved).at("id").as_string());
  auto listed = Json(citizen.Call("GET", "/api/v1/dossier-drafts"));
  ASSERT_EQ(listed.at("items").as_array().size(), 1u);
  const auto& item = listed.at("items").at(0);
  EXPECT_EQ(item.at("bundle_code"), "khai-sinh");
  EXPECT_EQ(item.at("procedure_code"), "");
  EXPECT_NE(std::string(item.at("bundle_name").as_string()).find("khai sinh"), std::string::npos) << item;
  auto resumed = Json(citizen.Call("GET", "/api/v1/dossier-drafts/" + id));
  EXPECT_EQ(resumed.at("form"), body.at("form"));
  EXPECT_EQ(resumed.at("documents"), body.at("documents"));
  EXPECT_EQ(citizen.Call("GET", "/api/v1/dossier-drafts/" + id.substr(0, 8)).status, 404);
  EXPECT_EQ(SignIn(port(), "citizen2.demo").Call("GET", "/api/v1/dossier-drafts/" + id).status, 404);
  // Bad drafts: an unknown bundle, both a procedure and a bundle.
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossier-drafts", R"({"bundle_code":"khong-co"})").status, 400);
  EXPECT_EQ(citizen.Call("POST", "/api/v1/dossier-drafts", R"({"bundle_code":"khai-sinh","procedure_code":"2.913001"})").status, 400);
  // Submitting with the draft of another bundle is refused and changes nothing.
  json::object with_draft = body;
  with_draft["draft_id"] = id;
  EXPECT_EQ(citizen.Call("POST", "/api/v1/bundles/khai-tu/dossiers", json::serialize(with_draft)).status, 404);
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/dossier-drafts")).at("items").as_array().size(), 1u);
  // A submission that fails part-way keeps the draft; the one that goes through removes it.
  app_->app().dossiers->before_submit_commit_for_test = [] { throw std::runtime_error("crash part-way"); };
  EXPECT_EQ(citizen.Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(with_draft)).status, 500);
  app_->app().dossiers->before_submit_commit_for_test = nullptr;
  EXPECT_EQ(citizen.Call("GET", "/api/v1/dossier-drafts/" + id).status, 200);
  auto r = citizen.Call("POST", "/api/v1/bundles/khai-sinh/dossiers", json::serialize(with_draft), {{"Idempotency-Key", "bd-1"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r).at("children").as_array().size(), 3u);
  EXPECT_EQ(citizen.Call("GET", "/api/v1/dossier-drafts/" + id).status, 404);
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/dossier-drafts")).at("items").as_array().size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Engines, Bundles, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing

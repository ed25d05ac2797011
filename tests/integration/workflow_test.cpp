// Per-procedure process definitions (the `workflow` key of a procedure's configuration) through
// real HTTP on both engines: review steps taken in order by the role each names, the approve
// box of the inbox per role, a process without review, return for rework, bad definitions
// refused with pointers and nothing written, and dossiers at a step a later definition removed.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <set>

#include "integration/api_user.hpp"
#include "integration/test_app.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;

const std::string kConfig = "/api/v1/admin/procedures/2.913001/config";

class Processes : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    app_ = std::make_unique<TestApp>(GetParam());
    if (!app_->available()) GTEST_SKIP() << "PostgreSQL not available";
  }
  std::uint16_t port() const { return app_->port(); }

  // Saves the demo configuration of 2.913001 with `workflow` (null: without one).
  void Configure(const json::value& workflow) {
    User admin = SignIn(port(), "admin.demo");
    json::object config = Json(admin.Call("GET", kConfig)).at("config").as_object();
    config.erase("workflow");
    if (!workflow.is_null()) {
      config["workflow"] = workflow;
      if (config.contains("steps")) config["steps"].as_object().erase("awaiting_approval");
    }
    auto r = admin.Call("PUT", kConfig, json::serialize(config));
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // A dossier of 2.913001 accepted and assigned to specialist.demo, at stage `processing`.
  std::string Processing() {
    User citizen = SignIn(port(), "citizen.demo");
    std::string code = SubmitCriminalRecord(citizen, "Quy trình");
    SignIn(port(), "receiver.demo").Act(code, "accept", {});
    User leader = SignIn(port(), "leader.demo");
    auto officers = Json(leader.Call("GET", "/api/v1/agencies/000.00.02.H99/officers?role=specialist"));
    auto d = leader.Act(code, "assign", {{"assignee_id", officers.at("items").at(0).at("id")}});
    EXPECT_EQ(d.at("stage"), "processing") << d;
    return code;
  }

  // The codes in `who`'s inbox box, and the box's count.
  std::pair<std::set<std::string>, std::int64_t> Box(const User& who, const std::string& box) {
    auto r = who.Call("GET", "/api/v1/inbox?box=" + box + "&limit=100");
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> codes;
    json::value v = Json(r);
    for (const auto& it : v.at("items").as_array()) codes.insert(std::string(it.at("code").as_string()));
    return {codes, v.at("counts").at(box).as_int64()};
  }

  static std::set<std::string> Actions(const json::value& d) {
    std::set<std::string> out;
    for (const auto& a : d.at("allowed_actions").as_array()) out.insert(std::string(a.at("action").as_string()));
    return out;
  }

  std::unique_ptr<TestApp> app_;
};

json::value TwoReviews() {
  return json::parse(R"({
    "assign_by": ["leader"],
    "reviews": [
      {"key": "xem_xet_phong", "name": "Trưởng phòng xem xét", "name_en": "Department review", "role": "specialist", "hours": 4},
      {"key": "awaiting_approval", "name": "Lãnh đạo cơ quan phê duyệt", "name_en": "Agency approval", "role": "leader", "hours": 8}
    ],
    "issue_by": ["leader"]})");
}

TEST_P(Processes, TwoReviewStepsAreTakenInOrderEachByItsRole) {
  Configure(TwoReviews());
  User specialist = SignIn(port(), "specialist.demo"), leader = SignIn(port(), "leader.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code = Processing();

  json::value d = specialist.Act(code, "appraise", {{"opinion", "Đủ điều kiện"}});
  EXPECT_EQ(d.at("status"), 4);
  EXPECT_EQ(d.at("stage"), "xem_xet_phong");
  EXPECT_EQ(d.at("stage_label"), "Trưởng phòng xem xét");
  EXPECT_EQ(d.at("step").at("role"), "specialist") << d;
  EXPECT_TRUE(d.at("step").at("current").as_bool());
  EXPECT_TRUE(Actions(d).contains("approve")) << d.at("allowed_actions");
  EXPECT_TRUE(Actions(d).contains("return_for_rework"));
  // Public tracking counts a procedure's own review step like the default approval.
  auto tracked = Json(receiver.Call("GET", "/api/v1/track/" + code));
  EXPECT_EQ(tracked.at("completion"), 60) << tracked;
  // The step's due date takes the step's own hours (4 working hours from when it began).
  auto sheet = Json(specialist.Call("GET", "/api/v1/dossiers/" + code + "/forms/mau05?format=json"));
  const auto& steps = sheet.at("steps").as_array();
  ASSERT_FALSE(steps.empty()) << sheet;
  const auto& last = steps.back();
  EXPECT_EQ(last.at("step"), "xem_xet_phong");
  EXPECT_EQ(last.at("step_name"), "Trưởng phòng xem xét");
  auto csv = specialist.Call("GET", "/api/v1/dossiers/" + code + "/control-sheet.csv");
  EXPECT_NE(csv.body.find("\"Trưởng phòng xem xét\""), std::string::npos) << csv.body;
  std::string start_q;
  for (char ch : std::string(last.at("started_at").as_string())) start_q += ch == '+' ? std::string("%2B") : std::string(1, ch);
  auto expected = Json(Fetch(port(), "GET", "/api/v1/calendar/deadline?agency=000.00.02.H99&unit=working_hours&amount=4&start=" + start_q));
  EXPECT_EQ(last.at("due_at"), expected.at("due_at")) << sheet << expected;
  EXPECT_EQ(d.at("step_due_at"), last.at("due_at"));

  // The department review is the specialists': the leader is refused and does not see it to approve.
  leader.Act(code, "approve", {}, 403);
  receiver.Act(code, "approve", {}, 403);
  EXPECT_TRUE(Box(specialist, "approve").first.contains(code));
  EXPECT_FALSE(Box(leader, "approve").first.contains(code));
  EXPECT_FALSE(Box(specialist, "process").first.contains(code));
  {
    auto inbox = Json(specialist.Call("GET", "/api/v1/inbox?box=approve"));
    bool named = false;
    for (const auto& it : inbox.at("items").as_array()) named = named || (it.at("code") == json::value(code) && it.at("stage_label") == "Trưởng phòng xem xét");
    EXPECT_TRUE(named) << "the inbox names the review step: " << inbox;
  }
  auto leader_view = Json(leader.Call("GET", "/api/v1/dossiers/" + code));
  EXPECT_FALSE(Actions(leader_view).contains("approve")) << leader_view.at("allowed_actions");
  EXPECT_TRUE(Actions(leader_view).contains("refuse_after_appraisal")) << "a leader may still stop it at any review";
  leader.Act(code, "issue_result", {{"results", json::array{json::object{{"name", "x"}}}}}, 409);

  d = specialist.Act(code, "approve", {{"note", "Phòng đồng ý"}});
  EXPECT_EQ(d.at("stage"), "awaiting_approval");
  EXPECT_EQ(d.at("stage_label"), "Lãnh đạo cơ quan phê duyệt");
  EXPECT_EQ(d.at("step").at("role"), "leader");
  specialist.Act(code, "approve", {}, 403);
  auto [leader_box, leader_count] = Box(leader, "approve");
  EXPECT_TRUE(leader_box.contains(code));
  EXPECT_EQ(leader_count, static_cast<std::int64_t>(leader_box.size()));
  EXPECT_FALSE(Box(specialist, "approve").first.contains(code));

  d = leader.Act(code, "approve", {{"note", "Đồng ý"}});
  EXPECT_EQ(d.at("stage"), "approved");
  EXPECT_TRUE(d.at("step").is_null());
  EXPECT_FALSE(Box(leader, "approve").first.contains(code));
  EXPECT_TRUE(Box(leader, "process").first.contains(code));
  // Only leaders issue in this process, not the assignee.
  json::object result{{"results", json::array{json::object{{"name", "Phiếu lý lịch tư pháp"}, {"number", "1/LLTP"}}}}};
  specialist.Act(code, "issue_result", result, 403);
  d = leader.Act(code, "issue_result", result);
  EXPECT_EQ(d.at("status"), 9);

  // The timeline names each review step; the actor's role is the step's.
  std::vector<std::tuple<std::string, std::string, std::string, std::string>> seen;
  for (const auto& e : d.at("history").as_array()) {
    seen.emplace_back(std::string(e.at("action").as_string()), std::string(e.at("stage_label").as_string()),
                      std::string(e.at("step_name").as_string()), std::string(e.at("actor").at("role").as_string()));
  }
  auto find = [&](const std::string& action, std::size_t nth = 0) {
    for (const auto& s : seen) if (std::get<0>(s) == action && nth-- == 0) return s;
    return std::tuple<std::string, std::string, std::string, std::string>{};
  };
  EXPECT_EQ(std::get<1>(find("appraise")), "Trưởng phòng xem xét");
  EXPECT_EQ(std::get<2>(find("approve")), "Trưởng phòng xem xét");
  EXPECT_EQ(std::get<3>(find("approve")), "specialist");
  EXPECT_EQ(std::get<1>(find("approve")), "Lãnh đạo cơ quan phê duyệt");
  EXPECT_EQ(std::get<2>(find("approve", 1)), "Lãnh đạo cơ quan phê duyệt");
  EXPECT_EQ(std::get<3>(find("approve", 1)), "leader");
  // In English the English names.
  auto en = Json(leader.Call("GET", "/api/v1/dossiers/" + code, {}, {{"Accept-Language", "en"}}));
  bool named = false;
  for (const auto& e : en.at("history").as_array()) named = named || e.at("step_name") == "Department review";
  EXPECT_TRUE(named) << en.at("history");
}

TEST_P(Processes, ReturnForReworkSendsTheDossierBackToItsAssignee) {
  Configure(TwoReviews());
  User specialist = SignIn(port(), "specialist.demo"), leader = SignIn(port(), "leader.demo");
  std::string code = Processing();
  leader.Act(code, "return_for_rework", {{"reason", "x"}}, 409);  // not at a review step
  specialist.Act(code, "appraise", {{"opinion", "Đủ điều kiện"}});
  specialist.Act(code, "approve", {});
  specialist.Act(code, "return_for_rework", {{"reason", "x"}}, 403);  // the approval step is the leader's
  auto missing = leader.Call("POST", "/api/v1/dossiers/" + code + "/actions/return_for_rework", "{}", {{"Accept-Language", "en"}});
  ASSERT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(Json(missing).at("errors").at(0).at("field"), "/reason") << missing.body;
  EXPECT_EQ(Json(leader.Call("GET", "/api/v1/dossiers/" + code)).at("stage"), "awaiting_approval") << "a refused action writes nothing";
  json::value before = Json(leader.Call("GET", "/api/v1/dossiers/" + code));
  json::value d = leader.Act(code, "return_for_rework", {{"reason", "Bổ sung ý kiến thẩm định về nhân thân"}});
  EXPECT_EQ(d.at("status"), 4);
  EXPECT_EQ(d.at("stage"), "processing");
  EXPECT_EQ(d.at("assignee"), before.at("assignee")) << "the assignee keeps the dossier";
  const auto& last = d.at("history").as_array().back();
  EXPECT_EQ(last.at("action"), "return_for_rework");
  EXPECT_EQ(last.at("data").at("reason"), "Bổ sung ý kiến thẩm định về nhân thân");
  EXPECT_EQ(last.at("step_name"), "Lãnh đạo cơ quan phê duyệt");
  EXPECT_TRUE(Box(specialist, "process").first.contains(code));
  EXPECT_FALSE(Box(leader, "approve").first.contains(code));
  // The assignee appraises again, from the first review on.
  d = specialist.Act(code, "appraise", {{"opinion", "Đã bổ sung"}});
  EXPECT_EQ(d.at("stage"), "xem_xet_phong");
}

TEST_P(Processes, WithoutReviewStepsAppraisalLeadsStraightToIssuing) {
  Configure(json::parse(R"({"reviews": [], "issue_by": ["specialist"]})"));
  User specialist = SignIn(port(), "specialist.demo"), leader = SignIn(port(), "leader.demo");
  std::string code = Processing();
  json::value d = specialist.Act(code, "appraise", {{"opinion", "Chứng thực đúng"}});
  EXPECT_EQ(d.at("stage"), "approved");
  EXPECT_TRUE(d.at("step").is_null());
  EXPECT_FALSE(Box(leader, "approve").first.contains(code));
  auto refused = leader.Act(code, "approve", {}, 409);
  std::set<std::string> allowed;
  for (const auto& a : refused.at("allowed_actions").as_array()) allowed.insert(std::string(a.as_string()));
  EXPECT_FALSE(allowed.contains("approve")) << refused;
  EXPECT_TRUE(allowed.contains("issue_result")) << refused;
  json::object result{{"results", json::array{json::object{{"name", "Bản chứng thực"}}}}};
  leader.Act(code, "issue_result", result, 403);  // issue_by names specialists only
  d = specialist.Act(code, "issue_result", result);
  EXPECT_EQ(d.at("status"), 9);
}

TEST_P(Processes, ABadDefinitionIsRefusedWithPointersAndWritesNothing) {
  User admin = SignIn(port(), "admin.demo");
  auto before = admin.Call("GET", kConfig);
  ASSERT_EQ(before.status, 200);
  json::object config = Json(before).at("config").as_object();
  config["steps"] = json::object{{"received", 4}, {"awaiting_approval", 8}};
  config["workflow"] = json::parse(R"({
    "assign_by": [],
    "reviews": [
      {"key": "Xem xét", "name": "", "name_en": "Review", "role": "director", "hours": 3000},
      {"key": "processing", "name": "A", "name_en": "A", "role": "leader", "hours": 1},
      {"key": "b", "name": "B", "name_en": "B", "role": "leader", "hours": 1},
      {"key": "b", "name": "B", "name_en": "B", "role": "leader", "hours": 1, "extra": true}
    ],
    "issue_by": ["leader", "leader"],
    "approve_by": ["leader"]})");
  auto refused = admin.Call("PUT", kConfig, json::serialize(config), {{"Accept-Language", "en"}});
  ASSERT_EQ(refused.status, 400) << refused.body;
  std::set<std::string> fields;
  json::value problem = Json(refused);
  for (const auto& e : problem.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"/workflow/approve_by", "/workflow/assign_by", "/workflow/issue_by/1", "/workflow/reviews/0/key",
                                           "/workflow/reviews/0/name", "/workflow/reviews/0/role", "/workflow/reviews/0/hours",
                                           "/workflow/reviews/1/key", "/workflow/reviews/3/key", "/workflow/reviews/3/extra",
                                           "/steps/awaiting_approval"}))
      << refused.body;
  EXPECT_NE(refused.body.find("review"), std::string::npos);
  config["workflow"] = json::array{};
  config.erase("steps");
  auto not_object = admin.Call("PUT", kConfig, json::serialize(config));
  ASSERT_EQ(not_object.status, 400);
  EXPECT_EQ(Json(not_object).at("errors").at(0).at("field"), "/workflow");
  config["workflow"] = json::parse(R"({"reviews": [{},{},{},{},{},{}]})");
  EXPECT_EQ(Json(admin.Call("PUT", kConfig, json::serialize(config))).at("errors").at(0).at("field"), "/workflow/reviews");
  EXPECT_EQ(Json(admin.Call("GET", kConfig)), Json(before)) << "nothing was written";
  // A good one is kept as given.
  config["workflow"] = TwoReviews();
  auto saved = admin.Call("PUT", kConfig, json::serialize(config));
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(Json(admin.Call("GET", kConfig)).at("config").at("workflow"), TwoReviews());
}

// A dossier at a step the new definition no longer has carries on as at its last review (or as
// approved when the new definition has none); its role comes from the new definition.
TEST_P(Processes, ADossierAtARemovedStepCarriesOnAfterTheDefinitionChanges) {
  Configure(TwoReviews());
  User specialist = SignIn(port(), "specialist.demo"), leader = SignIn(port(), "leader.demo");
  std::string at_department = Processing(), at_approval = Processing();
  specialist.Act(at_department, "appraise", {{"opinion", "ok"}});
  specialist.Act(at_approval, "appraise", {{"opinion", "ok"}});
  specialist.Act(at_approval, "approve", {});

  // Back to the default process: one leader approval named awaiting_approval.
  Configure(nullptr);
  json::value d = Json(leader.Call("GET", "/api/v1/dossiers/" + at_department));
  EXPECT_EQ(d.at("stage"), "xem_xet_phong");
  EXPECT_EQ(d.at("step").at("key"), "awaiting_approval") << d;
  EXPECT_FALSE(d.at("step").at("current").as_bool());
  EXPECT_TRUE(Actions(d).contains("approve"));
  specialist.Act(at_department, "approve", {}, 403);
  d = leader.Act(at_department, "approve", {});
  EXPECT_EQ(d.at("stage"), "approved");
  d = specialist.Act(at_department, "issue_result", {{"results", json::array{json::object{{"name", "Phiếu"}}}}});
  EXPECT_EQ(d.at("status"), 9) << "the default lets the assignee issue again";

  // Now without any review: the dossier waiting for the leader's approval counts as approved.
  Configure(json::parse(R"({"reviews": []})"));
  d = Json(leader.Call("GET", "/api/v1/dossiers/" + at_approval));
  EXPECT_EQ(d.at("stage"), "awaiting_approval");
  EXPECT_TRUE(d.at("step").is_null());
  EXPECT_TRUE(Actions(d).contains("issue_result")) << d.at("allowed_actions");
  leader.Act(at_approval, "approve", {}, 409);
  d = leader.Act(at_approval, "issue_result", {{"results", json::array{json::object{{"name", "Phiếu"}}}}});
  EXPECT_EQ(d.at("status"), 9);
}

// A review step's action that fails part-way (after its step, event and row were written, just
// before the commit) leaves the dossier as it was: same stage, same history, same steps, still
// in the reviewer's approve box; taken again it goes through.
TEST_P(Processes, AReviewActionCutShortLeavesTheDossierWhereItWas) {
  Configure(TwoReviews());
  User specialist = SignIn(port(), "specialist.demo"), leader = SignIn(port(), "leader.demo");
  std::string code = Processing();
  specialist.Act(code, "appraise", {{"opinion", "ok"}});
  json::value before = Json(specialist.Call("GET", "/api/v1/dossiers/" + code));
  auto sheet = [&] { return Json(specialist.Call("GET", "/api/v1/dossiers/" + code + "/forms/mau05?format=json")).at("steps"); };
  json::value steps_before = sheet();
  app_->app().dossiers->before_action_commit_for_test = [] { throw std::runtime_error("crash part-way"); };
  auto failed = specialist.Call("POST", "/api/v1/dossiers/" + code + "/actions/approve", "{}");
  app_->app().dossiers->before_action_commit_for_test = nullptr;
  EXPECT_EQ(failed.status, 500) << failed.body;
  EXPECT_EQ(Json(specialist.Call("GET", "/api/v1/dossiers/" + code)), before);
  EXPECT_EQ(sheet(), steps_before);
  EXPECT_TRUE(Box(specialist, "approve").first.contains(code));
  EXPECT_FALSE(Box(leader, "approve").first.contains(code));
  json::value d = specialist.Act(code, "approve", {});
  EXPECT_EQ(d.at("stage"), "awaiting_approval");
  EXPECT_TRUE(Box(leader, "approve").first.contains(code));
}

// A payment asked at a review step, then confirmed: the dossier is back at that step, with its
// role, and in that role's approve box again.
TEST_P(Processes, APaymentAtAReviewStepComesBackToThatStep) {
  Configure(TwoReviews());
  User specialist = SignIn(port(), "specialist.demo"), leader = SignIn(port(), "leader.demo"), receiver = SignIn(port(), "receiver.demo");
  std::string code = Processing();
  specialist.Act(code, "appraise", {{"opinion", "ok"}});
  json::value d = specialist.Act(code, "request_payment", {{"amount", 50000}, {"reason", "Lệ phí bổ sung"}});
  EXPECT_EQ(d.at("status"), 6);
  EXPECT_FALSE(Box(specialist, "approve").first.contains(code));
  d = receiver.Act(code, "confirm_payment", {{"note", "Đã nộp tại quầy"}});
  EXPECT_EQ(d.at("status"), 4);
  EXPECT_EQ(d.at("stage"), "xem_xet_phong");
  EXPECT_EQ(d.at("step").at("role"), "specialist");
  EXPECT_TRUE(Box(specialist, "approve").first.contains(code));
  EXPECT_FALSE(Box(leader, "approve").first.contains(code));
  d = specialist.Act(code, "approve", {});
  EXPECT_EQ(d.at("stage"), "awaiting_approval");
}

INSTANTIATE_TEST_SUITE_P(Engines, Processes, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing

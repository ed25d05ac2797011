#include "dossier/workflow.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>

namespace motcua::dossier {
namespace {

Actor Receiver() { Actor a; a.receiver_at_receiving = a.receiver_at_handling = true; return a; }
Actor Specialist(bool assignee = true) { Actor a; a.specialist_at_handling = true; a.is_assignee = assignee; return a; }
Actor Leader() { Actor a; a.leader_at_handling = true; return a; }
Actor Owner() { Actor a; a.owner = true; return a; }

TEST(Workflow, OnlineDossierGoesFromSubmittedToReturned) {
  State s;  // 1, submitted
  ASSERT_EQ(Check(Action::kAccept, s, Receiver()), Refusal::kNone);
  Next n = Apply(Action::kAccept, s, {});
  EXPECT_EQ(n.status, kReceived);
  s.status = n.status; s.stage = n.stage;
  ASSERT_EQ(Check(Action::kAssign, s, Leader()), Refusal::kNone);
  n = Apply(Action::kAssign, s, {});
  s.status = n.status; s.stage = n.stage; s.has_assignee = true;
  EXPECT_EQ(s.status, kInProcess);
  EXPECT_EQ(Check(Action::kAppraise, s, Specialist(false)), Refusal::kWrongActor) << "only the assignee appraises";
  ASSERT_EQ(Check(Action::kAppraise, s, Specialist()), Refusal::kNone);
  n = Apply(Action::kAppraise, s, {});
  s.stage = n.stage;
  EXPECT_EQ(Check(Action::kApprove, s, Specialist()), Refusal::kWrongActor);
  ASSERT_EQ(Check(Action::kApprove, s, Leader()), Refusal::kNone);
  s.stage = Apply(Action::kApprove, s, {}).stage;
  ASSERT_EQ(Check(Action::kIssueResult, s, Specialist()), Refusal::kNone);
  n = Apply(Action::kIssueResult, s, {});
  EXPECT_EQ(n.status, kResultReady);
  s.status = n.status; s.stage = n.stage;
  EXPECT_EQ(Check(Action::kWithdraw, s, Owner()), Refusal::kNotAllowedNow) << "a finished dossier cannot be withdrawn";
  ASSERT_EQ(Check(Action::kReturnResult, s, Receiver()), Refusal::kNone);
  n = Apply(Action::kReturnResult, s, {});
  EXPECT_EQ(n.status, kReturned);
  EXPECT_TRUE(IsTerminal(n.status));
  s.status = n.status; s.stage = n.stage;
  EXPECT_TRUE(PossibleIn(s).empty()) << "nothing follows a returned result";
}

TEST(Workflow, SupplementIsAskedOnceAndResumesWhereItWas) {
  State s;
  s.status = kInProcess; s.stage = "processing"; s.has_assignee = true;
  ASSERT_EQ(Check(Action::kRequestSupplement, s, Specialist()), Refusal::kNone);
  Next n = Apply(Action::kRequestSupplement, s, {});
  EXPECT_EQ(n.status, kSupplementRequested);
  State waiting{n.status, n.stage, 1, 0, false, true, std::nullopt};
  EXPECT_EQ(Check(Action::kSupplement, waiting, Receiver()), Refusal::kWrongActor);
  ASSERT_EQ(Check(Action::kSupplement, waiting, Owner()), Refusal::kNone);
  Next back = Apply(Action::kSupplement, waiting, {kInProcess, "processing"});
  EXPECT_EQ(back.status, kInProcess);
  EXPECT_EQ(back.stage, "processing");
  State again{back.status, back.stage, 1, 0, false, true, std::nullopt};
  EXPECT_EQ(Check(Action::kRequestSupplement, again, Specialist()), Refusal::kOnceOnly);
}

TEST(Workflow, ExtensionOnlyOnceAndAtLeastAWorkingDayAhead) {
  State s;
  s.status = kInProcess; s.stage = "processing";
  s.working_minutes_left = 8 * 60 - 1;
  EXPECT_EQ(Check(Action::kExtend, s, Leader()), Refusal::kTooLate);
  s.working_minutes_left = 8 * 60;
  EXPECT_EQ(Check(Action::kExtend, s, Leader()), Refusal::kNone);
  EXPECT_EQ(Check(Action::kExtend, s, Specialist()), Refusal::kWrongActor);
  s.apologies = 1;
  EXPECT_EQ(Check(Action::kExtend, s, Leader()), Refusal::kOnceOnly);
}

TEST(Workflow, IllegalTransitionsAreRefusedWhoeverAsks) {
  State s;  // submitted
  for (Action a : {Action::kApprove, Action::kIssueResult, Action::kReturnResult, Action::kAppraise, Action::kSupplement,
                   Action::kConfirmPayment}) {
    EXPECT_EQ(Check(a, s, Leader()), Refusal::kNotAllowedNow) << ActionName(a);
    EXPECT_EQ(Check(a, s, Owner()), Refusal::kNotAllowedNow) << ActionName(a);
  }
  auto possible = PossibleIn(s);
  EXPECT_NE(std::find(possible.begin(), possible.end(), Action::kAccept), possible.end());
  EXPECT_EQ(std::find(possible.begin(), possible.end(), Action::kApprove), possible.end());
}

TEST(Workflow, ConsultationHoldsAppraisalUntilAnswered) {
  State s;
  s.status = kInProcess; s.stage = "processing"; s.has_assignee = true; s.open_consultation = true;
  EXPECT_EQ(Check(Action::kAppraise, s, Specialist()), Refusal::kNotAllowedNow);
  Actor consulted;
  consulted.consulted_officer = true;
  EXPECT_EQ(Check(Action::kAnswerConsultation, s, consulted), Refusal::kNone);
  EXPECT_EQ(Check(Action::kAnswerConsultation, s, Specialist()), Refusal::kWrongActor);
}

TEST(Workflow, EveryActionHasANameAndBothLabels) {
  for (Action a : AllActions()) {
    auto name = ActionName(a);
    ASSERT_FALSE(name.empty());
    EXPECT_EQ(ParseAction(name), a);
    EXPECT_NE(ActionLabel(name, false), name);
    EXPECT_NE(ActionLabel(name, true), name);
  }
  for (int s = 1; s <= 10; ++s) EXPECT_FALSE(StatusLabel(s, false).empty());
  EXPECT_EQ(StatusLabel(5, false), "Yêu cầu bổ sung giấy tờ");
  EXPECT_FALSE(ParseAction("delete_everything").has_value());
}


// ---- per-procedure process definitions ----

Process TwoReviews() {
  Process p;
  p.custom = true;
  p.reviews = {Review{"xem_xet_phong", "Lãnh đạo phòng xem xét", "Department review", StepRole::kSpecialist, 4},
               Review{"awaiting_approval", "Lãnh đạo cơ quan phê duyệt", "Approval", StepRole::kLeader, 8}};
  return p;
}

Process NoReview() {
  Process p;
  p.custom = true;
  p.reviews.clear();
  p.issue_by = {StepRole::kSpecialist};
  return p;
}

bool Offers(const std::vector<Action>& v, Action a) { return std::find(v.begin(), v.end(), a) != v.end(); }

State Processing() {
  State s;
  s.status = kInProcess; s.stage = "processing"; s.has_assignee = true;
  return s;
}

TEST(Workflow, TwoReviewStepsEachTakenByItsRole) {
  const Process p = TwoReviews();
  State s = Processing();
  Next n = Apply(Action::kAppraise, s, {}, p);
  EXPECT_EQ(n.stage, "xem_xet_phong") << "appraisal leads to the first review";
  s.stage = n.stage;
  // The first review is a specialist's (any specialist of the handling agency), not a leader's.
  EXPECT_EQ(Check(Action::kApprove, s, Leader(), p), Refusal::kWrongActor);
  EXPECT_EQ(Check(Action::kApprove, s, Receiver(), p), Refusal::kWrongActor);
  ASSERT_EQ(Check(Action::kApprove, s, Specialist(false), p), Refusal::kNone);
  EXPECT_TRUE(Offers(Allowed(s, Specialist(false), p), Action::kApprove));
  EXPECT_FALSE(Offers(Allowed(s, Leader(), p), Action::kApprove));
  EXPECT_EQ(Check(Action::kIssueResult, s, Leader(), p), Refusal::kNotAllowedNow) << "not before the last review";
  n = Apply(Action::kApprove, s, {}, p);
  EXPECT_EQ(n.status, kInProcess);
  EXPECT_EQ(n.stage, "awaiting_approval");
  s.stage = n.stage;
  EXPECT_EQ(Check(Action::kApprove, s, Specialist(), p), Refusal::kWrongActor);
  ASSERT_EQ(Check(Action::kApprove, s, Leader(), p), Refusal::kNone);
  n = Apply(Action::kApprove, s, {}, p);
  EXPECT_EQ(n.stage, "approved");
  s.stage = n.stage;
  ASSERT_EQ(Check(Action::kIssueResult, s, Specialist(), p), Refusal::kNone);
  EXPECT_EQ(Apply(Action::kIssueResult, s, {}, p).status, kResultReady);
}

TEST(Workflow, ReviewStagesKeepPaymentRefusalAndExtension) {
  const Process p = TwoReviews();
  State s = Processing();
  s.stage = "xem_xet_phong";
  s.working_minutes_left = 5 * 8 * 60;
  auto possible = PossibleIn(s, p);
  for (Action a : {Action::kApprove, Action::kReturnForRework, Action::kRequestPayment, Action::kRefuseAfterAppraisal,
                   Action::kExtend, Action::kWithdraw}) {
    EXPECT_TRUE(Offers(possible, a)) << ActionName(a);
  }
  EXPECT_FALSE(Offers(possible, Action::kAppraise));
  EXPECT_FALSE(Offers(possible, Action::kIssueResult));
  EXPECT_EQ(Check(Action::kRefuseAfterAppraisal, s, Leader(), p), Refusal::kNone);
  EXPECT_EQ(Check(Action::kRequestPayment, s, Specialist(), p), Refusal::kNone);
  EXPECT_EQ(Check(Action::kExtend, s, Leader(), p), Refusal::kNone);
  // The default flow has no such stage: the same state there is a stage it no longer knows,
  // taken as its last review (awaiting_approval).
  EXPECT_EQ(EffectiveStage(DefaultProcess(), kInProcess, "xem_xet_phong"), "awaiting_approval");
}

TEST(Workflow, WithoutReviewsAppraisalLeadsStraightToIssuing) {
  const Process p = NoReview();
  State s = Processing();
  Next n = Apply(Action::kAppraise, s, {}, p);
  EXPECT_EQ(n.stage, "approved");
  s.stage = n.stage;
  EXPECT_FALSE(Offers(PossibleIn(s, p), Action::kApprove));
  EXPECT_EQ(Check(Action::kIssueResult, s, Specialist(), p), Refusal::kNone);
  EXPECT_EQ(Check(Action::kIssueResult, s, Specialist(false), p), Refusal::kWrongActor) << "only the assignee, as a specialist";
  EXPECT_EQ(Check(Action::kIssueResult, s, Leader(), p), Refusal::kWrongActor) << "issue_by names only specialists";
  // A dossier left at the old approval step counts as approved when no review is left.
  State old = Processing();
  old.stage = "awaiting_approval";
  EXPECT_EQ(EffectiveStage(p, kInProcess, "awaiting_approval"), "approved");
  EXPECT_EQ(Check(Action::kApprove, old, Leader(), p), Refusal::kNotAllowedNow);
  EXPECT_EQ(Check(Action::kIssueResult, old, Specialist(), p), Refusal::kNone);
}

TEST(Workflow, AStageRemovedFromTheDefinitionIsTheLastReview) {
  const Process p = TwoReviews();
  State s = Processing();
  s.stage = "phong_cu";  // a step of an earlier definition
  EXPECT_EQ(ReviewAt(p, kInProcess, s.stage)->key, "awaiting_approval");
  EXPECT_EQ(Check(Action::kApprove, s, Specialist(), p), Refusal::kWrongActor) << "acted on by the last review's role";
  ASSERT_EQ(Check(Action::kApprove, s, Leader(), p), Refusal::kNone);
  EXPECT_EQ(Apply(Action::kApprove, s, {}, p).stage, "approved");
  EXPECT_EQ(ReviewAt(p, kSupplementRequested, "awaiting_approval"), nullptr) << "only status 4 has review steps";
}

TEST(Workflow, ReturnForReworkGoesBackToTheAssignee) {
  const Process p = TwoReviews();
  State s = Processing();
  EXPECT_EQ(Check(Action::kReturnForRework, s, Leader(), p), Refusal::kNotAllowedNow) << "only at a review step";
  s.stage = "awaiting_approval";
  EXPECT_EQ(Check(Action::kReturnForRework, s, Specialist(), p), Refusal::kWrongActor) << "the reviewer of this step, a leader";
  ASSERT_EQ(Check(Action::kReturnForRework, s, Leader(), p), Refusal::kNone);
  Next n = Apply(Action::kReturnForRework, s, {}, p);
  EXPECT_EQ(n.status, kInProcess);
  EXPECT_EQ(n.stage, "processing");
  s.stage = "xem_xet_phong";
  EXPECT_EQ(Check(Action::kReturnForRework, s, Specialist(false), p), Refusal::kNone);
  // The default flow offers it to the approving leader too.
  State d = Processing();
  d.stage = "awaiting_approval";
  EXPECT_TRUE(Offers(Allowed(d, Leader()), Action::kReturnForRework));
  EXPECT_EQ(ParseAction("return_for_rework"), Action::kReturnForRework);
}

TEST(Workflow, AssignAndIssueRolesComeFromTheDefinition) {
  Process p;
  p.assign_by = {StepRole::kLeader};
  p.issue_by = {StepRole::kReceiver};
  State s;
  s.status = kReceived; s.stage = "received";
  EXPECT_EQ(Check(Action::kAssign, s, Receiver(), p), Refusal::kWrongActor);
  EXPECT_EQ(Check(Action::kAssign, s, Leader(), p), Refusal::kNone);
  EXPECT_EQ(Check(Action::kAssign, s, Receiver()), Refusal::kNone) << "the default lets receivers assign";
  s.status = kInProcess; s.stage = "approved"; s.has_assignee = true;
  EXPECT_EQ(Check(Action::kIssueResult, s, Leader(), p), Refusal::kWrongActor);
  EXPECT_EQ(Check(Action::kIssueResult, s, Specialist(), p), Refusal::kWrongActor);
  EXPECT_EQ(Check(Action::kIssueResult, s, Receiver(), p), Refusal::kNone) << "the receiver as the clerk";
  p.assign_by = {StepRole::kSpecialist};
  s.stage = "processing";
  EXPECT_EQ(Check(Action::kAssign, s, Specialist(false), p), Refusal::kNone);
}

TEST(Workflow, ParsesAndRefusesDefinitions) {
  std::vector<ProcessError> errors;
  auto ok = ParseProcess(boost::json::parse(R"({"assign_by":["leader"],"reviews":[
      {"key":"xem_xet_phong","name":"Lãnh đạo phòng xem xét","name_en":"Department review","role":"specialist","hours":4},
      {"key":"awaiting_approval","name":"Phê duyệt","name_en":"Approval","role":"leader","hours":8}],"issue_by":["receiver"]})"), errors);
  ASSERT_TRUE(ok) << (errors.empty() ? "" : errors[0].pointer);
  EXPECT_TRUE(ok->custom);
  ASSERT_EQ(ok->reviews.size(), 2u);
  EXPECT_EQ(ok->reviews[0].role, StepRole::kSpecialist);
  EXPECT_EQ(ok->reviews[0].hours, 4);
  EXPECT_EQ(ok->assign_by, std::vector<StepRole>{StepRole::kLeader});
  EXPECT_EQ(ok->issue_by, std::vector<StepRole>{StepRole::kReceiver});
  auto empty = ParseProcess(boost::json::parse(R"({"reviews":[]})"), errors);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->reviews.empty());
  EXPECT_EQ(empty->issue_by.size(), 2u) << "roles not given keep the default";
  auto defaults = ParseProcess(boost::json::parse("{}"), errors);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->reviews.size(), 1u);
  EXPECT_FALSE(defaults->reviews[0].hours) << "the default review keeps steps.awaiting_approval's hours";

  auto pointers = [](const char* text) {
    std::vector<ProcessError> e;
    EXPECT_FALSE(ParseProcess(boost::json::parse(text), e)) << text;
    std::vector<std::string> out;
    for (auto& x : e) out.push_back(x.pointer);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(pointers("[]"), V{"/workflow"});
  EXPECT_EQ(pointers(R"({"assign_by":[]})"), V{"/workflow/assign_by"});
  EXPECT_EQ(pointers(R"({"issue_by":["leader","clerk"]})"), V{"/workflow/issue_by/1"});
  EXPECT_EQ(pointers(R"({"issue_by":["leader","leader"]})"), V{"/workflow/issue_by/1"});
  EXPECT_EQ(pointers(R"({"step":1})"), V{"/workflow/step"});
  EXPECT_EQ(pointers(R"({"reviews":[{},{},{},{},{},{}]})"), V{"/workflow/reviews"});
  EXPECT_EQ(pointers(R"({"reviews":[{"key":"Xem xet","name":"a","name_en":"a","role":"leader","hours":1}]})"), V{"/workflow/reviews/0/key"});
  EXPECT_EQ(pointers(R"({"reviews":[{"key":"processing","name":"a","name_en":"a","role":"leader","hours":1}]})"), V{"/workflow/reviews/0/key"});
  EXPECT_EQ(pointers(R"({"reviews":[{"key":"a","name":"a","name_en":"a","role":"leader","hours":1},
                                    {"key":"a","name":"b","name_en":"b","role":"leader","hours":1}]})"), V{"/workflow/reviews/1/key"});
  EXPECT_EQ(pointers(R"({"reviews":[{"key":"a","name":"","role":"boss","hours":2001,"x":1}]})"),
            (V{"/workflow/reviews/0/x", "/workflow/reviews/0/name", "/workflow/reviews/0/name_en", "/workflow/reviews/0/role",
               "/workflow/reviews/0/hours"}));
  std::string long_name(201, 'a');
  EXPECT_EQ(pointers(("{\"reviews\":[{\"key\":\"a\",\"name\":\"" + long_name + "\",\"name_en\":\"a\",\"role\":\"leader\",\"hours\":1}]}").c_str()),
            V{"/workflow/reviews/0/name"});
  // 200 characters of Vietnamese are more than 200 bytes and still fine.
  std::string vi;
  for (int i = 0; i < 200; ++i) vi += "ệ";
  std::vector<ProcessError> e2;
  EXPECT_TRUE(ParseProcess(boost::json::parse("{\"reviews\":[{\"key\":\"a\",\"name\":\"" + vi + "\",\"name_en\":\"a\",\"role\":\"leader\",\"hours\":0}]}"), e2));
  // A stored configuration without (or with a broken) workflow gives the default.
  EXPECT_FALSE(ProcessOfConfig(boost::json::object{}).custom);
  EXPECT_FALSE(ProcessOfConfig(boost::json::object{{"workflow", 3}}).custom);
}

}  // namespace
}  // namespace motcua::dossier

#include "dossier/workflow.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace motcua::dossier

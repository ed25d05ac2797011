#include "dossier/workflow.hpp"

#include <array>
#include <utility>

namespace motcua::dossier {

namespace {

struct ActionText {
  Action action;
  std::string_view name, vi, en;
};

constexpr std::array<ActionText, 17> kActions{{
    {Action::kAccept, "accept", "Tiếp nhận", "Accept"},
    {Action::kRefuse, "refuse", "Từ chối tiếp nhận", "Refuse"},
    {Action::kRequestSupplement, "request_supplement", "Yêu cầu bổ sung", "Request documents"},
    {Action::kSupplement, "supplement", "Nộp bổ sung", "Send documents"},
    {Action::kAssign, "assign", "Phân công xử lý", "Assign"},
    {Action::kAppraise, "appraise", "Trình phê duyệt", "Submit for approval"},
    {Action::kConsult, "consult", "Xin ý kiến cơ quan khác", "Consult another agency"},
    {Action::kAnswerConsultation, "answer_consultation", "Trả lời xin ý kiến", "Answer the consultation"},
    {Action::kTransfer, "transfer", "Chuyển liên thông", "Transfer to another agency"},
    {Action::kRequestPayment, "request_payment", "Yêu cầu thực hiện nghĩa vụ tài chính", "Request payment"},
    {Action::kConfirmPayment, "confirm_payment", "Xác nhận đã nộp phí", "Confirm payment"},
    {Action::kRefuseAfterAppraisal, "refuse_after_appraisal", "Từ chối giải quyết", "Refuse after appraisal"},
    {Action::kApprove, "approve", "Phê duyệt", "Approve"},
    {Action::kIssueResult, "issue_result", "Ban hành kết quả", "Issue the result"},
    {Action::kReturnResult, "return_result", "Trả kết quả", "Return the result"},
    {Action::kWithdraw, "withdraw", "Rút hồ sơ", "Withdraw"},
    {Action::kExtend, "extend", "Gia hạn và xin lỗi", "Extend with apology"},
}};

bool Active(int s) { return s == kSubmitted || s == kReceived || s == kInProcess || s == kSupplementRequested || s == kPaymentRequested; }

// Whether the state admits the action at all, whoever asks.
Refusal StateAllows(Action a, const State& st) {
  const int s = st.status;
  const std::string& g = st.stage;
  auto when = [](bool ok) { return ok ? Refusal::kNone : Refusal::kNotAllowedNow; };
  switch (a) {
    case Action::kAccept:
    case Action::kRefuse: return when(s == kSubmitted);
    case Action::kRequestSupplement:
      if (!(s == kSubmitted || s == kReceived || (s == kInProcess && (g == "received" || g == "processing")))) {
        return Refusal::kNotAllowedNow;
      }
      // Decree 61/2018 Art. 15 §2, Art. 17: guide the applicant once, completely.
      return st.supplements > 0 ? Refusal::kOnceOnly : Refusal::kNone;
    case Action::kSupplement: return when(s == kSupplementRequested);
    case Action::kAssign: return when(s == kReceived || (s == kInProcess && (g == "received" || g == "processing")));
    case Action::kAppraise: return when(s == kInProcess && g == "processing" && !st.open_consultation);
    case Action::kConsult: return when(s == kInProcess && g == "processing");
    case Action::kAnswerConsultation: return when(s == kInProcess && st.open_consultation);
    case Action::kTransfer: return when(s == kInProcess && (g == "received" || g == "processing"));
    case Action::kRequestPayment: return when(s == kInProcess && (g == "processing" || g == "awaiting_approval" || g == "approved"));
    case Action::kConfirmPayment: return when(s == kPaymentRequested);
    case Action::kRefuseAfterAppraisal: return when(s == kInProcess && (g == "processing" || g == "awaiting_approval"));
    case Action::kApprove: return when(s == kInProcess && g == "awaiting_approval");
    case Action::kIssueResult: return when(s == kInProcess && g == "approved");
    case Action::kReturnResult: return when(s == kResultReady);
    case Action::kWithdraw: return when(Active(s));
    case Action::kExtend:
      if (!(s == kReceived || s == kInProcess || s == kSupplementRequested || s == kPaymentRequested)) return Refusal::kNotAllowedNow;
      // Decree 61/2018 Art. 19 §9: re-appointment only once, at the latest one working day before.
      if (st.apologies > 0) return Refusal::kOnceOnly;
      if (!st.working_minutes_left || *st.working_minutes_left < 8 * 60) return Refusal::kTooLate;
      return Refusal::kNone;
  }
  return Refusal::kNotAllowedNow;
}

bool ActorMay(Action a, const State& st, const Actor& who) {
  switch (a) {
    case Action::kAccept:
    case Action::kRefuse:
    case Action::kReturnResult: return who.receiver_at_receiving;
    case Action::kRequestSupplement:
      if (st.status == kSubmitted || st.status == kReceived) return who.receiver_at_receiving;
      return who.specialist_at_handling && (who.is_assignee || !st.has_assignee);
    case Action::kSupplement:
    case Action::kWithdraw: return who.owner;
    case Action::kAssign:
      if (st.status == kReceived) return who.leader_at_handling || who.receiver_at_receiving;
      return who.leader_at_handling || who.receiver_at_handling;
    case Action::kAppraise:
    case Action::kConsult: return who.specialist_at_handling && who.is_assignee;
    case Action::kAnswerConsultation: return who.consulted_officer;
    case Action::kTransfer:
    case Action::kRefuseAfterAppraisal:
    case Action::kApprove:
    case Action::kExtend: return who.leader_at_handling;
    case Action::kRequestPayment: return (who.specialist_at_handling && who.is_assignee) || who.receiver_at_handling || who.leader_at_handling;
    case Action::kConfirmPayment: return who.receiver_at_handling || who.receiver_at_receiving;
    case Action::kIssueResult: return (who.specialist_at_handling && who.is_assignee) || who.leader_at_handling;
  }
  return false;
}

}  // namespace

std::string_view StatusLabel(int status, bool en) {
  switch (status) {
    case 1: return en ? "Submitted" : "Mới đăng ký";
    case 2: return en ? "Received" : "Được tiếp nhận";
    case 3: return en ? "Not received" : "Không được tiếp nhận";
    case 4: return en ? "In process" : "Đang xử lý";
    case 5: return en ? "Documents requested" : "Yêu cầu bổ sung giấy tờ";
    case 6: return en ? "Payment requested" : "Yêu cầu thực hiện nghĩa vụ tài chính";
    case 7: return en ? "Withdrawn by the applicant" : "Công dân yêu cầu rút hồ sơ";
    case 8: return en ? "Processing stopped" : "Dừng xử lý";
    case 9: return en ? "Result ready" : "Đã xử lý xong";
    case 10: return en ? "Result returned" : "Đã trả kết quả";
    default: return "";
  }
}

bool IsTerminal(int s) { return s == kNotReceived || s == kWithdrawn || s == kStopped || s == kReturned; }

std::string_view ActionName(Action a) {
  for (const auto& t : kActions) if (t.action == a) return t.name;
  return "";
}

std::optional<Action> ParseAction(std::string_view name) {
  for (const auto& t : kActions) if (t.name == name) return t.action;
  return std::nullopt;
}

std::string_view ActionLabel(std::string_view name, bool en) {
  for (const auto& t : kActions) if (t.name == name) return en ? t.en : t.vi;
  if (name == "submit") return en ? "Submit" : "Nộp hồ sơ";
  if (name == "receive") return en ? "Receive at the counter" : "Tiếp nhận trực tiếp";
  if (name == "mark_at_risk") return en ? "Due within one working day" : "Sắp đến hạn";
  if (name == "mark_overdue") return en ? "Overdue" : "Quá hạn";
  return name;
}

const std::vector<Action>& AllActions() {
  static const std::vector<Action> all = [] {
    std::vector<Action> v;
    for (const auto& t : kActions) v.push_back(t.action);
    return v;
  }();
  return all;
}

Refusal Check(Action a, const State& st, const Actor& who) {
  Refusal r = StateAllows(a, st);
  if (r == Refusal::kNotAllowedNow) return r;
  if (!ActorMay(a, st, who)) return Refusal::kWrongActor;
  return r;
}

std::vector<Action> Allowed(const State& st, const Actor& who) {
  std::vector<Action> out;
  for (Action a : AllActions()) if (Check(a, st, who) == Refusal::kNone) out.push_back(a);
  return out;
}

std::vector<Action> PossibleIn(const State& st) {
  std::vector<Action> out;
  for (Action a : AllActions()) if (StateAllows(a, st) == Refusal::kNone) out.push_back(a);
  return out;
}

Next Apply(Action a, const State& st, const Next& resume) {
  switch (a) {
    case Action::kAccept: return {kReceived, "received"};
    case Action::kRefuse: return {kNotReceived, "not_received"};
    case Action::kRequestSupplement: return {kSupplementRequested, "supplement"};
    case Action::kSupplement:
    case Action::kConfirmPayment: return resume;
    case Action::kAssign: return {kInProcess, "processing"};
    case Action::kAppraise: return {kInProcess, "awaiting_approval"};
    case Action::kConsult:
    case Action::kAnswerConsultation:
    case Action::kExtend: return {st.status, st.stage};
    case Action::kTransfer: return {kInProcess, "received"};
    case Action::kRequestPayment: return {kPaymentRequested, "payment"};
    case Action::kRefuseAfterAppraisal: return {kStopped, "stopped"};
    case Action::kApprove: return {kInProcess, "approved"};
    case Action::kIssueResult: return {kResultReady, "result_ready"};
    case Action::kReturnResult: return {kReturned, "returned"};
    case Action::kWithdraw: return {kWithdrawn, "withdrawn"};
  }
  return {st.status, st.stage};
}

}  // namespace motcua::dossier

#include "dossier/workflow.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <set>
#include <utility>

namespace motcua::dossier {

namespace {

struct ActionText {
  Action action;
  std::string_view name, vi, en;
};

constexpr std::array<ActionText, 18> kActions{{
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
    {Action::kReturnForRework, "return_for_rework", "Trả lại để xử lý lại", "Return for rework"},
}};

bool ActsAs(StepRole r, const Actor& who) {
  switch (r) {
    case StepRole::kReceiver: return who.receiver_at_handling;
    case StepRole::kSpecialist: return who.specialist_at_handling;
    case StepRole::kLeader: return who.leader_at_handling;
  }
  return false;
}

bool Has(const std::vector<StepRole>& roles, StepRole r) { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

bool Active(int s) { return s == kSubmitted || s == kReceived || s == kInProcess || s == kSupplementRequested || s == kPaymentRequested; }

// Whether the state admits the action at all, whoever asks.
Refusal StateAllows(Action a, const State& st, const Process& p) {
  const int s = st.status;
  const std::string g = EffectiveStage(p, s, st.stage);
  const bool review = s == kInProcess && ReviewAt(p, s, g) != nullptr;
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
    case Action::kRequestPayment: return when(s == kInProcess && (g == "processing" || review || g == "approved"));
    case Action::kConfirmPayment: return when(s == kPaymentRequested);
    case Action::kRefuseAfterAppraisal: return when(s == kInProcess && (g == "processing" || review));
    case Action::kApprove:
    case Action::kReturnForRework: return when(review);
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

bool ActorMay(Action a, const State& st, const Actor& who, const Process& p) {
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
      if (Has(p.assign_by, StepRole::kLeader) && who.leader_at_handling) return true;
      if (Has(p.assign_by, StepRole::kSpecialist) && who.specialist_at_handling) return true;
      if (Has(p.assign_by, StepRole::kReceiver)) return st.status == kReceived ? who.receiver_at_receiving : who.receiver_at_handling;
      return false;
    case Action::kAppraise:
    case Action::kConsult: return who.specialist_at_handling && who.is_assignee;
    case Action::kAnswerConsultation: return who.consulted_officer;
    case Action::kTransfer:
    case Action::kRefuseAfterAppraisal:
    case Action::kExtend: return who.leader_at_handling;
    case Action::kApprove:
    case Action::kReturnForRework: {
      const Review* r = ReviewAt(p, st.status, st.stage);
      return r != nullptr && ActsAs(r->role, who);
    }
    case Action::kRequestPayment: return (who.specialist_at_handling && who.is_assignee) || who.receiver_at_handling || who.leader_at_handling;
    case Action::kConfirmPayment: return who.receiver_at_handling || who.receiver_at_receiving;
    case Action::kIssueResult:
      return (Has(p.issue_by, StepRole::kSpecialist) && who.specialist_at_handling && who.is_assignee) ||
             (Has(p.issue_by, StepRole::kLeader) && who.leader_at_handling) ||
             (Has(p.issue_by, StepRole::kReceiver) && who.receiver_at_handling);
  }
  return false;
}

bool Fixed(std::string_view g) {
  static constexpr std::array<std::string_view, 11> kFixed{"submitted", "received", "not_received", "processing", "approved", "supplement",
                                                          "payment", "withdrawn", "stopped", "result_ready", "returned"};
  return std::find(kFixed.begin(), kFixed.end(), g) != kFixed.end();
}

std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
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

std::string_view StepRoleName(StepRole r) {
  switch (r) {
    case StepRole::kReceiver: return "receiver";
    case StepRole::kSpecialist: return "specialist";
    case StepRole::kLeader: return "leader";
  }
  return "";
}

std::optional<StepRole> ParseStepRole(std::string_view n) {
  if (n == "receiver") return StepRole::kReceiver;
  if (n == "specialist") return StepRole::kSpecialist;
  if (n == "leader") return StepRole::kLeader;
  return std::nullopt;
}

bool IsFixedStage(std::string_view stage) { return Fixed(stage); }

const Process& DefaultProcess() {
  static const Process p;
  return p;
}

std::string EffectiveStage(const Process& p, int status, std::string_view stage) {
  if (status != kInProcess || stage == "received" || stage == "processing" || stage == "approved") return std::string(stage);
  for (const auto& r : p.reviews) if (r.key == stage) return std::string(stage);
  // The definition changed while the dossier was at a step it no longer has.
  return p.reviews.empty() ? std::string("approved") : p.reviews.back().key;
}

const Review* ReviewAt(const Process& p, int status, std::string_view stage) {
  if (status != kInProcess) return nullptr;
  std::string g = EffectiveStage(p, status, stage);
  for (const auto& r : p.reviews) if (r.key == g) return &r;
  return nullptr;
}

std::optional<Process> ParseProcess(const boost::json::value& v, std::vector<ProcessError>& errors) {
  const std::size_t before = errors.size();
  auto fail = [&](std::string ptr, std::string msg) { errors.push_back({"/workflow" + ptr, std::move(msg)}); };
  if (!v.is_object()) {
    fail("", "workflow là một đối tượng {assign_by, reviews, issue_by}. / workflow is an object {assign_by, reviews, issue_by}.");
    return std::nullopt;
  }
  Process p;
  p.custom = true;
  const auto& o = v.as_object();
  auto roles = [&](const char* key, std::vector<StepRole>& out) {
    const boost::json::value* r = o.if_contains(key);
    if (r == nullptr) return;
    std::string ptr = std::string("/") + key;
    if (!r->is_array() || r->as_array().empty() || r->as_array().size() > 3) {
      fail(ptr, "Cần một danh sách khác rỗng các vai trò receiver, specialist, leader. / A non-empty list of the roles receiver, specialist, leader.");
      return;
    }
    std::vector<StepRole> got;
    for (std::size_t i = 0; i < r->as_array().size(); ++i) {
      const auto& x = r->as_array()[i];
      auto role = x.is_string() ? ParseStepRole(x.as_string()) : std::nullopt;
      if (!role) fail(ptr + "/" + std::to_string(i), "Vai trò là receiver, specialist hoặc leader. / A role is receiver, specialist or leader.");
      else if (Has(got, *role)) fail(ptr + "/" + std::to_string(i), "Vai trò bị lặp. / The role is listed twice.");
      else got.push_back(*role);
    }
    out = std::move(got);
  };
  for (const auto& [k, _] : o) {
    if (k != "assign_by" && k != "reviews" && k != "issue_by") {
      fail("/" + std::string(k), "Không có mục này; dùng assign_by, reviews, issue_by. / Unknown key; use assign_by, reviews, issue_by.");
    }
  }
  roles("assign_by", p.assign_by);
  roles("issue_by", p.issue_by);
  if (const boost::json::value* rv = o.if_contains("reviews")) {
    p.reviews.clear();
    if (!rv->is_array() || rv->as_array().size() > 5) {
      fail("/reviews", "reviews là danh sách tối đa 5 bước xem xét. / reviews is a list of at most 5 review steps.");
    } else {
      std::set<std::string> keys;
      for (std::size_t i = 0; i < rv->as_array().size(); ++i) {
        std::string ptr = "/reviews/" + std::to_string(i);
        const auto& x = rv->as_array()[i];
        if (!x.is_object()) {
          fail(ptr, "Mỗi bước là {key, name, name_en, role, hours}. / Each step is {key, name, name_en, role, hours}.");
          continue;
        }
        const auto& ro = x.as_object();
        Review r;
        for (const auto& [k, _] : ro) {
          if (k != "key" && k != "name" && k != "name_en" && k != "role" && k != "hours") {
            fail(ptr + "/" + std::string(k), "Không có mục này; dùng key, name, name_en, role, hours. / Unknown key; use key, name, name_en, role, hours.");
          }
        }
        const boost::json::value* key = ro.if_contains("key");
        bool key_ok = key && key->is_string() && !key->as_string().empty() && key->as_string().size() <= 40 &&
                      std::all_of(key->as_string().begin(), key->as_string().end(),
                                  [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
        if (!key_ok) {
          fail(ptr + "/key", "Mã bước gồm 1–40 ký tự a-z, 0-9, _. / The step key is 1–40 characters a-z, 0-9, _.");
        } else {
          r.key = std::string(key->as_string());
          if (IsFixedStage(r.key)) {
            fail(ptr + "/key", "Mã bước trùng tên một giai đoạn cố định (" + r.key + "). / The key is the name of a fixed stage (" + r.key + ").");
          } else if (!keys.insert(r.key).second) {
            fail(ptr + "/key", "Mã bước bị lặp. / The step key is used twice.");
          }
        }
        for (const char* nk : {"name", "name_en"}) {
          const boost::json::value* n = ro.if_contains(nk);
          if (!n || !n->is_string() || n->as_string().empty() || Utf8Length(n->as_string()) > 200) {
            fail(ptr + "/" + nk, "Cần tên bước (tối đa 200 ký tự). / The step's name is required (200 characters at most).");
          } else {
            (std::string_view(nk) == "name" ? r.name : r.name_en) = std::string(n->as_string());
          }
        }
        const boost::json::value* role = ro.if_contains("role");
        auto parsed = role && role->is_string() ? ParseStepRole(role->as_string()) : std::nullopt;
        if (!parsed) fail(ptr + "/role", "Vai trò là receiver, specialist hoặc leader. / The role is receiver, specialist or leader.");
        else r.role = *parsed;
        const boost::json::value* hours = ro.if_contains("hours");
        if (!hours || !hours->is_number() || hours->to_number<double>() < 0 || hours->to_number<double>() > 2000) {
          fail(ptr + "/hours", "Số giờ làm việc từ 0 đến 2000. / Working hours from 0 to 2000.");
        } else {
          r.hours = hours->to_number<double>();
        }
        p.reviews.push_back(std::move(r));
      }
    }
  }
  if (errors.size() != before) return std::nullopt;
  return p;
}

Process ProcessOfConfig(const boost::json::object& config) {
  const boost::json::value* w = config.if_contains("workflow");
  if (w == nullptr || w->is_null()) return DefaultProcess();
  std::vector<ProcessError> errors;
  auto p = ParseProcess(*w, errors);
  return p ? std::move(*p) : DefaultProcess();
}

Refusal Check(Action a, const State& st, const Actor& who, const Process& p) {
  Refusal r = StateAllows(a, st, p);
  if (r == Refusal::kNotAllowedNow) return r;
  if (!ActorMay(a, st, who, p)) return Refusal::kWrongActor;
  return r;
}

std::vector<Action> Allowed(const State& st, const Actor& who, const Process& p) {
  std::vector<Action> out;
  for (Action a : AllActions()) if (Check(a, st, who, p) == Refusal::kNone) out.push_back(a);
  return out;
}

std::vector<Action> PossibleIn(const State& st, const Process& p) {
  std::vector<Action> out;
  for (Action a : AllActions()) if (StateAllows(a, st, p) == Refusal::kNone) out.push_back(a);
  return out;
}

Next Apply(Action a, const State& st, const Next& resume, const Process& p) {
  switch (a) {
    case Action::kAccept: return {kReceived, "received"};
    case Action::kRefuse: return {kNotReceived, "not_received"};
    case Action::kRequestSupplement: return {kSupplementRequested, "supplement"};
    case Action::kSupplement:
    case Action::kConfirmPayment: return resume;
    case Action::kAssign: return {kInProcess, "processing"};
    case Action::kAppraise: return {kInProcess, p.reviews.empty() ? std::string("approved") : p.reviews.front().key};
    case Action::kConsult:
    case Action::kAnswerConsultation:
    case Action::kExtend: return {st.status, st.stage};
    case Action::kTransfer: return {kInProcess, "received"};
    case Action::kRequestPayment: return {kPaymentRequested, "payment"};
    case Action::kRefuseAfterAppraisal: return {kStopped, "stopped"};
    case Action::kApprove: {
      std::string g = EffectiveStage(p, st.status, st.stage);
      for (std::size_t i = 0; i + 1 < p.reviews.size(); ++i) {
        if (p.reviews[i].key == g) return {kInProcess, p.reviews[i + 1].key};
      }
      return {kInProcess, "approved"};
    }
    case Action::kReturnForRework: return {kInProcess, "processing"};
    case Action::kIssueResult: return {kResultReady, "result_ready"};
    case Action::kReturnResult: return {kReturned, "returned"};
    case Action::kWithdraw: return {kWithdrawn, "withdrawn"};
  }
  return {st.status, st.stage};
}

}  // namespace motcua::dossier

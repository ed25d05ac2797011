// The one-stop state machine (DOMAIN.md §2.5, Decree 61/2018 Arts 17–20): national status
// codes 1–10, the stage inside a status, and which actor may take which action. Pure.
#pragma once

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace motcua::dossier {

/// TrangThaiHoSo, the national status codes.
enum Status : int {
  kSubmitted = 1,         // Mới đăng ký
  kReceived = 2,          // Được tiếp nhận
  kNotReceived = 3,       // Không được tiếp nhận
  kInProcess = 4,         // Đang xử lý
  kSupplementRequested = 5,  // Yêu cầu bổ sung giấy tờ
  kPaymentRequested = 6,  // Yêu cầu thực hiện nghĩa vụ tài chính
  kWithdrawn = 7,         // Công dân yêu cầu rút hồ sơ
  kStopped = 8,           // Dừng xử lý
  kResultReady = 9,       // Đã xử lý xong
  kReturned = 10,         // Đã trả kết quả
};

/// The Vietnamese and English label of a status.
std::string_view StatusLabel(int status, bool english);
bool IsTerminal(int status);

/// Stages refine status 4: `received` (waiting for assignment in the handling agency),
/// `processing` (with a specialist), the review steps of the procedure's process (by default
/// one: `awaiting_approval`), `approved`. Other statuses have one
/// stage named after them (`submitted`, `supplement`, `payment`, `result_ready`, …).
enum class Action {
  kAccept, kRefuse, kRequestSupplement, kSupplement, kAssign, kAppraise, kConsult,
  kAnswerConsultation, kTransfer, kRequestPayment, kConfirmPayment, kRefuseAfterAppraisal,
  kApprove, kIssueResult, kReturnResult, kWithdraw, kExtend, kReturnForRework,
};

std::string_view ActionName(Action a);
std::optional<Action> ParseAction(std::string_view name);
std::string_view ActionLabel(std::string_view name, bool english);
/// Every action, in the order they are offered.
const std::vector<Action>& AllActions();

/// What the state machine needs to know about a dossier.
struct State {
  int status = kSubmitted;
  std::string stage = "submitted";
  int supplements = 0;        ///< supplement requests made so far (at most one: Decree 61 Art. 15)
  int apologies = 0;          ///< extensions with apology (Mẫu 04) so far (at most one)
  bool open_consultation = false;
  bool has_assignee = false;
  /// Working time left before the due date, in minutes; nullopt when there is no due date.
  std::optional<long long> working_minutes_left;
};

/// Who is asking, relative to this dossier.
struct Actor {
  bool owner = false;
  /// Roles held in an agency that covers the receiving agency (one-stop counter side).
  bool receiver_at_receiving = false;
  /// Roles held in an agency that covers the handling agency.
  bool receiver_at_handling = false, specialist_at_handling = false, leader_at_handling = false;
  bool is_assignee = false;
  /// An officer of an agency consulted on this dossier whose answer is still due.
  bool consulted_officer = false;
};

/// The officer role that acts at a step of a procedure's process.
enum class StepRole { kReceiver, kSpecialist, kLeader };
std::string_view StepRoleName(StepRole r);
std::optional<StepRole> ParseStepRole(std::string_view name);

/// A review step after appraisal (stage `key` inside status 4): who acts at it and its allotted
/// working hours (0: due with the dossier; none: the default step, whose hours are
/// `steps.awaiting_approval` of the configuration).
struct Review {
  std::string key, name, name_en;
  StepRole role = StepRole::kLeader;
  std::optional<double> hours;
};

/// A procedure's process definition (the `workflow` key of its configuration). The default is
/// the one-stop flow of DOMAIN.md §2.5: leaders or receivers assign, one leader approval,
/// specialists (the assignee) or leaders issue.
struct Process {
  std::vector<StepRole> assign_by{StepRole::kLeader, StepRole::kReceiver};
  std::vector<Review> reviews{Review{"awaiting_approval", "Lãnh đạo phê duyệt", "Approval", StepRole::kLeader, std::nullopt}};
  std::vector<StepRole> issue_by{StepRole::kSpecialist, StepRole::kLeader};
  bool custom = false;  ///< read from a `workflow` key (false: the default)
};
const Process& DefaultProcess();

/// One problem found in a `workflow` definition: a JSON pointer below `/workflow` and a message
/// in Vietnamese and English.
struct ProcessError {
  std::string pointer, message;
};
/// Reads a `workflow` definition, or says what is wrong with it (nothing returned then).
std::optional<Process> ParseProcess(const boost::json::value& workflow, std::vector<ProcessError>& errors);
/// The process of a stored procedure configuration: its `workflow` when there is a valid one,
/// the default otherwise.
Process ProcessOfConfig(const boost::json::object& config);

/// The review step `stage` is at (status 4), or nullptr. A status-4 stage that is neither a
/// fixed stage nor one of the reviews (the definition changed while the dossier was there)
/// counts as the last review, or as `approved` when there are none.
const Review* ReviewAt(const Process& p, int status, std::string_view stage);
/// Whether `stage` is one of the stages every process has (submitted, received, processing,
/// approved, supplement, payment, result_ready, and the final ones): review keys may not be these.
bool IsFixedStage(std::string_view stage);
/// The stage the state machine treats `stage` as (see ReviewAt).
std::string EffectiveStage(const Process& p, int status, std::string_view stage);

/// Why an action cannot be taken.
enum class Refusal { kNone, kNotAllowedNow, kWrongActor, kOnceOnly, kTooLate };

/// kNone when `actor` may take `action` in `state`.
Refusal Check(Action action, const State& state, const Actor& actor, const Process& process = DefaultProcess());
/// The actions `actor` may take now.
std::vector<Action> Allowed(const State& state, const Actor& actor, const Process& process = DefaultProcess());

/// The status and stage after an action (for supplement/confirm_payment: the resume state
/// passed in). Precondition: Check() == kNone.
struct Next {
  int status;
  std::string stage;
};
Next Apply(Action action, const State& state, const Next& resume, const Process& process = DefaultProcess());

/// A 409 can name this: the actions possible in the state for someone (regardless of who asks).
std::vector<Action> PossibleIn(const State& state, const Process& process = DefaultProcess());

}  // namespace motcua::dossier

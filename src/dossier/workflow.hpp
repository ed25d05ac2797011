// The one-stop state machine (DOMAIN.md §2.5, Decree 61/2018 Arts 17–20): national status
// codes 1–10, the stage inside a status, and which actor may take which action. Pure.
#pragma once

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
/// `processing` (with a specialist), `awaiting_approval`, `approved`. Other statuses have one
/// stage named after them (`submitted`, `supplement`, `payment`, `result_ready`, …).
enum class Action {
  kAccept, kRefuse, kRequestSupplement, kSupplement, kAssign, kAppraise, kConsult,
  kAnswerConsultation, kTransfer, kRequestPayment, kConfirmPayment, kRefuseAfterAppraisal,
  kApprove, kIssueResult, kReturnResult, kWithdraw, kExtend,
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

/// Why an action cannot be taken.
enum class Refusal { kNone, kNotAllowedNow, kWrongActor, kOnceOnly, kTooLate };

/// kNone when `actor` may take `action` in `state`.
Refusal Check(Action action, const State& state, const Actor& actor);
/// The actions `actor` may take now.
std::vector<Action> Allowed(const State& state, const Actor& actor);

/// The status and stage after an action (for supplement/confirm_payment: the resume state
/// passed in). Precondition: Check() == kNone.
struct Next {
  int status;
  std::string stage;
};
Next Apply(Action action, const State& state, const Next& resume);

/// A 409 can name this: the actions possible in the state for someone (regardless of who asks).
std::vector<Action> PossibleIn(const State& state);

}  // namespace motcua::dossier

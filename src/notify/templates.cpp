#include "notify/templates.hpp"

#include <array>

namespace motcua::notify {

namespace {

using core::ErrorCode;

constexpr std::array<std::string_view, 11> kDossierFields = {
    "code", "procedure", "status", "status_label", "action", "due_at", "reason", "amount", "note",
    "full_name", "link"};
constexpr std::array<std::string_view, 3> kResetFields = {"full_name", "link", "expires_in_minutes"};
constexpr std::array<std::string_view, 8> kFeedbackFields = {"code", "title", "full_name", "link", "agency", "due_at", "into", "lookup_key"};

// The title and text of each event; the channel templates are built from them (DefaultTemplate).
// Decree 61/2018 Art. 17–19: the applicant is told of receipt, refusal, supplement requests,
// fees, results, and — with an apology (Mẫu 04) — of a delay.
const std::array<EventInfo, 17> kEvents = {{
    {"dossier.submitted", "An online dossier was submitted", kDossierFields,
     {"Hồ sơ {{code}} đã được nộp", "Hồ sơ {{code}} ({{procedure}}) đã được nộp và đang chờ cán bộ tiếp nhận kiểm tra."},
     {"Dossier {{code}} submitted", "Dossier {{code}} ({{procedure}}) has been submitted and waits for a receiving officer."}},
    {"dossier.received", "The dossier was accepted (receipt issued, due date set)", kDossierFields,
     {"Hồ sơ {{code}} đã được tiếp nhận", "Hồ sơ {{code}} ({{procedure}}) đã được tiếp nhận. Hẹn trả kết quả: {{due_at}}."},
     {"Dossier {{code}} accepted", "Dossier {{code}} ({{procedure}}) has been accepted. Result due: {{due_at}}."}},
    {"dossier.refused", "The dossier was refused", kDossierFields,
     {"Hồ sơ {{code}} không được giải quyết", "Hồ sơ {{code}} ({{procedure}}) không được giải quyết. Lý do: {{reason}}"},
     {"Dossier {{code}} refused", "Dossier {{code}} ({{procedure}}) was refused. Reason: {{reason}}"}},
    {"dossier.supplement_requested", "Papers are missing and must be supplied", kDossierFields,
     {"Hồ sơ {{code}} cần bổ sung giấy tờ", "Hồ sơ {{code}} ({{procedure}}) cần bổ sung: {{reason}}"},
     {"Dossier {{code}} needs more papers", "Dossier {{code}} ({{procedure}}) needs: {{reason}}"}},
    {"dossier.payment_requested", "A fee must be paid", kDossierFields,
     {"Hồ sơ {{code}} cần nộp phí, lệ phí", "Hồ sơ {{code}} ({{procedure}}) cần nộp {{amount}} đồng. {{reason}}"},
     {"Dossier {{code}}: a fee is due", "Dossier {{code}} ({{procedure}}): {{amount}} VND is due. {{reason}}"}},
    {"dossier.result_ready", "The result is ready", kDossierFields,
     {"Hồ sơ {{code}} đã có kết quả", "Hồ sơ {{code}} ({{procedure}}) đã có kết quả."},
     {"Dossier {{code}}: the result is ready", "Dossier {{code}} ({{procedure}}) has its result."}},
    {"dossier.extended", "The dossier is late: apology and new date (Mẫu 04)", kDossierFields,
     {"Xin lỗi: hồ sơ {{code}} được hẹn lại", "Hồ sơ {{code}} ({{procedure}}) chưa kịp giải quyết đúng hẹn. Chúng tôi xin lỗi. Hẹn mới: {{due_at}}. Lý do: {{reason}}"},
     {"Apology: dossier {{code}} is delayed", "Dossier {{code}} ({{procedure}}) could not be finished on time. We apologise. New date: {{due_at}}. Reason: {{reason}}"}},
    {"dossier.status", "Any other change of the dossier's status", kDossierFields,
     {"Hồ sơ {{code}}: {{status_label}}", "Hồ sơ {{code}} ({{procedure}}) chuyển sang trạng thái: {{status_label}}."},
     {"Dossier {{code}}: {{status_label}}", "Dossier {{code}} ({{procedure}}) is now: {{status_label}}."}},
    {"dossier.assigned", "A dossier was assigned to an officer", kDossierFields,
     {"Hồ sơ {{code}} được giao cho bạn", "Hồ sơ {{code}} ({{procedure}}) được giao cho bạn xử lý. Hạn: {{due_at}}."},
     {"Dossier {{code}} assigned to you", "Dossier {{code}} ({{procedure}}) is assigned to you. Due: {{due_at}}."}},
    {"dossier.due_soon", "A dossier is due within one working day (officers)", kDossierFields,
     {"Hồ sơ {{code}} sắp đến hạn", "Hồ sơ {{code}} ({{procedure}}) đến hạn lúc {{due_at}}."},
     {"Dossier {{code}} is due soon", "Dossier {{code}} ({{procedure}}) is due at {{due_at}}."}},
    {"dossier.overdue", "A dossier is overdue (officers)", kDossierFields,
     {"Hồ sơ {{code}} đã quá hạn", "Hồ sơ {{code}} ({{procedure}}) đã quá hạn từ {{due_at}}."},
     {"Dossier {{code}} is overdue", "Dossier {{code}} ({{procedure}}) has been overdue since {{due_at}}."}},
    {"feedback.received", "A feedback was received from someone without an account: its code and lookup key", kFeedbackFields,
     {"Phản ánh {{code}} đã được tiếp nhận", "Phản ánh, kiến nghị {{code}} ({{title}}) đã được tiếp nhận. Mã tra cứu: {{lookup_key}} (giữ bí mật). Theo dõi và đánh giá câu trả lời tại {{link}}"},
     {"Feedback {{code}} received", "Feedback {{code}} ({{title}}) was received. Lookup key: {{lookup_key}} (keep it secret). Follow it and rate the answer at {{link}}"}},
    {"feedback.answered", "A feedback or petition was answered", kFeedbackFields,
     {"Phản ánh {{code}} đã được trả lời", "Phản ánh, kiến nghị {{code}} ({{title}}) đã được trả lời."},
     {"Feedback {{code}} answered", "Your feedback {{code}} ({{title}}) has been answered."}},
    {"feedback.transferred", "A feedback or petition was transferred to the competent agency", kFeedbackFields,
     {"Phản ánh {{code}} đã được chuyển", "Phản ánh, kiến nghị {{code}} ({{title}}) đã được chuyển đến {{agency}} để xem xét, trả lời. Hạn trả lời: {{due_at}}."},
     {"Feedback {{code}} transferred", "Feedback {{code}} ({{title}}) was transferred to {{agency}}, which will answer it. Answer due: {{due_at}}."}},
    {"feedback.merged", "A feedback was merged with an earlier one on the same matter", kFeedbackFields,
     {"Phản ánh {{code}} được xử lý chung", "Phản ánh, kiến nghị {{code}} ({{title}}) cùng nội dung với phản ánh {{into}} và sẽ được trả lời chung; bạn vẫn nhận được câu trả lời."},
     {"Feedback {{code}} handled together", "Feedback {{code}} ({{title}}) is about the same matter as {{into}} and will be answered with it; you will still receive the answer."}},
    {"feedback.overdue", "A feedback or petition is past its deadline (officers)", kFeedbackFields,
     {"Phản ánh {{code}} đã quá hạn", "Phản ánh, kiến nghị {{code}} ({{title}}) đã quá hạn xử lý từ {{due_at}}."},
     {"Feedback {{code}} is overdue", "Feedback {{code}} ({{title}}) has been overdue since {{due_at}}."}},
    {"password_reset", "A password reset link", kResetFields,
     {"Đặt lại mật khẩu", "Mở liên kết sau trong {{expires_in_minutes}} phút để đặt mật khẩu mới: {{link}}\nNếu bạn không yêu cầu, hãy bỏ qua thư này."},
     {"Reset your password", "Open this link within {{expires_in_minutes}} minutes to set a new password: {{link}}\nIf you did not ask for it, ignore this message."}},
}};

bool NameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// Walks the placeholders of `text`; `on_name` gets each name, `on_text` each literal run.
// Returns an error message (bilingual) for malformed text, empty when well-formed.
template <typename OnText, typename OnName>
std::string Scan(std::string_view text, OnText on_text, OnName on_name) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto open = text.find("{{", i);
    if (open == std::string_view::npos) {
      on_text(text.substr(i));
      break;
    }
    on_text(text.substr(i, open - i));
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return "Thiếu }} sau {{. / A {{ is not closed by }}.";
    }
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) return "Có {{}} rỗng. / An empty {{}} placeholder.";
    for (char c : name) {
      if (!NameChar(c)) {
        return "Tên trường không hợp lệ: {{" + std::string(name) + "}}. / Not a field name: {{" + std::string(name) + "}}.";
      }
    }
    std::string problem = on_name(name);
    if (!problem.empty()) return problem;
    i = close + 2;
  }
  return "";
}

}  // namespace

std::string_view ChannelName(Channel channel) {
  switch (channel) {
    case Channel::kEmail: return "email";
    case Channel::kSms: return "sms";
    case Channel::kInApp: return "in_app";
    case Channel::kLog: return "log";
  }
  return "log";
}

std::optional<Channel> ParseChannel(std::string_view name) {
  if (name == "email") return Channel::kEmail;
  if (name == "sms") return Channel::kSms;
  if (name == "in_app") return Channel::kInApp;
  if (name == "log") return Channel::kLog;
  return std::nullopt;
}

std::span<const EventInfo> Events() { return kEvents; }

const EventInfo* FindEvent(std::string_view event) {
  for (const auto& e : kEvents) {
    if (e.event == event) return &e;
  }
  return nullptr;
}

std::optional<Template> DefaultTemplate(std::string_view event, Channel channel, std::string_view language) {
  const EventInfo* info = FindEvent(event);
  if (info == nullptr) return std::nullopt;
  bool en = language == "en";
  const Template& t = en ? info->en : info->vi;
  bool dossier = event.starts_with("dossier.");
  switch (channel) {
    case Channel::kEmail: {
      std::string body = en ? "Dear {{full_name}},\n\n" : "Kính gửi {{full_name}},\n\n";
      body += t.body;
      if (dossier) body += en ? "\n\nSee the dossier: {{link}}" : "\n\nXem hồ sơ: {{link}}";
      body += en ? "\n\n-- \nOne-stop public service portal (this message was sent automatically)\n"
                 : "\n\n-- \nHệ thống một cửa điện tử (thư gửi tự động, xin đừng trả lời)\n";
      return Template{t.subject, body};
    }
    case Channel::kSms:
      return Template{"", t.subject + ". " + t.body};
    case Channel::kInApp:
    case Channel::kLog:
      return t;
  }
  return t;
}

core::Result<void> Validate(std::string_view text, std::span<const std::string_view> fields) {
  std::string problem = Scan(
      text, [](std::string_view) {},
      [&](std::string_view name) -> std::string {
        for (auto f : fields) {
          if (f == name) return "";
        }
        return "Trường {{" + std::string(name) + "}} không có trong sự kiện này. / The field {{" + std::string(name) +
               "}} is not one of this event's fields.";
      });
  if (!problem.empty()) return core::Fail(ErrorCode::kInvalidArgument, problem);
  return {};
}

core::Result<std::string> Render(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size() + 64);
  std::string problem = Scan(
      text, [&](std::string_view literal) { out += literal; },
      [&](std::string_view name) -> std::string {
        auto it = values.find(std::string(name));
        if (it == values.end()) {
          return "Mẫu dùng trường {{" + std::string(name) + "}} không có giá trị. / The template uses the field {{" +
                 std::string(name) + "}}, which has no value.";
        }
        out += it->second;
        return "";
      });
  if (!problem.empty()) return core::Fail(ErrorCode::kInvalidArgument, problem);
  return out;
}

}  // namespace motcua::notify

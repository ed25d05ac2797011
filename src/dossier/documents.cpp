#include "dossier/documents.hpp"

#include <boost/json.hpp>

#include <cctype>

#include "docs/forms.hpp"

namespace motcua::dossier {

namespace {

namespace json = boost::json;

std::string Text(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return (it != o.end() && it->value().is_string()) ? std::string(it->value().as_string()) : std::string();
}

int Int(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return (it != o.end() && it->value().is_int64()) ? static_cast<int>(it->value().as_int64()) : 0;
}

const json::array& Array(const json::object& o, std::string_view key) {
  static const json::array kEmpty;
  auto it = o.find(key);
  return (it != o.end() && it->value().is_array()) ? it->value().as_array() : kEmpty;
}

const json::object& Object(const json::object& o, std::string_view key) {
  static const json::object kEmpty;
  auto it = o.find(key);
  return (it != o.end() && it->value().is_object()) ? it->value().as_object() : kEmpty;
}

docs::Applicant ApplicantOf(const json::object& data) {
  const auto& a = Object(data, "applicant");
  return {Text(a, "name"), Text(a, "id_number"), Text(a, "address"), Text(a, "phone"), Text(a, "email")};
}

// The steps of dossier_steps as the control sheet names them.
std::string StepName(const std::string& step) {
  if (step == "submitted") return "Nộp hồ sơ";
  if (step == "received") return "Tiếp nhận hồ sơ";
  if (step == "processing") return "Thẩm định, xử lý";
  if (step == "supplement") return "Chờ bổ sung hồ sơ";
  if (step == "payment") return "Chờ thực hiện nghĩa vụ tài chính";
  if (step == "consulted" || step == "transferred") return "Liên thông, xin ý kiến";
  if (step == "awaiting_approval") return "Trình lãnh đạo phê duyệt";
  if (step == "approved") return "Ban hành kết quả";
  if (step == "result_ready") return "Trả kết quả";
  if (step == "returned") return "Đã trả kết quả";
  return step;
}

}  // namespace

std::string TrackingUrl(const std::string& public_url, const std::string& code) {
  std::string out = public_url;
  while (out.ends_with('/')) out.pop_back();
  out += "/tra-cuu-ho-so?ma=";
  constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char ch : code) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

std::string FormPdf(const json::object& data, const std::string& public_url, const std::string& now_local) {
  const std::string form = Text(data, "form"), code = Text(data, "code");
  docs::FormHead head{.agency_name = Text(data, "agency_name"), .dossier_code = code,
                      .tracking_url = TrackingUrl(public_url, code), .issued_at = now_local};
  docs::Applicant applicant = ApplicantOf(data);
  std::string procedure = Text(data, "procedure_name");
  if (form == "mau-01") {
    docs::Receipt f{.head = head, .applicant = applicant, .procedure_name = procedure, .received_at = Text(data, "received_at"),
                    .due_at = Text(data, "due_at"), .return_place = Text(data, "return_place"), .officer_name = Text(data, "officer_name")};
    f.head.issued_at = f.received_at;
    for (const auto& v : Array(data, "documents")) {
      if (!v.is_object()) continue;
      f.documents.push_back({Text(v.as_object(), "name"), Int(v.as_object(), "originals"), Int(v.as_object(), "copies")});
    }
    return docs::RenderPdf(f);
  }
  if (form == "mau-02") {
    docs::SupplementRequest f{.head = head, .applicant = applicant, .procedure_name = procedure, .received_at = Text(data, "received_at"),
                              .reason = Text(data, "reason"), .officer_name = Text(data, "officer_name")};
    if (!Text(data, "requested_at").empty()) f.head.issued_at = Text(data, "requested_at");
    for (const auto& v : Array(data, "requested_document_names")) {
      if (v.is_string()) f.documents.emplace_back(v.as_string());
    }
    return docs::RenderPdf(f);
  }
  if (form == "mau-03") {
    docs::Refusal f{.head = head, .applicant = applicant, .procedure_name = procedure, .received_at = Text(data, "received_at"),
                    .after_appraisal = Text(data, "title") == "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ", .reason = Text(data, "reason"),
                    .officer_name = Text(data, "officer_name")};
    return docs::RenderPdf(f);
  }
  if (form == "mau-04") {
    docs::Apology f{.head = head, .applicant = applicant, .procedure_name = procedure, .received_at = Text(data, "received_at"),
                    .old_due_at = Text(data, "old_due_at"), .new_due_at = Text(data, "new_due_at"), .reason = Text(data, "reason"),
                    .officer_name = Text(data, "officer_name")};
    return docs::RenderPdf(f);
  }
  if (form == "mau-05") {
    docs::ControlSheet f{.head = head, .applicant = applicant, .procedure_name = procedure, .received_at = Text(data, "received_at"),
                         .due_at = Text(data, "due_at")};
    // Decree 61/2018 Art. 19: each hand-over is recorded — from the one-stop section (or the
    // previous step's agency) to the agency of this step.
    std::string previous = "Bộ phận tiếp nhận và trả kết quả";
    for (const auto& v : Array(data, "steps")) {
      if (!v.is_object()) continue;
      const auto& s = v.as_object();
      std::string agency = Text(s, "agency");
      std::string note = StepName(Text(s, "step"));
      // A review step of the procedure's own process: its name.
      if (note == Text(s, "step") && !Text(s, "step_name").empty()) note = Text(s, "step_name");
      if (!Text(s, "due_at").empty()) note += "; hạn " + docs::ShortDateTime(Text(s, "due_at"));
      f.steps.push_back({previous, agency, Text(s, "started_at"), Text(s, "result"), note});
      previous = agency;
    }
    return docs::RenderPdf(f);
  }
  // mau-06: one dossier's line of the register.
  docs::Register f{.head = head};
  for (const auto& v : Array(data, "rows")) {
    if (!v.is_object()) continue;
    const auto& r = v.as_object();
    f.rows.push_back({Text(r, "code"), Text(r, "procedure_name"), Text(r, "applicant_name"), Text(r, "received_at"), Text(r, "due_at"),
                      Text(r, "transferred_at"), Text(r, "finished_at"), Text(r, "returned_at"), Text(r, "note")});
  }
  return docs::RenderPdf(f);
}

std::string RegisterPdf(const json::object& data, const std::string& now_local) {
  docs::Register f{.head = {.agency_name = Text(data, "agency_name"), .issued_at = now_local},
                   .from = Text(data, "from"), .to = Text(data, "to")};
  for (const auto& v : Array(data, "rows")) {
    if (!v.is_object()) continue;
    const auto& r = v.as_object();
    f.rows.push_back({Text(r, "code"), Text(r, "procedure_name"), Text(r, "applicant_name"), Text(r, "received_at"), Text(r, "due_at"),
                      Text(r, "transferred_at"), Text(r, "finished_at"), Text(r, "returned_at"), Text(r, "note")});
  }
  return docs::RenderPdf(f);
}

}  // namespace motcua::dossier

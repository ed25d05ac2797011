// Questions (hỏi đáp, DOMAIN.md §2.10; Circular 01/2018 Art. 16 §2đ): a citizen asks about a
// procedure, an officer of an agency that handles it answers, and a good answer is published as
// a FAQ entry of that procedure in the catalog.
#include <algorithm>

#include "catalog/store.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "feedback/service.hpp"
#include "feedback/store.hpp"
#include "notify/outbox.hpp"

namespace motcua::feedback {

namespace json = boost::json;
using core::ErrorCode;
using identity::Principal;
using identity::Role;

namespace {

enum QCol { kQId, kQAccount, kQName, kQProcedure, kQAgency, kQQuestion, kQStatus, kQAnswer, kQAnsweredAt, kQFaq, kQCreated, kQPath, kQAgencyName };

auto NoQuestion() { return core::Fail(ErrorCode::kNotFound, "Không có câu hỏi này. / No such question."); }

std::string Text(const json::object& o, std::string_view key, std::size_t max, std::vector<core::FieldError>& errors, bool required) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) errors.push_back({std::string(key), "Bắt buộc nhập. / Required."});
    return "";
  }
  if (!v->is_string()) {
    errors.push_back({std::string(key), "Phải là chuỗi ký tự. / Must be a string."});
    return "";
  }
  std::string s(v->as_string());
  if (s.size() > max) {
    errors.push_back({std::string(key), "Quá dài (tối đa " + std::to_string(max) + " byte). / Too long (" + std::to_string(max) + " bytes at most)."});
    return "";
  }
  if (required && s.find_first_not_of(" \t\r\n") == std::string::npos) errors.push_back({std::string(key), "Bắt buộc nhập. / Required."});
  return s;
}

json::value Local(const std::optional<std::string>& utc) {
  if (!utc) return nullptr;
  auto t = calendar::ParseRfc3339(*utc);
  return t ? json::value(calendar::FormatLocal(*t)) : json::value(*utc);
}

json::object QuestionJson(const db::ResultSet& r, std::size_t i, bool officer) {
  json::object o{{"id", r.Text(i, kQId)}, {"procedure_code", r.Text(i, kQProcedure)}, {"question", r.Text(i, kQQuestion)},
                 {"status", r.Text(i, kQStatus)}, {"answer", r.Text(i, kQAnswer).empty() ? json::value(nullptr) : json::value(r.Text(i, kQAnswer))},
                 {"answered_at", Local(r.OptText(i, kQAnsweredAt))}, {"created_at", Local(r.OptText(i, kQCreated))},
                 {"agency", r.Text(i, kQAgencyName)}, {"faq_id", r.IsNull(i, kQFaq) ? json::value(nullptr) : json::value(r.Text(i, kQFaq))}};
  if (officer) o["asked_by"] = r.Text(i, kQName);
  return o;
}

bool OfficerOver(const Principal& p, std::string_view path) {
  return p.kind == identity::AccountKind::kOfficer && !p.enrolment_required && p.CoversAgency(path);
}

}  // namespace

core::Result<json::object> Service::Ask(const Principal& who, const json::object& body) {
  if (who.kind == identity::AccountKind::kOfficer || who.kind == identity::AccountKind::kClient) {
    return core::Fail(ErrorCode::kForbidden, "Công dân, doanh nghiệp gửi câu hỏi. / Questions are asked by citizens and businesses.");
  }
  std::vector<core::FieldError> errors;
  std::string procedure_code = Text(body, "procedure_code", 30, errors, true);
  std::string question = Text(body, "question", 4000, errors, true);
  const catalog::Procedure* procedure = nullptr;
  if (!procedure_code.empty()) {
    procedure = catalog_.Current()->procedures->Find(procedure_code);
    if (procedure == nullptr) errors.push_back({"procedure_code", "Không có thủ tục này. / No such procedure."});
  }
  if (!errors.empty()) return core::Fail(ErrorCode::kInvalidArgument, "Câu hỏi chưa hợp lệ. / The question is not valid.", std::move(errors));
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  // The agency that answers: the first implementing agency of the procedure this deployment has.
  std::string agency_id;
  for (const auto& a : procedure->implementing) {
    auto r = c->Execute(store::kAgencyByCode, {a.code});
    if (!r.Empty()) {
      agency_id = r.Text(0, 0);
      break;
    }
  }
  if (agency_id.empty()) {
    auto r = c->Execute(store::kRootAgency, {});
    if (r.Empty()) return core::Fail(ErrorCode::kConflict, "Chưa có cơ quan nào trả lời câu hỏi. / No agency answers questions yet.");
    agency_id = r.Text(0, 0);
  }
  std::string id = core::Uuid::NewV7().ToString(), now = core::NowUtc();
  c->Execute(store::kInsertQuestion, {id, who.account_id, who.display_name, procedure_code, agency_id, question, now});
  auto r = c->Execute(store::kQuestionById, {id});
  json::object out = QuestionJson(r, 0, false);
  tx.Commit();
  return out;
}

core::Result<json::object> Service::MyQuestions(const Principal& who) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kQuestionsOf, {who.account_id});
  json::array items;
  for (std::size_t i = 0; i < r.rows.size(); ++i) items.push_back(QuestionJson(r, i, false));
  return json::object{{"items", std::move(items)}};
}

core::Result<json::object> Service::QuestionInbox(const Principal& who, const std::string& status) {
  if (who.kind != identity::AccountKind::kOfficer || who.enrolment_required) {
    return core::Fail(ErrorCode::kForbidden, "Chỉ cán bộ xem câu hỏi gửi đến. / Only officers see the questions sent in.");
  }
  if (!status.empty() && status != "open" && status != "answered" && status != "published") {
    return core::Fail(ErrorCode::kInvalidArgument, "status là open, answered hoặc published. / status is open, answered or published.");
  }
  auto c = db_.Acquire();
  std::string like = who.HasRole(Role::kSysadmin) ? std::string("/%") : who.agency_path + "%";
  auto r = c->Execute(store::kQuestionInbox, {like, status});
  json::array items;
  for (std::size_t i = 0; i < r.rows.size(); ++i) items.push_back(QuestionJson(r, i, true));
  return json::object{{"items", std::move(items)}};
}

core::Result<json::object> Service::AnswerQuestion(const Principal& who, const std::string& id, const json::object& body) {
  std::vector<core::FieldError> errors;
  std::string answer = Text(body, "answer", 40000, errors, true);
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  auto r = c->Execute(store::kQuestionById, {id});
  if (r.Empty() || !OfficerOver(who, r.Text(0, kQPath))) return NoQuestion();
  if (!errors.empty()) return core::Fail(ErrorCode::kInvalidArgument, "Cần nội dung trả lời. / The answer is needed.", std::move(errors));
  if (c->Execute(store::kAnswerQuestion, {id, answer, who.account_id, core::NowUtc()}).affected != 1) {
    return std::unexpected(core::Error{ErrorCode::kConflict, "Câu hỏi đã được trả lời. / The question is already answered.", {{"allowed_actions", r.Text(0, kQStatus) == "answered" ? "publish" : ""}}});
  }
  auto after = c->Execute(store::kQuestionById, {id});
  json::object out = QuestionJson(after, 0, true);
  // The asker hears of it like any answer.
  notify::Enqueue(*c, "feedback.answered", r.Text(0, kQAccount),
                  json::serialize(json::object{{"code", r.Text(0, kQProcedure)}, {"title", r.Text(0, kQQuestion).substr(0, 120)}}),
                  core::NowUtc());
  tx.Commit();
  return out;
}

core::Result<json::object> Service::PublishQuestion(const Principal& who, const std::string& id, const json::object& body) {
  std::vector<core::FieldError> errors;
  std::string question = Text(body, "question", 4000, errors, false), answer = Text(body, "answer", 40000, errors, false);
  std::string question_en = Text(body, "question_en", 4000, errors, false), answer_en = Text(body, "answer_en", 40000, errors, false);
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  auto r = c->Execute(store::kQuestionById, {id});
  if (r.Empty() || !OfficerOver(who, r.Text(0, kQPath))) return NoQuestion();
  if (!errors.empty()) return core::Fail(ErrorCode::kInvalidArgument, "Nội dung chưa hợp lệ. / The entry is not valid.", std::move(errors));
  if (!who.HasRole(Role::kLeader) && !who.HasRole(Role::kAgencyAdmin) && !who.HasRole(Role::kSysadmin)) {
    return core::Fail(ErrorCode::kForbidden, "Lãnh đạo duyệt đưa câu hỏi vào hỏi đáp. / A leader approves publishing a question.");
  }
  if (r.Text(0, kQStatus) != "answered") {
    return std::unexpected(core::Error{ErrorCode::kConflict, "Chỉ công khai câu hỏi đã được trả lời và chưa công khai. / Only an answered, unpublished question is published.",
                       {{"allowed_actions", r.Text(0, kQStatus) == "open" ? "answer" : ""}}});
  }
  catalog::store::FaqRow f;
  f.id = "hd-" + id;
  f.question = question.empty() ? r.Text(0, kQQuestion) : question;
  f.answer = answer.empty() ? r.Text(0, kQAnswer) : answer;
  f.question_en = question_en;
  f.answer_en = answer_en;
  f.procedure_code = r.Text(0, kQProcedure);
  f.published = true;
  f.updated_at = core::NowUtc();
  if (c->Execute(store::kPublishQuestion, {id, f.id}).affected != 1) {
    return core::Fail(ErrorCode::kConflict, "Câu hỏi vừa được công khai. / The question was just published.");
  }
  catalog::store::UpsertFaq(*c, f);
  catalog::store::BumpGeneration(*c);
  auto after = c->Execute(store::kQuestionById, {id});
  json::object out = QuestionJson(after, 0, true);
  tx.Commit();
  catalog_.Invalidate();
  return out;
}

}  // namespace motcua::feedback

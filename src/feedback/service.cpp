#include "feedback/service.hpp"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "catalog/store.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "crypto/sha256.hpp"
#include "db/refusals.hpp"
#include "feedback/lifecycle.hpp"
#include "feedback/store.hpp"
#include "notify/outbox.hpp"
#include "text/fold.hpp"

namespace motcua::feedback {

namespace json = boost::json;
using core::ErrorCode;
using identity::Principal;
using identity::Role;
using Clock = std::chrono::system_clock;

namespace {

constexpr std::size_t kMaxTitle = 500;        // bytes
constexpr std::size_t kMaxContent = 20000;    // bytes (about 5–10 pages of text)
constexpr std::size_t kMaxAnswer = 40000;
constexpr std::size_t kMaxAttachments = 10;

auto Invalid(std::string msg, std::vector<core::FieldError> fields = {}) {
  return core::Fail(ErrorCode::kInvalidArgument, std::move(msg), std::move(fields));
}

auto NotFound() { return core::Fail(ErrorCode::kNotFound, "Không có phản ánh, kiến nghị này. / No such feedback."); }

// One answer for an unknown code and a wrong key: no oracle for codes.
auto LookupNotFound() {
  return core::Fail(ErrorCode::kNotFound,
                    "Không tìm thấy phản ánh với mã và mã tra cứu này. / No feedback with this code and lookup key.");
}

std::string Now() { return core::NowUtc(); }

calendar::Instant ToInstant(Clock::time_point t) { return std::chrono::floor<std::chrono::seconds>(t); }

std::optional<calendar::Instant> ParseUtc(const std::string& s) { return calendar::ParseRfc3339(s); }

std::string Utc(calendar::Instant t) { return core::FormatUtc(Clock::time_point(t)); }

json::value LocalOrNull(const std::optional<std::string>& utc) {
  if (!utc || utc->empty()) return nullptr;
  auto t = ParseUtc(*utc);
  return t ? json::value(calendar::FormatLocal(*t)) : json::value(*utc);
}

db::Value Opt(const std::string& s) { return s.empty() ? db::Value(nullptr) : db::Value(s); }
db::Value Opt(const std::optional<std::string>& s) { return s ? db::Value(*s) : db::Value(nullptr); }

bool Blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// Reads string members with per-field errors.
class Reader {
 public:
  explicit Reader(const json::object& o) : o_(o) {}
  std::string Text(std::string_view key, std::size_t max, bool required = false) {
    const json::value* v = o_.if_contains(key);
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
    if (required && Blank(s)) errors.push_back({std::string(key), "Bắt buộc nhập. / Required."});
    return s;
  }
  std::vector<core::FieldError> errors;

 private:
  const json::object& o_;
};

struct Agency {
  std::string id, code, name, path, name_en;
};

std::optional<Agency> ReadAgency(const db::ResultSet& r) {
  if (r.Empty()) return std::nullopt;
  return Agency{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Text(0, 3), r.Text(0, 4)};
}

// One item row (store::Col).
struct Item {
  const db::ResultSet* r;
  std::size_t i;
  std::string T(store::Col c) const { return r->IsNull(i, c) ? std::string() : r->Text(i, c); }
  std::optional<std::string> O(store::Col c) const { return r->OptText(i, c); }
  Status status() const { return ParseStatus(T(store::kStatus)).value_or(Status::kReceived); }
};

bool IsOfficer(const Principal& p) { return p.kind == identity::AccountKind::kOfficer && !p.enrolment_required; }
bool Covers(const Principal& p, std::string_view path) { return IsOfficer(p) && p.CoversAgency(path); }

std::string LikeSubtree(const Principal& p) {
  return p.HasRole(Role::kSysadmin) ? std::string("/%") : p.agency_path + "%";
}

std::vector<ServiceType> Categories(bool en) {
  return {
      {"PAKN-HC", en ? "Conduct of agencies and officials" : "Phản ánh về hành vi hành chính",
       en ? "Delays, harassment, or not or wrongly applying administrative regulations (Decree 20/2008 Art. 5)"
          : "Chậm trễ, gây phiền hà, không thực hiện hoặc thực hiện không đúng quy định hành chính (Nghị định 20/2008, Điều 5)",
       en ? "Feedback" : "Phản ánh", en ? "conduct, delay, harassment" : "hành vi, chậm trễ, phiền hà", ""},
      {"PAKN-QD", en ? "Administrative regulations" : "Kiến nghị về quy định hành chính",
       en ? "Regulations that are unsuitable, inconsistent or unlawful, and proposals for new ones"
          : "Quy định không phù hợp, không đồng bộ, trái pháp luật; sáng kiến ban hành quy định mới",
       en ? "Recommendations" : "Kiến nghị", en ? "regulation, procedure, proposal" : "quy định, thủ tục, sáng kiến", ""},
  };
}

std::string Excerpt(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;  // a UTF-8 boundary
  return std::string(s.substr(0, end)) + "…";
}

std::optional<double> Coordinate(const std::string& s, double limit) {
  if (s.empty() || s.size() > 32) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v) || std::fabs(v) > limit) return std::nullopt;
  return v;
}

bool PlausibleEmail(std::string_view e) {
  auto at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() && e.find_first_of(" \t\r\n<>\"") == std::string_view::npos &&
         e.find('.', at) != std::string_view::npos;
}

bool PlausiblePhone(std::string_view p) {
  std::size_t digits = 0;
  for (char c : p) {
    if (c >= '0' && c <= '9') ++digits;
    else if (c != ' ' && c != '+' && c != '.' && c != '-') return false;
  }
  return digits >= 8 && digits <= 15;
}

// What the caller may see of an item.
enum class View { kPublic, kOwner, kOfficer };

json::object ItemJson(db::Connection& c, const Item& it, View view, const CalendarFor& calendar, bool en, bool full) {
  using namespace store;
  Status st = it.status();
  json::object o;
  o["code"] = it.T(kCode);
  o["status"] = StatusName(st);
  o["status_label"] = StatusLabel(st, en);
  o["open311_status"] = Open311Status(st);
  o["category"] = it.T(kCategory);
  o["source"] = it.T(kSource);
  o["title"] = it.T(kTitle);
  if (full || view != View::kPublic) o["content"] = it.T(kContent);
  o["procedure_code"] = it.O(kProcedureCode) ? json::value(it.T(kProcedureCode)) : json::value(nullptr);
  o["dossier_code"] = it.O(kDossierCode) ? json::value(it.T(kDossierCode)) : json::value(nullptr);
  std::string agency_name = en && !it.T(kAgencyNameEn).empty() ? it.T(kAgencyNameEn) : it.T(kAgencyName);
  o["agency"] = json::object{{"code", it.T(kAgencyCode)}, {"name", agency_name}};
  auto cls = ParseClassification(it.T(kClassification));
  o["classification"] = cls ? json::value(ClassificationName(*cls)) : json::value(nullptr);
  o["classification_label"] = cls ? json::value(ClassificationLabel(*cls, en)) : json::value(nullptr);
  o["received_at"] = LocalOrNull(it.O(kReceivedAt));
  o["updated_at"] = LocalOrNull(it.O(kUpdatedAt));
  o["due_at"] = LocalOrNull(it.O(kDueAt));
  bool at_risk = false, overdue = false;
  if (IsOpen(st) && st != Status::kMerged && it.O(kDueAt)) {
    auto due = ParseUtc(it.T(kDueAt));
    auto now = ToInstant(Clock::now());
    if (due && *due <= now) overdue = true;
    else if (due) at_risk = calendar(c, it.T(kAgencyId)).WorkingDurationBetween(now, *due).count() <= calendar::kHoursPerWorkingDay * 60;
  }
  o["at_risk"] = at_risk;
  o["overdue"] = overdue;
  o["merged_into"] = it.O(kMergedIntoCode) ? json::value(it.T(kMergedIntoCode)) : json::value(nullptr);
  o["answer"] = it.T(kAnswer).empty() ? json::value(nullptr) : json::value(it.T(kAnswer));
  o["answered_at"] = LocalOrNull(it.O(kAnsweredAt));
  o["published_at"] = LocalOrNull(it.O(kPublishedAt));
  if (st == Status::kPublished) {
    o["public"] = json::object{{"title", it.T(kPublicTitle)}, {"content", it.T(kPublicContent)}, {"answer", it.T(kPublicAnswer)}};
  }
  o["rating"] = it.O(kRating) ? json::value(it.r->Int(it.i, kRating)) : json::value(nullptr);
  if (view == View::kPublic) {
    // Never the petitioner's data nor the unpublished text.
    o.erase("answer");
    o.erase("dossier_code");
    o.erase("rating");
    return o;
  }
  o["rating_comment"] = it.T(kRatingComment);
  o["petitioner"] = json::object{{"full_name", it.T(kFullName)}, {"email", it.T(kEmail)}, {"phone", it.T(kPhone)},
                                 {"address", it.T(kAddress)}};
  o["location"] = json::object{{"address", it.T(kLocation)},
                               {"lat", it.O(kLat) ? json::value(it.T(kLat)) : json::value(nullptr)},
                               {"long", it.O(kLon) ? json::value(it.T(kLon)) : json::value(nullptr)},
                               {"media_url", it.T(kMediaUrl)}};
  if (!full) return o;
  json::array atts;
  auto ar = c.Execute(store::kAttachmentsOf, {it.T(kId)});
  for (std::size_t i = 0; i < ar.rows.size(); ++i) {
    atts.push_back(json::object{{"id", ar.Text(i, 0)}, {"name", ar.Text(i, 1)}, {"content_type", ar.Text(i, 2)}, {"size", ar.Int(i, 3)}});
  }
  o["attachments"] = std::move(atts);
  json::array merged;
  auto mr = c.Execute(store::kMergedOf, {it.T(kId)});
  for (std::size_t i = 0; i < mr.rows.size(); ++i) merged.push_back(json::string(mr.Text(i, 1)));
  o["merged"] = std::move(merged);
  json::array events;
  auto er = c.Execute(store::kEvents, {it.T(kId)});
  for (std::size_t i = 0; i < er.rows.size(); ++i) {
    boost::system::error_code ec;
    json::value data = json::parse(er.Text(i, 6), ec);
    auto to = ParseStatus(er.Text(i, 3));
    events.push_back(json::object{{"at", LocalOrNull(er.OptText(i, 0))}, {"action", er.Text(i, 1)}, {"status_from", er.Text(i, 2)},
                                  {"status_to", er.Text(i, 3)}, {"status_label", to ? StatusLabel(*to, en) : ""},
                                  {"actor", view == View::kOfficer ? er.Text(i, 4) : std::string()}, {"note", er.Text(i, 5)},
                                  {"agency", er.Text(i, 7)}, {"data", ec ? json::value(json::object{}) : data}});
  }
  o["events"] = std::move(events);
  json::array allowed;
  if (view == View::kOfficer) {
    for (Action a : AllowedIn(st)) allowed.push_back(json::string(ActionName(a)));
  }
  o["allowed_actions"] = std::move(allowed);
  o["can_rate"] = view == View::kOwner && (st == Status::kAnswered || st == Status::kPublished);
  return o;
}

void InsertEvent(db::Connection& c, const std::string& feedback_id, const std::string& now, std::string_view action,
                 std::string_view from, std::string_view to, const Principal* who, const std::string& agency_id,
                 const std::string& note, const json::object& data) {
  c.Execute(store::kInsertEvent, {core::Uuid::NewV7().ToString(), feedback_id, now, std::string(action), std::string(from),
                                  std::string(to), who ? who->account_id : std::string(), who ? who->display_name : std::string(),
                                  Opt(agency_id), note, json::serialize(data)});
}

// Tells a petitioner: through their account when they have one, else at the address they gave.
void TellPetitioner(db::Connection& c, std::string_view event, const std::optional<std::string>& account, const std::string& email,
                    const std::string& phone, const std::string& full_name, json::object payload, const std::string& now) {
  if (account && !account->empty()) {
    notify::Enqueue(c, event, *account, json::serialize(payload), now);
  } else {
    payload["full_name"] = full_name;
    if (!payload.contains("path") && payload.contains("code")) {
      payload["path"] = "/phan-anh/tra-cuu?ma=" + std::string(payload.at("code").as_string());
    }
    notify::EnqueueToAddress(c, event, email, phone, "vi", json::serialize(payload), now);
  }
}

// A lookup key: 80 random bits as five groups of four capital hex digits, easy to copy from
// an SMS or read over the phone.
std::string NewLookupKey() {
  std::string hex = crypto::RandomHex(10), out;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i])));
  }
  return out;
}

// The key as typed (any case, with or without dashes and spaces) → its stored hash; "" for a
// text that cannot be a key.
std::string LookupHash(std::string_view typed) {
  std::string k;
  for (char ch : typed) {
    auto u = static_cast<unsigned char>(ch);
    if (std::isxdigit(u)) k += static_cast<char>(std::toupper(u));
    else if (ch != '-' && ch != ' ') return "";
  }
  if (k.size() != 20) return "";
  return crypto::Sha256::Hex("feedback-lookup:" + k);
}

core::Error Conflict(std::string message, Status st) {
  std::string names;
  for (Action a : AllowedIn(st)) names += (names.empty() ? "" : ",") + std::string(ActionName(a));
  return core::Error{ErrorCode::kConflict, std::move(message), {{"allowed_actions", names}}};
}

}  // namespace

Service::Service(db::Database& db, catalog::Catalog& catalog, CalendarFor calendar)
    : db_(db), catalog_(catalog), calendar_(std::move(calendar)) {}

std::vector<ServiceType> Service::ServiceTypes(bool en) {
  std::vector<ServiceType> out = Categories(en);
  auto snap = catalog_.Current();
  for (const auto& [code, names] : snap->fields) {
    const std::string& name = en && !names.second.empty() ? names.second : names.first;
    out.push_back({"LV-" + code, name,
                   en ? "Feedback on the procedures of the field " + name : "Phản ánh, kiến nghị về thủ tục hành chính lĩnh vực " + name,
                   en ? "Procedures" : "Thủ tục hành chính", code, code});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Service::ProceduresOf(const ServiceType& t, bool en) {
  std::vector<std::pair<std::string, std::string>> out;
  if (t.field_code.empty()) return out;
  auto snap = catalog_.Current();
  for (const auto& p : snap->procedures->All()) {
    bool in = std::any_of(p.fields.begin(), p.fields.end(), [&](const auto& f) { return f.code == t.field_code; });
    if (in && out.size() < 200) out.emplace_back(p.code, en && !p.name_en.empty() ? p.name_en : p.name);
  }
  return out;
}

core::Result<json::object> Service::Submit(const Origin& origin, const json::object& body, bool en) {
  const Principal* who = origin.who;
  bool officer_entry = origin.source == "letter" || origin.source == "phone" || origin.source == "email";
  if (officer_entry && (who == nullptr || !IsOfficer(*who))) {
    return core::Fail(ErrorCode::kForbidden, "Chỉ cán bộ nhập phản ánh nhận qua thư, điện thoại, thư điện tử. / Only officers enter feedback received by letter, phone or e-mail.");
  }
  Reader in(body);
  std::string category = in.Text("category", 40, true);
  std::string title = in.Text("title", kMaxTitle, origin.source != "open311");
  std::string content = in.Text("content", kMaxContent, true);
  std::string procedure_code = in.Text("procedure_code", 30);
  std::string dossier_code = in.Text("dossier_code", 40);
  std::string agency_code = in.Text("agency_code", 40);
  std::string full_name = in.Text("full_name", 200);
  std::string email = in.Text("email", 254);
  std::string phone = in.Text("phone", 20);
  std::string address = in.Text("address", 500);
  std::string location = in.Text("location", 500);
  std::string lat = in.Text("lat", 32), lon = in.Text("long", 32);
  // Stored as plain decimals, whatever notation came in.
  auto normalise = [](std::string& t, double limit) {
    if (auto v = Coordinate(t, limit)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.8f", *v);
      t = buf;
      while (t.back() == '0') t.pop_back();
      if (t.back() == '.') t.pop_back();
      return true;
    }
    return false;
  };
  std::string media_url = in.Text("media_url", 2000);
  std::string device_id = in.Text("device_id", 200);
  std::vector<core::FieldError>& errors = in.errors;
  if (title.empty() && !content.empty() && origin.source == "open311") {
    std::string flat = content;
    std::replace_if(flat.begin(), flat.end(), [](char ch) { return ch == '\n' || ch == '\r' || ch == '\t'; }, ' ');
    title = Excerpt(flat, 120);
  }
  std::vector<ServiceType> types = ServiceTypes(en);
  if (!category.empty() && std::none_of(types.begin(), types.end(), [&](const ServiceType& t) { return t.code == category; })) {
    errors.push_back({"category", "Không có loại phản ánh này. / No such category (service code)."});
  }
  if (lat.empty() != lon.empty()) errors.push_back({lat.empty() ? "lat" : "long", "Cần cả vĩ độ và kinh độ. / Both lat and long are needed."});
  if (!lat.empty() && !normalise(lat, 90)) errors.push_back({"lat", "Vĩ độ là số từ -90 đến 90. / lat is a number from -90 to 90."});
  if (!lon.empty() && !normalise(lon, 180)) errors.push_back({"long", "Kinh độ là số từ -180 đến 180. / long is a number from -180 to 180."});
  if (!media_url.empty() && !media_url.starts_with("https://") && !media_url.starts_with("http://")) {
    errors.push_back({"media_url", "Địa chỉ phải bắt đầu bằng http:// hoặc https://. / The URL must start with http:// or https://."});
  }
  std::vector<std::string> attachment_ids;
  if (const json::value* a = body.if_contains("attachment_ids"); a != nullptr && !a->is_null()) {
    if (!a->is_array() || a->as_array().size() > kMaxAttachments) {
      errors.push_back({"attachment_ids", "Tối đa 10 mã tệp. / At most 10 attachment ids."});
    } else {
      for (const auto& x : a->as_array()) {
        if (!x.is_string() || x.as_string().size() > 64) errors.push_back({"attachment_ids", "Mã tệp không hợp lệ. / Not an attachment id."});
        else attachment_ids.emplace_back(x.as_string());
      }
    }
  }
  if (!attachment_ids.empty() && who == nullptr) {
    errors.push_back({"attachment_ids", "Đăng nhập để gửi kèm tệp. / Sign in to attach files."});
  }
  bool citizen = who != nullptr && !IsOfficer(*who) && who->kind != identity::AccountKind::kClient;
  if (!citizen) {
    if (Blank(full_name)) errors.push_back({"full_name", "Cần họ tên người phản ánh. / The petitioner's name is needed."});
    if (email.empty() && phone.empty() && address.empty()) {
      errors.push_back({"email", "Cần thư điện tử, số điện thoại hoặc địa chỉ để trả lời. / An e-mail, phone or postal address is needed for the answer."});
    }
  }
  if (!email.empty() && !PlausibleEmail(email)) errors.push_back({"email", "Thư điện tử không hợp lệ. / Not an e-mail address."});
  if (!phone.empty() && !PlausiblePhone(phone)) errors.push_back({"phone", "Số điện thoại không hợp lệ. / Not a phone number."});
  const catalog::Procedure* procedure = nullptr;
  auto snap = catalog_.Current();
  if (!procedure_code.empty()) {
    procedure = snap->procedures->Find(procedure_code);
    if (procedure == nullptr) errors.push_back({"procedure_code", "Không có thủ tục này. / No such procedure."});
  }
  if (!errors.empty()) return Invalid("Phản ánh, kiến nghị chưa hợp lệ. / The feedback is not valid.", std::move(errors));

  auto c = db_.Acquire();
  db::Transaction tx(*c);
  std::optional<std::string> account;
  if (citizen) {
    account = who->account_id;
    auto r = c->Execute(store::kAccountContact, {who->account_id});
    if (!r.Empty()) {
      if (full_name.empty()) full_name = r.Text(0, 0);
      if (email.empty()) email = r.Text(0, 1);
      if (phone.empty()) phone = r.Text(0, 2);
      if (address.empty()) address = r.Text(0, 3);
    }
  }
  // The agency that receives it: named, else the dossier's, else the procedure's, else the
  // entering officer's, else the deployment's top agency.
  std::optional<Agency> agency;
  if (!agency_code.empty()) {
    agency = ReadAgency(c->Execute(store::kAgencyByCode, {agency_code}));
    if (!agency) return Invalid("Không có cơ quan này. / No such agency.", {{"agency_code", agency_code}});
  }
  if (!dossier_code.empty()) {
    auto r = c->Execute(store::kDossierAgency, {dossier_code});
    if (r.Empty()) return Invalid("Không có hồ sơ này. / No such dossier.", {{"dossier_code", dossier_code}});
    if (!agency) agency = ReadAgency(c->Execute(store::kAgencyById, {r.Text(0, 0)}));
    if (procedure_code.empty()) procedure_code = r.Text(0, 1);
  }
  if (!agency && procedure != nullptr) {
    for (const auto& a : procedure->implementing) {
      agency = ReadAgency(c->Execute(store::kAgencyByCode, {a.code}));
      if (agency) break;
    }
  }
  if (!agency && officer_entry) agency = ReadAgency(c->Execute(store::kAgencyById, {who->agency_id}));
  if (!agency) agency = ReadAgency(c->Execute(store::kRootAgency, {}));
  if (!agency) return core::Fail(ErrorCode::kConflict, "Chưa có cơ quan nào nhận phản ánh. / No agency receives feedback yet.");

  for (const auto& id : attachment_ids) {
    auto r = c->Execute(store::kAttachment, {id});
    bool usable = !r.Empty() && r.Text(0, 1) == who->account_id && r.IsNull(0, 2) &&
                  c->Execute(store::kAttachmentUsed, {id}).Int(0, 0) == 0;
    if (!usable) return Invalid("Tệp đính kèm không dùng được. / An attachment cannot be used.", {{"attachment_ids", id}});
  }

  auto now_tp = Clock::now();
  auto now_i = ToInstant(now_tp);
  std::string now = core::FormatUtc(now_tp);
  auto cal = calendar_(*c, agency->id);
  std::string due = Utc(cal.AddWorkingDays(cal.NextWorkingMoment(now_i), kTransferWorkingDays));
  calendar::Date day = calendar::LocalDate(now_i);
  std::string ymd = calendar::FormatDate(day);
  std::int64_t seq = c->Execute(store::kNextSequence, {ymd}).Int(0, 0);
  char num[16];
  std::snprintf(num, sizeof num, "%04lld", static_cast<long long>(seq));
  std::string code = "PAKN-" + ymd.substr(2, 2) + ymd.substr(5, 2) + ymd.substr(8, 2) + "-" + num;
  std::string id = core::Uuid::NewV7().ToString();
  std::string folded = text::Fold(title + " " + content);
  c->Execute(store::kInsert, {id, code, origin.source, Opt(account), officer_entry ? db::Value(who->account_id) : db::Value(nullptr),
                              Opt(origin.api_key_id), full_name, email, phone, address, category, title, content, folded,
                              Opt(procedure_code), Opt(dossier_code), location, Opt(lat), Opt(lon), media_url, device_id,
                              agency->id, due, now});
  for (const auto& a : attachment_ids) c->Execute(store::kInsertAttachment, {id, a});
  json::object data{{"source", origin.source}, {"agency", agency->code}};
  InsertEvent(*c, id, now, "submit", "", "received", officer_entry ? who : nullptr, agency->id,
              officer_entry ? (en ? "Entered by an officer" : "Cán bộ nhập từ " + origin.source) : "", data);
  // A petitioner without an account follows the item with its code and a secret key: shown
  // once, sent to the e-mail or phone given; only its hash is kept.
  std::string lookup_key;
  if (!account && origin.source != "open311") {
    lookup_key = NewLookupKey();
    c->Execute(store::kSetLookupHash, {id, LookupHash(lookup_key)});
    json::object p{{"code", code}, {"title", title}, {"lookup_key", lookup_key}, {"path", "/phan-anh/tra-cuu?ma=" + code}};
    TellPetitioner(*c, "feedback.received", std::nullopt, email, phone, full_name, p, now);
  }
  auto row = c->Execute(store::kById, {id});
  View view = officer_entry ? View::kOfficer : (citizen ? View::kOwner : View::kPublic);
  json::object out = ItemJson(*c, Item{&row, 0}, view, calendar_, en, true);
  if (origin.source == "open311") out["token"] = id;
  if (!lookup_key.empty()) out["lookup_key"] = lookup_key;
  tx.Commit();
  return out;
}

core::Result<json::object> Service::Get(const Principal& who, const std::string& code, bool en) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kByCode, {code});
  if (r.Empty()) return NotFound();
  Item it{&r, 0};
  if (Covers(who, it.T(store::kAgencyPath))) return ItemJson(*c, it, View::kOfficer, calendar_, en, true);
  if (it.T(store::kAccountId) == who.account_id && !who.account_id.empty()) return ItemJson(*c, it, View::kOwner, calendar_, en, true);
  return NotFound();
}

namespace {

struct PublicTexts {
  std::string title, content, answer;
};

// The texts as they would be published: the officer's edits (or the item's own texts) with the
// petitioner's personal data hidden. What the officer edits is hidden again: a name typed back in
// does not become public.
PublicTexts Publication(const Item& it, Reader& in) {
  std::vector<std::string> names = PersonalNames(it.T(store::kFullName));
  for (auto col : {store::kEmail, store::kPhone, store::kAddress}) names.push_back(it.T(col));
  std::string t = in.Text("public_title", kMaxTitle), ct = in.Text("public_content", kMaxContent), an = in.Text("public_answer", kMaxAnswer);
  return {HidePersonalData(t.empty() ? it.T(store::kTitle) : t, names), HidePersonalData(ct.empty() ? it.T(store::kContent) : ct, names),
          HidePersonalData(an.empty() ? it.T(store::kAnswer) : an, names)};
}

}  // namespace

core::Result<json::object> Service::PublicationPreview(const Principal& who, const std::string& code, const json::object& body) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kByCode, {code});
  if (r.Empty()) return NotFound();
  Item it{&r, 0};
  if (!Covers(who, it.T(store::kAgencyPath))) return NotFound();
  if (!who.HasRole(Role::kLeader) && !who.HasRole(Role::kAgencyAdmin) && !who.HasRole(Role::kSysadmin)) {
    return core::Fail(ErrorCode::kForbidden, "Lãnh đạo duyệt công khai câu trả lời. / A leader approves publishing an answer.");
  }
  Status st = it.status();
  if (st != Status::kAnswered && st != Status::kPublished) {
    return core::Fail(ErrorCode::kConflict, "Chỉ công khai phản ánh đã trả lời. / Only an answered item is published.");
  }
  Reader in(body);
  PublicTexts p = Publication(it, in);
  if (!in.errors.empty()) return Invalid("Nội dung công khai chưa hợp lệ. / The public texts are not valid.", std::move(in.errors));
  return json::object{{"public_title", p.title}, {"public_content", p.content}, {"public_answer", p.answer}};
}

core::Result<json::object> Service::Act(const Principal& who, const std::string& code, const std::string& action_name,
                                        const json::object& body, bool en) {
  auto action = ParseAction(action_name);
  if (!action) {
    return Invalid("Không có thao tác này. / No such action.", {{"action", action_name}});
  }
  Reader in(body);
  std::string note = in.Text("note", 4000);
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  auto r = c->Execute(store::kByCode, {code});
  if (r.Empty()) return NotFound();
  Item it{&r, 0};
  if (!Covers(who, it.T(store::kAgencyPath))) return NotFound();
  Status from = it.status();
  std::string id = it.T(store::kId);
  std::string now = Now();
  auto now_i = ToInstant(Clock::now());

  // The new values, starting from the current ones.
  std::optional<std::string> classification = it.O(store::kClassification), due = it.O(store::kDueAt),
                             merged_into = it.O(store::kMergedInto), answered_at = it.O(store::kAnsweredAt),
                             published_at = it.O(store::kPublishedAt);
  std::string agency_id = it.T(store::kAgencyId), answer = it.T(store::kAnswer), answered_by,
              public_title = it.T(store::kPublicTitle), public_content = it.T(store::kPublicContent),
              public_answer = it.T(store::kPublicAnswer);
  Classification cls = Classification::kRegulationWithin;
  json::object data;
  std::optional<Agency> target;
  std::optional<db::ResultSet> into_row;

  if (*action == Action::kClassify) {
    std::string name = in.Text("classification", 40, true);
    auto parsed = ParseClassification(name);
    if (!name.empty() && !parsed) in.errors.push_back({"classification", "not_accepted | conduct | regulation_within | regulation_outside"});
    if (parsed) cls = *parsed;
    if (parsed == Classification::kNotAccepted && Blank(note)) in.errors.push_back({"note", "Cần lý do không tiếp nhận. / Give the reason for not accepting it."});
    data["classification"] = name;
  }
  if (*action == Action::kTransfer) {
    std::string to = in.Text("agency_code", 40, true);
    if (!to.empty()) {
      target = ReadAgency(c->Execute(store::kAgencyByCode, {to}));
      if (!target) in.errors.push_back({"agency_code", "Không có cơ quan này. / No such agency."});
      else if (target->id == agency_id) in.errors.push_back({"agency_code", "Phản ánh đang ở cơ quan này. / The item is already there."});
    }
    data["from"] = it.T(store::kAgencyCode);
    data["to"] = to;
  }
  if (*action == Action::kAnswer) {
    answer = in.Text("answer", kMaxAnswer, true);
  }
  if (*action == Action::kPublish) {
    if (!who.HasRole(Role::kLeader) && !who.HasRole(Role::kAgencyAdmin) && !who.HasRole(Role::kSysadmin)) {
      return core::Fail(ErrorCode::kForbidden, "Lãnh đạo duyệt công khai câu trả lời. / A leader approves publishing an answer.");
    }
    PublicTexts p = Publication(it, in);
    public_title = std::move(p.title);
    public_content = std::move(p.content);
    public_answer = std::move(p.answer);
    published_at = now;
  }
  if (*action == Action::kMerge) {
    std::string into = in.Text("into", 40, true);
    if (!into.empty()) {
      if (into == code) {
        in.errors.push_back({"into", "Không gộp vào chính nó. / An item cannot be merged into itself."});
      } else {
        into_row = c->Execute(store::kByCode, {into});
        if (into_row->Empty() || !Covers(who, into_row->Text(0, store::kAgencyPath))) {
          in.errors.push_back({"into", "Không có phản ánh này. / No such feedback."});
        } else {
          Item t{&*into_row, 0};
          auto ts = t.status();
          if (!IsOpen(ts) || ts == Status::kMerged) {
            in.errors.push_back({"into", "Phản ánh đích đã đóng hoặc đã được gộp. / The target is closed or merged itself."});
          } else if (t.T(store::kProcedureCode) != it.T(store::kProcedureCode) ||
                     (it.T(store::kProcedureCode).empty() && t.T(store::kCategory) != it.T(store::kCategory))) {
            in.errors.push_back({"into", "Chỉ gộp phản ánh về cùng thủ tục. / Only items about the same procedure are merged."});
          }
        }
      }
    }
    data["into"] = into;
  }
  if (!in.errors.empty()) return Invalid("Thao tác chưa hợp lệ. / The action is not valid.", std::move(in.errors));

  auto to = After(*action, from, cls);
  if (!to) {
    return std::unexpected(Conflict(std::string("Không thể ") + std::string(ActionName(*action)) + " khi phản ánh đang ở trạng thái: " +
                                        std::string(StatusLabel(from, false)) + ". / Cannot " + std::string(ActionName(*action)) +
                                        " while the item is: " + std::string(StatusLabel(from, true)) + ".",
                                    from));
  }
  switch (*action) {
    case Action::kClassify:
      classification = std::string(ClassificationName(cls));
      if (*to == Status::kProcessing) due = Utc(calendar_(*c, agency_id).AddWorkingDays(now_i, kAnswerWorkingDays));
      if (*to == Status::kNotAccepted) due.reset();
      break;
    case Action::kTransfer:
      agency_id = target->id;
      due = Utc(calendar_(*c, agency_id).AddWorkingDays(calendar_(*c, agency_id).NextWorkingMoment(now_i), kAnswerWorkingDays));
      break;
    case Action::kAnswer:
      answered_at = now;
      answered_by = who.account_id;
      due.reset();
      break;
    case Action::kMerge:
      merged_into = into_row->Text(0, store::kId);
      due.reset();
      break;
    default:
      break;
  }
  std::string public_folded = published_at ? text::Fold(public_title + " " + public_content + " " + public_answer) : "";
  auto u = c->Execute(store::kUpdate, {id, std::string(StatusName(*to)), Opt(classification), Opt(due), agency_id, Opt(merged_into),
                                       answer, Opt(answered_at), answered_by.empty() ? db::Value(nullptr) : db::Value(answered_by),
                                       public_title, public_content, public_answer, public_folded, Opt(published_at), now,
                                       std::int64_t{0}, std::string(StatusName(from))});
  if (u.affected != 1) {
    return std::unexpected(Conflict("Phản ánh vừa được người khác thay đổi; hãy tải lại. / The item was just changed by someone else; reload it.", from));
  }
  InsertEvent(*c, id, now, ActionName(*action), StatusName(from), StatusName(*to), &who, agency_id, note, data);

  json::object payload{{"code", code}, {"title", it.T(store::kTitle)}};
  auto account = it.O(store::kAccountId);
  if (*action == Action::kTransfer) {
    payload["agency"] = target->name;
    payload["due_at"] = LocalOrNull(due);
    TellPetitioner(*c, "feedback.transferred", account, it.T(store::kEmail), it.T(store::kPhone), it.T(store::kFullName), payload, now);
    notify::EnqueueForAgency(*c, "feedback.transferred", agency_id, json::serialize(payload), now);
  }
  if (*action == Action::kMerge) {
    payload["into"] = into_row->Text(0, store::kCode);
    TellPetitioner(*c, "feedback.merged", account, it.T(store::kEmail), it.T(store::kPhone), it.T(store::kFullName), payload, now);
    // Items already merged into this one follow it.
    static const db::Query kRepoint{"feedback_repoint_merged", "UPDATE feedback SET merged_into = $2 WHERE merged_into = $1"};
    c->Execute(kRepoint, {id, *merged_into});
  }
  if (*action == Action::kAnswer) {
    TellPetitioner(*c, "feedback.answered", account, it.T(store::kEmail), it.T(store::kPhone), it.T(store::kFullName), payload, now);
    if (during_answer_for_test) during_answer_for_test();
    // Merged items share the one answer, and each of their petitioners is told.
    auto mr = c->Execute(store::kMergedOf, {id});
    c->Execute(store::kAnswerMerged, {id, answer, now, who.account_id});
    for (std::size_t i = 0; i < mr.rows.size(); ++i) {
      InsertEvent(*c, mr.Text(i, 0), now, "answer", "merged", "answered", &who, agency_id, "", json::object{{"via", code}});
      json::object p{{"code", mr.Text(i, 1)}, {"title", mr.Text(i, 3)}};
      TellPetitioner(*c, "feedback.answered", mr.OptText(i, 2), mr.Text(i, 4), mr.Text(i, 5), mr.Text(i, 6), p, now);
    }
  }
  auto after = c->Execute(store::kById, {id});
  Item a{&after, 0};
  json::object out = Covers(who, a.T(store::kAgencyPath)) ? ItemJson(*c, a, View::kOfficer, calendar_, en, true)
                                                          : ItemJson(*c, a, View::kPublic, calendar_, en, false);
  tx.Commit();
  return out;
}

namespace {

struct RatingIn {
  std::int64_t rating = 0;
  std::string comment;
};

core::Result<RatingIn> ReadRating(const json::object& body) {
  const json::value* v = body.if_contains("rating");
  if (v == nullptr || !v->is_int64() || v->as_int64() < 1 || v->as_int64() > 3) {
    return Invalid("Đánh giá là 1 (chưa hài lòng), 2 (hài lòng) hoặc 3 (rất hài lòng). / rating is 1 (not satisfied), 2 (satisfied) or 3 (very satisfied).",
                   {{"rating", "1 | 2 | 3"}});
  }
  Reader in(body);
  std::string comment = in.Text("comment", 2000);
  if (!in.errors.empty()) return Invalid("Nhận xét quá dài. / The comment is too long.", std::move(in.errors));
  return RatingIn{v->as_int64(), std::move(comment)};
}

// Records the petitioner's rating of an answered item (inside the caller's transaction).
core::Result<void> RecordRating(db::Connection& c, const Item& it, const RatingIn& in, const Principal* who) {
  Status st = it.status();
  if (st != Status::kAnswered && st != Status::kPublished) {
    return core::Fail(ErrorCode::kConflict, "Chỉ đánh giá khi đã có câu trả lời. / The answer can be rated once there is one.");
  }
  std::string now = Now();
  c.Execute(store::kRate, {it.T(store::kId), in.rating, in.comment, now});
  InsertEvent(c, it.T(store::kId), now, "rate", StatusName(st), StatusName(st), who, it.T(store::kAgencyId), "",
              json::object{{"rating", in.rating}});
  return {};
}

// What the holder of the code and key sees: the petitioner's view without the contact details.
json::object LookupJson(db::Connection& c, const Item& it, const CalendarFor& calendar, bool en) {
  json::object o = ItemJson(c, it, View::kOwner, calendar, en, true);
  o.erase("petitioner");
  o.erase("location");
  o.erase("attachments");
  return o;
}

}  // namespace

core::Result<json::object> Service::Rate(const Principal& who, const std::string& code, const json::object& body, bool en) {
  auto in = ReadRating(body);
  if (!in) return std::unexpected(in.error());
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  auto r = c->Execute(store::kByCode, {code});
  if (r.Empty()) return NotFound();
  Item it{&r, 0};
  if (it.T(store::kAccountId) != who.account_id || who.account_id.empty()) return NotFound();
  if (auto done = RecordRating(*c, it, *in, &who); !done) return std::unexpected(done.error());
  auto after = c->Execute(store::kById, {it.T(store::kId)});
  json::object out = ItemJson(*c, Item{&after, 0}, View::kOwner, calendar_, en, true);
  tx.Commit();
  return out;
}

std::optional<std::string> Service::LookupId(db::Connection& c, const std::string& code, const std::string& key) {
  std::string hash = LookupHash(key);
  auto r = c.Execute(store::kLookupHash, {code});
  // The same work whether the code exists or not, and one answer for both failures.
  std::string stored = r.Empty() || r.IsNull(0, 0) ? std::string(64, '0') : r.Text(0, 0);
  bool ok = crypto::ConstantTimeEquals(stored, hash.empty() ? std::string(64, 'x') : hash) && !r.Empty() && !r.IsNull(0, 0);
  if (!ok) return std::nullopt;
  return code;
}

core::Result<json::object> Service::Lookup(const std::string& code, const std::string& key, bool en) {
  if (code.size() > 40 || key.size() > 64) return LookupNotFound();
  auto c = db_.Acquire();
  if (!LookupId(*c, code, key)) return LookupNotFound();
  auto r = c->Execute(store::kByCode, {code});
  if (r.Empty()) return LookupNotFound();
  return LookupJson(*c, Item{&r, 0}, calendar_, en);
}

core::Result<json::object> Service::LookupRate(const std::string& code, const std::string& key, const json::object& body, bool en) {
  if (code.size() > 40 || key.size() > 64) return LookupNotFound();
  auto in = ReadRating(body);
  auto c = db_.Acquire();
  if (!LookupId(*c, code, key)) return LookupNotFound();
  if (!in) return std::unexpected(in.error());
  db::Transaction tx(*c);
  auto r = c->Execute(store::kByCode, {code});
  if (r.Empty()) return LookupNotFound();
  Item it{&r, 0};
  if (auto done = RecordRating(*c, it, *in, nullptr); !done) return std::unexpected(done.error());
  if (during_rating_for_test) during_rating_for_test();
  auto after = c->Execute(store::kById, {it.T(store::kId)});
  json::object out = LookupJson(*c, Item{&after, 0}, calendar_, en);
  tx.Commit();
  return out;
}

core::Result<json::object> Service::Mine(const Principal& who, std::size_t offset, std::size_t limit, bool en) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kMine, {who.account_id, static_cast<std::int64_t>(limit), static_cast<std::int64_t>(offset)});
  json::array items;
  for (std::size_t i = 0; i < r.rows.size(); ++i) items.push_back(ItemJson(*c, Item{&r, i}, View::kOwner, calendar_, en, false));
  std::int64_t total = c->Execute(store::kCountMine, {who.account_id}).Int(0, 0);
  std::size_t next = offset + r.rows.size();
  return json::object{{"items", std::move(items)}, {"total", total},
                      {"next_cursor", static_cast<std::int64_t>(next) < total ? json::value(std::to_string(next)) : json::value(nullptr)}};
}

core::Result<json::object> Service::Inbox(const Principal& who, const std::string& box, std::size_t offset, std::size_t limit, bool en) {
  if (!IsOfficer(who)) return core::Fail(ErrorCode::kForbidden, "Chỉ cán bộ xem hộp phản ánh. / Only officers see the feedback inbox.");
  auto c = db_.Acquire();
  std::string like = LikeSubtree(who);
  auto now_i = ToInstant(Clock::now());
  auto cal = calendar_(*c, who.agency_id);
  std::string now = Utc(now_i), soon = Utc(cal.AddWorkingDays(now_i, 1));
  auto l = static_cast<std::int64_t>(limit), o = static_cast<std::int64_t>(offset);
  db::ResultSet r;
  if (box == "all") r = c->Execute(store::kInboxAll, {like, l, o});
  else if (box == "open") r = c->Execute(store::kInboxOpen, {like, l, o});
  else if (box == "at_risk") r = c->Execute(store::kInboxAtRisk, {like, now, soon, l, o});
  else if (box == "overdue") r = c->Execute(store::kInboxOverdue, {like, now, l, o});
  else if (box == "closed") r = c->Execute(store::kInboxClosed, {like, l, o});
  else return Invalid("box là all, open, at_risk, overdue hoặc closed. / box is all, open, at_risk, overdue or closed.", {{"box", box}});
  json::array items;
  for (std::size_t i = 0; i < r.rows.size(); ++i) items.push_back(ItemJson(*c, Item{&r, i}, View::kOfficer, calendar_, en, false));
  auto counts = c->Execute(store::kCountInbox, {like, now, soon});
  json::object count{{"all", counts.Int(0, 0)}, {"open", counts.Int(0, 1)}, {"at_risk", counts.Int(0, 2)},
                     {"overdue", counts.Int(0, 3)}, {"closed", counts.Int(0, 4)}};
  std::int64_t total = count.at(box).as_int64();
  std::size_t next = offset + r.rows.size();
  return json::object{{"items", std::move(items)}, {"counts", std::move(count)}, {"total", total},
                      {"next_cursor", static_cast<std::int64_t>(next) < total ? json::value(std::to_string(next)) : json::value(nullptr)}};
}

core::Result<json::object> Service::Similar(const Principal& who, const std::string& code, bool en) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kByCode, {code});
  if (r.Empty()) return NotFound();
  Item it{&r, 0};
  if (!Covers(who, it.T(store::kAgencyPath))) return NotFound();
  auto cands = c->Execute(store::kSimilarCandidates, {it.T(store::kId), it.T(store::kProcedureCode), it.T(store::kCategory), LikeSubtree(who)});
  std::vector<std::pair<double, std::size_t>> scored;
  for (std::size_t i = 0; i < cands.rows.size(); ++i) {
    double s = Similarity(it.T(store::kFolded), cands.Text(i, store::kFolded));
    if (s >= kDuplicateThreshold) scored.emplace_back(s, i);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  json::array items;
  for (std::size_t k = 0; k < scored.size() && k < 20; ++k) {
    json::object o = ItemJson(*c, Item{&cands, scored[k].second}, View::kOfficer, calendar_, en, false);
    o["similarity"] = std::round(scored[k].first * 100) / 100;
    items.push_back(std::move(o));
  }
  return json::object{{"items", std::move(items)}, {"threshold", kDuplicateThreshold}};
}

namespace {

// The folded words of a text, for matching whole words and prefixes.
std::vector<std::string> FoldedWords(std::string_view text) {
  std::vector<std::string> out;
  for (auto& t : text::Tokenize(text)) out.push_back(std::move(t.folded));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// A word of the query is in the text as a word or as the start of one ("phieu" in "phieu",
// "ly lich" in "ly lich"; "gia" in "giay", so a word being typed already finds).
bool HasWord(const std::vector<std::string>& sorted_words, const std::string& w) {
  auto it = std::lower_bound(sorted_words.begin(), sorted_words.end(), w);
  return it != sorted_words.end() && it->starts_with(w);
}

}  // namespace

core::Result<json::object> Service::PublicSearch(const std::string& q, const std::string& procedure, std::size_t offset,
                                                 std::size_t limit, bool en) {
  std::vector<std::string> words;
  for (auto& t : text::Tokenize(q)) {
    if (words.size() < 12 && std::find(words.begin(), words.end(), t.folded) == words.end()) words.push_back(t.folded);
  }
  auto c = db_.Acquire();
  auto r = c->Execute(store::kPublished, {});  // newest first
  // Relevance: how many of the query's words the item has, then where (a word in the title
  // weighs 3, in the answer 2, in the petitioner's text 1); newer first among equals.
  struct Hit {
    std::size_t row = 0, matched = 0, weight = 0;
  };
  std::vector<Hit> hits;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    if (!procedure.empty() && (r.IsNull(i, 2) || r.Text(i, 2) != procedure)) continue;
    Hit h{i, 0, 0};
    if (!words.empty()) {
      auto title = FoldedWords(r.Text(i, 3)), answer = FoldedWords(r.Text(i, 5)), content = FoldedWords(r.Text(i, 4));
      for (const auto& w : words) {
        std::size_t best = HasWord(title, w) ? 3 : HasWord(answer, w) ? 2 : HasWord(content, w) ? 1 : 0;
        if (best > 0) ++h.matched;
        h.weight += best;
      }
      if (h.matched == 0) continue;
    }
    hits.push_back(h);
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.matched != b.matched ? a.matched > b.matched : a.weight > b.weight;
  });
  json::array items;
  for (std::size_t k = offset; k < hits.size() && items.size() < limit; ++k) {
    std::size_t i = hits[k].row;
    std::string agency = en && !r.Text(i, 8).empty() ? r.Text(i, 8) : r.Text(i, 7);
    items.push_back(json::object{{"code", r.Text(i, 0)}, {"category", r.Text(i, 1)},
                                 {"procedure_code", r.IsNull(i, 2) ? json::value(nullptr) : json::value(r.Text(i, 2))},
                                 {"title", r.Text(i, 3)}, {"content", r.Text(i, 4)}, {"answer", r.Text(i, 5)},
                                 {"published_at", LocalOrNull(r.OptText(i, 6))}, {"received_at", LocalOrNull(r.OptText(i, 10))},
                                 {"agency", agency},
                                 {"matched_words", hits[k].matched}});
  }
  std::size_t next = offset + items.size();
  return json::object{{"items", std::move(items)}, {"total", hits.size()},
                      {"next_cursor", next < hits.size() ? json::value(std::to_string(next)) : json::value(nullptr)}};
}

WatchReport Service::WatchDeadlines(Clock::time_point now_tp) {
  constexpr std::int64_t kPage = 500;
  WatchReport report;
  auto c = db_.Acquire();
  std::string now = core::FormatUtc(now_tp);
  // An item the database refuses to mark holds back only itself: it is left for the next pass,
  // and the pages, in due order, go on after it; the first from where the last pass gave up, if
  // it did.
  db::Refusals mark("feedback deadline watcher", report.failed);
  std::lock_guard lock(watch_mu_);
  auto [after_due, after_id] = std::exchange(resume_, {});
  while (!mark.GaveUp()) {
    auto r = c->Execute(store::kOverdue, {now, after_due, after_id, kPage});
    for (std::size_t i = 0; i < r.rows.size() && !mark.GaveUp(); ++i) {
      mark(r.Text(i, 1), [&] {
        db::Transaction tx(*c);
        // The claim makes one node (and one pass) tell the agency.
        if (c->Execute(store::kClaimOverdue, {r.Text(i, 0)}).affected != 1) return;
        json::object payload{{"code", r.Text(i, 1)}, {"title", r.Text(i, 2)}, {"due_at", LocalOrNull(r.OptText(i, 4))}};
        notify::EnqueueForAgency(*c, "feedback.overdue", r.Text(i, 3), json::serialize(payload), now);
        tx.Commit();
        ++report.overdue;
      });
      if (mark.GaveUp()) resume_ = {r.Text(i, 4), r.Text(i, 0)};
    }
    if (static_cast<std::int64_t>(r.rows.size()) < kPage) break;
    after_due = r.Text(r.rows.size() - 1, 4);
    after_id = r.Text(r.rows.size() - 1, 0);
  }
  return report;
}

// ---- Open311 ----

core::Result<std::string> Service::CheckApiKey(const std::string& key) {
  if (key.empty() || key.size() > 200) return core::Fail(ErrorCode::kForbidden, "api_key is missing or not valid");
  auto c = db_.Acquire();
  auto r = c->Execute(store::kKeyByHash, {crypto::Sha256::Hex(key)});
  if (r.Empty()) return core::Fail(ErrorCode::kForbidden, "api_key is not valid");
  // Last used, to the minute: one write a minute per key at most.
  std::string now = Now();
  if (r.IsNull(0, 1) || r.Text(0, 1).substr(0, 16) != now.substr(0, 16)) c->Execute(store::kKeyUsed, {r.Text(0, 0), now});
  return r.Text(0, 0);
}

namespace {

json::value Number(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  double v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  return ec == std::errc{} ? json::value(v) : json::value(nullptr);
}

}  // namespace

json::object Service::Open311Request(db::Connection& c, const db::ResultSet& r, std::size_t i, const std::vector<ServiceType>& types, bool en) {
  (void)c;
  Item it{&r, i};
  Status st = it.status();
  std::string service_name;
  for (const auto& t : types) {
    if (t.code == it.T(store::kCategory)) service_name = t.name;
  }
  std::string notes(StatusLabel(st, en));
  if (auto cls = ParseClassification(it.T(store::kClassification))) notes += " — " + std::string(ClassificationLabel(*cls, en));
  if (st == Status::kMerged && it.O(store::kMergedIntoCode)) notes += (en ? ": handled with " : ": xử lý chung với ") + it.T(store::kMergedIntoCode);
  if (st == Status::kPublished) notes += ". " + it.T(store::kPublicAnswer);
  std::string agency = en && !it.T(store::kAgencyNameEn).empty() ? it.T(store::kAgencyNameEn) : it.T(store::kAgencyName);
  // The petitioner's own text is public only once published, with personal data hidden.
  std::string description = st == Status::kPublished ? it.T(store::kPublicContent) : std::string();
  return json::object{{"service_request_id", it.T(store::kCode)},
                      {"status", Open311Status(st)},
                      {"status_notes", notes},
                      {"service_name", service_name},
                      {"service_code", it.T(store::kCategory)},
                      {"description", description},
                      {"agency_responsible", agency},
                      {"service_notice", ""},
                      {"requested_datetime", LocalOrNull(it.O(store::kReceivedAt))},
                      {"updated_datetime", LocalOrNull(it.O(store::kUpdatedAt))},
                      {"expected_datetime", LocalOrNull(it.O(store::kDueAt))},
                      {"address", it.T(store::kLocation)},
                      {"address_id", ""},
                      {"zipcode", ""},
                      {"lat", Number(it.O(store::kLat))},
                      {"long", Number(it.O(store::kLon))},
                      {"media_url", it.T(store::kMediaUrl)}};
}

core::Result<json::array> Service::Open311Requests(const std::vector<std::string>& ids, const std::string& service_code,
                                                   const std::string& start, const std::string& end, const std::string& status,
                                                   std::size_t page, std::size_t page_size, bool en) {
  std::vector<ServiceType> types = ServiceTypes(en);
  auto c = db_.Acquire();
  json::array out;
  if (!ids.empty()) {
    for (const auto& id : ids) {
      auto r = c->Execute(store::kByCode, {id});
      if (!r.Empty()) out.push_back(Open311Request(*c, r, 0, types, en));
    }
    return out;
  }
  auto r = c->Execute(store::kOpen311List, {start, end, service_code, status, static_cast<std::int64_t>(page_size),
                                            static_cast<std::int64_t>((page - 1) * page_size)});
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back(Open311Request(*c, r, i, types, en));
  return out;
}

core::Result<std::string> Service::CodeOfToken(const std::string& token) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kById, {token});
  if (r.Empty()) return core::Fail(ErrorCode::kNotFound, "no such token");
  return r.Text(0, store::kCode);
}

core::Result<json::object> Service::IssueKey(const Principal& who, const json::object& body) {
  if (!who.HasRole(Role::kSysadmin)) return core::Fail(ErrorCode::kForbidden, "Chỉ quản trị hệ thống cấp khóa Open311. / Only system administrators issue Open311 keys.");
  Reader in(body);
  std::string name = in.Text("name", 200, true);
  if (!in.errors.empty()) return Invalid("Cần tên đơn vị tích hợp. / The integrator's name is needed.", std::move(in.errors));
  std::string key = "o311_" + crypto::RandomHex(24);
  std::string id = core::Uuid::NewV7().ToString(), now = Now();
  auto c = db_.Acquire();
  c->Execute(store::kInsertKey, {id, name, crypto::Sha256::Hex(key), who.account_id, now});
  return json::object{{"id", id}, {"name", name}, {"api_key", key}, {"created_at", LocalOrNull(now)}};
}

core::Result<json::object> Service::ListKeys(const Principal& who) {
  if (!who.HasRole(Role::kSysadmin)) return core::Fail(ErrorCode::kForbidden, "Chỉ quản trị hệ thống. / System administrators only.");
  auto c = db_.Acquire();
  auto r = c->Execute(store::kKeys, {});
  json::array items;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    items.push_back(json::object{{"id", r.Text(i, 0)}, {"name", r.Text(i, 1)}, {"created_at", LocalOrNull(r.OptText(i, 3))},
                                 {"created_by", r.Text(i, 6)}, {"revoked_at", LocalOrNull(r.OptText(i, 4))},
                                 {"last_used_at", LocalOrNull(r.OptText(i, 5))}, {"requests", r.Int(i, 7)}});
  }
  return json::object{{"items", std::move(items)}};
}

core::Result<void> Service::RevokeKey(const Principal& who, const std::string& id) {
  if (!who.HasRole(Role::kSysadmin)) return core::Fail(ErrorCode::kForbidden, "Chỉ quản trị hệ thống. / System administrators only.");
  auto c = db_.Acquire();
  if (c->Execute(store::kRevokeKey, {id, Now()}).affected != 1) return core::Fail(ErrorCode::kNotFound, "Không có khóa này. / No such key.");
  return {};
}

DeadlineWatcher::DeadlineWatcher(Service& service, std::chrono::seconds interval)
    : job_("feedback deadline watcher", interval, [&service] {
        auto r = service.WatchDeadlines(Clock::now());
        if (r.overdue > 0) core::Log(core::LogLevel::kInfo, "feedback deadline watcher", {{"overdue", static_cast<std::int64_t>(r.overdue)}});
      }) {}

}  // namespace motcua::feedback

#include "dossier/service.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/log.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "crypto/sha256.hpp"
#include "db/refusals.hpp"
#include "http/message.hpp"
#include "dossier/form.hpp"
#include "dossier/store.hpp"
#include "dossier/workflow.hpp"
#include "notify/outbox.hpp"
#include "text/fold.hpp"

namespace motcua::dossier {

namespace json = boost::json;
using core::ErrorCode;
using core::Fail;
using identity::Principal;
using identity::Role;
using Clock = std::chrono::system_clock;

namespace {

constexpr std::string_view kAllowedTypes[] = {"application/pdf", "image/jpeg", "image/png"};

std::string Now() { return core::NowUtc(); }

calendar::Instant ToInstant(Clock::time_point t) { return std::chrono::floor<std::chrono::seconds>(t); }

std::optional<calendar::Instant> ParseInstant(std::string_view s) {
  // Accepts what we store (`…Z`) and RFC 3339 with an offset.
  int y, mo, d, h, mi, se;
  if (s.size() < 19 || std::sscanf(std::string(s).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)), std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  auto t = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(se);
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  if (i == s.size()) return std::nullopt;
  if (s[i] == 'Z' && i + 1 == s.size()) return calendar::Instant(t);
  int oh, om;
  if ((s[i] == '+' || s[i] == '-') && s.size() == i + 6 && std::sscanf(std::string(s.substr(i + 1)).c_str(), "%2d:%2d", &oh, &om) == 2) {
    auto off = std::chrono::hours(oh) + std::chrono::minutes(om);
    return calendar::Instant(s[i] == '+' ? t - off : t + off);
  }
  return std::nullopt;
}

std::string Utc(calendar::Instant t) { return core::FormatUtc(Clock::time_point(t)); }

// RFC 3339 in Vietnam's time, as the API answers instants (DESIGN.md §6).
std::string Local(const std::optional<std::string>& utc) {
  if (!utc || utc->empty()) return "";
  auto t = ParseInstant(*utc);
  if (!t) return *utc;
  return calendar::FormatLocal(*t);
}

json::value LocalOrNull(const std::optional<std::string>& utc) {
  std::string s = Local(utc);
  return s.empty() ? json::value(nullptr) : json::value(s);
}

db::Value Opt(const std::optional<std::string>& s) { return s ? db::Value(*s) : db::Value(nullptr); }
db::Value OptInt(const std::optional<std::int64_t>& i) { return i ? db::Value(*i) : db::Value(nullptr); }

json::object ParseObject(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return (!ec && v.is_object()) ? v.as_object() : json::object{};
}

std::string Str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return (it != o.end() && it->value().is_string()) ? std::string(it->value().as_string()) : std::string();
}

auto Invalid(std::string msg, std::vector<core::FieldError> fields = {}) {
  return core::Fail(ErrorCode::kInvalidArgument, std::move(msg), std::move(fields));
}

// ---- the dossier row ----

struct Row {
  std::string id, code, procedure_code, procedure_name, case_code, case_name, channel, agency_id, agency_path;
  std::string handling_agency_id, handling_path;
  std::optional<std::string> owner;
  std::string applicant_name, applicant_id_number, summary;
  json::object body;
  int status = 1;
  std::string stage;
  std::optional<std::int64_t> resume_status;
  std::optional<std::string> resume_stage, assignee, received_at, due_at, step_due_at, finished_at, returned_at;
  std::string submitted_at, duration_unit;
  std::int64_t duration_minutes = 0, supplements = 0, apologies = 0, at_risk = 0, overdue = 0, version = 0;
  std::optional<std::string> bundle_id;
};

Row ReadRow(const db::ResultSet& r, std::size_t i) {
  using namespace store;
  Row d;
  d.id = r.Text(i, kId);
  d.code = r.Text(i, kCode);
  d.procedure_code = r.Text(i, kProcedureCode);
  d.procedure_name = r.Text(i, kProcedureName);
  d.case_code = r.Text(i, kCaseCode);
  d.case_name = r.Text(i, kCaseName);
  d.channel = r.Text(i, kChannel);
  d.agency_id = r.Text(i, kAgencyId);
  d.agency_path = r.Text(i, kAgencyPath);
  d.handling_agency_id = r.Text(i, kHandlingAgencyId);
  d.handling_path = r.Text(i, kHandlingPath);
  d.owner = r.OptText(i, kOwner);
  d.applicant_name = r.Text(i, kApplicantName);
  d.applicant_id_number = r.Text(i, kApplicantIdNumber);
  d.body = ParseObject(r.Text(i, kBody));
  d.summary = r.Text(i, kSummary);
  d.status = static_cast<int>(r.Int(i, kStatus));
  d.stage = r.Text(i, kStage);
  if (!r.IsNull(i, kResumeStatus)) d.resume_status = r.Int(i, kResumeStatus);
  d.resume_stage = r.OptText(i, kResumeStage);
  d.assignee = r.OptText(i, kAssignee);
  d.submitted_at = r.Text(i, kSubmittedAt);
  d.received_at = r.OptText(i, kReceivedAt);
  d.due_at = r.OptText(i, kDueAt);
  d.step_due_at = r.OptText(i, kStepDueAt);
  d.finished_at = r.OptText(i, kFinishedAt);
  d.returned_at = r.OptText(i, kReturnedAt);
  d.duration_minutes = r.Int(i, kDurationMinutes);
  d.duration_unit = r.Text(i, kDurationUnit);
  d.supplements = r.Int(i, kSupplements);
  d.apologies = r.Int(i, kApologies);
  d.at_risk = r.Int(i, kAtRisk);
  d.overdue = r.Int(i, kOverdue);
  d.bundle_id = r.OptText(i, kBundleId);
  d.version = r.Int(i, kVersion);
  return d;
}

std::optional<Row> FindRow(db::Connection& c, const std::string& code) {
  auto r = c.Execute(store::kDossierByCode, {code});
  if (r.Empty()) return std::nullopt;
  return ReadRow(r, 0);
}

struct Agency {
  std::string id, code, name, path, address, name_en;
};

std::optional<Agency> ReadAgency(const db::ResultSet& r) {
  if (r.Empty()) return std::nullopt;
  return Agency{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Text(0, 3), r.Text(0, 4), r.Text(0, 5)};
}
std::optional<Agency> AgencyById(db::Connection& c, const std::string& id) { return ReadAgency(c.Execute(store::kAgencyById, {id})); }
std::optional<Agency> AgencyByCode(db::Connection& c, const std::string& code) { return ReadAgency(c.Execute(store::kAgencyByCode, {code})); }

bool Covers(const Principal& p, std::string_view path) {
  return p.kind == identity::AccountKind::kOfficer && !p.enrolment_required && p.CoversAgency(path);
}

bool OfficerRoleIn(const Principal& p, Role role, std::string_view path) {
  return Covers(p, path) && (p.HasRole(role) || p.HasRole(Role::kSysadmin));
}

struct Participant {
  std::string agency_id, agency_path, role, request;
  std::optional<std::string> due_at, answered_at;
  std::string answer, agency_name;
};

std::vector<Participant> Participants(db::Connection& c, const std::string& id) {
  std::vector<Participant> out;
  auto r = c.Execute(store::kParticipants, {id});
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    out.push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.OptText(i, 4), r.OptText(i, 5), r.Text(i, 6), r.Text(i, 7)});
  }
  return out;
}

bool IsOwner(const Principal& p, const Row& d) { return d.owner && *d.owner == p.account_id && p.kind != identity::AccountKind::kOfficer; }

// Who may see a dossier at all: its owner, officers of the agencies it passes through, sysadmins.
bool Visible(const Principal& p, const Row& d, const std::vector<Participant>& parts) {
  if (IsOwner(p, d)) return true;
  if (p.kind != identity::AccountKind::kOfficer || p.enrolment_required) return false;
  if (p.HasRole(Role::kSysadmin)) return true;
  if (p.CoversAgency(d.agency_path) || p.CoversAgency(d.handling_path)) return true;
  return std::any_of(parts.begin(), parts.end(), [&](const Participant& x) { return p.CoversAgency(x.agency_path); });
}

Actor ActorOf(const Principal& p, const Row& d, const std::vector<Participant>& parts) {
  Actor a;
  a.owner = IsOwner(p, d);
  a.receiver_at_receiving = OfficerRoleIn(p, Role::kReceiver, d.agency_path);
  a.receiver_at_handling = OfficerRoleIn(p, Role::kReceiver, d.handling_path);
  a.specialist_at_handling = OfficerRoleIn(p, Role::kSpecialist, d.handling_path);
  a.leader_at_handling = OfficerRoleIn(p, Role::kLeader, d.handling_path);
  a.is_assignee = d.assignee && *d.assignee == p.account_id;
  for (const auto& x : parts) {
    if (x.role == "consulted" && !x.answered_at && Covers(p, x.agency_path)) a.consulted_officer = true;
  }
  return a;
}

}  // namespace

std::string SniffContentType(std::string_view h) {
  if (h.starts_with("%PDF-")) return "application/pdf";
  if (h.size() >= 3 && static_cast<unsigned char>(h[0]) == 0xFF && static_cast<unsigned char>(h[1]) == 0xD8 &&
      static_cast<unsigned char>(h[2]) == 0xFF) {
    return "image/jpeg";
  }
  if (h.starts_with(std::string_view("\x89PNG\r\n\x1a\n", 8))) return "image/png";
  return "";
}

namespace {

// ---- procedure, case, channel: what a submission is built from ----

std::string ChannelName(int k) { return k == 2 ? "online" : k == 3 ? "post" : "in_person"; }
int ChannelNumber(std::string_view c) { return c == "online" ? 2 : c == "post" ? 3 : c == "in_person" ? 1 : 0; }

struct DocRule {
  std::string code, name, form_name, form_url;
  int originals = 0, copies = 0;
  bool required = true, in_person_allowed = false;
  std::vector<std::string> allowed_types;
  std::int64_t max_bytes = 0;
};

struct CaseInfo {
  std::string code, name;
  std::vector<std::string> steps;
  std::vector<DocRule> documents;
  json::value form;  // null when the case has no e-form
};

struct ChannelInfo {
  std::string channel;
  double duration = 0;
  std::string unit;
  std::vector<catalog::Fee> fees;
};

struct Plan {
  const catalog::Procedure* procedure = nullptr;
  std::shared_ptr<const catalog::Snapshot> snapshot;  // keeps `procedure` alive
  std::vector<CaseInfo> cases;
  std::vector<ChannelInfo> channels;
  json::object config;
};

bool Optional(const std::string& name) {
  return name.find("(nếu có)") != std::string::npos || name.find("(néu có)") != std::string::npos;
}

std::optional<Plan> BuildPlan(std::shared_ptr<const catalog::Snapshot> snapshot, const std::string& code,
                              const std::string& config_text, std::int64_t max_bytes) {
  Plan plan;
  plan.snapshot = std::move(snapshot);
  plan.procedure = plan.snapshot->procedures->Find(code);
  if (plan.procedure == nullptr) return std::nullopt;
  if (!config_text.empty()) plan.config = ParseObject(config_text);
  const json::object* cases_cfg = nullptr;
  if (auto it = plan.config.find("cases"); it != plan.config.end() && it->value().is_object()) cases_cfg = &it->value().as_object();
  json::value default_form = nullptr;
  if (auto it = plan.config.find("form"); it != plan.config.end()) default_form = it->value();
  std::size_t n = 0;
  for (const auto& k : plan.procedure->cases) {
    CaseInfo ci;
    ci.code = std::to_string(++n);
    ci.name = k.name;
    ci.steps = k.steps;
    ci.form = default_form;
    const json::object* case_cfg = nullptr;
    if (cases_cfg) {
      if (auto it = cases_cfg->find(ci.code); it != cases_cfg->end() && it->value().is_object()) case_cfg = &it->value().as_object();
    }
    if (case_cfg) {
      if (auto it = case_cfg->find("form"); it != case_cfg->end()) ci.form = it->value();
    }
    for (const auto& doc : k.documents) {
      DocRule r;
      r.code = doc.code;
      r.name = doc.name;
      r.form_name = doc.form_name;
      r.form_url = doc.form_url;
      r.originals = doc.originals;
      r.copies = doc.copies;
      // What the national databases can supply (a result-substitute code) or what the list marks
      // "nếu có" is not demanded unless the agency says so.
      r.required = !Optional(doc.name) && doc.result_substitute.empty();
      r.allowed_types.assign(std::begin(kAllowedTypes), std::end(kAllowedTypes));
      r.max_bytes = max_bytes;
      if (case_cfg) {
        if (auto d = case_cfg->find("documents"); d != case_cfg->end() && d->value().is_object()) {
          if (auto e = d->value().as_object().find(doc.code); e != d->value().as_object().end() && e->value().is_object()) {
            const auto& o = e->value().as_object();
            if (auto v = o.find("required"); v != o.end() && v->value().is_bool()) r.required = v->value().as_bool();
            if (auto v = o.find("in_person_allowed"); v != o.end() && v->value().is_bool()) r.in_person_allowed = v->value().as_bool();
            if (auto v = o.find("max_bytes"); v != o.end() && v->value().is_int64()) r.max_bytes = std::min(v->value().as_int64(), max_bytes);
            if (auto v = o.find("allowed_types"); v != o.end() && v->value().is_array()) {
              r.allowed_types.clear();
              for (const auto& t : v->value().as_array()) if (t.is_string()) r.allowed_types.emplace_back(t.as_string());
            }
          }
        }
      }
      ci.documents.push_back(std::move(r));
    }
    plan.cases.push_back(std::move(ci));
  }
  if (plan.cases.empty()) plan.cases.push_back(CaseInfo{"1", "", {}, {}, default_form});
  for (const auto& ch : plan.procedure->channels) {
    if (ch.durations.empty()) continue;
    const auto& d = ch.durations.front();
    plan.channels.push_back({ChannelName(ch.channel), d.value, d.unit, d.fees});
  }
  // A full or partial online service accepts online dossiers even when the record lists no
  // online channel; it then takes the in-person duration and fees.
  bool has_online = std::any_of(plan.channels.begin(), plan.channels.end(), [](const ChannelInfo& x) { return x.channel == "online"; });
  const auto& sc = plan.procedure->service_class;
  if (!has_online && (sc == "full_online" || sc == "partial_online") && !plan.channels.empty()) {
    ChannelInfo online = plan.channels.front();
    online.channel = "online";
    plan.channels.push_back(online);
  }
  if (sc == "info_only") {
    std::erase_if(plan.channels, [](const ChannelInfo& x) { return x.channel == "online"; });
  }
  return plan;
}

}  // namespace

// Built plans, until the catalog snapshot or the procedure's configuration changes: the
// configuration's revision is still read every time (so every node sees an edit at once), but
// the configuration itself is read, its e-forms parsed and the cases assembled only when the
// revision differs from the cached plan's.
class PlanCache {
 public:
  std::shared_ptr<const Plan> Get(catalog::Catalog& cat, db::Connection& c, const std::string& code, std::int64_t max_bytes) {
    auto snapshot = cat.Current();
    auto rev = c.Execute(store::kConfigRevision, {code});
    std::int64_t revision = rev.Empty() ? 0 : rev.Int(0, 0);  // 0: no configuration, the defaults
    {
      std::lock_guard lock(mu_);
      if (snapshot != snapshot_) {
        plans_.clear();  // a new catalog: nothing built from the old one is kept alive
        snapshot_ = snapshot;
      } else if (auto it = plans_.find(code); it != plans_.end() && it->second.revision == revision && it->second.max_bytes == max_bytes) {
        return it->second.plan;
      }
    }
    // The text and its revision in one statement: a save in between is read whole or not at all.
    auto cfg = revision == 0 ? db::ResultSet{} : c.Execute(store::kFindConfig, {code});
    std::string text = cfg.Empty() ? std::string() : cfg.Text(0, 0);
    revision = cfg.Empty() ? 0 : cfg.Int(0, 3);
    auto built = BuildPlan(snapshot, code, text, max_bytes);
    if (!built) return nullptr;
    auto plan = std::make_shared<const Plan>(std::move(*built));
    std::lock_guard lock(mu_);
    if (snapshot == snapshot_) {
      if (plans_.size() >= kMaxPlans) plans_.clear();
      plans_[code] = Entry{revision, max_bytes, plan};
    }
    return plan;
  }

 private:
  static constexpr std::size_t kMaxPlans = 4096;
  struct Entry {
    std::int64_t revision = 0;
    std::int64_t max_bytes = 0;
    std::shared_ptr<const Plan> plan;
  };
  std::mutex mu_;
  std::shared_ptr<const catalog::Snapshot> snapshot_;
  std::unordered_map<std::string, Entry> plans_;
};

Service::Service(db::Database& db, catalog::Catalog& catalog, db::BlobStore& blobs, CalendarFor calendar, Limits limits)
    : db_(db), catalog_(catalog), blobs_(blobs), calendar_(std::move(calendar)), limits_(limits),
      plans_(std::make_shared<PlanCache>()) {}

namespace {

json::array FeesJson(const std::vector<catalog::Fee>& fees) {
  json::array a;
  for (const auto& f : fees) a.push_back(json::object{{"code", f.code}, {"amount", f.amount}, {"kind", f.kind}, {"description", f.description}});
  return a;
}

// The agencies of this deployment that receive a procedure: those the catalog names by code,
// then those the procedure configuration lists (`agencies`), which is how a deployment says
// which of its communes or districts handle a procedure the catalog names only by level.
std::vector<Agency> ReceivingAgencies(db::Connection& c, const catalog::Procedure& p, const json::object& config = {}) {
  std::vector<Agency> out;
  std::set<std::string> seen;
  std::vector<std::string> codes;
  for (const auto& a : p.implementing) codes.push_back(a.code);
  if (auto it = config.find("agencies"); it != config.end() && it->value().is_array()) {
    for (const auto& v : it->value().as_array()) if (v.is_string()) codes.emplace_back(v.as_string());
  }
  for (const auto& code : codes) {
    if (code.empty() || !seen.insert(code).second) continue;
    if (auto ag = AgencyByCode(c, code)) out.push_back(*ag);
  }
  return out;
}

// Working minutes (or calendar days, for unit "days") a channel's legal duration is worth.
std::int64_t DurationMinutes(const ChannelInfo& ch) {
  if (ch.unit == "days") return static_cast<std::int64_t>(ch.duration * 24 * 60);
  if (ch.unit == "hours" || ch.unit == "working_hours") return static_cast<std::int64_t>(ch.duration * 60);
  return static_cast<std::int64_t>(ch.duration * calendar::kHoursPerWorkingDay * 60);
}

calendar::Instant DueFrom(const calendar::WorkCalendar& cal, calendar::Instant start, std::int64_t minutes, const std::string& unit) {
  if (unit == "days") return cal.AddCalendarDays(start, static_cast<int>(minutes / (24 * 60)));
  return cal.AddWorkingHours(start, calendar::Minutes(minutes));
}

json::object Prefilled(const Principal& who, const json::value& form) {
  if (!who.profile || form.is_null()) return {};
  const auto& p = *who.profile;
  PrefillSource src;
  const std::pair<const char*, const std::string*> fields[] = {
      {"full_name", &p.full_name}, {"id_number", &p.personal_id}, {"birth_date", &p.birth_date},
      {"gender", &p.gender},       {"email", &p.email},           {"phone", &p.phone},
      {"address", &p.address},     {"tax_code", &p.tax_code},     {"business_name", &p.business_name}};
  for (const auto& [key, value] : fields) {
    if (!value->empty()) src.values.emplace_back(key, *value);
  }
  return Prefill(form, src);
}

}  // namespace

core::Result<Service::Upload> Service::StartUpload(std::string name, std::string content_type,
                                                  std::optional<std::uint64_t> declared) const {
  if (name.empty() || name.size() > 255 || name.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) {
    return Invalid("Tên tệp không hợp lệ (1–255 ký tự, không có / hoặc \\). / The file name is not valid (1–255 characters, no / or \\).",
                   {{"name", "invalid"}});
  }
  if (declared && *declared > static_cast<std::uint64_t>(limits_.max_attachment_bytes)) {
    return Fail(ErrorCode::kPayloadTooLarge, "Tệp quá lớn (tối đa 10 MB). / The file is too large (10 MB at most).");
  }
  if (auto semi = content_type.find(';'); semi != std::string::npos) content_type.resize(semi);
  if (content_type == "image/jpg") content_type = "image/jpeg";
  if (std::find(std::begin(kAllowedTypes), std::end(kAllowedTypes), content_type) == std::end(kAllowedTypes)) {
    return Fail(ErrorCode::kUnsupportedMedia, "Chỉ nhận tệp PDF, JPEG hoặc PNG. / Only PDF, JPEG or PNG files are accepted.");
  }
  return Upload{std::move(name), std::move(content_type), 0, false, nullptr};
}

core::Result<void> Service::CheckUpload(Upload& u, std::string_view received, bool end) const {
  std::int64_t total = u.size + static_cast<std::int64_t>(received.size());
  if (total > limits_.max_attachment_bytes) {
    return Fail(ErrorCode::kPayloadTooLarge, "Tệp quá lớn (tối đa 10 MB). / The file is too large (10 MB at most).");
  }
  if (end && total == 0) return Invalid("Tệp rỗng. / The file is empty.", {{"file", "empty"}});
  // The first 16 bytes are all in `received` until the first append (which needs them sniffed).
  if (!u.sniffed && (received.size() >= 16 || end)) {
    if (SniffContentType(received.substr(0, 16)) != u.content_type) {
      return Fail(ErrorCode::kUnsupportedMedia,
                  "Nội dung tệp không đúng định dạng đã khai (" + u.content_type + "). / The file's content is not " + u.content_type + ".");
    }
    u.sniffed = true;
  }
  return {};
}

core::Result<void> Service::AppendUpload(Upload& u, std::string_view bytes) {
  if (!u.sniffed) return Fail(ErrorCode::kInternal, "an upload was appended to before its content was checked");
  if (!u.writer) u.writer = blobs_.NewWriter(limits_.max_attachment_bytes);
  for (std::size_t off = 0; off < bytes.size(); off += 64 * 1024) {
    auto w = u.writer->Write(bytes.substr(off, 64 * 1024));
    if (!w) return std::unexpected(w.error());
  }
  u.size += static_cast<std::int64_t>(bytes.size());
  return {};
}

core::Result<json::object> Service::FinishUpload(const Principal& who, Upload& u) {
  if (!u.writer || u.size == 0) return Invalid("Tệp rỗng. / The file is empty.", {{"file", "empty"}});
  std::string id = core::Uuid::NewV7().ToString();
  std::string now = Now();
  // The attachment row commits with the blob's metadata: one write instead of two. The bytes
  // are already on disk (fsynced before the row is written); the row itself need not wait for
  // the database's disk: the submission that claims the file commits durably and takes it
  // along, and an upload lost to a database crash before that is refused by the submission
  // as unknown, so the applicant uploads it again. Nothing answered 201 as a dossier is lost.
  db::BlobWriter::Also row(
      [&](db::Connection& c, const db::BlobInfo& stored) {
        c.ExecuteLater(store::kInsertAttachment, {id, who.account_id, stored.sha256, u.name, u.content_type, u.size, now});
      },
      /*defer=*/true);
  auto info = u.writer->Commit(u.content_type, row);
  u.writer.reset();
  if (!info) return std::unexpected(info.error());
  return json::object{{"id", id}, {"name", u.name}, {"content_type", u.content_type}, {"size", u.size}, {"sha256", info->sha256}};
}

core::Result<json::object> Service::Attachment(const Principal& who, const std::string& id) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kFindAttachment, {id});
  if (r.Empty()) return Fail(ErrorCode::kNotFound, "Không có tệp này. / No such file.");
  bool ok = r.Text(0, 1) == who.account_id;
  if (!ok && !r.IsNull(0, 6)) {
    auto d = c->Execute(store::kDossierById, {r.Text(0, 6)});
    if (!d.Empty()) {
      Row row = ReadRow(d, 0);
      ok = Visible(who, row, Participants(*c, row.id));
    }
  }
  if (!ok) return Fail(ErrorCode::kNotFound, "Không có tệp này. / No such file.");
  return json::object{{"id", id}, {"sha256", r.Text(0, 2)}, {"name", r.Text(0, 3)}, {"content_type", r.Text(0, 4)}, {"size", r.Int(0, 5)}};
}

core::Result<json::object> Service::SubmissionTemplate(const Principal& who, const std::string& code, bool en) {
  auto c = db_.Acquire();
  auto plan = plans_->Get(catalog_, *c, code, limits_.max_attachment_bytes);
  if (!plan) return Fail(ErrorCode::kNotFound, "Không có thủ tục này hoặc thủ tục chưa được công bố. / No published procedure with this code.");
  json::array cases;
  for (const auto& k : plan->cases) {
    json::array docs;
    for (const auto& d : k.documents) {
      json::array types;
      for (const auto& t : d.allowed_types) types.push_back(json::string(t));
      docs.push_back(json::object{{"code", d.code}, {"name", d.name}, {"originals", d.originals}, {"copies", d.copies},
                                  {"form_name", d.form_name}, {"form_url", d.form_url}, {"required", d.required},
                                  {"in_person_allowed", d.in_person_allowed}, {"allowed_types", types}, {"max_bytes", d.max_bytes}});
    }
    json::array steps;
    for (const auto& s : k.steps) steps.push_back(json::string(s));
    cases.push_back(json::object{{"code", k.code}, {"name", k.name}, {"steps", steps}, {"form", k.form}, {"documents", docs},
                                 {"prefill", Prefilled(who, k.form)}});
  }
  json::array channels;
  for (const auto& ch : plan->channels) {
    channels.push_back(json::object{{"channel", ch.channel}, {"duration", ch.duration}, {"unit", ch.unit}, {"fees", FeesJson(ch.fees)}});
  }
  json::array agencies;
  for (const auto& a : ReceivingAgencies(*c, *plan->procedure, plan->config)) {
    agencies.push_back(json::object{{"id", a.id}, {"code", a.code}, {"name", en && !a.name_en.empty() ? a.name_en : a.name}});
  }
  json::object prefill = plan->cases.empty() ? json::object{} : Prefilled(who, plan->cases.front().form);
  return json::object{{"procedure_code", plan->procedure->code},
                      {"procedure_name", en && !plan->procedure->name_en.empty() ? plan->procedure->name_en : plan->procedure->name},
                      {"service_class", plan->procedure->service_class},
                      {"cases", cases}, {"channels", channels}, {"agencies", agencies}, {"prefill", prefill},
                      {"payment_at_submission", plan->config.contains("payment_at_submission") && plan->config.at("payment_at_submission").is_bool() &&
                                                    plan->config.at("payment_at_submission").as_bool()}};
}

// ---- drafts ----

namespace {
json::object DraftJson(const db::ResultSet& r, std::size_t i) {
  json::object body = ParseObject(r.Text(i, 2));
  body["id"] = r.Text(i, 0);
  body["procedure_code"] = r.Text(i, 1);
  body["created_at"] = Local(r.Text(i, 3));
  body["updated_at"] = Local(r.Text(i, 4));
  return body;
}
}  // namespace

core::Result<json::object> Service::ListDrafts(const Principal& who) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kDrafts, {who.account_id});
  auto snap = catalog_.Current();
  json::array items;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    json::object d = DraftJson(r, i);
    const auto* p = snap->procedures->Find(r.Text(i, 1));
    d["procedure_name"] = p ? p->name : "";
    if (std::string bundle = Str(d, "bundle_code"); !bundle.empty()) {
      if (const auto* b = snap->FindBundle(bundle)) d["bundle_name"] = Str(*b, "name");
    }
    items.push_back(std::move(d));
  }
  return json::object{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

core::Result<json::object> Service::SaveDraft(const Principal& who, const std::string& id, const json::object& body) {
  // A draft of one procedure's dossier (procedure_code), or of a life-event bundle's
  // (bundle_code, its procedure_code column empty).
  std::string code = Str(body, "procedure_code");
  std::string bundle_code = Str(body, "bundle_code");
  if (!bundle_code.empty()) {
    if (!code.empty()) return Invalid("Bản nháp thuộc một thủ tục hoặc một nhóm, không cả hai. / A draft is of a procedure or of a bundle, not both.", {{"bundle_code", "either"}});
    auto snap = catalog_.Current();
    if (snap->FindBundle(bundle_code) == nullptr) return Invalid("Không có nhóm thủ tục này. / No such bundle.", {{"bundle_code", "unknown"}});
  } else if (code.empty() || code.size() > 20) {
    return Invalid("Thiếu mã thủ tục. / procedure_code is required.", {{"procedure_code", "required"}});
  }
  if (json::serialize(body).size() > kMaxFormBytes) return Fail(ErrorCode::kPayloadTooLarge, "Bản nháp quá lớn. / The draft is too large.");
  json::object kept;
  for (const char* k : {"case_code", "channel", "agency_id", "form", "documents", "summary", "fee_code", "representative", "step",
                        "bundle_code", "children"}) {
    if (auto it = body.find(k); it != body.end()) kept[k] = it->value();
  }
  auto c = db_.Acquire();
  std::string now = Now();
  std::string draft_id = id;
  if (draft_id.empty()) {
    auto count = c->Execute(store::kDrafts, {who.account_id});
    if (count.rows.size() >= 100) return Fail(ErrorCode::kConflict, "Bạn đã có 100 bản nháp; hãy xóa bớt. / You already have 100 drafts; delete some first.");
    draft_id = core::Uuid::NewV7().ToString();
    c->Execute(store::kInsertDraft, {draft_id, who.account_id, code, json::serialize(kept), now});
  } else {
    auto r = c->Execute(store::kUpdateDraft, {draft_id, who.account_id, code, json::serialize(kept), now});
    if (r.affected == 0) return Fail(ErrorCode::kNotFound, "Không có bản nháp này. / No such draft.");
  }
  auto r = c->Execute(store::kFindDraft, {draft_id, who.account_id});
  return DraftJson(r, 0);
}

core::Result<json::object> Service::GetDraft(const Principal& who, const std::string& id) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kFindDraft, {id, who.account_id});
  if (r.Empty()) return Fail(ErrorCode::kNotFound, "Không có bản nháp này. / No such draft.");
  return DraftJson(r, 0);
}

core::Result<void> Service::DeleteDraft(const Principal& who, const std::string& id) {
  auto c = db_.Acquire();
  auto r = c->Execute(store::kDeleteDraft, {id, who.account_id});
  if (r.affected == 0) return Fail(ErrorCode::kNotFound, "Không có bản nháp này. / No such draft.");
  return {};
}

// ---- submission ----

namespace {

// One entry of a dossier's history as the API shows it.
struct EventView {
  std::string at, action, stage, agency_name, note, actor_name, actor_role;
  int to = 0;
  json::object data;
};

// What a dossier's answer shows besides its row; DossierJson reads it, a submission knows it.
struct DossierParts {
  std::vector<Participant> participants;
  json::object agency, handling_agency;
  json::array history;
  std::optional<json::object> rating;
  std::string assignee_name;
  Process process;  ///< the procedure's process definition (the default for a new dossier)
};

json::object DossierJson(db::Connection& c, const Row& d, const Principal* who, const CalendarFor& calendar, bool en, bool full);
json::object DossierJsonOf(const Row& d, const DossierParts& parts, const Principal* who, const calendar::WorkCalendar& cal,
                           bool en, bool full);
json::object EventJson(const EventView& v, bool en, bool with_people);
json::object AgencyJson(const Agency& a, bool en);

std::string YyMmDd(calendar::Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%02u%02u", static_cast<int>(d.year()) % 100, static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}
std::string IsoDate(calendar::Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

// Working hours allotted to each stage (DOMAIN.md §3.8 "per-step personal due date"); an
// agency changes them in the procedure's config under "steps", and a review step's under
// `workflow.reviews[].hours`.
std::int64_t StageMinutes(const json::object& config, const std::string& stage) {
  if (auto it = config.find("steps"); it != config.end() && it->value().is_object()) {
    if (auto s = it->value().as_object().find(stage); s != it->value().as_object().end() && s->value().is_number()) {
      return static_cast<std::int64_t>(s->value().to_number<double>() * 60);
    }
  }
  if (stage == "submitted") return 8 * 60;
  if (stage == "received") return 4 * 60;
  if (stage == "awaiting_approval") return 8 * 60;
  if (stage == "approved") return 4 * 60;
  if (stage == "result_ready") return 8 * 60;
  return 0;  // processing: what is left before the due date
}

void AddEvent(db::Connection& c, const std::string& dossier_id, const std::string& at, std::string_view action, std::optional<int> from,
              int to, const std::string& stage, const Principal* who, const std::string& role, const std::optional<Agency>& agency,
              const std::string& note, const json::object& data, std::int64_t seq = 0) {
  // 0: the next after the dossier's last event; a new dossier's first event passes 1.
  if (seq == 0) seq = c.Execute(store::kMaxEventSeq, {dossier_id}).Int(0, 0) + 1;
  c.ExecuteLater(store::kInsertEvent, {dossier_id, seq, at, std::string(action), from ? db::Value(std::int64_t{*from}) : db::Value(nullptr),
                                  std::int64_t{to}, stage, who ? who->account_id : std::string(), who ? who->display_name : std::string(),
                                  role, agency ? db::Value(agency->id) : db::Value(nullptr), agency ? agency->name : std::string(), note,
                                  json::serialize(data)});
}

// A review step's allotted minutes: its own hours, or for the default step (no hours of its
// own) what `steps.awaiting_approval` says.
std::int64_t ReviewMinutes(const json::object& config, const Review& r) {
  return r.hours ? static_cast<std::int64_t>(*r.hours * 60) : StageMinutes(config, "awaiting_approval");
}

// When a step entered now is due: its allotted working hours, or for processing the time
// left before the dossier's due date less what the review steps and issuing are allotted. A
// review step allotted 0 hours is due with the dossier. `process`: the procedure's (read from
// `config` when not given).
std::optional<std::string> StepDue(const calendar::WorkCalendar& cal, const std::string& stage, calendar::Instant now,
                                   const json::object& config, const std::optional<std::string>& dossier_due,
                                   const Process* process = nullptr) {
  std::optional<Process> read;
  auto proc = [&]() -> const Process& {
    if (process) return *process;
    if (!read) read = ProcessOfConfig(config);
    return *read;
  };
  if (!IsFixedStage(stage)) {
    if (const Review* r = ReviewAt(proc(), kInProcess, stage); r && r->hours) {
      std::int64_t minutes = ReviewMinutes(config, *r);
      if (minutes > 0) return Utc(cal.AddWorkingHours(now, calendar::Minutes(minutes)));
      return dossier_due;
    }
  }
  std::int64_t minutes = StageMinutes(config, stage);
  if (minutes > 0) return Utc(cal.AddWorkingHours(now, calendar::Minutes(minutes)));
  if (!dossier_due) return std::nullopt;
  auto end = ParseInstant(*dossier_due);
  if (!end) return std::nullopt;
  std::int64_t reviews = 0;
  for (const auto& r : proc().reviews) reviews += ReviewMinutes(config, r);
  auto left = cal.WorkingDurationBetween(now, *end).count() - reviews - StageMinutes(config, "approved");
  return Utc(cal.AddWorkingHours(now, calendar::Minutes(std::max<std::int64_t>(left, 60))));
}

// Closes the open step (recording how late it ended) and opens the next one.
std::optional<std::string> EnterStep(db::Connection& c, const calendar::WorkCalendar& cal, const std::string& dossier_id,
                                     const std::string& stage, const std::string& agency_id, calendar::Instant now,
                                     const json::object& config, const std::optional<std::string>& dossier_due, bool terminal,
                                     const Process* process = nullptr) {
  auto open = c.Execute(store::kOpenStep, {dossier_id});
  if (!open.Empty()) {
    std::int64_t late = 0;
    if (auto due = open.OptText(0, 3)) {
      if (auto d = ParseInstant(*due); d && *d < now) late = cal.WorkingDurationBetween(*d, now).count();
    }
    c.ExecuteLater(store::kFinishStep, {dossier_id, open.Int(0, 0), Utc(now), late});
  }
  if (terminal) return std::nullopt;
  auto due = StepDue(cal, stage, now, config, dossier_due, process);
  c.ExecuteLater(store::kInsertStep, {dossier_id, stage, agency_id, Utc(now), Opt(due)});
  return due;
}

// Tells the applicant in the same transaction as the change (Decree 61/2018 Art. 17–19): the
// notify module fans the event out to in-app, e-mail and SMS per their contact data.
void Notify(db::Connection& c, const Row& d, std::string_view event, const json::object& payload, const std::string& now) {
  if (!d.owner) return;
  notify::Enqueue(c, event, *d.owner, json::serialize(payload), now);
}

// The notification event of a workflow action that changes the status.
std::string_view StatusEvent(std::string_view action) {
  if (action == "accept") return "dossier.received";
  if (action == "refuse" || action == "refuse_after_appraisal") return "dossier.refused";
  if (action == "request_supplement") return "dossier.supplement_requested";
  if (action == "request_payment") return "dossier.payment_requested";
  if (action == "issue_result") return "dossier.result_ready";
  return "dossier.status";
}

struct AttachmentRow {
  std::string id, owner, sha256, name, content_type;
  std::int64_t size = 0;
  bool used = false;
};

std::optional<AttachmentRow> FindAttachment(db::Connection& c, const std::string& id) {
  auto r = c.Execute(store::kFindAttachment, {id});
  if (r.Empty()) return std::nullopt;
  return AttachmentRow{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Text(0, 3), r.Text(0, 4), r.Int(0, 5), !r.IsNull(0, 6)};
}

// Reads `documents: [{code, attachment_ids: [...]}]`, checking each file against the rules of
// its required-document entry. Errors point at /documents/<code>.
std::optional<json::array> ReadDocuments(db::Connection& c, const Principal& who, const json::value* v, const std::vector<DocRule>& rules,
                                         std::size_t max_files, std::vector<core::FieldError>& errors, std::vector<std::string>& ids) {
  json::array out;
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) {
    errors.push_back({"/documents", "Danh sách giấy tờ phải là một mảng. / documents must be an array."});
    return std::nullopt;
  }
  std::set<std::string> seen_codes;
  for (const auto& e : v->as_array()) {
    if (!e.is_object()) {
      errors.push_back({"/documents", "Mỗi giấy tờ là một đối tượng {code, attachment_ids}. / Each document is {code, attachment_ids}."});
      continue;
    }
    std::string code = Str(e.as_object(), "code");
    auto rule = std::find_if(rules.begin(), rules.end(), [&](const DocRule& r) { return r.code == code; });
    std::string ptr = "/documents/" + code;
    if (rule == rules.end()) {
      errors.push_back({ptr, "Giấy tờ này không thuộc thành phần hồ sơ của trường hợp đã chọn. / This document is not part of the chosen case."});
      continue;
    }
    if (!seen_codes.insert(code).second) {
      errors.push_back({ptr, "Giấy tờ được liệt kê hai lần. / The document is listed twice."});
      continue;
    }
    json::array files;
    const json::value* list = e.as_object().if_contains("attachment_ids");
    if (list == nullptr || !list->is_array()) {
      errors.push_back({ptr, "Thiếu danh sách tệp (attachment_ids). / attachment_ids is required."});
      continue;
    }
    for (const auto& idv : list->as_array()) {
      if (!idv.is_string()) {
        errors.push_back({ptr, "Mã tệp không hợp lệ. / Not an attachment id."});
        continue;
      }
      std::string id(idv.as_string());
      auto a = FindAttachment(c, id);
      if (!a || a->owner != who.account_id) {
        errors.push_back({ptr, "Không tìm thấy tệp " + id + " trong các tệp bạn đã tải lên. / Attachment " + id + " is not one you uploaded."});
        continue;
      }
      if (a->used || std::find(ids.begin(), ids.end(), id) != ids.end()) {
        errors.push_back({ptr, "Tệp " + a->name + " đã được dùng cho một hồ sơ khác. / The file " + a->name + " is already used."});
        continue;
      }
      if (std::find(rule->allowed_types.begin(), rule->allowed_types.end(), a->content_type) == rule->allowed_types.end()) {
        errors.push_back({ptr, "Loại tệp " + a->content_type + " không được nhận cho giấy tờ này. / " + a->content_type + " is not accepted for this document."});
        continue;
      }
      if (a->size > rule->max_bytes) {
        errors.push_back({ptr, "Tệp " + a->name + " quá lớn. / The file " + a->name + " is too large."});
        continue;
      }
      ids.push_back(id);
      files.push_back(json::object{{"id", a->id}, {"name", a->name}, {"size", a->size}, {"content_type", a->content_type}});
    }
    if (!files.empty()) out.push_back(json::object{{"code", code}, {"name", rule->name}, {"attachments", files}});
  }
  if (ids.size() > max_files) errors.push_back({"/documents", "Quá nhiều tệp cho một hồ sơ. / Too many files for one dossier."});
  return out;
}

bool HasDocument(const json::array& docs, const std::string& code) {
  return std::any_of(docs.begin(), docs.end(), [&](const json::value& d) { return d.as_object().at("code").as_string() == code; });
}

std::vector<core::FieldError> FormErrors(const json::value& schema, const json::value& form, const std::string& prefix) {
  std::vector<core::FieldError> out;
  if (schema.is_null()) {
    if (!form.is_null() && !form.is_object()) out.push_back({prefix, "Tờ khai phải là một đối tượng JSON. / The form must be a JSON object."});
    return out;
  }
  for (auto& p : ValidateForm(schema, form)) out.push_back({prefix + p.pointer, p.message});
  return out;
}

}  // namespace

core::Result<Submitted> Service::Submit(const Principal& who, const json::object& in_body, const std::string& key, bool en) {
  if (auto ok = http::CheckIdempotencyKey(key); !ok) return std::unexpected(ok.error());
  auto conn = db_.Acquire();
  return SubmitOn(*conn, who, in_body, key, en, nullptr);
}

// A submission on `conn`: in its own transaction, or — for a child of a bundle (`bundle_id`
// set) — inside the caller's, without an idempotency key of its own.
core::Result<Submitted> Service::SubmitOn(db::Connection& conn, const Principal& who, const json::object& in_body,
                                          const std::string& key, bool en, const std::string* bundle_id) {
  db::Connection* c = &conn;
  // Everything is read and checked in one read snapshot first, and the write transaction
  // (which on SQLite holds the database's one writer lock) starts only when there is
  // something to write. What could change in between is checked again by the writes
  // themselves: a file is claimed only if still unclaimed, and the idempotency key is unique.
  // A bundle's child is inside its caller's transaction throughout.
  std::optional<db::ReadBatch> reads;
  if (bundle_id == nullptr) reads.emplace(*c);
  // A retry of a submission that went through (`k`: its idempotency row) answers what it
  // answered then. That was answered once its commit was on disk; so is this.
  const std::string request_hash = key.empty() ? std::string() : crypto::Sha256::Hex(json::serialize(in_body));
  auto replay = [&](const db::ResultSet& k) -> core::Result<Submitted> {
    if (k.Text(0, 0) != request_hash) {
      return Fail(ErrorCode::kConflict, "Idempotency-Key này đã dùng cho một yêu cầu khác. / This Idempotency-Key was used for a different request.");
    }
    auto d = c->Execute(store::kDossierById, {k.Text(0, 1)});
    Row row = ReadRow(d, 0);
    c->AwaitDurable();
    return Submitted{DossierJson(*c, row, &who, calendar_, en, true), true};
  };
  // Before anything is validated again (its files are by now part of the dossier).
  if (!key.empty()) {
    if (auto k = c->Execute(store::kFindIdempotency, {who.account_id, key}); !k.Empty()) return replay(k);
  }
  json::object body = in_body;
  if (auto draft = Str(in_body, "draft_id"); !draft.empty()) {
    auto r = c->Execute(store::kFindDraft, {draft, who.account_id});
    if (r.Empty()) return Fail(ErrorCode::kNotFound, "Không có bản nháp này. / No such draft.");
    body = DraftJson(r, 0);
    for (const auto& [k, v] : in_body) if (k != "draft_id") body[k] = v;
  }
  const bool officer = who.kind == identity::AccountKind::kOfficer;
  if (officer && !(who.HasRole(Role::kReceiver) || who.HasRole(Role::kSysadmin))) {
    return Fail(ErrorCode::kForbidden, "Chỉ cán bộ tiếp nhận được nhập hồ sơ nộp trực tiếp. / Only a receiving officer enters paper dossiers.");
  }
  if (who.kind == identity::AccountKind::kClient) return Fail(ErrorCode::kForbidden, "Ứng dụng không được nộp hồ sơ thay công dân. / A machine client cannot submit dossiers.");
  std::vector<core::FieldError> errors;
  std::string code = Str(body, "procedure_code");
  auto plan = plans_->Get(catalog_, *c, code, limits_.max_attachment_bytes);
  if (!plan) return Invalid("Không có thủ tục đang công bố với mã này. / No published procedure with this code.", {{"/procedure_code", "unknown"}});
  // The case.
  std::string case_code = Str(body, "case_code");
  if (case_code.empty() && plan->cases.size() == 1) case_code = "1";
  auto kase = std::find_if(plan->cases.begin(), plan->cases.end(), [&](const CaseInfo& k) { return k.code == case_code; });
  if (kase == plan->cases.end()) {
    return Invalid("Hãy chọn trường hợp thực hiện (case_code). / Choose the case (case_code).", {{"/case_code", "required"}});
  }
  // The channel: applicants submit online; receivers enter paper dossiers (Decree 61 Art. 16).
  std::string channel = Str(body, "channel");
  if (channel.empty()) channel = officer ? "in_person" : "online";
  if (ChannelNumber(channel) == 0) return Invalid("Kênh nộp là online, in_person hoặc post. / channel is online, in_person or post.", {{"/channel", "invalid"}});
  if (!officer && channel != "online") {
    return Invalid("Hồ sơ nộp trực tiếp hoặc qua bưu chính do cán bộ tiếp nhận nhập. / In-person and postal dossiers are entered by a receiving officer.", {{"/channel", "online only"}});
  }
  if (officer && channel == "online") return Invalid("Cán bộ nhập hồ sơ trực tiếp hoặc qua bưu chính. / Officers enter in_person or post dossiers.", {{"/channel", "in_person or post"}});
  auto ch = std::find_if(plan->channels.begin(), plan->channels.end(), [&](const ChannelInfo& x) { return x.channel == channel; });
  if (ch == plan->channels.end()) {
    return Invalid("Thủ tục này không nhận hồ sơ qua kênh đã chọn. / This procedure does not take dossiers through that channel.", {{"/channel", "not offered"}});
  }
  // The receiving agency.
  auto agencies = ReceivingAgencies(*c, *plan->procedure, plan->config);
  std::string agency_id = Str(body, "agency_id");
  std::optional<Agency> agency;
  if (officer) {
    for (const auto& a : agencies) if ((agency_id.empty() || a.id == agency_id) && Covers(who, a.path)) { agency = a; break; }
    if (!agency) return Fail(ErrorCode::kForbidden, "Thủ tục này không do cơ quan của bạn tiếp nhận. / Your agency does not receive this procedure.");
  } else {
    for (const auto& a : agencies) if (agency_id.empty() || a.id == agency_id) { agency = a; break; }
    if (!agency) {
      if (agencies.empty()) return Fail(ErrorCode::kConflict, "Chưa có cơ quan nào trên hệ thống tiếp nhận thủ tục này. / No agency here receives this procedure.");
      return Invalid("Cơ quan tiếp nhận không hợp lệ. / Not an agency that receives this procedure.", {{"/agency_id", "invalid"}});
    }
  }
  // The applicant: the account for online dossiers; what the receiver typed for paper ones.
  json::object applicant;
  std::optional<std::string> owner;
  std::optional<notify::Contact> owner_contact;  // read here for the notification below
  if (officer) {
    const json::value* a = body.if_contains("applicant");
    if (!a || !a->is_object()) return Invalid("Thiếu thông tin người nộp. / applicant is required.", {{"/applicant", "required"}});
    for (const char* k : {"name", "id_number", "phone", "email", "address"}) {
      std::string v = Str(a->as_object(), k);
      if (v.size() > 300) errors.push_back({std::string("/applicant/") + k, "Quá dài. / Too long."});
      applicant[k] = v;
    }
    if (applicant["name"].as_string().empty()) errors.push_back({"/applicant/name", "Họ và tên người nộp là bắt buộc. / The applicant's name is required."});
    std::string idn(applicant["id_number"].as_string());
    if (!idn.empty() && (idn.size() != 12 || !std::all_of(idn.begin(), idn.end(), ::isdigit))) {
      errors.push_back({"/applicant/id_number", "Số định danh cá nhân gồm 12 chữ số. / A personal ID number has 12 digits."});
    }
    if (!idn.empty()) {
      auto acc = c->Execute(store::kAccountByPersonalId, {idn});
      if (!acc.Empty()) owner = acc.Text(0, 0);  // the citizen then sees it among their dossiers
    }
  } else {
    // The account as read with the session or token, in the same statement.
    if (!who.profile) return Fail(ErrorCode::kUnauthenticated, "Tài khoản không còn tồn tại. / The account no longer exists.");
    const identity::Profile& profile = *who.profile;
    bool business = who.kind == identity::AccountKind::kBusiness;
    applicant = json::object{{"name", business && !profile.business_name.empty() ? profile.business_name : profile.full_name},
                             {"id_number", business ? profile.tax_code : profile.personal_id},
                             {"phone", profile.phone}, {"email", profile.email}, {"address", profile.address},
                             {"kind", business ? "business" : "citizen"}};
    owner = who.account_id;
    owner_contact = notify::Contact{profile.email, profile.phone, profile.language, profile.full_name};
  }
  json::value representative = nullptr;
  if (const json::value* r = body.if_contains("representative"); r && !r->is_null()) {
    if (!r->is_object() || Str(r->as_object(), "name").empty()) {
      errors.push_back({"/representative/name", "Người đại diện cần có họ tên. / A representative needs a name."});
    } else {
      representative = json::object{{"name", Str(r->as_object(), "name")}, {"id_number", Str(r->as_object(), "id_number")},
                                    {"relation", Str(r->as_object(), "relation")}};
    }
  }
  // The e-form.
  json::value form = body.contains("form") ? body.at("form") : json::value(json::object{});
  if (json::serialize(form).size() > kMaxFormBytes) return Fail(ErrorCode::kPayloadTooLarge, "Tờ khai quá lớn. / The form is too large.");
  for (auto& e : FormErrors(kase->form, form, "/form")) errors.push_back(std::move(e));
  // Documents.
  std::vector<std::string> attachment_ids;
  auto docs = ReadDocuments(*c, who, body.if_contains("documents"), kase->documents, limits_.max_attachments_per_dossier, errors, attachment_ids);
  if (docs) {
    for (const auto& rule : kase->documents) {
      // A paper dossier's documents are on the counter; online, what may be brought in person may wait.
      if (rule.required && !officer && !rule.in_person_allowed && !HasDocument(*docs, rule.code)) {
        errors.push_back({"/documents/" + rule.code, "Thiếu giấy tờ bắt buộc: " + rule.name + ". / A required document is missing: " + rule.name + "."});
      }
    }
  }
  std::string summary = Str(body, "summary");
  if (summary.size() > 2000) errors.push_back({"/summary", "Trích yếu tối đa 2000 byte. / The summary is 2000 bytes at most."});
  // Fees of the channel (the first listed unless the applicant claims another, e.g. a reduction).
  json::array fees;
  if (!ch->fees.empty()) {
    std::string fee_code = Str(body, "fee_code");
    auto fee = fee_code.empty() ? ch->fees.begin()
                                : std::find_if(ch->fees.begin(), ch->fees.end(), [&](const catalog::Fee& f) { return f.code == fee_code; });
    if (fee == ch->fees.end()) errors.push_back({"/fee_code", "Mã phí không có trong thủ tục. / Not a fee of this procedure."});
    else fees = FeesJson({*fee});
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) { return a.field < b.field; });
    return Invalid("Hồ sơ chưa hợp lệ; xem từng mục. / The dossier is not valid yet; see each field.", std::move(errors));
  }

  std::string id = core::Uuid::NewV7().ToString();
  std::string dossier_code;
  auto cal = calendar_(*c, agency->id);
  reads.reset();
  std::optional<db::Transaction> tx;
  if (bundle_id == nullptr) {
    tx.emplace(*c);
    // The day's counter row, which every submission to the agency takes, is let go when the
    // statements have run, not after the disk's flush; the answer still waits for the flush,
    // which the submissions queued behind it share (db::Connection::GroupCommit).
    c->GroupCommit();
  }
  try {
    auto now_tp = ToInstant(Clock::now());
    std::string now = Utc(now_tp);
    calendar::Date day = calendar::LocalDate(now_tp);
    json::object stored{{"applicant", applicant}, {"representative", representative}, {"form", form}, {"documents", *docs},
                        {"fees", fees}, {"results", json::array{}}, {"agency_name", agency->name}};
    int status = officer ? kReceived : kSubmitted;
    std::string stage = officer ? "received" : "submitted";
    // A procedure that collects its fees at receipt: an online submission waits for payment
    // (status 6) and goes on to "submitted" when the payment settles (DOMAIN.md §2.9).
    json::object at_submission;
    if (!officer && channel == "online" && !fees.empty()) {
      const json::value* flag = plan->config.if_contains("payment_at_submission");
      const json::object& fee = fees.at(0).as_object();
      std::int64_t amount = fee.at("amount").is_int64() ? fee.at("amount").as_int64() : 0;
      if (flag && flag->is_bool() && flag->as_bool() && amount > 0) {
        std::string kind(fee.at("kind").is_string() ? fee.at("kind").as_string() : "");
        std::string name(fee.at("description").is_string() ? fee.at("description").as_string() : "");
        if (name.empty()) name = kind == "le_phi" ? "Lệ phí" : "Phí";
        std::string reason = "Phí, lệ phí nộp khi nộp hồ sơ: " + plan->procedure->name;
        at_submission = json::object{{"amount", amount}, {"reason", reason},
                                     {"items", json::array{json::object{{"kind", kind == "phi" || kind == "le_phi" ? kind : "other"},
                                                                        {"code", fee.at("code")}, {"name", name}, {"amount", amount}}}}};
        stored["payment"] = json::object{{"amount", amount}, {"reason", reason}, {"requested_at", Local(now)}, {"paid_at", nullptr}};
        status = kPaymentRequested;
      }
    }
    std::optional<std::string> received_at, due_at;
    std::int64_t minutes = DurationMinutes(*ch);
    if (officer) {
      // Decree 61/2018 Art. 18: a paper dossier received after 15:00 counts from the next working day.
      received_at = now;
      due_at = Utc(DueFrom(cal, cal.PaperCountingStart(now_tp), minutes, ch->unit));
    }
    auto step_due = StepDue(cal, stage, now_tp, plan->config, due_at);
    // Every write goes out unanswered (PostgreSQL: one pipeline, one round trip; see
    // db::Connection::ExecuteLater) ahead of the one read of the dossier's code: the day's
    // number is taken and the row written under its code, the files claimed, the first event
    // and step and the key recorded. The counter row, which serialises one agency's submissions on
    // PostgreSQL, is held from here to the commit: this trip and the one that commits (not its
    // flush, see above).
    c->ExecuteLater(store::kNextSequence, {agency->id, IsoDate(day)});
    c->ExecuteLater(store::kInsertDossier, {id, agency->code + "-" + YyMmDd(day) + "-", plan->procedure->code, plan->procedure->name,
                                            kase->code, kase->name, channel, agency->id, agency->path, Opt(owner),
                                            std::string(applicant["name"].as_string()), std::string(applicant["id_number"].as_string()),
                                            json::serialize(stored), summary, std::int64_t{status}, stage, now, Opt(received_at),
                                            Opt(due_at), Opt(step_due), minutes, ch->unit,
                                            bundle_id != nullptr ? db::Value(*bundle_id) : db::Value(nullptr), IsoDate(day)});
    // A file another dossier took since the checks above changes no row: the read below then
    // throws kRowCount, answered as a conflict with nothing kept.
    for (const auto& a : attachment_ids) c->ExecuteLater(store::kClaimAttachment, {id, a, who.account_id}, 1);
    // A new dossier: its first event and first step, numbered 1 without asking.
    EventView first{now, officer ? "receive" : "submit", stage, agency->name, "", who.display_name,
                    officer ? "receiver" : std::string(identity::AccountKindName(who.kind)), status, json::object{{"channel", channel}}};
    AddEvent(*c, id, now, first.action, std::nullopt, status, stage, &who, first.actor_role, agency, "", first.data, 1);
    c->ExecuteLater(store::kInsertStep, {id, stage, agency->id, now, Opt(step_due)});
    // A key committed meanwhile by the same retry fails here or with the statement carrying it:
    // either way a unique violation, answered below as a replay.
    if (!key.empty()) c->ExecuteLater(store::kInsertIdempotency, {who.account_id, key, request_hash, id, now});
    if (auto draft = Str(in_body, "draft_id"); !draft.empty()) c->ExecuteLater(store::kDeleteDraft, {draft, who.account_id});
    dossier_code = c->Execute(store::kDossierCode, {id}).Text(0, 0);
    if (!at_submission.empty()) {
      c->Execute(store::kSetResume, {id, std::int64_t{kSubmitted}, std::string("submitted")});
      if (observer_) observer_(*c, StatusChange{id, dossier_code, plan->procedure->code, agency->id, "submit", 0, status, at_submission});
    }
    json::object news{{"code", dossier_code}, {"procedure", plan->procedure->name}, {"status", status}};
    if (owner_contact) {
      notify::EnqueueTo(*c, "dossier.submitted", *owner, *owner_contact, json::serialize(news), now);
    } else {
      Row fake;
      fake.owner = owner;
      Notify(*c, fake, "dossier.submitted", news, now);
    }
    Submitted out{{}, false};
    if (at_submission.empty()) {
      // The answer is built from what was just written rather than read back: a new dossier has
      // no participants, rating or assignee, and one event.
      Row d;
      d.id = id;
      d.code = dossier_code;
      d.procedure_code = plan->procedure->code;
      d.procedure_name = plan->procedure->name;
      d.case_code = kase->code;
      d.case_name = kase->name;
      d.channel = channel;
      d.agency_id = d.handling_agency_id = agency->id;
      d.agency_path = d.handling_path = agency->path;
      d.owner = owner;
      d.applicant_name = applicant["name"].as_string();
      d.applicant_id_number = applicant["id_number"].as_string();
      d.summary = summary;
      d.body = std::move(stored);
      d.status = status;
      d.stage = stage;
      d.received_at = received_at;
      d.due_at = due_at;
      d.step_due_at = step_due;
      d.submitted_at = now;
      d.duration_minutes = minutes;
      d.duration_unit = ch->unit;
      if (bundle_id != nullptr) d.bundle_id = *bundle_id;
      d.version = 1;
      if (before_submit_commit_for_test) before_submit_commit_for_test();
      if (tx) tx->Commit();
      DossierParts parts;
      parts.agency = parts.handling_agency = AgencyJson(*agency, en);
      parts.history.push_back(EventJson(first, en, true));
      out.dossier = DossierJsonOf(d, parts, &who, cal, en, true);
    } else {
      // The payment request raised above wrote rows of its own.
      out.dossier = DossierJson(*c, *FindRow(*c, dossier_code), &who, calendar_, en, true);
      if (before_submit_commit_for_test) before_submit_commit_for_test();
      if (tx) tx->Commit();
    }
    return out;
  } catch (const db::DbError& e) {
    if (e.kind() == db::DbError::Kind::kRowCount) {
      tx.reset();
      return Fail(ErrorCode::kConflict, "Một tệp vừa được dùng cho hồ sơ khác. / A file was just used for another dossier.");
    }
    // The same key committed by a concurrent submission between the checks and the writes:
    // answer as a retry.
    if (e.kind() == db::DbError::Kind::kUniqueViolation && !key.empty() && tx) {
      tx.reset();
      auto k = c->Execute(store::kFindIdempotency, {who.account_id, key});
      if (k.Empty()) return Fail(ErrorCode::kConflict, "Yêu cầu trùng đang được xử lý; hãy thử lại. / The same request is in progress; retry.");
      return replay(k);
    }
    throw;
  }
}

// ---- reading a dossier ----

namespace {

State StateOf(const Row& d, const std::vector<Participant>& parts, const calendar::WorkCalendar& cal, calendar::Instant now) {
  State s;
  s.status = d.status;
  s.stage = d.stage;
  s.supplements = static_cast<int>(d.supplements);
  s.apologies = static_cast<int>(d.apologies);
  s.has_assignee = d.assignee.has_value();
  s.open_consultation = std::any_of(parts.begin(), parts.end(), [](const Participant& p) { return p.role == "consulted" && !p.answered_at; });
  if (d.due_at) {
    if (auto due = ParseInstant(*d.due_at)) {
      s.working_minutes_left = *due > now ? cal.WorkingDurationBetween(now, *due).count() : 0;
    }
  }
  return s;
}

std::string RoleLabel(const std::string& role, bool en) {
  if (role == "receiver") return en ? "Receiving officer" : "Cán bộ tiếp nhận";
  if (role == "specialist") return en ? "Specialist" : "Chuyên viên xử lý";
  if (role == "leader") return en ? "Leader" : "Lãnh đạo";
  if (role == "citizen" || role == "business" || role == "applicant") return en ? "Applicant" : "Người nộp hồ sơ";
  if (role == "system") return en ? "System" : "Hệ thống";
  return role;
}


// The name of a stage every process has; "" for a review step (its name is in its definition).
std::string FixedStageLabel(const std::string& stage, bool en) {
  if (stage == "submitted") return en ? "Awaiting reception" : "Chờ tiếp nhận";
  if (stage == "received") return en ? "Awaiting assignment" : "Chờ phân công xử lý";
  if (stage == "processing") return en ? "Appraisal" : "Thẩm định, xử lý";
  if (stage == "approved") return en ? "Issuing the result" : "Ban hành kết quả";
  if (stage == "supplement") return en ? "Awaiting documents" : "Chờ bổ sung hồ sơ";
  if (stage == "payment") return en ? "Awaiting payment" : "Chờ thực hiện nghĩa vụ tài chính";
  if (stage == "result_ready") return en ? "Result ready to return" : "Chờ trả kết quả";
  if (stage == "returned") return en ? "Result returned" : "Đã trả kết quả";
  if (stage == "not_received") return en ? "Not received" : "Không được tiếp nhận";
  if (stage == "stopped") return en ? "Processing stopped" : "Dừng xử lý";
  if (stage == "withdrawn") return en ? "Withdrawn" : "Đã rút hồ sơ";
  return "";
}

std::string StepNameIn(const json::object& data, const char* key, bool en) {
  const json::value* s = data.if_contains(key);
  if (!s || !s->is_object()) return "";
  std::string vi = Str(s->as_object(), "name"), eng = Str(s->as_object(), "name_en");
  return en && !eng.empty() ? eng : vi;
}

// A stage's name: a fixed stage's, a review step's from `process`, or the key.
std::string StageLabel(const std::string& stage, const Process& process, bool en) {
  if (auto fixed = FixedStageLabel(stage, en); !fixed.empty()) return fixed;
  for (const auto& r : process.reviews) {
    if (r.key == stage) return en && !r.name_en.empty() ? r.name_en : r.name;
  }
  return stage;
}

json::object EventJson(const EventView& v, bool en, bool with_people) {
  // The review steps are named as the definition named them when the event happened.
  std::string stage_label = StepNameIn(v.data, "next_step", en);
  if (stage_label.empty()) stage_label = StageLabel(v.stage, DefaultProcess(), en);
  json::object e{{"at", Local(v.at)}, {"action", v.action}, {"action_label", ActionLabel(v.action, en)},
                 {"status", v.to}, {"status_label", StatusLabel(v.to, en)}, {"stage", v.stage}, {"stage_label", stage_label},
                 {"step_name", StepNameIn(v.data, "step", en)},
                 {"agency", v.agency_name}, {"note", with_people ? v.note : std::string()}};
  e["actor"] = json::object{{"name", with_people ? v.actor_name : std::string()}, {"role", v.actor_role},
                            {"role_label", RoleLabel(v.actor_role, en)}};
  if (with_people) e["data"] = v.data;
  return e;
}

json::array History(db::Connection& c, const std::string& id, bool en, bool with_people) {
  json::array out;
  auto r = c.Execute(store::kEvents, {id});
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    EventView v{r.Text(i, 1), r.Text(i, 2), r.Text(i, 5), r.Text(i, 10), r.Text(i, 11), r.Text(i, 7), r.Text(i, 8),
                static_cast<int>(r.Int(i, 4)), ParseObject(r.Text(i, 12))};
    out.push_back(EventJson(v, en, with_people));
  }
  return out;
}

std::optional<json::object> RatingOf(db::Connection& c, const std::string& id) {
  auto r = c.Execute(store::kFindRating, {id});
  if (r.Empty()) return std::nullopt;
  json::object o{{"overall", r.Int(0, 0)}, {"criteria", ParseObject(r.Text(0, 1))}, {"comment", r.Text(0, 2)},
                 {"created_at", Local(r.Text(0, 3))}, {"updated_at", Local(r.Text(0, 4))}};
  return o;
}

json::object AgencyJson(const Agency& a, bool en) {
  return json::object{{"id", a.id}, {"code", a.code}, {"name", en && !a.name_en.empty() ? a.name_en : a.name}};
}

json::object AgencyJson(db::Connection& c, const std::string& id, bool en) {
  auto a = AgencyById(c, id);
  if (!a) return {};
  return AgencyJson(*a, en);
}

std::string AccountName(db::Connection& c, const std::string& id) {
  auto r = c.Execute(store::kAccountProfile, {id});
  return r.Empty() ? std::string() : r.Text(0, 0);
}


json::object DossierJsonOf(const Row& d, const DossierParts& parts, const Principal* who, const calendar::WorkCalendar& cal,
                           bool en, bool full) {
  auto now = ToInstant(Clock::now());
  json::object o{{"code", d.code}, {"procedure_code", d.procedure_code}, {"procedure_name", d.procedure_name},
                 {"case_code", d.case_code}, {"case_name", d.case_name}, {"channel", d.channel},
                 {"status", d.status}, {"status_label", StatusLabel(d.status, en)}, {"stage", d.stage},
                 {"stage_label", StageLabel(d.stage, parts.process, en)},
                 {"agency", parts.agency}, {"handling_agency", parts.handling_agency},
                 {"submitted_at", Local(d.submitted_at)}, {"received_at", LocalOrNull(d.received_at)},
                 {"due_at", LocalOrNull(d.due_at)}, {"step_due_at", LocalOrNull(d.step_due_at)},
                 {"finished_at", LocalOrNull(d.finished_at)}, {"returned_at", LocalOrNull(d.returned_at)},
                 {"at_risk", d.at_risk != 0}, {"overdue", d.overdue != 0}, {"summary", d.summary},
                 {"bundle_id", d.bundle_id ? json::value(*d.bundle_id) : json::value(nullptr)}};
  if (!full) return o;
  for (const char* k : {"applicant", "representative", "form", "documents", "fees", "results", "supplement", "apology", "payment"}) {
    auto it = d.body.find(k);
    o[k] = it != d.body.end() ? it->value() : json::value(nullptr);
  }
  o["assignee"] = d.assignee ? json::value(json::object{{"id", *d.assignee}, {"name", parts.assignee_name}}) : json::value(nullptr);
  json::array ps;
  for (const auto& p : parts.participants) {
    ps.push_back(json::object{{"agency_id", p.agency_id}, {"agency_name", p.agency_name}, {"role", p.role}, {"request", p.request},
                              {"due_at", LocalOrNull(p.due_at)}, {"answered_at", LocalOrNull(p.answered_at)}, {"answer", p.answer}});
  }
  o["participants"] = std::move(ps);
  o["history"] = parts.history;
  // The review step the dossier is at: its name and who acts at it.
  if (const Review* r = ReviewAt(parts.process, d.status, d.stage)) {
    std::string role(StepRoleName(r->role));
    std::string name = en && !r->name_en.empty() ? r->name_en : r->name;
    // current: false when the definition no longer has the dossier's stage (it counts as this step).
    o["step"] = json::object{{"key", r->key}, {"name", name}, {"role", role}, {"role_label", RoleLabel(role, en)}, {"current", r->key == d.stage}};
    o["stage_label"] = name;
  } else {
    o["step"] = nullptr;
  }
  json::array allowed;
  if (who) {
    for (Action a : Allowed(StateOf(d, parts.participants, cal, now), ActorOf(*who, d, parts.participants), parts.process)) {
      allowed.push_back(json::object{{"action", ActionName(a)}, {"label", ActionLabel(ActionName(a), en)}});
    }
  }
  o["allowed_actions"] = std::move(allowed);
  o["rating"] = parts.rating ? json::value(*parts.rating) : json::value(nullptr);
  bool owner = who && IsOwner(*who, d);
  bool can_rate = false;
  if (owner && d.status == kReturned) {
    if (!parts.rating) {
      can_rate = true;
    } else if (auto created = ParseInstant(std::string(parts.rating->at("created_at").as_string()))) {
      can_rate = now - *created < std::chrono::days(7);
    }
  }
  o["can_rate"] = can_rate;
  return o;
}

json::object DossierJson(db::Connection& c, const Row& d, const Principal* who, const CalendarFor& calendar, bool en, bool full) {
  DossierParts parts;
  parts.participants = Participants(c, d.id);
  parts.agency = AgencyJson(c, d.agency_id, en);
  parts.handling_agency = AgencyJson(c, d.handling_agency_id, en);
  if (full) {
    parts.history = History(c, d.id, en, true);
    parts.rating = RatingOf(c, d.id);
    if (d.assignee) parts.assignee_name = AccountName(c, *d.assignee);
    // The allowed actions and the current step follow the procedure's process as it is now.
    auto cfg = c.Execute(store::kFindConfig, {d.procedure_code});
    if (!cfg.Empty()) parts.process = ProcessOfConfig(ParseObject(cfg.Text(0, 0)));
  }
  return DossierJsonOf(d, parts, who, calendar(c, d.handling_agency_id), en, full);
}

}  // namespace

core::Result<json::object> Service::Get(const Principal& who, const std::string& code, bool en) {
  auto c = db_.Acquire();
  auto d = FindRow(*c, code);
  // Officers of another agency and other citizens cannot even learn that the code exists.
  if (!d || !Visible(who, *d, Participants(*c, d->id))) return Fail(ErrorCode::kNotFound, "Không có hồ sơ này. / No such dossier.");
  return DossierJson(*c, *d, &who, calendar_, en, true);
}

// ---- life-event bundles ----

namespace {

// The bundle's state from its children's (DOMAIN.md §10.3): done when every child is returned,
// waiting on the applicant when any child asks for papers or a payment, stopped when every
// child was refused, withdrawn or stopped.
std::pair<std::string, std::string> BundleStatus(const std::vector<Row>& children, bool en) {
  bool all_returned = !children.empty(), all_ready = !children.empty(), all_stopped = !children.empty(), waiting = false;
  for (const auto& d : children) {
    all_returned = all_returned && d.status == kReturned;
    all_ready = all_ready && (d.status == kResultReady || d.status == kReturned);
    bool stopped = d.status == kNotReceived || d.status == kWithdrawn || d.status == kStopped;
    all_stopped = all_stopped && stopped;
    waiting = waiting || d.status == kSupplementRequested || d.status == kPaymentRequested;
  }
  if (all_returned) return {"completed", en ? "All results returned" : "Đã trả kết quả tất cả thủ tục"};
  if (all_ready) return {"results_ready", en ? "All results ready" : "Đã có kết quả tất cả thủ tục"};
  if (all_stopped) return {"stopped", en ? "Not processed" : "Không được giải quyết"};
  if (waiting) return {"action_needed", en ? "Waiting for the applicant" : "Chờ người nộp bổ sung hoặc nộp phí"};
  return {"in_progress", en ? "In progress" : "Đang giải quyết"};
}

}  // namespace

core::Result<json::object> Service::SubmitBundle(const Principal& who, const std::string& bundle_code, const json::object& body,
                                                 const std::string& key, bool en) {
  if (auto ok = http::CheckIdempotencyKey(key); !ok) return std::unexpected(ok.error());
  if (who.kind != identity::AccountKind::kCitizen && who.kind != identity::AccountKind::kBusiness) {
    return Fail(ErrorCode::kForbidden, "Nhóm thủ tục liên thông do người dân nộp trực tuyến. / Life-event bundles are submitted online by the applicant.");
  }
  const std::string stored_key = key.empty() ? std::string() : "bundle:" + key;
  const std::string request_hash = crypto::Sha256::Hex(bundle_code + "\n" + json::serialize(body));
  auto c = db_.Acquire();
  auto replay = [&]() -> core::Result<json::object> {
    auto k = c->Execute(store::kFindIdempotency, {who.account_id, stored_key});
    if (k.Empty()) return Fail(ErrorCode::kConflict, "Yêu cầu trùng đang được xử lý; hãy thử lại. / The same request is in progress; retry.");
    if (k.Text(0, 0) != request_hash) {
      return Fail(ErrorCode::kConflict, "Idempotency-Key này đã dùng cho một yêu cầu khác. / This Idempotency-Key was used for a different request.");
    }
    auto out = GetBundle(who, k.Text(0, 1), en);
    if (out) (*out)["replayed"] = true;
    return out;
  };
  if (!stored_key.empty() && !c->Execute(store::kFindIdempotency, {who.account_id, stored_key}).Empty()) return replay();

  auto snap = catalog_.Current();
  const json::object* bundle = snap->FindBundle(bundle_code);
  if (bundle == nullptr) return Fail(ErrorCode::kNotFound, "Không có nhóm thủ tục này. / No such bundle.");
  // A draft of this bundle being submitted goes away with the submission.
  const std::string draft_id = Str(body, "draft_id");
  if (!draft_id.empty()) {
    auto r = c->Execute(store::kFindDraft, {draft_id, who.account_id});
    if (r.Empty() || Str(DraftJson(r, 0), "bundle_code") != bundle_code) {
      return Fail(ErrorCode::kNotFound, "Không có bản nháp này của nhóm thủ tục. / No such draft of this bundle.");
    }
  }

  std::vector<std::string> codes;
  if (auto it = bundle->find("procedure_codes"); it != bundle->end() && it->value().is_array()) {
    for (const auto& v : it->value().as_array()) if (v.is_string()) codes.emplace_back(v.as_string());
  }
  const json::value* shared_form = body.if_contains("form");
  if (shared_form != nullptr && !shared_form->is_object()) return Invalid("form là một đối tượng. / form must be an object.", {{"/form", "object"}});
  const json::value* children_in = body.if_contains("children");
  if (children_in != nullptr && !children_in->is_object()) {
    return Invalid("children là một đối tượng theo mã thủ tục. / children is an object keyed by procedure code.", {{"/children", "object"}});
  }
  const json::value* shared_docs = body.if_contains("documents");
  if (shared_docs != nullptr && !shared_docs->is_array()) return Invalid("documents là một mảng. / documents must be an array.", {{"/documents", "array"}});
  if (children_in != nullptr) {
    for (const auto& [k, v] : children_in->as_object()) {
      if (std::find(codes.begin(), codes.end(), std::string(k)) == codes.end() || !v.is_object()) {
        return Invalid("Thủ tục này không thuộc nhóm. / This procedure is not part of the bundle.", {{"/children/" + std::string(k), "unknown"}});
      }
    }
  }

  // Each child: its chosen case, and the documents it needs by folded name.
  struct Child {
    std::string code;
    json::object in;  // children[code]
    const CaseInfo* kase = nullptr;
    std::shared_ptr<const Plan> plan;
  };
  std::vector<Child> children;
  std::vector<core::FieldError> errors;
  for (const auto& code : codes) {
    Child ch;
    ch.code = code;
    if (children_in != nullptr) {
      if (const json::value* v = children_in->as_object().if_contains(code)) ch.in = v->as_object();
    }
    auto plan = plans_->Get(catalog_, *c, code, limits_.max_attachment_bytes);
    if (!plan) return Fail(ErrorCode::kConflict, "Thủ tục " + code + " của nhóm chưa được công bố. / Procedure " + code + " of the bundle is not published.");
    ch.plan = std::move(plan);
    std::string case_code = Str(ch.in, "case_code");
    if (case_code.empty()) case_code = "1";
    for (const auto& k : ch.plan->cases) if (k.code == case_code) ch.kase = &k;
    if (ch.kase == nullptr) {
      errors.push_back({"/children/" + code + "/case_code", "Không có trường hợp này. / No such case."});
      continue;
    }
    children.push_back(std::move(ch));
  }
  if (!errors.empty()) return Invalid("Hồ sơ liên thông chưa hợp lệ; xem từng mục. / The bundle is not valid yet; see each field.", std::move(errors));
  // A shared paper: its code is any child's document code; every child needing a paper of the
  // same (folded) name gets it.
  struct Shared {
    std::string fold;
    json::array ids;
  };
  std::vector<Shared> shared;
  if (shared_docs != nullptr) {
    for (const auto& e : shared_docs->as_array()) {
      std::string doc_code = e.is_object() ? Str(e.as_object(), "code") : "";
      std::string name;
      for (const auto& ch : children) {
        for (const auto& r : ch.kase->documents) if (r.code == doc_code) name = r.name;
      }
      const json::value* ids = e.is_object() ? e.as_object().if_contains("attachment_ids") : nullptr;
      if (name.empty() || ids == nullptr || !ids->is_array()) {
        errors.push_back({"/documents/" + doc_code, "Giấy tờ này không thuộc nhóm thủ tục. / This document is not part of the bundle."});
        continue;
      }
      shared.push_back({text::Fold(name), ids->as_array()});
    }
  }
  if (!errors.empty()) return Invalid("Hồ sơ liên thông chưa hợp lệ; xem từng mục. / The bundle is not valid yet; see each field.", std::move(errors));

  std::string bundle_id = core::Uuid::NewV7().ToString();
  std::string now = Now();
  try {
    db::Transaction tx(*c);
    if (!stored_key.empty() && !c->Execute(store::kFindIdempotency, {who.account_id, stored_key}).Empty()) {
      tx.Commit();
      return replay();
    }
    c->Execute(store::kInsertBundle, {bundle_id, bundle_code, who.account_id, now});
    std::set<std::string> used;  // attachment ids already given to an earlier child
    for (auto& ch : children) {
      json::object child{{"procedure_code", ch.code}, {"case_code", ch.kase->code}, {"channel", "online"},
                         {"summary", Str(body, "summary")}};
      if (auto a = Str(ch.in, "agency_id"); !a.empty()) child["agency_id"] = a;
      // The applicant's answers, once: the shared form's members this child's form knows, then its own.
      json::object form;
      const json::value& schema = ch.kase->form;
      if (shared_form != nullptr && schema.is_object()) {
        const json::value* props = schema.as_object().if_contains("properties");
        for (const auto& [k, v] : shared_form->as_object()) {
          if (props != nullptr && props->is_object() && props->as_object().contains(k)) form[k] = v;
        }
      }
      if (const json::value* own = ch.in.if_contains("form"); own != nullptr && own->is_object()) {
        for (const auto& [k, v] : own->as_object()) form[k] = v;
      }
      if (schema.is_object() || !form.empty()) child["form"] = std::move(form);
      json::array docs;
      if (const json::value* own = ch.in.if_contains("documents"); own != nullptr && own->is_array()) docs = own->as_array();
      for (const auto& r : ch.kase->documents) {
        std::string fold = text::Fold(r.name);
        for (const auto& sh : shared) {
          if (sh.fold != fold) continue;
          // A file already part of an earlier child is recorded again for this one (same
          // stored bytes, its own attachment row), so each agency's officers can open it.
          json::array ids;
          for (const auto& idv : sh.ids) {
            std::string id = idv.is_string() ? std::string(idv.as_string()) : std::string();
            if (!id.empty() && !used.insert(id).second) {
              std::string copy = core::Uuid::NewV7().ToString();
              if (c->Execute(store::kCloneAttachment, {copy, id, who.account_id, now}).affected == 1) id = copy;
            }
            ids.push_back(json::string(id));
          }
          docs.push_back(json::object{{"code", r.code}, {"attachment_ids", std::move(ids)}});
          break;
        }
      }
      child["documents"] = std::move(docs);
      auto made = SubmitOn(*c, who, child, "", en, &bundle_id);
      if (!made) {
        if (made.error().code != ErrorCode::kInvalidArgument) return std::unexpected(made.error());
        if (made.error().fields.empty()) errors.push_back({"/children/" + ch.code, made.error().message});
        for (const auto& f : made.error().fields) errors.push_back({"/children/" + ch.code + f.field, f.message});
      }
    }
    if (!errors.empty()) {
      return Invalid("Hồ sơ liên thông chưa hợp lệ; xem từng mục. / The bundle is not valid yet; see each field.", std::move(errors));
    }
    if (!stored_key.empty()) c->Execute(store::kInsertIdempotency, {who.account_id, stored_key, request_hash, bundle_id, now});
    if (!draft_id.empty()) c->Execute(store::kDeleteDraft, {draft_id, who.account_id});
    tx.Commit();
  } catch (const db::DbError& e) {
    if (e.kind() == db::DbError::Kind::kUniqueViolation && !stored_key.empty()) return replay();
    throw;
  }
  return GetBundle(who, bundle_id, en);
}

core::Result<json::object> Service::GetBundle(const Principal& who, const std::string& id, bool en) {
  auto c = db_.Acquire();
  auto b = c->Execute(store::kFindBundle, {id});
  if (b.Empty()) return Fail(ErrorCode::kNotFound, "Không có hồ sơ liên thông này. / No such bundle.");
  auto r = c->Execute(store::kBundleChildren, {id});
  std::vector<Row> rows;
  for (std::size_t i = 0; i < r.rows.size(); ++i) rows.push_back(ReadRow(r, i));
  bool visible = b.Text(0, 2) == who.account_id && who.kind != identity::AccountKind::kOfficer;
  for (const auto& d : rows) visible = visible || Visible(who, d, Participants(*c, d.id));
  if (!visible) return Fail(ErrorCode::kNotFound, "Không có hồ sơ liên thông này. / No such bundle.");
  std::string code = b.Text(0, 1), name;
  auto snap = catalog_.Current();
  if (const auto* bundle = snap->FindBundle(code)) {
    const char* key = en && bundle->contains("name_en") ? "name_en" : "name";
    if (auto n = bundle->find(key); n != bundle->end() && n->value().is_string()) name = n->value().as_string();
  }
  json::array children;
  std::optional<std::string> due;
  for (const auto& d : rows) {
    children.push_back(DossierJson(*c, d, &who, calendar_, en, false));
    if (d.due_at && (!due || *d.due_at > *due)) due = d.due_at;
  }
  auto [status, label] = BundleStatus(rows, en);
  return json::object{{"id", id}, {"bundle_code", code}, {"name", name}, {"created_at", Local(b.Text(0, 3))},
                      {"status", status}, {"status_label", label}, {"due_at", LocalOrNull(due)},
                      {"children", std::move(children)}};
}

core::Result<json::object> Service::Mine(const Principal& who, std::optional<int> status, std::size_t offset, std::size_t limit, bool en) {
  auto c = db_.Acquire();
  std::int64_t st = status.value_or(0);
  json::array items;
  std::int64_t total = 0;
  std::size_t next = offset;
  if (!others_) {
    auto r = c->Execute(store::kMine, {who.account_id, st, static_cast<std::int64_t>(limit), static_cast<std::int64_t>(offset)});
    total = c->Execute(store::kCountMine, {who.account_id, st}).Int(0, 0);
    for (std::size_t i = 0; i < r.rows.size(); ++i) items.push_back(DossierJson(*c, ReadRow(r, i), &who, calendar_, en, false));
    next = offset + r.rows.size();
  } else {
    // Local dossiers and the caller's dossiers at other members, merged newest first by
    // submission (then code, both descending, as kMine): the first offset + limit of each
    // side decide the page.
    auto r = c->Execute(store::kMine, {who.account_id, st, static_cast<std::int64_t>(offset + limit), std::int64_t{0}});
    auto [other, other_total] = others_(*c, who, static_cast<int>(st), offset + limit);
    total = c->Execute(store::kCountMine, {who.account_id, st}).Int(0, 0) + other_total;
    std::size_t i = 0, j = 0;
    next = 0;
    while (next < offset + limit && (i < r.rows.size() || j < other.size())) {
      bool local = j >= other.size();
      Row row;
      if (i < r.rows.size()) {
        row = ReadRow(r, i);
        if (!local) {
          auto t = ParseInstant(row.submitted_at);
          auto mine = t ? Clock::time_point(*t) : Clock::time_point{};
          local = mine > other[j].submitted || (mine == other[j].submitted && row.code > other[j].code);
        }
      }
      if (next++ < offset) {
        local ? ++i : ++j;
        continue;
      }
      if (local) {
        items.push_back(DossierJson(*c, row, &who, calendar_, en, false));
        ++i;
      } else {
        auto& item = other[j++].item;
        if (!item.contains("status_label") && item.contains("status") && item.at("status").is_int64()) {
          item["status_label"] = StatusLabel(static_cast<int>(item.at("status").as_int64()), en);
        }
        items.push_back(std::move(item));
      }
    }
  }
  return json::object{{"items", items}, {"next_cursor", static_cast<std::int64_t>(next) < total ? json::value(std::to_string(next)) : json::value(nullptr)},
                      {"total", total}};
}

// ---- workflow actions ----

namespace {

core::Error Conflict(std::string message, const std::vector<Action>& allowed) {
  std::string names;
  for (Action a : allowed) names += (names.empty() ? "" : ",") + std::string(ActionName(a));
  return core::Error{ErrorCode::kConflict, std::move(message), {{"allowed_actions", names}}};
}

std::string RoleFor(Action a, const Actor& who, const Review* review) {
  if ((a == Action::kApprove || a == Action::kReturnForRework) && review) return std::string(StepRoleName(review->role));
  switch (a) {
    case Action::kSupplement:
    case Action::kWithdraw: return "applicant";
    case Action::kAccept:
    case Action::kRefuse:
    case Action::kReturnResult:
    case Action::kConfirmPayment: return "receiver";
    case Action::kAppraise:
    case Action::kConsult: return "specialist";
    case Action::kTransfer:
    case Action::kApprove:
    case Action::kRefuseAfterAppraisal:
    case Action::kExtend: return "leader";
    default: break;
  }
  if (who.leader_at_handling) return "leader";
  if (who.specialist_at_handling) return "specialist";
  return "receiver";
}

json::array Strings(const json::value* v) {
  json::array out;
  if (v && v->is_array()) for (const auto& x : v->as_array()) if (x.is_string()) out.push_back(x);
  return out;
}

}  // namespace

core::Result<json::object> Service::Act(const Principal& who, const std::string& code, const std::string& action_name,
                                        const json::object& body, bool en) {
  auto action = ParseAction(action_name);
  if (!action) return Fail(ErrorCode::kNotFound, "Không có thao tác này. / No such action.");
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  auto found = FindRow(*c, code);
  if (!found) return Fail(ErrorCode::kNotFound, "Không có hồ sơ này. / No such dossier.");
  Row d = std::move(*found);
  auto parts = Participants(*c, d.id);
  if (!Visible(who, d, parts)) return Fail(ErrorCode::kNotFound, "Không có hồ sơ này. / No such dossier.");
  auto now_tp = ToInstant(Clock::now());
  std::string now = Utc(now_tp);
  auto cal = calendar_(*c, d.handling_agency_id);
  State state = StateOf(d, parts, cal, now_tp);
  Actor actor = ActorOf(who, d, parts);
  // The procedure's process definition, read with the action (never cached: an edit applies at once).
  auto cfg_rows = c->Execute(store::kFindConfig, {d.procedure_code});
  json::object config = cfg_rows.Empty() ? json::object{} : ParseObject(cfg_rows.Text(0, 0));
  const Process proc = ProcessOfConfig(config);
  switch (Check(*action, state, actor, proc)) {
    case Refusal::kNone: break;
    case Refusal::kNotAllowedNow:
      return std::unexpected(Conflict("Không thể " + std::string(ActionLabel(action_name, false)) + " khi hồ sơ đang ở trạng thái \"" +
                                          std::string(StatusLabel(d.status, false)) + "\". / Cannot " + std::string(ActionLabel(action_name, true)) +
                                          " while the dossier is \"" + std::string(StatusLabel(d.status, true)) + "\".",
                                      PossibleIn(state, proc)));
    case Refusal::kWrongActor:
      return Fail(ErrorCode::kForbidden, "Bạn không có quyền thực hiện thao tác này với hồ sơ. / You may not take this action on this dossier.");
    case Refusal::kOnceOnly:
      return std::unexpected(Conflict(*action == Action::kExtend
                                          ? "Hồ sơ chỉ được hẹn lại ngày trả kết quả một lần. / A dossier's due date may be extended only once."
                                          : "Chỉ được yêu cầu bổ sung một lần, đầy đủ. / Documents may be requested only once, completely.",
                                      PossibleIn(state, proc)));
    case Refusal::kTooLate:
      return std::unexpected(Conflict("Phải gia hạn chậm nhất 01 ngày làm việc trước hạn trả kết quả. / An extension must be made at least one working day before the due date.",
                                      PossibleIn(state, proc)));
  }

  std::string note = Str(body, "note");
  if (note.size() > 4000) return Invalid("Ghi chú tối đa 4000 byte. / The note is 4000 bytes at most.", {{"/note", "too long"}});
  auto require = [&](const char* key, const char* vi, const char* enm) -> std::optional<core::Error> {
    std::string v = Str(body, key);
    if (v.empty() || v.size() > 4000) {
      return core::Error{ErrorCode::kInvalidArgument, std::string(vi) + " / " + enm, {{std::string("/") + key, "required"}}};
    }
    return std::nullopt;
  };

  json::object data;
  std::int64_t transfer_days = 0;  // a transfer's or consultation's deadline, in working days
  Next next = Apply(*action, state, {d.resume_status ? static_cast<int>(*d.resume_status) : d.status, d.resume_stage.value_or(d.stage)}, proc);
  const Review* acted_at = ReviewAt(proc, d.status, d.stage);
  std::optional<std::int64_t> resume_status = d.resume_status;
  std::optional<std::string> resume_stage = d.resume_stage;
  std::optional<std::string> assignee = d.assignee, received_at = d.received_at, due_at = d.due_at, finished_at = d.finished_at,
                              returned_at = d.returned_at;
  std::int64_t supplements = d.supplements, apologies = d.apologies, at_risk = d.at_risk, overdue = d.overdue;
  std::string handling_id = d.handling_agency_id, handling_path = d.handling_path;
  std::optional<Agency> event_agency = AgencyById(*c, d.handling_agency_id);
  std::vector<std::string> claimed;
  std::vector<core::FieldError> errors;
  auto restart_clock = [&](calendar::Instant from) {
    auto start = d.channel == "online" ? cal.OnlineCountingStart(from) : cal.PaperCountingStart(from);
    due_at = Utc(DueFrom(cal, start, d.duration_minutes, d.duration_unit));
    at_risk = 0;
    overdue = 0;
  };

  switch (*action) {
    case Action::kAccept: {
      // Decree 61/2018 Art. 17: the receipt (Mẫu 01) carries the appointment date.
      received_at = now;
      restart_clock(now_tp);
      event_agency = AgencyById(*c, d.agency_id);
      break;
    }
    case Action::kRefuse:
    case Action::kRefuseAfterAppraisal:
    case Action::kWithdraw: {
      if (auto e = require("reason", "Cần nêu lý do.", "A reason is required.")) return std::unexpected(*e);
      data["reason"] = Str(body, "reason");
      finished_at = now;
      if (*action == Action::kRefuse) event_agency = AgencyById(*c, d.agency_id);
      break;
    }
    case Action::kRequestSupplement: {
      if (auto e = require("reason", "Cần nêu nội dung và lý do cần bổ sung.", "Say what is missing and why.")) return std::unexpected(*e);
      json::array docs = Strings(body.if_contains("documents"));
      data["reason"] = Str(body, "reason");
      data["documents"] = docs;
      d.body["supplement"] = json::object{{"requested_at", Local(now)}, {"reason", Str(body, "reason")}, {"documents", docs},
                                          {"requested_by", who.display_name}, {"previous_due_at", LocalOrNull(d.due_at)},
                                          {"resubmitted_at", nullptr}};
      resume_status = d.status;
      resume_stage = d.stage;
      supplements += 1;
      if (d.status == kSubmitted || d.status == kReceived) event_agency = AgencyById(*c, d.agency_id);
      break;
    }
    case Action::kSupplement: {
      auto plan = plans_->Get(catalog_, *c, d.procedure_code, limits_.max_attachment_bytes);
      std::vector<DocRule> rules;
      if (plan) {
        for (const auto& k : plan->cases) if (k.code == d.case_code) rules = k.documents;
      }
      auto docs = ReadDocuments(*c, who, body.if_contains("documents"), rules, limits_.max_attachments_per_dossier, errors, claimed);
      if (const json::value* f = body.if_contains("form"); f && plan) {
        for (const auto& k : plan->cases) {
          if (k.code == d.case_code) for (auto& e : FormErrors(k.form, *f, "/form")) errors.push_back(std::move(e));
        }
        if (errors.empty()) d.body["form"] = *f;
      }
      if (!errors.empty()) return Invalid("Hồ sơ bổ sung chưa hợp lệ. / The supplement is not valid.", std::move(errors));
      if ((!docs || docs->empty()) && !body.contains("form")) {
        return Invalid("Hãy gửi giấy tờ hoặc tờ khai bổ sung. / Send the missing documents or the corrected form.", {{"/documents", "required"}});
      }
      json::array& current = d.body["documents"].is_array() ? d.body["documents"].as_array() : d.body["documents"].emplace_array();
      for (const auto& nd : *docs) {
        auto code_v = nd.as_object().at("code");
        auto it = std::find_if(current.begin(), current.end(), [&](json::value& x) { return x.as_object().at("code") == code_v; });
        if (it == current.end()) {
          current.push_back(nd);
        } else {
          for (const auto& f : nd.as_object().at("attachments").as_array()) it->as_object()["attachments"].as_array().push_back(f);
        }
      }
      data["documents"] = *docs;
      if (d.body["supplement"].is_object()) d.body["supplement"].as_object()["resubmitted_at"] = Local(now);
      // Decree 61/2018 Art. 19 §4: the time limit starts again once the dossier is complete.
      if (d.received_at) restart_clock(now_tp);
      resume_status.reset();
      resume_stage.reset();
      break;
    }
    case Action::kAssign: {
      std::string to = Str(body, "assignee_id");
      auto officers = c->Execute(store::kOfficers, {d.handling_path + "%", std::string("specialist")});
      bool ok = false;
      std::string name;
      for (std::size_t i = 0; i < officers.rows.size(); ++i) {
        if (officers.Text(i, 0) == to) { ok = true; name = officers.Text(i, 1); }
      }
      if (!ok) return Invalid("Hãy chọn một chuyên viên của cơ quan xử lý. / Choose a specialist of the handling agency.", {{"/assignee_id", "invalid"}});
      assignee = to;
      data["assignee"] = json::object{{"id", to}, {"name", name}};
      break;
    }
    case Action::kAppraise: {
      if (auto e = require("opinion", "Cần ghi ý kiến thẩm định.", "The appraisal opinion is required.")) return std::unexpected(*e);
      data["opinion"] = Str(body, "opinion");
      break;
    }
    case Action::kConsult:
    case Action::kTransfer: {
      auto target = AgencyById(*c, Str(body, "agency_id"));
      if (!target) target = AgencyByCode(*c, Str(body, "agency_id"));
      if (!target || target->id == d.handling_agency_id) {
        return Invalid("Hãy chọn một cơ quan khác. / Choose another agency.", {{"/agency_id", "invalid"}});
      }
      std::int64_t days = 0;
      if (auto it = body.find("due_in_days"); it != body.end() && !it->value().is_null()) {
        days = it->value().is_int64() ? it->value().as_int64() : -1;
      } else {
        // Without a deadline of its own, the one the procedure's configuration presets for that
        // agency (`transfer_days`).
        if (const json::value* preset = config.if_contains("transfer_days"); preset && preset->is_object()) {
          if (const json::value* n = preset->as_object().if_contains(target->code); n && n->is_int64()) days = n->as_int64();
        }
        if (days == 0) {
          return Invalid("Cần thời hạn (due_in_days): quy trình của thủ tục không đặt sẵn thời hạn cho cơ quan này. / "
                         "due_in_days is required: the procedure's process sets no deadline for this agency.", {{"/due_in_days", "required"}});
        }
      }
      if (days < 1 || days > 60) return Invalid("Thời hạn từ 1 đến 60 ngày làm việc. / due_in_days is 1 to 60 working days.", {{"/due_in_days", "1..60"}});
      std::string request = *action == Action::kConsult ? Str(body, "question") : note;
      if (*action == Action::kConsult && request.empty()) {
        return Invalid("Cần nêu nội dung xin ý kiến. / The question is required.", {{"/question", "required"}});
      }
      // Decree 61/2018 Art. 19 §5–7: the request states its deadline; each agency has its own.
      std::string part_due = Utc(cal.AddWorkingDays(now_tp, static_cast<int>(days)));
      c->Execute(store::kInsertParticipant, {d.id, target->id, target->path, std::string(*action == Action::kConsult ? "consulted" : "transferred"),
                                             request, part_due});
      data["agency"] = json::object{{"id", target->id}, {"name", target->name}};
      data["due_at"] = Local(part_due);
      transfer_days = days;
      if (*action == Action::kConsult) data["question"] = request;
      if (*action == Action::kTransfer) {
        handling_id = target->id;
        handling_path = target->path;
        assignee.reset();
      }
      break;
    }
    case Action::kAnswerConsultation: {
      if (auto e = require("answer", "Cần nội dung trả lời.", "The answer is required.")) return std::unexpected(*e);
      bool answered = false;
      for (const auto& p : parts) {
        if (p.role == "consulted" && !p.answered_at && Covers(who, p.agency_path)) {
          c->Execute(store::kAnswerParticipant, {d.id, p.agency_id, now, Str(body, "answer")});
          event_agency = AgencyById(*c, p.agency_id);
          answered = true;
          break;
        }
      }
      if (!answered) return Fail(ErrorCode::kForbidden, "Cơ quan của bạn không được xin ý kiến về hồ sơ này. / Your agency was not consulted.");
      data["answer"] = Str(body, "answer");
      break;
    }
    case Action::kRequestPayment: {
      std::int64_t amount = 0;
      if (auto it = body.find("amount"); it != body.end() && it->value().is_int64()) amount = it->value().as_int64();
      if (amount <= 0 || amount > 100'000'000'000) return Invalid("Số tiền (VND) phải là số nguyên dương. / amount must be a positive whole number of VND.", {{"/amount", "invalid"}});
      if (auto e = require("reason", "Cần nêu khoản phải nộp.", "Say what is to be paid.")) return std::unexpected(*e);
      // Optional breakdown into phí / lệ phí lines (kept apart for the e-receipts); they add up to amount.
      if (const json::value* items = body.if_contains("items"); items && !items->is_null()) {
        std::int64_t sum = 0;
        bool ok = items->is_array() && !items->as_array().empty() && items->as_array().size() <= 20;
        json::array clean;
        if (ok) {
          for (const auto& it : items->as_array()) {
            std::string kind = it.is_object() ? Str(it.as_object(), "kind") : "";
            std::string name = it.is_object() ? Str(it.as_object(), "name") : "";
            const json::value* a = it.is_object() ? it.as_object().if_contains("amount") : nullptr;
            if ((kind != "phi" && kind != "le_phi" && kind != "other") || name.empty() || name.size() > 500 || !a || !a->is_int64() ||
                a->as_int64() <= 0 || a->as_int64() > 100'000'000'000) {
              ok = false;
              break;
            }
            sum += a->as_int64();
            clean.push_back(json::object{{"kind", kind}, {"code", it.is_object() ? Str(it.as_object(), "code") : ""}, {"name", name}, {"amount", a->as_int64()}});
          }
        }
        if (!ok || sum != amount) {
          return Invalid("Các khoản (phí, lệ phí) phải cộng lại bằng số tiền. / items (kind phi|le_phi|other, name, amount) must add up to amount.",
                         {{"/items", "invalid"}});
        }
        data["items"] = clean;
      }
      d.body["payment"] = json::object{{"amount", amount}, {"reason", Str(body, "reason")}, {"requested_at", Local(now)}, {"paid_at", nullptr}};
      data["amount"] = amount;
      data["reason"] = Str(body, "reason");
      resume_status = d.status;
      resume_stage = d.stage;
      break;
    }
    case Action::kConfirmPayment: {
      if (d.body["payment"].is_object()) d.body["payment"].as_object()["paid_at"] = Local(now);
      resume_status.reset();
      resume_stage.reset();
      break;
    }
    case Action::kApprove: break;
    case Action::kReturnForRework: {
      if (auto e = require("reason", "Cần nêu lý do trả lại.", "A reason is required.")) return std::unexpected(*e);
      data["reason"] = Str(body, "reason");
      break;
    }
    case Action::kIssueResult: {
      const json::value* list = body.if_contains("results");
      if (!list || !list->is_array() || list->as_array().empty() || list->as_array().size() > 20) {
        return Invalid("Cần ít nhất một giấy tờ kết quả. / At least one result document is required.", {{"/results", "required"}});
      }
      json::array results;
      for (std::size_t i = 0; i < list->as_array().size(); ++i) {
        const auto& r = list->as_array()[i];
        std::string ptr = "/results/" + std::to_string(i);
        if (!r.is_object() || Str(r.as_object(), "name").empty()) {
          errors.push_back({ptr + "/name", "Tên giấy tờ kết quả là bắt buộc. / The result's name is required."});
          continue;
        }
        json::array files;
        for (const auto& idv : Strings(r.as_object().if_contains("attachment_ids"))) {
          auto a = FindAttachment(*c, std::string(idv.as_string()));
          if (!a || a->owner != who.account_id || a->used) {
            errors.push_back({ptr + "/attachment_ids", "Tệp kết quả không hợp lệ. / Not a result file you uploaded."});
            continue;
          }
          claimed.push_back(a->id);
          files.push_back(json::object{{"id", a->id}, {"name", a->name}, {"size", a->size}, {"content_type", a->content_type}});
        }
        results.push_back(json::object{{"name", Str(r.as_object(), "name")}, {"number", Str(r.as_object(), "number")},
                                       {"issued_at", Local(now)}, {"issued_by", who.display_name}, {"electronic", !files.empty()},
                                       {"attachments", files}});
      }
      if (!errors.empty()) return Invalid("Kết quả chưa hợp lệ. / The result is not valid.", std::move(errors));
      d.body["results"] = results;
      data["results"] = results.size();
      finished_at = now;
      break;
    }
    case Action::kReturnResult: {
      returned_at = now;
      event_agency = AgencyById(*c, d.agency_id);
      break;
    }
    case Action::kExtend: {
      if (auto e = require("reason", "Cần nêu lý do chậm trễ.", "The reason for the delay is required.")) return std::unexpected(*e);
      auto new_due = ParseInstant(Str(body, "new_due_at"));
      auto old_due = d.due_at ? ParseInstant(*d.due_at) : std::nullopt;
      if (!new_due || (old_due && *new_due <= *old_due)) {
        return Invalid("Ngày hẹn mới phải sau ngày hẹn cũ (RFC 3339). / new_due_at must be an RFC 3339 instant after the current due date.", {{"/new_due_at", "invalid"}});
      }
      // Decree 61/2018 Art. 19 §9, Mẫu 04: the apology states the reason and the new date.
      d.body["apology"] = json::object{{"at", Local(now)}, {"reason", Str(body, "reason")}, {"old_due_at", LocalOrNull(d.due_at)},
                                       {"new_due_at", Local(Utc(*new_due))}, {"by", who.display_name}};
      data["old_due_at"] = LocalOrNull(d.due_at);
      data["new_due_at"] = Local(Utc(*new_due));
      data["reason"] = Str(body, "reason");
      due_at = Utc(*new_due);
      apologies += 1;
      at_risk = 0;
      overdue = 0;
      break;
    }
  }

  bool stage_changed = next.stage != d.stage || handling_id != d.handling_agency_id;
  std::optional<std::string> step_due = d.step_due_at;
  if (stage_changed) {
    auto step_cal = handling_id == d.handling_agency_id ? cal : calendar_(*c, handling_id);
    if (*action == Action::kTransfer) {
      // The receiving agency of a transfer works to the deadline it was given.
      std::int64_t hours = transfer_days * calendar::kHoursPerWorkingDay;
      step_due = EnterStep(*c, step_cal, d.id, next.stage, handling_id, now_tp, json::object{{"steps", json::object{{next.stage, hours}}}},
                           due_at, false);
    } else {
      step_due = EnterStep(*c, step_cal, d.id, next.stage, handling_id, now_tp, config, due_at, IsTerminal(next.status), &proc);
    }
  }
  // The timeline names the review steps as the definition did when they were taken.
  if (acted_at && (*action == Action::kApprove || *action == Action::kReturnForRework)) {
    data["step"] = json::object{{"key", acted_at->key}, {"name", acted_at->name}, {"name_en", acted_at->name_en}};
  }
  const Review* entered = ReviewAt(proc, next.status, next.stage);
  if (entered && next.stage != d.stage) {
    data["next_step"] = json::object{{"key", entered->key}, {"name", entered->name}, {"name_en", entered->name_en}};
  }
  auto updated = c->Execute(store::kUpdateDossier,
                            {d.id, d.version, std::int64_t{next.status}, next.stage, OptInt(resume_status), Opt(resume_stage), Opt(assignee),
                             Opt(received_at), Opt(due_at), Opt(step_due), Opt(finished_at), Opt(returned_at), supplements, apologies,
                             json::serialize(d.body), handling_id, handling_path, at_risk, overdue, now,
                             entered ? db::Value(std::string(StepRoleName(entered->role))) : db::Value(nullptr)});
  if (updated.affected != 1) {
    // Someone else acted on the dossier between our read and our write (PostgreSQL READ COMMITTED).
    return Fail(ErrorCode::kConflict, "Hồ sơ vừa được người khác xử lý; hãy tải lại. / The dossier was just changed by someone else; reload it.");
  }
  for (const auto& a : claimed) {
    if (c->Execute(store::kClaimAttachment, {d.id, a, who.account_id}).affected != 1) {
      return Fail(ErrorCode::kConflict, "Một tệp vừa được dùng cho hồ sơ khác. / A file was just used for another dossier.");
    }
  }
  AddEvent(*c, d.id, now, action_name, d.status, next.status, next.stage, &who, RoleFor(*action, actor, acted_at), event_agency, note, data);
  json::object news{{"code", d.code}, {"procedure", d.procedure_name}, {"status", next.status},
                    {"status_label", StatusLabel(next.status, false)}, {"action", action_name},
                    {"due_at", due_at ? json::value(Local(*due_at)) : json::value("")},
                    {"reason", Str(body, "reason")}, {"note", note}};
  if (body.contains("amount") && body.at("amount").is_int64()) news["amount"] = body.at("amount").as_int64();
  if (next.status != d.status) {
    Notify(*c, d, StatusEvent(action_name), news, now);
    if (observer_) observer_(*c, StatusChange{d.id, d.code, d.procedure_code, handling_id, action_name, d.status, next.status, data});
  } else if (*action == Action::kExtend) {
    // Phiếu xin lỗi và hẹn lại (Mẫu 04): the applicant is told of the new date.
    Notify(*c, d, "dossier.extended", news, now);
  }
  if (*action == Action::kAssign && assignee && *assignee != who.account_id) {
    Row officer;
    officer.owner = *assignee;
    Notify(*c, officer, "dossier.assigned", news, now);
  }
  if (before_action_commit_for_test) before_action_commit_for_test();
  tx.Commit();
  auto after = FindRow(*c, code);
  return DossierJson(*c, *after, &who, calendar_, en, true);
}

core::Result<PaymentFacts> Service::FactsForPayment(db::Connection& c, const Principal& who, const std::string& code) {
  auto found = FindRow(c, code);
  if (!found) return Fail(ErrorCode::kNotFound, "Không có hồ sơ này. / No such dossier.");
  auto parts = Participants(c, found->id);
  if (!Visible(who, *found, parts)) return Fail(ErrorCode::kNotFound, "Không có hồ sơ này. / No such dossier.");
  PaymentFacts f;
  f.id = found->id;
  f.code = found->code;
  f.procedure_code = found->procedure_code;
  f.procedure_name = found->procedure_name;
  f.agency_id = found->handling_agency_id;
  f.agency_path = found->handling_path;
  if (auto a = AgencyById(c, found->handling_agency_id)) {
    f.agency_code = a->code;
    f.agency_name = a->name;
  }
  f.applicant_name = found->applicant_name;
  f.applicant_id_number = found->applicant_id_number;
  f.status = found->status;
  f.owner = IsOwner(who, *found);
  f.officer = !f.owner;
  return f;
}

bool Service::ConfirmPaymentOn(db::Connection& c, const std::string& dossier_id, const json::object& data) {
  auto r = c.Execute(store::kDossierById, {dossier_id});
  if (r.Empty()) return false;
  Row d = ReadRow(r, 0);
  if (d.status != kPaymentRequested) return false;
  auto now_tp = ToInstant(Clock::now());
  std::string now = Utc(now_tp);
  auto cal = calendar_(c, d.handling_agency_id);
  Next next = Apply(Action::kConfirmPayment, State{}, {d.resume_status ? static_cast<int>(*d.resume_status) : kInProcess,
                                                       d.resume_stage.value_or("processing")});
  if (d.body["payment"].is_object()) d.body["payment"].as_object()["paid_at"] = Local(now);
  auto cfg_rows = c.Execute(store::kFindConfig, {d.procedure_code});
  json::object config = cfg_rows.Empty() ? json::object{} : ParseObject(cfg_rows.Text(0, 0));
  const Process proc = ProcessOfConfig(config);
  const Review* entered = ReviewAt(proc, next.status, next.stage);
  std::optional<std::string> step_due = d.step_due_at;
  if (next.stage != d.stage) step_due = EnterStep(c, cal, d.id, next.stage, d.handling_agency_id, now_tp, config, d.due_at, false, &proc);
  auto updated = c.Execute(store::kUpdateDossier,
                           {d.id, d.version, std::int64_t{next.status}, next.stage, nullptr, nullptr, Opt(d.assignee), Opt(d.received_at),
                            Opt(d.due_at), Opt(step_due), Opt(d.finished_at), Opt(d.returned_at), d.supplements, d.apologies,
                            json::serialize(d.body), d.handling_agency_id, d.handling_path, d.at_risk, d.overdue, now,
                            entered ? db::Value(std::string(StepRoleName(entered->role))) : db::Value(nullptr)});
  // Another writer changed the dossier since our read: roll back; the platform retries.
  if (updated.affected != 1) throw std::runtime_error("dossier changed during payment confirmation");
  AddEvent(c, d.id, now, "confirm_payment", d.status, next.status, next.stage, nullptr, "system", AgencyById(c, d.handling_agency_id),
           "Đã thanh toán trực tuyến / Paid online", data);
  Notify(c, d, "dossier.status", json::object{{"code", d.code}, {"status", next.status}, {"status_label", StatusLabel(next.status, false)},
                                              {"action", "confirm_payment"}}, now);
  if (observer_) observer_(c, StatusChange{d.id, d.code, d.procedure_code, d.handling_agency_id, "confirm_payment_online", d.status, next.status, data});
  return true;
}

// ---- officer workspace ----

namespace {
bool IsOfficer(const Principal& p) { return p.kind == identity::AccountKind::kOfficer && !p.enrolment_required; }
std::string Scope(const Principal& p) { return p.HasRole(Role::kSysadmin) ? std::string("%") : p.agency_path + "%"; }
}  // namespace

core::Result<json::object> Service::Inbox(const Principal& who, const std::string& box, const std::string& q, const std::string& sort,
                                          std::size_t offset, std::size_t limit, bool en) {
  if (!IsOfficer(who)) return Fail(ErrorCode::kForbidden, "Chỉ cán bộ xem được hộp hồ sơ. / Only officers have an inbox.");
  static const std::set<std::string> kBoxes{"receive", "process", "approve", "return", "due_soon", "overdue", "all"};
  if (!kBoxes.contains(box)) return Invalid("Hộp hồ sơ không hợp lệ. / Not an inbox.", {{"box", box}});
  if (sort != "due_at" && sort != "-due_at" && sort != "received_at") return Invalid("sort là due_at, -due_at hoặc received_at. / sort is due_at, -due_at or received_at.", {{"sort", sort}});
  if (q.size() > 100) return Invalid("Từ khóa quá dài. / The search text is too long.", {{"q", "too long"}});
  auto c = db_.Acquire();
  auto now_tp = ToInstant(Clock::now());
  auto cal = calendar_(*c, who.agency_id);
  std::string now = Utc(now_tp), soon = Utc(cal.AddWorkingHours(now_tp, calendar::Minutes(calendar::kHoursPerWorkingDay * 60)));
  std::string pattern;
  for (char ch : q) {
    if (ch == '%' || ch == '_') continue;
    pattern.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  if (!pattern.empty()) pattern = "%" + pattern + "%";
  std::string scope = Scope(who);
  // The approve box: dossiers at a review step whose acting role (dossiers.review_role) the
  // officer holds.
  std::string roles = ",";
  for (auto [role, name] : {std::pair{Role::kReceiver, "receiver"}, std::pair{Role::kSpecialist, "specialist"}, std::pair{Role::kLeader, "leader"}}) {
    if (who.HasRole(role) || who.HasRole(Role::kSysadmin)) roles += std::string(name) + ",";
  }
  auto r = c->Execute(store::kInbox, {scope, box, now, soon, pattern, roles, sort, static_cast<std::int64_t>(limit), static_cast<std::int64_t>(offset)});
  json::array items;
  std::map<std::string, Process> processes;  // this answer's, by procedure (read once per answer)
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    Row d = ReadRow(r, i);
    json::object o = DossierJson(*c, d, &who, calendar_, en, false);
    if (d.status == kInProcess && !IsFixedStage(d.stage)) {
      auto it = processes.find(d.procedure_code);
      if (it == processes.end()) {
        auto cfg = c->Execute(store::kFindConfig, {d.procedure_code});
        it = processes.emplace(d.procedure_code, cfg.Empty() ? DefaultProcess() : ProcessOfConfig(ParseObject(cfg.Text(0, 0)))).first;
      }
      if (const Review* rv = ReviewAt(it->second, d.status, d.stage)) o["stage_label"] = en && !rv->name_en.empty() ? rv->name_en : rv->name;
    }
    o["applicant_name"] = d.applicant_name;
    o["assignee"] = d.assignee ? json::value(json::object{{"id", *d.assignee}, {"name", AccountName(*c, *d.assignee)}}) : json::value(nullptr);
    bool active = !IsTerminal(d.status) && d.status != kResultReady;
    o["overdue"] = active && d.due_at && *d.due_at < now;
    o["due_soon"] = active && d.due_at && *d.due_at >= now && *d.due_at < soon;
    items.push_back(std::move(o));
  }
  json::object counts;
  std::int64_t total = 0;
  for (const auto& b : kBoxes) {
    auto n = c->Execute(store::kCountInbox, {scope, b, now, soon, pattern, roles}).Int(0, 0);
    counts[b] = n;
    if (b == box) total = n;
  }
  std::size_t next = offset + r.rows.size();
  return json::object{{"items", items}, {"next_cursor", static_cast<std::int64_t>(next) < total ? json::value(std::to_string(next)) : json::value(nullptr)},
                      {"total", total}, {"counts", counts}};
}

core::Result<json::object> Service::Officers(const Principal& who, const std::string& agency, const std::string& role) {
  if (!IsOfficer(who)) return Fail(ErrorCode::kForbidden, "Chỉ cán bộ xem được danh sách này. / Only officers see this list.");
  if (!identity::ParseRole(role) || role == "sysadmin") return Invalid("Vai trò không hợp lệ. / Not a role.", {{"role", role}});
  auto c = db_.Acquire();
  auto a = AgencyById(*c, agency);
  if (!a) a = AgencyByCode(*c, agency);
  if (!a || !Covers(who, a->path)) return Fail(ErrorCode::kNotFound, "Không có cơ quan này. / No such agency.");
  auto r = c->Execute(store::kOfficers, {a->path + "%", role});
  json::array items;
  for (std::size_t i = 0; i < r.rows.size(); ++i) items.push_back(json::object{{"id", r.Text(i, 0)}, {"name", r.Text(i, 1)}, {"agency", r.Text(i, 2)}});
  return json::object{{"items", items}, {"next_cursor", nullptr}, {"total", items.size()}};
}

// ---- tracking and rating ----

std::unordered_map<std::string, TrackRow> Service::TrackRows(const std::vector<std::string>& codes) {
  json::array list;
  for (const auto& code : codes) list.emplace_back(code);
  auto c = db_.Acquire();
  // The public answer needs a few columns, not the dossier's body: a lean query for the many
  // anonymous lookups, one for all the codes asked at once.
  auto r = c->Execute(c->GetEngine() == db::Engine::kPostgres ? store::kTrackRowsPg : store::kTrackRowsSqlite, {json::serialize(list)});
  std::unordered_map<std::string, TrackRow> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    TrackRow t{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 4), r.Text(i, 8), r.Text(i, 10), r.Text(i, 11),
               static_cast<int>(r.Int(i, 3)), r.OptText(i, 5), r.OptText(i, 6), r.OptText(i, 7), r.OptText(i, 9)};
    std::string key = t.code;
    out.emplace(std::move(key), std::move(t));
  }
  return out;
}

json::object Service::TrackPublic(const TrackRow& row, bool en) const {
  int status = row.status;
  const std::string& stage = row.stage;
  // In process: waiting for assignment or appraisal 40 %, at a review step (the default
  // approval or a procedure's own) 60 %, approved and being issued 75 %.
  int completion = status == kReturned ? 100 : status == kResultReady ? 90 : status == kInProcess ? (stage == "approved" ? 75 : stage == "received" || stage == "processing" ? 40 : 60)
                 : status == kReceived ? 20 : status == kSubmitted ? 10 : IsTerminal(status) ? 100 : 30;
  return json::object{{"code", row.code}, {"procedure_code", row.procedure_code}, {"procedure_name", row.procedure_name},
                      {"status", status}, {"status_label", StatusLabel(status, en)}, {"completion", completion},
                      {"received_at", LocalOrNull(row.received_at)}, {"due_at", LocalOrNull(row.due_at)},
                      {"returned_at", LocalOrNull(row.returned_at)}};
}

// Circular 01/2018 Art. 16 §2d: the code and completion are public; the steps, down to the
// department, only for the owner (signed in, or proving it with the owner's ID number).
bool Service::TrackOwner(const TrackRow& row, const std::optional<Principal>& who, const std::string& id_number) {
  return (who && row.owner_account && *row.owner_account == who->account_id && who->kind != identity::AccountKind::kOfficer) ||
         (!id_number.empty() && !row.applicant_id_number.empty() &&
          crypto::Sha256::Hex(id_number) == crypto::Sha256::Hex(row.applicant_id_number));
}

void Service::AddTrackDetails(json::object& answer, const TrackRow& row, bool en) {
  auto c = db_.Acquire();
  answer["agency"] = AgencyJson(*c, row.handling_agency_id, en);
  answer["history"] = History(*c, row.id, en, false);
}

core::Result<json::object> Service::Rate(const Principal& who, const std::string& code, const json::object& body, bool edit) {
  static const std::set<std::string> kCriteria{"on_time", "contacts", "agencies", "information", "attitude", "lawful_cost", "complaints", "online_service"};
  auto score = [](const json::value* v) -> int { return (v && v->is_int64() && v->as_int64() >= 1 && v->as_int64() <= 3) ? static_cast<int>(v->as_int64()) : 0; };
  std::vector<core::FieldError> errors;
  int overall = score(body.if_contains("overall"));
  if (overall == 0) errors.push_back({"/overall", "Chọn mức 1 (Không hài lòng), 2 (Hài lòng) hoặc 3 (Rất hài lòng). / overall is 1, 2 or 3."});
  json::object criteria;
  if (const json::value* cv = body.if_contains("criteria"); cv && !cv->is_null()) {
    if (!cv->is_object()) {
      errors.push_back({"/criteria", "criteria là một đối tượng. / criteria is an object."});
    } else {
      for (const auto& [k, v] : cv->as_object()) {
        std::string key(k);
        if (!kCriteria.contains(key)) errors.push_back({"/criteria/" + key, "Tiêu chí không có trong danh sách. / Unknown criterion."});
        else if (score(&v) == 0) errors.push_back({"/criteria/" + key, "Mức đánh giá là 1, 2 hoặc 3. / A score is 1, 2 or 3."});
        else criteria[key] = v;
      }
    }
  }
  std::string comment = Str(body, "comment");
  if (comment.size() > 2000) errors.push_back({"/comment", "Ý kiến tối đa 2000 byte. / The comment is 2000 bytes at most."});
  if (!errors.empty()) return Invalid("Đánh giá chưa hợp lệ. / The rating is not valid.", std::move(errors));
  auto c = db_.Acquire();
  db::Transaction tx(*c);
  auto d = FindRow(*c, code);
  if (!d || !Visible(who, *d, Participants(*c, d->id))) return Fail(ErrorCode::kNotFound, "Không có hồ sơ này. / No such dossier.");
  if (!IsOwner(who, *d)) return Fail(ErrorCode::kForbidden, "Chỉ người nộp hồ sơ được đánh giá. / Only the applicant rates the dossier.");
  if (d->status != kReturned) return Fail(ErrorCode::kConflict, "Chỉ đánh giá sau khi đã nhận kết quả. / Rate once the result has been returned.");
  auto existing = RatingOf(*c, d->id);
  std::string now = Now();
  if (!edit) {
    if (existing) return Fail(ErrorCode::kConflict, "Hồ sơ đã được đánh giá; bạn có thể sửa trong 7 ngày. / Already rated; you may edit it within 7 days.");
    c->Execute(store::kInsertRating, {d->id, who.account_id, std::int64_t{overall}, json::serialize(criteria), comment, now});
  } else {
    if (!existing) return Fail(ErrorCode::kNotFound, "Chưa có đánh giá để sửa. / There is no rating to edit.");
    auto created = ParseInstant(std::string(existing->at("created_at").as_string()));
    if (!created || ToInstant(Clock::now()) - *created >= std::chrono::days(7)) {
      return Fail(ErrorCode::kConflict, "Đã quá 7 ngày, không sửa được đánh giá. / A rating can be edited for 7 days only.");
    }
    c->Execute(store::kUpdateRating, {d->id, std::int64_t{overall}, json::serialize(criteria), comment, now});
  }
  tx.Commit();
  return *RatingOf(*c, d->id);
}

// ---- official forms and registers (Circular 01/2018 Art. 9) ----

namespace {

std::string Csv(std::string_view s) {
  // Quote everything; a leading = + - @ could be read as a formula by a spreadsheet.
  std::string out = "\"";
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) out += '\'';
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// One dossier's line of the register (Mẫu 06), instants in Vietnam's time.
json::object RegisterLine(db::Connection& c, const Row& d) {
  auto ev = c.Execute(store::kEvents, {d.id});
  std::optional<std::string> transferred;
  for (std::size_t k = 0; k < ev.rows.size(); ++k) {
    if (ev.Text(k, 2) == "assign" || ev.Text(k, 2) == "transfer") {
      transferred = ev.Text(k, 1);
      break;
    }
  }
  std::string note = d.apologies > 0 ? "Đã gia hạn (Mẫu 04)" : d.overdue ? "Quá hạn" : "";
  return json::object{{"code", d.code}, {"procedure_name", d.procedure_name}, {"applicant_name", d.applicant_name},
                      {"received_at", Local(d.received_at ? d.received_at : std::optional(d.submitted_at))},
                      {"due_at", Local(d.due_at)}, {"transferred_at", Local(transferred)}, {"finished_at", Local(d.finished_at)},
                      {"returned_at", Local(d.returned_at)}, {"status_label", StatusLabel(d.status, false)}, {"note", note}};
}

// `mau-01` … `mau-06` (the documented names) or `mau01` … `mau06` (the first ones) → `mau01` ….
std::string FormName(const std::string& form) {
  if (form.size() == 6 && form.starts_with("mau-")) return "mau" + form.substr(4);
  return form;
}

}  // namespace

core::Result<json::object> Service::Form(const Principal& who, const std::string& code, const std::string& given_form, bool en) {
  const std::string form = FormName(given_form);
  if (form == "mau06" && !IsOfficer(who)) return Fail(ErrorCode::kForbidden, "Chỉ cán bộ xem được sổ theo dõi hồ sơ. / Only officers see the register.");
  auto c = db_.Acquire();
  auto d = FindRow(*c, code);
  if (!d || !Visible(who, *d, Participants(*c, d->id))) return Fail(ErrorCode::kNotFound, "Không có hồ sơ này. / No such dossier.");
  auto agency = AgencyById(*c, d->agency_id);
  json::object o{{"form", form}, {"code", d->code}, {"agency_name", agency ? agency->name : ""}, {"procedure_name", d->procedure_name},
                 {"applicant", d->body["applicant"]}, {"received_at", LocalOrNull(d->received_at)}, {"due_at", LocalOrNull(d->due_at)},
                 {"return_place", agency ? agency->name + (agency->address.empty() ? "" : ", " + agency->address) : ""}};
  auto last_actor = [&](std::string_view action) -> std::pair<std::string, json::object> {
    auto r = c->Execute(store::kEvents, {d->id});
    for (std::size_t i = r.rows.size(); i-- > 0;) {
      if (r.Text(i, 2) == action) return {r.Text(i, 7), ParseObject(r.Text(i, 12))};
    }
    return {"", {}};
  };
  auto plan = plans_->Get(catalog_, *c, d->procedure_code, limits_.max_attachment_bytes);
  if (form == "mau01") {
    if (!d->received_at) return Fail(ErrorCode::kConflict, "Hồ sơ chưa được tiếp nhận. / The dossier has not been received yet.");
    json::array docs;
    if (plan) {
      for (const auto& k : plan->cases) {
        if (k.code != d->case_code) continue;
        for (const auto& r : k.documents) {
          bool given = d->channel != "online" || HasDocument(d->body["documents"].is_array() ? d->body["documents"].as_array() : json::array{}, r.code);
          if (given) docs.push_back(json::object{{"name", r.name}, {"originals", r.originals}, {"copies", r.copies}});
        }
      }
    }
    o["title"] = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ";
    o["documents"] = docs;
    auto [name, data] = last_actor(d->channel == "online" ? "accept" : "receive");
    o["officer_name"] = name;
  } else if (form == "mau02") {
    if (!d->body["supplement"].is_object()) return Fail(ErrorCode::kConflict, "Hồ sơ không có yêu cầu bổ sung. / No documents were requested for this dossier.");
    const auto& s = d->body["supplement"].as_object();
    o["title"] = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ";
    o["reason"] = s.at("reason");
    o["requested_documents"] = s.at("documents");
    // The names as the catalog lists them, for the printed form (a code the case no longer
    // lists keeps its code).
    json::array names;
    if (s.at("documents").is_array()) {
      for (const auto& v : s.at("documents").as_array()) {
        std::string doc = v.is_string() ? std::string(v.as_string()) : std::string();
        std::string name = doc;
        if (plan) {
          for (const auto& k : plan->cases) {
            if (k.code != d->case_code) continue;
            for (const auto& r : k.documents) if (r.code == doc) name = r.name;
          }
        }
        names.push_back(json::string(name));
      }
    }
    o["requested_document_names"] = std::move(names);
    o["officer_name"] = s.at("requested_by");
    o["requested_at"] = s.at("requested_at");
  } else if (form == "mau03") {
    std::string action = d->status == kNotReceived ? "refuse" : d->status == kStopped ? "refuse_after_appraisal" : "";
    if (action.empty()) return Fail(ErrorCode::kConflict, "Hồ sơ không bị từ chối. / The dossier was not refused.");
    auto [name, data] = last_actor(action);
    o["title"] = d->status == kNotReceived ? "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" : "PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ";
    o["reason"] = data.contains("reason") ? data.at("reason") : json::value("");
    o["officer_name"] = name;
  } else if (form == "mau04") {
    if (!d->body["apology"].is_object()) return Fail(ErrorCode::kConflict, "Hồ sơ không có phiếu xin lỗi. / The dossier has no apology.");
    const auto& a = d->body["apology"].as_object();
    o["title"] = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ";
    o["reason"] = a.at("reason");
    o["old_due_at"] = a.at("old_due_at");
    o["new_due_at"] = a.at("new_due_at");
    o["officer_name"] = a.at("by");
  } else if (form == "mau05") {
    o["title"] = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ";
    json::array steps;
    // A review step is named as the procedure's process names it now (its key when removed since).
    auto cfg = c->Execute(store::kFindConfig, {d->procedure_code});
    const Process proc = cfg.Empty() ? DefaultProcess() : ProcessOfConfig(ParseObject(cfg.Text(0, 0)));
    auto r = c->Execute(store::kSteps, {d->id});
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      std::optional<std::int64_t> late;
      if (!r.IsNull(i, 5)) late = r.Int(i, 5);
      std::string result = !r.OptText(i, 4) ? (en ? "in progress" : "đang thực hiện") : (late && *late > 0) ? (en ? "late" : "trễ hạn") : (en ? "on time" : "đúng hạn");
      std::string step_name;
      for (const auto& rv : proc.reviews) {
        if (rv.key == r.Text(i, 1)) step_name = en && !rv.name_en.empty() ? rv.name_en : rv.name;
      }
      steps.push_back(json::object{{"step", r.Text(i, 1)}, {"step_name", step_name}, {"agency", r.Text(i, 6)}, {"started_at", Local(r.Text(i, 2))},
                                   {"due_at", LocalOrNull(r.OptText(i, 3))}, {"finished_at", LocalOrNull(r.OptText(i, 4))},
                                   {"late_minutes", late ? json::value(*late) : json::value(nullptr)}, {"result", result}});
    }
    o["steps"] = steps;
  } else if (form == "mau06") {
    // One dossier's line of the register (Mẫu 06); the whole register is RegisterData.
    o["title"] = "SỔ THEO DÕI HỒ SƠ";
    o["rows"] = json::array{RegisterLine(*c, *d)};
  } else {
    return Fail(ErrorCode::kNotFound, "Không có mẫu này (mau-01…mau-06). / No such form (mau-01…mau-06).");
  }
  o["form"] = "mau-" + form.substr(3);
  return o;
}


core::Result<std::string> Service::ControlSheetCsv(const Principal& who, const std::string& code) {
  if (!IsOfficer(who)) return Fail(ErrorCode::kForbidden, "Chỉ cán bộ xuất được phiếu kiểm soát. / Only officers export control sheets.");
  auto data = Form(who, code, "mau05", false);
  if (!data) return std::unexpected(data.error());
  std::string out = "\xEF\xBB\xBF\"Bước\",\"Cơ quan\",\"Bắt đầu\",\"Hạn\",\"Hoàn thành\",\"Kết quả\",\"Số phút trễ\"\r\n";
  for (const auto& s : data->at("steps").as_array()) {
    const auto& o = s.as_object();
    auto text = [&](const char* k) { return o.at(k).is_string() ? std::string(o.at(k).as_string()) : std::string(); };
    out += Csv(text("step_name").empty() ? text("step") : text("step_name")) + "," + Csv(text("agency")) + "," + Csv(text("started_at")) + "," + Csv(text("due_at")) + "," +
           Csv(text("finished_at")) + "," + Csv(text("result")) + "," + (o.at("late_minutes").is_int64() ? std::to_string(o.at("late_minutes").as_int64()) : "") + "\r\n";
  }
  return out;
}

core::Result<json::object> Service::RegisterData(const Principal& who, const std::string& from, const std::string& to) {
  if (!IsOfficer(who)) return Fail(ErrorCode::kForbidden, "Chỉ cán bộ xuất được sổ theo dõi. / Only officers export the register.");
  auto parse_day = [](const std::string& s) -> std::optional<calendar::Date> {
    int y, m, dd;
    if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &dd) != 3) return std::nullopt;
    calendar::Date d{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)), std::chrono::day(static_cast<unsigned>(dd))};
    return d.ok() ? std::optional(d) : std::nullopt;
  };
  auto f = parse_day(from), t = parse_day(to);
  if (!f || !t || std::chrono::sys_days(*t) < std::chrono::sys_days(*f) || std::chrono::sys_days(*t) - std::chrono::sys_days(*f) > std::chrono::days(366)) {
    return Invalid("from và to là ngày YYYY-MM-DD, cách nhau tối đa một năm. / from and to are YYYY-MM-DD dates at most a year apart.", {{"from", from}, {"to", to}});
  }
  auto c = db_.Acquire();
  std::string lo = Utc(calendar::LocalTime(*f, 0)), hi = Utc(calendar::LocalTime(calendar::Date(std::chrono::sys_days(*t) + std::chrono::days(1)), 0));
  auto r = c->Execute(store::kRegister, {Scope(who), lo, hi});
  json::array rows;
  for (std::size_t i = 0; i < r.rows.size(); ++i) rows.push_back(RegisterLine(*c, ReadRow(r, i)));
  auto agency = AgencyById(*c, who.agency_id);
  return json::object{{"form", "mau-06"}, {"title", "SỔ THEO DÕI HỒ SƠ"}, {"agency_name", agency ? agency->name : ""},
                      {"from", from}, {"to", to}, {"rows", std::move(rows)}};
}

core::Result<std::string> Service::RegisterCsv(const Principal& who, const std::string& from, const std::string& to) {
  auto data = RegisterData(who, from, to);
  if (!data) return std::unexpected(data.error());
  std::string out = "\xEF\xBB\xBF\"STT\",\"Mã hồ sơ\",\"Thủ tục\",\"Người nộp\",\"Ngày nhận\",\"Ngày hẹn trả\",\"Ngày chuyển xử lý\",\"Ngày có kết quả\",\"Ngày trả kết quả\",\"Trạng thái\",\"Ghi chú\"\r\n";
  std::size_t i = 0;
  for (const auto& v : data->at("rows").as_array()) {
    const auto& row = v.as_object();
    auto text = [&](const char* k) { return Str(row, k); };
    // The register's instants in Vietnam's time, to the minute (`2026-11-23 16:30`).
    auto at = [&](const char* k) { std::string l = Str(row, k); return l.size() < 16 ? l : l.substr(0, 10) + " " + l.substr(11, 5); };
    out += std::to_string(++i) + "," + Csv(text("code")) + "," + Csv(text("procedure_name")) + "," + Csv(text("applicant_name")) + "," +
           Csv(at("received_at")) + "," + Csv(at("due_at")) + "," + Csv(at("transferred_at")) + "," + Csv(at("finished_at")) + "," +
           Csv(at("returned_at")) + "," + Csv(text("status_label")) + "," + Csv(text("note")) + "\r\n";
  }
  return out;
}

// ---- configuration (forms, documents, step allotments) ----

namespace {

// A configuration's revision: "0" before the first save, else a digest of what is stored and
// when it was saved (two saves give two revisions even with the same content).
std::string ConfigRevision(const db::ResultSet& row) {
  if (row.Empty()) return "0";
  return crypto::Sha256::Hex(row.Text(0, 0) + "|" + row.Text(0, 1)).substr(0, 20);
}

}  // namespace

core::Result<json::object> Service::GetConfig(const Principal& who, const std::string& procedure_code) {
  if (auto ok = identity::RequireAnyRole(who, {Role::kAgencyAdmin}); !ok) return std::unexpected(ok.error());
  auto c = db_.Acquire();
  auto snap = catalog_.Current();
  const auto* p = snap->procedures->Find(procedure_code);
  if (!p) return Fail(ErrorCode::kNotFound, "Không có thủ tục đang công bố với mã này. / No published procedure with this code.");
  if (!who.HasRole(Role::kSysadmin)) {
    auto paths = catalog_.AgencyPathsOf(*c, *p);
    bool ok = std::any_of(paths.begin(), paths.end(), [&](const std::string& x) { return OfficerRoleIn(who, Role::kAgencyAdmin, x); });
    if (!ok) return Fail(ErrorCode::kForbidden, "Thủ tục không thuộc cơ quan bạn quản lý. / The procedure is not your agency's.");
  }
  auto r = c->Execute(store::kFindConfig, {procedure_code});
  json::object out{{"procedure_code", procedure_code}, {"config", r.Empty() ? json::object{} : ParseObject(r.Text(0, 0))},
                   {"updated_at", r.Empty() ? json::value(nullptr) : json::value(Local(r.Text(0, 1)))},
                   {"revision", ConfigRevision(r)}};
  return out;
}

core::Result<json::object> Service::PutConfig(const Principal& who, const std::string& procedure_code, const json::object& config,
                                              const std::optional<std::string>& if_match) {
  auto current = GetConfig(who, procedure_code);
  if (!current) return std::unexpected(current.error());
  std::vector<core::FieldError> errors;
  for (const auto& [k, v] : config) {
    std::string key(k);
    if (key != "form" && key != "cases" && key != "steps" && key != "agencies" && key != "payment_at_submission" &&
        key != "transfer_days" && key != "payment_type_code" && key != "workflow") {
      errors.push_back({"/" + key, "Mục cấu hình không được hỗ trợ. / Not a supported setting."});
    }
    if (key == "payment_at_submission" && !v.is_bool()) {
      errors.push_back({"/payment_at_submission", "payment_at_submission là true hoặc false. / payment_at_submission is true or false."});
    }
    // The payment transaction-type code of Decision 31/2021 Art. 36 (the payment module checks its form).
    if (key == "payment_type_code" && (!v.is_string() || !v.as_string().starts_with("G22.99") || v.as_string().size() > 60)) {
      errors.push_back({"/payment_type_code", "payment_type_code là mã loại giao dịch G22.99… / payment_type_code is a G22.99… transaction-type code."});
    }
  }
  if (auto it = config.find("agencies"); it != config.end()) {
    auto c = db_.Acquire();
    if (!it->value().is_array()) {
      errors.push_back({"/agencies", "agencies là danh sách mã cơ quan. / agencies is a list of agency codes."});
    } else {
      std::size_t i = 0;
      for (const auto& v : it->value().as_array()) {
        if (!v.is_string() || !AgencyByCode(*c, std::string(v.as_string()))) {
          errors.push_back({"/agencies/" + std::to_string(i), "Không có cơ quan có mã này. / No agency has this code."});
        }
        ++i;
      }
    }
  }
  // Inter-agency (liên thông) deadlines preset per receiving agency, in working days.
  if (auto it = config.find("transfer_days"); it != config.end()) {
    auto c = db_.Acquire();
    if (!it->value().is_object()) {
      errors.push_back({"/transfer_days", "transfer_days là {mã cơ quan: số ngày làm việc}. / transfer_days maps agency codes to working days."});
    } else {
      for (const auto& [code, days] : it->value().as_object()) {
        std::string ptr = "/transfer_days/" + std::string(code);
        if (!AgencyByCode(*c, std::string(code))) errors.push_back({ptr, "Không có cơ quan có mã này. / No agency has this code."});
        else if (!days.is_int64() || days.as_int64() < 1 || days.as_int64() > 60) {
          errors.push_back({ptr, "Số ngày làm việc từ 1 đến 60. / 1 to 60 working days."});
        }
      }
    }
  }
  auto check_form = [&](const json::value& f, const std::string& ptr) {
    if (f.is_null()) return;
    for (auto& p : CheckSchema(f)) errors.push_back({ptr + p.pointer, p.message});
  };
  if (auto it = config.find("form"); it != config.end()) check_form(it->value(), "/form");
  if (auto it = config.find("cases"); it != config.end()) {
    if (!it->value().is_object()) errors.push_back({"/cases", "cases là một đối tượng theo mã trường hợp. / cases is an object keyed by case code."});
    else for (const auto& [ck, cv] : it->value().as_object()) {
      if (!cv.is_object()) { errors.push_back({"/cases/" + std::string(ck), "Phải là một đối tượng. / Must be an object."}); continue; }
      if (auto f = cv.as_object().find("form"); f != cv.as_object().end()) check_form(f->value(), "/cases/" + std::string(ck) + "/form");
    }
  }
  if (auto it = config.find("steps"); it != config.end()) {
    if (!it->value().is_object()) errors.push_back({"/steps", "steps là một đối tượng {giai đoạn: số giờ}. / steps maps stages to hours."});
    else for (const auto& [sk, sv] : it->value().as_object()) {
      // Only the stages StageMinutes reads: a misspelt stage would otherwise be kept and ignored.
      static constexpr std::array<std::string_view, 5> kAllotted{"submitted", "received", "awaiting_approval", "approved", "result_ready"};
      if (sk == "processing") {
        errors.push_back({"/steps/processing", "Giai đoạn thẩm định nhận phần thời gian còn lại của thời hạn; không đặt số giờ. / "
                                               "Processing gets what is left of the time limit; it takes no hours."});
      } else if (std::find(kAllotted.begin(), kAllotted.end(), std::string_view(sk)) == kAllotted.end()) {
        errors.push_back({"/steps/" + std::string(sk), "Không có giai đoạn này; đặt được số giờ cho: submitted, received, awaiting_approval, "
                                                       "approved, result_ready. / No such stage; hours can be set for: submitted, received, "
                                                       "awaiting_approval, approved, result_ready."});
      } else if (!sv.is_number() || sv.to_number<double>() < 0 || sv.to_number<double>() > 2000) {
        errors.push_back({"/steps/" + std::string(sk), "Số giờ từ 0 đến 2000. / Hours from 0 to 2000."});
      }
    }
  }
  // The process definition (steps after appraisal, who acts at each): docs/dossier.md.
  if (const json::value* w = config.if_contains("workflow")) {
    std::vector<ProcessError> problems;
    ParseProcess(*w, problems);
    for (auto& e : problems) errors.push_back({std::move(e.pointer), std::move(e.message)});
    const json::value* steps = config.if_contains("steps");
    if (w->is_object() && w->as_object().contains("reviews") && steps && steps->is_object() && steps->as_object().contains("awaiting_approval")) {
      errors.push_back({"/steps/awaiting_approval", "Khi có workflow.reviews, số giờ của từng bước xem xét đặt tại workflow.reviews[].hours. / "
                                                    "With workflow.reviews, each review step's hours are set in workflow.reviews[].hours."});
    }
  }
  if (!errors.empty()) return Invalid("Cấu hình chưa hợp lệ. / The configuration is not valid.", std::move(errors));
  auto c = db_.Acquire();
  if (!if_match) {
    c->Execute(store::kUpsertConfig, {procedure_code, json::serialize(config), Now(), who.account_id});
    return GetConfig(who, procedure_code);
  }
  // Only over the revision the editor loaded: the row it names, written only if still that row.
  auto base = c->Execute(store::kFindConfig, {procedure_code});
  auto conflict = [&](const db::ResultSet& now_row) {
    std::string at = now_row.Empty() ? std::string() : Local(now_row.Text(0, 1));
    return Fail(ErrorCode::kConflict,
                "Cấu hình đã được lưu lúc " + at + " sau khi bạn mở trang; hãy tải lại rồi sửa tiếp. / The configuration was saved at " +
                    at + " after you opened it; reload it and edit again.");
  };
  if (ConfigRevision(base) != *if_match) return conflict(base);
  db::Value old_config = base.Empty() ? db::Value(nullptr) : db::Value(base.Text(0, 0));
  db::Value old_at = base.Empty() ? db::Value(nullptr) : db::Value(base.Text(0, 1));
  if (c->Execute(store::kUpsertConfigIf, {procedure_code, json::serialize(config), Now(), who.account_id, old_config, old_at}).affected != 1) {
    return conflict(c->Execute(store::kFindConfig, {procedure_code}));
  }
  return GetConfig(who, procedure_code);
}

// ---- deadline watcher ----

namespace {

constexpr std::int64_t kWatchPage = 500;

}  // namespace

WatchReport Service::WatchDeadlines(Clock::time_point now_tp_raw) {
  WatchReport report;
  auto now_tp = ToInstant(now_tp_raw);
  std::string now = Utc(now_tp);
  auto c = db_.Acquire();
  // Every dossier due within one working day of its agency's calendar: within five calendar
  // days, or within two working days of the national calendar when a long holiday (Tết) lies
  // between.
  auto national = calendar_(*c, "");
  std::string horizon = Utc(std::max(now_tp + std::chrono::days(5), national.AddWorkingDays(now_tp, 2)));
  db::Refusals mark("deadline watcher", report.failed);
  std::lock_guard lock(watch_mu_);
  // Page after page in due order, each from where the last ended; the first from where the last
  // pass gave up, if it did.
  WatchKey after = std::exchange(resume_dossiers_, {});
  while (!mark.GaveUp()) {
    auto r = c->Execute(store::kWatchCandidates, {horizon, now, after.due, after.id, kWatchPage});
    for (std::size_t i = 0; i < r.rows.size() && !mark.GaveUp(); ++i) {
      std::string id = r.Text(i, 0), code = r.Text(i, 1), agency = r.Text(i, 2), name = r.Text(i, 4);
      auto due = ParseInstant(r.Text(i, 3));
      if (!due) continue;
      // Not yet due: not yet at risk either (see the query); at risk when within one working day.
      const bool overdue = *due <= now_tp;
      if (!overdue && calendar_(*c, agency).WorkingDurationBetween(now_tp, *due).count() > calendar::kHoursPerWorkingDay * 60) continue;
      // The mark (conditional: one node, one pass) and the agency's notice, together.
      mark(code, [&] {
        db::Transaction tx(*c);
        if (c->Execute(overdue ? store::kMarkOverdue : store::kMarkAtRisk, {id}).affected != 1) return;
        notify::EnqueueForAgency(*c, overdue ? "dossier.overdue" : "dossier.due_soon", agency,
                                 json::serialize(json::object{{"code", code}, {"procedure", name}, {"due_at", Local(r.Text(i, 3))}}), now);
        tx.Commit();
        ++(overdue ? report.overdue : report.at_risk);
      });
      if (mark.GaveUp()) resume_dossiers_ = {r.Text(i, 3), id};
    }
    if (static_cast<std::int64_t>(r.rows.size()) < kWatchPage) break;
    after = {r.Text(r.rows.size() - 1, 3), r.Text(r.rows.size() - 1, 0)};
  }
  // Steps still open past their allotted time: how late they are so far, in working minutes of
  // the calendar of the agency the step is at (index 3). Not reached in a pass that gave up
  // above: the next pass resumes from where this one last stopped.
  if (mark.GaveUp()) return report;
  WatchKey step = std::exchange(resume_steps_, {});
  while (!mark.GaveUp()) {
    auto late = c->Execute(store::kMarkLateSteps, {now, step.due, step.id, step.seq, kWatchPage});
    for (std::size_t i = 0; i < late.rows.size() && !mark.GaveUp(); ++i) {
      auto due = ParseInstant(late.Text(i, 2));
      if (!due) continue;
      auto minutes = calendar_(*c, late.Text(i, 3)).WorkingDurationBetween(*due, now_tp).count();
      mark("step " + std::to_string(late.Int(i, 1)) + " of " + late.Text(i, 0), [&] {
        c->Execute(store::kFinishStep, {late.Text(i, 0), late.Int(i, 1), nullptr, minutes});
        ++report.late_steps;
      });
      if (mark.GaveUp()) resume_steps_ = {late.Text(i, 2), late.Text(i, 0), late.Int(i, 1)};
    }
    if (static_cast<std::int64_t>(late.rows.size()) < kWatchPage) break;
    step = {late.Text(late.rows.size() - 1, 2), late.Text(late.rows.size() - 1, 0), late.Int(late.rows.size() - 1, 1)};
  }
  return report;
}

DeadlineWatcher::DeadlineWatcher(Service& service, std::chrono::seconds interval)
    : job_("deadline watcher", interval, [&service] {
        auto r = service.WatchDeadlines(std::chrono::system_clock::now());
        if (r.at_risk + r.overdue + r.late_steps > 0) {
          core::Log(core::LogLevel::kInfo, "deadline watcher",
                    {{"at_risk", static_cast<std::int64_t>(r.at_risk)}, {"overdue", static_cast<std::int64_t>(r.overdue)},
                     {"late_steps", static_cast<std::int64_t>(r.late_steps)}});
        }
      }) {}

}  // namespace motcua::dossier

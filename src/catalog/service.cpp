#include "catalog/service.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "catalog/store.hpp"
#include "core/time.hpp"
#include "text/fold.hpp"

namespace motcua::catalog {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxRecords = 5000;

}  // namespace

void Catalog::Invalidate() {
  std::lock_guard lock(mutex_);
  checked_ = {};
}

const json::object* Snapshot::FindBundle(std::string_view code) const {
  for (const auto& b : bundles) {
    auto it = b.find("code");
    if (it != b.end() && it->value().is_string() && it->value().as_string() == code) return &b;
  }
  return nullptr;
}

std::shared_ptr<const Snapshot> Catalog::Current() {
  auto fresh = [this] {
    std::lock_guard lock(mutex_);
    return snapshot_ && std::chrono::steady_clock::now() - checked_ < std::chrono::seconds(1) ? snapshot_ : nullptr;
  };
  if (auto s = fresh()) return s;
  // One thread looks at the database; the others go on with the snapshot they have (and wait
  // only when there is none yet), so a slow check never stalls searches.
  std::unique_lock refresh(refresh_mutex_, std::try_to_lock);
  if (!refresh.owns_lock()) {
    {
      std::lock_guard lock(mutex_);
      if (snapshot_) return snapshot_;
    }
    refresh.lock();
  }
  if (auto s = fresh()) return s;
  auto conn = db_.Acquire();
  std::int64_t generation = store::Generation(*conn);
  std::shared_ptr<const Snapshot> current;
  {
    std::lock_guard lock(mutex_);
    current = snapshot_;
  }
  if (!current || current->generation != generation) current = Load(*conn, generation);
  std::lock_guard lock(mutex_);
  snapshot_ = current;
  checked_ = std::chrono::steady_clock::now();
  return current;
}

std::shared_ptr<const Snapshot> Catalog::Load(db::Connection& conn, std::int64_t generation) {
  auto s = std::make_shared<Snapshot>();
  s->generation = generation;
  std::map<std::string, std::string> field_names;
  for (const auto& f : store::Fields(conn)) {
    s->fields.push_back({f.code, {f.name, f.name_en}});
    field_names[f.code] = f.name;
  }
  std::vector<Procedure> procedures;
  for (const auto& record : store::PublishedRecords(conn)) {
    auto parsed = ParseRecord(record);
    if (parsed.procedure) procedures.push_back(std::move(*parsed.procedure));
  }
  s->procedures = std::make_unique<ProcedureIndex>(std::move(procedures), std::move(field_names));
  for (const auto& f : store::Faq(conn, true)) {
    s->faq.push_back({f.id, f.question, f.answer, f.question_en, f.answer_en, f.procedure_code, f.field_code, f.published});
  }
  for (std::size_t i = 0; i < s->faq.size(); ++i) {
    const FaqEntry& f = s->faq[i];
    s->faq_index.Add(i, {{f.question, 10.0}, {f.question_en, 3.0}, {f.answer, 1.0}});
  }
  s->faq_index.Finish();
  s->bundles = store::Bundles(conn);
  return s;
}

std::vector<std::string> Catalog::AgencyPathsOf(db::Connection& conn, const Procedure& p) {
  std::vector<std::string> paths;
  std::set<std::string> codes{p.publisher_code};
  for (const auto& a : p.implementing) codes.insert(a.code);
  for (const auto& code : codes) {
    std::string path = store::AgencyPath(conn, code);
    if (!path.empty()) paths.push_back(path);
  }
  return paths;
}

ImportReport Catalog::Import(const json::value& body, const ImportScope& scope) {
  ImportReport report;
  const json::array* records = body.is_array() ? &body.as_array() : nullptr;
  if (body.is_object() && body.as_object().contains("data") && body.as_object().at("data").is_array()) {
    records = &body.as_object().at("data").as_array();  // the national service's envelope
  }
  if (records == nullptr) {
    report.errors.push_back({0, "", "", "Tệp phải là một danh sách thủ tục (mảng JSON). / The file must be a JSON array "
                                        "of procedures."});
    return report;
  }
  if (records->empty() || records->size() > kMaxRecords) {
    report.errors.push_back({0, "", "", "Tệp phải có từ 1 đến 5000 thủ tục. / The file must hold 1 to 5000 procedures."});
    return report;
  }
  auto conn = db_.Acquire();
  struct Ready {
    const json::object* record;
    Procedure procedure;
  };
  std::vector<Ready> ready;
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < records->size(); ++i) {
    const json::value& v = (*records)[i];
    if (!v.is_object()) {
      report.errors.push_back({i, "", "", "Mỗi thủ tục phải là một đối tượng JSON. / Each procedure must be a JSON object."});
      continue;
    }
    auto parsed = ParseRecord(v.as_object());
    std::string code = v.as_object().contains("MATTHC") && v.as_object().at("MATTHC").is_string()
                           ? std::string(v.as_object().at("MATTHC").as_string())
                           : std::string();
    for (auto& e : parsed.errors) report.errors.push_back({i, code, e.pointer, e.message});
    if (!parsed.procedure) continue;
    if (auto [it, fresh] = seen.emplace(code, i); !fresh) {
      report.errors.push_back({i, code, "/MATTHC", "Mã thủ tục trùng với thủ tục thứ " + std::to_string(it->second + 1) +
                                                       " trong tệp. / The code repeats record " +
                                                       std::to_string(it->second + 1) + " of the file."});
      continue;
    }
    if (!scope.everywhere) {
      auto paths = AgencyPathsOf(*conn, *parsed.procedure);
      bool covered = std::any_of(paths.begin(), paths.end(),
                                 [&](const std::string& p) { return !scope.agency_path.empty() && p.starts_with(scope.agency_path); });
      if (!covered) {
        report.errors.push_back({i, code, "/MACOQUANCONGBO",
                                 "Thủ tục không thuộc cơ quan bạn quản lý. / The procedure is not your agency's."});
        continue;
      }
    }
    ready.push_back({&v.as_object(), std::move(*parsed.procedure)});
  }
  if (!report.errors.empty()) return report;

  std::string now = core::NowUtc();
  db::Transaction tx(*conn);
  for (const auto& r : ready) {
    bool existed = store::FindProcedure(*conn, r.procedure.code).has_value();
    store::SaveVersion(*conn, r.procedure.code, r.procedure.name, r.procedure.publisher_code, r.procedure.decision_date,
                       r.procedure.status, *r.record, scope.account, "imported", now);
    for (const auto& f : r.procedure.fields) {
      if (!f.code.empty()) {
        static const db::Query q{"catalog_field_if_missing",
                                 "INSERT INTO catalog_fields (code, name, name_en) VALUES ($1, $2, '') "
                                 "ON CONFLICT (code) DO NOTHING"};
        conn->Execute(q, {f.code, f.name});
      }
    }
    ++(existed ? report.updated : report.created);
    if (after_import_record_for_test) after_import_record_for_test(report.created + report.updated - 1);
  }
  store::BumpGeneration(*conn);
  tx.Commit();
  Invalidate();
  return report;
}

namespace {

// The record as the editor saves it: the lifecycle lives in the procedure, not in the record.
json::object EditorRecord(const json::object& record) {
  json::object out = record;
  out.erase("TRANGTHAI");
  return out;
}

bool Covers(const ImportScope& scope, const std::vector<std::string>& paths) {
  return scope.everywhere || std::any_of(paths.begin(), paths.end(), [&](const std::string& p) {
           return !scope.agency_path.empty() && p.starts_with(scope.agency_path);
         });
}

}  // namespace

Parsed Catalog::Preview(const json::value& body) {
  if (!body.is_object())
    return Parsed{
        {}, {{"", "Cần một thủ tục (đối tượng JSON). / A procedure (JSON object) is needed."}}};
  return ParseRecord(EditorRecord(body.as_object()));
}

SaveResult Catalog::SaveDraft(const json::value& body, const std::string& code,
                              std::optional<std::int64_t> base_version, const ImportScope& scope) {
  SaveResult out;
  auto invalid = [&](std::string pointer, std::string message) {
    out.kind = SaveResult::Kind::kInvalid;
    out.errors.push_back({std::move(pointer), std::move(message)});
    return out;
  };
  if (!body.is_object())
    return invalid("", "Cần một thủ tục (đối tượng JSON). / A procedure (JSON object) is needed.");
  json::object record = EditorRecord(body.as_object());
  Parsed parsed = ParseRecord(record);
  out.errors = std::move(parsed.errors);
  if (parsed.procedure && parsed.procedure->code != code) {
    out.errors.push_back({"/MATTHC", "Mã thủ tục khác với mã trong địa chỉ (" + code +
                                         "). / The code differs from the "
                                         "one in the address (" +
                                         code + ")."});
  }
  auto conn = db_.Acquire();
  auto existing = store::FindProcedure(*conn, code);
  if (existing && !scope.everywhere) {
    // Outside the admin's agencies an existing procedure is answered as if it did not exist.
    auto current = store::Record(*conn, code, existing->latest_version);
    auto current_parsed = current ? ParseRecord(*current) : Parsed{};
    if (!current_parsed.procedure ||
        !Covers(scope, AgencyPathsOf(*conn, *current_parsed.procedure))) {
      return SaveResult{SaveResult::Kind::kNotFound, {}, 0, false, "", ""};
    }
  }
  if (parsed.procedure && !Covers(scope, AgencyPathsOf(*conn, *parsed.procedure))) {
    out.errors.push_back(
        {"/MACOQUANCONGBO",
         "Thủ tục không thuộc cơ quan bạn quản lý. / The procedure is not your agency's."});
  }
  if (!out.errors.empty()) {
    out.kind = SaveResult::Kind::kInvalid;
    return out;
  }
  const Procedure& p = *parsed.procedure;
  db::Transaction tx(*conn);
  // Read again inside the transaction: the version compared is the one written over.
  existing = store::FindProcedure(*conn, code);
  auto conflict = [&](std::string message) {
    return SaveResult{SaveResult::Kind::kConflict,
                      {},
                      existing ? existing->latest_version : 0,
                      false,
                      existing ? existing->status : "",
                      std::move(message)};
  };
  if (existing && !base_version) {
    return conflict("Thủ tục " + code + " đã có (phiên bản " +
                    std::to_string(existing->latest_version) + "); hãy mở để sửa. / Procedure " +
                    code + " already exists (version " + std::to_string(existing->latest_version) +
                    "); open it to edit.");
  }
  if (!existing && base_version) {
    return conflict("Thủ tục " + code + " chưa có; không có phiên bản để sửa. / Procedure " + code +
                    " does not exist; there is no version to edit.");
  }
  if (existing && *base_version != existing->latest_version) {
    return conflict("Người khác đã sửa thủ tục này (phiên bản " +
                    std::to_string(existing->latest_version) + ", bạn sửa từ phiên bản " +
                    std::to_string(*base_version) +
                    "). / Someone else changed this procedure "
                    "(version " +
                    std::to_string(existing->latest_version) + "; you edited version " +
                    std::to_string(*base_version) + ").");
  }
  if (existing && existing->status == "repealed") {
    return conflict("Thủ tục đã bãi bỏ không sửa được. / A repealed procedure cannot be edited.");
  }
  std::int64_t version = 0;
  try {
    version = store::SaveDraft(*conn, code, p.name, p.publisher_code, p.decision_date, record,
                               scope.account, core::NowUtc());
  } catch (const db::DbError& e) {
    if (e.kind() != db::DbError::Kind::kUniqueViolation) throw;
    // A concurrent save took this version number.
    return SaveResult{
        SaveResult::Kind::kConflict,
        {},
        0,
        false,
        "",
        "Người khác vừa lưu thủ tục này. / Someone else has just saved this procedure."};
  }
  for (const auto& f : p.fields) {
    if (!f.code.empty()) {
      static const db::Query q{
          "catalog_field_if_missing_draft",
          "INSERT INTO catalog_fields (code, name, name_en) VALUES ($1, $2, '') "
          "ON CONFLICT (code) DO NOTHING"};
      conn->Execute(q, {f.code, f.name});
    }
  }
  store::BumpGeneration(*conn);
  tx.Commit();
  Invalidate();
  out.kind = SaveResult::Kind::kSaved;
  out.version = version;
  out.created = !existing;
  out.status = existing ? existing->status : "draft";
  return out;
}

std::vector<const FaqEntry*> SearchFaq(const Snapshot& s, const std::string& q, const std::string& procedure,
                                       const std::string& field) {
  std::vector<std::pair<std::size_t, double>> hits;
  auto words = QueryWords(q);
  if (words.empty()) {
    for (std::size_t i = 0; i < s.faq.size(); ++i) hits.emplace_back(i, 0.0);
  } else {
    for (const auto& [doc, score] : s.faq_index.Find(words).scores) hits.emplace_back(doc, score);
  }
  std::vector<const FaqEntry*> out;
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (const auto& [doc, score] : hits) {
    const FaqEntry& f = s.faq[doc];
    if (!procedure.empty() && f.procedure_code != procedure) continue;
    if (!field.empty() && f.field_code != field) continue;
    out.push_back(&f);
  }
  return out;
}

json::object BundleDetail(const Snapshot& s, const json::object& bundle, bool english) {
  json::object out = bundle;
  json::array procedures;
  // Documents asked for once: the same paper (same folded name) needed by several procedures.
  struct Merged {
    std::string name;
    int originals = 0, copies = 0;
    json::array needed_by, codes;
  };
  std::vector<Merged> documents;
  std::map<std::string, std::size_t> by_name;
  if (const auto* codes = bundle.if_contains("procedure_codes"); codes && codes->is_array()) {
    for (const auto& c : codes->as_array()) {
      if (!c.is_string()) continue;
      std::string code(c.as_string());
      const Procedure* p = s.procedures->Find(code);
      if (p == nullptr) {
        procedures.push_back(json::object{{"code", code}, {"available", false}});
        continue;
      }
      procedures.push_back(json::object{{"code", p->code},
                                        {"name", english && !p->name_en.empty() ? p->name_en : p->name},
                                        {"available", true},
                                        {"implementing", p->implementing.empty() ? "" : p->implementing.front().name}});
      if (p->cases.empty()) continue;
      for (const auto& d : p->cases.front().documents) {
        std::string key = text::Fold(d.name);
        auto [it, fresh] = by_name.emplace(key, documents.size());
        if (fresh) documents.push_back({d.name, d.originals, d.copies, {}});
        Merged& m = documents[it->second];
        m.originals = std::max(m.originals, d.originals);
        m.copies = std::max(m.copies, d.copies);
        m.needed_by.push_back(json::string(p->code));
        m.codes.push_back(json::string(d.code));
      }
    }
  }
  json::array docs;
  for (auto& m : documents) {
    docs.push_back(json::object{{"name", m.name}, {"originals", m.originals}, {"copies", m.copies},
                                {"needed_by", std::move(m.needed_by)}, {"codes", std::move(m.codes)}});
  }
  out["procedures"] = std::move(procedures);
  out["documents"] = std::move(docs);
  return out;
}

}  // namespace motcua::catalog

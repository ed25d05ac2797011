#include "catalog/store.hpp"

#include "core/uuid.hpp"

namespace motcua::catalog::store {

namespace json = boost::json;

namespace {

constexpr const char* kProcedureColumns =
    "code, status, publisher_code, name, decision_date, COALESCE(published_at, ''), updated_at, latest_version, "
    "published_version";

ProcedureRow ProcedureAt(const db::ResultSet& r, std::size_t i) {
  ProcedureRow p;
  p.code = r.Text(i, 0);
  p.status = r.Text(i, 1);
  p.publisher_code = r.Text(i, 2);
  p.name = r.Text(i, 3);
  p.decision_date = r.Text(i, 4);
  p.published_at = r.Text(i, 5);
  p.updated_at = r.Text(i, 6);
  p.latest_version = r.Int(i, 7);
  if (!r.IsNull(i, 8)) p.published_version = r.Int(i, 8);
  return p;
}

json::object ParseObject(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return !ec && v.is_object() ? v.as_object() : json::object{};
}

}  // namespace

std::int64_t Generation(db::Connection& conn) {
  static const db::Query q{"catalog_generation", "SELECT generation FROM catalog_state WHERE id = 1"};
  auto r = conn.Execute(q);
  return r.Empty() ? 0 : r.Int(0, 0);
}

void BumpGeneration(db::Connection& conn) {
  static const db::Query q{"catalog_bump", "UPDATE catalog_state SET generation = generation + 1 WHERE id = 1"};
  conn.Execute(q);
}

std::optional<ProcedureRow> FindProcedure(db::Connection& conn, const std::string& code) {
  static const std::string sql = std::string("SELECT ") + kProcedureColumns + " FROM procedures WHERE code = $1";
  static const db::Query q{"catalog_find_procedure", sql};
  auto r = conn.Execute(q, {code});
  if (r.Empty()) return std::nullopt;
  return ProcedureAt(r, 0);
}

std::vector<ProcedureRow> ListProcedures(db::Connection& conn, const std::string& status) {
  static const std::string sql = std::string("SELECT ") + kProcedureColumns +
                                 " FROM procedures WHERE (CAST($1 AS TEXT) = '' OR status = $1) ORDER BY updated_at DESC, code";
  static const db::Query q{"catalog_list_procedures", sql};
  auto r = conn.Execute(q, {status});
  std::vector<ProcedureRow> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back(ProcedureAt(r, i));
  return out;
}

std::optional<json::object> Record(db::Connection& conn, const std::string& code, std::int64_t version) {
  static const db::Query q{"catalog_record", "SELECT record FROM procedure_versions WHERE code = $1 AND version = $2"};
  auto r = conn.Execute(q, {code, version});
  if (r.Empty()) return std::nullopt;
  return ParseObject(r.Text(0, 0));
}

std::vector<json::object> PublishedRecords(db::Connection& conn) {
  static const db::Query q{"catalog_published_records",
                           "SELECT v.record FROM procedures p JOIN procedure_versions v "
                           "ON v.code = p.code AND v.version = p.published_version "
                           "WHERE p.status = 'published' ORDER BY p.code"};
  auto r = conn.Execute(q);
  std::vector<json::object> out;
  out.reserve(r.rows.size());
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back(ParseObject(r.Text(i, 0)));
  return out;
}

std::vector<VersionRow> Versions(db::Connection& conn, const std::string& code) {
  static const db::Query q{"catalog_versions",
                           "SELECT version, created_at, created_by FROM procedure_versions WHERE code = $1 "
                           "ORDER BY version DESC"};
  auto r = conn.Execute(q, {code});
  std::vector<VersionRow> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back({r.Int(i, 0), r.Text(i, 1), r.Text(i, 2)});
  return out;
}

std::vector<EventRow> Events(db::Connection& conn, const std::string& code) {
  static const db::Query q{"catalog_events",
                           "SELECT version, action, at, by_account FROM procedure_events WHERE code = $1 "
                           "ORDER BY at DESC, id DESC"};
  auto r = conn.Execute(q, {code});
  std::vector<EventRow> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back({r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3)});
  return out;
}

namespace {

void RecordEvent(db::Connection& conn, const std::string& code, std::int64_t version, const std::string& action,
                 const std::string& by, const std::string& now) {
  static const db::Query q{"catalog_event",
                           "INSERT INTO procedure_events (id, code, version, action, at, by_account) "
                           "VALUES ($1, $2, $3, $4, $5, $6)"};
  conn.Execute(q, {core::Uuid::NewV7().ToString(), code, version, action, now, by});
}

}  // namespace

std::int64_t SaveVersion(db::Connection& conn, const std::string& code, const std::string& name,
                         const std::string& publisher_code, const std::string& decision_date, const std::string& status,
                         const json::object& record, const std::string& by, const std::string& action,
                         const std::string& now) {
  auto existing = FindProcedure(conn, code);
  std::int64_t version = existing ? existing->latest_version + 1 : 1;
  bool publish = status == "published";
  if (existing) {
    static const db::Query q{
        "catalog_update_procedure",
        "UPDATE procedures SET status = $2, latest_version = CAST($3 AS INTEGER), "
        "published_version = CASE WHEN CAST($4 AS INTEGER) = 1 THEN CAST($3 AS INTEGER) ELSE published_version END, "
        "publisher_code = $5, name = $6, decision_date = $7, "
        "published_at = CASE WHEN CAST($4 AS INTEGER) = 1 THEN CAST($8 AS TEXT) ELSE published_at END, "
        "updated_at = CAST($8 AS TEXT) WHERE code = $1"};
    conn.Execute(q, {code, status, version, std::int64_t{publish ? 1 : 0}, publisher_code, name, decision_date, now});
  } else {
    static const db::Query q{
        "catalog_insert_procedure",
        "INSERT INTO procedures (code, status, latest_version, published_version, publisher_code, name, decision_date, "
        "published_at, updated_at) VALUES ($1, $2, CAST($3 AS INTEGER), "
        "CASE WHEN CAST($4 AS INTEGER) = 1 THEN CAST($3 AS INTEGER) ELSE NULL END, $5, $6, $7, "
        "CASE WHEN CAST($4 AS INTEGER) = 1 THEN CAST($8 AS TEXT) ELSE NULL END, CAST($8 AS TEXT))"};
    conn.Execute(q, {code, status, version, std::int64_t{publish ? 1 : 0}, publisher_code, name, decision_date, now});
  }
  static const db::Query insert_version{"catalog_insert_version",
                                        "INSERT INTO procedure_versions (code, version, record, created_at, created_by) "
                                        "VALUES ($1, $2, $3, $4, $5)"};
  conn.Execute(insert_version, {code, version, json::serialize(record), now, by});
  // An import that arrives published records only "imported": its publication happened in the
  // source it came from, not by an action here (the publication deadline is judged on actions).
  RecordEvent(conn, code, version, action, by, now);
  return version;
}

std::int64_t SaveDraft(db::Connection& conn, const std::string& code, const std::string& name,
                       const std::string& publisher_code, const std::string& decision_date,
                       const json::object& record, const std::string& by, const std::string& now) {
  auto existing = FindProcedure(conn, code);
  if (!existing)
    return SaveVersion(conn, code, name, publisher_code, decision_date, "draft", record, by,
                       "edited", now);
  std::int64_t version = existing->latest_version + 1;
  static const db::Query q{
      "catalog_save_draft",
      "UPDATE procedures SET latest_version = CAST($2 AS INTEGER), publisher_code = $3, name = $4, "
      "decision_date = $5, updated_at = CAST($6 AS TEXT) WHERE code = $1"};
  conn.Execute(q, {code, version, publisher_code, name, decision_date, now});
  static const db::Query insert_version{
      "catalog_insert_draft_version",
      "INSERT INTO procedure_versions (code, version, record, created_at, created_by) "
      "VALUES ($1, $2, $3, $4, $5)"};
  conn.Execute(insert_version, {code, version, json::serialize(record), now, by});
  RecordEvent(conn, code, version, "edited", by, now);
  return version;
}

void SetStatus(db::Connection& conn, const std::string& code, const std::string& status, bool publish_latest,
               const std::string& by, const std::string& now) {
  static const db::Query q{
      "catalog_set_status",
      "UPDATE procedures SET status = $2, published_version = CASE WHEN CAST($3 AS INTEGER) = 1 THEN latest_version "
      "ELSE published_version END, published_at = CASE WHEN CAST($3 AS INTEGER) = 1 THEN CAST($4 AS TEXT) ELSE "
      "published_at END, updated_at = CAST($4 AS TEXT) WHERE code = $1"};
  conn.Execute(q, {code, status, std::int64_t{publish_latest ? 1 : 0}, now});
  auto row = FindProcedure(conn, code);
  RecordEvent(conn, code, row ? row->latest_version : 0, status, by, now);
}

std::map<std::string, std::string> LastPublished(db::Connection& conn) {
  static const db::Query q{"catalog_last_published",
                           "SELECT code, MAX(at) FROM procedure_events WHERE action = 'published' GROUP BY code"};
  auto r = conn.Execute(q);
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out[r.Text(i, 0)] = r.Text(i, 1);
  return out;
}

std::string AgencyPath(db::Connection& conn, const std::string& code) {
  if (code.empty()) return {};
  static const db::Query q{"catalog_agency_path", "SELECT path FROM agencies WHERE code = $1"};
  auto r = conn.Execute(q, {code});
  return r.Empty() ? std::string() : r.Text(0, 0);
}

std::vector<FieldRow> Fields(db::Connection& conn) {
  static const db::Query q{"catalog_fields", "SELECT code, name, name_en FROM catalog_fields ORDER BY code"};
  auto r = conn.Execute(q);
  std::vector<FieldRow> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2)});
  return out;
}

void UpsertField(db::Connection& conn, const FieldRow& f) {
  static const db::Query q{"catalog_upsert_field",
                           "INSERT INTO catalog_fields (code, name, name_en) VALUES ($1, $2, $3) "
                           "ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en"};
  conn.Execute(q, {f.code, f.name, f.name_en});
}

std::vector<FaqRow> Faq(db::Connection& conn, bool published_only) {
  static const db::Query q{"catalog_faq",
                           "SELECT id, question, answer, question_en, answer_en, COALESCE(procedure_code, ''), "
                           "COALESCE(field_code, ''), published, updated_at FROM catalog_faq "
                           "WHERE (CAST($1 AS INTEGER) = 0 OR published = 1) ORDER BY id"};
  auto r = conn.Execute(q, {std::int64_t{published_only ? 1 : 0}});
  std::vector<FaqRow> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    FaqRow f{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5), r.Text(i, 6), r.Text(i, 8)};
    f.published = r.Int(i, 7) != 0;
    out.push_back(std::move(f));
  }
  return out;
}

void UpsertFaq(db::Connection& conn, const FaqRow& f) {
  static const db::Query q{
      "catalog_upsert_faq",
      "INSERT INTO catalog_faq (id, question, answer, question_en, answer_en, procedure_code, field_code, published, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), NULLIF($7, ''), $8, $9) ON CONFLICT (id) DO UPDATE SET "
      "question = excluded.question, answer = excluded.answer, question_en = excluded.question_en, "
      "answer_en = excluded.answer_en, procedure_code = excluded.procedure_code, field_code = excluded.field_code, "
      "published = excluded.published, updated_at = excluded.updated_at"};
  conn.Execute(q, {f.id, f.question, f.answer, f.question_en, f.answer_en, f.procedure_code, f.field_code,
                   std::int64_t{f.published ? 1 : 0}, f.updated_at});
}

bool DeleteFaq(db::Connection& conn, const std::string& id) {
  static const db::Query q{"catalog_delete_faq", "DELETE FROM catalog_faq WHERE id = $1"};
  return conn.Execute(q, {id}).affected == 1;
}

std::vector<json::object> Bundles(db::Connection& conn) {
  static const db::Query q{"catalog_bundles", "SELECT code, record FROM catalog_bundles ORDER BY code"};
  auto r = conn.Execute(q);
  std::vector<json::object> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    json::object o = ParseObject(r.Text(i, 1));
    o["code"] = r.Text(i, 0);
    out.push_back(std::move(o));
  }
  return out;
}

void UpsertBundle(db::Connection& conn, const std::string& code, const json::object& record) {
  static const db::Query q{"catalog_upsert_bundle",
                           "INSERT INTO catalog_bundles (code, record) VALUES ($1, $2) "
                           "ON CONFLICT (code) DO UPDATE SET record = excluded.record"};
  conn.Execute(q, {code, json::serialize(record)});
}

}  // namespace motcua::catalog::store

#pragma once
// The catalog's SQL: procedures and their versions, lifecycle events, fields, FAQ, bundles and
// the generation counter that tells other nodes to rebuild their index. Blocking.
#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace motcua::catalog::store {

struct ProcedureRow {
  std::string code, status, publisher_code, name, decision_date, published_at, updated_at;
  std::int64_t latest_version = 0;
  std::optional<std::int64_t> published_version;
};

std::int64_t Generation(db::Connection& conn);
void BumpGeneration(db::Connection& conn);

std::optional<ProcedureRow> FindProcedure(db::Connection& conn, const std::string& code);
/// Every procedure, newest change first; `status` empty for all.
std::vector<ProcedureRow> ListProcedures(db::Connection& conn, const std::string& status);

/// The record of one version; nullopt when there is no such version.
std::optional<boost::json::object> Record(db::Connection& conn, const std::string& code, std::int64_t version);
/// The published records (published status, published version).
std::vector<boost::json::object> PublishedRecords(db::Connection& conn);

struct VersionRow {
  std::int64_t version = 0;
  std::string created_at, created_by;
};
std::vector<VersionRow> Versions(db::Connection& conn, const std::string& code);

struct EventRow {
  std::int64_t version = 0;
  std::string action, at, by_account;
};
std::vector<EventRow> Events(db::Connection& conn, const std::string& code);

/// Writes `record` as the next version of its procedure (creating the procedure when new) with
/// `status`; a published status makes this version the published one. Returns the version.
std::int64_t SaveVersion(db::Connection& conn, const std::string& code, const std::string& name,
                         const std::string& publisher_code, const std::string& decision_date, const std::string& status,
                         const boost::json::object& record, const std::string& by, const std::string& action,
                         const std::string& now);

/// Writes `record` as the next version of an existing procedure without changing its status or
/// published version, or creates the procedure as a draft. Returns the version.
std::int64_t SaveDraft(db::Connection& conn, const std::string& code, const std::string& name,
                       const std::string& publisher_code, const std::string& decision_date,
                       const boost::json::object& record, const std::string& by,
                       const std::string& now);

/// Sets the status; `publish_latest` also makes the latest version the published one.
void SetStatus(db::Connection& conn, const std::string& code, const std::string& status, bool publish_latest,
               const std::string& by, const std::string& now);

/// When each procedure was last published by an action in motcua (not by an import).
std::map<std::string, std::string> LastPublished(db::Connection& conn);

/// agencies.path of an agency code; empty when unknown.
std::string AgencyPath(db::Connection& conn, const std::string& code);

struct FieldRow {
  std::string code, name, name_en;
};
std::vector<FieldRow> Fields(db::Connection& conn);
void UpsertField(db::Connection& conn, const FieldRow& f);

struct FaqRow {
  std::string id, question, answer, question_en, answer_en, procedure_code, field_code, updated_at;
  bool published = true;
};
std::vector<FaqRow> Faq(db::Connection& conn, bool published_only);
void UpsertFaq(db::Connection& conn, const FaqRow& f);
bool DeleteFaq(db::Connection& conn, const std::string& id);

std::vector<boost::json::object> Bundles(db::Connection& conn);
void UpsertBundle(db::Connection& conn, const std::string& code, const boost::json::object& record);

}  // namespace motcua::catalog::store

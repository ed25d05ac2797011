#pragma once
// The catalog as the rest of motcua uses it: the published procedures searchable in memory
// (rebuilt when the database's generation moves, so every node agrees), imports that are
// all-or-nothing with a per-record report, and lifecycle changes. Blocking; call off the I/O
// threads.
#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/record.hpp"
#include "catalog/search.hpp"
#include "db/database.hpp"

namespace motcua::catalog {

/// One problem of an import: which record (index from 0, its MATTHC) and where inside it.
struct ImportError {
  std::size_t index = 0;
  std::string code;
  std::string pointer;
  std::string message;
};

struct ImportReport {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::vector<ImportError> errors;  ///< non-empty: nothing was written
};

/// Who imports, and where they may: `agency_path` empty = anywhere (sysadmin).
struct ImportScope {
  std::string account;
  bool everywhere = false;
  std::string agency_path;
};

/// What saving one record from the editor did. kInvalid: `errors` (pointers into the record);
/// kConflict: `version` is the current latest version (0 when the procedure does not exist).
struct SaveResult {
  enum class Kind { kSaved, kInvalid, kNotFound, kConflict } kind = Kind::kSaved;
  std::vector<RecordError> errors;
  std::int64_t version = 0;
  bool created = false;
  std::string status;   ///< the procedure's status after the save
  std::string message;  ///< kConflict: why
};

/// A FAQ entry as searched and shown.
struct FaqEntry {
  std::string id, question, answer, question_en, answer_en, procedure_code, field_code;
  bool published = true;
};

/// What is in memory: the published procedures, the fields, FAQ and bundles, for one generation.
struct Snapshot {
  std::int64_t generation = -1;
  std::unique_ptr<ProcedureIndex> procedures;
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> fields;  ///< code → (name, name_en)
  std::vector<FaqEntry> faq;  ///< published only
  TextIndex faq_index;
  std::vector<boost::json::object> bundles;

  /// The life-event bundle with this `code`, or nullptr.
  const boost::json::object* FindBundle(std::string_view code) const;
};

class Catalog {
 public:
  explicit Catalog(db::Database& db) : db_(db) {}

  /// The current snapshot; re-reads the database when its generation changed (checked at most
  /// once a second, and always right after a change made through this object).
  std::shared_ptr<const Snapshot> Current();

  /// Imports LayThuTuc records (a JSON array). All or nothing.
  ImportReport Import(const boost::json::value& body, const ImportScope& scope);

  /// Saves one LayThuTuc record as the next draft version of procedure `code` (created when new),
  /// checked as an import checks it. `base_version`: the version the editor started from (nullopt
  /// when creating); a different latest version is a conflict. A published or suspended procedure
  /// keeps its status and published version: the draft waits for the publish action.
  SaveResult SaveDraft(const boost::json::value& body, const std::string& code,
                       std::optional<std::int64_t> base_version, const ImportScope& scope);

  /// Checks one record for the editor's preview; the procedure as the public page shows it, or
  /// errors.
  static Parsed Preview(const boost::json::value& body);

  /// The agency paths a procedure belongs to (publisher and implementing agencies), for scoping.
  std::vector<std::string> AgencyPathsOf(db::Connection& conn, const Procedure& p);

  db::Database& Db() { return db_; }
  void Invalidate();

  /// Tests only: called inside the import transaction after each record is written, so that a
  /// failure part-way through an import can be provoked.
  std::function<void(std::size_t)> after_import_record_for_test;

 private:
  std::shared_ptr<const Snapshot> Load(db::Connection& conn, std::int64_t generation);

  db::Database& db_;
  std::mutex mutex_;          ///< guards snapshot_ and checked_, held briefly
  std::mutex refresh_mutex_;  ///< one refresh at a time
  std::shared_ptr<const Snapshot> snapshot_;
  std::chrono::steady_clock::time_point checked_{};
};

/// The FAQ entries matching `q` (folded, as procedures are searched), best first.
std::vector<const FaqEntry*> SearchFaq(const Snapshot& s, const std::string& q, const std::string& procedure,
                                       const std::string& field);

/// A bundle with its procedures and the documents they need, each asked for once.
boost::json::object BundleDetail(const Snapshot& s, const boost::json::object& bundle, bool english);

}  // namespace motcua::catalog

#include <sqlite3.h>

#include <charconv>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "db/database.hpp"

namespace motcua::db {

namespace {

// SQLITE_TRANSIENT is an old-style cast in a macro; keep it out of our code's warnings.
const sqlite3_destructor_type kTransient = reinterpret_cast<sqlite3_destructor_type>(-1);

// SQLite admits one writer at a time. Its own busy handler makes the others sleep and poll
// (1 ms up to 100 ms between tries), which under load turns into seconds of tail latency; so the
// connections of one database file queue for the write lock on a mutex of the process instead,
// and are woken the moment it is free. SQLite's busy timeout still guards other processes.
constexpr auto kWriterWait = std::chrono::seconds(10);

std::shared_ptr<std::timed_mutex> WriterMutexFor(const std::string& path) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<std::timed_mutex>> registry;
  std::string key = path;
  std::error_code ec;
  if (auto canonical = std::filesystem::weakly_canonical(path, ec); !ec) key = canonical.string();
  std::lock_guard lock(registry_mutex);
  auto& slot = registry[key];
  auto mutex = slot.lock();
  if (!mutex) {
    mutex = std::make_shared<std::timed_mutex>();
    slot = mutex;
  }
  return mutex;
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(const std::string& path) : writer_(WriterMutexFor(path)) {
    std::filesystem::path p(path);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw DbError(DbError::Kind::kUnavailable, "cannot open SQLite database " + path + ": " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    ExecuteScript(
        "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
        "PRAGMA synchronous=NORMAL;");
  }

  ~SqliteConnection() override {
    for (auto& [name, entry] : cache_) sqlite3_finalize(entry.stmt);
    sqlite3_close_v2(db_);
  }

  ResultSet Run(const Query& query, std::span<const Value> params) override {
    Entry& entry = Prepare(query);
    sqlite3_stmt* stmt = entry.stmt;
    // A write outside a transaction takes the write lock for its own statement.
    std::unique_lock<std::timed_mutex> write_lock;
    if (!in_transaction && sqlite3_stmt_readonly(stmt) == 0) {
      // Upgrading the batch's read transaction could fail once another connection has written.
      if (reading_) throw DbError(DbError::Kind::kGeneric, std::string(query.name) + ": a write inside a read batch");
      write_lock = LockWriter(query.name);
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (std::size_t i = 0; i < entry.param_numbers.size(); ++i) {
      std::size_t n = entry.param_numbers[i];
      if (n == 0 || n > params.size()) {
        throw DbError(DbError::Kind::kGeneric,
                      std::string(query.name) + ": missing parameter $" + std::to_string(n));
      }
      Bind(stmt, static_cast<int>(i + 1), params[n - 1]);
    }
    ResultSet result;
    int columns = sqlite3_column_count(stmt);
    for (int c = 0; c < columns; ++c) result.columns.emplace_back(sqlite3_column_name(stmt, c));
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt);
        Throw(rc, query.name);
      }
      std::vector<Value> row;
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) row.push_back(Column(stmt, c));
      result.rows.push_back(std::move(row));
    }
    result.affected = sqlite3_changes(db_);
    sqlite3_reset(stmt);
    return result;
  }

  void ExecuteScript(std::string_view sql) override {
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      throw DbError(KindOf(rc), "SQLite: " + msg);
    }
  }

  Engine GetEngine() const override { return Engine::kSqlite; }
  bool Healthy() const override { return db_ != nullptr; }
  void Begin() override {
    transaction_lock_ = LockWriter("BEGIN");
    try {
      ExecuteScript("BEGIN IMMEDIATE");
    } catch (...) {
      transaction_lock_ = {};
      throw;
    }
  }
  void Commit() override {
    ExecuteScript("COMMIT");
    transaction_lock_ = {};
  }
  void Rollback() override {
    transaction_lock_ = {};  // released even when the rollback itself fails
    ExecuteScript("ROLLBACK");
  }
  void BeginReads() override {
    ExecuteScript("BEGIN DEFERRED");
    reading_ = true;
  }
  void EndReads() override {
    reading_ = false;
    ExecuteScript("COMMIT");
  }

 private:
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    std::string_view sql;
    std::vector<std::size_t> param_numbers;  ///< SQLite parameter index-1 → our $N
  };

  static DbError::Kind KindOf(int rc) {
    switch (rc) {
      case SQLITE_CONSTRAINT_UNIQUE:
      case SQLITE_CONSTRAINT_PRIMARYKEY: return DbError::Kind::kUniqueViolation;
      case SQLITE_CONSTRAINT_FOREIGNKEY: return DbError::Kind::kForeignKeyViolation;
      default: break;
    }
    if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) return DbError::Kind::kBusy;
    return DbError::Kind::kGeneric;
  }

  std::unique_lock<std::timed_mutex> LockWriter(std::string_view what) {
    std::unique_lock lock(*writer_, std::defer_lock);
    if (!lock.try_lock_for(kWriterWait)) {
      throw DbError(DbError::Kind::kBusy, std::string(what) + ": the database stayed locked by another writer");
    }
    return lock;
  }

  [[noreturn]] void Throw(int rc, std::string_view name) {
    throw DbError(KindOf(rc), std::string(name) + ": " + sqlite3_errmsg(db_));
  }

  Entry& Prepare(const Query& query) {
    auto it = cache_.find(query.name);
    if (it != cache_.end()) {
      if (it->second.sql != query.sql) {
        throw std::logic_error("two different queries named " + std::string(query.name));
      }
      return it->second;
    }
    Entry entry;
    entry.sql = query.sql;
    int rc = sqlite3_prepare_v3(db_, query.sql.data(), static_cast<int>(query.sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &entry.stmt, nullptr);
    if (rc != SQLITE_OK) Throw(rc, query.name);
    int count = sqlite3_bind_parameter_count(entry.stmt);
    for (int i = 1; i <= count; ++i) {
      const char* pname = sqlite3_bind_parameter_name(entry.stmt, i);
      std::size_t n = 0;
      if (pname != nullptr && pname[0] == '$') {
        std::string_view digits(pname + 1);
        std::from_chars(digits.data(), digits.data() + digits.size(), n);
      }
      entry.param_numbers.push_back(n);
    }
    return cache_.emplace(query.name, entry).first->second;
  }

  static void Bind(sqlite3_stmt* stmt, int index, const Value& value) {
    if (std::holds_alternative<std::nullptr_t>(value)) {
      sqlite3_bind_null(stmt, index);
    } else if (auto* i = std::get_if<std::int64_t>(&value)) {
      sqlite3_bind_int64(stmt, index, *i);
    } else if (auto* d = std::get_if<double>(&value)) {
      sqlite3_bind_double(stmt, index, *d);
    } else if (auto* s = std::get_if<std::string>(&value)) {
      sqlite3_bind_text64(stmt, index, s->data(), s->size(), kTransient, SQLITE_UTF8);
    } else {
      const auto& b = std::get<Bytes>(value);
      sqlite3_bind_blob64(stmt, index, b.data.data(), b.data.size(), kTransient);
    }
  }

  static Value Column(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_NULL: return nullptr;
      case SQLITE_INTEGER: return static_cast<std::int64_t>(sqlite3_column_int64(stmt, c));
      case SQLITE_FLOAT: return sqlite3_column_double(stmt, c);
      case SQLITE_BLOB: {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
        return Bytes{std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)))};
      }
      default: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)));
      }
    }
  }

  std::shared_ptr<std::timed_mutex> writer_;
  std::unique_lock<std::timed_mutex> transaction_lock_;
  bool reading_ = false;  // inside a ReadBatch
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string_view, Entry> cache_;
};

}  // namespace

std::unique_ptr<Connection> OpenSqlite(const std::string& path) {
  return std::make_unique<SqliteConnection>(path);
}

}  // namespace motcua::db

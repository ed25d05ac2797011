#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "core/periodic.hpp"
#include "db/database.hpp"

namespace motcua::db {

namespace {

// SQLITE_TRANSIENT is an old-style cast in a macro; keep it out of our code's warnings.
const sqlite3_destructor_type kTransient = reinterpret_cast<sqlite3_destructor_type>(-1);

struct Entry {
  sqlite3_stmt* stmt = nullptr;
  std::string_view sql;
  std::vector<std::size_t> param_numbers;  ///< SQLite parameter index-1 → our $N
};

// One open database handle and its prepared statements.
struct Handle {
  sqlite3* db = nullptr;
  std::unordered_map<std::string_view, Entry> cache;

  explicit Handle(const std::string& path) {
    std::filesystem::path p(path);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      db = nullptr;
      throw DbError(DbError::Kind::kUnavailable, "cannot open SQLite database " + path + ": " + msg);
    }
    sqlite3_extended_result_codes(db, 1);
    char* err = nullptr;
    rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA synchronous=FULL;",
                      nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      sqlite3_close(db);
      db = nullptr;
      throw DbError(DbError::Kind::kUnavailable, "cannot set up SQLite database " + path + ": " + msg);
    }
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    for (auto& [name, entry] : cache) sqlite3_finalize(entry.stmt);
    sqlite3_close_v2(db);
  }
};

// SQLite admits one writer at a time. Its own busy handler makes the others sleep and poll
// (1 ms up to 100 ms between tries), which under load turns into seconds of tail latency; so the
// connections of one database file queue for the write lock on a mutex of the process instead,
// and are woken the moment it is free. SQLite's busy timeout still guards other processes.
//
// Whoever holds that mutex writes through one handle shared by the file's connections. In WAL
// mode a connection drops its whole page cache when it starts a transaction after another
// connection has written, so with writes spread over the pool every write transaction began
// cold and read its B-tree pages again (about a hundred reads of 4 KiB per dossier submission);
// the shared handle is the only writer of the file in this process and keeps its cache.
constexpr auto kWriterWait = std::chrono::seconds(10);

// Group commits (Connection::GroupCommit) share fsyncs of the WAL: whoever waits while none
// runs starts one, covering every commit that asked before it began; the others wait for it,
// and those that asked after it began, for the next.
class WalFlusher {
 public:
  void Await(const std::string& db_path) {
    std::unique_lock lock(mutex_);
    const std::uint64_t mine = ++asked_;
    while (flushed_ < mine) {
      if (running_) {
        done_.wait(lock);
        continue;
      }
      running_ = true;
      const std::uint64_t covers = asked_;
      lock.unlock();
      std::string error = SyncFile(db_path + "-wal");
      lock.lock();
      running_ = false;
      if (error.empty()) flushed_ = std::max(flushed_, covers);
      done_.notify_all();
      if (!error.empty()) throw DbError(DbError::Kind::kUnavailable, "SQLite: cannot sync the WAL: " + error);
    }
  }
 private:
  // fsync through a descriptor of its own: the one SQLite writes through is not reachable, and
  // an fsync of either flushes the file's pages. SQLite keeps the WAL file (it truncates or
  // rewrites it in place) while a connection is open, as the pool's are.
  static std::string SyncFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return path + ": " + std::strerror(errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    return rc == 0 ? std::string() : path + ": " + std::strerror(err);
  }

  std::mutex mutex_;
  std::condition_variable done_;
  std::uint64_t asked_ = 0, flushed_ = 0;
  bool running_ = false;
};

// Checkpoints (the WAL's pages copied back into the database file, so that the WAL can start
// over) run on a thread of their own. SQLite runs one in the commit that takes the WAL past
// 1,000 pages, and with one shared writer handle every other writer of the file waited for it:
// a thousand pages and two fsyncs every few dozen dossier submissions. The commit now only
// wakes the thread, which copies them while writers go on (a passive checkpoint). Under a
// steady load some commit always lands meanwhile, so the WAL would never be wholly copied and
// never start over; once it holds kRestartPages the thread copies what came meanwhile holding
// the write lock, and the next writer starts the WAL over.
constexpr int kCheckpointPages = 1000;  // SQLite's own threshold
constexpr int kRestartPages = 8000;     // 32 MiB of 4 KiB pages
constexpr auto kCheckpointInterval = std::chrono::seconds(5);

struct Writer {
  std::timed_mutex mutex;
  std::string path;
  std::unique_ptr<Handle> handle;  ///< opened on first use, by the holder of `mutex`
  WalFlusher flusher;
  int woken_at = 0;                           ///< WAL pages when the checkpointer was last woken; the commit hook's alone (under `mutex`)
  std::unique_ptr<Handle> checkpoint_handle;  ///< the checkpointer's own, used by its thread only
  std::unique_ptr<core::PeriodicJob> checkpointer;  ///< last: stopped before the handles close

  bool InMemory() const { return path == ":memory:" || path.empty(); }

  // One pass of the checkpointer's thread.
  void Checkpoint() {
    if (!checkpoint_handle) checkpoint_handle = std::make_unique<Handle>(path);
    int pages = 0;
    if (!CopyBack(&pages) || pages < kRestartPages) return;
    std::unique_lock lock(mutex, std::defer_lock);
    if (!lock.try_lock_for(std::chrono::seconds(10))) return;  // a writer holds it that long: next pass
    CopyBack(nullptr);
  }

  // A passive checkpoint on the checkpointer's handle; `pages`: what the WAL holds. False when
  // another process's checkpoint is running.
  bool CopyBack(int* pages) {
    int rc = sqlite3_wal_checkpoint_v2(checkpoint_handle->db, nullptr, SQLITE_CHECKPOINT_PASSIVE, pages, nullptr);
    if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) return false;
    if (rc != SQLITE_OK) throw DbError(DbError::Kind::kUnavailable, std::string("SQLite checkpoint: ") + sqlite3_errmsg(checkpoint_handle->db));
    return true;
  }

  // The writer handle's commit hook (it replaces SQLite's automatic checkpoint): `pages` is what
  // the WAL holds now; the thread is woken for every kCheckpointPages more. Runs under `mutex`.
  static int Committed(void* self, sqlite3* /*db*/, const char* /*name*/, int pages) {
    auto* w = static_cast<Writer*>(self);
    if (pages < w->woken_at) w->woken_at = 0;  // the WAL started over
    if (pages >= w->woken_at + kCheckpointPages) {
      w->woken_at = pages;
      w->checkpointer->Wake();
    }
    return SQLITE_OK;
  }
};

std::shared_ptr<Writer> WriterFor(const std::string& path) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<Writer>> registry;
  std::string key = path;
  std::error_code ec;
  if (auto canonical = std::filesystem::weakly_canonical(path, ec); !ec) key = canonical.string();
  std::lock_guard lock(registry_mutex);
  auto& slot = registry[key];
  auto writer = slot.lock();
  if (!writer) {
    writer = std::make_shared<Writer>();
    writer->path = path;
    if (!writer->InMemory()) {
      writer->checkpointer = std::make_unique<core::PeriodicJob>("SQLite checkpoint", kCheckpointInterval,
                                                                 [w = writer.get()] { w->Checkpoint(); });
    }
    slot = writer;
  }
  return writer;
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(const std::string& path) : writer_(WriterFor(path)), own_(path) {}

  ResultSet Run(const Query& query, std::span<const Value> params) override {
    Handle* h = &own_;
    // A write outside a transaction takes the write lock and the writer's handle for its own
    // statement; inside a transaction everything goes through the writer's handle.
    std::unique_lock<std::timed_mutex> write_lock;
    if (transaction_lock_.owns_lock()) {
      h = Writing();
      ++statements_;
    } else if (sqlite3_stmt_readonly(Prepare(own_, query).stmt) == 0) {
      // Upgrading the batch's read transaction could fail once another connection has written.
      if (reading_) throw DbError(DbError::Kind::kGeneric, std::string(query.name) + ": a write inside a read batch");
      write_lock = LockWriter(query.name);
      h = Writing();
    }
    Entry& entry = Prepare(*h, query);
    sqlite3_stmt* stmt = entry.stmt;
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
        Throw(*h, rc, query.name);
      }
      std::vector<Value> row;
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) row.push_back(Column(stmt, c));
      result.rows.push_back(std::move(row));
    }
    result.affected = sqlite3_changes(h->db);
    sqlite3_reset(stmt);
    return result;
  }

  void ExecuteScript(std::string_view sql) override {
    if (transaction_lock_.owns_lock()) ++statements_;
    Exec(transaction_lock_.owns_lock() ? *Writing() : own_, sql);
  }

  Engine GetEngine() const override { return Engine::kSqlite; }
  bool Healthy() const override { return own_.db != nullptr; }
  void Begin() override {
    transaction_lock_ = LockWriter("BEGIN");
    try {
      Handle* w = Writing();
      // A rollback that failed earlier may have left the shared handle inside a transaction.
      if (sqlite3_get_autocommit(w->db) == 0) Exec(*w, "ROLLBACK");
      Exec(*w, "BEGIN IMMEDIATE");
    } catch (...) {
      transaction_lock_ = {};
      throw;
    }
    statements_ = 0;
  }
  // SQLite fixes how a commit syncs before its transaction starts (`PRAGMA synchronous` is
  // refused inside one): a transaction that has run nothing yet is restarted, empty, under
  // `synchronous=NORMAL` — its commit is not fsynced; the WAL frames reach the disk with the
  // next commit made under FULL, which syncs the whole WAL, or the next checkpoint. Asked later
  // in the transaction, the commit stays durable.
  void DeferDurability() override {
    if (!transaction_lock_.owns_lock() || statements_ > 0 || relaxed_) return;
    Handle* w = Writing();
    Exec(*w, "COMMIT");
    relaxed_ = true;
    Exec(*w, "PRAGMA synchronous=NORMAL");
    Exec(*w, "BEGIN IMMEDIATE");
  }
  // The commit is not fsynced under the write lock; the WAL is, after it is let go (asked too
  // late in the transaction, the commit syncs as usual and there is nothing to wait for).
  void GroupCommit() override {
    DeferDurability();
    group_ = relaxed_;
  }
  void Commit() override {
    const bool group = std::exchange(group_, false);
    Exec(*Writing(), "COMMIT");
    Durable();
    transaction_lock_ = {};
    if (!group) return;
    try {
      AwaitDurable();
    } catch (const DbError& e) {
      throw DbError(DbError::Kind::kUnavailable, std::string("commit: committed, but not known to be on disk: ") + e.what());
    }
  }
  void AwaitDurable() override {
    if (writer_->InMemory()) return;
    writer_->flusher.Await(writer_->path);
  }
  void Rollback() override {
    // The lock is released even when the rollback itself fails; the next Begin() rolls back
    // whatever is left open on the shared handle.
    group_ = false;
    std::unique_lock<std::timed_mutex> lock = std::move(transaction_lock_);
    if (!lock.owns_lock()) return;
    try {
      if (writer_->handle) Exec(*writer_->handle, "ROLLBACK");
    } catch (...) {
      Durable();
      throw;
    }
    Durable();
  }
  void BeginReads() override {
    Exec(own_, "BEGIN DEFERRED");
    reading_ = true;
  }
  void EndReads() override {
    reading_ = false;
    Exec(own_, "COMMIT");
  }

 private:
  static DbError::Kind KindOf(int rc) {
    switch (rc) {
      case SQLITE_CONSTRAINT_UNIQUE:
      case SQLITE_CONSTRAINT_PRIMARYKEY: return DbError::Kind::kUniqueViolation;
      case SQLITE_CONSTRAINT_FOREIGNKEY: return DbError::Kind::kForeignKeyViolation;
      default: break;
    }
    if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) return DbError::Kind::kBusy;
    // Out of disk or failing at I/O: the database's state, not the statement's.
    if ((rc & 0xFF) == SQLITE_FULL || (rc & 0xFF) == SQLITE_IOERR) return DbError::Kind::kUnavailable;
    return DbError::Kind::kGeneric;
  }

  std::unique_lock<std::timed_mutex> LockWriter(std::string_view what) {
    std::unique_lock lock(writer_->mutex, std::defer_lock);
    if (!lock.try_lock_for(kWriterWait)) {
      throw DbError(DbError::Kind::kBusy, std::string(what) + ": the database stayed locked by another writer");
    }
    return lock;
  }

  [[noreturn]] static void Throw(Handle& h, int rc, std::string_view name) {
    throw DbError(KindOf(rc), std::string(name) + ": " + sqlite3_errmsg(h.db));
  }

  static void Exec(Handle& h, std::string_view sql) {
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(h.db, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      throw DbError(KindOf(rc), "SQLite: " + msg);
    }
  }

  // Back to durable commits on the shared handle after a deferred transaction; a handle that
  // cannot be set back is closed (the next writer opens it afresh, with FULL).
  void Durable() {
    if (!std::exchange(relaxed_, false) || !writer_->handle) return;
    try {
      Exec(*writer_->handle, "PRAGMA synchronous=FULL");
    } catch (...) {
      writer_->handle.reset();
    }
  }

  // The shared writer handle; the caller holds the write lock.
  Handle* Writing() {
    if (!writer_->handle) {
      writer_->handle = std::make_unique<Handle>(writer_->path);
      if (writer_->checkpointer) sqlite3_wal_hook(writer_->handle->db, &Writer::Committed, writer_.get());
    }
    return writer_->handle.get();
  }

  static Entry& Prepare(Handle& h, const Query& query) {
    auto it = h.cache.find(query.name);
    if (it != h.cache.end()) {
      if (it->second.sql != query.sql) {
        throw std::logic_error("two different queries named " + std::string(query.name));
      }
      return it->second;
    }
    Entry entry;
    entry.sql = query.sql;
    int rc = sqlite3_prepare_v3(h.db, query.sql.data(), static_cast<int>(query.sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &entry.stmt, nullptr);
    if (rc != SQLITE_OK) Throw(h, rc, query.name);
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
    return h.cache.emplace(query.name, entry).first->second;
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

  std::shared_ptr<Writer> writer_;
  std::unique_lock<std::timed_mutex> transaction_lock_;
  bool reading_ = false;  // inside a ReadBatch
  std::size_t statements_ = 0;  // run in the open transaction
  bool relaxed_ = false;  // the open transaction defers its durability (see DeferDurability)
  bool group_ = false;    // ... and its commit waits for a shared flush (see GroupCommit)
  Handle own_;
};

}  // namespace

std::unique_ptr<Connection> OpenSqlite(const std::string& path) {
  return std::make_unique<SqliteConnection>(path);
}

}  // namespace motcua::db

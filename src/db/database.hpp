// One storage interface over SQLite (C API, WAL) and PostgreSQL (libpq): a connection pool,
// per-connection prepared-statement cache keyed by query name, RAII transactions.
// Every call here blocks: run it on the worker pool (http::Offload), never on an I/O thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace motcua::db {

enum class Engine { kSqlite, kPostgres };

/// A named SQL statement with parameters `$1 … $N`, written in the subset both engines
/// accept. The name keys the statement cache and must be unique in the product.
struct Query {
  std::string_view name;
  std::string_view sql;
};

/// Binary data (bytea / BLOB), kept apart from text.
struct Bytes {
  std::string data;
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

/// A parameter or column value.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string, Bytes>;

/// Rows of a query result, values converted to the Value alternatives.
struct ResultSet {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  std::int64_t affected = 0;  ///< rows changed by INSERT/UPDATE/DELETE

  bool Empty() const { return rows.empty(); }
  bool IsNull(std::size_t row, std::size_t col) const;
  /// Integer value; throws std::logic_error when the value is not an integer.
  std::int64_t Int(std::size_t row, std::size_t col) const;
  /// Text value (integers are formatted); throws when NULL or binary.
  std::string Text(std::size_t row, std::size_t col) const;
  std::optional<std::string> OptText(std::size_t row, std::size_t col) const;
  const Bytes& Blob(std::size_t row, std::size_t col) const;
};

/// A database failure. `unique_violation` lets stores turn duplicates into conflicts.
class DbError : public core::DependencyError {
 public:
  /// kRowCount: a write given to ExecuteLater with the rows it must change changed another number.
  enum class Kind { kGeneric, kUniqueViolation, kForeignKeyViolation, kUnavailable, kBusy, kRowCount };
  DbError(Kind kind, const std::string& what)
      : core::DependencyError(what, kind == Kind::kUnavailable || kind == Kind::kBusy),
        kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

/// Told the name, duration and outcome of every query run through a pool (for metrics).
/// Called on the thread that ran the query; must be thread-safe.
using QueryObserver = std::function<void(std::string_view query, double seconds, bool ok)>;

/// One connection. Not thread-safe: used by one thread at a time through a pool lease.
class Connection {
 public:
  virtual ~Connection() = default;
  /// Runs a statement with parameters; throws DbError.
  ResultSet Execute(const Query& query, std::span<const Value> params);
  ResultSet Execute(const Query& query, std::initializer_list<Value> params = {}) {
    return Execute(query, std::span<const Value>(params.begin(), params.size()));
  }
  /// Inside a transaction: a write whose answer nobody waits for. PostgreSQL sends it with the
  /// transaction's next statement or with its COMMIT, in one pipeline (one round trip for all of
  /// them); SQLite, and any engine outside a transaction, runs it at once. Statements keep their
  /// order. Its failure is thrown by the call that sends it — a later Execute or the commit —
  /// and the transaction then rolls back as usual; so never use it where the caller handles
  /// that statement's own error. Its time counts toward the statement that carries it.
  /// With `rows`: the statement must change exactly that many rows, or that call throws DbError
  /// kRowCount (a conditional claim that found its row taken), the transaction still open.
  void ExecuteLater(const Query& query, std::vector<Value> params, std::optional<std::int64_t> rows = std::nullopt);
  void ExecuteLater(const Query& query, std::initializer_list<Value> params, std::optional<std::int64_t> rows = std::nullopt) {
    ExecuteLater(query, std::vector<Value>(params), rows);
  }
  /// Runs one or more statements without parameters or caching (migrations).
  virtual void ExecuteScript(std::string_view sql) = 0;
  /// Inside a transaction: its commit may answer before the commit record is on disk
  /// (PostgreSQL `synchronous_commit = off` for this transaction; SQLite `synchronous=NORMAL`,
  /// which it honours only before the transaction's first statement). The next durable commit
  /// on the database writes it out too; only a crash of the database server (SQLite: of the
  /// machine) in between can lose it. For work that is redone when it is lost — an upload no
  /// dossier has claimed yet — never for what a dossier, a payment or an account relies on.
  virtual void DeferDurability() {}
  /// Inside a transaction, before its first statement: a group commit. Commit() lets go of the
  /// transaction's locks before its commit record is on disk, then returns only once it is, by a
  /// flush that also covers every other commit made before it began (PostgreSQL: the commit
  /// under `synchronous_commit = off`, then a durable write of its own that flushes the WAL up
  /// to it; SQLite: the commit under `synchronous=NORMAL`, then an fsync of the WAL shared by the
  /// commits waiting for one). For a transaction that holds a lock every writer of its kind
  /// needs (a counter row): held only while the statements run, not through the disk's flush,
  /// so commits that queue behind it share flushes instead of taking one each. Durable when
  /// Commit() returns; until then other transactions may already read what it wrote. When the
  /// flush fails after the commit, Commit() throws DbError kUnavailable and the transaction is
  /// committed but not known to be on disk.
  virtual void GroupCommit() {}
  /// Returns once every commit this connection has seen — made or read — is on disk: for a
  /// reader about to vouch for what a group commit wrote (a replayed answer). Not in a transaction.
  virtual void AwaitDurable() {}
  virtual Engine GetEngine() const = 0;
  /// False after a connection-level failure; the pool then discards it.
  virtual bool Healthy() const = 0;
  /// Starts a write transaction (SQLite: BEGIN IMMEDIATE, so writers queue instead of
  /// failing on upgrade).
  virtual void Begin() = 0;
  /// Ends the transaction Begin started.
  virtual void Commit() { ExecuteScript("COMMIT"); }
  virtual void Rollback() { ExecuteScript("ROLLBACK"); }
  /// Start and end of a ReadBatch (see there); nothing on engines that gain nothing from it.
  virtual void BeginReads() {}
  virtual void EndReads() {}
  bool in_transaction = false;
  const QueryObserver* observer = nullptr;  ///< set by the pool

 protected:
  friend class Transaction;
  /// The engine's statement execution (prepared-statement cache, binding, conversion).
  virtual ResultSet Run(const Query& query, std::span<const Value> params) = 0;
  /// Keeps a statement of the open transaction for the next round trip (see ExecuteLater);
  /// engines without pipelining run it at once.
  virtual void Queue(const Query& query, std::vector<Value> params, std::optional<std::int64_t> rows) {
    CheckRows(query.name, Execute(query, params).affected, rows);
  }
  /// Throws DbError kRowCount when `rows` is given and `affected` differs from it.
  static void CheckRows(std::string_view name, std::int64_t affected, std::optional<std::int64_t> rows);
  /// Runs the statement, then commits. PostgreSQL sends both at once (pipeline mode): locks the
  /// statement takes are released without waiting a round trip for the client. Throws DbError
  /// (nothing committed) when either fails.
  virtual ResultSet RunThenCommit(const Query& query, std::span<const Value> params) {
    ResultSet r = Run(query, params);
    Commit();
    return r;
  }
};

/// RAII transaction: rolls back unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();
  /// The transaction's last statement and its commit in one go (see Connection::RunThenCommit):
  /// for a statement that takes a lock every writer needs (a counter row), held then only while
  /// the database runs it. On an exception nothing is committed and the destructor rolls back.
  ResultSet ExecuteThenCommit(const Query& query, std::initializer_list<Value> params);
  Connection& conn() { return conn_; }

 private:
  Connection& conn_;
  bool done_ = false;
};

/// RAII group of reads on one connection. On SQLite they share one read transaction: one
/// snapshot, and the connection's page cache survives from one to the next (every new
/// transaction after another connection's commit starts with an empty cache). A write inside
/// one is a programming error and throws. On PostgreSQL each read still runs on its own, so
/// callers must not rely on a shared snapshot. Inside a Transaction it does nothing.
class ReadBatch {
 public:
  explicit ReadBatch(Connection& conn);
  ~ReadBatch();
  ReadBatch(const ReadBatch&) = delete;
  ReadBatch& operator=(const ReadBatch&) = delete;

 private:
  Connection& conn_;
  bool active_ = false;
};

class Database;

/// A connection leased from the pool; returned (or discarded when broken) on destruction.
class Lease {
 public:
  Lease(Database* db, std::unique_ptr<Connection> conn) : db_(db), conn_(std::move(conn)) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection* operator->() { return conn_.get(); }
  Connection& operator*() { return *conn_; }

 private:
  Database* db_;
  std::unique_ptr<Connection> conn_;
};

struct PoolOptions {
  std::size_t size = 8;                                  ///< most connections open at once
  std::chrono::milliseconds acquire_timeout{5000};      ///< wait for a free one, then kUnavailable
  QueryObserver observer;                                ///< optional
};

/// A pool of connections to one database. Thread-safe.
class Database {
 public:
  /// `sqlite:PATH` (directories created) or `postgresql://…` / `postgres://…`.
  /// Throws DbError(kUnavailable) when the first connection cannot be made, std::invalid_argument
  /// on an unknown scheme.
  static std::unique_ptr<Database> Open(const std::string& url, PoolOptions options = {});
  ~Database();

  /// Leases a connection, opening one if under the limit; throws DbError(kUnavailable) after
  /// the acquire timeout.
  Lease Acquire();
  Engine GetEngine() const { return engine_; }
  std::size_t Idle() const;
  std::size_t InUse() const;
  std::size_t Capacity() const { return options_.size; }
  /// The URL with any password replaced by `***`, for logs.
  const std::string& RedactedUrl() const { return redacted_url_; }

 private:
  friend class Lease;
  struct State;
  Database(Engine engine, std::string url, PoolOptions options);
  std::unique_ptr<Connection> Connect();
  void Release(std::unique_ptr<Connection> conn);

  Engine engine_;
  std::string url_;
  std::string redacted_url_;
  PoolOptions options_;
  std::unique_ptr<State> state_;
};

/// Opens a raw connection (used by the pool). Defined in sqlite.cpp / postgres.cpp.
std::unique_ptr<Connection> OpenSqlite(const std::string& path);
std::unique_ptr<Connection> OpenPostgres(const std::string& url);

}  // namespace motcua::db

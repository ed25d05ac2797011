#include <libpq-fe.h>

#include <memory>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/text.hpp"
#include "db/database.hpp"

namespace motcua::db {

namespace {

// Type OIDs from pg_type.h (catalog/pg_type_d.h is not part of libpq-dev).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// See PgConnection::Flushed (migrations/postgres/0018_commit_barriers.sql).
constexpr Query kCommitBarrier{"db_commit_barrier",
    "INSERT INTO commit_barriers (backend, n) VALUES (pg_backend_pid(), 1) "
    "ON CONFLICT (backend) DO UPDATE SET n = commit_barriers.n + 1"};

class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r) {}
  ~PgResult() { PQclear(r_); }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  PGresult* get() const { return r_; }

 private:
  PGresult* r_;
};

class PgConnection final : public Connection {
 public:
  explicit PgConnection(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
      PQfinish(conn_);
      conn_ = nullptr;
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      throw DbError(DbError::Kind::kUnavailable, "cannot connect to PostgreSQL: " + msg);
    }
    ExecuteScript("SET client_min_messages = warning; SET TIME ZONE 'UTC'");
  }

  ~PgConnection() override { PQfinish(conn_); }

  // Parameters as libpq wants them: text, except bytea (binary); NULL as a null pointer.
  struct Bound {
    std::vector<std::string> text;
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
  };
  static Bound Bind(std::span<const Value> params) {
    Bound b{std::vector<std::string>(params.size()), std::vector<const char*>(params.size(), nullptr),
            std::vector<int>(params.size(), 0), std::vector<int>(params.size(), 0)};
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (auto* n = std::get_if<std::int64_t>(&v)) {
        b.text[i] = std::to_string(*n);
      } else if (auto* d = std::get_if<double>(&v)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        b.text[i] = buf;
      } else if (auto* s = std::get_if<std::string>(&v)) {
        b.text[i] = *s;
      } else {
        const auto& bytes = std::get<Bytes>(v);
        b.values[i] = bytes.data.data();
        b.lengths[i] = static_cast<int>(bytes.data.size());
        b.formats[i] = 1;
        continue;
      }
      b.values[i] = b.text[i].c_str();
      b.lengths[i] = static_cast<int>(b.text[i].size());
    }
    return b;
  }

  // A transaction's BEGIN is not sent on its own: it goes out in one pipeline with the
  // transaction's first statement (one round trip fewer for every transaction). A transaction
  // that ran no statement sends neither BEGIN nor COMMIT. Statements queued by ExecuteLater go
  // out in the same way, ahead of the statement that carries them.
  ResultSet Run(const Query& query, std::span<const Value> params) override {
    EnsurePrepared(query);
    if (begin_pending_ || !queued_.empty()) return Pipeline(&query, params, false);
    Bound b = Bind(params);
    std::string name(query.name);
    PgResult res(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                b.values.data(), b.lengths.data(), b.formats.data(), 0));
    Check(res.get(), query.name);
    return Convert(res.get());
  }

  void Queue(const Query& query, std::vector<Value> params, std::optional<std::int64_t> rows) override {
    EnsurePrepared(query);
    queued_.push_back({query.name, std::move(params), rows});
  }

  void ExecuteScript(std::string_view sql) override {
    if (begin_pending_ || !queued_.empty()) Pipeline(nullptr, {}, false);
    std::string text(sql);
    PgResult res(PQexec(conn_, text.c_str()));
    Check(res.get(), "script");
  }

  Engine GetEngine() const override { return Engine::kPostgres; }
  bool Healthy() const override { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
  void Begin() override {
    begin_pending_ = true;
    defer_durability_ = false;
    group_commit_ = false;
    queued_.clear();
  }
  void DeferDurability() override { defer_durability_ = true; }
  // The barrier is prepared now, before the transaction has begun on the server: a statement
  // that failed to prepare inside it would abort it, and its COMMIT would then roll back.
  void GroupCommit() override {
    EnsurePrepared(kCommitBarrier);
    group_commit_ = defer_durability_ = true;
  }
  void Commit() override {
    const bool group = std::exchange(group_commit_, false);
    if (!queued_.empty()) {
      Pipeline(nullptr, {}, true, group);  // the flush goes in the same round trip
      return;
    }
    if (std::exchange(begin_pending_, false)) {
      defer_durability_ = false;
      return;  // nothing ran: nothing to commit
    }
    // One simple-protocol message, one round trip: the setting applies to this commit only.
    ExecuteScript(std::exchange(defer_durability_, false) ? "SET LOCAL synchronous_commit TO off; COMMIT" : "COMMIT");
    if (group) Flushed("commit");
  }
  // The statement and COMMIT (and BEGIN, when still pending) in one pipeline: one round trip.
  ResultSet RunThenCommit(const Query& query, std::span<const Value> params) override {
    const bool group = std::exchange(group_commit_, false);
    EnsurePrepared(query);
    return Pipeline(&query, params, true, group);
  }
  void AwaitDurable() override { Flushed("flush", "what was read"); }
  void Rollback() override {
    defer_durability_ = false;
    group_commit_ = false;
    queued_.clear();
    if (std::exchange(begin_pending_, false)) return;
    ExecuteScript("ROLLBACK");
  }

 private:
  struct Queued {
    std::string_view name;
    std::vector<Value> params;
    std::optional<std::int64_t> rows;  // what it must change, when told
  };

  // A durable commit of its own after the commits this connection made or read: PostgreSQL
  // flushes the WAL up to its commit record, so up to theirs too (a commit with no WAL of its
  // own is not flushed, hence the row; one per server process, so writers never wait for each
  // other's). Concurrent flushes are merged by the server (group commit).
  void Flushed(std::string_view what, std::string_view which = "committed, but") {
    try {
      Run(kCommitBarrier, {});
    } catch (const DbError& e) {
      throw DbError(DbError::Kind::kUnavailable, std::string(what) + ": " + std::string(which) + " not known to be on disk: " + e.what());
    }
  }

  // [BEGIN] [queued statements…] [statement] [COMMIT], sent together, then one sync. Every
  // result up to the sync is read before anything is thrown, so the connection leaves pipeline
  // mode clean; the first failure is the one thrown (the server skips what follows it, the
  // COMMIT included: nothing is committed and the caller rolls back).
  // With `flush` (a group commit), the barrier write of Flushed follows the COMMIT in the same
  // pipeline: outside the transaction, it commits on its own at the sync, durably.
  ResultSet Pipeline(const Query* query, std::span<const Value> params, bool commit, bool flush = false) {
    const bool begin = std::exchange(begin_pending_, false);
    std::vector<Queued> queued = std::exchange(queued_, {});
    const bool relax = commit && std::exchange(defer_durability_, false);
    std::string_view what = query != nullptr ? query->name : commit ? std::string_view("commit") : std::string_view("queued statements");
    if (PQenterPipelineMode(conn_) != 1) {
      throw DbError(DbError::Kind::kUnavailable, std::string(what) + ": cannot enter pipeline mode: " + PQerrorMessage(conn_));
    }
    std::vector<std::string_view> parts;
    auto plain = [&](const char* sql, std::string_view label) {
      parts.push_back(label);
      return PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    };
    auto prepared = [&](std::string_view name, std::span<const Value> p) {
      parts.push_back(name);
      Bound b = Bind(p);  // libpq copies the values into its output buffer here
      std::string n(name);
      return PQsendQueryPrepared(conn_, n.c_str(), static_cast<int>(p.size()), b.values.data(), b.lengths.data(),
                                 b.formats.data(), 0) == 1;
    };
    bool sent = !begin || plain("BEGIN", "begin");
    const std::size_t first_queued = parts.size();
    for (const auto& q : queued) sent = sent && prepared(q.name, q.params);
    std::size_t statement = parts.size();
    if (query != nullptr) sent = sent && prepared(query->name, params);
    if (relax) sent = sent && plain("SET LOCAL synchronous_commit TO off", "commit");
    if (commit) sent = sent && plain("COMMIT", "commit");
    const std::size_t barrier = commit && flush ? parts.size() : std::size_t(-1);
    if (commit && flush) sent = sent && prepared(kCommitBarrier.name, {});  // prepared by GroupCommit
    sent = sent && PQpipelineSync(conn_) == 1;
    std::vector<std::vector<std::unique_ptr<PgResult>>> results(parts.size());
    if (sent) {
      for (auto& part : results) {
        while (PGresult* r = PQgetResult(conn_)) part.push_back(std::make_unique<PgResult>(r));
      }
      while (PGresult* r = PQgetResult(conn_)) {
        bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (sync) break;
      }
    }
    PQexitPipelineMode(conn_);
    for (const auto& part : results) {
      if (!sent || part.empty()) {
        throw DbError(DbError::Kind::kUnavailable, std::string(what) + ": pipeline failed: " + PQerrorMessage(conn_));
      }
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i == barrier) {
        try {
          Check(results[i].back()->get(), parts[i]);
        } catch (const DbError& e) {
          throw DbError(DbError::Kind::kUnavailable, std::string(what) + ": committed, but not known to be on disk: " + e.what());
        }
        continue;
      }
      Check(results[i].back()->get(), parts[i]);
    }
    // Every statement ran; one that changed another number of rows than it must fails the call.
    for (std::size_t q = 0; q < queued.size(); ++q) {
      if (!queued[q].rows) continue;
      CheckRows(queued[q].name, Affected(results[first_queued + q].back()->get()), queued[q].rows);
    }
    return query != nullptr ? Convert(results[statement].back()->get()) : ResultSet{};
  }

  void EnsurePrepared(const Query& query) {
    auto it = prepared_.find(query.name);
    if (it != prepared_.end()) {
      if (it->second != query.sql) {
        throw std::logic_error("two different queries named " + std::string(query.name));
      }
      return;
    }
    std::string name(query.name);
    std::string sql(query.sql);
    PgResult res(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    Check(res.get(), query.name);
    prepared_.emplace(query.name, query.sql);
  }

  void Check(PGresult* res, std::string_view name) {
    auto status = PQresultStatus(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string_view code = state ? state : "";
    DbError::Kind kind = DbError::Kind::kGeneric;
    if (code == "23505") kind = DbError::Kind::kUniqueViolation;
    else if (code == "23503") kind = DbError::Kind::kForeignKeyViolation;
    else if (code == "40001" || code == "40P01" || code == "55P03") kind = DbError::Kind::kBusy;
    // Connection lost (08), out of disk, memory or connections (53), the server shutting down
    // (57P) or failing at I/O (58): the database's state, not the statement's; try again later.
    else if (PQstatus(conn_) != CONNECTION_OK || code.starts_with("08") || code.starts_with("53") || code.starts_with("57P") ||
             code.starts_with("58")) {
      kind = DbError::Kind::kUnavailable;
    }
    throw DbError(kind, std::string(name) + ": " + msg);
  }

  static ResultSet Convert(PGresult* res) {
    ResultSet out;
    int nfields = PQnfields(res);
    int ntuples = PQntuples(res);
    std::vector<Oid> types;
    for (int c = 0; c < nfields; ++c) {
      out.columns.emplace_back(PQfname(res, c));
      types.push_back(PQftype(res, c));
    }
    out.rows.reserve(static_cast<std::size_t>(ntuples));
    for (int r = 0; r < ntuples; ++r) {
      std::vector<Value> row;
      row.reserve(static_cast<std::size_t>(nfields));
      for (int c = 0; c < nfields; ++c) {
        if (PQgetisnull(res, r, c)) {
          row.emplace_back(nullptr);
          continue;
        }
        std::string_view v(PQgetvalue(res, r, c), static_cast<std::size_t>(PQgetlength(res, r, c)));
        switch (types[static_cast<std::size_t>(c)]) {
          case kInt2Oid:
          case kInt4Oid:
          case kInt8Oid: row.emplace_back(static_cast<std::int64_t>(std::stoll(std::string(v)))); break;
          case kBoolOid: row.emplace_back(static_cast<std::int64_t>(v == "t" ? 1 : 0)); break;
          case kFloat4Oid:
          case kFloat8Oid:
          case kNumericOid: row.emplace_back(std::stod(std::string(v))); break;
          case kByteaOid: {
            // Text output of bytea is hex: \x0a1b…
            Bytes b;
            if (v.starts_with("\\x")) {
              b.data.reserve((v.size() - 2) / 2);
              for (std::size_t i = 2; i + 1 < v.size(); i += 2) {
                b.data.push_back(static_cast<char>(core::HexDigitValue(v[i]) << 4 | core::HexDigitValue(v[i + 1])));
              }
            }
            row.emplace_back(std::move(b));
            break;
          }
          default: row.emplace_back(std::string(v));
        }
      }
      out.rows.push_back(std::move(row));
    }
    out.affected = Affected(res);
    return out;
  }

  // Rows an INSERT, UPDATE or DELETE changed (its command tag); 0 for anything else.
  static std::int64_t Affected(PGresult* res) {
    const char* n = PQcmdTuples(res);
    return n != nullptr && *n != '\0' ? std::stoll(n) : 0;
  }

  bool begin_pending_ = false;  ///< Begin() called, BEGIN not yet sent (see Run)
  bool defer_durability_ = false;  ///< DeferDurability() called in this transaction
  bool group_commit_ = false;      ///< GroupCommit() called in this transaction
  std::vector<Queued> queued_;  ///< ExecuteLater statements not sent yet
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string_view, std::string_view> prepared_;
};

}  // namespace

std::unique_ptr<Connection> OpenPostgres(const std::string& url) {
  return std::make_unique<PgConnection>(url);
}

}  // namespace motcua::db

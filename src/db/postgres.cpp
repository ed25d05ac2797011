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
  // that ran no statement sends neither BEGIN nor COMMIT.
  ResultSet Run(const Query& query, std::span<const Value> params) override {
    EnsurePrepared(query);
    if (begin_pending_) return Pipeline(true, query, params, false);
    Bound b = Bind(params);
    std::string name(query.name);
    PgResult res(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                b.values.data(), b.lengths.data(), b.formats.data(), 0));
    Check(res.get(), query.name);
    return Convert(res.get());
  }

  // The statement and COMMIT (and BEGIN, when still pending) in one pipeline: one round trip.
  ResultSet RunThenCommit(const Query& query, std::span<const Value> params) override {
    EnsurePrepared(query);
    return Pipeline(begin_pending_, query, params, true);
  }

  void ExecuteScript(std::string_view sql) override {
    FlushBegin();
    std::string text(sql);
    PgResult res(PQexec(conn_, text.c_str()));
    Check(res.get(), "script");
  }

  Engine GetEngine() const override { return Engine::kPostgres; }
  bool Healthy() const override { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
  void Begin() override { begin_pending_ = true; }
  void Commit() override {
    if (std::exchange(begin_pending_, false)) return;  // nothing ran: nothing to commit
    ExecuteScript("COMMIT");
  }
  void Rollback() override {
    if (std::exchange(begin_pending_, false)) return;
    ExecuteScript("ROLLBACK");
  }

 private:
  void FlushBegin() {
    if (!std::exchange(begin_pending_, false)) return;
    PgResult res(PQexec(conn_, "BEGIN"));
    Check(res.get(), "begin");
  }

  // [BEGIN] statement [COMMIT], sent together, then one sync. Every result up to the sync is
  // read before anything is thrown, so the connection leaves pipeline mode clean. A failed
  // statement leaves the COMMIT "aborted" (nothing committed; the caller rolls back).
  ResultSet Pipeline(bool begin, const Query& query, std::span<const Value> params, bool commit) {
    begin_pending_ = false;
    Bound b = Bind(params);
    std::string name(query.name);
    if (PQenterPipelineMode(conn_) != 1) {
      throw DbError(DbError::Kind::kUnavailable, std::string(query.name) + ": cannot enter pipeline mode: " + PQerrorMessage(conn_));
    }
    auto plain = [&](const char* sql) { return PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1; };
    bool sent = (!begin || plain("BEGIN")) &&
                PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(params.size()), b.values.data(), b.lengths.data(),
                                    b.formats.data(), 0) == 1 &&
                (!commit || plain("COMMIT")) && PQpipelineSync(conn_) == 1;
    const int parts = (begin ? 1 : 0) + 1 + (commit ? 1 : 0);
    std::vector<std::unique_ptr<PgResult>> results[3];
    if (sent) {
      for (int part = 0; part < parts; ++part) {
        while (PGresult* r = PQgetResult(conn_)) results[part].push_back(std::make_unique<PgResult>(r));
      }
      while (PGresult* r = PQgetResult(conn_)) {
        bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (sync) break;
      }
    }
    PQexitPipelineMode(conn_);
    for (int part = 0; part < parts; ++part) {
      if (!sent || results[part].empty()) {
        throw DbError(DbError::Kind::kUnavailable, std::string(query.name) + ": pipeline failed: " + PQerrorMessage(conn_));
      }
    }
    if (begin) Check(results[0].back()->get(), "begin");
    const PgResult& statement = *results[begin ? 1 : 0].back();
    Check(statement.get(), query.name);
    if (commit) Check(results[parts - 1].back()->get(), "commit");
    return Convert(statement.get());
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
    else if (PQstatus(conn_) != CONNECTION_OK || code.starts_with("08")) {
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
    const char* affected = PQcmdTuples(res);
    if (affected && *affected) out.affected = std::stoll(affected);
    return out;
  }

  bool begin_pending_ = false;  ///< Begin() called, BEGIN not yet sent (see Run)
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string_view, std::string_view> prepared_;
};

}  // namespace

std::unique_ptr<Connection> OpenPostgres(const std::string& url) {
  return std::make_unique<PgConnection>(url);
}

}  // namespace motcua::db

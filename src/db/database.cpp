#include "db/database.hpp"

#include "core/text.hpp"

#include <condition_variable>
#include <mutex>

namespace motcua::db {

bool ResultSet::IsNull(std::size_t row, std::size_t col) const {
  return std::holds_alternative<std::nullptr_t>(rows.at(row).at(col));
}

std::int64_t ResultSet::Int(std::size_t row, std::size_t col) const {
  const Value& v = rows.at(row).at(col);
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* s = std::get_if<std::string>(&v)) return std::stoll(*s);
  throw std::logic_error("column " + std::to_string(col) + " is not an integer");
}

std::string ResultSet::Text(std::size_t row, std::size_t col) const {
  const Value& v = rows.at(row).at(col);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  throw std::logic_error("column " + std::to_string(col) + " is not text");
}

std::optional<std::string> ResultSet::OptText(std::size_t row, std::size_t col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Text(row, col);
}

const Bytes& ResultSet::Blob(std::size_t row, std::size_t col) const {
  return std::get<Bytes>(rows.at(row).at(col));
}

ResultSet Connection::Execute(const Query& query, std::span<const Value> params) {
  if (observer == nullptr || !*observer) return Run(query, params);
  auto started = std::chrono::steady_clock::now();
  bool ok = false;
  struct Report {
    const QueryObserver& observer;
    std::string_view name;
    std::chrono::steady_clock::time_point started;
    bool& ok;
    ~Report() {
      observer(name, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), ok);
    }
  } report{*observer, query.name, started, ok};
  ResultSet result = Run(query, params);
  ok = true;
  return result;
}

void Connection::ExecuteLater(const Query& query, std::vector<Value> params, std::optional<std::int64_t> rows) {
  if (!in_transaction) {
    CheckRows(query.name, Execute(query, params).affected, rows);
    return;
  }
  Queue(query, std::move(params), rows);
}

void Connection::CheckRows(std::string_view name, std::int64_t affected, std::optional<std::int64_t> rows) {
  if (rows && affected != *rows) {
    throw DbError(DbError::Kind::kRowCount, std::string(name) + ": changed " + std::to_string(affected) + " rows, not " +
                                                std::to_string(*rows));
  }
}

Transaction::Transaction(Connection& conn) : conn_(conn) {
  conn_.Begin();
  conn_.in_transaction = true;
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    conn_.Rollback();
  } catch (...) {
    // A failed rollback leaves the connection unhealthy; the pool drops it.
  }
  conn_.in_transaction = false;
}

void Transaction::Commit() {
  conn_.Commit();
  done_ = true;
  conn_.in_transaction = false;
}

ResultSet Transaction::ExecuteThenCommit(const Query& query, std::initializer_list<Value> params) {
  std::span<const Value> p(params.begin(), params.size());
  auto started = std::chrono::steady_clock::now();
  bool ok = false;
  ResultSet r;
  try {
    r = conn_.RunThenCommit(query, p);
    ok = true;
  } catch (...) {
    if (conn_.observer != nullptr && *conn_.observer) {
      (*conn_.observer)(query.name, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), false);
    }
    throw;
  }
  if (conn_.observer != nullptr && *conn_.observer) {
    (*conn_.observer)(query.name, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), ok);
  }
  done_ = true;
  conn_.in_transaction = false;
  return r;
}

ReadBatch::ReadBatch(Connection& conn) : conn_(conn) {
  if (conn_.in_transaction) return;
  conn_.BeginReads();
  active_ = true;
}

ReadBatch::~ReadBatch() {
  if (!active_) return;
  try {
    conn_.EndReads();
  } catch (...) {
    // Ending a read cannot lose anything; a broken connection is dropped by the pool.
  }
}

struct Database::State {
  mutable std::mutex mu;
  std::condition_variable cv;
  std::vector<std::unique_ptr<Connection>> idle;
  std::size_t in_use = 0;
};

Lease::~Lease() {
  if (conn_) db_->Release(std::move(conn_));
}

Database::Database(Engine engine, std::string url, PoolOptions options)
    : engine_(engine),
      url_(std::move(url)),
      redacted_url_(core::RedactUrlPassword(url_)),
      options_(options),
      state_(std::make_unique<State>()) {}

Database::~Database() = default;

std::unique_ptr<Database> Database::Open(const std::string& url, PoolOptions options) {
  std::unique_ptr<Database> db;
  if (url.starts_with("sqlite:")) {
    db.reset(new Database(Engine::kSqlite, url, options));
  } else if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    db.reset(new Database(Engine::kPostgres, url, options));
  } else {
    throw std::invalid_argument("database URL must start with sqlite: or postgresql://");
  }
  if (db->options_.size == 0) db->options_.size = 1;
  db->Release(db->Connect());  // fail fast when unreachable
  return db;
}

std::unique_ptr<Connection> Database::Connect() {
  auto conn = engine_ == Engine::kSqlite ? OpenSqlite(url_.substr(7)) : OpenPostgres(url_);
  conn->observer = &options_.observer;
  return conn;
}

Lease Database::Acquire() {
  std::unique_lock lock(state_->mu);
  auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  for (;;) {
    if (!state_->idle.empty()) {
      auto conn = std::move(state_->idle.back());
      state_->idle.pop_back();
      ++state_->in_use;
      return Lease(this, std::move(conn));
    }
    if (state_->in_use < options_.size) {
      ++state_->in_use;
      lock.unlock();
      try {
        return Lease(this, Connect());
      } catch (...) {
        lock.lock();
        --state_->in_use;
        state_->cv.notify_one();
        throw;
      }
    }
    if (state_->cv.wait_until(lock, deadline) == std::cv_status::timeout &&
        state_->idle.empty() && state_->in_use >= options_.size) {
      throw DbError(DbError::Kind::kUnavailable,
                    "no database connection became free within the acquire timeout");
    }
  }
}

void Database::Release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(state_->mu);
  if (state_->in_use > 0) --state_->in_use;
  if (conn->Healthy() && !conn->in_transaction) state_->idle.push_back(std::move(conn));
  state_->cv.notify_one();
}

std::size_t Database::Idle() const {
  std::lock_guard lock(state_->mu);
  return state_->idle.size();
}

std::size_t Database::InUse() const {
  std::lock_guard lock(state_->mu);
  return state_->in_use;
}

}  // namespace motcua::db

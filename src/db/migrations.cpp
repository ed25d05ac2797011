#include "db/migrations.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "core/time.hpp"
#include "crypto/sha256.hpp"

namespace motcua::db {

namespace {

constexpr Query kCreateTable{
    "migrations_create",
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
    "NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)"};
constexpr Query kApplied{"migrations_applied",
                         "SELECT version, name, checksum FROM schema_migrations ORDER BY version"};
constexpr Query kHasTableSqlite{
    "migrations_has_table_sqlite",
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"};
constexpr Query kHasTablePostgres{
    "migrations_has_table_pg",
    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND "
    "tablename = 'schema_migrations'"};
constexpr Query kRecord{
    "migrations_record",
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)"};
// Any constant works; it only has to be the same on every node.
constexpr Query kLock{"migrations_lock", "SELECT pg_advisory_xact_lock(727274001)"};

}  // namespace

std::vector<Migration> MigrationsFor(Engine engine, std::span<const core::EmbeddedFile> files) {
  std::string_view dir = engine == Engine::kSqlite ? "migrations/sqlite/" : "migrations/postgres/";
  std::vector<Migration> out;
  for (const auto& f : files) {
    if (!f.path.starts_with(dir)) continue;
    std::string_view file = f.path.substr(dir.size());
    auto underscore = file.find('_');
    int version = 0;
    auto [ptr, ec] = std::from_chars(file.data(), file.data() + std::min(underscore, file.size()),
                                     version);
    if (ec != std::errc{} || underscore == std::string_view::npos || !file.ends_with(".sql") ||
        version <= 0) {
      throw std::invalid_argument("bad migration file name: " + std::string(f.path));
    }
    out.push_back({version, std::string(file.substr(0, file.size() - 4)), std::string(f.content),
                   crypto::Sha256::Hex(f.content)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      throw std::invalid_argument("duplicate migration version " + std::to_string(out[i].version));
    }
  }
  return out;
}

core::Result<MigrationReport> Migrate(Database& db, std::span<const Migration> migrations) {
  auto conn = db.Acquire();
  conn->ExecuteScript(std::string(kCreateTable.sql));
  MigrationReport report;
  for (const auto& m : migrations) {
    Transaction tx(*conn);
    if (db.GetEngine() == Engine::kPostgres) conn->Execute(kLock);
    // Read inside the transaction (after the lock) so a concurrent migrator's work is seen.
    auto applied = conn->Execute(kApplied);
    bool already = false;
    for (std::size_t r = 0; r < applied.rows.size(); ++r) {
      if (applied.Int(r, 0) != m.version) continue;
      already = true;
      if (applied.Text(r, 2) != m.checksum) {
        return core::Fail(core::ErrorCode::kConflict,
                          "migration " + m.name +
                              " was changed after it was applied; migrations are never edited, "
                              "add a new one instead");
      }
    }
    if (!applied.Empty()) {
      int newest = static_cast<int>(applied.Int(applied.rows.size() - 1, 0));
      if (newest > migrations.back().version) {
        return core::Fail(core::ErrorCode::kConflict,
                          "the database schema (version " + std::to_string(newest) +
                              ") is newer than this motcua build knows (" +
                              std::to_string(migrations.back().version) + ")");
      }
    }
    if (!already) {
      conn->ExecuteScript(m.sql);
      conn->Execute(kRecord, {static_cast<std::int64_t>(m.version), m.name, m.checksum, core::NowUtc()});
      report.applied.push_back(m.name);
    }
    tx.Commit();
    report.current_version = m.version;
  }
  return report;
}

int PendingMigrations(Database& db, std::span<const Migration> migrations) {
  auto conn = db.Acquire();
  const Query& has_table =
      db.GetEngine() == Engine::kSqlite ? kHasTableSqlite : kHasTablePostgres;
  if (conn->Execute(has_table).Int(0, 0) == 0) return static_cast<int>(migrations.size());
  auto applied = conn->Execute(kApplied);
  int pending = 0;
  for (const auto& m : migrations) {
    bool found = false;
    for (std::size_t r = 0; r < applied.rows.size() && !found; ++r) {
      found = applied.Int(r, 0) == m.version;
    }
    if (!found) ++pending;
  }
  return pending;
}

}  // namespace motcua::db

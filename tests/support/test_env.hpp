// Throw-away databases and directories for integration tests: a temp SQLite file, or a fresh
// database in the PostgreSQL cluster that scripts/test started (MOTCUA_TEST_PG_URL).
#pragma once

#include <filesystem>
#include <string>

namespace motcua::testing {

/// A temp directory removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// A database URL for one test, dropped on destruction. `engine` is "sqlite" or "postgres".
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& engine);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  const std::string& url() const { return url_; }
  /// False when PostgreSQL was asked for but MOTCUA_TEST_PG_URL is not set.
  bool available() const { return !url_.empty(); }
  /// PostgreSQL only: drops the database now, ending every session on it.
  void Drop();
  /// PostgreSQL only: creates the (dropped) database again, empty.
  void Recreate();

 private:
  TempDir dir_;
  std::string url_;
  std::string pg_name_;
};

}  // namespace motcua::testing

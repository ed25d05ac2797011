#include "db/migrations.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace motcua::db {
namespace {

TEST(Migrations, EveryEngineHasTheSameVersions) {
  auto sqlite = MigrationsFor(Engine::kSqlite, EmbeddedMigrations());
  auto pg = MigrationsFor(Engine::kPostgres, EmbeddedMigrations());
  ASSERT_FALSE(sqlite.empty());
  ASSERT_EQ(sqlite.size(), pg.size());
  for (std::size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, static_cast<int>(i + 1)) << "versions are consecutive from 1";
    EXPECT_EQ(sqlite[i].name, pg[i].name);
  }
}

TEST(Migrations, RejectsMalformedNamesAndDuplicates) {
  core::EmbeddedFile bad[] = {{"migrations/sqlite/first.sql", "SELECT 1"}};
  EXPECT_THROW(MigrationsFor(Engine::kSqlite, bad), std::invalid_argument);
  core::EmbeddedFile dup[] = {{"migrations/sqlite/0001_a.sql", "SELECT 1"},
                              {"migrations/sqlite/0001_b.sql", "SELECT 2"}};
  EXPECT_THROW(MigrationsFor(Engine::kSqlite, dup), std::invalid_argument);
  core::EmbeddedFile other[] = {{"migrations/postgres/0001_a.sql", "SELECT 1"}};
  EXPECT_TRUE(MigrationsFor(Engine::kSqlite, other).empty());
}

}  // namespace
}  // namespace motcua::db

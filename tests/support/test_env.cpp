#include "support/test_env.hpp"

#include <cstdlib>

#include "crypto/random.hpp"
#include "db/database.hpp"

namespace motcua::testing {

namespace fs = std::filesystem;

TempDir::TempDir() : path_(fs::temp_directory_path() / ("motcua-test-" + crypto::RandomHex(8))) {
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

TestDatabase::TestDatabase(const std::string& engine) {
  if (engine == "sqlite") {
    url_ = "sqlite:" + (dir_.path() / "motcua.db").string();
    return;
  }
  const char* admin = std::getenv("MOTCUA_TEST_PG_URL");
  if (admin == nullptr || *admin == '\0') return;
  pg_name_ = "motcua_test_" + crypto::RandomHex(6);
  auto db = db::Database::Open(admin, {.size = 1});
  db->Acquire()->ExecuteScript("CREATE DATABASE " + pg_name_);
  std::string base(admin);
  auto slash = base.rfind('/');
  auto query = base.find('?', slash);
  url_ = base.substr(0, slash + 1) + pg_name_ + (query == std::string::npos ? "" : base.substr(query));
}

void TestDatabase::Drop() {
  if (pg_name_.empty()) return;
  auto db = db::Database::Open(std::getenv("MOTCUA_TEST_PG_URL"), {.size = 1});
  db->Acquire()->ExecuteScript("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
}

void TestDatabase::Recreate() {
  auto db = db::Database::Open(std::getenv("MOTCUA_TEST_PG_URL"), {.size = 1});
  db->Acquire()->ExecuteScript("CREATE DATABASE " + pg_name_);
}

TestDatabase::~TestDatabase() {
  try {
    Drop();
  } catch (...) {
    // The cluster is thrown away by scripts/test anyway.
  }
}

}  // namespace motcua::testing

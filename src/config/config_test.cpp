#include "config/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace motcua::config {
namespace {

std::string WriteFile(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() /
              ("motcua-config-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
               "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".conf");
  std::ofstream(path) << text;
  return path.string();
}

TEST(Config, DefaultsAreUsable) {
  auto c = Load({});
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->db, "sqlite:var/motcua.db");
  EXPECT_EQ(PublicUrl(*c, 0), "http://127.0.0.1:8080");
  EXPECT_EQ(PublicUrl(*c, 41234), "http://127.0.0.1:41234");
  EXPECT_EQ(c->password_hash_memory_kib, 19456u);
}

TEST(Config, FlagsBeatEnvironmentWhichBeatsTheFile) {
  auto file = WriteFile("# a comment\nlisten = \"0.0.0.0:9000\"\nlog_level = warn\ndemo = true\n");
  Sources s;
  s.file_path = file;
  s.environment = {"MOTCUA_LISTEN=127.0.0.1:9100", "PATH=/usr/bin", "MOTCUA_CONFIG=ignored",
                   "MOTCUA_TEST_PG_URL=ignored"};
  s.flags = {{"listen", "127.0.0.1:9200"}};
  auto c = Load(s);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->listen_port, 9200);
  EXPECT_EQ(c->log_level, "warn");
  EXPECT_TRUE(c->demo);
  s.flags.clear();
  EXPECT_EQ(Load(s)->listen_port, 9100);
  std::filesystem::remove(file);
}

TEST(Config, ErrorsNameTheBadKeyAndSource) {
  Sources s;
  s.flags = {{"io_threads", "many"}};
  auto c = Load(s);
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("'io_threads'"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("--io-threads"), std::string::npos) << c.error().message;

  Sources env;
  env.environment = {"MOTCUA_LISTN=1.2.3.4:5"};
  auto e = Load(env);
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("unknown configuration key 'listn'"), std::string::npos);
  EXPECT_NE(e.error().message.find("MOTCUA_LISTN"), std::string::npos);

  auto file = WriteFile("listen = 127.0.0.1:8080\nbogus = 1\n");
  Sources f;
  f.file_path = file;
  auto fe = Load(f);
  ASSERT_FALSE(fe.has_value());
  EXPECT_NE(fe.error().message.find("'bogus'"), std::string::npos);
  EXPECT_NE(fe.error().message.find(":2"), std::string::npos) << fe.error().message;
  std::filesystem::remove(file);

  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"listen", "8080"}, {"listen", "h:70000"}, {"db", "mysql://x"}, {"demo", "maybe"},
           {"log_level", "loud"}, {"blob_backend", "s3"}, {"header_timeout_ms", "0"},
           {"public_url", "ftp://x"}}) {
    Sources bad;
    bad.flags = {{key, value}};
    auto r = Load(bad);
    ASSERT_FALSE(r.has_value()) << key << "=" << value;
    EXPECT_NE(r.error().message.find("'" + key + "'"), std::string::npos) << r.error().message;
  }
}

TEST(Config, SecretsAreNeverEchoed) {
  Sources s;
  s.flags = {{"db", "postgresql://motcua:hunter2@db/motcua"}};
  auto c = Load(s);
  ASSERT_TRUE(c.has_value());
  for (const auto& line : Describe(*c)) EXPECT_EQ(line.find("hunter2"), std::string::npos) << line;
  bool found = false;
  for (const auto& line : Describe(*c)) found |= line == "db=postgresql://motcua:***@db/motcua";
  EXPECT_TRUE(found);
  Sources bad;
  bad.flags = {{"db", "mysql://root:hunter2@db"}};
  auto r = Load(bad);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos) << r.error().message;
}

TEST(Config, PostgresBlobsNeedPostgres) {
  Sources s;
  s.flags = {{"blob_backend", "postgres"}};
  auto c = Load(s);
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("blob_backend"), std::string::npos);
}

TEST(Config, NamesDeriveFromKeys) {
  EXPECT_EQ(EnvName("web_dir"), "MOTCUA_WEB_DIR");
  EXPECT_EQ(FlagName("web_dir"), "web-dir");
  EXPECT_GE(Keys().size(), 10u);
}

}  // namespace
}  // namespace motcua::config

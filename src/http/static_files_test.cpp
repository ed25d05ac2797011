#include "http/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "crypto/random.hpp"

namespace motcua::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("motcua-static-" + crypto::RandomHex(6));
    root_ = base_ / "dist";
    fs::create_directories(root_ / "assets");
    Write(root_ / "index.html", "<!doctype html><title>motcua</title>");
    Write(root_ / "assets" / "app-1a2b.js", "console.log(1)");
    Write(base_ / "secret.txt", "outside");
    fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
  }
  void TearDown() override { fs::remove_all(base_); }
  static void Write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
  static Request Get(std::string accept = "text/html") {
    Request r;
    r.headers = {{"Accept", std::move(accept)}};
    return r;
  }
  fs::path base_, root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndCaching) {
  auto files = StaticFiles::Load(root_);
  auto index = files.Serve(Get(), {});
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->Header("Cache-Control"), "no-cache");
  EXPECT_NE(index->Header("Content-Security-Policy")->find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(index->Header("X-Frame-Options"), "DENY");
  auto js = files.Serve(Get("*/*"), {"assets", "app-1a2b.js"});
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js->Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js->body, "console.log(1)");
}

TEST_F(StaticFilesTest, ConditionalGetAnswers304) {
  auto files = StaticFiles::Load(root_);
  auto first = files.Serve(Get(), {"index.html"});
  ASSERT_TRUE(first.has_value());
  auto etag = std::string(first->Header("ETag").value());
  Request again = Get();
  again.headers.emplace_back("If-None-Match", etag);
  auto second = files.Serve(again, {"index.html"});
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->status, 304);
  EXPECT_TRUE(second->body.empty());
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndexButMissingFilesDoNot) {
  auto files = StaticFiles::Load(root_);
  auto route = files.Serve(Get(), {"track", "H22-261122-0001"});
  ASSERT_TRUE(route.has_value());
  EXPECT_NE(route->body.find("<title>motcua"), std::string::npos);
  EXPECT_FALSE(files.Serve(Get(), {"assets", "missing.js"}).has_value());
  EXPECT_FALSE(files.Serve(Get(), {"assets", "missing.WOFF2"}).has_value());
  // Codes with dots are pages, not files: a reload of /thu-tuc/1.001193 shows the app.
  for (const auto& code : {"1.001193", "000.00.02.H99-261204-0001"}) {
    auto page = files.Serve(Get(), {"ho-so", code});
    ASSERT_TRUE(page.has_value()) << code;
    EXPECT_NE(page->body.find("<title>motcua"), std::string::npos);
  }
  EXPECT_FALSE(files.Serve(Get("application/json"), {"track"}).has_value());
}

TEST_F(StaticFilesTest, NothingOutsideTheRootIsReachable) {
  auto files = StaticFiles::Load(root_);
  EXPECT_FALSE(files.Serve(Get("*/*"), {"leak.txt"}).has_value());
  EXPECT_FALSE(files.Serve(Get("*/*"), {"..", "secret.txt"}).has_value());
  EXPECT_FALSE(files.Serve(Get("*/*"), {"assets/../../secret.txt"}).has_value());
}

TEST(StaticFiles, MissingRootIsEmpty) {
  auto files = StaticFiles::Load("/nonexistent/motcua/web");
  EXPECT_TRUE(files.Empty());
  Request r;
  EXPECT_FALSE(files.Serve(r, {}).has_value());
}

}  // namespace
}  // namespace motcua::http

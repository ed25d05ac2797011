#include "http/target.hpp"

#include <gtest/gtest.h>

namespace motcua::http {
namespace {

TEST(ParseTarget, SplitsPathAndDecodesQuery) {
  auto t = ParseTarget("/api/v1/procedures?q=h%E1%BB%99+t%E1%BB%8Bch&limit=20&flag");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->path, "/api/v1/procedures");
  ASSERT_EQ(t->segments.size(), 3u);
  EXPECT_EQ(t->segments[2], "procedures");
  ASSERT_EQ(t->query.size(), 3u);
  EXPECT_EQ(t->query[0].second, "hộ tịch");
  EXPECT_EQ(t->query[1].second, "20");
  EXPECT_EQ(t->query[2].first, "flag");
}

TEST(ParseTarget, RootHasNoSegments) {
  auto t = ParseTarget("/");
  ASSERT_TRUE(t.has_value());
  EXPECT_TRUE(t->segments.empty());
  EXPECT_EQ(t->path, "/");
}

TEST(ParseTarget, EncodedSlashStaysInsideASegment) {
  auto t = ParseTarget("/a%2Fb/c");
  ASSERT_TRUE(t.has_value());
  ASSERT_EQ(t->segments.size(), 2u);
  EXPECT_EQ(t->segments[0], "a/b");
}

TEST(ParseTarget, RefusesTraversalInAnyEncoding) {
  for (const char* bad : {"/../etc/passwd", "/assets/../../x", "/%2e%2e/x", "/a/%2E%2E",
                          "/./a", "/a/."}) {
    auto t = ParseTarget(bad);
    ASSERT_FALSE(t.has_value()) << bad;
    EXPECT_EQ(t.error().code, core::ErrorCode::kInvalidArgument);
  }
}

TEST(ParseTarget, RefusesMalformedTargets) {
  for (const char* bad : {"", "*", "http://example/x", "/a%zz", "/a%4", "/a%", "/nul%00",
                          "/a b", "/a\tb", "/a#frag", "/x?q=%G1"}) {
    EXPECT_FALSE(ParseTarget(bad).has_value()) << bad;
  }
}

// A code such as `%FF` used to reach PostgreSQL, which refused the parameter: a 500 for a typo.
TEST(ParseTarget, RefusesTextThatIsNotUtf8AndKeepsTextThatIs) {
  for (const char* bad : {"/api/v1/track/%FF%FE", "/api/v1/agencies/%C3", "/a/\xC3(", "/x?q=%C0%AF", "/x?q%ED%A0%80=1"}) {
    auto t = ParseTarget(bad);
    ASSERT_FALSE(t.has_value()) << bad;
    EXPECT_NE(t.error().message.find("UTF-8"), std::string::npos) << t.error().message;
  }
  auto t = ParseTarget("/api/v1/procedures?q=%C4%91%C4%83ng%20k%C3%BD&x=\xC4\x91");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->query.at(0).second, "\xC4\x91\xC4\x83ng k\xC3\xBD");  // "đăng ký"
  EXPECT_EQ(t->query.at(1).second, "\xC4\x91");
  std::string out;
  EXPECT_FALSE(PercentDecode("client%FF", true, out));
  EXPECT_TRUE(PercentDecode("ng%C6%B0%E1%BB%9Di", true, out));
  EXPECT_EQ(out, "ng\xC6\xB0\xE1\xBB\x9Di");  // "người"
}

}  // namespace
}  // namespace motcua::http

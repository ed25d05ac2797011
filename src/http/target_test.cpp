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

}  // namespace
}  // namespace motcua::http

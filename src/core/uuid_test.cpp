#include "core/uuid.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

namespace motcua::core {
namespace {

TEST(Uuid, V7HasVersionVariantAndCurrentTime) {
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  Uuid id = Uuid::NewV7();
  EXPECT_EQ(id.Version(), 7);
  std::string s = id.ToString();
  ASSERT_EQ(s.size(), 36u);
  EXPECT_TRUE(s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b') << s;
  EXPECT_GE(static_cast<long long>(id.UnixMillis()), before);
}

TEST(Uuid, RoundTripsThroughText) {
  for (int i = 0; i < 100; ++i) {
    Uuid id = Uuid::NewV7();
    auto parsed = Uuid::Parse(id.ToString());
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, id);
  }
  EXPECT_FALSE(Uuid::Parse("not-a-uuid").has_value());
  EXPECT_FALSE(Uuid::Parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g").has_value());
  EXPECT_FALSE(Uuid::Parse("0190a1b2c-3d4-7e5f-8a9b-0c1d2e3f4a5b").has_value());
}

TEST(Uuid, ManyAreUniqueAndNonDecreasingInTime) {
  std::set<std::string> seen;
  std::uint64_t last = 0;
  for (int i = 0; i < 10000; ++i) {
    Uuid id = Uuid::NewV7();
    EXPECT_GE(id.UnixMillis(), last);
    last = id.UnixMillis();
    EXPECT_TRUE(seen.insert(id.ToString()).second);
  }
}

}  // namespace
}  // namespace motcua::core

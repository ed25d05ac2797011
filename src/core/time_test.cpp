#include "core/time.hpp"

#include <gtest/gtest.h>

namespace motcua::core {
namespace {

TEST(Time, FormatsUtcWithMilliseconds) {
  using namespace std::chrono;
  sys_days day = year{2026} / November / 22;
  auto t = system_clock::time_point(day) + hours(5) + minutes(30) + milliseconds(123);
  EXPECT_EQ(FormatUtc(t), "2026-11-22T05:30:00.123Z");
  EXPECT_EQ(FormatUtc(system_clock::time_point(sys_days(year{1969} / December / 31)) +
                      hours(23) + minutes(59) + seconds(59) + milliseconds(999)),
            "1969-12-31T23:59:59.999Z");
}

TEST(Time, TextOrderFollowsTimeOrder) {
  auto a = NowUtc();
  auto b = FormatUtc(std::chrono::system_clock::now() + std::chrono::seconds(1));
  EXPECT_LT(a, b);
}

TEST(Time, ParsesItsOwnFormBackAndRefusesOthers) {
  auto t = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  EXPECT_EQ(ParseUtc(FormatUtc(t)), t);
  EXPECT_EQ(ParseUtc("2026-11-22T05:30:00Z"), ParseUtc("2026-11-22T05:30:00.000Z"));
  EXPECT_EQ(FormatUtc(*ParseUtc("1969-12-31T23:59:59.999Z")), "1969-12-31T23:59:59.999Z");
  for (const char* bad : {"", "2026-11-22", "2026-11-22T05:30:00", "2026-02-30T00:00:00Z", "2026-11-22T24:00:00Z",
                          "2026-11-22T05:30:00.12Z", "2026-11-22T05:30:00+07:00", "2026-11-22 05:30:00Z"}) {
    EXPECT_FALSE(ParseUtc(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace motcua::core

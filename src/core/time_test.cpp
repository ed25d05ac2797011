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

}  // namespace
}  // namespace motcua::core

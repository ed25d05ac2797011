#include "core/periodic.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace motcua::core {
namespace {

TEST(PeriodicJob, RunsEveryIntervalSurvivesAFailingPassAndStopsWhenDestroyed) {
  std::atomic<int> passes{0};
  {
    PeriodicJob job("test job", std::chrono::milliseconds(5), [&] {
      if (passes.fetch_add(1) == 0) throw std::runtime_error("first pass fails");
    });
    for (int i = 0; i < 400 && passes.load() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  int after = passes.load();
  EXPECT_GE(after, 3) << "the passes after a failing one still run";
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(passes.load(), after) << "no pass after destruction";
}

}  // namespace
}  // namespace motcua::core

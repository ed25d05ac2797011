#include "core/periodic.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

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

TEST(PeriodicJob, ADrainingJobStartsAtOnceAndAFailingPassEndsTheDrain) {
  // The interval is far longer than the test: every pass seen here ran without waiting for it.
  std::atomic<int> passes{0};
  {
    PeriodicJob job("draining job", std::chrono::hours(1), [&]() -> bool {
      if (passes.fetch_add(1) == 0) return true;  // more work left: run again at once
      throw std::runtime_error("a failing pass counts as nothing left");
    }, PeriodicJob::Draining{});
    for (int i = 0; i < 400 && passes.load() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  EXPECT_EQ(passes.load(), 2) << "the first pass at once, the second at once after it, then the hour's wait";
}

TEST(PeriodicJob, ADrainingJobRunsPassesBackToBackWhileTheyReportMoreWork) {
  std::atomic<int> passes{0};
  {
    PeriodicJob job("draining job", std::chrono::hours(1), [&] { return passes.fetch_add(1) + 1 < 4; },
                    PeriodicJob::Draining{});
    for (int i = 0; i < 400 && passes.load() < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  EXPECT_EQ(passes.load(), 4) << "three passes with work left run back to back, the fourth then waits";
}

}  // namespace
}  // namespace motcua::core

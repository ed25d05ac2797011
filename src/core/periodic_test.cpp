#include "core/periodic.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace motcua::core {
namespace {

using namespace std::chrono_literals;

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

TEST(PeriodicJob, AWokenJobRunsItsNextPassAtOnce) {
  // The interval is far longer than the test: every pass seen here was woken.
  std::atomic<int> passes{0};
  {
    PeriodicJob job("woken job", std::chrono::hours(1), [&] { passes.fetch_add(1); });
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(passes.load(), 0) << "nothing runs before the interval unless woken";
    job.Wake();
    for (int i = 0; i < 400 && passes.load() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(passes.load(), 1);
    job.Wake();
    for (int i = 0; i < 400 && passes.load() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_EQ(passes.load(), 2) << "one pass for each wake, then the hour's wait";
  }
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

// A draining job's thread on a simulated clock (as the notification sender runs): passes of
// `pass` each, the first `full_passes` back to back, the others followed by a sleep of `poll`;
// the gauge read when CostBoundedRead says so, each read taking `cost`.
struct Simulated {
  double read_share = 0;
  int reads = 0;
  bool read_after_last_pass = false;
};
Simulated SimulateJob(std::chrono::milliseconds cost, std::chrono::milliseconds poll, std::chrono::milliseconds pass,
                      int full_passes, int passes, bool partial_passes_change) {
  using D = std::chrono::steady_clock::duration;
  D now{}, read_at = D::min() / 2, last_cost{}, reading{};
  Simulated out;
  for (int i = 0; i < passes; ++i) {
    now += pass;
    bool more = i < full_passes;
    bool read = CostBoundedRead::Due(now - read_at, last_cost, poll, !more && (partial_passes_change || i == full_passes));
    if (read) {
      now += cost;
      reading += cost;
      read_at = now;
      last_cost = cost;
      ++out.reads;
    }
    if (i == full_passes) out.read_after_last_pass = read;
    if (!more) now += poll;
  }
  out.read_share = std::chrono::duration<double>(reading).count() / std::chrono::duration<double>(now).count();
  return out;
}

TEST(CostBoundedRead, CountingABacklogTakesAtMostATwentiethOfTheJobsTimeHoweverLargeItGrows) {
  // What the count costs from a small outbox to millions of messages waiting.
  for (auto cost : {0ms, 1ms, 20ms, 100ms, 500ms, 2000ms}) {
    SCOPED_TRACE(cost.count());
    // A long drain (full passes of 50 ms back to back), then passes that send a few each poll.
    auto trickle = SimulateJob(cost, 2000ms, 50ms, 2000, 4000, true);
    // A drain, then nothing due for hours (a channel down): empty passes every poll.
    auto idle = SimulateJob(cost, 2000ms, 5ms, 2000, 20000, false);
    // The same with the shortest poll an operator may set.
    auto fast = SimulateJob(cost, 100ms, 5ms, 2000, 20000, true);
    for (const auto& s : {trickle, idle, fast}) {
      // The first read of all is due whatever it costs (the gauges start empty).
      EXPECT_LE(s.read_share, 0.05 + 0.01) << s.reads << " reads";
      EXPECT_GE(s.reads, 2);
    }
    if (cost == 0ms) {
      EXPECT_EQ(trickle.reads, 4000) << "a cheap count is read after every pass";
    }
  }
  // Once a drain is done the gauges are exact when a read per poll is cheap enough, even if the
  // next pass is an hour away; after a costly read they wait for their turn.
  EXPECT_TRUE(SimulateJob(1ms, 3600000ms, 1ms, 3, 4, false).read_after_last_pass);
  EXPECT_TRUE(SimulateJob(100ms, 2000ms, 1ms, 3, 4, false).read_after_last_pass);
  EXPECT_FALSE(SimulateJob(500ms, 2000ms, 1ms, 3, 4, false).read_after_last_pass);
  // After a pass that changed nothing, only the share decides.
  EXPECT_FALSE(CostBoundedRead::Due(1ms, 1ms, 2000ms, false));
  EXPECT_TRUE(CostBoundedRead::Due(20ms, 1ms, 2000ms, false));
}

TEST(CostBoundedRead, ACostlyReadIsNotRepeatedAtOnceAndAFailedOneIsDueAgain) {
  CostBoundedRead reads(std::chrono::hours(1));
  int n = 0;
  EXPECT_THROW(reads.ReadIfDue(false, [&] { ++n; throw std::runtime_error("database down"); }), std::runtime_error);
  reads.ReadIfDue(false, [&] { ++n; });
  EXPECT_EQ(n, 2) << "the read after a failed one is due at once";
  std::this_thread::sleep_for(20ms);  // far more than 20 times what the last read took
  reads.ReadIfDue(false, [&] {
    ++n;
    std::this_thread::sleep_for(100ms);
  });
  EXPECT_EQ(n, 3);
  // The last read took 100 ms: the next is due 2 s after it, or at once after a pass that
  // changed something, since one read an hour would take little of the time.
  reads.ReadIfDue(false, [&] { ++n; });
  EXPECT_EQ(n, 3);
  reads.ReadIfDue(true, [&] {
    ++n;
    std::this_thread::sleep_for(100ms);
  });
  EXPECT_EQ(n, 4);
  CostBoundedRead short_interval(std::chrono::milliseconds(500));
  short_interval.ReadIfDue(false, [&] {
    ++n;
    std::this_thread::sleep_for(100ms);
  });
  EXPECT_EQ(n, 5);
  short_interval.ReadIfDue(true, [&] { ++n; });
  EXPECT_EQ(n, 5) << "one read per 500 ms would take a fifth of the time";
}

}  // namespace
}  // namespace motcua::core

#include "http/coalesce.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <stdexcept>
#include <thread>

namespace motcua::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A fetch that answers key → its number ("x…" keys do not exist, a batch holding "bad"
// fails) and, while `held`, waits before answering, so that lookups pile up behind it.
struct Backend {
  std::mutex mu;
  std::condition_variable cv;
  bool held = false;
  int running = 0, most_running = 0;
  std::vector<std::vector<std::string>> batches;

  Coalescer<int>::Found Fetch(const std::vector<std::string>& keys) {
    std::unique_lock lock(mu);
    batches.push_back(keys);
    ++running;
    most_running = std::max(most_running, running);
    cv.notify_all();
    cv.wait(lock, [&] { return !held; });
    --running;
    if (std::find(keys.begin(), keys.end(), "bad") != keys.end()) throw std::runtime_error("database gone");
    Coalescer<int>::Found out;
    for (const auto& k : keys) {
      if (k[0] != 'x' && k != "bad") out.emplace(k, std::stoi(k));
    }
    return out;
  }
  void Release() {
    std::lock_guard lock(mu);
    held = false;
    cv.notify_all();
  }
  void WaitRunning(int n) {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return running >= n; }));
  }
};

// What each lookup ended with: its value, "none" or the error's text.
struct Lookups {
  std::mutex mu;
  std::map<int, std::string> got;  // by the lookup's index
  std::atomic<int> done{0};

  void Start(asio::io_context& io, Coalescer<int>& c, int index, std::string key) {
    asio::co_spawn(io, [&, index, key]() -> asio::awaitable<void> {
      std::string out;
      try {
        auto v = co_await c.Get(key);
        out = v ? std::to_string(*v) : "none";
      } catch (const std::exception& e) {
        out = e.what();
      }
      {
        std::lock_guard lock(mu);
        got[index] = out;
      }
      ++done;
    }, asio::detached);
  }
};

// A worker pool, a coalescer over a held backend and an I/O thread running the lookups; torn
// down in an order that cannot hang when a test fails half-way.
struct Harness {
  Backend backend;
  WorkerPool pool{4};
  Coalescer<int> c;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(io);
  std::thread io_thread;
  Lookups l;

  explicit Harness(std::size_t lanes)
      : c(pool, [this](const auto& keys) { return backend.Fetch(keys); }, lanes, 100), io_thread([this] { io.run(); }) {
    backend.held = true;
  }
  ~Harness() {
    backend.Release();
    pool.Stop();
    guard.reset();
    io.stop();
    io_thread.join();
  }
  void Start(int index, std::string key) { l.Start(io, c, index, std::move(key)); }
};

template <typename Pred>
bool WaitFor(Pred pred) {
  for (int i = 0; i < 500 && !pred(); ++i) std::this_thread::sleep_for(10ms);
  return pred();
}

TEST(Coalescer, LookupsArrivingWhileTheLaneIsBusyShareTheNextFetchAndEachGetsItsOwnAnswer) {
  Harness h(1);
  h.Start(0, "1");
  h.backend.WaitRunning(1);  // the first lookup did not wait for company: its fetch runs alone
  for (int i = 1; i <= 20; ++i) h.Start(i, std::to_string(i + 1));
  h.Start(21, "2");   // the same key twice
  h.Start(22, "x9");  // no such key
  ASSERT_TRUE(WaitFor([&] { return h.c.Waiting() == 22; }));
  h.backend.Release();
  ASSERT_TRUE(WaitFor([&] { return h.l.done == 23; }));

  std::lock_guard lock(h.backend.mu);
  ASSERT_EQ(h.backend.batches.size(), 2u);
  EXPECT_EQ(h.backend.batches[0], std::vector<std::string>{"1"});
  EXPECT_EQ(h.backend.batches[1].size(), 21u) << "20 keys and x9, the repeated key once";
  EXPECT_EQ(h.c.Fetches(), 2u);
  for (int i = 0; i <= 20; ++i) EXPECT_EQ(h.l.got[i], std::to_string(i + 1)) << i;
  EXPECT_EQ(h.l.got[21], "2");
  EXPECT_EQ(h.l.got[22], "none");
}

TEST(Coalescer, UpToLanesFetchesRunAtOnceAndAFailedFetchFailsOnlyItsOwnLookups) {
  Harness h(2);
  h.Start(0, "1");
  h.backend.WaitRunning(1);
  h.Start(1, "bad");
  h.backend.WaitRunning(2);  // a second lane: this lookup did not queue behind the first
  h.Start(2, "3");
  ASSERT_TRUE(WaitFor([&] { return h.c.Waiting() == 1; })) << "both lanes busy: the third waits";
  h.backend.Release();
  ASSERT_TRUE(WaitFor([&] { return h.l.done == 3; }));
  // After a failure the coalescer goes on: a later lookup is fetched afresh.
  h.Start(3, "4");
  ASSERT_TRUE(WaitFor([&] { return h.l.done == 4; }));

  std::lock_guard lock(h.backend.mu);
  EXPECT_EQ(h.backend.most_running, 2);
  EXPECT_EQ(h.l.got[0], "1");
  EXPECT_EQ(h.l.got[1], "database gone");
  EXPECT_EQ(h.l.got[2], "3");
  EXPECT_EQ(h.l.got[3], "4");
}

}  // namespace
}  // namespace motcua::http

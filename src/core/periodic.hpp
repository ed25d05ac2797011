// A background pass run every interval on its own thread (the deadline watcher, the payment
// re-query, the notification sender): never on an I/O thread, stopped and joined on destruction.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace motcua::core {

class PeriodicJob {
 public:
  /// Runs `pass` every `interval` (the first time after one interval) until destroyed. An
  /// exception from a pass is logged as "<name> failed" and the next pass runs as usual.
  PeriodicJob(std::string name, std::chrono::milliseconds interval, std::function<void()> pass);

  /// A draining job (a sender working through a queue): the first pass runs at once, and a
  /// pass that returns true (it left work due now, e.g. it took a full batch) is followed by
  /// the next without waiting. An exception counts as false.
  struct Draining {};
  PeriodicJob(std::string name, std::chrono::milliseconds interval, std::function<bool()> pass, Draining);
  ~PeriodicJob();
  PeriodicJob(const PeriodicJob&) = delete;
  PeriodicJob& operator=(const PeriodicJob&) = delete;

  /// The next pass runs now rather than at the end of the interval (at once after the running
  /// one, if a pass is running). Cheap enough to call from a hot path: a lock and a notify.
  void Wake();

 private:
  PeriodicJob(std::string name, std::chrono::milliseconds interval, std::function<bool()> pass, bool first_at_once);
  void Run();

  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<bool()> pass_;
  bool first_at_once_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
};

/// When a periodic job reads a gauge whose query costs in proportion to what it counts (a
/// backlog: the notification outbox's count takes about half a second at a million pending
/// messages). The job reads it after a pass when the time since the last read is at least
/// kCostFactor times what that read took, so that counting never takes more than a twentieth of
/// the job's time however large the backlog; and also after a pass that changed what it counts,
/// when one read per `interval` stays within that share, so that the gauge is exact when the job
/// has drained its queue and sleeps. A gauge is therefore at most max(interval, 20 × the read's
/// time) old. Used by one thread at a time (the job's).
class CostBoundedRead {
 public:
  static constexpr int kCostFactor = 20;
  explicit CostBoundedRead(std::chrono::milliseconds interval) : interval_(interval) {}
  /// Whether to read after a pass; `changed`: the pass changed what is counted.
  bool Due(bool changed) const { return Due(std::chrono::steady_clock::now() - read_at_, cost_, interval_, changed); }
  /// Runs `read` when Due(changed), timing it; a read that throws is due again next time.
  template <class Read>
  void ReadIfDue(bool changed, Read&& read) {
    if (!Due(changed)) return;
    auto started = std::chrono::steady_clock::now();
    read();
    read_at_ = std::chrono::steady_clock::now();
    cost_ = read_at_ - started;
  }
  /// The rule itself, for a given time since the last read and its cost.
  static bool Due(std::chrono::steady_clock::duration since_last, std::chrono::steady_clock::duration last_cost,
                  std::chrono::milliseconds interval, bool changed) {
    if (since_last >= last_cost * kCostFactor) return true;
    return changed && last_cost * kCostFactor <= interval;
  }

 private:
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point read_at_{};  // the first read is always due
  std::chrono::steady_clock::duration cost_{};
};

}  // namespace motcua::core

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
  std::thread thread_;
};

}  // namespace motcua::core

#include "core/periodic.hpp"

#include <exception>

#include "core/log.hpp"

namespace motcua::core {

PeriodicJob::PeriodicJob(std::string name, std::chrono::milliseconds interval, std::function<void()> pass)
    : PeriodicJob(std::move(name), interval, [pass = std::move(pass)] { return pass(), false; }, false) {}

PeriodicJob::PeriodicJob(std::string name, std::chrono::milliseconds interval, std::function<bool()> pass, Draining)
    : PeriodicJob(std::move(name), interval, std::move(pass), true) {}

PeriodicJob::PeriodicJob(std::string name, std::chrono::milliseconds interval, std::function<bool()> pass,
                         bool first_at_once)
    : name_(std::move(name)), interval_(interval), pass_(std::move(pass)), first_at_once_(first_at_once) {
  thread_ = std::thread([this] { Run(); });
}

void PeriodicJob::Run() {
  std::unique_lock lock(mu_);
  bool again = first_at_once_;
  for (;;) {
    if (!again) cv_.wait_for(lock, interval_, [this] { return stop_ || woken_; });
    if (stop_) break;
    woken_ = false;
    lock.unlock();
    again = false;
    try {
      again = pass_();
    } catch (const std::exception& e) {
      Log(LogLevel::kWarn, name_ + " failed", {{"error", std::string_view(e.what())}});
    }
    lock.lock();
  }
}

void PeriodicJob::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

PeriodicJob::~PeriodicJob() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace motcua::core

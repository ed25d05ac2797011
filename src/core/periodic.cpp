#include "core/periodic.hpp"

#include <exception>

#include "core/log.hpp"

namespace motcua::core {

PeriodicJob::PeriodicJob(std::string name, std::chrono::milliseconds interval, std::function<void()> pass)
    : name_(std::move(name)), interval_(interval), pass_(std::move(pass)) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
      lock.unlock();
      try {
        pass_();
      } catch (const std::exception& e) {
        Log(LogLevel::kWarn, name_ + " failed", {{"error", std::string_view(e.what())}});
      }
      lock.lock();
    }
  });
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

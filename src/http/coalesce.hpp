// Lookups by key that share their trips to the database under load.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "http/offload.hpp"

namespace motcua::http {

/// Fetches values by key on the worker pool, many keys per fetch. A lookup that finds fewer
/// than `lanes` fetches running starts one at once, for itself alone: no waiting when the
/// server is idle. Lookups that arrive while every lane is busy queue, and the next lane to
/// finish takes all of them (up to `max_batch`) in one fetch: under load, one worker job and
/// one query answer many requests. Every answer is read from the database after the lookup
/// arrived; nothing is cached. Thread-safe. Must outlive the pool's jobs (stop the pool first).
template <typename Value>
class Coalescer {
 public:
  /// Keys (distinct) → values found; a key that is absent from the answer is not found.
  using Found = std::unordered_map<std::string, Value>;
  using Fetch = std::function<Found(const std::vector<std::string>&)>;

  Coalescer(WorkerPool& pool, Fetch fetch, std::size_t lanes, std::size_t max_batch)
      : pool_(pool), fetch_(std::move(fetch)), lanes_(lanes < 1 ? 1 : lanes), max_batch_(max_batch < 1 ? 1 : max_batch) {}
  Coalescer(const Coalescer&) = delete;
  Coalescer& operator=(const Coalescer&) = delete;

  /// The value of `key`, or nullopt when there is none; rethrows what the fetch threw.
  boost::asio::awaitable<std::optional<Value>> Get(std::string key) {
    Outcome outcome = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(Outcome)>(
        [this](auto handler, std::string k) {
          boost::asio::any_io_executor home = boost::asio::get_associated_executor(handler);
          bool start = false;
          {
            std::lock_guard lock(mu_);
            queue_.push_back(Waiter{std::move(k), std::move(home), std::move(handler)});
            if (running_ < lanes_) {
              ++running_;
              start = true;
            }
          }
          if (start) Launch();
        },
        boost::asio::use_awaitable, std::move(key));
    if (outcome.error) std::rethrow_exception(outcome.error);
    co_return std::move(outcome.value);
  }

  /// Fetches started so far.
  std::size_t Fetches() const {
    std::lock_guard lock(mu_);
    return fetches_;
  }
  /// Lookups waiting for a lane now.
  std::size_t Waiting() const {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

 private:
  struct Outcome {
    std::exception_ptr error;
    std::optional<Value> value;
  };
  struct Waiter {
    std::string key;
    boost::asio::any_io_executor home;
    boost::asio::any_completion_handler<void(Outcome)> handler;
  };

  // One lane's job: the waiting lookups (up to max_batch) in one fetch. A lane that finds more
  // waiting when it is done goes round again as a new job, so that other work queued on the
  // pool in the meantime takes its turn.
  void Launch() {
    pool_.Post([this] {
      std::vector<Waiter> batch;
      {
        std::lock_guard lock(mu_);
        while (!queue_.empty() && batch.size() < max_batch_) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        if (!batch.empty()) ++fetches_;  // another lane may have taken this one's lookup
      }
      std::vector<std::string> keys;
      std::unordered_set<std::string> seen;
      for (const auto& w : batch) {
        if (seen.insert(w.key).second) keys.push_back(w.key);
      }
      Found found;
      std::exception_ptr error;
      try {
        if (!keys.empty()) found = fetch_(keys);
      } catch (...) {
        error = std::current_exception();
      }
      for (auto& w : batch) {
        Outcome o;
        o.error = error;
        if (!error) {
          auto it = found.find(w.key);
          if (it != found.end()) o.value = it->second;
        }
        boost::asio::post(w.home, [h = std::move(w.handler), o = std::move(o)]() mutable { std::move(h)(std::move(o)); });
      }
      bool again = false;
      {
        std::lock_guard lock(mu_);
        if (queue_.empty()) --running_;
        else again = true;
      }
      if (again) Launch();
    });
  }

  WorkerPool& pool_;
  Fetch fetch_;
  const std::size_t lanes_, max_batch_;
  mutable std::mutex mu_;
  std::deque<Waiter> queue_;
  std::size_t running_ = 0;  ///< lanes with a job queued or running
  std::size_t fetches_ = 0;
};

}  // namespace motcua::http

// Running blocking work (SQLite, libpq, Argon2id, PDF rendering) off the I/O threads.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <exception>
#include <optional>
#include <type_traits>

namespace motcua::http {

/// A fixed-size pool of threads for blocking work. Thread-safe.
class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads) : pool_(threads) {}
  ~WorkerPool() { Stop(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Finishes queued work and joins the threads. Idempotent.
  void Stop() {
    pool_.join();
  }
  /// Jobs queued or running now.
  std::size_t Pending() const { return pending_.load(std::memory_order_relaxed); }
  /// Queues `fn` (which must not throw) to run on a worker thread.
  template <typename F>
  void Post(F fn) {
    pending_.fetch_add(1, std::memory_order_relaxed);
    boost::asio::post(pool_, [this, fn = std::move(fn)]() mutable {
      fn();
      pending_.fetch_sub(1, std::memory_order_relaxed);
    });
  }

 private:
  boost::asio::thread_pool pool_;
  std::atomic<std::size_t> pending_{0};
};

namespace detail {

template <typename T>
struct OffloadOutcome {
  std::exception_ptr error;
  std::optional<T> value;
};

template <>
struct OffloadOutcome<void> {
  std::exception_ptr error;
};

}  // namespace detail

/// Runs `fn` on the worker pool and resumes the awaiting coroutine on its own executor with
/// the result (or rethrows what `fn` threw). `fn` must not touch I/O-thread state.
template <typename F>
auto Offload(WorkerPool& pool, F fn) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
  using T = std::invoke_result_t<F&>;
  using Outcome = detail::OffloadOutcome<T>;
  Outcome outcome = co_await boost::asio::async_initiate<
      const boost::asio::use_awaitable_t<>, void(Outcome)>(
      [&pool](auto handler, F work) {
        auto home = boost::asio::get_associated_executor(handler);
        pool.Post([handler = std::move(handler), home, work = std::move(work)]() mutable {
          Outcome result;
          try {
            if constexpr (std::is_void_v<T>) {
              work();
            } else {
              result.value.emplace(work());
            }
          } catch (...) {
            result.error = std::current_exception();
          }
          boost::asio::post(home, [handler = std::move(handler),
                                   result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      boost::asio::use_awaitable, std::move(fn));
  if (outcome.error) std::rethrow_exception(outcome.error);
  if constexpr (!std::is_void_v<T>) co_return std::move(*outcome.value);
}

}  // namespace motcua::http

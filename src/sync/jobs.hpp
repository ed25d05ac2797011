// The background work of synchronisation: the member's outbox relay (a periodic pass) and the
// portal's ingest (a thread on a durable pull consumer). Both survive NATS being down: they
// reconnect on their next round, and nothing is lost meanwhile (the outbox keeps the events;
// the stream keeps the messages until they are acknowledged).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/periodic.hpp"
#include "sync/nats.hpp"
#include "sync/service.hpp"

namespace motcua::sync {

/// Seconds from an instant as stored (`2026-11-22T05:30:00.123Z`) to now; 0 when empty,
/// unparsable or in the future (a member's clock ahead of ours).
double AgeSeconds(const std::string& utc);

/// Publishes the outbox every `interval` on its own thread until destroyed.
class Relay {
 public:
  Relay(Service& service, NatsOptions nats, std::chrono::milliseconds interval);
  ~Relay();
  /// Outbox rows not yet published, as of the last count: after each pass, unless counting a
  /// long backlog would then take more than a twentieth of the relay's time (see
  /// core::CostBoundedRead).
  std::int64_t Depth() const { return depth_.load(); }
  /// Seconds the oldest pending row had waited at the last count (0 when none).
  double OldestAgeSeconds() const { return oldest_age_.load(); }
  std::int64_t Published() const { return published_.load(); }
  bool Connected() const { return connected_.load(); }
  /// One pass now, on the caller's thread (tests, the re-sync command).
  RelayReport PassNow();

 private:
  RelayReport Pass();
  Service& service_;
  NatsOptions options_;
  std::string holder_;
  std::mutex mu_;  // one pass at a time
  std::unique_ptr<Nats> nats_;
  bool stream_ready_ = false;
  std::chrono::steady_clock::time_point last_complaint_{};
  core::CostBoundedRead depth_reads_;  // under mu_
  std::atomic<std::int64_t> depth_{0}, published_{0};
  std::atomic<double> oldest_age_{0};
  std::atomic<bool> connected_{false};
  std::unique_ptr<core::PeriodicJob> job_;  // last: stopped before the rest goes
};

/// The portal's ingest: fetches batches from the durable consumer, stores each in one
/// transaction, then acknowledges it (refused messages are terminated; a batch that could not
/// be stored is given back, to be redelivered after RetryDelay, except the part of it that could
/// be stored without the messages the database refuses: StoreInHalves). Runs until destroyed.
class IngestWorker {
 public:
  /// How long a worker waits after a failure, and when a batch it could not store comes back
  /// the first time.
  static constexpr std::chrono::milliseconds kRetryPause{500};
  /// When a message the worker could not store comes back: kRetryPause after its first
  /// delivery, doubling with each later one, never later than `cap` (the consumer's ack wait).
  static std::chrono::milliseconds RetryDelay(std::uint64_t delivered, std::chrono::milliseconds cap);
  /// `threads` consumers of the same durable, each with its own connection: one parses and
  /// fetches while another's transaction runs.
  /// `ack_for_test` (tests only): when it returns false, a stored batch is not acknowledged
  /// (a crash between the commit and the acknowledgement). `before_store_for_test` (tests
  /// only): called before each transaction that stores (part of) a batch.
  IngestWorker(Service& service, NatsOptions nats, int threads = 2, std::function<bool()> ack_for_test = {},
               std::function<void()> before_store_for_test = {});
  ~IngestWorker();
  std::int64_t Ingested() const { return ingested_.load(); }
  std::int64_t Refused() const { return refused_.load(); }
  /// Batches whose storing failed (a database error that was not one message's); what was not
  /// stored of each was given back to the stream.
  std::int64_t FailedBatches() const { return failed_.load(); }
  /// Deliveries the database refused on their own while some of the rest of their batch was stored
  /// (each was given back, to come again after RetryDelay): a message that breaks a constraint
  /// holds back only itself.
  std::int64_t Isolated() const { return isolated_.load(); }
  /// Messages in the stream the portal has not yet received / acknowledged (last look).
  std::int64_t ConsumerPending() const { return pending_.load(); }
  std::int64_t AckPending() const { return ack_pending_.load(); }
  /// Seconds for which messages have been awaiting acknowledgement while the consumer's ack floor
  /// (below which every message is acknowledged) did not move, by any node; 0 while the floor moves
  /// or nothing awaits. Growing past the ack wait: the portal is not storing what it is sent
  /// (its database fails, a message fails every time, or deliveries reach no one).
  double StalledSeconds() const { return stalled_.load(); }
  /// What each consumer thread is doing and for how long, e.g. `thread 0 fetching for 0.2 s;
  /// thread 1 storing for 0.0 s`: where events stopped when the portal falls behind.
  std::string Describe() const;

 private:
  enum class Phase { kConnecting, kFetching, kStoring, kAcknowledging, kLooking, kPausing };
  struct ThreadActivity {
    std::atomic<Phase> phase{Phase::kConnecting};
    std::atomic<std::chrono::steady_clock::rep> since{0};
    void Enter(Phase p) {
      since = std::chrono::steady_clock::now().time_since_epoch().count();
      phase = p;
    }
  };
  void Run(ThreadActivity& activity, bool first);
  Service& service_;
  NatsOptions options_;
  std::function<bool()> ack_for_test_;
  std::function<void()> before_store_for_test_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> ingested_{0}, refused_{0}, failed_{0}, isolated_{0}, pending_{0}, ack_pending_{0};
  std::atomic<double> stalled_{0};
  std::vector<std::unique_ptr<ThreadActivity>> activity_;  // one per thread, made before they start
  std::vector<std::thread> threads_;
};

}  // namespace motcua::sync

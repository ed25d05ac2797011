#include "sync/jobs.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <span>
#include <vector>

#include "core/log.hpp"
#include "core/periodic.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "db/database.hpp"

namespace motcua::sync {

namespace {

// Tells the server, every `every` while a batch is being stored, that the batch's messages are
// in progress: the server then restarts their ack wait instead of redelivering them (to this
// node's other thread or another node, which would store them again and, were that as slow, hand
// them on once more). A batch split to find a message the database refuses takes several
// transactions; one large batch on a slow disk may take a single transaction longer than the ack
// wait; either is covered.
class KeepInProgress {
 public:
  explicit KeepInProgress(std::chrono::milliseconds every)
      : job_("sync ingest: in progress", every, [this] {
          std::lock_guard lock(mu_);  // Release waits for a pass under way
          if (messages_ != nullptr) {
            for (auto& m : *messages_) m.InProgress();
          }
        }) {}
  void Watch(std::vector<InMessage>& messages) {
    std::lock_guard lock(mu_);
    messages_ = &messages;
  }
  /// Returns once the job no longer touches the messages, which may then be settled.
  void Release() {
    std::lock_guard lock(mu_);
    messages_ = nullptr;
  }

 private:
  std::mutex mu_;
  std::vector<InMessage>* messages_ = nullptr;
  core::PeriodicJob job_;  // last: stopped before the rest goes
};

// Releases the batch on every way out of its scope (declared after the messages, so before
// they go).
struct Watching {
  KeepInProgress& keeper;
  ~Watching() { keeper.Release(); }
};

}  // namespace

double AgeSeconds(const std::string& utc) {
  if (utc.size() < 19) return 0;
  std::tm tm{};
  if (std::sscanf(utc.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  auto t = std::chrono::system_clock::from_time_t(timegm(&tm));
  double age = std::chrono::duration<double>(std::chrono::system_clock::now() - t).count();
  return age > 0 ? age : 0;  // a member clock ahead of ours is not negative lag
}

Relay::Relay(Service& service, NatsOptions nats, std::chrono::milliseconds interval)
    : service_(service), options_(std::move(nats)), holder_(core::Uuid::NewV7().ToString()), depth_reads_(interval) {
  job_ = std::make_unique<core::PeriodicJob>("sync relay", interval, [this] { Pass(); });
}

Relay::~Relay() { job_.reset(); }

RelayReport Relay::PassNow() { return Pass(); }

RelayReport Relay::Pass() {
  std::lock_guard lock(mu_);
  RelayReport report;
  auto complain = [this](std::string_view what, const std::string& why) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_complaint_ < std::chrono::seconds(60)) return;
    last_complaint_ = now;
    core::Log(core::LogLevel::kWarn, what, {{"error", std::string_view(why)}});
  };
  if (!nats_) {
    auto n = Nats::Connect(options_);
    if (!n) {
      complain("sync relay: NATS unreachable; events wait in the outbox", n.error().message);
    } else {
      nats_ = std::move(*n);
    }
  }
  if (nats_ && !stream_ready_) {
    auto made = nats_->EnsureStream(service_.settings().stream);
    if (made) {
      stream_ready_ = true;
    } else {
      complain("sync relay: stream not ready", made.error().message);
    }
  }
  connected_ = nats_ && nats_->Connected();
  if (nats_ && stream_ready_) {
    report = service_.RelayOnce(*nats_, holder_);
    published_ += static_cast<std::int64_t>(report.published);
    if (report.failed > 0) complain("sync relay: publishing failed; will retry", std::to_string(report.failed) + " events not acknowledged");
  }
  // The count grows with a backlog (NATS down for days): see core::CostBoundedRead.
  depth_reads_.ReadIfDue(report.published > 0, [this] {
    auto [depth, oldest] = service_.OutboxDepth();
    depth_ = depth;
    oldest_age_ = AgeSeconds(oldest);
  });
  return report;
}

IngestWorker::IngestWorker(Service& service, NatsOptions nats, int threads, std::function<bool()> ack_for_test,
                           std::function<void()> before_store_for_test)
    : service_(service), options_(std::move(nats)), ack_for_test_(std::move(ack_for_test)),
      before_store_for_test_(std::move(before_store_for_test)) {
  for (int i = 0; i < std::max(threads, 1); ++i) activity_.push_back(std::make_unique<ThreadActivity>());
  for (std::size_t i = 0; i < activity_.size(); ++i) {
    activity_[i]->Enter(Phase::kConnecting);
    threads_.emplace_back([this, i] { Run(*activity_[i], i == 0); });
  }
}

IngestWorker::~IngestWorker() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

std::chrono::milliseconds IngestWorker::RetryDelay(std::uint64_t delivered, std::chrono::milliseconds cap) {
  auto delay = kRetryPause * (std::int64_t{1} << std::min<std::uint64_t>(delivered > 0 ? delivered - 1 : 0, 10));
  return std::min(delay, std::max(cap, kRetryPause));
}

std::string IngestWorker::Describe() const {
  static constexpr const char* kNames[] = {"connecting", "fetching", "storing", "acknowledging", "looking at the stream", "pausing"};
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  std::string out;
  for (std::size_t i = 0; i < activity_.size(); ++i) {
    const auto& a = *activity_[i];
    auto since = std::chrono::steady_clock::duration(a.since.load());
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", std::chrono::duration<double>(now - since).count());
    if (!out.empty()) out += "; ";
    out += "thread " + std::to_string(i) + " " + kNames[static_cast<int>(a.phase.load())] + " for " + seconds + " s";
  }
  return out;
}

void IngestWorker::Run(ThreadActivity& activity, bool first) {
  const auto& s = service_.settings();
  std::unique_ptr<Nats> nats;
  std::unique_ptr<PullConsumer> consumer;
  auto last_look = std::chrono::steady_clock::time_point{};
  std::uint64_t floor = 0;  // the consumer's ack floor at the last look, and since when
  auto floor_since = std::chrono::steady_clock::now();
  bool complained_stall = false;
  auto last_complaint = std::chrono::steady_clock::time_point{};
  auto last_isolation_log = std::chrono::steady_clock::time_point{};
  auto pause = [this](std::chrono::milliseconds d) {
    for (auto until = std::chrono::steady_clock::now() + d; !stop_ && std::chrono::steady_clock::now() < until;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  KeepInProgress keeper(std::max(std::chrono::duration_cast<std::chrono::milliseconds>(s.ack_wait) / 3, std::chrono::milliseconds(100)));
  while (!stop_) {
    try {
      if (!consumer) {
        activity.Enter(Phase::kConnecting);
        nats.reset();  // the connection of a consumer that failed
        auto n = Nats::Connect(options_);
        if (!n) throw std::runtime_error(n.error().message);
        if (auto made = (*n)->EnsureStream(s.stream); !made) throw std::runtime_error(made.error().message);
        std::string filter = std::string(kSubjectPrefix) + ">";
        auto c = (*n)->Pull(s.stream.name, s.durable, filter, static_cast<std::int64_t>(s.ingest_batch) * 4, s.ack_wait);
        if (!c) throw std::runtime_error(c.error().message);
        nats = std::move(*n);
        consumer = std::move(*c);
        core::Log(core::LogLevel::kInfo, "sync ingest consuming", {{"stream", std::string_view(s.stream.name)}});
      }
      activity.Enter(Phase::kFetching);
      auto messages = consumer->Fetch(static_cast<int>(s.ingest_batch), std::chrono::milliseconds(500));
      Watching watching{keeper};
      if (!messages.empty()) {
        keeper.Watch(messages);
        std::vector<Incoming> batch;
        batch.reserve(messages.size());
        for (auto& m : messages) batch.push_back({MemberOfSubject(m.Subject()), m.Data(), false, {}, m.StreamSeq()});
        activity.Enter(Phase::kStoring);
        // What was stored is acknowledged (or, refused as malformed or forged, terminated); the
        // rest is given back, to come again once the pause below is over rather than after the
        // ack wait (30 s by default), and later with each failed delivery, up to the ack wait
        // (a database that stays down is not hammered).
        std::vector<char> stored(messages.size(), 0);
        auto settle = [&] {
          keeper.Release();
          activity.Enter(Phase::kAcknowledging);
          bool acknowledge = !ack_for_test_ || ack_for_test_();
          for (std::size_t i = 0; i < messages.size(); ++i) {
            if (!stored[i]) {
              messages[i].Nak(RetryDelay(messages[i].Delivered(), s.ack_wait));
              continue;
            }
            if (!acknowledge) continue;
            if (batch[i].accepted) {
              messages[i].Ack();
              ++ingested_;
            } else {
              messages[i].Term();
              ++refused_;
            }
          }
        };
        // A message the database refuses on its own holds back only itself (StoreInHalves).
        std::string refused_alone;
        try {
          StoreInHalves(
              [&](std::size_t from, std::size_t to) {
                if (before_store_for_test_) before_store_for_test_();
                service_.Ingest(std::span(batch).subspan(from, to - from));
              },
              stored, refused_alone);
        } catch (...) {
          ++failed_;
          settle();
          throw;
        }
        settle();
        auto kept = std::count(stored.begin(), stored.end(), 0);
        if (kept == static_cast<std::ptrdiff_t>(messages.size())) {
          // Each refused on its own, nothing stored: the database's failure, as above.
          ++failed_;
          throw db::DbError(db::DbError::Kind::kGeneric, refused_alone);
        }
        if (kept > 0) {
          // Messages the database refused on their own, every other one of the batch stored.
          isolated_ += kept;
          auto held = static_cast<std::size_t>(std::find(stored.begin(), stored.end(), 0) - stored.begin());
          auto now = std::chrono::steady_clock::now();
          if (now - last_isolation_log > std::chrono::seconds(10)) {
            last_isolation_log = now;
            core::Log(core::LogLevel::kWarn, "sync ingest: messages the database refuses were given back; the rest of their batch was stored",
                      {{"given_back", static_cast<std::int64_t>(kept)},
                       {"stored", static_cast<std::int64_t>(messages.size()) - kept},
                       {"member", std::string_view(batch[held].member)},
                       {"stream_seq", static_cast<std::int64_t>(batch[held].stream_seq)},
                       {"deliveries", static_cast<std::int64_t>(messages[held].Delivered())},
                       {"error", std::string_view(refused_alone)}});
          }
        }
      }
      if (first && std::chrono::steady_clock::now() - last_look > std::chrono::seconds(2)) {
        last_look = std::chrono::steady_clock::now();
        activity.Enter(Phase::kLooking);
        if (auto st = consumer->State()) {
          pending_ = static_cast<std::int64_t>(st->pending);
          ack_pending_ = st->ack_pending;
          // Since when nothing was acknowledged while something awaited it.
          if (st->ack_pending == 0 || st->ack_floor != floor) {
            floor = st->ack_floor;
            floor_since = last_look;
            complained_stall = false;
          }
          stalled_ = st->ack_pending == 0 ? 0.0 : std::chrono::duration<double>(last_look - floor_since).count();
          if (!complained_stall && last_look - floor_since > 2 * s.ack_wait) {
            complained_stall = true;
            core::Log(core::LogLevel::kWarn, "sync ingest: the ack floor has not moved while messages await acknowledgement",
                      {{"awaiting", st->ack_pending},
                       {"seconds", static_cast<std::int64_t>(stalled_.load())},
                       {"threads", std::string_view(Describe())}});
          }
        }
        service_.RefreshLag();
        // Per member: the stream's last sequence on its subject against the last one taken.
        service_.RefreshStreamLag(*nats);
      }
    } catch (const std::exception& e) {
      auto now = std::chrono::steady_clock::now();
      if (now - last_complaint > std::chrono::seconds(60)) {
        last_complaint = now;
        core::Log(core::LogLevel::kWarn, "sync ingest: will retry", {{"error", std::string_view(e.what())}});
      }
      // After a database failure (its batch given back above) the consumer goes on; a NATS
      // failure rebuilds it.
      activity.Enter(Phase::kPausing);
      if (dynamic_cast<const db::DbError*>(&e) == nullptr) consumer.reset();
      pause(kRetryPause);
    }
  }
  consumer.reset();
  nats.reset();
}

}  // namespace motcua::sync

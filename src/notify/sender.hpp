// The notification sender: a background job that delivers due outbox messages on their
// channels, with per-message leases (several processes or nodes may run it at once and none
// sends a message another is sending), exponential back-off with jitter, a dead letter after
// `max_attempts`, a per-recipient hourly limit, and a log of every attempt. At-least-once: a
// crash between the server's acceptance and the database update sends the message again, with
// the same Message-ID / gateway id.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/periodic.hpp"
#include "db/database.hpp"
#include "notify/channels.hpp"
#include "notify/delivery.hpp"
#include "notify/templates.hpp"

namespace motcua::notify {

struct SenderOptions {
  SmtpOptions smtp;  ///< e-mail is off while smtp.host is empty: e-mails wait, pending
  SmsOptions sms;    ///< SMS is off while sms.url is empty: SMS wait, pending
  int max_attempts = 8;
  Backoff backoff;
  std::int64_t rate_limit_per_hour = 20;  ///< per recipient and channel; 0 = no limit
  std::chrono::seconds lease{120};        ///< a claimed message is retaken after this long
  std::size_t batch = 100;
  std::chrono::milliseconds poll{2000};
  /// Base URL for links in messages (`{{link}}` of dossier events).
  std::function<std::string()> public_url;
};

/// The outbox as the sender last saw it (the `/metrics` gauges): e-mails and SMS waiting, how
/// long the oldest of them has waited, and those given up on.
struct OutboxStats {
  std::int64_t pending = 0;
  double oldest_pending_seconds = 0;  ///< 0 when nothing waits
  std::int64_t dead = 0, failed = 0;
};

/// Reads the stats (one indexed query).
OutboxStats ReadOutboxStats(db::Connection& c, std::chrono::system_clock::time_point now);

/// Counts of one pass.
struct SendReport {
  std::size_t sent = 0, retried = 0, failed = 0, dead = 0, deferred = 0;
  std::size_t Total() const { return sent + retried + failed + dead + deferred; }
};

class Sender {
 public:
  Sender(db::Database& db, SenderOptions options);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  /// One pass over the messages due at `now` (at most `batch`). Safe to call from several
  /// threads or processes at once. Never throws for a message's trouble; database trouble
  /// throws db::DbError (claimed messages are then retaken when their lease ends).
  SendReport RunOnce(std::chrono::system_clock::time_point now);

  /// Runs passes on its own thread every `poll` (at once again after a full batch) until
  /// destruction; after a pass the outbox stats are read again unless counting a large backlog
  /// would then take more than a twentieth of the thread's time (see core::CostBoundedRead):
  /// a million messages waiting, it is read about every ten seconds.
  void Start();

  const SenderOptions& options() const { return options_; }

  /// The stats of the last pass of Start()'s thread (zeros before the first).
  OutboxStats Stats() const;

 private:
  struct Message;
  Outcome Deliver(const Message& m, const std::map<std::string, Template>& overrides, std::string& rendered_to);
  void Record(db::Connection& c, const Message& m, const Outcome& outcome, std::chrono::system_clock::time_point now, SendReport& report);

  db::Database& db_;
  SenderOptions options_;
  std::unique_ptr<SmtpSession> smtp_;
  std::atomic<std::int64_t> pending_{0}, dead_{0}, failed_{0};
  std::atomic<double> oldest_pending_seconds_{0};
  core::CostBoundedRead stats_reads_;  ///< Start()'s thread only
  std::unique_ptr<core::PeriodicJob> job_;  ///< last: stopped first
};

/// The values a message's templates are rendered with: the event's declared fields (empty
/// when absent), the payload's fields, and `link` when the payload names a dossier.
std::map<std::string, std::string> TemplateValues(std::string_view event, std::string_view payload_json,
                                                  std::string_view public_url);

}  // namespace motcua::notify

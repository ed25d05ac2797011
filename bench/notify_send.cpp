// Notifications delivered per second to a local SMTP sink (tests/integration/smtp_sink.py,
// started by scripts/bench):
//
//   motcua_bench_notify outbox <db url> <messages> <smtp port> <senders>
//       queues <messages> e-mails in the outbox (one transaction), then <senders> senders (threads,
//       each with its own SMTP connection, claiming messages by lease as separate nodes would)
//       deliver them; prints messages=, seconds=, per_second=.
//   motcua_bench_notify smtp <messages> <smtp port>
//       the floor: the same messages sent over one SMTP connection with no database at all.
//   motcua_bench_notify backlog <db url> <messages> <waiting> <smtp port>
//       a backlog: <waiting> SMS queued while SMS is off (its gateway down) and <messages>
//       e-mails behind them; the running sender (Sender::Start, as `motcua serve` runs it, with
//       its outbox gauges) delivers the e-mails; prints the same figures.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "core/uuid.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "notify/channels.hpp"
#include "notify/sender.hpp"

namespace {

using namespace motcua;
using Clock = std::chrono::steady_clock;

notify::SmtpOptions Smtp(int port) {
  notify::SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = static_cast<std::uint16_t>(port);
  o.starttls = false;
  o.from = "no-reply@bench.invalid";
  return o;
}

std::unique_ptr<db::Database> OpenDb(const std::string& url, int connections) {
  auto db = db::Database::Open(url, {.size = static_cast<std::size_t>(connections)});
  if (auto m = db::Migrate(*db, db::MigrationsFor(db->GetEngine(), db::EmbeddedMigrations())); !m) {
    std::fprintf(stderr, "migration failed: %s\n", m.error().message.c_str());
    return nullptr;
  }
  return db;
}

// Queues `messages` on `channel` in one transaction, `created_at` the same for all.
void Queue(db::Database& db, const std::string& channel, int messages) {
  auto c = db.Acquire();
  db::Transaction tx(*c);
  std::string now = core::NowUtc();
  for (int i = 0; i < messages; ++i) {
    std::string to = channel == "sms" ? "09" + std::to_string(10000000 + i) : "c" + std::to_string(i) + "@bench.invalid";
    c->Execute({"bench_queue",
                "INSERT INTO notification_outbox (id, event, channel, recipient, language, payload, created_at) "
                "VALUES ($1, 'dossier.submitted', $2, $3, 'vi', $4, $5)"},
               {core::Uuid::NewV7().ToString(), channel, to,
                "{\"code\":\"000.00.02.H99-261204-" + std::to_string(i) + "\",\"procedure\":\"Cấp Phiếu lý lịch tư pháp\","
                "\"full_name\":\"Nguyễn Văn An\"}",
                now});
  }
  tx.Commit();
}

notify::SenderOptions Options(int port) {
  notify::SenderOptions options;
  options.smtp = Smtp(port);
  options.rate_limit_per_hour = 0;
  options.batch = 200;
  options.public_url = [] { return std::string("https://dvc.bench.invalid"); };
  return options;
}

int Outbox(const std::string& url, int messages, int port, int senders) {
  auto db = OpenDb(url, senders + 2);
  if (!db) return 1;
  Queue(*db, "email", messages);
  auto options = Options(port);
  std::atomic<std::size_t> sent{0}, failed{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int s = 0; s < senders; ++s) {
    threads.emplace_back([&] {
      notify::Sender sender(*db, options);
      for (;;) {
        auto r = sender.RunOnce(std::chrono::system_clock::now());
        sent += r.sent;
        failed += r.failed + r.dead + r.retried;
        if (r.Total() == 0) break;
      }
    });
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("messages=%zu failed=%zu senders=%d seconds=%.3f per_second=%.0f\n", sent.load(), failed.load(), senders,
              seconds, static_cast<double>(sent.load()) / seconds);
  return failed.load() == 0 && sent.load() == static_cast<std::size_t>(messages) ? 0 : 1;
}

int Backlog(const std::string& url, int messages, int waiting, int port) {
  auto db = OpenDb(url, 3);
  if (!db) return 1;
  Queue(*db, "sms", waiting);
  Queue(*db, "email", messages);
  auto options = Options(port);  // SMS off: no gateway configured
  auto start = Clock::now();
  notify::Sender sender(*db, options);
  sender.Start();
  // Done when no e-mail is pending (through the sender's own index of pending messages).
  auto c = db->Acquire();
  while (Clock::now() - start < std::chrono::minutes(10)) {
    if (c->Execute({"bench_email_pending",
                    "SELECT 1 FROM notification_outbox WHERE status = 'pending' AND channel = 'email' LIMIT 1"}).Empty()) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  auto sent = c->Execute({"bench_count_sent", "SELECT COUNT(*) FROM notification_outbox WHERE status = 'sent'"}).Int(0, 0);
  std::printf("messages=%lld waiting=%d seconds=%.3f per_second=%.0f\n", static_cast<long long>(sent), waiting, seconds,
              static_cast<double>(sent) / seconds);
  return sent == messages ? 0 : 1;
}

int Raw(int messages, int port) {
  notify::SmtpSession session(Smtp(port));
  auto start = Clock::now();
  int sent = 0;
  for (int i = 0; i < messages; ++i) {
    notify::MailMessage m;
    m.id = core::Uuid::NewV7().ToString();
    m.to = "c" + std::to_string(i) + "@bench.invalid";
    m.subject = "Hồ sơ 000.00.02.H99-261204-" + std::to_string(i) + " đã được nộp";
    m.body = "Kính gửi Nguyễn Văn An,\n\nHồ sơ đã được nộp và đang chờ cán bộ tiếp nhận kiểm tra.\n";
    sent += session.Send(m).kind == notify::Outcome::Kind::kSent;
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("messages=%d seconds=%.3f per_second=%.0f\n", sent, seconds, sent / seconds);
  return sent == messages ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 5 && a[0] == "outbox") return Outbox(a[1], std::stoi(a[2]), std::stoi(a[3]), std::stoi(a[4]));
  if (a.size() == 3 && a[0] == "smtp") return Raw(std::stoi(a[1]), std::stoi(a[2]));
  if (a.size() == 5 && a[0] == "backlog") return Backlog(a[1], std::stoi(a[2]), std::stoi(a[3]), std::stoi(a[4]));
  std::fprintf(stderr, "usage: motcua_bench_notify outbox <db url> <messages> <smtp port> <senders>\n"
                       "       motcua_bench_notify smtp <messages> <smtp port>\n"
                       "       motcua_bench_notify backlog <db url> <messages> <waiting> <smtp port>\n");
  return 2;
}

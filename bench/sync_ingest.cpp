// The national portal's ingest rate, and the load generator behind it (started by scripts/bench
// with a `nats-server -js`):
//
//   motcua_bench_sync <db url> <nats url> <events> [batch] [ingest threads]
//
// 1. load: 85 members (63 provinces H01–H63, 22 ministries G01–G22) publish <events> dossier
//    events (four per dossier: submitted, received, in process, result ready) to the sync
//    stream through the relay's publisher (async, Nats-Msg-Id, bounded in flight);
// 2. baseline: a bare durable pull consumer fetches and acknowledges them all (no database);
// 3. ingest: the portal's ingest worker (sync::IngestWorker: parse, check, batch upsert of
//    DongBoHoSoMC and CapNhatTienDoHoSoMC in one transaction per batch, then ack) stores them;
// then checks the national view holds every event once. Prints key=value figures.
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "core/uuid.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "sync/jobs.hpp"
#include "sync/nats.hpp"
#include "sync/record.hpp"
#include "sync/service.hpp"

namespace {

using namespace motcua;
using Clock = std::chrono::steady_clock;

std::vector<std::string> Members() {
  std::vector<std::string> out;
  char buf[8];
  for (int i = 1; i <= 63; ++i) {
    std::snprintf(buf, sizeof buf, "H%02d", i);
    out.emplace_back(buf);
  }
  for (int i = 1; i <= 22; ++i) {
    std::snprintf(buf, sizeof buf, "G%02d", i);
    out.emplace_back(buf);
  }
  return out;
}

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// Drains `durable` (created fresh) with `handle` per batch; returns the seconds it took.
template <typename F>
double Drain(sync::Nats& nats, const std::string& durable, std::int64_t events, int batch, F handle) {
  auto consumer = nats.Pull("MOTCUA_SYNC", durable, std::string(sync::kSubjectPrefix) + ">", batch * 4, std::chrono::seconds(60));
  if (!consumer) throw std::runtime_error(consumer.error().message);
  std::int64_t seen = 0;
  auto start = Clock::now();
  while (seen < events) {
    auto messages = (*consumer)->Fetch(batch, std::chrono::milliseconds(2000));
    if (messages.empty()) throw std::runtime_error("the stream ran dry at " + std::to_string(seen) + " events");
    handle(messages);
    for (auto& m : messages) m.Ack();
    seen += static_cast<std::int64_t>(messages.size());
  }
  return Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: motcua_bench_sync <db url> <nats url> <events> [batch] [ingest threads]\n");
    return 2;
  }
  std::string url = argv[1], nats_url = argv[2];
  std::int64_t events = std::stoll(argv[3]);
  int batch = argc > 4 ? std::stoi(argv[4]) : 1000;
  int threads = argc > 5 ? std::stoi(argv[5]) : 2;
  try {
    auto db = db::Database::Open(url, {.size = 4});
    if (auto m = db::Migrate(*db, db::MigrationsFor(db->GetEngine(), db::EmbeddedMigrations())); !m) {
      std::fprintf(stderr, "migration failed: %s\n", m.error().message.c_str());
      return 1;
    }
    auto nats = sync::Nats::Connect({.servers = {nats_url}, .name = "motcua bench", .max_in_flight = 4096});
    if (!nats) throw std::runtime_error(nats.error().message);
    sync::StreamOptions stream;
    if (auto made = (*nats)->EnsureStream(stream); !made) throw std::runtime_error(made.error().message);

    // 1. The load: events interleaved across members as they would arrive.
    auto members = Members();
    const char* procedures[] = {"1.001234", "1.005129", "2.000123", "2.913001", "3.000056"};
    std::vector<sync::OutMessage> all;
    all.reserve(static_cast<std::size_t>(events));
    std::string run = core::Uuid::NewV7().ToString().substr(0, 8);
    for (std::int64_t i = 0; static_cast<std::int64_t>(all.size()) < events; ++i) {
      // Members take turns; each member's dossiers go through their four steps in order.
      std::int64_t n = static_cast<std::int64_t>(members.size());
      const auto& member = members[static_cast<std::size_t>(i % n)];
      std::int64_t dossier = (i / (n * 4)) * n + i % n;
      int step = static_cast<int>((i / n) % 4);
      static const int kStatus[] = {1, 2, 4, 9};
      sync::DossierFacts f;
      char code[64];
      std::snprintf(code, sizeof code, "000.00.%02d.%s-261204-%07lld", static_cast<int>(dossier % 90), member.c_str(),
                    static_cast<long long>(dossier));
      f.code = code;
      f.procedure_code = procedures[dossier % 5];
      f.procedure_name = "Thủ tục hành chính mẫu";
      f.channel = dossier % 3 == 0 ? "in_person" : "online";
      f.applicant_name = "Nguyễn Văn An";
      f.applicant_id_number = "0010850" + std::to_string(10000 + dossier % 90000);
      f.summary = "Hồ sơ mẫu tải thử";
      f.status = kStatus[step];
      f.submitted_at = "2026-12-04T01:00:00.000Z";
      f.received_at = step >= 1 ? "2026-12-04T02:00:00.000Z" : "";
      f.due_at = "2026-12-10T10:00:00.000Z";
      f.handling_agency_name = "Sở Tư pháp";
      f.seq = step + 1;
      f.event_at = "2026-12-04T0" + std::to_string(step + 1) + ":00:00.000Z";
      f.action = "step";
      f.actor_name = "Lê Thị Thu";
      f.actor_role = "receiver";
      f.event_status = f.status;
      std::string id = member + ":" + run + ":" + std::to_string(dossier) + ":" + std::to_string(step + 1);
      all.push_back({sync::SubjectFor(member), id, boost::json::serialize(sync::EventMessage(member, id, f))});
    }
    auto start = Clock::now();
    const std::size_t chunk = 20000;
    for (std::size_t at = 0; at < all.size(); at += chunk) {
      std::span<const sync::OutMessage> part(all.data() + at, std::min(chunk, all.size() - at));
      auto stored = (*nats)->Publish(part, std::chrono::milliseconds(30000));
      for (bool s : stored) {
        if (!s) throw std::runtime_error("a publish was not acknowledged");
      }
    }
    double publish_s = Seconds(start);

    // 2. The floor: fetch + ack, no database.
    std::string suffix = run;
    std::size_t bytes = 0;
    double raw_s = Drain(**nats, "bench-raw-" + suffix, events, batch, [&](std::vector<sync::InMessage>& ms) {
      for (auto& m : ms) bytes += m.Data().size();
    });

    // 3. The portal's ingest: the product's worker (two consumer threads on one durable).
    sync::Settings settings;
    settings.portal = true;
    settings.durable = "bench-portal-" + suffix;
    settings.ingest_batch = static_cast<std::size_t>(batch);
    settings.ack_wait = std::chrono::seconds(60);
    sync::Service portal(*db, settings);
    auto ingest_start = Clock::now();
    double ingest_s = 0;
    {
      sync::IngestWorker worker(portal, {.servers = {nats_url}, .name = "motcua bench ingest"}, threads);
      while (worker.Ingested() + worker.Refused() < events) {
        if (Seconds(ingest_start) > 600) throw std::runtime_error("ingest stalled at " + std::to_string(worker.Ingested()));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      ingest_s = Seconds(ingest_start);
      if (worker.Refused() > 0) throw std::runtime_error(std::to_string(worker.Refused()) + " events refused");
    }
    auto c = db->Acquire();
    auto progress = c->Execute({"bench_sync_progress", "SELECT COUNT(*) FROM national_progress WHERE event_key LIKE 'seq:%'"}).Int(0, 0);
    auto dossiers = c->Execute({"bench_sync_dossiers", "SELECT COUNT(*) FROM national_dossiers"}).Int(0, 0);
    std::printf("events=%lld members=%zu batch=%d threads=%d avg_bytes=%zu publish_per_s=%.0f raw_per_s=%.0f ingest_per_s=%.0f ratio=%.2f "
                "dossiers=%lld progress=%lld\n",
                static_cast<long long>(events), members.size(), batch, threads, bytes / static_cast<std::size_t>(events),
                static_cast<double>(events) / publish_s, static_cast<double>(events) / raw_s, static_cast<double>(events) / ingest_s,
                raw_s / ingest_s, static_cast<long long>(dossiers), static_cast<long long>(progress));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench failed: %s\n", e.what());
    return 1;
  }
}

// Payment-platform callbacks processed per second, with signature checks, for scripts/bench.
//
//   motcua_bench_payment <db url> <callbacks> <client threads>
//     Builds a motcua deployment in this process on an empty database (demo data, payments
//     configured), takes one online dossier to "waiting for payment" (status 6) through the API
//     and copies it into 500 dossiers, adds <callbacks> pending transactions (one payment request
//     each, spread over the dossiers as partial payments: each dossier keeps one more request
//     open, so none moves on), then posts one signed confirmation per transaction to
//     POST /api/v1/payments/callback from <client threads> keep-alive connections. The server
//     verifies each MaXacThuc (SHA-256, constant-time compare), checks partner, amount, currency
//     and reference, settles the transaction, closes its request, appends the ledger row and
//     issues the two e-receipt records (phí, lệ phí; numbered per agency) in one transaction. Prints `callbacks=N per_second=… p50_ms=… p99_ms=… settled=N`.
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/wiring.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "payment/protocol.hpp"
#include "payment/store.hpp"
#include "support/http_client.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace json = boost::json;
using namespace motcua;
using testing::Connection;
using testing::Fetch;
using testing::HttpResponse;
using testing::RequestText;

constexpr const char* kPartner = "MOTCUA-BENCH";
constexpr const char* kSecret = "bench-secret";
constexpr int kDossiers = 500;  // the dossiers the callbacks are spread over

struct Session {
  std::uint16_t port;
  std::string cookie, csrf;
  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body, std::string type = "application/json") const {
    return Fetch(port, method, target, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", type}}, body);
  }
};

Session SignIn(std::uint16_t port, const std::string& login) {
  auto r = Fetch(port, "POST", "/api/v1/session", {{"Content-Type", "application/json"}}, R"({"login":")" + login + R"(","password":"Demo@2026"})");
  if (r.status != 200) throw std::runtime_error("sign-in " + login + ": " + r.body);
  std::string set = r.Header("Set-Cookie").value_or("");
  return {port, set.substr(0, set.find(';')), std::string(json::parse(r.body).at("csrf_token").as_string())};
}

void Expect(const HttpResponse& r, int status, const char* what) {
  if (r.status != status) throw std::runtime_error(std::string(what) + ": " + std::to_string(r.status) + " " + r.body);
}

// An online dossier of 2.913001 at status 6 (waiting for payment); its code.
std::string DossierWaitingForPayment(std::uint16_t port) {
  Session citizen = SignIn(port, "citizen.demo");
  auto up = citizen.Call("POST", "/api/v1/attachments?name=to-khai.pdf", "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf");
  Expect(up, 201, "upload");
  json::object person{{"ho_ten", "Nguyễn Văn An"}, {"gioi_tinh", "male"}, {"ngay_sinh", "1985-03-02"}, {"noi_sinh", "Hà Nội"},
                      {"quoc_tich", "Việt Nam"}, {"dan_toc", "Kinh"}, {"so_dinh_danh", "001085012345"},
                      {"noi_thuong_tru", "Số 1 phố Tràng Tiền, Hà Nội"}};
  json::object form{{"nguoi_duoc_cap_phieu", person},
                    {"qua_trinh_cu_tru", json::array{json::object{{"tu_ngay", "1999-03-02"}, {"den_ngay", "2026-11-30"}, {"noi_cu_tru", "Hà Nội"}}}},
                    {"loai_phieu", 1}, {"so_luong_phieu", 1}, {"muc_dich", "Xin việc"}, {"hinh_thuc_nhan", "truc_tiep"}};
  json::object body{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "online"}, {"form", form}, {"summary", "bench"},
                    {"documents", json::array{json::object{{"code", "GT.2913001.1.01"}, {"attachment_ids", json::array{json::parse(up.body).at("id")}}}}}};
  auto sub = citizen.Call("POST", "/api/v1/dossiers", json::serialize(body));
  Expect(sub, 201, "submit");
  std::string code(json::parse(sub.body).at("code").as_string());
  Expect(SignIn(port, "receiver.demo").Call("POST", "/api/v1/dossiers/" + code + "/actions/accept", "{}"), 200, "accept");
  Session leader = SignIn(port, "leader.demo");
  auto officers = leader.Call("GET", "/api/v1/agencies/000.00.02.H99/officers?role=specialist", "");
  json::object assign{{"assignee_id", json::parse(officers.body).at("items").at(0).at("id")}};
  Expect(leader.Call("POST", "/api/v1/dossiers/" + code + "/actions/assign", json::serialize(assign)), 200, "assign");
  Expect(SignIn(port, "specialist.demo").Call("POST", "/api/v1/dossiers/" + code + "/actions/request_payment",
                                              R"({"amount":200000,"reason":"Lệ phí"})"), 200, "request_payment");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: motcua_bench_payment <db url> <callbacks> <client threads>\n");
    return 2;
  }
  std::string url = argv[1];
  int count = std::stoi(argv[2]), threads = std::stoi(argv[3]);
  auto tmp = std::filesystem::temp_directory_path() / ("motcua-bench-pay-" + core::Uuid::NewV7().ToString());
  config::Config cfg;
  cfg.db = url;
  cfg.demo = true;
  cfg.listen_port = 0;
  cfg.io_threads = 2;
  cfg.web_dir = (tmp / "web").string();
  cfg.blob_dir = (tmp / "blobs").string();
  cfg.demo_mail_log = (tmp / "mail.log").string();
  cfg.access_log = false;
  cfg.log_level = "warn";
  cfg.deadline_watch_seconds = 0;
  cfg.payment_platform_url = "http://127.0.0.1:9/unused";  // callbacks only: no call to the platform
  cfg.payment_partner_code = kPartner;
  cfg.payment_secret = kSecret;
  cfg.payment_requery_seconds = 0;
  core::InitLogging(core::LogLevel::kWarn);
  auto built = app::Build(cfg);
  if (!built) {
    std::fprintf(stderr, "cannot build: %s\n", built.error().message.c_str());
    return 1;
  }
  auto& app = **built;
  app.server->Start();
  std::uint16_t port = app.server->Port();
  std::string code = DossierWaitingForPayment(port);

  // The pending transactions, one request each (partial payments of the dossier).
  std::vector<std::string> bodies;
  {
    auto c = app.db->Acquire();
    auto d = c->Execute({"bench_dossier_id", "SELECT id, handling_agency_id FROM dossiers WHERE code = $1"}, {code});
    std::string agency = d.Text(0, 1);
    db::Transaction tx(*c);
    std::string now = core::NowUtc();
    // Copies of the dossier (new id and code), each with one request left open throughout, so
    // that settlements of different dossiers run side by side as they do in service.
    std::vector<std::pair<std::string, std::string>> dossiers{{d.Text(0, 0), code}};
    c->Execute({"bench_clone", "CREATE TEMP TABLE bench_clone AS SELECT * FROM dossiers WHERE id = $1"}, {d.Text(0, 0)});
    for (int j = 1; j < kDossiers; ++j) {
      std::string id = core::Uuid::NewV7().ToString(), copy = code + "-" + std::to_string(j);
      c->Execute({"bench_clone_key", "UPDATE bench_clone SET id = $1, code = $2"}, {id, copy});
      c->Execute({"bench_clone_insert", "INSERT INTO dossiers SELECT * FROM bench_clone"});
      c->Execute(payment::store::kInsertRequest, {core::Uuid::NewV7().ToString(), id, copy, agency, std::int64_t{1000}, std::string("bench"),
                                                  std::string("[]"), now, std::string("G22.99")});
      dossiers.emplace_back(id, copy);
    }
    c->Execute({"bench_clone_drop", "DROP TABLE bench_clone"});
    for (int i = 0; i < count; ++i) {
      const auto& [dossier_id, dossier_code] = dossiers[static_cast<std::size_t>(i % kDossiers)];
      std::string req = core::Uuid::NewV7().ToString(), ref = "BENCH" + std::to_string(1000000 + i);
      std::int64_t amount = 1000 + i;
      // A phí and a lệ phí line, as an officer's request has: settling issues one e-receipt each.
      std::string items = "[{\"kind\":\"phi\",\"code\":\"P\",\"name\":\"Phí\",\"amount\":" + std::to_string(amount - 500) +
                          "},{\"kind\":\"le_phi\",\"code\":\"L\",\"name\":\"Lệ phí\",\"amount\":500}]";
      c->Execute(payment::store::kInsertRequest, {req, dossier_id, dossier_code, agency, amount, std::string("bench"), items, now, std::string("G22.99")});
      c->Execute(payment::store::kInsertTransaction, {core::Uuid::NewV7().ToString(), req, ref, std::string("bench"), nullptr, amount, now, now});
      payment::Confirmation conf;
      conf.code = "00";
      conf.partner = kPartner;
      conf.reference = ref;
      conf.amount = std::to_string(amount);
      conf.platform_txn = "GD" + std::to_string(i);
      conf.bank = "NCB";
      conf.time = "20261204163000";
      conf.info = "bench";
      conf.mac = payment::SignConfirmation(conf, kSecret);
      bodies.push_back(RequestText("POST", "/api/v1/payments/callback", {{"Content-Type", "application/json"}}, payment::EncodeConfirmation(conf)));
    }
    tx.Commit();
    // Statistics for the planner, as a database in service has them: without, a run can start
    // on plans made for the empty tables and autovacuum's analyze lands in the middle of it.
    c->ExecuteScript("ANALYZE");
  }

  std::atomic<int> next{0}, failures{0};
  std::mutex mu;
  std::vector<double> latencies;
  auto worker = [&] {
    auto conn = std::make_unique<Connection>(port);
    std::vector<double> mine;
    for (int i = next++; i < count; i = next++) {
      auto t0 = Clock::now();
      std::optional<HttpResponse> r;
      for (int attempt = 0; attempt < 2 && !r; ++attempt) {
        if (!conn) conn = std::make_unique<Connection>(port);
        if (conn->Send(bodies[static_cast<std::size_t>(i)])) r = conn->Read(std::chrono::seconds(30));
        if (!r) conn.reset();
      }
      if (!r || r->status != 200) {
        if (failures++ == 0) std::fprintf(stderr, "callback: %d %s\n", r ? r->status : 0, r ? r->body.c_str() : "");
        continue;
      }
      mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::lock_guard lock(mu);
    latencies.insert(latencies.end(), mine.begin(), mine.end());
  };
  auto started = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& th : pool) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - started).count();

  auto c = app.db->Acquire();
  std::int64_t settled = c->Execute({"bench_settled", "SELECT COUNT(*) FROM payment_ledger WHERE event = 'settled'"}).Int(0, 0);
  std::int64_t status = c->Execute({"bench_status", "SELECT status FROM dossiers WHERE code = $1"}, {code}).Int(0, 0);
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) { return latencies.empty() ? 0.0 : latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(q * latencies.size()))]; };
  std::printf("callbacks=%zu per_second=%.1f p50_ms=%.2f p99_ms=%.2f settled=%lld failures=%d dossier_status=%lld\n", latencies.size(),
              static_cast<double>(latencies.size()) / elapsed, at(0.5), at(0.99), static_cast<long long>(settled), failures.load(),
              static_cast<long long>(status));
  app.server->Stop();
  app.server->Wait();
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
  return failures > 0 || settled != count ? 1 : 0;
}

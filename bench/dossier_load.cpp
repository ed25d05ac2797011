// Dossier submission throughput for scripts/bench, and its baseline.
//
//   motcua_bench_dossier http <port> <seconds> <threads> [codes file]
//     Each thread signs in as citizen.demo and, until time is up, uploads a 100 KB PDF and
//     submits an online dossier of 2.913001 with the demo e-form (Idempotency-Key per dossier),
//     on keep-alive connections. Prints `submissions=N per_second=… p50_ms=… p99_ms=… code=<last code>
//     cpu_ms=… idle=…` (see CpuWindow).
//     With [codes file], also writes every dossier code made there, one per line (the public
//     tracking figure looks them up in turn: bench/wrk/track.lua).
//   motcua_bench_dossier raw <db url> <seconds> <threads>
//     The floor a submission cannot beat: one durable transaction per 100 KB row inserted
//     through the same pool (same engine settings), no HTTP. Prints `inserts=N per_second=… cpu_ms=… idle=…`.
//   motcua_bench_dossier files <dir> <seconds> <threads>
//     What the filesystem blob store does for each upload, alone: a 100 KB file written,
//     fsynced, renamed into place and its directory fsynced. Prints `files=N per_second=…`.
#include <boost/json.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/database.hpp"
#include "support/http_client.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace json = boost::json;

using motcua::testing::Connection;
using motcua::testing::HttpResponse;
using motcua::testing::RequestText;

// What the whole machine's CPUs did while a run was timed (/proc/stat: every process, the load
// generator's and the kernel's included, time stolen by the hypervisor left out): `cpu_ms`, busy
// CPU time per operation, and `idle`, the share of CPU time left idle. A run bound by its CPUs
// leaves little idle; one bound by waiting for the disk leaves much.
class CpuWindow {
 public:
  CpuWindow() : start_(Read()) {}
  std::string Fields(std::size_t ops) const {
    Times end = Read();
    double busy = end.busy - start_.busy, idle = end.idle - start_.idle;
    char out[96];
    std::snprintf(out, sizeof out, "cpu_ms=%.3f idle=%.2f", ops == 0 ? 0.0 : 1000.0 * busy / static_cast<double>(ops),
                  busy + idle > 0 ? idle / (busy + idle) : 0.0);
    return out;
  }

 private:
  struct Times {
    double busy = 0, idle = 0;  // seconds
  };
  static Times Read() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
    in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
    const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
    return {static_cast<double>(user + nice + system + irq + softirq) / hz, static_cast<double>(idle + iowait) / hz};
  }
  Times start_;
};

// A 100 KB PDF whose body does not compress, as a real scan's does not (its image and text
// streams are already deflated). Padding would flatter whatever compresses on the way:
// PostgreSQL keeps a 100 KB run of one byte in about 1 KB, and the disk under this machine
// writes such pages faster too. The stream is a window of 1 MB of xorshift output made once,
// at an offset that moves with `i`, so no two bodies are the same; it is appended to `out`,
// whose storage the caller reuses (the load generator shares the cores with the server).
void AppendPdf(std::string& out, std::uint64_t i) {
  constexpr std::size_t kNoise = 1 << 20, kStream = 100 * 1024 - 160;
  static const std::string noise = [] {
    std::string bytes(kNoise, '\0');
    std::uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (std::size_t at = 0; at < kNoise; at += sizeof x) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      std::memcpy(bytes.data() + at, &x, sizeof x);
    }
    return bytes;
  }();
  std::size_t offset = static_cast<std::size_t>(i * 7919 % (kNoise - kStream));
  out.append("%PDF-1.4\n% to khai ").append(std::to_string(i)).append("\n1 0 obj<</Length ").append(std::to_string(kStream));
  out.append("/Filter/FlateDecode>>stream\n").append(noise, offset, kStream).append("\nendstream\nendobj\ntrailer<<>>\n%%EOF\n");
}

std::string Pdf(int i) {
  std::string out;
  out.reserve(100 * 1024 + 64);
  AppendPdf(out, i);
  return out;
}

json::object Form() {
  json::object person{{"ho_ten", "Nguyễn Văn An"}, {"gioi_tinh", "male"}, {"ngay_sinh", "1985-03-02"},
                      {"noi_sinh", "Hà Nội"}, {"quoc_tich", "Việt Nam"}, {"dan_toc", "Kinh"},
                      {"so_dinh_danh", "001085012345"}, {"noi_thuong_tru", "Số 1 phố Tràng Tiền, Hà Nội"}};
  json::array places{json::object{{"tu_ngay", "1999-03-02"}, {"den_ngay", "2026-11-30"}, {"noi_cu_tru", "Số 1 phố Tràng Tiền, Hà Nội"}}};
  return json::object{{"nguoi_duoc_cap_phieu", person}, {"qua_trinh_cu_tru", places}, {"loai_phieu", 1},
                      {"so_luong_phieu", 1}, {"muc_dich", "Bổ sung hồ sơ xin việc"}, {"hinh_thuc_nhan", "truc_tiep"}};
}

// One request on a kept-alive connection, reconnecting once if the server closed it.
HttpResponse Call(std::unique_ptr<Connection>& conn, std::uint16_t port, const std::string& text) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!conn) conn = std::make_unique<Connection>(port);
    if (conn->Send(text)) {
      if (auto r = conn->Read(std::chrono::seconds(30))) return *r;
    }
    conn.reset();
  }
  throw std::runtime_error("no answer");
}

int Http(std::uint16_t port, int seconds, int threads, const char* codes_file) {
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<double> latencies, uploads;
  std::vector<std::string> codes;
  std::string last_code;
  std::atomic<int> failures{0}, signed_in{0};
  std::atomic<std::size_t> done{0};
  // Runs against one database (scripts/bench makes several) must not repeat a key or a file.
  const std::uint64_t run = static_cast<std::uint64_t>(Clock::now().time_since_epoch().count()) % 1000000007ULL * 100000000ULL;
  auto worker = [&](int t) {
    std::unique_ptr<Connection> conn;
    auto login = Call(conn, port, RequestText("POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                                              R"({"login":"citizen.demo","password":"Demo@2026"})"));
    if (login.status != 200) {
      std::fprintf(stderr, "sign-in failed: %d %s\n", login.status, login.body.c_str());
      ++failures;
      return;
    }
    std::string set = login.Header("Set-Cookie").value_or("");
    std::string cookie = set.substr(0, set.find(';'));
    std::string csrf(json::parse(login.body).at("csrf_token").as_string());
    ++signed_in;
    // The upload's head with a fixed-width Content-Length, filled in for each body.
    const std::string upload_head = "POST /api/v1/attachments?name=to-khai.pdf HTTP/1.1\r\nHost: bench\r\nCookie: " + cookie +
                                    "\r\nX-CSRF-Token: " + csrf + "\r\nContent-Type: application/pdf\r\nContent-Length: 0000000\r\n\r\n";
    const std::size_t length_at = upload_head.size() - 11;
    std::string upload;
    upload.reserve(upload_head.size() + 100 * 1024 + 64);
    std::vector<double> mine, mine_up;
    std::vector<std::string> made;
    std::string code;
    for (int i = 0; !stop; ++i) {
      auto t0 = Clock::now();
      // The request in a buffer kept across iterations: its head, then the body in place.
      upload.assign(upload_head);
      AppendPdf(upload, run + static_cast<std::uint64_t>(t) * 10000000ULL + static_cast<std::uint64_t>(i));
      std::snprintf(upload.data() + length_at, 8, "%07zu", upload.size() - upload_head.size());
      upload[length_at + 7] = '\r';
      auto up = Call(conn, port, upload);
      if (up.status != 201) {
        std::fprintf(stderr, "upload: %d %s\n", up.status, up.body.c_str());
        ++failures;
        return;
      }
      mine_up.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      json::object body{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "online"}, {"form", Form()},
                        {"summary", "Phiếu lý lịch tư pháp"},
                        {"documents", json::array{json::object{{"code", "GT.2913001.1.01"},
                                                               {"attachment_ids", json::array{json::parse(up.body).at("id")}}}}}};
      auto r = Call(conn, port, RequestText("POST", "/api/v1/dossiers",
                                            {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", "application/json"},
                                             {"Idempotency-Key", "bench-" + std::to_string(run) + "-" + std::to_string(t) + "-" + std::to_string(i)}},
                                            json::serialize(body)));
      if (r.status != 201) {
        std::fprintf(stderr, "submit: %d %s\n", r.status, r.body.c_str());
        ++failures;
        return;
      }
      code = json::parse(r.body).at("code").as_string();
      made.push_back(code);
      mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      ++done;
    }
    std::lock_guard lock(mu);
    latencies.insert(latencies.end(), mine.begin(), mine.end());
    uploads.insert(uploads.end(), mine_up.begin(), mine_up.end());
    codes.insert(codes.end(), made.begin(), made.end());
    if (!code.empty()) last_code = code;
  };
  std::vector<std::thread> pool;
  auto started = Clock::now();
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  // The CPU is counted once every thread has signed in (a password hash is not a submission).
  while (signed_in + failures < threads) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const std::size_t done_before = done;
  CpuWindow cpu;
  std::this_thread::sleep_until(started + std::chrono::seconds(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  const std::string cpu_fields = cpu.Fields(done - done_before);
  if (failures > 0 || latencies.empty()) return 1;
  if (codes_file != nullptr) {
    std::FILE* f = std::fopen(codes_file, "w");
    if (f == nullptr) return 1;
    for (const auto& c : codes) std::fprintf(f, "%s\n", c.c_str());
    if (std::fclose(f) != 0) return 1;
  }
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) { return latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(q * latencies.size()))]; };
  std::sort(uploads.begin(), uploads.end());
  double upload_p50 = uploads.empty() ? 0 : uploads[uploads.size() / 2];
  std::printf("submissions=%zu per_second=%.1f p50_ms=%.2f p99_ms=%.2f upload_p50_ms=%.2f code=%s %s\n", latencies.size(),
              static_cast<double>(latencies.size()) / elapsed, at(0.5), at(0.99), upload_p50, last_code.c_str(), cpu_fields.c_str());
  return 0;
}

int Raw(const std::string& url, int seconds, int threads) {
  auto db = motcua::db::Database::Open(url, {.size = static_cast<std::size_t>(threads)});
  {
    auto c = db->Acquire();
    bool pg = c->GetEngine() == motcua::db::Engine::kPostgres;
    c->ExecuteScript(std::string("DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (id TEXT PRIMARY KEY, data ") +
                     (pg ? "BYTEA" : "BLOB") + " NOT NULL)");
  }
  const motcua::db::Query insert{"bench_raw_insert", "INSERT INTO bench_raw (id, data) VALUES ($1, $2)"};
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> done{0};
  std::vector<std::thread> pool;
  auto started = Clock::now();
  CpuWindow cpu;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto c = db->Acquire();
      for (int i = 0; !stop; ++i) {
        motcua::db::Transaction tx(*c);
        c->Execute(insert, {std::to_string(t) + "-" + std::to_string(i), motcua::db::Bytes{Pdf(i)}});
        tx.Commit();
        ++done;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("inserts=%zu per_second=%.1f %s\n", done.load(), static_cast<double>(done.load()) / elapsed, cpu.Fields(done.load()).c_str());
  auto c = db->Acquire();
  c->ExecuteScript("DROP TABLE bench_raw");
  return 0;
}

int Files(const std::string& dir, int seconds, int threads) {
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> pool;
  auto started = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        std::string name = dir + "/" + std::to_string(t) + "-" + std::to_string(i);
        std::string part = name + ".part", bytes = Pdf(i);
        int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        bool ok = fd >= 0 && ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
        if (fd >= 0) ::close(fd);
        if (!ok || ::rename(part.c_str(), name.c_str()) != 0) {
          failed = true;
          return;
        }
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);  // the new name on disk too
        ok = dfd >= 0 && ::fsync(dfd) == 0;
        if (dfd >= 0) ::close(dfd);
        if (!ok) {
          failed = true;
          return;
        }
        ++done;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  if (failed) return 1;
  double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("files=%zu per_second=%.1f\n", done.load(), static_cast<double>(done.load()) / elapsed);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5 && !(argc == 6 && std::string(argv[1]) == "http")) {
    std::fprintf(stderr, "usage: %s http <port> <seconds> <threads> [codes file] | raw <db url> <seconds> <threads> | files <dir> <seconds> <threads>\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1];
  int seconds = std::stoi(argv[3]), threads = std::stoi(argv[4]);
  if (mode == "http") return Http(static_cast<std::uint16_t>(std::stoi(argv[2])), seconds, threads, argc == 6 ? argv[5] : nullptr);
  if (mode == "raw") return Raw(argv[2], seconds, threads);
  if (mode == "files") return Files(argv[2], seconds, threads);
  return 2;
}

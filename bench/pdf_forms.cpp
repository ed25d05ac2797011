// PDF forms rendered in-process: the receipt (Mẫu 01) of a typical dossier — heading, title,
// QR code, five papers, signatures — on one thread, then on every core at once.
// Prints one line: `pdfs=N bytes=… p50_ms=… p99_ms=… per_second_1=… threads=T per_second=…`.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "docs/forms.hpp"

namespace {

motcua::docs::Receipt Typical(int n) {
  std::string code = "000.00.02.H99-261204-" + std::to_string(1000 + n % 9000);
  motcua::docs::Receipt r{
      .head = {.parent_agency_name = "Ủy ban nhân dân tỉnh Mẫu", .agency_name = "Sở Tư pháp", .dossier_code = code,
               .tracking_url = "https://dichvucong.example.gov.vn/tra-cuu-ho-so?ma=" + code,
               .issued_at = "2026-12-04T09:15:00+07:00"},
      .applicant = {"Nguyễn Thị Hằng", "001085012345", "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội", "0912345678", "hang@example.vn"},
      .procedure_name = "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
      .documents = {{"Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 1, 0}, {"Bản chụp căn cước công dân", 0, 1},
                    {"Bản chụp sổ hộ khẩu", 0, 1}, {"Văn bản ủy quyền", 1, 0}, {"Giấy tờ chứng minh thuộc đối tượng miễn phí", 0, 1}},
      .received_at = "2026-12-04T09:15:00+07:00",
      .due_at = "2026-12-14T16:30:00+07:00",
      .return_place = "Bộ phận Một cửa Sở Tư pháp, 1 Tràng Tiền, Hà Nội",
      .officer_name = "Trần Văn Nhận"};
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::stod(argv[1]) : 3.0;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::size_t bytes = motcua::docs::RenderPdf(Typical(0)).size();  // also warms fontconfig up

  // One thread: the latency of one form.
  std::vector<double> ms;
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < seconds) {
    auto t0 = std::chrono::steady_clock::now();
    std::string pdf = motcua::docs::RenderPdf(Typical(static_cast<int>(ms.size())));
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (pdf.size() < 1000) return 1;
  }
  double one = static_cast<double>(ms.size()) / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[static_cast<std::size_t>(q * static_cast<double>(ms.size() - 1))]; };

  // Every core: throughput of the worker pool's kind of work.
  std::atomic<std::size_t> done{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  auto began = std::chrono::steady_clock::now();
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      int n = static_cast<int>(t) * 100000;
      while (!stop.load(std::memory_order_relaxed)) {
        if (motcua::docs::RenderPdf(Typical(n++)).size() > 1000) done.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : pool) t.join();
  double all = static_cast<double>(done.load()) / std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::printf("pdfs=%zu bytes=%zu p50_ms=%.2f p99_ms=%.2f per_second_1=%.0f threads=%u per_second=%.0f\n", ms.size() + done.load(),
              bytes, at(0.50), at(0.99), one, threads, all);
  return 0;
}

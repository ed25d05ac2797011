// Server-side time of a catalog search: the demo catalog plus synthetic procedures up to
// 10,000, indexed as a node does, then the queries of bench/wrk/search.lua in turn, each timed.
// Prints one line: `searches=N p50_us=… p95_us=… p99_us=… per_second=…` (one thread).
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "catalog/demo.hpp"
#include "catalog/record.hpp"
#include "catalog/search.hpp"

int main(int argc, char** argv) {
  using namespace motcua::catalog;
  std::size_t total = argc > 1 ? std::stoul(argv[1]) : 10000;
  std::vector<Procedure> procedures;
  for (const auto& file : EmbeddedDemoCatalog()) {
    if (file.path.find("/procedures/") == std::string_view::npos) continue;
    boost::json::value records = boost::json::parse(file.content);
    for (const auto& v : records.as_array()) {
      auto parsed = ParseRecord(v.as_object());
      if (parsed.procedure) procedures.push_back(std::move(*parsed.procedure));
    }
  }
  std::size_t synthetic = total > procedures.size() ? total - procedures.size() : 0;
  for (const auto& r : SyntheticRecords(synthetic)) procedures.push_back(std::move(*ParseRecord(r).procedure));
  ProcedureIndex index(std::move(procedures), {});
  const char* queries[] = {"giay phep", "cấp giấy phép", "dang ky kinh doanh", "Đăng ký khai sinh", "thuong tru",
                           "chứng chỉ hành nghề", "an toan thuc pham", "xây dựng", "cap lai giay chung nhan",
                           "lao dong nuoc ngoai", "tro cap", "ho tich", "dat dai", "gia han giay phep",
                           "khai thác khoáng sản", "thu y"};
  std::vector<double> micros;
  auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < 40; ++round) {
    for (const char* q : queries) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = index.Search({.q = q, .limit = 20});
      auto t1 = std::chrono::steady_clock::now();
      if (round > 0) micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      if (r.total == 0 && round == 0) std::fprintf(stderr, "no result for %s\n", q);
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))]; };
  std::printf("procedures=%zu searches=%zu p50_us=%.0f p95_us=%.0f p99_us=%.0f per_second=%.0f\n", index.All().size(),
              micros.size(), at(0.50), at(0.95), at(0.99), static_cast<double>(micros.size() + 16) / seconds);
  return 0;
}

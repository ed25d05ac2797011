// Prometheus text exposition (format 0.0.4) of request counters and latency histograms per
// route, plus gauges other modules register (pool sizes, outbox lag, …).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

namespace motcua::http {

/// A latency histogram with fixed buckets (0.5 ms … 10 s); lock-free updates.
class Histogram {
 public:
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.25,  0.5,
                                                      1,      2.5,   5,      10};
  void Observe(double seconds);
  /// `<name>_bucket{labels,le=…}`, `<name>_sum`, `<name>_count` lines.
  void Render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_micros_{0};
};

/// Per-route request statistics; lock-free updates from any thread.
class RouteMetrics {
 public:
  RouteMetrics(std::string route, std::string method)
      : route_(std::move(route)), method_(std::move(method)) {}

  /// Records one finished request.
  void Observe(int status, double seconds);

 private:
  friend class Metrics;
  std::string route_;
  std::string method_;
  std::array<std::atomic<std::uint64_t>, 5> by_class_{};  ///< 1xx … 5xx
  Histogram latency_;
};

/// Histograms keyed by one label whose values appear at run time (query names, job names),
/// plus a failure counter per value. Thread-safe; a new value takes a lock once.
class HistogramFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::string label)
      : name_(std::move(name)), help_(std::move(help)), label_(std::move(label)) {}
  void Observe(std::string_view value, double seconds, bool ok);
  void Render(std::string& out) const;

 private:
  struct Series {
    Histogram latency;
    std::atomic<std::uint64_t> failures{0};
  };
  Series& Find(std::string_view value);
  std::string name_, help_, label_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Series>, std::less<>> series_;
};

/// The registry behind `GET /metrics`. Registration is done at start-up (or lazily with a
/// lock); observation is lock-free.
class Metrics {
 public:
  /// Creates a series for a route; the reference stays valid for the registry's lifetime.
  RouteMetrics& AddRoute(std::string route, std::string method);
  /// A gauge sampled at scrape time. `labels` is e.g. `state="idle"` (may be empty).
  void AddGauge(std::string name, std::string help, std::string labels,
                std::function<double()> sample);
  /// A gauge whose series are known only at scrape time (e.g. one per sync member):
  /// `sample` returns (labels, value) pairs; it runs on the scraping thread, so it must only
  /// read memory.
  void AddGaugeSet(std::string name, std::string help,
                   std::function<std::vector<std::pair<std::string, double>>()> sample);
  /// A histogram family (e.g. `motcua_db_query_duration_seconds` by `query`); the reference
  /// stays valid for the registry's lifetime.
  HistogramFamily& AddHistogramFamily(std::string name, std::string help, std::string label);

  /// The whole exposition text.
  std::string Render() const;

 private:
  struct Gauge {
    std::string name, help, labels;
    std::function<double()> sample;
  };
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<RouteMetrics>> routes_;
  std::vector<std::unique_ptr<HistogramFamily>> families_;
  std::vector<Gauge> gauges_;
  struct GaugeSet {
    std::string name, help;
    std::function<std::vector<std::pair<std::string, double>>()> sample;
  };
  std::vector<GaugeSet> gauge_sets_;
};

}  // namespace motcua::http

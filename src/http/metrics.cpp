#include "http/metrics.hpp"

#include <cstdio>
#include <set>

namespace motcua::http {

namespace {

std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string FormatDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

}  // namespace

void RouteMetrics::Observe(int status, double seconds) {
  std::size_t cls = status >= 100 && status < 600 ? static_cast<std::size_t>(status / 100 - 1) : 4;
  by_class_[cls].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  buckets_[b].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

RouteMetrics& Metrics::AddRoute(std::string route, std::string method) {
  std::lock_guard lock(mu_);
  routes_.push_back(std::make_unique<RouteMetrics>(std::move(route), std::move(method)));
  return *routes_.back();
}

void Metrics::AddGauge(std::string name, std::string help, std::string labels,
                       std::function<double()> sample) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(labels), std::move(sample)});
}

std::atomic<std::uint64_t>& Metrics::AddCounter(std::string name, std::string help,
                                                std::string labels) {
  std::lock_guard lock(mu_);
  counters_.push_back({std::move(name), std::move(help), std::move(labels),
                       std::make_unique<std::atomic<std::uint64_t>>(0)});
  return *counters_.back().value;
}

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out.reserve(4096 + routes_.size() * 1500);
  out +=
      "# HELP motcua_http_requests_total HTTP requests served, by route, method and status "
      "class.\n# TYPE motcua_http_requests_total counter\n";
  static constexpr const char* kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (const auto& r : routes_) {
    std::string labels =
        "route=\"" + EscapeLabel(r->route_) + "\",method=\"" + EscapeLabel(r->method_) + "\"";
    for (std::size_t c = 0; c < 5; ++c) {
      std::uint64_t n = r->by_class_[c].load(std::memory_order_relaxed);
      if (n == 0 && c != 1) continue;
      out += "motcua_http_requests_total{" + labels + ",code=\"" + kClasses[c] + "\"} " +
             std::to_string(n) + "\n";
    }
  }
  out +=
      "# HELP motcua_http_request_duration_seconds Time from the end of the request headers to "
      "the end of the response.\n# TYPE motcua_http_request_duration_seconds histogram\n";
  for (const auto& r : routes_) {
    std::string labels =
        "route=\"" + EscapeLabel(r->route_) + "\",method=\"" + EscapeLabel(r->method_) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= RouteMetrics::kBuckets.size(); ++b) {
      cumulative += r->buckets_[b].load(std::memory_order_relaxed);
      std::string le =
          b < RouteMetrics::kBuckets.size() ? FormatDouble(RouteMetrics::kBuckets[b]) : "+Inf";
      out += "motcua_http_request_duration_seconds_bucket{" + labels + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "motcua_http_request_duration_seconds_sum{" + labels + "} " +
           FormatDouble(static_cast<double>(r->sum_micros_.load(std::memory_order_relaxed)) /
                        1e6) +
           "\n";
    out += "motcua_http_request_duration_seconds_count{" + labels + "} " +
           std::to_string(cumulative) + "\n";
  }
  std::set<std::string> described;
  for (const auto& c : counters_) {
    if (described.insert(c.name).second) {
      out += "# HELP " + c.name + " " + c.help + "\n# TYPE " + c.name + " counter\n";
    }
    out += c.name + (c.labels.empty() ? "" : "{" + c.labels + "}") + " " +
           std::to_string(c.value->load(std::memory_order_relaxed)) + "\n";
  }
  for (const auto& g : gauges_) {
    if (described.insert(g.name).second) {
      out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    }
    out += g.name + (g.labels.empty() ? "" : "{" + g.labels + "}") + " " +
           FormatDouble(g.sample()) + "\n";
  }
  return out;
}

}  // namespace motcua::http

#include "http/metrics.hpp"

#include <cstdio>
#include <set>

namespace motcua::http {

namespace {

std::string EscapeLabel(std::string_view value) {
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

void Histogram::Observe(double seconds) {
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  buckets_[b].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::Render(std::string& out, const std::string& name, const std::string& labels) const {
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
    cumulative += buckets_[b].load(std::memory_order_relaxed);
    std::string le = b < kBuckets.size() ? FormatDouble(kBuckets[b]) : "+Inf";
    out += name + "_bucket{" + labels + ",le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += name + "_sum{" + labels + "} " +
         FormatDouble(static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6) + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(cumulative) + "\n";
}

void RouteMetrics::Observe(int status, double seconds) {
  std::size_t cls = status >= 100 && status < 600 ? static_cast<std::size_t>(status / 100 - 1) : 4;
  by_class_[cls].fetch_add(1, std::memory_order_relaxed);
  latency_.Observe(seconds);
}

HistogramFamily::Series& HistogramFamily::Find(std::string_view value) {
  {
    std::shared_lock lock(mu_);
    if (auto it = series_.find(value); it != series_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto [it, inserted] = series_.try_emplace(std::string(value));
  if (inserted) it->second = std::make_unique<Series>();
  return *it->second;
}

void HistogramFamily::Observe(std::string_view value, double seconds, bool ok) {
  Series& s = Find(value);
  s.latency.Observe(seconds);
  if (!ok) s.failures.fetch_add(1, std::memory_order_relaxed);
}

void HistogramFamily::Render(std::string& out) const {
  std::shared_lock lock(mu_);
  out += "# HELP " + name_ + " " + help_ + "\n# TYPE " + name_ + " histogram\n";
  for (const auto& [value, s] : series_) {
    s->latency.Render(out, name_, label_ + "=\"" + EscapeLabel(value) + "\"");
  }
  std::string failures = name_;
  if (failures.ends_with("_duration_seconds")) {
    failures.resize(failures.size() - std::string_view("_duration_seconds").size());
  }
  failures += "_failures_total";
  out += "# HELP " + failures + " Failures, by " + label_ + ".\n# TYPE " + failures + " counter\n";
  for (const auto& [value, s] : series_) {
    out += failures + "{" + label_ + "=\"" + EscapeLabel(value) + "\"} " +
           std::to_string(s->failures.load(std::memory_order_relaxed)) + "\n";
  }
}

HistogramFamily& Metrics::AddHistogramFamily(std::string name, std::string help, std::string label) {
  std::lock_guard lock(mu_);
  families_.push_back(
      std::make_unique<HistogramFamily>(std::move(name), std::move(help), std::move(label)));
  return *families_.back();
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

void Metrics::AddGaugeSet(std::string name, std::string help,
                          std::function<std::vector<std::pair<std::string, double>>()> sample) {
  std::lock_guard lock(mu_);
  gauge_sets_.push_back({std::move(name), std::move(help), std::move(sample)});
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
      "the response being ready to send.\n# TYPE motcua_http_request_duration_seconds histogram\n";
  for (const auto& r : routes_) {
    std::string labels =
        "route=\"" + EscapeLabel(r->route_) + "\",method=\"" + EscapeLabel(r->method_) + "\"";
    r->latency_.Render(out, "motcua_http_request_duration_seconds", labels);
  }
  for (const auto& f : families_) f->Render(out);
  std::set<std::string> described;
  for (const auto& g : gauges_) {
    if (described.insert(g.name).second) {
      out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    }
    out += g.name + (g.labels.empty() ? "" : "{" + g.labels + "}") + " " +
           FormatDouble(g.sample()) + "\n";
  }
  for (const auto& g : gauge_sets_) {
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    for (const auto& [labels, value] : g.sample()) {
      out += g.name + (labels.empty() ? "" : "{" + labels + "}") + " " + FormatDouble(value) + "\n";
    }
  }
  return out;
}

}  // namespace motcua::http

#include "http/metrics.hpp"

#include <gtest/gtest.h>

namespace motcua::http {
namespace {

TEST(Metrics, RendersCountersAndCumulativeHistogram) {
  Metrics m;
  auto& r = m.AddRoute("/healthz", "GET");
  r.Observe(200, 0.0004);
  r.Observe(200, 0.003);
  r.Observe(503, 20);
  m.AddGauge("motcua_db_pool_connections", "Connections.", "state=\"idle\"", [] { return 3.0; });
  std::string text = m.Render();
  EXPECT_NE(text.find("motcua_http_requests_total{route=\"/healthz\",method=\"GET\",code=\"2xx\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("code=\"5xx\"} 1"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.0005\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("le=\"0.005\"} 2"), std::string::npos);
  EXPECT_NE(text.find("le=\"+Inf\"} 3"), std::string::npos);
  EXPECT_NE(text.find("motcua_http_request_duration_seconds_count{route=\"/healthz\",method=\"GET\"} 3"),
            std::string::npos);
  EXPECT_NE(text.find("motcua_db_pool_connections{state=\"idle\"} 3"), std::string::npos);
  EXPECT_NE(text.find("# TYPE motcua_http_request_duration_seconds histogram"), std::string::npos);
}

TEST(Metrics, HistogramFamiliesGrowByLabelValue) {
  Metrics m;
  auto& q = m.AddHistogramFamily("motcua_db_query_duration_seconds", "Query time.", "query");
  q.Observe("system_settings", 0.002, true);
  q.Observe("system_settings", 0.02, false);
  q.Observe("blob_stat", 0.0001, true);
  std::string text = m.Render();
  EXPECT_NE(text.find("motcua_db_query_duration_seconds_count{query=\"system_settings\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("motcua_db_query_duration_seconds_bucket{query=\"blob_stat\",le=\"0.0005\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("motcua_db_query_failures_total{query=\"system_settings\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("motcua_db_query_failures_total{query=\"blob_stat\"} 0"), std::string::npos);
}

}  // namespace
}  // namespace motcua::http

#include "http/json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace motcua::http {
namespace {

Request JsonRequest(std::string body) {
  Request r;
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}

TEST(ParseJsonBody, AcceptsValidJson) {
  auto v = ParseJsonBody(JsonRequest(R"({"login":"citizen.demo","n":[1,2]})"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->as_object().at("login").as_string(), "citizen.demo");
}

TEST(ParseJsonBody, ReportsLineAndColumnOfTheError) {
  auto v = ParseJsonBody(JsonRequest("{\n  \"a\": 1,\n  \"b\": tru\n}"));
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(v.error().message.find("line 3"), std::string::npos) << v.error().message;
  auto truncated = ParseJsonBody(JsonRequest("{\"a\": [1, 2"));
  ASSERT_FALSE(truncated.has_value());
  EXPECT_NE(truncated.error().message.find("line 1"), std::string::npos);
  EXPECT_FALSE(ParseJsonBody(JsonRequest("")).has_value());
  EXPECT_FALSE(ParseJsonBody(JsonRequest("{} trailing")).has_value());
}

TEST(ParseJsonBody, RefusesDeepNestingAndWrongContentType) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto v = ParseJsonBody(JsonRequest(deep));
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message.find("too deep"), std::string::npos) << v.error().message;
  Request plain;
  plain.headers = {{"Content-Type", "text/plain"}};
  plain.body = "{}";
  auto p = ParseJsonBody(plain);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, core::ErrorCode::kUnsupportedMedia);
  Request problem = JsonRequest("{}");
  problem.headers = {{"content-type", "application/problem+json"}};
  EXPECT_TRUE(ParseJsonBody(problem).has_value());
}

}  // namespace
}  // namespace motcua::http

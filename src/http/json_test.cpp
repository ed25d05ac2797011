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

// PostgreSQL would store "x\u0000y" as "x" (a text parameter ends at the NUL): refused first,
// naming the field, wherever it is.
TEST(ParseJsonBody, RefusesTheNulCharacterNamingItsField) {
  auto top = ParseJsonBody(JsonRequest(R"({"title":"x\u0000y","n":1})"));
  ASSERT_FALSE(top.has_value());
  EXPECT_EQ(top.error().code, core::ErrorCode::kInvalidArgument);
  ASSERT_EQ(top.error().fields.size(), 1u);
  EXPECT_EQ(top.error().fields[0].field, "/title");
  EXPECT_NE(top.error().message.find("NUL"), std::string::npos) << top.error().message;
  auto deep = ParseJsonBody(JsonRequest(R"({"form":{"a/b":[{"ok":"y"},{"ten":"\u0000"}]}})"));
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().fields.at(0).field, "/form/a~1b/1/ten");
  auto key = ParseJsonBody(JsonRequest(R"({"form":{"k\u0000":1}})"));
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().fields.at(0).field.substr(0, 7), "/form/k");
  auto bare = ParseJsonBody(JsonRequest(R"("\u0000")"));
  ASSERT_FALSE(bare.has_value());
  EXPECT_EQ(bare.error().fields.at(0).field, "/");
  // Other control characters, escaped or not in a string's JSON, are text like any other.
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"({"a":"x\u0001\ty","b":"\u0000"})"), {.allow_nul = true}).has_value());
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"({"a":"x\u0001\ty"})")).has_value());
}

TEST(NulPointer, FindsTheFirstNulInAnyStringOrName) {
  EXPECT_EQ(NulPointer(boost::json::parse(R"({"a":[1,"b",{"c":null}]})")), std::nullopt);
  EXPECT_EQ(NulPointer(boost::json::parse(R"({"a":[1,"b",{"c~":"\u0000"}]})")), "/a/2/c~0");
  EXPECT_EQ(NulPointer(boost::json::parse(R"(["\u0000"])")), "/0");
}

}  // namespace
}  // namespace motcua::http

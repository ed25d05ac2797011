#include "http/route_table.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace motcua::http {
namespace {

std::vector<std::string> Segs(std::initializer_list<const char*> s) { return {s.begin(), s.end()}; }

TEST(RouteTable, MatchesLiteralsAndParameters) {
  RouteTable t;
  auto detail = t.Add(Method::kGet, "/api/v1/dossiers/{code}");
  auto action = t.Add(Method::kPost, "/api/v1/dossiers/{code}/actions/{action}");
  auto m = t.Match(Method::kPost, Segs({"api", "v1", "dossiers", "H22-261122-0001", "actions",
                                        "receive"}));
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route, action);
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"code", "H22-261122-0001"}));
  EXPECT_EQ(m.params[1].second, "receive");
  EXPECT_EQ(t.Match(Method::kGet, Segs({"api", "v1", "dossiers", "X"})).route, detail);
}

TEST(RouteTable, LiteralBeatsParameter) {
  RouteTable t;
  auto param = t.Add(Method::kGet, "/api/v1/procedures/{code}");
  auto literal = t.Add(Method::kGet, "/api/v1/procedures/export");
  EXPECT_EQ(t.Match(Method::kGet, Segs({"api", "v1", "procedures", "export"})).route, literal);
  EXPECT_EQ(t.Match(Method::kGet, Segs({"api", "v1", "procedures", "1.005129"})).route, param);
}

TEST(RouteTable, WrongMethodGives405WithAllow) {
  RouteTable t;
  t.Add(Method::kGet, "/api/v1/session");
  t.Add(Method::kPost, "/api/v1/session");
  t.Add(Method::kDelete, "/api/v1/session");
  auto m = t.Match(Method::kPut, Segs({"api", "v1", "session"}));
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD, POST, DELETE");
}

TEST(RouteTable, HeadFallsBackToGet) {
  RouteTable t;
  auto get = t.Add(Method::kGet, "/healthz");
  auto m = t.Match(Method::kHead, Segs({"healthz"}));
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route, get);
}

TEST(RouteTable, UnknownPathIsNotFound) {
  RouteTable t;
  t.Add(Method::kGet, "/api/v1/dossiers/{code}");
  EXPECT_EQ(t.Match(Method::kGet, Segs({"api", "v1", "dossiers"})).kind,
            RouteMatch::Kind::kNotFound);
  EXPECT_EQ(t.Match(Method::kGet, Segs({"api", "v1", "dossiers", ""})).kind,
            RouteMatch::Kind::kNotFound);
  EXPECT_EQ(t.AllowFor(Segs({"nothing"})), "");
}

TEST(RouteTable, RejectsBadAndDuplicatePatterns) {
  RouteTable t;
  t.Add(Method::kGet, "/a/{id}");
  EXPECT_THROW(t.Add(Method::kGet, "/a/{other}"), std::invalid_argument);
  EXPECT_THROW(t.Add(Method::kGet, "no-slash"), std::invalid_argument);
  EXPECT_THROW(t.Add(Method::kGet, "/a//b"), std::invalid_argument);
  EXPECT_THROW(t.Add(Method::kGet, "/a/{}"), std::invalid_argument);
  EXPECT_NO_THROW(t.Add(Method::kPost, "/a/{id}"));
}

TEST(Method, NamesRoundTrip) {
  for (auto m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch,
                 Method::kDelete, Method::kOptions}) {
    EXPECT_EQ(ParseMethod(MethodName(m)), m);
  }
  EXPECT_FALSE(ParseMethod("get").has_value());
  EXPECT_FALSE(ParseMethod("BREW").has_value());
}

}  // namespace
}  // namespace motcua::http

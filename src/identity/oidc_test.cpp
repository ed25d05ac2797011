#include "identity/oidc.hpp"

#include <gtest/gtest.h>

namespace motcua::identity {
namespace {

TEST(Pkce, MatchesRfc7636AppendixB) {
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  EXPECT_TRUE(ValidCodeVerifier(verifier));
  EXPECT_TRUE(PkceMatches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
  EXPECT_FALSE(PkceMatches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"));
  EXPECT_FALSE(ValidCodeVerifier("short"));
  EXPECT_FALSE(ValidCodeVerifier(std::string(43, 'a') + " "));
  EXPECT_FALSE(ValidCodeVerifier(std::string(129, 'a')));
}

TEST(RedirectUris, ExactMatchOnly) {
  OAuthClient c;
  c.redirect_uris = {"https://portal.example/cb"};
  EXPECT_TRUE(c.HasRedirect("https://portal.example/cb"));
  EXPECT_FALSE(c.HasRedirect("https://portal.example/cb/"));
  EXPECT_FALSE(c.HasRedirect("https://portal.example/cb?x=1"));
  EXPECT_FALSE(c.HasRedirect("https://portal.example/cb.evil.example"));
  EXPECT_FALSE(c.HasRedirect("HTTPS://portal.example/cb"));
}

TEST(RedirectUris, RegistrationRules) {
  EXPECT_TRUE(ValidRedirectUri("https://portal.example/cb"));
  EXPECT_TRUE(ValidRedirectUri("http://127.0.0.1:8765/callback"));
  EXPECT_FALSE(ValidRedirectUri("http://portal.example/cb"));
  EXPECT_FALSE(ValidRedirectUri("https://portal.example/cb#frag"));
  EXPECT_FALSE(ValidRedirectUri("javascript:alert(1)"));
  EXPECT_FALSE(ValidRedirectUri("https://portal.example/c b"));
}

TEST(Scopes, SplitDropsEmptiesAndRepeats) {
  EXPECT_EQ(SplitScope("openid  profile openid"), (std::vector<std::string>{"openid", "profile"}));
  EXPECT_EQ(JoinScope({"a", "b"}), "a b");
  EXPECT_TRUE(SplitScope("").empty());
}

TEST(Redirects, QueryValuesAreEncoded) {
  EXPECT_EQ(AppendQuery("https://a.example/cb", {{"code", "x y"}, {"state", "a&b=c"}}),
            "https://a.example/cb?code=x%20y&state=a%26b%3Dc");
  EXPECT_EQ(AppendQuery("https://a.example/cb?k=1", {{"code", "z"}}), "https://a.example/cb?k=1&code=z");
}

}  // namespace
}  // namespace motcua::identity

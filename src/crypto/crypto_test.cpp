#include <gtest/gtest.h>

#include "crypto/encoding.hpp"
#include "crypto/jose.hpp"
#include "crypto/password.hpp"
#include "crypto/totp.hpp"

#include <vector>

namespace motcua::crypto {
namespace {

TEST(Encoding, Base64UrlMatchesRfc4648Vectors) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(Base64UrlDecode("-_8"), "\xfb\xff");
}

TEST(Encoding, Base64UrlRefusesPaddingForeignCharactersAndNonCanonicalTails) {
  EXPECT_FALSE(Base64UrlDecode("Zg=="));
  EXPECT_FALSE(Base64UrlDecode("Zm9v+YmFy"));
  EXPECT_FALSE(Base64UrlDecode("Zh"));  // trailing bits set
  EXPECT_FALSE(Base64UrlDecode("Z"));
}

TEST(Encoding, Base32RoundTripsAndIgnoresCaseAndSpaces) {
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Decode("mzxw 6ytb oi"), "foobar");
  EXPECT_FALSE(Base32Decode("MZXW1"));
}

TEST(Totp, MatchesRfc6238Sha1Vectors) {
  const std::string secret = "12345678901234567890";
  EXPECT_EQ(TotpCode(secret, 59 / 30), "287082");
  EXPECT_EQ(TotpCode(secret, 1111111109 / 30), "081804");
  EXPECT_EQ(TotpCode(secret, 1234567890 / 30), "005924");
  EXPECT_EQ(TotpCode(secret, 20000000000ull / 30), "353130");
}

TEST(Totp, AcceptsNeighbourStepsOnceAndRefusesReplays) {
  const std::string secret = "12345678901234567890";
  std::uint64_t now = 1234567890 / 30;
  EXPECT_EQ(MatchTotp(secret, TotpCode(secret, now - 1), now, 0), now - 1);
  EXPECT_EQ(MatchTotp(secret, TotpCode(secret, now + 1), now, 0), now + 1);
  EXPECT_FALSE(MatchTotp(secret, TotpCode(secret, now - 2), now, 0));
  EXPECT_FALSE(MatchTotp(secret, TotpCode(secret, now), now, now));  // already used
  EXPECT_FALSE(MatchTotp(secret, "12345", now, 0));
}

TEST(Totp, UriCarriesIssuerAccountAndBase32Secret) {
  EXPECT_EQ(OtpAuthUri("motcua An Hòa", "admin.demo", "foobar"),
            "otpauth://totp/motcua%20An%20H%C3%B2a:admin.demo?secret=MZXW6YTBOI&issuer="
            "motcua%20An%20H%C3%B2a&algorithm=SHA1&digits=6&period=30");
}

TEST(Password, VerifiesOnlyTheRightPasswordAndDetectsCostChanges) {
  PasswordCost cheap{.iterations = 1, .memory_kib = 64};
  std::string hash = HashPassword("Demo@2026", cheap);
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword("Demo@2026", hash));
  EXPECT_FALSE(VerifyPassword("demo@2026", hash));
  EXPECT_FALSE(VerifyPassword("Demo@2026", "not a hash"));
  EXPECT_NE(HashPassword("Demo@2026", cheap), hash);  // salted
  EXPECT_FALSE(NeedsRehash(hash, cheap));
  EXPECT_TRUE(NeedsRehash(hash, PasswordCost{.iterations = 2, .memory_kib = 64}));
}

class Jose : public ::testing::TestWithParam<JwsAlg> {};

TEST_P(Jose, SignedTokensVerifyAndTamperedOnesDoNot) {
  JwsKey key = JwsKey::Generate(GetParam());
  std::string token = SignCompactJws(key, "k1", "JWT", R"({"sub":"a"})");
  auto parsed = ParseCompactJws(token);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->kid, "k1");
  EXPECT_EQ(parsed->payload_json, R"({"sub":"a"})");
  EXPECT_TRUE(VerifyJws(*parsed, key));

  std::string other_payload = token;
  auto dot = other_payload.find('.');
  other_payload.replace(dot + 1, other_payload.find('.', dot + 1) - dot - 1,
                        Base64UrlEncode(R"({"sub":"b"})"));
  auto tampered = ParseCompactJws(other_payload);
  ASSERT_TRUE(tampered);
  EXPECT_FALSE(VerifyJws(*tampered, key));

  JwsKey stranger = JwsKey::Generate(GetParam());
  EXPECT_FALSE(VerifyJws(*parsed, stranger));
}

TEST_P(Jose, KeysSurvivePemAndJwkRoundTrips) {
  JwsKey key = JwsKey::Generate(GetParam());
  auto again = JwsKey::FromPrivatePem(GetParam(), key.PrivatePem());
  ASSERT_TRUE(again);
  std::string token = SignCompactJws(*again, "k", "JWT", "{}");
  auto pub = JwsKey::FromJwk(key.PublicJwk());
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_FALSE(pub->HasPrivate());
  EXPECT_TRUE(VerifyJws(*ParseCompactJws(token), *pub));
}

INSTANTIATE_TEST_SUITE_P(Algs, Jose, ::testing::Values(JwsAlg::kRs256, JwsAlg::kEs256));

TEST(Jose, AlgorithmComesFromTheKeyNotTheToken) {
  JwsKey rsa = JwsKey::Generate(JwsAlg::kRs256);
  std::string token = SignCompactJws(rsa, "k", "JWT", "{}");
  // alg:none with an empty signature, and a header that lies about the algorithm.
  std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode("{}") + ".";
  auto parsed_none = ParseCompactJws(none);
  ASSERT_TRUE(parsed_none);
  EXPECT_FALSE(VerifyJws(*parsed_none, rsa));
  std::string hs = Base64UrlEncode(R"({"alg":"HS256"})") + token.substr(token.find('.'));
  EXPECT_FALSE(VerifyJws(*ParseCompactJws(hs), rsa));
  EXPECT_FALSE(JwsKey::FromPrivatePem(JwsAlg::kEs256, rsa.PrivatePem()));
}

TEST(Jose, MalformedTokensAreRefusedBeforeAnyCrypto) {
  for (const std::string& bad : std::vector<std::string>{"", "a.b", "a.b.c.d", "!!.e30.", "e30.e30.e30", std::string(20000, 'a')}) {
    auto parsed = ParseCompactJws(bad);
    if (parsed) {
      EXPECT_FALSE(VerifyJws(*parsed, JwsKey::Generate(JwsAlg::kEs256))) << bad;
    } else {
      EXPECT_EQ(parsed.error().code, core::ErrorCode::kUnauthenticated) << bad;
    }
  }
  EXPECT_FALSE(ParseCompactJws(Base64UrlEncode(R"({"alg":"ES256","crit":["x"]})") + ".e30.AA"));
}

TEST(Jose, JwksWithWeakOrForeignKeysAreRefused) {
  EXPECT_FALSE(JwsKey::FromJwk({{"kty", "oct"}, {"k", "AAAA"}}));
  EXPECT_FALSE(JwsKey::FromJwk({{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}}));
  EXPECT_FALSE(JwsKey::FromJwk({{"kty", "EC"}, {"crv", "P-384"}, {"x", "AA"}, {"y", "AA"}}));
  auto jwk = JwsKey::Generate(JwsAlg::kRs256).PublicJwk();
  jwk["alg"] = "ES256";
  EXPECT_FALSE(JwsKey::FromJwk(jwk));
}

}  // namespace
}  // namespace motcua::crypto

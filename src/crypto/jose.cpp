#include "crypto/jose.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <boost/json.hpp>

#include <stdexcept>
#include <vector>

#include "crypto/encoding.hpp"

namespace motcua::crypto {

struct JwsKey::Pkey {
  EVP_PKEY* pkey = nullptr;
  ~Pkey() { EVP_PKEY_free(pkey); }
};

namespace {

constexpr std::size_t kMaxToken = 16 * 1024;

std::string BnToBytes(const BIGNUM* bn, int pad_to = 0) {
  int size = pad_to > 0 ? pad_to : BN_num_bytes(bn);
  std::string out(static_cast<std::size_t>(size), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size);
  return out;
}

std::string GetBnParam(EVP_PKEY* pkey, const char* name, int pad_to = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) throw std::runtime_error("key parameter");
  std::string out = BnToBytes(bn, pad_to);
  BN_free(bn);
  return out;
}

bool IsType(EVP_PKEY* pkey, JwsAlg alg) {
  return alg == JwsAlg::kRs256 ? EVP_PKEY_is_a(pkey, "RSA") == 1 : EVP_PKEY_is_a(pkey, "EC") == 1;
}

}  // namespace

std::string_view JwsAlgName(JwsAlg alg) { return alg == JwsAlg::kRs256 ? "RS256" : "ES256"; }

JwsKey JwsKey::Generate(JwsAlg alg) {
  auto key = std::make_shared<Pkey>();
  key->pkey = alg == JwsAlg::kRs256 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                                    : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key->pkey == nullptr) throw std::runtime_error("key generation failed");
  return JwsKey(alg, std::move(key), true);
}

core::Result<JwsKey> JwsKey::FromPrivatePem(JwsAlg alg, std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  auto key = std::make_shared<Pkey>();
  key->pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key->pkey == nullptr || !IsType(key->pkey, alg)) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "not a private key for this algorithm");
  }
  return JwsKey(alg, std::move(key), true);
}

core::Result<JwsKey> JwsKey::FromJwk(const std::map<std::string, std::string>& m) {
  auto get = [&](const char* name) -> std::string {
    auto it = m.find(name);
    return it == m.end() ? std::string() : it->second;
  };
  auto bad = [](std::string why) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "unusable JWK: " + why);
  };
  std::string kty = get("kty");
  std::string alg_name = get("alg");
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  JwsAlg alg;
  const char* type;
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  std::string point;
  if (kty == "RSA") {
    if (!alg_name.empty() && alg_name != "RS256") {
      OSSL_PARAM_BLD_free(bld);
      return bad("algorithm " + alg_name);
    }
    alg = JwsAlg::kRs256;
    type = "RSA";
    auto nb = Base64UrlDecode(get("n"));
    auto eb = Base64UrlDecode(get("e"));
    if (!nb || !eb || nb->size() < 256 || eb->empty()) {
      OSSL_PARAM_BLD_free(bld);
      return bad("RSA modulus or exponent");
    }
    n = BN_bin2bn(reinterpret_cast<const unsigned char*>(nb->data()), static_cast<int>(nb->size()), nullptr);
    e = BN_bin2bn(reinterpret_cast<const unsigned char*>(eb->data()), static_cast<int>(eb->size()), nullptr);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
  } else if (kty == "EC") {
    if ((!alg_name.empty() && alg_name != "ES256") || get("crv") != "P-256") {
      OSSL_PARAM_BLD_free(bld);
      return bad("curve or algorithm");
    }
    alg = JwsAlg::kEs256;
    type = "EC";
    auto x = Base64UrlDecode(get("x"));
    auto y = Base64UrlDecode(get("y"));
    if (!x || !y || x->size() != 32 || y->size() != 32) {
      OSSL_PARAM_BLD_free(bld);
      return bad("EC point");
    }
    point = "\x04" + *x + *y;
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  } else {
    OSSL_PARAM_BLD_free(bld);
    return bad("key type '" + kty + "'");
  }
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  auto key = std::make_shared<Pkey>();
  bool ok = ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &key->pkey, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(n);
  BN_free(e);
  if (!ok) return bad("rejected by OpenSSL");
  return JwsKey(alg, std::move(key), false);
}

std::string JwsKey::PrivatePem() const {
  if (!has_private_) throw std::logic_error("public key has no PEM private part");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key_->pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

std::map<std::string, std::string> JwsKey::PublicJwk() const {
  if (alg_ == JwsAlg::kRs256) {
    return {{"kty", "RSA"},
            {"n", Base64UrlEncode(GetBnParam(key_->pkey, OSSL_PKEY_PARAM_RSA_N))},
            {"e", Base64UrlEncode(GetBnParam(key_->pkey, OSSL_PKEY_PARAM_RSA_E))}};
  }
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", Base64UrlEncode(GetBnParam(key_->pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
          {"y", Base64UrlEncode(GetBnParam(key_->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
}

std::string JwsKey::Sign(std::string_view input) const {
  if (!has_private_) throw std::logic_error("cannot sign with a public key");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  std::vector<unsigned char> sig;
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, sig.data(), &len, reinterpret_cast<const unsigned char*>(input.data()),
                        input.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) throw std::runtime_error("signing failed");
  if (alg_ == JwsAlg::kRs256) return std::string(sig.begin(), sig.end());
  // ECDSA: DER SEQUENCE{r, s} → fixed 32-byte r ‖ s (RFC 7518 §3.4).
  const unsigned char* p = sig.data();
  ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
  if (ecdsa == nullptr) throw std::runtime_error("bad ECDSA signature");
  std::string out = BnToBytes(ECDSA_SIG_get0_r(ecdsa), 32) + BnToBytes(ECDSA_SIG_get0_s(ecdsa), 32);
  ECDSA_SIG_free(ecdsa);
  return out;
}

bool JwsKey::Verify(std::string_view input, std::string_view signature) const {
  std::vector<unsigned char> der;
  if (alg_ == JwsAlg::kEs256) {
    if (signature.size() != 64) return false;
    ECDSA_SIG* ecdsa = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), 32, nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + 32, 32, nullptr);
    ECDSA_SIG_set0(ecdsa, r, s);
    int len = i2d_ECDSA_SIG(ecdsa, nullptr);
    der.resize(static_cast<std::size_t>(len));
    unsigned char* out = der.data();
    i2d_ECDSA_SIG(ecdsa, &out);
    ECDSA_SIG_free(ecdsa);
  } else {
    der.assign(signature.begin(), signature.end());
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
            EVP_DigestVerify(ctx, der.data(), der.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

core::Result<ParsedJws> ParseCompactJws(std::string_view token) {
  auto bad = [](const char* why) {
    return core::Fail(core::ErrorCode::kUnauthenticated, std::string("malformed token: ") + why);
  };
  if (token.size() > kMaxToken) return bad("too long");
  auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return bad("not three parts");
  auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return bad("not three parts");
  }
  auto header = Base64UrlDecode(token.substr(0, dot1));
  auto payload = Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!header || !payload || !signature) return bad("not base64url");
  boost::system::error_code ec;
  boost::json::value h = boost::json::parse(*header, ec);
  if (ec || !h.is_object()) return bad("header is not a JSON object");
  const auto& obj = h.as_object();
  const auto* alg = obj.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return bad("header has no alg");
  ParsedJws out;
  out.alg = std::string(alg->as_string());
  if (const auto* kid = obj.if_contains("kid"); kid != nullptr && kid->is_string()) {
    out.kid = std::string(kid->as_string());
  }
  if (const auto* typ = obj.if_contains("typ"); typ != nullptr && typ->is_string()) {
    out.typ = std::string(typ->as_string());
  }
  // `crit` names extensions we would have to understand; we understand none (RFC 7515 §4.1.11).
  if (obj.contains("crit")) return bad("unsupported critical header");
  out.payload_json = std::move(*payload);
  out.signing_input = std::string(token.substr(0, dot2));
  out.signature = std::move(*signature);
  return out;
}

bool VerifyJws(const ParsedJws& parsed, const JwsKey& key) {
  if (parsed.alg != JwsAlgName(key.Alg())) return false;
  return key.Verify(parsed.signing_input, parsed.signature);
}

std::string SignCompactJws(const JwsKey& key, std::string_view kid, std::string_view typ,
                           std::string_view payload_json) {
  boost::json::object header{{"alg", JwsAlgName(key.Alg())}, {"kid", kid}, {"typ", typ}};
  std::string input = Base64UrlEncode(boost::json::serialize(header)) + "." +
                      Base64UrlEncode(payload_json);
  std::string signature = key.Sign(input);
  return input + "." + Base64UrlEncode(signature);
}

}  // namespace motcua::crypto

#include "crypto/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>

#include "crypto/encoding.hpp"

namespace motcua::crypto {

namespace {

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

std::string TotpCode(std::string_view secret, std::uint64_t step) {
  unsigned char counter[8];
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<unsigned char>(step & 0xFF);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), counter, sizeof counter, mac,
       &mac_len);
  int offset = mac[mac_len - 1] & 0x0F;
  std::uint32_t binary = ((mac[offset] & 0x7Fu) << 24) | (mac[offset + 1] << 16) |
                         (mac[offset + 2] << 8) | mac[offset + 3];
  char out[8];
  std::snprintf(out, sizeof out, "%06u", binary % 1'000'000u);
  return out;
}

std::optional<std::uint64_t> MatchTotp(std::string_view secret, std::string_view code,
                                       std::uint64_t now_step, std::uint64_t last_used_step,
                                       int window) {
  if (code.size() != 6) return std::nullopt;
  std::optional<std::uint64_t> found;
  for (int d = -window; d <= window; ++d) {
    if (d < 0 && now_step < static_cast<std::uint64_t>(-d)) continue;
    std::uint64_t step = now_step + d;
    // Every candidate is computed and compared, so timing does not reveal which one matched.
    if (ConstantTimeEquals(TotpCode(secret, step), code) && step > last_used_step) found = step;
  }
  return found;
}

std::string OtpAuthUri(std::string_view issuer, std::string_view account,
                       std::string_view secret) {
  return "otpauth://totp/" + PercentEncode(issuer) + ":" + PercentEncode(account) +
         "?secret=" + Base32Encode(secret) + "&issuer=" + PercentEncode(issuer) +
         "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace motcua::crypto

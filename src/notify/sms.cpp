#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include "crypto/sha256.hpp"
#include "http/client.hpp"
#include "notify/channels.hpp"

namespace motcua::notify {

std::string SmsSignature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  return "sha256=" + crypto::ToHex(mac, len);
}

std::string SmsBody(std::string_view id, std::string_view phone, std::string_view text, std::string_view sender) {
  return boost::json::serialize(boost::json::object{{"id", id}, {"to", phone}, {"text", text}, {"sender", sender}});
}

Outcome SendSms(const SmsOptions& o, std::string_view id, std::string_view phone, std::string_view text) {
  http::ClientRequest req;
  req.method = "POST";
  req.url = o.url;
  req.body = SmsBody(id, phone, text, o.sender);
  req.timeout = o.timeout;
  req.body_limit = 64 * 1024;
  req.ca_file = o.ca_file;
  req.headers = {{"Content-Type", "application/json"},
                 {"X-Motcua-Signature", SmsSignature(o.secret, req.body)},
                 {"Idempotency-Key", std::string(id)}};
  auto r = http::FetchBlocking(req);
  if (!r) return {Outcome::Kind::kTransient, "gateway: " + r.error().message};
  std::string detail = "HTTP " + std::to_string(r->status);
  if (!r->body.empty()) detail += " " + r->body.substr(0, 200);
  if (r->status >= 200 && r->status < 300) return {Outcome::Kind::kSent, detail};
  if (r->status >= 500 || r->status == 429 || r->status == 408) return {Outcome::Kind::kTransient, detail};
  return {Outcome::Kind::kPermanent, detail};
}

}  // namespace motcua::notify
